"""A pool of snippet worker processes that cannot hang or crash the build.

Each stale page runs in its own process, forked from a forkserver that has preloaded the
heavy libraries once (numpy, matplotlib, torch), so a worker starts in milliseconds and
the MkDocs process never imports them. A per-snippet deadline kills a hung worker; a
worker that dies (``os._exit``, a segfault) is reported with its exit status.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection

from site_src.jobs import PageJob, SnippetFailure, SnippetOutput


@dataclass(frozen=True)
class PageFailure:
    """Why a page's run stopped: a snippet's exception, a timeout or a dead worker."""

    job: PageJob
    index: int
    kind: str
    message: str
    traceback: str = ""


@dataclass
class _Running:
    process: multiprocessing.process.BaseProcess
    job: PageJob
    index: int = -1
    deadline: float | None = None
    finished: bool = False


def _exit_reason(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by signal {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit code {exitcode}"


def run_pages(
    jobs: Iterable[PageJob],
    *,
    workers: int,
    preload: tuple[str, ...],
    timeouts: Callable[[PageJob, int], float],
    on_output: Callable[[PageJob, SnippetOutput], None],
    on_imports: Callable[[PageJob, list[str]], None],
) -> list[PageFailure]:
    """Run ``jobs`` at most ``workers`` at a time; call ``on_output`` for each finished
    stale snippet as it arrives (so finished work is cached even if a later one fails),
    ``on_imports`` with the packages a page imported, and return the failures, one at
    most per page."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["site_src.worker", *preload])
    from site_src import worker  # the target must be importable by name in the child

    pending = deque(jobs)
    running: dict[Connection, _Running] = {}
    failures: list[PageFailure] = []

    def stop(conn: Connection, failure: PageFailure | None) -> None:
        state = running.pop(conn)
        if state.process.is_alive():
            state.process.kill()
        state.process.join()
        conn.close()
        if failure is not None:
            failures.append(failure)

    try:
        while pending or running:
            while pending and len(running) < workers:
                job = pending.popleft()
                receive, send = context.Pipe(duplex=False)
                process = context.Process(target=worker.run_page, args=(send, job), daemon=True)
                process.start()
                send.close()
                running[receive] = _Running(process, job)
            deadlines = [s.deadline for s in running.values() if s.deadline is not None]
            wait = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            for conn in multiprocessing.connection.wait(list(running), wait):
                state = running[conn]
                try:
                    message = conn.recv()
                except (EOFError, OSError):
                    crash = None
                    if not state.finished:
                        state.process.join()
                        where = max(state.index, 0)
                        crash = PageFailure(
                            state.job,
                            where,
                            "WorkerCrashed",
                            f"the worker process died ({_exit_reason(state.process.exitcode)})",
                        )
                    stop(conn, crash)
                    continue
                kind = message[0]
                if kind == "start":
                    state.index = message[1]
                    state.deadline = time.monotonic() + timeouts(state.job, state.index)
                elif kind == "done":
                    state.deadline = None
                    on_output(state.job, message[1])
                elif kind == "failed":
                    error: SnippetFailure = message[1]
                    state.finished = True
                    failures.append(
                        PageFailure(state.job, error.index, error.kind, error.message, error.traceback)
                    )
                elif kind == "end":
                    state.finished = True
                    on_imports(state.job, message[1])
            now = time.monotonic()
            for conn, state in list(running.items()):
                if state.deadline is not None and now >= state.deadline:
                    limit = timeouts(state.job, state.index)
                    stop(
                        conn,
                        PageFailure(
                            state.job,
                            state.index,
                            "TimeoutError",
                            f"snippet did not finish within {limit:g} s",
                        ),
                    )
    finally:
        for conn in list(running):
            stop(conn, None)
    return failures
