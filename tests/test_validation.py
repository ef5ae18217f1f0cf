"""Each malformed entry gets its own error naming the file (and line where known)."""

from __future__ import annotations

import pytest

from tests.conftest import BuildFailed, Journal, write

CASES = {
    "malformed-yaml": (
        "day-05.md",
        "---\nday: 5\ntitle: [unclosed\n---\n",
        "journal/days/day-05.md:",
        "malformed YAML",
    ),
    "missing-day": ("day-05.md", "---\ntitle: No day\n---\n", "journal/days/day-05.md:1", "'day'"),
    "missing-title": ("day-05.md", "---\nday: 5\n---\n", "journal/days/day-05.md:1", "'title'"),
    "duplicate-day": (
        "day-1.md",
        "---\ntitle: Twin\nday: 1\n---\n",
        "journal/days/day-01.md",
        "duplicate day 1",
    ),
    "out-of-range": (
        "day-61.md",
        "---\nday: 61\ntitle: Late\n---\n",
        "journal/days/day-61.md:2",
        "outside 1..60",
    ),
    "file-name": (
        "day-07.md",
        "---\nday: 8\ntitle: Misnamed\n---\n",
        "journal/days/day-07.md:2",
        "expected day-08.md",
    ),
    "unknown-key": (
        "day-05.md",
        "---\nday: 5\ntitle: T\nmood: happy\n---\n",
        "journal/days/day-05.md:4",
        "unknown front matter key 'mood'",
    ),
    "not-utf8": ("day-05.md", "---\nday: 5\ntitle: Café\n---\n", "journal/days/day-05.md:1", "not UTF-8"),
    "no-front-matter": ("day-05.md", "Just text\n", "journal/days/day-05.md:1", "front matter"),
    "bad-tags": ("day-05.md", "---\nday: 5\ntitle: T\ntags: 3\n---\n", "journal/days/day-05.md:4", "'tags'"),
    "bad-option": (
        "day-05.md",
        '---\nday: 5\ntitle: T\n---\n\n```python exec="on" source="sideways"\n1\n```\n',
        "journal/days/day-05.md:6",
        "source='sideways'",
    ),
    "unclosed-fence": (
        "day-05.md",
        '---\nday: 5\ntitle: T\n---\n\n```python exec="on"\nprint(1)\n',
        "journal/days/day-05.md:6",
        "never closed",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_entry_is_reported_with_its_file(journal: Journal, case: str) -> None:
    name, text, where, what = CASES[case]
    (journal.docs / "days" / name).write_bytes(text.encode("latin-1" if case == "not-utf8" else "utf-8"))
    with pytest.raises(BuildFailed) as raised:
        journal.build(JOURNAL_EXEC="off" if case not in {"bad-option", "unclosed-fence"} else "on")
    message = str(raised.value)
    assert where in message
    assert what in message


def test_all_problems_are_reported_at_once(journal: Journal) -> None:
    write(journal.docs / "days" / "day-05.md", "---\nday: 5\n---\n")
    write(journal.docs / "days" / "day-06.md", "---\nday: 6\ntitle: T\nmood: x\n---\n")
    with pytest.raises(BuildFailed) as raised:
        journal.build(JOURNAL_EXEC="off")
    assert "day-05.md" in str(raised.value) and "day-06.md" in str(raised.value)


def test_materials_page_settings_are_left_to_the_theme(journal: Journal) -> None:
    write(
        journal.docs / "days" / "day-05.md",
        "---\nday: 5\ntitle: T\ndescription: Sums and sensitivity\nhide: [toc]\n---\nText.\n",
    )
    journal.build(JOURNAL_EXEC="off")
    html = (journal.site / "days/day-05/index.html").read_text()
    assert '<meta name="description" content="Sums and sensitivity"' in html
    assert 'data-md-component="toc"' not in html


def test_a_byte_order_mark_and_windows_line_ends_are_read_as_mkdocs_reads_them(journal: Journal) -> None:
    text = '---\r\nday: 5\r\ntitle: From Notepad\r\n---\r\n\r\n```python exec="on"\r\nprint(5 * 5)\r\n```\r\n'
    (journal.docs / "days" / "day-05.md").write_bytes(b"\xef\xbb\xbf" + text.encode())
    report = journal.build()
    assert "<code>25\n</code>" in (journal.site / "days/day-05/index.html").read_text()
    assert [r["line"] for r in report["snippets"] if r["page"] == "journal/days/day-05.md"] == [6]


def test_gaps_are_allowed(journal: Journal) -> None:
    write(journal.docs / "days" / "day-30.md", "---\nday: 30\ntitle: Later\n---\nText.\n")
    report = journal.build(JOURNAL_EXEC="off")
    assert report["totals"]["days"] == 4


def test_bad_environment_switch_is_refused(journal: Journal) -> None:
    with pytest.raises(BuildFailed, match="JOURNAL_PROFILE"):
        journal.build(JOURNAL_PROFILE="huge")
