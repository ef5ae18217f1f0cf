"""Fixture journals built by real MkDocs builds in temporary folders."""

from __future__ import annotations

import json
import logging
import os
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def day(number: int, title: str, body: str, extra: str = "") -> str:
    """A day entry's text: front matter, then ``body``."""
    return f"---\nday: {number}\ntitle: {title}\n{extra}---\n\n" + textwrap.dedent(body).lstrip("\n")


class BuildFailed(Exception):
    """A build aborted; the message is what MkDocs logged as the error."""


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class Journal:
    """A small journal on disk with its own lab package (``fixturelab``) and cache."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.docs = root / "journal"
        self.site = root / "site"

    def build(self, **env: str) -> dict:
        """Build in this process, as ``mkdocs build`` does; return journal-build.json."""
        from mkdocs.commands.build import build
        from mkdocs.config import load_config
        from mkdocs.exceptions import Abort, PluginError

        old = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        errors = _Errors()
        logging.getLogger("mkdocs").addHandler(errors)
        try:
            build(load_config(str(self.root / "mkdocs.yml"), site_dir=str(self.site)))
        except (Abort, PluginError) as exc:
            raise BuildFailed("\n".join([*errors.messages, str(exc)])) from None
        finally:
            logging.getLogger("mkdocs").removeHandler(errors)
            for key, value in old.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        return json.loads((self.site / "journal-build.json").read_text())

    def statuses(self, report: dict, page: str) -> list[str]:
        return [r["status"] for r in report["snippets"] if r["page"] == f"journal/{page}"]


MKDOCS_YML = """
site_name: Fixture journal
docs_dir: journal
theme:
  name: material
  custom_dir: {repo}/site_src/theme
  font: false
hooks:
  - {repo}/site_src/hooks.py
extra_css:
  - assets/journal.css
markdown_extensions:
  - attr_list
  - admonition
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.arithmatex:
      generic: true
extra:
  journal:
    days: 60
    track: [fixturelab]
    preload: [numpy, matplotlib.pyplot]
    key_packages: [numpy, matplotlib]
"""


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    """Three days: day 1 imports fixturelab.alpha (three snippets, one plot), day 2
    imports fixturelab.beta, day 3 uses numpy only; fixturelab.unused is imported by none."""
    root = tmp_path / "j"
    write(root / "mkdocs.yml", MKDOCS_YML.format(repo=REPO))
    write(root / "fixturelab" / "__init__.py", '"""A lab for tests."""\n')
    write(root / "fixturelab" / "alpha.py", "def value():\n    return 41\n")
    write(root / "fixturelab" / "beta.py", "def value():\n    return 7\n")
    write(root / "fixturelab" / "unused.py", "def value():\n    return 0\n")
    write(
        root / "journal" / "index.md",
        """
        # Fixture

        The bound $\\varepsilon = \\ln 3$ holds.

        <!-- journal:dashboard -->
        """,
    )
    write(
        root / "journal" / "days" / "day-01.md",
        day(
            1,
            "Alpha",
            """
            Intro.

            ```python exec="on"
            print("first")
            ```

            ```python exec="on" source="below"
            from fixturelab.alpha import value
            x = value() + 1
            print(x)
            ```

            ```python exec="on" source="tabbed"
            import matplotlib.pyplot as plt
            import numpy as np
            fig, ax = plt.subplots()
            ax.plot(np.random.normal(size=20))
            ax.set_title("Twenty normal draws")
            print(x * 2)
            ```
            """,
        ),
    )
    write(
        root / "journal" / "days" / "day-02.md",
        day(
            2,
            "Beta",
            """
            ```python exec="on"
            from fixturelab.beta import value
            print(value())
            ```
            """,
        ),
    )
    write(
        root / "journal" / "days" / "day-03.md",
        day(
            3,
            "Gamma",
            """
            ```python exec="on" source="hidden"
            import numpy as np
            print(np.arange(3).sum())
            ```
            """,
        ),
    )
    return Journal(root)
