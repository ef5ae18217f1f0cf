"""Runs inside a snippet worker process (never in the MkDocs process).

A page runs like a notebook: its snippets share one namespace, in order. Before each
snippet the random generators are seeded from the page path and snippet index, so a page
gives the same output on every machine and in every order the pool happens to pick.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import io
import linecache
import os
import random
import sys
import time
import traceback
from multiprocessing.connection import Connection
from pathlib import Path

from site_src.jobs import FigureOutput, PageJob, SnippetFailure, SnippetOutput

os.environ.setdefault("MPLBACKEND", "Agg")

PNG_DPI = 110


def snippet_seed(page: str, index: int) -> int:
    """The seed of snippet ``index`` of ``page``: stable across runs, machines and pools."""
    digest = hashlib.sha256(f"{page}\0{index}".encode()).digest()
    return int.from_bytes(digest[:4], "little")


_SEEDERS = {
    "numpy": lambda module, seed: module.random.seed(seed),
    "torch": lambda module, seed: module.manual_seed(seed),
}


class _SnippetImports:
    """Stands in for ``__import__`` while a snippet runs.

    It records the top-level package of every absolute import (also of modules already
    loaded), so the next build preloads only what a page needs; and it seeds numpy and
    torch the moment a snippet first imports them, which leaves them in the state they
    would have had if preloaded and seeded at the snippet's start. So a page's output does
    not depend on what happened to be preloaded.
    """

    def __init__(self, threads: int) -> None:
        self.seen: set[str] = set()
        self.threads = threads
        self.seed = 0
        self.active = False
        self.depth = 0
        self.pending: set[str] = set()
        self._original = builtins.__import__

    def begin(self, seed: int) -> None:
        random.seed(seed)
        self.seed = seed
        self.pending = set()
        for name in _SEEDERS:
            if name in sys.modules:
                self._seed(name)
            else:
                self.pending.add(name)
        self.active = True

    def end(self) -> None:
        self.active = False

    def _seed(self, name: str) -> None:
        module = sys.modules[name]
        if name == "torch":
            module.set_num_threads(self.threads)
        _SEEDERS[name](module, self.seed)

    def __call__(self, name, globals=None, locals=None, fromlist=(), level=0):
        self.depth += 1
        try:
            module = self._original(name, globals, locals, fromlist, level)
        finally:
            self.depth -= 1
        if self.active and level == 0:
            self.seen.add(name.partition(".")[0])
            # Seed only once the outermost import is done: inner ones see half-made modules.
            if self.depth == 0:
                for pending in [p for p in self.pending if p in sys.modules]:
                    self.pending.discard(pending)
                    self._seed(pending)
        return module


def _module_hashes(job: PageJob, memo: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """The tracked modules imported so far, with the hash of each one's source file."""
    found: dict[str, tuple[str, str]] = {}
    for name, module in list(sys.modules.items()):
        if not any(name == p or name.startswith(p + ".") for p in job.tracked):
            continue
        file = getattr(module, "__file__", None)
        if not file:
            continue
        if file not in memo:
            path = Path(file).resolve()
            try:
                shown = path.relative_to(job.root).as_posix()
            except ValueError:
                shown = path.as_posix()
            memo[file] = (shown, hashlib.sha256(path.read_bytes()).hexdigest())
        found[name] = memo[file]
    return found


def _figure_alt(figure: object, page: str, index: int, number: int) -> str:
    title = figure.get_suptitle() if hasattr(figure, "get_suptitle") else ""  # type: ignore[attr-defined]
    if not title:
        title = next((ax.get_title() for ax in figure.axes if ax.get_title()), "")  # type: ignore[attr-defined]
    return title or f"Figure {number} of snippet {index + 1} on {page}"


def _collect_figures(page: str, index: int, fmt: str) -> list[FigureOutput]:
    """Render and close every open pyplot figure, with fixed metadata so the bytes are
    the same on every build (no dates, no software versions, salted SVG ids)."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None or not pyplot.get_fignums():
        return []
    pyplot.rcParams["svg.hashsalt"] = f"{page}:{index}"
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    figures = []
    for number, fignum in enumerate(pyplot.get_fignums(), start=1):
        figure = pyplot.figure(fignum)
        buffer = io.BytesIO()
        figure.savefig(buffer, format=fmt, metadata=metadata, bbox_inches="tight", dpi=PNG_DPI)
        figures.append(FigureOutput(fmt, buffer.getvalue(), _figure_alt(figure, page, index, number)))
    pyplot.close("all")
    return figures


def _failure(index: int, exc: BaseException, path: str) -> SnippetFailure:
    frames = traceback.extract_tb(exc.__traceback__)
    start = next((k for k, frame in enumerate(frames) if frame.filename.startswith(path)), len(frames))
    shown = "".join(traceback.format_list(frames[start:]))
    return SnippetFailure(index, type(exc).__name__, str(exc), shown)


def run_page(conn: Connection, job: PageJob) -> None:
    """Run ``job`` and stream ``("start", i)``, ``("done", SnippetOutput)`` and
    ``("failed", SnippetFailure)`` messages, then ``("end", imported)`` where ``imported``
    names the top-level packages the page imported (the next build preloads them)."""
    os.chdir(job.root)
    if job.root not in sys.path:
        sys.path.insert(0, job.root)
    os.environ["JOURNAL_PROFILE"] = job.profile
    for name in [n for n in sys.modules if any(n == p or n.startswith(p + ".") for p in job.tracked)]:
        del sys.modules[name]
    imports = _SnippetImports(job.threads)
    builtins.__import__ = imports
    namespace: dict[str, object] = {"__name__": "__main__", "__builtins__": builtins}
    memo: dict[str, tuple[str, str]] = {}
    for index, spec in enumerate(job.snippets):
        conn.send(("start", index))
        started = time.perf_counter()
        stdout = io.StringIO()
        try:
            # Pad so that traceback line numbers are the lines of the Markdown file, and let
            # tracebacks show the snippet's own text.
            padded = "\n" * spec.line + spec.source
            linecache.cache[spec.filename] = (len(padded), None, padded.splitlines(True), spec.filename)
            code = compile(padded, spec.filename, "exec")
            imports.begin(snippet_seed(job.page, index))
            try:
                with contextlib.redirect_stdout(stdout):
                    exec(code, namespace)
            finally:
                imports.end()
            figures = _collect_figures(job.page, index, spec.fmt)
        except BaseException as exc:
            conn.send(("failed", _failure(index, exc, job.path)))
            break
        if index >= job.first_stale:
            seconds = time.perf_counter() - started
            modules = _module_hashes(job, memo)
            conn.send(("done", SnippetOutput(index, stdout.getvalue(), seconds, figures, modules)))
    conn.send(("end", sorted(imports.seen)))
    conn.close()
