"""The ``journal`` command: build, serve, check, new and clean over the same engine.

``journal build`` is strict and atomic: it builds into a temporary folder beside the site
and swaps it in only when the whole build succeeded, so a failing snippet never leaves a
half-written or emptied site behind.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

from site_src.engine import PageSource, execute
from site_src.entries import DAYS_DIR, load_entries, read_day_sources, read_markdown, split_front_matter
from site_src.errors import JournalError
from site_src.settings import load_settings

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def _load_config(config_file: str, **overrides: object):
    from mkdocs.config import load_config

    return load_config(config_file=config_file, **overrides)


def _settings(config_file: str):
    config = _load_config(config_file)
    return load_settings(Path(config.config_file_path).parent, Path(config.docs_dir), config.extra)


def build(config_file: str, site_dir: str | None) -> None:
    """Strict build into a temporary folder, swapped in only on success."""
    from mkdocs.commands.build import build as mkdocs_build

    config = _load_config(config_file)
    target = Path(site_dir or config.site_dir).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        config = _load_config(config_file, strict=True, site_dir=str(staging))
        mkdocs_build(config)
        previous = target.with_name(f".{target.name}.previous")
        shutil.rmtree(previous, ignore_errors=True)
        if target.exists():
            target.rename(previous)
        staging.rename(target)
        shutil.rmtree(previous, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def serve(config_file: str, dev_addr: str | None) -> None:
    """Preview with live reload (MkDocs's own server; the cache keeps rebuilds cheap)."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    mkdocs_serve(config_file=config_file, dev_addr=dev_addr, livereload=True)


def check(config_file: str) -> str:
    """Validate the entries and run every snippet, with no site."""
    settings = _settings(config_file)
    sources = read_day_sources(settings.docs_dir, settings.display_path)
    entries = load_entries(sources, settings.total_days)
    pages = []
    for path in sorted(settings.docs_dir.rglob("*.md")):
        uri = path.relative_to(settings.docs_dir).as_posix()
        text = read_markdown(path)
        shown = settings.display_path(uri)
        _, body_line = split_front_matter(text, shown)
        pages.append(PageSource(uri, shown, "\n".join(text.split("\n")[body_line - 1 :]), body_line))
    runs = execute(pages, settings) if settings.execute else {}
    statuses = [s for run in runs.values() for s in run.statuses]
    return (
        f"journal: {len(entries)} days valid · {len(statuses)} snippets · "
        f"{statuses.count('ran')} ran · {statuses.count('cached')} cached"
    )


def new(config_file: str, title: str | None, day: int | None) -> Path:
    """Scaffold the next day's entry (or ``day``), refusing to overwrite one."""
    settings = _settings(config_file)
    entries = load_entries(read_day_sources(settings.docs_dir, settings.display_path), settings.total_days)
    number = day if day is not None else (entries[-1].day + 1 if entries else 1)
    if not 1 <= number <= settings.total_days:
        raise JournalError(f"day {number} is outside 1..{settings.total_days}")
    path = settings.docs_dir / DAYS_DIR / f"day-{number:02d}.md"
    if path.exists():
        raise JournalError(f"{settings.display_path(f'{DAYS_DIR}/{path.name}')}: already exists")
    lesson = f"lesson: {entries[-1].lesson}\n" if entries and entries[-1].lesson is not None else ""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"---\nday: {number}\ntitle: {title or 'What I worked on'}\n{lesson}tags: []\n"
        f"date: {dt.date.today().isoformat()}\n---\n\n## What I did\n\n- \n\n## What I learned\n\n",
        encoding="utf-8",
    )
    return path


def import_readme(source: str, out: str, days: int, assets: str | None, force: bool) -> list[str]:
    """Import a README-style journal; return the report's lines."""
    from site_src.importer import import_journal

    report = import_journal(
        Path(source), Path(out), total_days=days, force=force, assets=Path(assets) if assets else None
    )
    return report.lines(days)


def linkcheck(config_file: str, site_dir: str | None) -> int:
    """Print broken internal links and the external ones; 1 when any is broken."""
    from site_src.linkcheck import check_site

    site = Path(site_dir or _load_config(config_file).site_dir)
    if not site.is_dir():
        raise JournalError(f"{site}: no built site here (run journal build first)")
    report = check_site(site)
    for link in sorted(report.external):
        print(f"external (not fetched): {link}")
    for problem in report.broken:
        print(f"broken: {problem}", file=sys.stderr)
    print(
        f"journal linkcheck: {report.pages} pages, {report.checked} internal links, "
        f"{len(report.broken)} broken, {len(report.external)} external listed"
    )
    return 1 if report.broken else 0


def clean(config_file: str) -> Path:
    """Drop the snippet cache."""
    folder = _settings(config_file).cache_dir
    shutil.rmtree(folder, ignore_errors=True)
    return folder


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``journal`` console script."""
    parser = argparse.ArgumentParser(prog="journal", description=__doc__.split("\n")[0])
    parser.add_argument("-f", "--config-file", default="mkdocs.yml", help="path to mkdocs.yml")
    commands = parser.add_subparsers(dest="command", required=True)
    p_build = commands.add_parser("build", help="strict, atomic build of the site")
    p_build.add_argument("-d", "--site-dir", help="where to put the site (default: mkdocs.yml's)")
    p_serve = commands.add_parser("serve", help="preview with live reload")
    p_serve.add_argument("-a", "--dev-addr", help="IP:PORT to serve on (default 127.0.0.1:8000)")
    commands.add_parser("check", help="validate entries and run every snippet, without a site")
    p_new = commands.add_parser("new", help="scaffold the next day's entry")
    p_new.add_argument("--title", help="the day's title")
    p_new.add_argument("--day", type=int, help="the day number (default: the day after the last)")
    commands.add_parser("clean", help="drop the snippet cache")
    p_links = commands.add_parser("linkcheck", help="check the links of a built site")
    p_links.add_argument("-d", "--site-dir", help="the built site (default: mkdocs.yml's site_dir)")
    p_import = commands.add_parser("import", help="turn a README-style journal into day entries")
    p_import.add_argument("path", help="the README (Markdown) to import")
    p_import.add_argument("--out", default="journal", help="the journal folder (default: journal)")
    p_import.add_argument("--days", type=int, default=60, help="length of the journal (default 60)")
    p_import.add_argument("--assets", help="folder the README's relative images and files are relative to")
    p_import.add_argument("--force", action="store_true", help="overwrite existing day entries")
    args = parser.parse_args(argv)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logging.getLogger("mkdocs").addHandler(handler)
    logging.getLogger("mkdocs").setLevel(logging.INFO)

    from mkdocs.exceptions import MkDocsException

    try:
        if args.command == "build":
            build(args.config_file, args.site_dir)
        elif args.command == "serve":
            serve(args.config_file, args.dev_addr)
        elif args.command == "check":
            print(check(args.config_file))
        elif args.command == "new":
            print(f"journal: wrote {new(args.config_file, args.title, args.day)}")
        elif args.command == "clean":
            print(f"journal: removed {clean(args.config_file)}")
        elif args.command == "linkcheck":
            return linkcheck(args.config_file, args.site_dir)
        elif args.command == "import":
            print("\n".join(import_readme(args.path, args.out, args.days, args.assets, args.force)))
    except (JournalError, MkDocsException) as exc:
        print(f"journal {args.command} failed:\n{exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
