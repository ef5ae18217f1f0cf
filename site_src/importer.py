"""`journal import`: turn a README-style journal (one long Markdown file) into day entries.

Such journals mark their days in many ways: ATX or setext headings, bold paragraphs, list
items, table rows, with dates, percentages, hashtags and ranges ("Day 11-12"). This module
finds the day sections (never inside a code fence), keeps each day's number, date, title,
tasks, "what I learned" part, images and links, and reports what it found: gaps,
duplicates, ranges, percentages that disagree with day/total, and every part that is not a
day and where it went. Nothing is lost and nothing is overwritten without ``force``.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from site_src.errors import JournalError
from site_src.progress import DASHBOARD_MARKER, percent

NOTES_PAGE = "notes.md"
ASSETS_DIR = "assets/imported"
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_BOLD = re.compile(r"^\s*(\*\*|__)(.+?)\1\s*(.*)$")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")
_LEADING_NOISE = re.compile(r"^(?:#\w+\s+|[^\w\s]+\s*)*", re.UNICODE)
_DAY = re.compile(r"^(?:days?\s*[-#.:]?\s*|d)(\d{1,3})(?!\d)(?![./]\d)", re.IGNORECASE)
_RANGE = re.compile(r"^\s*(?:-|–|—|to)\s*(\d{1,3})(?![\d./-]?\d)\b", re.IGNORECASE)
_LIST = re.compile(r"^\s*(?:,|&|and)\s*(\d{1,3})(?![\d./-]?\d)\b", re.IGNORECASE)
_PERCENT = re.compile(r"\[?\s*(\d{1,3}(?:[.,]\d+)?)\s*%\s*\]?")
_TOTAL = re.compile(r"(?:\||/|\bof)\s*(\d{2,3})\b\*?")
_HASHTAG = re.compile(r"#\w+")
_LEARNED = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:\*\*|__)?\s*(?:what\s+(?:i|we)\s+(?:have\s+)?learn(?:ed|t|ing)?|"
    r"today\s+i\s+learn(?:ed|t)?|things\s+i\s+learn(?:ed|t)|lessons?\s+learn(?:ed|t)|learn(?:ed|t|ings?)|"
    r"key\s+takeaways?|takeaways?|til)\b\s*:?\s*(?:\*\*|__)?\s*:?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<target>[^)\s]+)(?P<title>\s+\"[^\"]*\")?\)")
_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]+)\]\((?P<target>[^)\s]+)(?P<title>\s+\"[^\"]*\")?\)")
_HTML_IMAGE = re.compile(r"(<img\b[^>]*?\bsrc=[\"'])([^\"']+)([\"'])", re.IGNORECASE)
_MONTHS = {
    m: k
    for k, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
}
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATE_PATTERNS = [
    (re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b"), "ymd"),
    (re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})\b"), "dmy"),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\s*,?\s*(\d{{4}})\b", re.IGNORECASE), "d_month_y"),
    (re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*(\d{{4}})\b", re.IGNORECASE), "month_d_y"),
]
_PLACEHOLDER = """<svg xmlns="http://www.w3.org/2000/svg" width="480" height="120" viewBox="0 0 480 120">
<rect width="480" height="120" fill="#f4f4f4" stroke="#999" stroke-dasharray="6 4"/>
<text x="240" y="55" font-family="sans-serif" font-size="16" text-anchor="middle" fill="#444">
Image not found at import</text>
<text x="240" y="82" font-family="monospace" font-size="13" text-anchor="middle" fill="#444">{name}</text>
</svg>
"""


@dataclass
class DayLabel:
    """What a day marker says: its day numbers, and the title, date and percentage around them."""

    days: list[int]
    title: str
    date: dt.date | None = None
    percent: float | None = None
    total: int | None = None


@dataclass
class Section:
    """A part of the source: a day (``label`` set) or anything else (intro, projects...)."""

    line: int
    heading: str
    label: DayLabel | None = None
    level: int | None = None
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip("\n")


@dataclass
class ImportReport:
    """What an import found and did."""

    written: list[Path] = field(default_factory=list)
    days: list[int] = field(default_factory=list)
    gaps: list[int] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)
    beyond_total: list[str] = field(default_factory=list)
    empty: list[int] = field(default_factory=list)
    percentages: list[str] = field(default_factory=list)
    other_sections: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    copied: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def lines(self, total: int) -> list[str]:
        found = _spans(self.days) or "none"
        out = [
            f"journal import: {len(self.days)} days found ({found}) of {total}, "
            f"{len(self.written)} files written"
        ]
        out.append(f"  not yet written: {_spans(self.gaps) or 'none'}")
        for name, items in [
            ("duplicates", self.duplicates),
            ("ranges", self.ranges),
            ("beyond the total", self.beyond_total),
            ("percentages that disagree", self.percentages),
            ("sections that are not days", self.other_sections),
        ]:
            out.append(f"  {name}: {'none' if not items else ''}")
            out += [f"    - {item}" for item in items]
        if self.empty:
            out.append(f"  empty days (written with a note): {_spans(self.empty)}")
        out.append(
            f"  images and files: {len(self.images)} referenced, {len(self.copied)} copied, "
            f"{len(self.missing)} missing"
        )
        out += [f"    - missing: {item}" for item in self.missing]
        return out


def _spans(days: list[int]) -> str:
    runs: list[list[int]] = []
    for day in sorted(set(days)):
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def _find_date(text: str) -> tuple[dt.date | None, str]:
    for pattern, kind in _DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        a, b, c = match.groups()
        try:
            if kind == "ymd":
                date = dt.date(int(a), int(b), int(c))
            elif kind == "dmy":
                year = int(c) + (2000 if len(c) == 2 else 0)
                day, month = (int(a), int(b)) if int(b) <= 12 else (int(b), int(a))
                date = dt.date(year, month, day)
            elif kind == "d_month_y":
                date = dt.date(int(c), _MONTHS[b.lower()[:3]], int(a))
            else:
                date = dt.date(int(c), _MONTHS[a.lower()[:3]], int(b))
        except ValueError:
            continue
        return date, text[: match.start()] + text[match.end() :]
    return None, text


def parse_day_label(text: str) -> DayLabel | None:
    """Read a day marker such as ``DAY 1 [1.6%] | 60``, ``Day 3 - 12.10.20: Sums``, ``D18
    (2020/12/28)``, ``Days 1, 2:`` or ``Day 11-12``; None when the text is not one."""
    clean = text.replace("\u00a0", " ").replace("\u202f", " ").strip()
    clean = _LEADING_NOISE.sub("", clean)
    match = _DAY.match(clean)
    if not match:
        return None
    days = [int(match[1])]
    rest = clean[match.end() :]
    ranged = _RANGE.match(rest)
    if ranged and int(ranged[1]) > days[0]:
        days = list(range(days[0], int(ranged[1]) + 1))
        rest = rest[ranged.end() :]
    else:
        while listed := _LIST.match(rest):
            days.append(int(listed[1]))
            rest = rest[listed.end() :]
    if rest[:1].isalpha():  # "Day 3rd" is fine, "D18x" or "days2go" is not a marker
        if not re.match(r"(?:st|nd|rd|th)\b", rest, re.IGNORECASE):
            return None
        rest = rest[2:]
    date, rest = _find_date(rest)
    share = _PERCENT.search(rest)
    value = float(share[1].replace(",", ".")) if share else None
    if share:
        rest = rest[: share.start()] + rest[share.end() :]
    total_match = _TOTAL.search(rest)
    total = int(total_match[1]) if total_match else None
    if total_match:
        rest = rest[: total_match.start()] + rest[total_match.end() :]
    rest = _HASHTAG.sub("", rest).replace("()", "").replace("[]", "")
    title = re.sub(r"^[\s\-–—:|.,*()\[\]]+|[\s\-–—:|.,*()\[\]]+$", "", rest)
    return DayLabel(days, re.sub(r"\s+", " ", title), date, value, total)


def _table_cells(line: str) -> list[str] | None:
    if not line.strip().startswith("|") and line.count("|") < 2:
        return None
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    return cells if len(cells) >= 2 else None


def _day_table(lines: list[str], i: int) -> tuple[list[Section], int] | None:
    """A table whose header has a Day column: one day section per row."""
    header = _table_cells(lines[i])
    if header is None or i + 1 >= len(lines) or not re.match(r"^\s*\|?\s*:?-{3,}", lines[i + 1]):
        return None
    names = [h.lower().strip("*_ ") for h in header]
    if "day" not in names:
        return None
    day_col = names.index("day")
    date_col = names.index("date") if "date" in names else None
    sections, j = [], i + 2
    while j < len(lines) and (cells := _table_cells(lines[j])) is not None:
        label = parse_day_label(f"Day {cells[day_col]}") if day_col < len(cells) else None
        if label is not None:
            others = [c for k, c in enumerate(cells) if k not in (day_col, date_col) and c]
            if date_col is not None and date_col < len(cells):
                label.date = _find_date(cells[date_col])[0]
            label.title = others[0] if others else label.title
            sections.append(Section(j + 1, lines[j], label, None, [f"- {c}" for c in others[1:]]))
        j += 1
    return sections, j


def _day_start(lines: list[str], i: int) -> tuple[DayLabel, int | None, int, list[str]] | None:
    """(label, heading level or None, lines consumed, first body lines) for a day marker."""
    line = lines[i].replace("\u00a0", " ")
    if heading := _ATX.match(line):
        label = parse_day_label(heading[2])
        return (label, len(heading[1]), 1, []) if label else None
    if i + 1 < len(lines) and line.strip() and _SETEXT.match(lines[i + 1]) and not _ITEM.match(line):
        label = parse_day_label(line)
        if label:
            return label, 1 if lines[i + 1].strip()[0] == "=" else 2, 2, []
    if bold := _BOLD.match(line):
        label = parse_day_label(bold[2])
        if label:
            if not label.title and bold[3]:
                label.title = bold[3].strip(" :-–")
            return label, None, 1, []
    if item := _ITEM.match(line):
        label = parse_day_label(item[1])
        if label:
            return label, None, 1, []
    return None


def split_sections(text: str) -> list[Section]:
    """The source cut into day sections and other sections, in order."""
    lines = text.replace("\r\n", "\n").split("\n")
    sections = [Section(1, "Introduction")]
    fence: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        current = sections[-1]
        opener = _FENCE.match(line)
        if fence is not None or opener:
            if fence is None:
                fence = opener[1]  # type: ignore[index]
            elif line.strip().startswith(fence[0] * len(fence)) and not line.strip().strip(fence[0]):
                fence = None
            current.lines.append(line)
            i += 1
            continue
        table = _day_table(lines, i)
        if table:
            sections.extend(table[0])
            sections.append(Section(table[1] + 1, "(after a table of days)"))
            i = table[1]
            continue
        start = _day_start(lines, i)
        if start:
            label, level, consumed, first = start
            sections.append(Section(i + 1, line.strip(), label, level, first))
            i += consumed
            continue
        heading = _ATX.match(line)
        if (
            heading
            and not _LEARNED.match(line)
            and current.label is not None
            and (current.level is None or len(heading[1]) <= current.level)
        ):
            sections.append(Section(i + 1, heading[2], None, len(heading[1])))
            i += 1
            continue
        current.lines.append(line)
        i += 1
    return [s for s in sections if s.label is not None or s.text.strip()]


class _Assets:
    """Rewrites relative image and file references so they resolve from ``days/``, copying
    the files from the source folder when it is known."""

    def __init__(self, journal_dir: Path, source_dir: Path | None, report: ImportReport) -> None:
        self.journal_dir, self.source_dir, self.report = journal_dir, source_dir, report
        self.placeholders: dict[Path, str] = {}
        self.copies: dict[Path, Path] = {}

    @staticmethod
    def _is_local(target: str) -> bool:
        return not re.match(r"^(?:[a-z][a-z0-9+.-]*:|//|#|/)", target, re.IGNORECASE)

    def _plan(self, target: str, image: bool) -> str | None:
        relative = Path(target.split("#")[0].split("?")[0])
        self.report.images.append(target)
        destination = self.journal_dir / ASSETS_DIR / relative
        source = (self.source_dir / relative) if self.source_dir else None
        if source is not None and source.is_file():
            self.copies[destination] = source
            self.report.copied.append(target)
        else:
            self.report.missing.append(target)
            if not image:
                return None
            destination = destination.with_name(destination.name + ".missing.svg")
            self.placeholders[destination] = target
        return "../" + (destination.relative_to(self.journal_dir)).as_posix()

    def rewrite(self, markdown: str) -> str:
        def image(match: re.Match[str]) -> str:
            if not self._is_local(match["target"]):
                return match[0]
            new = self._plan(match["target"], True)
            return f"![{match['alt']}]({new}{match['title'] or ''})"

        def link(match: re.Match[str]) -> str:
            target = match["target"]
            if not self._is_local(target) or target.endswith(".md"):
                return match[0]
            new = self._plan(target, False)
            if new is None:
                return f"{match['text']} (`{target}`, not found at import)"
            return f"[{match['text']}]({new}{match['title'] or ''})"

        def html_image(match: re.Match[str]) -> str:
            if not self._is_local(match[2]):
                return match[0]
            return f"{match[1]}{self._plan(match[2], True)}{match[3]}"

        return _HTML_IMAGE.sub(html_image, _LINK.sub(link, _IMAGE.sub(image, markdown)))

    def write(self) -> None:
        for destination, source in self.copies.items():
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)
        for destination, target in self.placeholders.items():
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_text(
                _PLACEHOLDER.format(name=target.replace("&", "&amp;").replace("<", "&lt;"))
            )


def _demote(lines: list[str]) -> list[str]:
    levels = [len(m[1]) for line in lines if (m := _ATX.match(line))]
    shift = max(0, 2 - min(levels)) if levels else 0
    return [
        f"{'#' * (len(m[1]) + shift)} {m[2]}" if shift and (m := _ATX.match(line)) else line for line in lines
    ]


def day_body(section: Section) -> str:
    """A day's Markdown: its tasks under "What I did", its learned part under "What I
    learned" when the source marks one, everything else kept in place."""
    lines = section.text.split("\n") if section.text else []
    marker = next((k for k, line in enumerate(lines) if _LEARNED.match(line) and len(line) < 200), None)
    if marker is None:
        return "\n".join(_demote(lines)).strip()
    before, after = lines[:marker], lines[marker + 1 :]
    rest = _LEARNED.match(lines[marker])["rest"].strip(" *_:")  # type: ignore[index]
    if rest:
        after = [rest, *after]
    did = "\n".join(_demote(before)).strip()
    learned = "\n".join(_demote(after)).strip()
    parts = []
    if did:
        parts += ["## What I did", "", did, ""]
    parts += ["## What I learned", "", learned or "(nothing noted)"]
    return "\n".join(parts).strip()


