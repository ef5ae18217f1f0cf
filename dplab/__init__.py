"""dplab: the differential-privacy lab behind the journal.

Plain library code (numpy, torch, scikit-learn) that knows nothing of the site. Import the
submodule you need (``from dplab.local import randomized_response``): this package file
stays tiny on purpose, because the journal's cache re-runs a page whenever a module its
run imported changes, and an eager ``__init__`` would make every page depend on all of
them.
"""

from __future__ import annotations

import os

PROFILES = ("quick", "full")


def profile() -> str:
    """The experiment size the journal is built with: ``"quick"`` (default, every build)
    or ``"full"`` (real-size runs), from ``JOURNAL_PROFILE``."""
    value = os.environ.get("JOURNAL_PROFILE", "quick").strip().lower() or "quick"
    if value not in PROFILES:
        raise ValueError(f"JOURNAL_PROFILE must be one of {PROFILES}, got {value!r}")
    return value


def sized(quick: int, full: int) -> int:
    """``quick`` in the quick profile, ``full`` in the full one: experiment sizes that
    keep every build fast while a reader can ask for the real run."""
    return full if profile() == "full" else quick
