"""Turn executed snippets into Markdown: source, printed output and figures, in the
place of each exec fence, in the layout its ``source=`` option asks for."""

from __future__ import annotations

import re

from site_src.cache import CachedResult
from site_src.snippets import Snippet


def _fence(body: str, info: str) -> list[str]:
    longest = max((len(m) for m in re.findall(r"`{3,}", body)), default=2)
    ticks = "`" * max(3, longest + 1)
    return [f"{ticks}{info}", *body.split("\n"), ticks]


def _indent(lines: list[str], prefix: str) -> list[str]:
    return [prefix + line if line else line for line in lines]


def render_snippet(snippet: Snippet, result: CachedResult | None, figure_links: list[str]) -> list[str]:
    """Markdown lines replacing one fence (without its indentation).

    ``result`` is None when execution is off: the source is shown as plain code.
    """
    source = _fence(snippet.source, "python")
    if result is None:
        return source
    output: list[str] = []
    if result.stdout:
        output += _fence(result.stdout.rstrip("\n"), 'text title="Output"')
    for figure, link in zip(result.figures, figure_links, strict=True):
        alt = figure.alt.replace("[", "(").replace("]", ")").replace("\n", " ")
        output += ["", f"![{alt}]({link}){{ .journal-figure }}"]
    mode = snippet.source_mode
    if mode == "hidden":
        return output
    if mode == "tabbed":
        tabs = ['=== "Source"', "", *_indent(source, "    "), ""]
        if output:
            tabs += ['=== "Result"', "", *_indent(output, "    ")]
        return tabs
    parts = [source, output] if mode == "above" else [output, source]
    return [line for part in parts if part for line in [*part, ""]][:-1]


def render_page(
    markdown: str,
    snippets: list[Snippet],
    results: list[CachedResult | None],
    figure_links: list[list[str]],
) -> str:
    """Replace each fence of ``markdown`` (parsed as ``snippets``) with its rendering."""
    lines = markdown.split("\n")
    for snippet in reversed(snippets):
        rendered = render_snippet(snippet, results[snippet.index], figure_links[snippet.index])
        block = ["", *_indent(rendered, snippet.indent), ""]
        lines[snippet.start : snippet.end + 1] = block
    return "\n".join(lines)