def _fallback_title(body: str, day: int) -> str:
    """A title for a day whose marker has none: its first task, shortened."""
    for line in body.split("\n"):
        if item := _ITEM.match(line):
            words = re.sub(r"[*_`\[\]]", "", item[1]).strip().rstrip(".:")
            if len(words) > 70:
                words = words[:70].rsplit(" ", 1)[0] + "…"
            if words:
                return words
    return f"Day {day}"


def _lesson(text: str) -> int | None:
    match = re.search(r"\blesson\s*(\d{1,2})\b", text, re.IGNORECASE)
    return int(match[1]) if match else None


def import_journal(
    source: Path,
    journal_dir: Path,
    *,
    total_days: int = 60,
    assets: Path | None = None,
    force: bool = False,
) -> ImportReport:
    """Import ``source`` into ``journal_dir/days``; return the report. Raises JournalError,
    writing nothing, when the file has no day sections or would overwrite entries."""
    try:
        text = source.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise JournalError(f"{source}: cannot read it ({exc})") from None
    sections = split_sections(text)
    days = [s for s in sections if s.label is not None]
    if not days:
        raise JournalError(
            f"{source}: no day sections found (looked for headings, bold lines, list items "
            "and table rows such as '# Day 1', '**Day 2:**', '- Day 3', '| 4 | ... |')"
        )
    report = ImportReport()
    assets_writer = _Assets(journal_dir, assets, report)
    entries: dict[int, tuple[DayLabel, list[str]]] = {}
    others: list[tuple[str, str]] = []
    for section in sections:
        label = section.label
        if label is None:
            others.append((section.heading, section.text))
            report.other_sections.append(f"line {section.line}: {section.heading!r} -> {NOTES_PAGE}")
            continue
        first = label.days[0]
        if len(label.days) > 1:
            report.ranges.append(f"line {section.line}: days {_spans(label.days)} written as day {first}")
        if label.percent is not None:
            expected = percent(first, label.total or total_days)
            if abs(float(expected) - label.percent) >= 0.05:
                report.percentages.append(
                    f"day {first} says {label.percent:g} %, "
                    f"but {first}/{label.total or total_days} is {expected} %"
                )
        body = assets_writer.rewrite(day_body(section))
        if first > total_days:
            report.beyond_total.append(
                f"line {section.line}: day {first} > {total_days} -> {NOTES_PAGE} "
                "(raise --days to import it as a day)"
            )
            others.append((section.heading, body))
            continue
        if first in entries:
            report.duplicates.append(
                f"line {section.line}: day {first} again; its text is appended to day {first}"
            )
            entries[first][1].append(body)
            continue
        entries[first] = (label, [body])
    report.days = sorted(entries)
    report.gaps = [d for d in range(1, total_days + 1) if d not in entries]
    targets = {d: journal_dir / "days" / f"day-{d:02d}.md" for d in entries}
    existing = [str(p) for p in targets.values() if p.exists()]
    if existing and not force:
        raise JournalError([f"{p}: already exists (use --force to overwrite)" for p in existing])
    (journal_dir / "days").mkdir(parents=True, exist_ok=True)
    for day, (label, bodies) in sorted(entries.items()):
        body = "\n\n".join(b for b in bodies if b.strip())
        if not body:
            report.empty.append(day)
            body = "_The original journal has no notes for this day._"
        meta: dict[str, object] = {"day": day, "title": label.title or _fallback_title(body, day)}
        lesson = _lesson(body)
        if lesson is not None:
            meta["lesson"] = lesson
        if label.date is not None:
            meta["date"] = label.date
        front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)
        targets[day].write_text(f"---\n{front}---\n\n{body}\n", encoding="utf-8")
        report.written.append(targets[day])
    _write_notes(journal_dir, others, source, report)
    assets_writer.write()
    return report


def _write_notes(
    journal_dir: Path, others: list[tuple[str, str]], source: Path, report: ImportReport
) -> None:
    """Keep every part that is not a day: on an extra page, and a home page if none exists."""
    if others:
        parts = [
            "---",
            "title: From the original journal",
            "---",
            "",
            "# From the original journal",
            "",
            f"Parts of `{source.name}` that are not day entries.",
            "",
        ]
        for heading, text in others:
            parts += [f"## {heading}", "", "\n".join(_demote(text.split("\n"))), ""]
        page = journal_dir / NOTES_PAGE
        page.write_text("\n".join(parts), encoding="utf-8")
        report.written.append(page)
    index = journal_dir / "index.md"
    if not index.exists():
        index.write_text(
            f"# {source.stem}\n\nImported from `{source.name}`.\n\n{DASHBOARD_MARKER}\n", encoding="utf-8"
        )
        report.written.append(index)
