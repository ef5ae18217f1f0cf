"""MkDocs hook events, and nothing else: each delegates to `site_src.site.JournalSite`.

Enabled in mkdocs.yml with ``hooks: [site_src/hooks.py]``.
"""

from __future__ import annotations

import logging

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from site_src.errors import JournalError
from site_src.site import JournalSite

log = logging.getLogger("mkdocs.plugins.journal")
# Cache repairs are warnings for the author, not build failures: they go to a logger of
# their own, outside MkDocs's, so `--strict` does not count them.
_warnings = logging.getLogger("journal")
if not _warnings.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("WARNING -  %(message)s"))
    _warnings.addHandler(_handler)
    _warnings.propagate = False
_site: JournalSite | None = None


def _fail(exc: JournalError) -> PluginError:
    return PluginError("journal:\n" + "\n".join(exc.problems))


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _site
    try:
        _site = JournalSite(config)
    except JournalError as exc:
        raise _fail(exc) from None
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    try:
        return _site.execute_pages(files, config)  # type: ignore[union-attr]
    except JournalError as exc:
        raise _fail(exc) from None


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    try:
        return _site.render_markdown(markdown, page, files)  # type: ignore[union-attr]
    except JournalError as exc:
        raise _fail(exc) from None


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    try:
        return _site.render_html(html, page)  # type: ignore[union-attr]
    except JournalError as exc:
        raise _fail(exc) from None


def on_post_build(config: MkDocsConfig) -> None:
    log.info(_site.write_report(config))  # type: ignore[union-attr]
