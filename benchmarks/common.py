"""Timing helpers shared by the benchmarks: alternating runs, medians, subprocess builds."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def mkdocs_build(config: Path, site: Path, **env: str) -> float:
    """Wall-clock seconds of one `mkdocs build` in a fresh process, as a user runs it."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)],
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
        stderr=subprocess.PIPE,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"mkdocs build -f {config} failed:\n{done.stderr}")
    return seconds


def alternate(runs: int, **variants: Callable[[], float]) -> dict[str, list[float]]:
    """Run each variant ``runs`` times, interleaved (A B A B ...) so drift hits both."""
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(runs):
        for name, variant in variants.items():
            times[name].append(variant())
    return times


def median(values: list[float]) -> float:
    return statistics.median(values)


def line(label: str, seconds: list[float]) -> str:
    return f"  {label:<38} median {median(seconds):7.3f} s  (runs: {', '.join(f'{s:.2f}' for s in seconds)})"
