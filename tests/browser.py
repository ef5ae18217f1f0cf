"""Serving a built site on loopback and driving Debian's Chromium through Playwright."""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("no Chromium installed (apt-get install chromium; .ci/run installs it)")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _UnderPrefix(_Quiet):
    """Serves the site only below a prefix, as GitHub Pages serves /<repo>/."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_the_sub_path__")
        return super().translate_path("/" + path[len(self.prefix) :])


@contextlib.contextmanager
def serve(site: Path, prefix: str = "/") -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 under ``prefix`` and yield its base URL."""
    handler_class = type("Handler", (_UnderPrefix,), {"prefix": prefix})
    handler = functools.partial(handler_class, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def browser() -> Iterator[object]:
    """A headless Chromium (Playwright's Browser)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
