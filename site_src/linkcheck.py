"""Check every link of a built site: internal links must reach a file, and an anchor must
name an element of the target page; external links are listed, never fetched (the build
machine has no internet, and a link check should not depend on other people's servers)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

_LINK_ATTRIBUTES = {("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"), ("source", "src")}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id", "name") and (name == "id" or tag == "a"):
                self.ids.add(value)
            if (tag, name) in _LINK_ATTRIBUTES:
                self.links.append(value)


@dataclass
class LinkReport:
    """Broken internal links (``page: link (reason)``) and the external links seen."""

    pages: int = 0
    checked: int = 0
    broken: list[str] = field(default_factory=list)
    external: set[str] = field(default_factory=set)


def check_site(site: Path) -> LinkReport:
    """Check every HTML page under ``site``."""
    parsed: dict[str, _Page] = {}
    for path in sorted(site.rglob("*.html")):
        page = _Page()
        page.feed(path.read_text(encoding="utf-8", errors="replace"))
        parsed[path.relative_to(site).as_posix()] = page
    report = LinkReport(pages=len(parsed))
    for name, page in parsed.items():
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https", "mailto", "ftp") or link.startswith("//"):
                report.external.add(link)
                continue
            if parts.scheme in ("data", "javascript", "blob") or not (parts.path or parts.fragment):
                continue
            report.checked += 1
            target = (
                name
                if not parts.path
                else posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(parts.path)))
            )
            if parts.path.startswith("/"):
                target = unquote(parts.path).lstrip("/")
            resolved = site / target
            if resolved.is_dir():
                resolved, target = resolved / "index.html", posixpath.join(target, "index.html")
            if target.startswith("..") or not resolved.is_file():
                report.broken.append(f"{name}: {link} (no such file)")
                continue
            anchor = unquote(parts.fragment)
            if anchor and target in parsed and anchor not in parsed[target].ids:
                report.broken.append(f"{name}: {link} (no element with id {anchor!r})")
    return report
