"""Benchmark of the journal engine (issue: the journal engine).

On the sample journal (this repository's) and on a generated 365-day journal with three
snippets a day (a numpy print and one small plot each), median of N alternating runs:

- warm build / JOURNAL_EXEC=off build           (target <= 1.3, goal 1.1)
- rebuild after a one-entry edit / warm build    (target <= 1.5 plus that page's compute)
- cold build with the worker pool / one worker   (speedup reported)

Run: ``.venv/bin/python benchmarks/engine_build.py [--runs 5]``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

from common import REPO, alternate, line, median, mkdocs_build

GENERATED_YML = """
site_name: A generated 365-day journal
docs_dir: journal
theme:
  name: material
  custom_dir: {repo}/site_src/theme
  font: false
hooks:
  - {repo}/site_src/hooks.py
extra_css: [assets/journal.css]
markdown_extensions: [attr_list, admonition, pymdownx.superfences]
extra:
  journal:
    days: 365
    preload: [numpy, matplotlib.pyplot]
"""

DAY = """---
day: {day}
title: Generated day {day}
lesson: {lesson}
---

Some prose for day {day}.

```python exec="on"
import numpy as np
values = np.random.default_rng({day}).normal(size=1000)
print(f"mean {{values.mean():.4f}}, sd {{values.std():.4f}}")
```

```python exec="on"
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(4, 2.5))
ax.hist(values, bins=30)
ax.set_title("Day {day}")
```

```python exec="on"
print(np.percentile(values, [5, 50, 95]).round(3))
```
"""


def generate(root: Path, days: int) -> Path:
    (root / "journal" / "days").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(GENERATED_YML.format(repo=REPO))
    (root / "journal" / "index.md").write_text("# Generated\n\n<!-- journal:dashboard -->\n")
    for day in range(1, days + 1):
        text = DAY.format(day=day, lesson=1 + (day - 1) // 30)
        (root / "journal" / "days" / f"day-{day:03d}.md").write_text(text)
    return root / "mkdocs.yml"


def edited_page_compute(site: Path) -> float:
    report = json.loads((site / "journal-build.json").read_text())
    return sum(r["seconds"] for r in report["snippets"] if r["status"] == "ran")


def bench(name: str, config: Path, edit: Path, runs: int, cold_runs: int, work: Path) -> list[str]:
    cache = str(work / f"{name}-cache")
    site = work / f"{name}-site"
    out = [f"{name}:"]
    mkdocs_build(config, site, JOURNAL_CACHE_DIR=cache)  # fill the cache
    times = alternate(
        runs,
        off=lambda: mkdocs_build(config, site, JOURNAL_EXEC="off", JOURNAL_CACHE_DIR=cache),
        warm=lambda: mkdocs_build(config, site, JOURNAL_CACHE_DIR=cache),
    )
    out += [line("JOURNAL_EXEC=off build", times["off"]), line("warm build", times["warm"])]
    out.append(f"  warm / off = {median(times['warm']) / median(times['off']):.3f}")

    original = edit.read_text()
    rebuilds, computes = [], []
    for k in range(runs):
        edit.write_text(
            original.replace("Some prose", f"Edited prose {k}", 1)
            if "Some prose" in original
            else original + f"\n\nEdited {k}.\n"
        )
        edit.write_text(edit.read_text().replace("print(", f"print({k}, ", 1))
        rebuilds.append(mkdocs_build(config, site, JOURNAL_CACHE_DIR=cache))
        computes.append(edited_page_compute(site))
    edit.write_text(original)
    mkdocs_build(config, site, JOURNAL_CACHE_DIR=cache)
    net = [r - c for r, c in zip(rebuilds, computes, strict=True)]
    out.append(line("rebuild after a one-entry edit", rebuilds))
    out.append(f"  that page's own compute: median {median(computes):.3f} s")
    out.append(f"  (rebuild - page compute) / warm = {median(net) / median(times['warm']):.3f}")

    def cold(jobs: int) -> float:
        folder = work / f"{name}-cold-{jobs}"
        shutil.rmtree(folder, ignore_errors=True)
        return mkdocs_build(config, site, JOURNAL_CACHE_DIR=str(folder), JOURNAL_JOBS=str(jobs))

    colds = alternate(cold_runs, pool=lambda: cold(2), single=lambda: cold(1))
    out += [
        line("cold build, pool of 2 workers", colds["pool"]),
        line("cold build, 1 worker", colds["single"]),
    ]
    out.append(f"  cold speedup (1 worker / pool) = {median(colds['single']) / median(colds['pool']):.2f}x")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sample_edit = work / "sample"
        shutil.copytree(
            REPO,
            sample_edit,
            ignore=shutil.ignore_patterns(
                ".venv", ".git", "site", ".journal-cache", "test-artifacts", "__pycache__"
            ),
        )
        sample = sample_edit / "mkdocs.yml"
        report = bench(
            "sample journal", sample, sample_edit / "journal/days/day-02.md", args.runs, args.cold_runs, work
        )
        print("\n".join(report), flush=True)
        generated = generate(work / "generated", args.days)
        edit = work / "generated/journal/days/day-100.md"
        print(
            "\n".join(
                bench(f"generated {args.days}-day journal", generated, edit, args.runs, args.cold_runs, work)
            )
        )


if __name__ == "__main__":
    main()
