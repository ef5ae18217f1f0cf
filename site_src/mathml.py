"""Math rendered at build time: pymdownx.arithmatex (generic mode) marks TeX, and this
module turns it into MathML, which browsers draw natively. The site then shows its
formulas with no script and no internet (MathJax or KaTeX would be fetched or bundled)."""

from __future__ import annotations

import html
import re

from latex2mathml.converter import convert

from site_src.errors import JournalError

_MATH = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">\s*'
    r"(?:\\\((?P<inline>.*?)\\\)|\\\[(?P<block>.*?)\\\])"
    r"\s*</(?P=tag)>",
    re.DOTALL,
)


def render_math(page_html: str, path: str) -> str:
    """Replace every arithmatex span/div of a rendered page with MathML."""

    def mathml(match: re.Match[str]) -> str:
        block = match["block"] is not None
        tex = html.unescape(match["block"] if block else match["inline"]).strip()
        try:
            rendered = convert(tex, display="block" if block else "inline")
        except Exception as exc:
            raise JournalError(f"{path}: cannot render the formula {tex!r}: {exc}") from None
        rendered = rendered.replace("<math ", f'<math alttext="{html.escape(tex)}" ', 1)
        # focusable, since a wide formula scrolls sideways
        return f'<div class="journal-math" tabindex="0">{rendered}</div>' if block else rendered

    return _MATH.sub(mathml, page_html)
