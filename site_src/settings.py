"""Build settings: the journal's `extra: journal:` block in mkdocs.yml plus the
``JOURNAL_*`` environment switches, validated once at the boundary."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from site_src.errors import JournalError

PROFILES = ("quick", "full")
_ON = {"on", "1", "true", "yes"}
_OFF = {"off", "0", "false", "no"}


@dataclass(frozen=True)
class Settings:
    """Everything the engine needs to know about one build.

    ``root`` is the folder holding mkdocs.yml: snippets run with it as their working
    directory and first ``sys.path`` entry, and the paths in error messages are relative
    to it.
    """

    root: Path
    docs_dir: Path
    total_days: int = 60
    execute: bool = True
    profile: str = "quick"
    jobs: int = 1
    cache_dir: Path = Path(".journal-cache")
    tracked_packages: tuple[str, ...] = ("dplab",)
    key_packages: tuple[str, ...] = ("numpy", "scipy", "matplotlib", "torch", "scikit-learn")
    preload: tuple[str, ...] = ("numpy", "matplotlib.pyplot", "torch")
    default_timeout: float = 120.0
    threads: int = 1

    def display_path(self, src_uri: str) -> str:
        """The path of a docs file as an author sees it, e.g. ``journal/days/day-09.md``."""
        path = self.docs_dir / src_uri
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


def _positive_int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise JournalError(f"{what} must be a positive whole number, got {value!r}")
    try:
        number = int(value)
    except ValueError:
        raise JournalError(f"{what} must be a positive whole number, got {value!r}") from None
    if number < 1:
        raise JournalError(f"{what} must be a positive whole number, got {value!r}")
    return number


def _names(value: object, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise JournalError(f"{what} must be a list of names, got {value!r}")
    return tuple(value)


def load_settings(
    root: Path,
    docs_dir: Path,
    extra: Mapping[str, object] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Read `extra: journal:` (``days``, ``track``, ``key_packages``, ``preload``,
    ``timeout``, ``threads``) and the environment (``JOURNAL_EXEC``, ``JOURNAL_PROFILE``,
    ``JOURNAL_JOBS``, ``JOURNAL_CACHE_DIR``) into validated settings."""
    environ = os.environ if environ is None else environ
    journal = dict((extra or {}).get("journal") or {})
    known = {"days", "track", "key_packages", "preload", "timeout", "threads"}
    unknown = sorted(set(journal) - known)
    if unknown:
        raise JournalError(
            f"mkdocs.yml: unknown key(s) under extra.journal: {', '.join(unknown)} "
            f"(known: {', '.join(sorted(known))})"
        )
    root = root.resolve()
    kwargs: dict[str, object] = {"root": root, "docs_dir": docs_dir.resolve()}
    if "days" in journal:
        kwargs["total_days"] = _positive_int(journal["days"], "extra.journal.days")
    if "track" in journal:
        kwargs["tracked_packages"] = _names(journal["track"], "extra.journal.track")
    if "key_packages" in journal:
        kwargs["key_packages"] = _names(journal["key_packages"], "extra.journal.key_packages")
    if "preload" in journal:
        kwargs["preload"] = _names(journal["preload"], "extra.journal.preload")
    if "timeout" in journal:
        kwargs["default_timeout"] = float(_positive_int(journal["timeout"], "extra.journal.timeout"))
    if "threads" in journal:
        kwargs["threads"] = _positive_int(journal["threads"], "extra.journal.threads")

    exec_switch = environ.get("JOURNAL_EXEC", "on").strip().lower()
    if exec_switch not in _ON | _OFF:
        raise JournalError(f"JOURNAL_EXEC must be 'on' or 'off', got {exec_switch!r}")
    kwargs["execute"] = exec_switch in _ON

    profile = environ.get("JOURNAL_PROFILE", "quick").strip().lower()
    if profile not in PROFILES:
        raise JournalError(f"JOURNAL_PROFILE must be one of {', '.join(PROFILES)}, got {profile!r}")
    kwargs["profile"] = profile

    jobs = environ.get("JOURNAL_JOBS")
    kwargs["jobs"] = _positive_int(jobs, "JOURNAL_JOBS") if jobs else os.cpu_count() or 1

    cache_dir = Path(environ.get("JOURNAL_CACHE_DIR") or root / ".journal-cache")
    kwargs["cache_dir"] = (cache_dir if cache_dir.is_absolute() else root / cache_dir).resolve()
    return Settings(**kwargs)  # type: ignore[arg-type]
