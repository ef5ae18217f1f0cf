"""The messages between the build process and its snippet workers (plain, picklable)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SnippetSpec:
    """What a worker needs to run one snippet."""

    source: str
    line: int  # file line of the opening fence; the code starts on the next line
    fmt: str  # figure format: svg or png
    filename: str  # what tracebacks call it: the Markdown file, or "notebook [cell N]"


@dataclass(frozen=True)
class PageJob:
    """Run a page's snippets in order in one namespace.

    Snippets before ``first_stale`` are replayed only to rebuild the namespace: their
    outputs are already cached, so the worker does not send them back.
    """

    page: str  # docs path, e.g. days/day-09.md (part of the seed)
    path: str  # display path used in tracebacks, e.g. journal/days/day-09.md
    snippets: tuple[SnippetSpec, ...]
    first_stale: int
    root: str
    profile: str
    tracked: tuple[str, ...]
    threads: int


@dataclass(frozen=True)
class FigureOutput:
    """One figure a snippet left open, rendered to bytes."""

    ext: str
    data: bytes
    alt: str


@dataclass
class SnippetOutput:
    """What one snippet produced, and which tracked modules its page had imported by then
    (``{module: (path relative to root, sha256 of its source)}``)."""

    index: int
    stdout: str
    seconds: float
    figures: list[FigureOutput] = field(default_factory=list)
    modules: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class SnippetFailure:
    """A snippet that raised: the exception and the traceback frames from the snippet on."""

    index: int
    kind: str
    message: str
    traceback: str
