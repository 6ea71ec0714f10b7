"""What every command shares: exit codes, the consoles, the --rot option, error reporting.

Every message is Swedish; an error the user can fix is printed as one line with no traceback,
and the command exits with its :class:`ExitCode`.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

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


out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

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
