"""`journal serve` previews the journal and rebuilds once per change, without a loop
(figures come from the cache through File.generated, never written into journal/)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from tests.conftest import Journal


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode()
    except OSError:
        return None


def _wait_for(predicate, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_serve_previews_and_rebuilds_once_per_change(journal: Journal, tmp_path) -> None:
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "site_src.cli",
                "-f",
                str(journal.root / "mkdocs.yml"),
                "serve",
                "-a",
                f"127.0.0.1:{port}",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "JOURNAL_JOBS": "1"},
            start_new_session=True,
        )
    try:
        page = f"http://127.0.0.1:{port}/days/day-01/"
        assert _wait_for(lambda: "<code>42\n</code>" in (_fetch(page) or "")), log.read_text()
        day = journal.docs / "days" / "day-01.md"
        day.write_text(day.read_text().replace("x = value() + 1", "x = value() + 5"))
        assert _wait_for(lambda: "<code>46\n</code>" in (_fetch(page) or "")), log.read_text()
        time.sleep(3)  # a rebuild loop would show up as more detected changes meanwhile
        assert log.read_text().count("Detected file changes") == 1, log.read_text()
        assert not list(journal.docs.rglob("*.svg"))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
