"""What a day page tells the rest of the web: OpenGraph tags (title, a description from the
entry, the day's first figure as image) and the Atom feed of days, dated by front matter
``date:`` or else by the day file's last git commit."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import urljoin

from site_src.entries import Entry

DESCRIPTION_LENGTH = 200
FEED_NAME = "feed.xml"


def describe(markdown: str) -> str:
    """The first prose paragraph of a day's Markdown (preferring "What I learned"),
    stripped of markup and cut at a word boundary."""
    learned = re.split(r"^#+\s*What I learned.*$", markdown, maxsplit=1, flags=re.MULTILINE | re.IGNORECASE)
    text = learned[-1]
    for block in re.split(r"\n\s*\n", text):
        block = block.strip()
        if not block or block[0] in "#`<!|-*>=" or block[:1].isdigit() or block.startswith("$$"):
            continue
        plain = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", block)
        plain = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", plain)
        plain = re.sub(r"[*_`]|\$", "", plain)
        plain = " ".join(plain.split())
        if len(plain) > DESCRIPTION_LENGTH:
            plain = plain[:DESCRIPTION_LENGTH].rsplit(" ", 1)[0] + "…"
        return plain
    return ""


def social_tags(
    title: str, description: str, page_url: str, image: str | None, site_url: str | None
) -> list[tuple[str, str]]:
    """(property, content) pairs for OpenGraph and Twitter cards. URLs are absolute when
    the site's URL is known, relative to the page otherwise."""
    tags = [("og:type", "article"), ("og:title", title), ("twitter:title", title)]
    if description:
        tags += [("og:description", description), ("twitter:description", description)]
    if site_url:
        tags.append(("og:url", urljoin(site_url, page_url)))
    if image:
        resolved = urljoin(urljoin(site_url, page_url), image) if site_url else image
        tags += [("og:image", resolved), ("twitter:card", "summary_large_image"), ("twitter:image", resolved)]
    return tags


def git_dates(paths: Iterable[Path], cwd: Path) -> dict[Path, dt.datetime]:
    """The last commit date of each path, from one ``git log`` (empty outside a checkout)."""
    wanted = [p.resolve() for p in paths]
    try:
        out = subprocess.run(
            ["git", "log", "--format=%x00%cI", "--name-only", "--", *map(str, wanted)],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=30,
        )
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=cwd, capture_output=True, text=True)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    if out.returncode or top.returncode:
        return {}
    root = Path(top.stdout.strip())
    dates: dict[Path, dt.datetime] = {}
    for chunk in out.stdout.split("\x00")[1:]:
        lines = chunk.strip().split("\n")
        when = dt.datetime.fromisoformat(lines[0])
        for name in lines[1:]:
            dates.setdefault((root / name).resolve(), when)
    return dates


@dataclass(frozen=True)
class FeedItem:
    """One day in the feed."""

    entry: Entry
    url: str
    description: str


def atom_feed(items: list[FeedItem], *, title: str, site_url: str | None, docs_dir: Path, root: Path) -> str:
    """The Atom document, newest day first. A day is dated by its front matter ``date``,
    else by its file's last commit, else by the file's modification time."""
    files = {item.entry.src_uri: docs_dir / item.entry.src_uri for item in items}
    committed = git_dates(files.values(), root)

    def updated(item: FeedItem) -> dt.datetime:
        if item.entry.date is not None:
            return dt.datetime.combine(item.entry.date, dt.time(), tzinfo=dt.UTC)
        path = files[item.entry.src_uri].resolve()
        if path in committed:
            return committed[path].astimezone(dt.UTC)
        return dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)

    base = site_url or ""
    feed_id = site_url or "urn:journal:" + (re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "site")
    dated = sorted(((updated(i), i) for i in items), key=lambda pair: -pair[1].entry.day)
    newest = max((d for d, _ in dated), default=dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <title>{escape(title)}</title>",
        f"  <id>{escape(feed_id)}</id>",
        f"  <updated>{newest.isoformat()}</updated>",
    ]
    if site_url:
        lines += [
            f'  <link href="{escape(site_url)}"/>',
            f'  <link rel="self" href="{escape(urljoin(site_url, FEED_NAME))}"/>',
        ]
    for when, item in dated:
        link = urljoin(base, item.url) if base else item.url
        lines += [
            "  <entry>",
            f"    <title>{escape(f'Day {item.entry.day} · {item.entry.title}')}</title>",
            f"    <id>{escape(link if site_url else f'{feed_id}:day:{item.entry.day}')}</id>",
            f'    <link href="{escape(link)}"/>',
            f"    <updated>{when.isoformat()}</updated>",
            f"    <summary>{escape(item.description)}</summary>",
            "  </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"
