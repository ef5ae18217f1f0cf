"""`journal import`: every form of day marker, the traps, the reference README, round trip."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from site_src.entries import split_front_matter
from site_src.errors import JournalError
from site_src.importer import import_journal, parse_day_label, split_sections
from tests.conftest import REPO

FIXTURE = REPO / "tests" / "fixtures" / "import" / "forms.md"
REFERENCE = REPO.parent / "shared" / "reference" / "journal-days-01-24.md"


def entry(journal: Path, day: int) -> tuple[dict, str]:
    text = (journal / "days" / f"day-{day:02d}.md").read_text()
    meta, body_line = split_front_matter(text, "x")
    return meta, "\n".join(text.split("\n")[body_line - 1 :])


@pytest.mark.parametrize(
    ("text", "days", "title", "date"),
    [
        ("DAY 1 [1.6%] | 60", [1], "", None),
        ("Day 3 - 12.10.20", [3], "", dt.date(2020, 10, 12)),
        ("day 7", [7], "", None),
        ("D18 (2020/12/28)", [18], "", dt.date(2020, 12, 28)),
        ("Day 11-12", [11, 12], "", None),
        ("Days 1, 2:", [1, 2], "", None),
        ("#60daysofudacity Day\u00a05: rest", [5], "rest", None),
        ("Day 2 - July 5, 2019: Sums", [2], "Sums", dt.date(2019, 7, 5)),
        ("Day1 : setup", [1], "setup", None),
    ],
)
def test_day_labels(text: str, days: list[int], title: str, date: dt.date | None) -> None:
    label = parse_day_label(text)
    assert label is not None
    assert (label.days, label.title, label.date) == (days, title, date)


@pytest.mark.parametrize("text", ["Data 5", "Daylight", "Dayton 3", "Projects", "Today I learned"])
def test_words_that_are_not_days(text: str) -> None:
    assert parse_day_label(text) is None


def test_every_form_and_trap(tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    report = import_journal(FIXTURE, journal, total_days=60)
    assert report.days == [1, 2, 3, 7, 18, 19, 20, 22, 24, 25, 26, 27, 28]
    assert "setext" in entry(journal, 1)[1].lower()
    assert entry(journal, 2)[0]["title"] == "Bold paragraph day"
    meta, body = entry(journal, 3)
    assert meta["date"] == dt.date(2020, 10, 12)
    assert "# Day 99 is a comment inside a fence" in body  # a fenced '#' is not a heading
    assert "Sub-heading inside day 3" in body and "Still day 3." in body
    assert entry(journal, 18)[0]["date"] == dt.date(2020, 12, 28)
    assert "a list-item day" in entry(journal, 19)[0]["title"]
    assert entry(journal, 27)[0] == {"day": 27, "title": "Tables", "date": dt.date(2020, 11, 1)}
    assert "second row" in entry(journal, 28)[1]
    assert "Rest." in entry(journal, 26)[1]
    assert 25 in report.empty and "no notes" in entry(journal, 25)[1]
    assert any("days 20–21" in r for r in report.ranges)
    assert any("days 22–23" in r for r in report.ranges)
    assert any("day 24 says 41 %" in p for p in report.percentages)
    assert any("day 65" in b for b in report.beyond_total)
    notes = (journal / "notes.md").read_text()
    assert "A section that is not a day." in notes and "Past the end." in notes
    assert "An introduction that is not a day." in notes
    assert any("Projects" in o for o in report.other_sections)
    assert (journal / "index.md").is_file()


def test_a_file_without_days_is_refused_and_nothing_written(tmp_path: Path) -> None:
    source = tmp_path / "notes.md"
    source.write_text("# Notes\n\n```\n# Day 1 in a fence\n```\n\nNo days here.\n")
    with pytest.raises(JournalError, match="no day sections"):
        import_journal(source, tmp_path / "journal")
    assert not (tmp_path / "journal").exists()


def test_existing_entries_are_not_overwritten_without_force(tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    (journal / "days").mkdir(parents=True)
    (journal / "days" / "day-01.md").write_text("---\nday: 1\ntitle: Mine\n---\n")
    with pytest.raises(JournalError, match="already exists"):
        import_journal(FIXTURE, journal)
    assert sorted(p.name for p in (journal / "days").iterdir()) == ["day-01.md"]
    import_journal(FIXTURE, journal, force=True)
    assert entry(journal, 1)[0]["title"] != "Mine"


def test_days_beyond_the_total_can_be_imported_by_raising_it(tmp_path: Path) -> None:
    report = import_journal(FIXTURE, tmp_path / "journal", total_days=100)
    assert 65 in report.days and not report.beyond_total


def test_assets_are_copied_and_missing_ones_reported(tmp_path: Path) -> None:
    source_dir = tmp_path / "src"
    (source_dir / "plots").mkdir(parents=True)
    (source_dir / "plots" / "a.png").write_bytes(b"\x89PNG fake")
    readme = source_dir / "README.md"
    readme.write_text(
        "# Day 1\n\n![a](plots/a.png) ![b](plots/b.png) [nb](notebooks/x.ipynb) "
        "![remote](https://example.org/c.png)\n"
    )
    journal = tmp_path / "journal"
    report = import_journal(readme, journal, assets=source_dir)
    body = entry(journal, 1)[1]
    assert "![a](../assets/imported/plots/a.png)" in body
    assert (journal / "assets/imported/plots/a.png").read_bytes() == b"\x89PNG fake"
    assert "../assets/imported/plots/b.png.missing.svg" in body
    assert "https://example.org/c.png" in body
    assert "notebooks/x.ipynb" in body and "not found at import" in body
    assert report.missing == ["plots/b.png", "notebooks/x.ipynb"]


def test_reference_readme_imports_as_24_days_and_builds(tmp_path: Path) -> None:
    if not REFERENCE.is_file():
        pytest.skip(f"the reference README is not at {REFERENCE}")
    root = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "site_src.cli", "import", str(REFERENCE), "--out", str(root / "journal")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "24 days found (1–24)" in done.stdout
    assert "day 1 says 1.6 %, but 1/60 is 1.7 %" in done.stdout
    journal = root / "journal"
    sections = [s for s in split_sections(REFERENCE.read_text()) if s.label]
    assert len(sections) == 24
    images = sum(entry(journal, d)[1].count("![") for d in range(1, 25))
    assert images == REFERENCE.read_text().count("![") == 9
    meta, body = entry(journal, 2)
    assert "5000" in body and "figure_2d.png" in body and "p = 0.7" in body
    assert meta["lesson"] == 3
    assert "## What I learned" in entry(journal, 20)[1]  # its marker is an H1 in the source
    (root / "mkdocs.yml").write_text(
        yaml.safe_dump(
            {
                "site_name": "Imported",
                "docs_dir": "journal",
                "theme": {"name": "material", "font": False},
                "hooks": [str(REPO / "site_src" / "hooks.py")],
                "markdown_extensions": ["attr_list", "admonition", "pymdownx.superfences"],
            }
        )
    )
    built = subprocess.run(
        [sys.executable, "-m", "site_src.cli", "-f", str(root / "mkdocs.yml"), "build"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "JOURNAL_EXEC": "off"},
    )
    assert built.returncode == 0, built.stderr
    assert (root / "site" / "days" / "day-24" / "index.html").is_file()
