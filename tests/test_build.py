"""Real MkDocs builds of a fixture journal: pages, figures, report and the cache."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import Journal, write


def test_build_writes_every_page_every_figure_and_the_report(journal: Journal) -> None:
    report = journal.build()
    for page in ("index.html", "days/day-01/index.html", "days/day-02/index.html", "days/day-03/index.html"):
        assert (journal.site / page).is_file(), page
    html = (journal.site / "days/day-01/index.html").read_text()
    images = re.findall(r'<img[^>]+src="([^"]+)"', html)
    assert len(images) == 1
    assert (journal.site / "days/day-01" / images[0]).resolve().is_file()
    assert 'alt="Twenty normal draws"' in html
    assert "Day 1 · 1.7 % of 60" in html
    assert "<code>42\n</code>" in html and "<code>84\n</code>" in html
    assert report["totals"]["snippets"] == 5
    assert report["totals"]["ran"] == 5
    assert report["totals"]["figures"] == 1
    records = {(r["page"], r["index"]): r for r in report["snippets"]}
    assert records[("journal/days/day-01.md", 1)]["line"] == 12
    assert records[("journal/days/day-01.md", 2)]["figures"][0].endswith(".svg")


def test_second_build_runs_nothing(journal: Journal) -> None:
    journal.build()
    report = journal.build()
    assert report["totals"]["ran"] == 0
    assert report["totals"]["cached"] == 5
    assert (journal.site / report["snippets"][2]["figures"][0]).is_file()


def test_editing_an_entry_reruns_that_page_from_the_changed_snippet(journal: Journal) -> None:
    journal.build()
    path = journal.docs / "days" / "day-01.md"
    path.write_text(path.read_text().replace("x = value() + 1", "x = value() + 2"))
    report = journal.build()
    assert journal.statuses(report, "days/day-01.md") == ["cached", "ran", "ran"]
    assert journal.statuses(report, "days/day-02.md") == ["cached"]
    assert journal.statuses(report, "days/day-03.md") == ["cached"]
    assert "<code>86\n</code>" in (journal.site / "days/day-01/index.html").read_text()


def test_editing_a_lab_module_reruns_exactly_its_importers(journal: Journal) -> None:
    journal.build()
    write(journal.root / "fixturelab" / "beta.py", "def value():\n    return 8\n")
    report = journal.build()
    assert journal.statuses(report, "days/day-01.md") == ["cached"] * 3
    assert journal.statuses(report, "days/day-02.md") == ["ran"]
    assert journal.statuses(report, "days/day-03.md") == ["cached"]
    write(journal.root / "fixturelab" / "alpha.py", "def value():\n    return 1\n")
    report = journal.build()
    # The first snippet imports nothing from the lab, so it stays cached.
    assert journal.statuses(report, "days/day-01.md") == ["cached", "ran", "ran"]
    assert journal.statuses(report, "days/day-02.md") == ["cached"]


def test_editing_an_unimported_module_reruns_nothing(journal: Journal) -> None:
    journal.build()
    write(journal.root / "fixturelab" / "unused.py", "def value():\n    return 99\n")
    assert journal.build()["totals"]["ran"] == 0


def test_exec_off_runs_nothing_and_shows_plain_code(journal: Journal) -> None:
    report = journal.build(JOURNAL_EXEC="off")
    assert report["execute"] is False
    assert {r["status"] for r in report["snippets"]} == {"skipped"}
    assert not (journal.root / ".journal-cache").exists()
    html = (journal.site / "days/day-01/index.html").read_text()
    assert "<img" not in html
    assert "value" in html


def test_profile_is_part_of_the_key_and_visible_to_snippets(journal: Journal) -> None:
    write(
        journal.docs / "days" / "day-04.md",
        """
        ---
        day: 4
        title: Profile
        ---

        ```python exec="on"
        import os
        print("profile=" + os.environ["JOURNAL_PROFILE"])
        ```
        """,
    )
    journal.build()
    report = journal.build(JOURNAL_PROFILE="full")
    assert report["totals"]["ran"] == 6
    assert "profile=full" in (journal.site / "days/day-04/index.html").read_text()


def test_math_is_rendered_to_mathml(journal: Journal) -> None:
    journal.build(JOURNAL_EXEC="off")
    html = (journal.site / "index.html").read_text()
    assert "<math" in html and "\\(" not in html


def test_dashboard_counts_written_days_and_links_them(journal: Journal) -> None:
    journal.build(JOURNAL_EXEC="off")
    html = (journal.site / "index.html").read_text()
    assert 'aria-valuenow="3"' in html
    assert "<strong>3</strong> of 60 days written" in html
    assert html.count("journal-cell--written") == 3
    assert html.count("journal-cell--empty") == 57
    assert 'href="days/day-02/"' in html


def test_day_navigation_skips_gaps(journal: Journal, tmp_path: Path) -> None:
    (journal.docs / "days" / "day-02.md").unlink()
    journal.build(JOURNAL_EXEC="off")
    html = (journal.site / "days/day-01/index.html").read_text()
    assert 'href="../day-03/" rel="next"' in html
    assert "Day 3 →" in html


def test_seeding_does_not_depend_on_what_was_preloaded(journal: Journal) -> None:
    import subprocess
    import sys

    write(
        journal.docs / "days" / "day-04.md",
        """
        ---
        day: 4
        title: Seeds
        ---

        ```python exec="on"
        import numpy as np
        import torch
        print(np.random.rand(), torch.rand(1).item())
        ```
        """,
    )
    config = journal.root / "mkdocs.yml"
    outputs = []
    for preload in ("[numpy, torch]", "[]"):
        text = config.read_text()
        config.write_text(text.replace(text.split("preload: ")[1].split("\n")[0], preload))
        site = journal.root / f"site-{len(outputs)}"
        done = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)],
            capture_output=True,
            text=True,
            timeout=300,
            env={**__import__("os").environ, "JOURNAL_CACHE_DIR": str(journal.root / f"c{len(outputs)}")},
        )
        assert done.returncode == 0, done.stderr
        html = (site / "days/day-04/index.html").read_text()
        outputs.append(html.split("Output</span><pre><span></span><code>")[1].split("</code>")[0])
    assert outputs[0] == outputs[1]
    assert "0." in outputs[0]


def test_pages_in_other_folders_stay_in_the_navigation(journal: Journal) -> None:
    write(journal.docs / "guides" / "setup.md", "# Setting up\n\nSteps.\n")
    journal.build(JOURNAL_EXEC="off")
    home = (journal.site / "index.html").read_text()
    assert "guides/setup/" in home and "Guides" in home


def test_html_output_is_inserted_as_html(journal: Journal) -> None:
    path = journal.docs / "days" / "day-03.md"
    path.write_text(
        path.read_text()
        + '\n```python exec="on" html="1" title="A table" source="tabbed-right"\n'
        + 'print("<table>\\n<tr><td>cell</td></tr>\\n\\n</table>")\n```\n'
    )
    journal.build()
    html = (journal.site / "days/day-03/index.html").read_text()
    assert '<div class="journal-html">\n<table>\n<tr><td>cell</td></tr>' in html
    assert html.count('class="tabbed-set') == 1 and html.index(">Result<") < html.index(">Source<")
    assert "&lt;table&gt;" not in html.split('<span class="filename">A table</span>')[1].split("</code>")[1]
