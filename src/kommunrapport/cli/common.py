"""What every command shares: exit codes, the consoles, the --rot option, error reporting.

Every message is Swedish; an error the user can fix is printed as one line with no traceback,
and the command exits with its :class:`ExitCode`.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from kommunrapport.content.markup import terminal_text
from kommunrapport.data.paths import ProjectPaths, find_root


class ExitCode(IntEnum):
    OK = 0
    DATA_INVALID = 1
    BUILD_FAILED = 2
    USAGE = 3
    QUARTO_MISSING = 4
    NOT_READY = 5
    NETWORK = 6
    BUSY = 7
    INTERNAL = 70


class TerminalConsole(Console):
    """A console that shows control characters from the data escaped
    (:func:`~kommunrapport.content.markup.terminal_text`): an escape sequence in a name,
    a cell or a front matter never reaches the terminal as one."""

    def print(self, *objects: Any, **kwargs: Any) -> None:
        super().print(*(_terminal_safe(o) for o in objects), **kwargs)


def _terminal_safe(obj: Any) -> Any:
    if isinstance(obj, str):
        return terminal_text(obj)
    if isinstance(obj, Text) and terminal_text(obj.plain) != obj.plain:
        return Text(terminal_text(obj.plain), style=obj.style)
    return obj


out = TerminalConsole(highlight=False)
err = TerminalConsole(stderr=True, highlight=False)

RootOption = Annotated[
    Path | None,
    typer.Option(
        "--rot",
        help="Projektets rotkatalog (standard: letas upp från aktuell katalog).",
        file_okay=False,
    ),
]


def paths_for(root: Path | None) -> ProjectPaths:
    return ProjectPaths(find_root(root))


def fail(message: str, code: ExitCode) -> typer.Exit:
    err.print(f"[bold red]Fel:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(int(code))


def warn(message: str) -> None:
    err.print(f"[bold yellow]Varning:[/] {escape(message)}", soft_wrap=True)
