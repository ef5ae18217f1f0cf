"""The `journal` command's helpers: new, check, clean (build is covered in test_faults)."""

from __future__ import annotations

import pytest

from site_src import cli
from site_src.errors import JournalError
from tests.conftest import Journal


def test_new_scaffolds_the_next_day_and_refuses_to_overwrite(journal: Journal) -> None:
    config = str(journal.root / "mkdocs.yml")
    path = cli.new(config, "Gaussian noise", None)
    assert path.name == "day-04.md"
    text = path.read_text()
    assert "day: 4\ntitle: Gaussian noise\n" in text
    assert journal.build(JOURNAL_EXEC="off")["totals"]["days"] == 4  # the scaffold is a valid entry
    with pytest.raises(JournalError, match="already exists"):
        cli.new(config, None, 4)
    with pytest.raises(JournalError, match=r"outside 1\.\.60"):
        cli.new(config, None, 61)


def test_check_runs_everything_without_a_site_and_clean_drops_the_cache(journal: Journal) -> None:
    config = str(journal.root / "mkdocs.yml")
    assert cli.check(config) == "journal: 3 days valid · 5 snippets · 5 ran · 0 cached"
    assert not journal.site.exists()
    assert cli.check(config).endswith("0 ran · 5 cached")
    removed = cli.clean(config)
    assert not removed.exists()
    assert cli.check(config).endswith("5 ran · 0 cached")


def test_main_reports_errors_without_a_traceback(
    journal: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    (journal.docs / "days" / "day-09.md").write_text("---\nday: 8\ntitle: Wrong\n---\n")
    assert cli.main(["-f", str(journal.root / "mkdocs.yml"), "check"]) == 1
    err = capsys.readouterr().err
    assert "journal check failed" in err and "day-09.md" in err and "Traceback" not in err
