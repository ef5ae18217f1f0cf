"""The one error type the engine raises for problems a journal author must fix."""

from __future__ import annotations


class JournalError(Exception):
    """A problem in the journal's sources, stated as ``path:line: message`` lines.

    Holding several problems at once lets a build report every malformed entry or failing
    snippet in one go instead of one per run.
    """

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


def located(path: str, line: int | None, message: str) -> str:
    """Format a problem as ``path:line: message`` (``path: message`` without a line)."""
    return f"{path}:{line}: {message}" if line else f"{path}: {message}"
