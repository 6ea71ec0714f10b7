"""The command line: parses arguments, calls the library, maps errors to exit codes.

No logic lives here. Every message is Swedish; no traceback reaches the user for an
error they can fix.

The typer app and the order of its commands live here; each command is in the module of
its group (:mod:`~kommunrapport.cli.build`, :mod:`~kommunrapport.cli.collab`,
:mod:`~kommunrapport.cli.narrative`, :mod:`~kommunrapport.cli.skriv`,
:mod:`~kommunrapport.cli.kolada`, :mod:`~kommunrapport.cli.project`), and what they share
(:class:`~kommunrapport.cli.common.ExitCode`, the consoles, ``fail``) in
:mod:`~kommunrapport.cli.common`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from kommunrapport import __version__
from kommunrapport.cli import build, collab, kolada, narrative, project, skriv
from kommunrapport.cli.common import out

app = typer.Typer(
    name="kommunrapport",
    help="Delårsrapport och årsredovisning för kommunen: kontroll, körning och publicering.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


@app.callback(invoke_without_command=True)
def _main(
    version: Annotated[bool, typer.Option("--version", help="Visa versionen.")] = False,
) -> None:
    if version:
        out.print(f"kommunrapport {__version__}")
        raise typer.Exit(0)


app.command()(project.init)
app.command()(build.check)
app.command()(build.build)
app.command()(collab.lab)
app.command("check-notebooks")(collab.check_notebooks)
app.command("setup-git")(collab.setup_git)
app.command("new-period")(narrative.new_period)
app.command()(narrative.status)
app.command()(narrative.preview)
app.command()(skriv.skriv)
app.command("excel-mall")(project.excel_mall)
app.add_typer(kolada.kolada_app, name="kolada")


def main() -> None:
    """Entry point of the ``kommunrapport`` command."""
    app()
