"""Day notebooks run through the same engine and cache as exec fences.

A notebook is a page whose code cells are its snippets: same seeding, per-cell timeout,
error reporting (by notebook and cell), dependency tracking and build records. After the
run, the outputs are written into a copy of the notebook in the cache, and mkdocs-jupyter
renders that copy without executing anything itself.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path, PurePosixPath

from site_src.cache import CachedResult, atomic_write
from site_src.engine import PageRun, PageSource
from site_src.errors import JournalError
from site_src.snippets import Snippet

NOTEBOOK_SUFFIX = ".ipynb"


def is_notebook(src_uri: str) -> bool:
    """Whether a docs path is a Jupyter notebook."""
    return src_uri.endswith(NOTEBOOK_SUFFIX)


def read_notebook(path: Path, shown: str) -> dict:
    """The notebook's JSON (nbformat 4), checked enough to run its code cells."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise JournalError(f"{shown}: not a readable notebook ({exc})") from None
    if (
        not isinstance(notebook, dict)
        or notebook.get("nbformat") != 4
        or not isinstance(notebook.get("cells"), list)
    ):
        raise JournalError(f"{shown}: not an nbformat 4 notebook")
    return notebook


def _text(source: object) -> str:
    return "".join(source) if isinstance(source, list) else str(source or "")


def notebook_page(src_uri: str, shown: str, notebook: dict, timeout: float) -> PageSource:
    """The notebook as a page whose snippets are its code cells (figures as PNG)."""
    snippets = []
    for number, cell in enumerate(notebook["cells"], start=1):
        if cell.get("cell_type") != "code":
            continue
        snippets.append(
            Snippet(
                index=len(snippets),
                line=0,
                source=_text(cell.get("source")),
                source_mode="above",
                timeout=timeout,
                fmt="png",
                indent="",
                start=0,
                end=0,
                cell=number,
            )
        )
    return PageSource(src_uri, shown, "", 1, tuple(snippets))


def _outputs(result: CachedResult | None) -> list[dict]:
    if result is None:
        return []
    outputs: list[dict] = []
    if result.stdout:
        outputs.append({"output_type": "stream", "name": "stdout", "text": result.stdout.splitlines(True)})
    for figure in result.figures:
        data = base64.b64encode(figure.path.read_bytes()).decode("ascii")
        outputs.append(
            {
                "output_type": "display_data",
                "metadata": {},
                "data": {"image/png": data, "text/plain": [figure.alt]},
            }
        )
    return outputs


def executed_notebook(notebook: dict, run: PageRun | None, cache_dir: Path, name: str) -> Path:
    """Write the notebook with the run's outputs into the cache; return its path. The file
    keeps its own name, so the site's download link offers ``day-02.ipynb``."""
    executed = json.loads(json.dumps(notebook))
    by_cell = {s.cell: run.results[s.index] for s in run.snippets} if run else {}
    count = 0
    for number, cell in enumerate(executed["cells"], start=1):
        cell.setdefault("id", f"cell-{number}")  # nbformat 4.5 wants one
        if cell.get("cell_type") != "code":
            continue
        count += 1
        cell["outputs"] = _outputs(by_cell.get(number))
        cell["execution_count"] = count if run else None
    data = json.dumps(executed, indent=1, sort_keys=True, ensure_ascii=False).encode() + b"\n"
    target = cache_dir / "notebooks" / hashlib.sha256(data).hexdigest()[:16] / PurePosixPath(name).name
    if not target.is_file():
        atomic_write(target, data)
    return target
