"""The real journal: it builds from scratch, and a real browser checks what a reader sees."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser import browser, serve
from tests.conftest import REPO

ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's journal built cold (own cache) by `journal build`."""
    base = tmp_path_factory.mktemp("real")
    site = base / "site"
    env = {**os.environ, "JOURNAL_CACHE_DIR": str(base / "cache"), "JOURNAL_PROFILE": "quick"}
    done = subprocess.run(
        [sys.executable, "-m", "site_src.cli", "-f", str(REPO / "mkdocs.yml"), "build", "-d", str(site)],
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )
    assert done.returncode == 0, done.stderr
    return site


def test_real_journal_builds_with_every_snippet_run(real_site: Path) -> None:
    report = json.loads((real_site / "journal-build.json").read_text())
    days = sorted((REPO / "journal" / "days").glob("day-*.md"))
    assert report["totals"]["days"] == len(days)
    assert report["totals"]["failed"] == 0
    assert report["totals"]["ran"] == report["totals"]["snippets"] > 0
    for record in report["snippets"]:
        for figure in record["figures"]:
            assert (real_site / figure).is_file()


def test_the_build_process_never_imports_the_lab(tmp_path: Path) -> None:
    code = (
        "import sys, mkdocs.config, mkdocs.commands.build as b;"
        f"b.build(mkdocs.config.load_config({str(REPO / 'mkdocs.yml')!r}, site_dir={str(tmp_path / 's')!r}));"
        "print(sorted(m for m in ('dplab', 'torch', 'matplotlib', 'numpy') if m in sys.modules))"
    )
    env = {**os.environ, "JOURNAL_CACHE_DIR": str(tmp_path / "c"), "JOURNAL_EXEC": "off"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def _open(page: object, url: str) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)  # type: ignore[attr-defined]
    page.on("pageerror", lambda e: errors.append(str(e)))  # type: ignore[attr-defined]
    page.goto(url, wait_until="networkidle")  # type: ignore[attr-defined]
    return errors


@pytest.mark.browser
def test_home_and_day_pages_in_a_real_browser(real_site: Path) -> None:
    written = len(list((REPO / "journal" / "days").glob("day-*.md")))
    ARTIFACTS.mkdir(exist_ok=True)
    with serve(real_site) as base, browser() as chromium:
        page = chromium.new_page(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
        errors = _open(page, base)
        bar = page.locator(".journal-dashboard .journal-progress")
        assert bar.get_attribute("aria-valuenow") == str(written)
        assert page.locator(".journal-cell--written").count() == written
        assert page.locator(".journal-cell--empty").count() == 60 - written
        page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)

        errors += _open(page, base + "days/day-02/")
        images = page.locator("article img")
        assert images.count() >= 1
        widths = images.evaluate_all("imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
        assert all(w > 0 for w in widths), widths
        maths = page.locator("article math")
        assert maths.count() >= 1
        box = maths.first.bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0
        assert "\\(" not in page.locator("article").inner_text()

        scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        page.locator("form[data-md-component=palette] label:visible").first.click()
        page.wait_for_timeout(200)
        toggled = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        assert {scheme, toggled} == {"default", "slate"}
        page.screenshot(path=str(ARTIFACTS / "day-02-dark.png"), full_page=True)
        assert errors == []
