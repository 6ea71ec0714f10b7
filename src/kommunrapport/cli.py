"""The command line: parses arguments, calls the library, maps errors to exit codes.

No logic lives here. Every message is Swedish; no traceback reaches the user for an
error they can fix.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from kommunrapport import __version__
from kommunrapport.errors import DataValidationError, KommunrapportError
from kommunrapport.loader import check as check_project
from kommunrapport.paths import ProjectPaths, find_root


class ExitCode(IntEnum):
    OK = 0
    DATA_INVALID = 1
    BUILD_FAILED = 2
    USAGE = 3
    QUARTO_MISSING = 4
    NOT_READY = 5
    NETWORK = 6
    INTERNAL = 70


app = typer.Typer(
    name="kommunrapport",
    help="Delårsrapport och årsredovisning för kommunen: kontroll, körning och publicering.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

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
    err.print(f"[bold red]Fel:[/] {message}", soft_wrap=True)
    return typer.Exit(int(code))


@app.callback(invoke_without_command=True)
def _main(
    version: Annotated[bool, typer.Option("--version", help="Visa versionen.")] = False,
) -> None:
    if version:
        out.print(f"kommunrapport {__version__}")
        raise typer.Exit(0)


@app.command()
def check(root: RootOption = None) -> None:
    """Kontrollera all data och alla parametrar. Ändrar inga filer."""
    try:
        paths = paths_for(root)
        problems = check_project(paths)
    except KommunrapportError as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    if problems:
        raise fail(str(DataValidationError(problems)), ExitCode.DATA_INVALID)
    out.print("Kontrollen är klar: inga problem hittades.")


def main() -> None:
    """Entry point of the ``kommunrapport`` command."""
    app()
