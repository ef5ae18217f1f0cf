"""`journal-build.json`, written at the root of every built site, and the one-line
summary in the build log: what ran, what came from the cache, and what it cost."""

from __future__ import annotations

import json
from collections.abc import Iterable

from site_src.engine import PageRun


def build_records(runs: Iterable[PageRun], figure_uris: dict[str, list[list[str]]]) -> list[dict]:
    """One record per snippet, in page order."""
    records = []
    for run in runs:
        for snippet in run.snippets:
            records.append(
                {
                    "page": run.page.path,
                    "index": snippet.index,
                    "line": snippet.cell if snippet.cell is not None else snippet.line,
                    "status": run.statuses[snippet.index],
                    "seconds": round(run.seconds[snippet.index], 3),
                    "figures": figure_uris.get(run.page.src_uri, [[]] * len(run.snippets))[snippet.index],
                }
            )
    return records


def build_report(records: list[dict], *, days: int, total_days: int, executed: bool, profile: str) -> dict:
    """The whole `journal-build.json` document."""
    count = {status: sum(r["status"] == status for r in records) for status in ("ran", "cached", "skipped")}
    return {
        "format": 1,
        "execute": executed,
        "profile": profile,
        "totals": {
            "days": days,
            "total_days": total_days,
            "pages": len({r["page"] for r in records}),
            "snippets": len(records),
            **count,
            "failed": sum(r["status"] == "failed" for r in records),
            "figures": sum(len(r["figures"]) for r in records),
            "seconds": round(sum(r["seconds"] for r in records if r["status"] == "ran"), 3),
        },
        "snippets": records,
    }


def dumps(report: dict) -> str:
    """Stable JSON: the same build gives the same text apart from timings."""
    return json.dumps(report, indent=2, sort_keys=True) + "\n"


def summary(report: dict) -> str:
    """E.g. ``journal: 24 days · 61 snippets · 3 ran (12.4 s) · 58 cached · 40 figures``."""
    t = report["totals"]
    if not report["execute"]:
        return f"journal: {t['days']} days · {t['snippets']} snippets · execution off (JOURNAL_EXEC=off)"
    return (
        f"journal: {t['days']} days · {t['snippets']} snippets · {t['ran']} ran ({t['seconds']:.1f} s)"
        f" · {t['cached']} cached · {t['figures']} figures"
    )
