"""``kommunrapport init`` (a new, empty project) and ``kommunrapport excel-mall`` (one
workbook for every table)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kommunrapport.cli.common import ExitCode, RootOption, fail, out
from kommunrapport.data.errors import DataValidationError, KommunrapportError, ProjectNotFoundError


def init(
    directory: Annotated[
        Path,
        typer.Argument(help="Katalogen för det nya projektet (ny eller tom).", file_okay=False),
    ],
    kommun: Annotated[
        str,
        typer.Option("--kommun", "-k", help="Kommunens Kolada-id (t.ex. 1487) eller namn."),
    ],
) -> None:
    """Skapa ett tomt projekt för en kommun: kommun.yml med kommunens namn, tom målkedja,
    tabeller med bara rubrikrad, params/perioder.yml, mallarna och Quarto-projektet.
    Skriver aldrig över en fil."""
    from kommunrapport.site.newproject import describe_init, init_project

    try:
        result = init_project(directory, kommun)
    except KommunrapportError as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    out.print(describe_init(result), markup=False, soft_wrap=True)


def excel_mall(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="Filen att skriva (standard: data/kommunrapport.xlsx i projektet, annars "
            "kommunrapport.xlsx här). Finns den redan skrivs den inte över.",
            dir_okay=False,
        ),
    ] = None,
    root: RootOption = None,
    with_data: Annotated[
        bool,
        typer.Option("--med-data", help="Fyll bladen med projektets nuvarande tabeller."),
    ] = False,
) -> None:
    """Skriv en Excel-arbetsbok med ett blad per tabell: rubriker, rullistor för nämnd,
    period, status och kön, svenska talformat och ett blad med instruktioner."""
    from kommunrapport.data.excelmall import project_choices, write_template
    from kommunrapport.data.paths import find_root

    try:
        try:
            project: Path | None = find_root(root)
        except ProjectNotFoundError:
            if root is not None or with_data:
                raise
            project = None
        namnder, perioder = project_choices(project) if project else ([], [])
        tables = None
        if with_data and project is not None:
            from kommunrapport.data.datasets import DATASETS
            from kommunrapport.data.loader import load_model
            from kommunrapport.data.paths import ProjectPaths

            model = load_model(ProjectPaths(project))
            tables = {name: model.table(name) for name in DATASETS}
        if file is None:
            file = (project / "data" if project else Path.cwd()) / "kommunrapport.xlsx"
        write_template(file, namnder, perioder, tables)
    except DataValidationError as exc:
        raise fail(str(exc), ExitCode.DATA_INVALID) from None
    except KommunrapportError as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    out.print(f"Skrev {file}.", markup=False, soft_wrap=True)
