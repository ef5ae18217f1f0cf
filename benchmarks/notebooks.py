"""Benchmark of the day notebooks (issue: notebooks through the engine's cache).

On the journal's seven day notebooks, median of N alternating runs:

- warm build with notebooks / JOURNAL_EXEC=off build (target <= 1.3);
- against mkdocs-jupyter executing the same notebooks itself (``execute: true``), warm
  builds: with its HTML cache on (keyed on the notebook text only: it would serve stale
  output after a dplab edit) and off (it re-runs every notebook on every build).

Run: ``.venv/bin/python benchmarks/notebooks.py [--runs 5]`` (needs ipykernel: test extras).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from common import REPO, alternate, line, median, mkdocs_build

CONFIG = """
site_name: Notebooks
docs_dir: docs
theme: {{name: material, font: false, custom_dir: {repo}/site_src/theme}}
plugins:
  - mkdocs-jupyter:
      execute: {execute}
      allow_errors: false
      include: ["*.ipynb"]
      cache: {cache}
      cache_dir: {cache_dir}
{hooks}
"""


def project(root: Path, *, ours: bool, cache: bool = True) -> Path:
    docs = root / "docs"
    shutil.copytree(REPO / "journal" / "notebooks", docs / "notebooks")
    (docs / "index.md").write_text("# Notebooks\n")
    hooks = f"hooks:\n  - {REPO}/site_src/hooks.py" if ours else ""
    config = root / "mkdocs.yml"
    config.write_text(
        CONFIG.format(
            repo=REPO,
            execute=str(not ours).lower(),
            cache=str(cache).lower(),
            cache_dir=root / "jupyter-cache",
            hooks=hooks,
        )
    )
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ours = project(work / "ours", ours=True)
        cached = project(work / "theirs-cached", ours=False, cache=True)
        uncached = project(work / "theirs-uncached", ours=False, cache=False)
        cache = str(work / "journal-cache")
        site = work / "site"
        mkdocs_build(ours, site, JOURNAL_CACHE_DIR=cache)  # fill the caches
        mkdocs_build(ours, site, JOURNAL_CACHE_DIR=cache, JOURNAL_EXEC="off")
        mkdocs_build(cached, site)
        times = alternate(
            args.runs,
            off=lambda: mkdocs_build(ours, site, JOURNAL_CACHE_DIR=cache, JOURNAL_EXEC="off"),
            warm=lambda: mkdocs_build(ours, site, JOURNAL_CACHE_DIR=cache),
            jupyter_cached=lambda: mkdocs_build(cached, site),
            jupyter_executes=lambda: mkdocs_build(uncached, site),
        )
    print("seven day notebooks:")
    labels = {
        "off": "JOURNAL_EXEC=off build",
        "warm": "warm build (journal engine)",
        "jupyter_cached": "mkdocs-jupyter execute, its cache on",
        "jupyter_executes": "mkdocs-jupyter execute, cache off",
    }
    for name, label in labels.items():
        print(line(label, times[name]))
    warm = median(times["warm"])
    print(f"  warm / off = {warm / median(times['off']):.3f}")
    executes, cached_runs = median(times["jupyter_executes"]), median(times["jupyter_cached"])
    print(f"  mkdocs-jupyter executing every build / our warm build = {executes / warm:.2f}")
    print(f"  mkdocs-jupyter with its text-keyed cache / our warm build = {cached_runs / warm:.2f}")


if __name__ == "__main__":
    main()
