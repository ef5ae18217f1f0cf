"""Content-addressed snippet results that know which lab modules they depend on.

An entry's key is the hash of the page's snippet chain up to the snippet plus the
environment (Python, key package versions, profile); see `snippet_keys`. The entry also
records the tracked modules (``dplab.*``) the page had imported by then, with their source
hashes, and is valid only while those hashes match: editing ``dplab/pate.py`` re-runs
exactly the pages whose runs imported it, which page-text caches (markdown-exec,
Jupyter Book, Quarto) cannot notice.

Every write goes to a temporary file that is renamed into place, so a reader (or a second
build running at the same time) sees a whole entry or none. Figures are stored once per
content hash. A corrupt entry is reported, removed and recomputed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from site_src.jobs import SnippetOutput

FORMAT = 1
log = logging.getLogger("journal")


@dataclass(frozen=True)
class CachedFigure:
    """A figure stored in the cache: ``path`` holds exactly the bytes hashing to ``sha256``."""

    sha256: str
    ext: str
    alt: str
    path: Path


@dataclass(frozen=True)
class CachedResult:
    """A valid cached snippet result."""

    stdout: str
    seconds: float
    figures: tuple[CachedFigure, ...]


def snippet_keys(environment: dict[str, object], page: str, chain: Iterable[tuple[str, str]]) -> list[str]:
    """Key of each snippet of a page: hash of the environment, the page (its seed) and the
    sources and figure formats of every snippet up to and including this one."""
    digest = hashlib.sha256(json.dumps([FORMAT, environment, page], sort_keys=True).encode())
    keys = []
    for source, fmt in chain:
        part = json.dumps([source, fmt]).encode()
        digest.update(len(part).to_bytes(8, "little") + part)
        keys.append(digest.copy().hexdigest())
    return keys


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place: a
    reader sees the old file or the whole new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class SourceHashes:
    """sha256 of source files, each read at most once per build."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._memo: dict[str, str | None] = {}

    def __call__(self, shown_path: str) -> str | None:
        if shown_path not in self._memo:
            path = Path(shown_path)
            path = path if path.is_absolute() else self.root / path
            try:
                self._memo[shown_path] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                self._memo[shown_path] = None
        return self._memo[shown_path]


class Cache:
    """The snippet cache in one folder (``.journal-cache/`` by default)."""

    def __init__(self, folder: Path, hashes: SourceHashes) -> None:
        self.folder = folder / f"v{FORMAT}"
        self.hashes = hashes

    def _entry_path(self, key: str) -> Path:
        return self.folder / "entries" / key[:2] / f"{key}.json"

    def _blob_path(self, sha256: str, ext: str) -> Path:
        return self.folder / "figures" / sha256[:2] / f"{sha256}.{ext}"

    def get(self, key: str) -> CachedResult | None:
        """The valid result for ``key``, or None when it is missing, stale (a recorded
        module changed) or corrupt (then it is logged and removed)."""
        path = self._entry_path(key)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            entry = json.loads(raw)
            if entry["format"] != FORMAT or entry["key"] != key:
                raise ValueError("entry was written for another key or format")
            for shown, recorded in entry["modules"].values():
                if self.hashes(shown) != recorded:
                    return None
            figures = []
            for figure in entry["figures"]:
                blob = self._blob_path(figure["sha256"], figure["ext"])
                if hashlib.sha256(blob.read_bytes()).hexdigest() != figure["sha256"]:
                    raise ValueError(f"figure {blob.name} does not match its hash")
                figures.append(CachedFigure(figure["sha256"], figure["ext"], figure["alt"], blob))
            return CachedResult(entry["stdout"], float(entry["seconds"]), tuple(figures))
        except (ValueError, KeyError, TypeError, OSError) as exc:
            log.warning("journal: cache entry %s is corrupt (%s); recomputing", path, exc)
            path.unlink(missing_ok=True)
            return None

    def _imports_path(self, page: str) -> Path:
        return self.folder / "imports" / f"{hashlib.sha256(page.encode()).hexdigest()}.json"

    def page_imports(self, page: str) -> list[str] | None:
        """The top-level packages the page imported when it last ran, if known."""
        try:
            imports = json.loads(self._imports_path(page).read_bytes())
        except (OSError, ValueError):
            return None
        return imports if isinstance(imports, list) else None

    def record_page_imports(self, page: str, imports: list[str]) -> None:
        """Remember what a page imported, to preload only what the next run needs."""
        atomic_write(self._imports_path(page), json.dumps(sorted(imports)).encode())

    def put(self, key: str, output: SnippetOutput) -> CachedResult:
        """Store a fresh result (figures first, then the entry that names them)."""
        figures = []
        for figure in output.figures:
            sha = hashlib.sha256(figure.data).hexdigest()
            blob = self._blob_path(sha, figure.ext)
            if not blob.is_file() or blob.stat().st_size != len(figure.data):
                atomic_write(blob, figure.data)
            figures.append(CachedFigure(sha, figure.ext, figure.alt, blob))
        entry = {
            "format": FORMAT,
            "key": key,
            "stdout": output.stdout,
            "seconds": output.seconds,
            "figures": [{"sha256": f.sha256, "ext": f.ext, "alt": f.alt} for f in figures],
            "modules": {name: list(value) for name, value in sorted(output.modules.items())},
        }
        atomic_write(self._entry_path(key), json.dumps(entry, sort_keys=True).encode())
        return CachedResult(output.stdout, output.seconds, tuple(figures))
