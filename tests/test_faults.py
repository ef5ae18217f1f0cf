"""A failing, hanging or crashing snippet fails the build, names file and line, and
loses nothing: the previous site and the cache stay whole."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BuildFailed, Journal, day, write

FAULTS = {
    "exception": ("items = {}\nprint(items['missing'])", "KeyError", "print(items['missing'])"),
    "timeout": ("import time\ntime.sleep(60)", "TimeoutError", "did not finish within 1 s"),
    "exit": ("import os\nos._exit(1)", "WorkerCrashed", "exit code 1"),
    "segfault": ("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)", "WorkerCrashed", "SIGSEGV"),
}


def _add_faulty_day(journal: Journal, code: str) -> Path:
    body = 'Text.\n\n```python exec="on"\nprint("fine")\n```\n\n```python exec="on" timeout="1"\n'
    return write(journal.docs / "days" / "day-05.md", day(5, "Faulty", body + code + "\n```\n"))


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_faulty_snippet_fails_the_build_with_file_and_line(journal: Journal, fault: str) -> None:
    code, kind, detail = FAULTS[fault]
    _add_faulty_day(journal, code)
    with pytest.raises(BuildFailed) as raised:
        journal.build()
    message = str(raised.value)
    # Front matter is 4 lines; the faulty fence opens on line 12.
    assert "journal/days/day-05.md:12: snippet 2 failed" in message
    assert kind in message
    assert detail in message


def test_the_traceback_points_into_the_markdown_file(journal: Journal) -> None:
    _add_faulty_day(journal, "x = 1\ny = x / 0")
    with pytest.raises(BuildFailed) as raised:
        journal.build()
    assert 'File "journal/days/day-05.md", line 14' in str(raised.value)
    assert "y = x / 0" in str(raised.value)


def test_finished_snippets_are_cached_even_when_a_later_one_fails(journal: Journal) -> None:
    path = _add_faulty_day(journal, "raise RuntimeError('boom')")
    with pytest.raises(BuildFailed):
        journal.build()
    path.write_text(path.read_text().replace("raise RuntimeError('boom')", "print('mended')"))
    report = journal.build()
    assert journal.statuses(report, "days/day-05.md") == ["cached", "ran"]
    assert report["totals"]["ran"] == 1


def _journal_build(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "site_src.cli", "-f", str(root / "mkdocs.yml"), "build"],
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "JOURNAL_JOBS": "2"},
    )


@pytest.mark.parametrize("fault", ["exception", "exit"])
def test_journal_build_leaves_the_previous_site_intact(journal: Journal, fault: str) -> None:
    first = _journal_build(journal.root)
    assert first.returncode == 0, first.stderr
    before = {p: p.read_bytes() for p in journal.site.rglob("*") if p.is_file()}
    _add_faulty_day(journal, FAULTS[fault][0])
    failed = _journal_build(journal.root)
    assert failed.returncode == 1
    assert "journal/days/day-05.md:12" in failed.stderr
    after = {p: p.read_bytes() for p in journal.site.rglob("*") if p.is_file()}
    assert after == before
    leftovers = [p.name for p in journal.root.iterdir() if p.name.startswith(".site")]
    assert leftovers == []


def _entries(journal: Journal) -> list[Path]:
    return sorted((journal.root / ".journal-cache").rglob("entries/*/*.json"))


def test_a_truncated_cache_entry_is_recomputed(journal: Journal, caplog: pytest.LogCaptureFixture) -> None:
    journal.build()
    entries = _entries(journal)
    assert len(entries) == 5
    victim = entries[0]
    victim.write_bytes(victim.read_bytes()[:20])
    with caplog.at_level("WARNING", logger="journal"):
        report = journal.build()
    assert report["totals"]["ran"] >= 1
    assert any("corrupt" in r.message for r in caplog.records)
    json.loads(victim.read_text())  # rewritten whole
    assert journal.build()["totals"]["ran"] == 0


def test_a_damaged_figure_is_recomputed(journal: Journal) -> None:
    journal.build()
    blob = next((journal.root / ".journal-cache").rglob("figures/*/*.svg"))
    blob.write_bytes(blob.read_bytes()[:100])
    report = journal.build()
    assert journal.statuses(report, "days/day-01.md") == ["cached", "cached", "ran"]
    assert blob.read_bytes().endswith(b"</svg>\n")


def test_two_builds_at_once_share_the_cache_safely(journal: Journal) -> None:
    command = [sys.executable, "-m", "site_src.cli", "-f", str(journal.root / "mkdocs.yml"), "check"]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    for run in runs:
        _, err = run.communicate(timeout=240)
        assert run.returncode == 0, err
    assert len(_entries(journal)) == 5
    for entry in _entries(journal):
        json.loads(entry.read_text())
    assert not list((journal.root / ".journal-cache").rglob("*.tmp"))
    assert journal.build()["totals"]["ran"] == 0


def test_determinism_two_clean_builds_give_identical_bytes(journal: Journal, tmp_path: Path) -> None:
    def clean_build(cache: str) -> tuple[dict, dict[str, bytes]]:
        report = journal.build(JOURNAL_CACHE_DIR=str(tmp_path / cache))
        figures = {
            p.relative_to(journal.site).as_posix(): p.read_bytes()
            for p in (journal.site / "assets" / "figures").rglob("*")
            if p.is_file()
        }
        for record in report["snippets"]:
            record.pop("seconds")
        report["totals"].pop("seconds")
        return report, figures

    first_report, first_figures = clean_build("a")
    second_report, second_figures = clean_build("b")
    assert first_report["totals"]["ran"] == second_report["totals"]["ran"] == 5
    assert first_figures and first_figures == second_figures
    assert first_report == second_report
