"""One exception family for the whole package.

Every error an analyst can cause is a :class:`KommunrapportError` whose message is
Swedish and names the file, row and column where it can. The CLI prints those
messages and never a traceback.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in the input: where it is and what is wrong (in Swedish).

    ``row`` is the line number as a person sees it: in a table the header is row 1
    and the first data row is row 2; in YAML it is the line in the file.
    """

    file: str
    row: int | None
    column: str | None
    message: str

    def location(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"rad {self.row}")
        if self.column is not None:
            parts.append(f"kolumn '{self.column}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.location()}: {self.message}"


class KommunrapportError(Exception):
    """Base of every error this package raises on purpose."""


class ProjectNotFoundError(KommunrapportError):
    """No kommunrapport project at or above the given directory."""


class DataValidationError(KommunrapportError):
    """The shared data has one or more problems; all of them are collected."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(sorted_problems(problems))
        count = len(self.problems)
        head = f"{count} problem i indata" if count != 1 else "1 problem i indata"
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))


class ParameterError(KommunrapportError):
    """Report parameters do not match what the template notebook declares."""


def _sort_key(p: Problem) -> tuple[str, int, str, str]:
    return (p.file, p.row if p.row is not None else 0, p.column or "", p.message)


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Each problem once, in the order of file, row, column and message."""
    return sorted(set(problems), key=_sort_key)


_OS_REASONS = {
    errno.EACCES: "åtkomst nekad (behörighet saknas)",
    errno.EPERM: "åtgärden är inte tillåten",
    errno.EROFS: "filsystemet är skrivskyddat",
    errno.ENOSPC: "disken är full",
    errno.EDQUOT: "diskkvoten är slut",
    errno.ENAMETOOLONG: "namnet är för långt",
    errno.ENOENT: "filen eller mappen finns inte",
    errno.ENOTEMPTY: "mappen är inte tom",
    errno.EISDIR: "det är en mapp",
}


def os_error_message(exc: OSError, where: str | None) -> str:
    """A Swedish sentence for a file-system error: what failed, where, and why."""
    reason = _OS_REASONS.get(exc.errno or 0) or exc.strerror or type(exc).__name__
    place = where or "en fil i projektet"
    return f"Kan inte läsa eller skriva {place}: {reason}."
