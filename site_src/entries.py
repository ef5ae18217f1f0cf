"""Day entries: front matter parsing and validation of the journal's day set.

A day entry is ``days/day-NN.md`` under docs_dir, YAML front matter then Markdown. The
rules (required keys, types, one file per day, days within 1..total) are checked here so
every author mistake is reported with its file and line before anything runs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from site_src.errors import JournalError, located

DAYS_DIR = "days"
REQUIRED = ("day", "title")
OPTIONAL = ("lesson", "tags", "notebook", "date")
# Material for MkDocs' own page settings: not ours to check, left to the theme
THEME_KEYS = ("description", "hide", "icon", "status", "subtitle", "template", "search", "comments", "social")
_FRONT_MATTER_END = re.compile(r"^(---|\.\.\.)\s*$", re.MULTILINE)
_DAY_FILE = re.compile(r"^day-(\d+)\.md$")


@dataclass(frozen=True)
class Entry:
    """One written day, as its front matter describes it."""

    day: int
    title: str
    src_uri: str
    lesson: int | str | None = None
    tags: tuple[str, ...] = ()
    notebook: str | None = None
    date: dt.date | None = None
    body_line: int = 1  # file line where the Markdown body starts


def split_front_matter(text: str, path: str) -> tuple[dict[str, object] | None, int]:
    """Return the parsed front matter (or None when there is none) and the 1-based line
    where the body starts. Malformed YAML raises JournalError with the file line."""
    if not text.startswith("---") or text.split("\n", 1)[0].strip() != "---":
        return None, 1
    end = _FRONT_MATTER_END.search(text, len(text.split("\n", 1)[0]) + 1)
    if end is None:
        raise JournalError(located(path, 1, "front matter opened with '---' is never closed"))
    block = text[text.index("\n") + 1 : end.start()]
    try:
        data = yaml.safe_load(block)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise JournalError(located(path, line, f"malformed YAML front matter: {problem}")) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise JournalError(located(path, 2, "front matter must be a mapping of keys to values"))
    body_line = text.count("\n", 0, end.end()) + 2
    return data, body_line


def _key_line(text: str, key: str) -> int | None:
    match = re.search(rf"^{re.escape(key)}\s*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def parse_entry(text: str, src_uri: str, path: str) -> Entry:
    """Validate one day file's front matter and return its Entry."""
    data, body_line = split_front_matter(text, path)
    if data is None:
        raise JournalError(located(path, 1, "a day entry must start with YAML front matter (---)"))
    problems: list[str] = []

    def problem(key: str | None, message: str) -> None:
        problems.append(located(path, _key_line(text, key) if key else 1, message))

    unknown = sorted(set(data) - set(REQUIRED) - set(OPTIONAL) - set(THEME_KEYS), key=str)
    for key in unknown:
        allowed = ", ".join(REQUIRED + OPTIONAL) + " and Material's " + ", ".join(THEME_KEYS)
        problem(str(key), f"unknown front matter key {key!r} (allowed: {allowed})")
    for key in REQUIRED:
        if key not in data:
            problem(None, f"front matter is missing required key {key!r}")

    day = data.get("day")
    if "day" in data and (isinstance(day, bool) or not isinstance(day, int)):
        problem("day", f"'day' must be a whole number, got {day!r}")
    title = data.get("title")
    if "title" in data and (not isinstance(title, str) or not title.strip()):
        problem("title", "'title' must be non-empty text")
    lesson = data.get("lesson")
    if lesson is not None and (isinstance(lesson, bool) or not isinstance(lesson, int | str)):
        problem("lesson", f"'lesson' must be a number or text, got {lesson!r}")
    tags = data.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and t for t in tags):
        problem("tags", f"'tags' must be a list of words, got {tags!r}")
    notebook = data.get("notebook")
    if notebook is not None and not isinstance(notebook, str):
        problem("notebook", f"'notebook' must be a path, got {notebook!r}")
    date = data.get("date")
    if date is not None and not isinstance(date, dt.date):
        problem("date", f"'date' must be a date like 2019-07-01, got {date!r}")

    match = _DAY_FILE.match(Path(src_uri).name)
    if isinstance(day, int) and not isinstance(day, bool):
        if match is None or int(match[1]) != day:
            problem("day", f"file name does not match 'day: {day}' (expected day-{day:02d}.md)")
    elif match is None:
        problem(None, "day files must be named day-NN.md")

    if problems:
        raise JournalError(problems)
    return Entry(
        day=int(day),  # type: ignore[arg-type]
        title=str(title).strip(),
        src_uri=src_uri,
        lesson=lesson,  # type: ignore[arg-type]
        tags=tuple(tags),
        notebook=notebook,  # type: ignore[arg-type]
        date=date,  # type: ignore[arg-type]
        body_line=body_line,
    )


def is_day_file(src_uri: str) -> bool:
    """Whether a docs path is a day entry (a Markdown file directly under ``days/``)."""
    parts = Path(src_uri).parts
    return len(parts) == 2 and parts[0] == DAYS_DIR and parts[1].endswith(".md")


def load_entries(sources: dict[str, tuple[str, str]], total_days: int) -> list[Entry]:
    """Validate every day file and the day set as a whole.

    ``sources`` maps a day file's docs path to ``(display path, text)``. Problems in all
    files are gathered and raised together; gaps are allowed (a journal in progress).
    """
    problems: list[str] = []
    entries: list[Entry] = []
    for src_uri, (path, text) in sorted(sources.items()):
        try:
            entry = parse_entry(text, src_uri, path)
        except JournalError as exc:
            problems.extend(exc.problems)
            continue
        if not 1 <= entry.day <= total_days:
            problems.append(
                located(path, _key_line(text, "day"), f"day {entry.day} is outside 1..{total_days}")
            )
            continue
        entries.append(entry)
    by_day: dict[int, list[Entry]] = {}
    for entry in entries:
        by_day.setdefault(entry.day, []).append(entry)
    for day, same in sorted(by_day.items()):
        if len(same) > 1:
            names = ", ".join(sources[e.src_uri][0] for e in same)
            problems.append(f"{sources[same[0].src_uri][0]}: duplicate day {day} (in {names})")
    if problems:
        raise JournalError(problems)
    return sorted(entries, key=lambda e: e.day)


def read_day_sources(docs_dir: Path, display: Callable[[str], str]) -> dict[str, tuple[str, str]]:
    """Read every ``days/*.md`` file under docs_dir as ``{src_uri: (display path, text)}``."""
    days = docs_dir / DAYS_DIR
    if not days.is_dir():
        return {}
    sources = {}
    problems = []
    for p in sorted(days.glob("*.md")):
        shown = display(f"{DAYS_DIR}/{p.name}")
        try:
            sources[f"{DAYS_DIR}/{p.name}"] = (shown, read_markdown(p))
        except UnicodeDecodeError as exc:
            problems.append(located(shown, 1, f"is not UTF-8 text ({exc.reason} at byte {exc.start})"))
    if problems:
        raise JournalError(problems)
    return sources


def read_markdown(path: Path) -> str:
    """A Markdown file's text as MkDocs reads it: UTF-8, a byte-order mark dropped."""
    return path.read_text(encoding="utf-8-sig")
