"""Day notebooks: executed by the engine (cached, tracked, failing loudly), rendered by
mkdocs-jupyter without running them again, and offered for download."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import BuildFailed, Journal, write


def notebook(*cells: tuple[str, str]) -> str:
    made = []
    for kind, text in cells:
        cell = {"cell_type": kind, "metadata": {}, "source": text.splitlines(True)}
        if kind == "code":
            cell.update(outputs=[], execution_count=None)
        made.append(cell)
    return json.dumps({"cells": made, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


@pytest.fixture
def with_notebooks(journal: Journal) -> Journal:
    config = journal.root / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "hooks:",
            "plugins:\n  - mkdocs-jupyter:\n      execute: false\n      allow_errors: false\n"
            "      include: ['*.ipynb']\n      include_source: true\nhooks:",
        )
    )
    write(
        journal.docs / "notebooks" / "alpha.ipynb",
        notebook(
            ("markdown", "# Alpha notebook"),
            ("code", "from fixturelab.alpha import value\nprint('alpha says', value())"),
            ("code", "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.title('A line')"),
        ),
    )
    write(
        journal.docs / "notebooks" / "beta.ipynb",
        notebook(
            ("code", "from fixturelab.beta import value\nprint('beta says', value())"),
        ),
    )
    day = journal.docs / "days" / "day-02.md"
    day.write_text(
        day.read_text().replace("title: Beta\n", "title: Beta\nnotebook: ../notebooks/beta.ipynb\n")
    )
    return journal


def notebook_statuses(report: dict, name: str) -> list[str]:
    return [r["status"] for r in report["snippets"] if r["page"] == f"journal/notebooks/{name}.ipynb"]


def test_notebooks_run_once_and_render_with_their_outputs(with_notebooks: Journal) -> None:
    journal = with_notebooks
    report = journal.build()
    assert notebook_statuses(report, "alpha") == ["ran", "ran"]
    html = (journal.site / "notebooks/alpha/index.html").read_text()
    assert "alpha says 41" in html
    assert re.search(r'<img[^>]+src="data:image/png;base64,', html)
    downloaded = json.loads((journal.site / "notebooks/alpha/alpha.ipynb").read_text())
    outputs = [o for cell in downloaded["cells"] for o in cell.get("outputs", [])]
    assert outputs[0]["text"] == ["alpha says 41\n"] and "image/png" in outputs[1]["data"]
    assert 'href="alpha.ipynb"' in html and "download" in html  # the download button
    day = (journal.site / "days/day-02/index.html").read_text()
    assert 'href="../../notebooks/beta/"' in day and "Notebook for this day" in day

    warm = journal.build()
    assert notebook_statuses(warm, "alpha") == ["cached", "cached"]
    assert warm["totals"]["ran"] == 0


def test_a_lab_edit_reruns_only_the_notebooks_that_import_it(with_notebooks: Journal) -> None:
    journal = with_notebooks
    journal.build()
    write(journal.root / "fixturelab" / "beta.py", "def value():\n    return 70\n")
    report = journal.build()
    assert notebook_statuses(report, "alpha") == ["cached", "cached"]
    assert notebook_statuses(report, "beta") == ["ran"]
    assert "beta says 70" in (journal.site / "notebooks/beta/index.html").read_text()


def test_a_failing_cell_names_the_notebook_and_the_cell(with_notebooks: Journal) -> None:
    journal = with_notebooks
    write(
        journal.docs / "notebooks" / "broken.ipynb",
        notebook(
            ("markdown", "# Broken"),
            ("code", "x = 1"),
            ("code", "y = x / 0"),
        ),
    )
    with pytest.raises(BuildFailed) as raised:
        journal.build()
    message = str(raised.value)
    assert "journal/notebooks/broken.ipynb: cell 3 failed: ZeroDivisionError" in message
    assert "y = x / 0" in message


def test_committed_notebooks_carry_no_outputs() -> None:
    folder = Path(__file__).resolve().parents[1] / "journal" / "notebooks"
    books = sorted(folder.glob("*.ipynb"))
    assert len(books) >= 7
    for book in books:
        for cell in json.loads(book.read_text())["cells"]:
            assert not cell.get("outputs"), book.name
