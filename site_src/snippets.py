"""Find the executable snippets of a page: fenced blocks in markdown-exec's syntax,
```` ```python exec="on" source="above" ````, with their options and file lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

from site_src.errors import JournalError, located

SOURCE_MODES = ("above", "below", "hidden", "tabbed", "tabbed-left", "tabbed-right", "material-block")
_SAME_AS = {"tabbed-left": "tabbed", "material-block": "above"}  # markdown-exec's names for ours
FORMATS = ("svg", "png")
# ours, and markdown-exec's that fit a page run as one session (``session`` names that session)
OPTIONS = ("exec", "source", "timeout", "format", "html", "result", "title", "session")
LANGUAGES = ("python", "py")
_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*?)[ \t]*$")
_ATTR = re.compile(r"""([A-Za-z_][\w-]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"']+)""")
_TRUE = {"on", "1", "true", "yes"}
_FALSE = {"off", "0", "false", "no"}
_LANGUAGE = re.compile(r"[\w+#.-]+")


@dataclass(frozen=True)
class Snippet:
    """One exec fence: what to run and how to show it.

    ``start``/``end`` are 0-based indices of the opening and closing fence lines in the text
    it was parsed from; ``line`` is the 1-based line of the opening fence in its file.
    """

    index: int
    line: int
    source: str
    source_mode: str
    timeout: float
    fmt: str
    indent: str
    start: int
    end: int
    cell: int | None = None  # notebook cell number (1-based) for snippets from notebooks
    html: bool = False  # what it prints is HTML, inserted as is
    result: str = "text"  # the language of the output block
    title: str = ""  # a title on the source block


def _options(info: str, path: str, line: int, default_timeout: float) -> dict[str, object] | None:
    words = info.split(None, 1)
    if not words or words[0].lower() not in LANGUAGES:
        return None
    attrs = {k: v[1:-1] if v[0] in "\"'" else v for k, v in _ATTR.findall(words[1] if len(words) > 1 else "")}
    if attrs.get("exec", "").lower() not in _TRUE:
        return None
    unknown = sorted(set(attrs) - set(OPTIONS))
    if unknown:
        raise JournalError(
            located(
                path, line, f"unknown snippet option(s) {', '.join(unknown)} (allowed: {', '.join(OPTIONS)})"
            )
        )
    mode = attrs.get("source", "above")
    if mode not in SOURCE_MODES:
        raise JournalError(located(path, line, f"source={mode!r} must be one of {', '.join(SOURCE_MODES)}"))
    html = attrs.get("html", "off").lower()
    if html not in _TRUE | _FALSE:
        raise JournalError(located(path, line, f"html={attrs['html']!r} must be on or off"))
    result = attrs.get("result", "text")
    if not _LANGUAGE.fullmatch(result):
        raise JournalError(located(path, line, f"result={result!r} must name a language, like text or json"))
    fmt = attrs.get("format", "svg")
    if fmt not in FORMATS:
        raise JournalError(located(path, line, f"format={fmt!r} must be one of {', '.join(FORMATS)}"))
    try:
        timeout = float(attrs.get("timeout", default_timeout))
    except ValueError:
        timeout = -1.0
    if not timeout > 0 or timeout == float("inf"):
        raise JournalError(
            located(path, line, f"timeout={attrs['timeout']!r} must be a positive number of seconds")
        )
    return {
        "source_mode": _SAME_AS.get(mode, mode),
        "fmt": fmt,
        "timeout": timeout,
        "html": html in _TRUE,
        "result": result,
        "title": attrs.get("title", "").replace('"', "'"),  # it goes inside title="..."
    }


def _dedent(line: str, indent: str) -> str:
    cut = 0
    while cut < len(indent) and cut < len(line) and line[cut] in " \t":
        cut += 1
    return line[cut:]


def parse_snippets(
    text: str, path: str, *, first_line: int = 1, default_timeout: float = 120.0
) -> list[Snippet]:
    """Return the page's exec fences in order.

    ``first_line`` is the file line of the text's first line (the body after front matter),
    so errors and snippets carry real file lines. Fences of any other kind are skipped
    whole, so an exec fence shown inside a longer fence (documentation) does not run.
    """
    lines = text.split("\n")
    snippets: list[Snippet] = []
    i = 0
    while i < len(lines):
        opened = _OPEN.match(lines[i])
        if not opened:
            i += 1
            continue
        indent, fence, info = opened["indent"], opened["fence"], opened["info"]
        if fence[0] == "~" and "~" in info:
            i += 1
            continue
        line = first_line + i
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = next((j for j in range(i + 1, len(lines)) if closing.match(lines[j])), None)
        options = _options(info, path, line, default_timeout)
        if options is not None:
            if end is None:
                raise JournalError(located(path, line, "exec fence is never closed"))
            body = "\n".join(_dedent(raw, indent) for raw in lines[i + 1 : end])
            snippets.append(
                Snippet(
                    index=len(snippets), line=line, source=body, indent=indent, start=i, end=end, **options
                )  # type: ignore[arg-type]
            )
        i = len(lines) if end is None else end + 1
    return snippets
