"""Turn executed snippets into Markdown: source, printed output and figures, in the
place of each exec fence, in the layout its ``source=`` option asks for."""

from __future__ import annotations

import re
from dataclasses import dataclass

from site_src.cache import CachedResult
from site_src.snippets import Snippet


@dataclass(frozen=True)
class Markup:
    """Which Markdown extensions the site has, so the rendering degrades gracefully in a
    journal whose mkdocs.yml lacks one: no figure class without ``attr_list``, no block
    title without ``pymdownx.superfences``, and no tabs (source above instead) without
    ``pymdownx.tabbed``."""

    attr_list: bool = True
    block_titles: bool = True
    tabs: bool = True

    @classmethod
    def from_extensions(cls, names: list[str]) -> Markup:
        return cls("attr_list" in names, "pymdownx.superfences" in names, "pymdownx.tabbed" in names)


def _fence(body: str, info: str) -> list[str]:
    longest = max((len(m) for m in re.findall(r"`{3,}", body)), default=2)
    ticks = "`" * max(3, longest + 1)
    return [f"{ticks}{info}", *body.split("\n"), ticks]


def _indent(lines: list[str], prefix: str) -> list[str]:
    return [prefix + line if line else line for line in lines]


def render_snippet(
    snippet: Snippet, result: CachedResult | None, figure_links: list[str], markup: Markup = Markup()
) -> list[str]:
    """Markdown lines replacing one fence (without its indentation).

    ``result`` is None when execution is off: the source is shown as plain code.
    """
    titled = snippet.title and markup.block_titles
    source = _fence(snippet.source, f'python title="{snippet.title}"' if titled else "python")
    if result is None:
        return source
    output: list[str] = []
    if result.stdout and snippet.html:
        output += ['<div class="journal-html">', *result.stdout.rstrip("\n").split("\n"), "</div>"]
    elif result.stdout:
        info = f'{snippet.result} title="Output"' if markup.block_titles else snippet.result
        output += _fence(result.stdout.rstrip("\n"), info)
    for figure, link in zip(result.figures, figure_links, strict=True):
        alt = figure.alt.replace("[", "(").replace("]", ")").replace("\n", " ")
        output += ["", f"![{alt}]({link})" + ("{ .journal-figure }" if markup.attr_list else "")]
    mode = snippet.source_mode
    if mode.startswith("tabbed") and not markup.tabs:
        mode = "above"
    if mode == "hidden":
        return output
    if mode.startswith("tabbed"):
        tabs = [['=== "Source"', "", *_indent(source, "    "), ""]]
        if output:
            tabs.append(['=== "Result"', "", *_indent(output, "    "), ""])
        ordered = reversed(tabs) if mode == "tabbed-right" else tabs
        return [line for tab in ordered for line in tab][:-1]
    parts = [source, output] if mode == "above" else [output, source]
    return [line for part in parts if part for line in [*part, ""]][:-1]


def render_page(
    markdown: str,
    snippets: list[Snippet],
    results: list[CachedResult | None],
    figure_links: list[list[str]],
    markup: Markup = Markup(),
) -> str:
    """Replace each fence of ``markdown`` (parsed as ``snippets``) with its rendering."""
    lines = markdown.split("\n")
    for snippet in reversed(snippets):
        rendered = render_snippet(snippet, results[snippet.index], figure_links[snippet.index], markup)
        block = ["", *_indent(rendered, snippet.indent), ""]
        lines[snippet.start : snippet.end + 1] = block
    return "\n".join(lines)
