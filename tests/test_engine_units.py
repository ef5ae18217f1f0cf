"""The MkDocs-free pieces of the engine: percentages, fence parsing, rendering, keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_src.cache import CachedResult, snippet_keys
from site_src.errors import JournalError
from site_src.progress import day_heading, navigation, percent
from site_src.render import render_snippet
from site_src.snippets import parse_snippets


@pytest.mark.parametrize(
    ("day", "total", "expected"),
    [
        (1, 60, "1.7"),
        (2, 60, "3.3"),
        (9, 60, "15.0"),
        (24, 60, "40.0"),
        (60, 60, "100.0"),
        (1, 16, "6.3"),
        (1, 8, "12.5"),
        (3, 400, "0.8"),
    ],
)
def test_percent_rounds_half_up_to_one_decimal(day: int, total: int, expected: str) -> None:
    assert percent(day, total) == expected


def test_day_heading() -> None:
    assert day_heading(1, 60) == "Day 1 · 1.7 % of 60"


def test_parser_finds_exec_fences_with_options_and_lines() -> None:
    text = (
        'a\n\n```python exec="on" source="tabbed" timeout="5" format="png"\n'
        "print(1)\n```\n\n```python\nno\n```\n"
    )
    [snippet] = parse_snippets(text, "p.md", first_line=10)
    assert (snippet.line, snippet.source, snippet.source_mode, snippet.timeout, snippet.fmt) == (
        12,
        "print(1)",
        "tabbed",
        5.0,
        "png",
    )


def test_parser_skips_an_exec_fence_shown_inside_a_longer_fence() -> None:
    text = '````markdown\n```python exec="on"\nraise SystemExit\n```\n````\n'
    assert parse_snippets(text, "p.md") == []


def test_parser_dedents_fences_inside_lists_and_tabs() -> None:
    text = '- item\n\n    ```py exec="1"\n    for i in range(2):\n        print(i)\n    ```\n'
    [snippet] = parse_snippets(text, "p.md")
    assert snippet.source == "for i in range(2):\n    print(i)"
    assert snippet.indent == "    "


@pytest.mark.parametrize(
    ("info", "message"),
    [
        ('exec="on" source="left"', "source='left'"),
        ('exec="on" timeout="-1"', "timeout"),
        ('exec="on" format="gif"', "format='gif'"),
        ('exec="on" sesion="a"', "unknown snippet option"),
        ('exec="on" html="maybe"', "html='maybe'"),
        ('exec="on" result="a b"', "result="),
        ('exec="on" workdir="/tmp"', "unknown snippet option(s) workdir"),
    ],
)
def test_parser_rejects_bad_options_with_the_line(info: str, message: str) -> None:
    with pytest.raises(JournalError) as raised:
        parse_snippets(f"\n```python {info}\n1\n```\n", "journal/days/day-01.md")
    assert "journal/days/day-01.md:2:" in str(raised.value)
    assert message in str(raised.value)


def test_render_modes_place_source_and_output() -> None:
    [snippet] = parse_snippets('```python exec="on"\nprint(1)\n```', "p.md")
    result = CachedResult("1\n", 0.1, ())
    above = "\n".join(render_snippet(snippet, result, []))
    assert above.index("print(1)") < above.index('title="Output"')
    for mode, check in [
        ("below", lambda t: t.index("print(1)") > t.index("Output")),
        ("hidden", lambda t: "print(1)" not in t and "Output" in t),
        ("tabbed", lambda t: '=== "Source"' in t and '=== "Result"' in t),
    ]:
        [s] = parse_snippets(f'```python exec="on" source="{mode}"\nprint(1)\n```', "p.md")
        assert check("\n".join(render_snippet(s, result, []))), mode


def test_markdown_exec_options_are_understood() -> None:
    """Entries written for markdown-exec keep working: its names for the source layouts,
    ``html`` (print HTML), ``result`` (the output block's language), ``title`` and
    ``session`` (a page is one session already)."""
    text = (
        '```python exec="true" source="tabbed-right" html="1" title=\'Say "hi"\' session="s"\nprint(1)\n```\n'
        '```python exec="yes" source="material-block" result="json"\nprint(2)\n```\n'
        '```python exec="on" source="tabbed-left"\nprint(3)\n```\n'
    )
    right, block, left = parse_snippets(text, "p.md")
    assert (right.source_mode, right.html, right.title) == ("tabbed-right", True, "Say 'hi'")
    assert (block.source_mode, block.html, block.result) == ("above", False, "json")
    assert left.source_mode == "tabbed"
    result = CachedResult("<table>\n<tr><td>1</td></tr>\n</table>\n", 0.0, ())
    lines = "\n".join(render_snippet(right, result, []))
    assert lines.index('=== "Result"') < lines.index('=== "Source"')
    html = ['<div class="journal-html">', "<table>", "<tr><td>1</td></tr>", "</table>", "</div>"]
    assert "\n".join("    " + line for line in html) in lines
    assert "```python title=\"Say 'hi'\"" in lines and "```text" not in lines
    lines = "\n".join(render_snippet(block, CachedResult("{}\n", 0.0, ()), []))
    assert '```json title="Output"\n{}\n```' in lines


def test_output_containing_backticks_stays_inside_its_fence() -> None:
    [snippet] = parse_snippets('```python exec="on"\nprint(1)\n```', "p.md")
    lines = render_snippet(snippet, CachedResult("```\nx\n```\n", 0.0, ()), [])
    assert "````text" in "\n".join(lines)


def test_keys_chain_earlier_snippets_and_environment() -> None:
    env = {"python": [3, 11], "profile": "quick"}
    a = snippet_keys(env, "p.md", [("x = 1", "svg"), ("print(x)", "svg")])
    b = snippet_keys(env, "p.md", [("x = 2", "svg"), ("print(x)", "svg")])
    c = snippet_keys({**env, "profile": "full"}, "p.md", [("x = 1", "svg"), ("print(x)", "svg")])
    assert a[0] != b[0] and a[1] != b[1]
    assert a != c
    assert snippet_keys(env, "q.md", [("x = 1", "svg")])[0] != a[0]


def test_navigation_groups_consecutive_days_of_a_lesson() -> None:
    from site_src.entries import Entry

    entries = [
        Entry(1, "A", "days/day-01.md", lesson=3),
        Entry(2, "B", "days/day-02.md", lesson=3),
        Entry(3, "C", "days/day-03.md"),
        Entry(4, "D", "days/day-04.md", lesson=4),
    ]
    assert navigation(entries) == [
        {"Lesson 3": [{"Day 1 · A": "days/day-01.md"}, {"Day 2 · B": "days/day-02.md"}]},
        {"Day 3 · C": "days/day-03.md"},
        {"Lesson 4": [{"Day 4 · D": "days/day-04.md"}]},
    ]


def test_preload_only_what_stale_pages_imported_last_time(tmp_path: Path) -> None:
    from site_src.cache import Cache, SourceHashes
    from site_src.engine import preload_for
    from site_src.jobs import PageJob

    cache = Cache(tmp_path, SourceHashes(tmp_path))
    job = PageJob("days/day-02.md", "journal/days/day-02.md", (), 0, str(tmp_path), "quick", (), 1)
    candidates = ("numpy", "matplotlib.pyplot", "torch")
    assert preload_for([job], candidates, cache) == candidates  # never ran: everything
    cache.record_page_imports("days/day-02.md", ["dplab", "matplotlib", "numpy"])
    assert preload_for([job], candidates, cache) == ("numpy", "matplotlib.pyplot")


def test_a_day_with_its_own_h1_is_demoted_below_the_generated_heading() -> None:
    from site_src.progress import below_day_heading

    text = "# My notes\n\n## Part\n\n```python\n# a comment, not a heading\n```\n"
    assert (
        below_day_heading(text) == "## My notes\n\n### Part\n\n```python\n# a comment, not a heading\n```\n"
    )
    assert below_day_heading("## Already fine\n") == "## Already fine\n"


def test_rendering_degrades_without_the_markdown_extensions() -> None:
    from site_src.cache import CachedFigure
    from site_src.render import Markup

    [snippet] = parse_snippets('```python exec="on" source="tabbed"\nprint(1)\n```', "p.md")
    figure = CachedFigure("0" * 64, "svg", "A plot", Path("x.svg"))
    bare = "\n".join(
        render_snippet(snippet, CachedResult("1\n", 0.0, (figure,)), ["f.svg"], Markup(False, False, False))
    )
    assert '=== "Source"' not in bare and "title=" not in bare and "{ .journal-figure }" not in bare
    assert bare.index("print(1)") < bare.index("![A plot](f.svg)")
