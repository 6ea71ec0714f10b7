"""The analysts' text commands: ``new-period``, ``status`` and ``preview``."""

from __future__ import annotations

from typing import Annotated

import typer

from kommunrapport.cli.common import ExitCode, RootOption, fail, out, paths_for
from kommunrapport.data.errors import DataValidationError, KommunrapportError


def new_period(
    period: Annotated[str, typer.Argument(help="Perioden, t.ex. 2023-04 (ska finnas i params/).")],
    root: RootOption = None,
) -> None:
    """Skapa analytikernas textfiler för en period (kommunen och varje nämnd) från mallen.
    Bara filer som saknas skapas; befintliga filer ändras aldrig."""
    from kommunrapport.data.loader import load_model
    from kommunrapport.site.scaffold import describe
    from kommunrapport.site.scaffold import new_period as scaffold_period

    try:
        paths = paths_for(root)
        result = scaffold_period(load_model(paths), period)
    except DataValidationError as exc:
        raise fail(str(exc), ExitCode.DATA_INVALID) from None
    except KommunrapportError as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    out.print(describe(result, paths), markup=False, soft_wrap=True)


def status(
    root: RootOption = None,
    period: Annotated[
        list[str] | None,
        typer.Option("--period", "-p", help="Visa bara denna period (kan upprepas)."),
    ] = None,
) -> None:
    """Visa status, ansvarig, antal ord och rubriker utan text för varje textfil."""
    from kommunrapport.data.loader import load_model
    from kommunrapport.site.status import narrative_status, status_table

    try:
        rows = narrative_status(load_model(paths_for(root)), period or None)
    except DataValidationError as exc:
        raise fail(str(exc), ExitCode.DATA_INVALID) from None
    except KommunrapportError as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    out.print(status_table(rows))


def preview(
    period: Annotated[str, typer.Argument(help="Perioden, t.ex. 2022-08.")],
    namnd: Annotated[str, typer.Argument(help="Nämndens id, eller kommun.")],
    root: RootOption = None,
) -> None:
    """Skriv en snabb HTML-förhandsvisning av en körd anteckningsbok (utan Quarto)."""
    from kommunrapport.site.preview import preview as write_preview

    try:
        paths = paths_for(root)
        target = write_preview(paths, period, namnd)
    except KommunrapportError as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    out.print(f"Förhandsvisningen finns i {paths.relative(target)}", markup=False, soft_wrap=True)
