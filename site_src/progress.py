"""The 60-day model: percentages, each day's header and the home-page dashboard.

Percentages are computed, never typed: day N of T is N/T rounded half up to one decimal
(day 1 of 60 is 1.7 %).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from site_src.entries import Entry

DASHBOARD_MARKER = "<!-- journal:dashboard -->"


def percent(day: int, total: int) -> str:
    """``day/total`` as a percentage with one decimal, rounded half up."""
    value = Decimal(day) * 100 / Decimal(total)
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def day_heading(day: int, total: int) -> str:
    """The heading of a day page, e.g. ``Day 9 · 15.0 % of 60``."""
    return f"Day {day} · {percent(day, total)} % of {total}"


def nav_title(entry: Entry) -> str:
    """The navigation label of a day."""
    return f"Day {entry.day} · {entry.title}"


def _progress_bar(value: int, total: int, label: str) -> str:
    width = percent(value, total)
    return (
        f'<div class="journal-progress" role="progressbar" aria-label="{escape(label)}" '
        f'aria-valuemin="0" aria-valuemax="{total}" aria-valuenow="{value}" '
        f'aria-valuetext="{value} of {total}">'
        f'<div class="journal-progress__bar" style="width: {width}%"></div></div>'
    )


def lesson_label(lesson: int | str | None) -> str | None:
    """``Lesson 5`` for a number, the text itself otherwise."""
    if lesson is None:
        return None
    return f"Lesson {lesson}" if isinstance(lesson, int) else str(lesson)


def day_header(
    entry: Entry,
    total: int,
    previous: Entry | None,
    following: Entry | None,
    url_of: Callable[[Entry], str],
    notebook_url: str | None = None,
) -> str:
    """Markdown put above a day's body: heading, title, progress and day navigation."""
    meta = [escape(lesson_label(entry.lesson) or "")] if entry.lesson is not None else []
    if entry.date is not None:
        meta.append(f'<time datetime="{entry.date.isoformat()}">{entry.date.isoformat()}</time>')
    if notebook_url is not None:
        meta.append(f'<a class="journal-notebook-link" href="{notebook_url}">Notebook for this day</a>')
    links = []
    if previous is not None:
        links.append(
            f'<a class="journal-day-nav__prev" href="{url_of(previous)}" rel="prev">← Day {previous.day}</a>'
        )
    if following is not None:
        links.append(
            f'<a class="journal-day-nav__next" href="{url_of(following)}" rel="next">'
            f"Day {following.day} →</a>"
        )
    parts = [
        f"# {day_heading(entry.day, total)}",
        "",
        f'<p class="journal-day-title">{escape(entry.title)}</p>',
    ]
    if meta:
        parts.append(f'<p class="journal-day-meta">{" · ".join(meta)}</p>')
    parts.append(_progress_bar(entry.day, total, f"Day {entry.day} of {total}"))
    if links:
        parts.append(f'<nav class="journal-day-nav" aria-label="Days">{" ".join(links)}</nav>')
    return "\n".join(parts) + "\n\n"


def below_day_heading(markdown: str) -> str:
    """The day's own headings, one level down when it has an H1 of its own: the page's H1
    is the generated ``Day N · P % of 60``, and headings must not skip or repeat a level."""
    lines = markdown.split("\n")
    fence: str | None = None
    headings = []
    for k, line in enumerate(lines):
        opener = re.match(r"^\s*(`{3,}|~{3,})", line)
        if opener and (fence is None or opener[1].startswith(fence)):
            fence = None if fence else opener[1]
        elif fence is None and re.match(r"^#{1,5}\s", line):
            headings.append(k)
    if not any(lines[k].startswith("# ") for k in headings):
        return markdown
    for k in headings:
        lines[k] = "#" + lines[k]
    return "\n".join(lines)


def dashboard(entries: list[Entry], total: int, url_of: Callable[[Entry], str]) -> str:
    """The home page's progress dashboard as HTML: count and bar, one cell per day (a link
    where the day is written), and the lessons and topics covered so far."""
    by_day = {e.day: e for e in entries}
    written = len(entries)
    cells = []
    for day in range(1, total + 1):
        entry = by_day.get(day)
        if entry is None:
            cells.append(
                f'<li class="journal-cell journal-cell--empty" title="Day {day}: not yet written">'
                f'<span class="journal-sr">Day </span>{day}<span class="journal-sr">, '
                "not yet written</span></li>"
            )
        else:
            cells.append(
                f'<li class="journal-cell journal-cell--written"><a href="{url_of(entry)}" '
                f'title="{escape(nav_title(entry))}"><span class="journal-sr">Day </span>{day}</a></li>'
            )
    lessons: dict[str, list[int]] = {}
    for entry in entries:
        label = lesson_label(entry.lesson)
        if label:
            lessons.setdefault(label, []).append(entry.day)
    lesson_items = "".join(
        f"<li><strong>{escape(label)}</strong>: {_day_ranges(days)}</li>" for label, days in lessons.items()
    )
    tags = sorted({t for e in entries for t in e.tags})
    topic_items = "".join(f'<li class="journal-topic">{escape(t)}</li>' for t in tags)
    return (
        '<section class="journal-dashboard" aria-label="Journal progress">\n'
        f'<p class="journal-dashboard__count"><strong>{written}</strong> of {total} days written '
        f"· {percent(written, total)} %</p>\n"
        f"{_progress_bar(written, total, 'Days written')}\n"
        f'<ol class="journal-grid" aria-label="The {total} days">{"".join(cells)}</ol>\n'
        + (
            f'<p class="journal-dashboard__label">Lessons covered</p><ul class="journal-lessons">'
            f"{lesson_items}</ul>\n"
            if lesson_items
            else ""
        )
        + (
            f'<p class="journal-dashboard__label">Topics</p><ul class="journal-topics">{topic_items}</ul>\n'
            if topic_items
            else ""
        )
        + "</section>"
    )


def _day_ranges(days: list[int]) -> str:
    """``1–2, 5`` for days [1, 2, 5]."""
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    text = ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)
    return ("days " if len(days) > 1 else "day ") + text


def navigation(entries: list[Entry]) -> list[dict[str, object]]:
    """Day links in day order, consecutive days of one lesson grouped in a section."""
    items: list[dict[str, object]] = []
    current: str | None = None
    for entry in entries:
        link = {nav_title(entry): entry.src_uri}
        label = lesson_label(entry.lesson)
        if label is None:
            items.append(link)
            current = None
        elif label == current:
            items[-1][label].append(link)  # type: ignore[union-attr]
        else:
            items.append({label: [link]})
            current = label
    return items
