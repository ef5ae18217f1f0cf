"""One build's execution: plan every page's snippet chain, take what the cache holds,
run the stale pages in the worker pool, and hand back per-snippet results.

Callable without MkDocs: the hooks, the ``journal check`` command and the tests all use it.
"""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import PurePosixPath

from site_src.cache import Cache, CachedResult, SourceHashes, snippet_keys
from site_src.errors import JournalError, located
from site_src.jobs import PageJob, SnippetOutput, SnippetSpec
from site_src.runner import PageFailure, run_pages
from site_src.settings import Settings
from site_src.snippets import Snippet, parse_snippets

FIGURES_DIR = "assets/figures"


@dataclass(frozen=True)
class PageSource:
    """A docs page to execute: its docs path, display path, and Markdown body (or, for a
    notebook, its code cells already as snippets)."""

    src_uri: str
    path: str
    body: str
    first_line: int = 1
    snippets: tuple[Snippet, ...] | None = None


@dataclass
class PageRun:
    """A page's snippets with, per snippet, its result (None where it did not complete)
    and its status: ``ran``, ``cached`` or ``failed``."""

    page: PageSource
    snippets: list[Snippet]
    results: list[CachedResult | None]
    statuses: list[str]
    seconds: list[float] = field(default_factory=list)

    def figure_uri(self, index: int, number: int) -> str:
        """Where figure ``number`` (0-based) of snippet ``index`` lives in the site."""
        figure = self.results[index].figures[number]  # type: ignore[union-attr]
        stem = PurePosixPath(self.page.src_uri).with_suffix("")
        return f"{FIGURES_DIR}/{stem}/{index + 1}-{number + 1}-{figure.sha256[:10]}.{figure.ext}"


def environment(settings: Settings) -> dict[str, object]:
    """What besides the sources decides a snippet's output, for the cache key."""
    versions = {}
    for name in settings.key_packages:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "python": [platform.python_implementation(), *sys.version_info[:3]],
        "packages": versions,
        "profile": settings.profile,
        "threads": settings.threads,
    }


def preload_for(jobs: list[PageJob], candidates: tuple[str, ...], cache: Cache) -> tuple[str, ...]:
    """The heavy modules worth importing once before forking: those of ``candidates``
    that a stale page imported when it last ran (all of them for a page never run), so
    re-running one numpy page does not pay for importing torch."""
    needed: set[str] = set()
    for job in jobs:
        imports = cache.page_imports(job.page)
        if imports is None:
            return candidates
        needed.update(imports)
    return tuple(m for m in candidates if m.partition(".")[0] in needed)


def describe_failure(run: PageRun, failure: PageFailure) -> str:
    """``path:line: snippet N failed: Kind: message`` (``path: cell N failed`` for a
    notebook) and the snippet's traceback lines."""
    snippet = run.snippets[failure.index]
    what = f"{failure.kind}: {failure.message}"
    if snippet.cell is not None:
        head = f"{run.page.path}: cell {snippet.cell} failed: {what}"
    else:
        head = located(run.page.path, snippet.line, f"snippet {failure.index + 1} failed: {what}")
    return head + ("\n" + failure.traceback.rstrip() if failure.traceback else "")


def _traceback_name(path: str, snippet: Snippet) -> str:
    return path if snippet.cell is None else f"{path} [cell {snippet.cell}]"


def plan_snippets(pages: list[PageSource], settings: Settings) -> dict[str, list[Snippet]]:
    """Parse every page's exec fences, reporting all malformed ones together."""
    problems: list[str] = []
    planned: dict[str, list[Snippet]] = {}
    for page in pages:
        if page.snippets is not None:
            planned[page.src_uri] = list(page.snippets)
            continue
        try:
            planned[page.src_uri] = parse_snippets(
                page.body,
                page.path,
                first_line=page.first_line,
                default_timeout=settings.default_timeout,
            )
        except JournalError as exc:
            problems.extend(exc.problems)
    if problems:
        raise JournalError(problems)
    return planned


def execute(pages: list[PageSource], settings: Settings) -> dict[str, PageRun]:
    """Run what is stale and return every page's results. Raises JournalError naming
    each failed snippet after caching everything that did finish."""
    planned = plan_snippets(pages, settings)
    cache = Cache(settings.cache_dir, SourceHashes(settings.root))
    env = environment(settings)
    runs: dict[str, PageRun] = {}
    keys: dict[str, list[str]] = {}
    jobs: list[PageJob] = []
    for page in pages:
        snippets = planned[page.src_uri]
        if not snippets:
            continue
        keys[page.src_uri] = snippet_keys(env, page.src_uri, ((s.source, s.fmt) for s in snippets))
        results = [cache.get(key) for key in keys[page.src_uri]]
        first_stale = next((i for i, r in enumerate(results) if r is None), len(results))
        # A snippet depends on the namespace its predecessors built: from the first
        # stale snippet on, everything runs again.
        results[first_stale:] = [None] * (len(results) - first_stale)
        statuses = ["cached"] * first_stale + ["failed"] * (len(results) - first_stale)
        runs[page.src_uri] = PageRun(page, snippets, results, statuses, [0.0] * len(snippets))
        if first_stale < len(snippets):
            jobs.append(
                PageJob(
                    page=page.src_uri,
                    path=page.path,
                    snippets=tuple(
                        SnippetSpec(s.source, s.line, s.fmt, _traceback_name(page.path, s)) for s in snippets
                    ),
                    first_stale=first_stale,
                    root=str(settings.root),
                    profile=settings.profile,
                    tracked=settings.tracked_packages,
                    threads=settings.threads,
                )
            )
    if not jobs:
        return runs

    def store(job: PageJob, output: SnippetOutput) -> None:
        run = runs[job.page]
        run.results[output.index] = cache.put(keys[job.page][output.index], output)
        run.statuses[output.index] = "ran"
        run.seconds[output.index] = output.seconds

    failures = run_pages(
        jobs,
        workers=min(settings.jobs, len(jobs)),
        preload=preload_for(jobs, settings.preload, cache),
        timeouts=lambda job, index: runs[job.page].snippets[index].timeout,
        on_output=store,
        on_imports=lambda job, imports: cache.record_page_imports(job.page, imports),
    )
    if failures:
        raise JournalError([describe_failure(runs[f.job.page], f) for f in failures])
    return runs
