"""One MkDocs build of the journal: the state shared by the hook events.

This is the only engine module that knows MkDocs objects (config, files, pages); it
adapts them to the MkDocs-free modules (entries, engine, render, progress, report).
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from site_src import progress, report
from site_src.engine import PageRun, PageSource, execute
from site_src.entries import Entry, is_day_file, load_entries, read_day_sources, split_front_matter
from site_src.errors import JournalError
from site_src.mathml import render_math
from site_src.notebooks import executed_notebook, is_notebook, notebook_page, read_notebook
from site_src.render import Markup, render_page
from site_src.settings import Settings, load_settings
from site_src.snippets import parse_snippets
from site_src.social import FEED_NAME, FeedItem, atom_feed, describe, social_tags

REPORT_NAME = "journal-build.json"


class JournalSite:
    """Validates entries and builds the navigation (config time), runs snippets and adds
    their figures (files time), renders pages, and writes the build report."""

    def __init__(self, config: MkDocsConfig) -> None:
        root = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        self.settings: Settings = load_settings(root, Path(config.docs_dir), config.extra)
        sources = read_day_sources(self.settings.docs_dir, self.settings.display_path)
        self.entries: list[Entry] = load_entries(sources, self.settings.total_days)
        self.by_uri = {e.src_uri: e for e in self.entries}
        self.runs: dict[str, PageRun] = {}
        self.figure_uris: dict[str, list[list[str]]] = {}
        self.sources: dict[str, PageSource] = {}
        self.notebooks: dict[str, tuple[File, dict]] = {}
        self.feed_items: list[FeedItem] = []
        self.site_url: str | None = config.site_url or None
        self.site_name: str = config.site_name
        self.markup = Markup.from_extensions([str(e) for e in config.markdown_extensions])
        if config.nav is None:
            config.nav = self._navigation()
        jupyter = config.plugins.get("mkdocs-jupyter")
        if jupyter is not None:
            # Its HTML cache evicts what a build did not use: keep drafting and executed
            # renderings apart, and inside the journal's own cache folder.
            mode = "executed" if self.settings.execute else "drafting"
            jupyter.config["cache_dir"] = str(self.settings.cache_dir / "mkdocs-jupyter" / mode)

    def _navigation(self) -> list[object]:
        """Home, the days (grouped by lesson), other top-level pages, then one section per
        other folder of pages (notebooks included), so no page of the docs is left out."""
        docs = self.settings.docs_dir
        nav: list[object] = ["index.md"] if (docs / "index.md").is_file() else []
        nav.extend(progress.navigation(self.entries))
        for path in sorted(docs.glob("*.md")):
            if path.name != "index.md":
                nav.append(path.name)
        for folder in sorted(p for p in docs.iterdir() if p.is_dir() and p.name not in ("days", "assets")):
            pages = sorted(p for p in folder.rglob("*") if p.suffix in (".md", ".ipynb") and p.is_file())
            if pages:
                nav.append(
                    {
                        folder.name.replace("-", " ").capitalize(): [
                            p.relative_to(docs).as_posix() for p in pages
                        ]
                    }
                )
        return nav

    def execute_pages(self, files: Files, config: MkDocsConfig) -> Files:
        """Run (or take from the cache) every page's snippets; add their figures."""
        for file in files.documentation_pages():
            path = self.settings.display_path(file.src_uri)
            if is_notebook(file.src_uri):
                notebook = read_notebook(Path(file.abs_src_path), path)
                self.notebooks[file.src_uri] = (file, notebook)
                self.sources[file.src_uri] = notebook_page(
                    file.src_uri, path, notebook, self.settings.default_timeout
                )
                continue
            if not file.src_uri.endswith(".md"):
                continue
            _, body_line = split_front_matter(file.content_string, path)
            body = file.content_string.split("\n")[body_line - 1 :]
            self.sources[file.src_uri] = PageSource(file.src_uri, path, "\n".join(body), body_line)
        if self.settings.execute:
            self.runs = execute(list(self.sources.values()), self.settings)
        # mkdocs-jupyter renders the copy that holds our outputs (or none, drafting).
        for uri, (file, notebook) in self.notebooks.items():
            file.abs_src_path = str(
                executed_notebook(notebook, self.runs.get(uri), self.settings.cache_dir, uri)
            )
        for uri, run in self.runs.items():
            uris = []
            for snippet in run.snippets:
                result = run.results[snippet.index]
                uris.append([run.figure_uri(snippet.index, k) for k in range(len(result.figures))])  # type: ignore[union-attr]
                for k, figure in enumerate(result.figures):  # type: ignore[union-attr]
                    files.append(File.generated(config, uris[-1][k], abs_src_path=str(figure.path)))
            self.figure_uris[uri] = uris
        return files

    def _url_from(self, page: Page, files: Files) -> callable:  # type: ignore[valid-type]
        def url_of(entry: Entry) -> str:
            target = files.get_file_from_path(entry.src_uri)
            return get_relative_url(target.url, page.url) if target else "#"

        return url_of

    def _notebook_url(self, entry: Entry, page: Page, files: Files) -> str | None:
        if entry.notebook is None:
            return None
        target_uri = posixpath.normpath(posixpath.join(posixpath.dirname(entry.src_uri), entry.notebook))
        target = files.get_file_from_path(target_uri)
        if target is None:
            raise JournalError(
                f"{self.settings.display_path(entry.src_uri)}: notebook {entry.notebook!r} is not in the docs"
            )
        return get_relative_url(target.url, page.url)

    def _share(self, entry: Entry, markdown: str, page: Page) -> None:
        """Social tags for the day page and its feed item."""
        description = describe(markdown)
        figures = [u for snippet_uris in self.figure_uris.get(entry.src_uri, []) for u in snippet_uris]
        image = get_relative_url(figures[0], page.url) if figures else None
        title = f"Day {entry.day} · {entry.title}"
        page.meta["journal_social"] = social_tags(title, description, page.url, image, self.site_url)
        self.feed_items.append(FeedItem(entry, page.url, description))

    def render_markdown(self, markdown: str, page: Page, files: Files) -> str:
        """Replace exec fences by their results; add a day's header or the dashboard."""
        uri = page.file.src_uri
        if is_notebook(uri):  # rendered by mkdocs-jupyter from the executed copy
            return markdown
        source = self.sources.get(uri)
        original = markdown
        if source is not None:
            snippets = parse_snippets(
                markdown,
                source.path,
                first_line=source.first_line,
                default_timeout=self.settings.default_timeout,
            )
            run = self.runs.get(uri)
            expected = len(run.snippets) if run else len(snippets)
            if len(snippets) != expected:
                raise JournalError(f"{source.path}: the page changed while it was being built")
            base = posixpath.dirname(uri)
            links = [
                [posixpath.relpath(u, base or ".") for u in figure_uris]
                for figure_uris in self.figure_uris.get(uri, [[] for _ in snippets])
            ]
            results = run.results if run else [None] * len(snippets)
            markdown = render_page(markdown, snippets, results, links, self.markup)
        url_of = self._url_from(page, files)
        if uri in self.by_uri and is_day_file(uri):
            entry = self.by_uri[uri]
            self._share(entry, original, page)
            i = self.entries.index(entry)
            previous = self.entries[i - 1] if i > 0 else None
            following = self.entries[i + 1] if i + 1 < len(self.entries) else None
            notebook_url = self._notebook_url(entry, page, files)
            header = progress.day_header(
                entry, self.settings.total_days, previous, following, url_of, notebook_url
            )
            markdown = header + progress.below_day_heading(markdown)
        if uri == "index.md":
            board = progress.dashboard(self.entries, self.settings.total_days, url_of)
            if progress.DASHBOARD_MARKER in markdown:
                markdown = markdown.replace(progress.DASHBOARD_MARKER, board, 1)
            else:
                markdown = board + "\n\n" + markdown
        return markdown

    def render_html(self, html: str, page: Page) -> str:
        """Turn the page's TeX into MathML."""
        return render_math(html, self.settings.display_path(page.file.src_uri))

    def write_report(self, config: MkDocsConfig) -> str:
        """Write `journal-build.json` into the site and return the summary line."""
        if self.settings.execute:
            records = report.build_records(self.runs.values(), self.figure_uris)
        else:
            records = [
                {
                    "page": s.path,
                    "index": sn.index,
                    "line": sn.cell if sn.cell is not None else sn.line,
                    "status": "skipped",
                    "seconds": 0.0,
                    "figures": [],
                }
                for s in self.sources.values()
                for sn in (s.snippets or parse_snippets(s.body, s.path, first_line=s.first_line))
            ]
        document = report.build_report(
            records,
            days=len(self.entries),
            total_days=self.settings.total_days,
            executed=self.settings.execute,
            profile=self.settings.profile,
        )
        target = Path(config.site_dir) / REPORT_NAME
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(report.dumps(document), encoding="utf-8")
        feed = atom_feed(
            sorted(self.feed_items, key=lambda i: i.entry.day),
            title=self.site_name,
            site_url=self.site_url,
            docs_dir=self.settings.docs_dir,
            root=self.settings.root,
        )
        (Path(config.site_dir) / FEED_NAME).write_text(feed, encoding="utf-8")
        return report.summary(document)
