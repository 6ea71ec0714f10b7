"""``kommunrapport kolada fetch`` and ``kommunrapport kolada import``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kommunrapport.cli.common import ExitCode, RootOption, fail, out, paths_for
from kommunrapport.data.errors import DataValidationError, KommunrapportError

kolada_app = typer.Typer(
    name="kolada",
    help="Hämta indikatorer från Kolada (API v3) eller importera en Kolada-export.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


@kolada_app.command("fetch")
def kolada_fetch(
    root: RootOption = None,
    year_from: Annotated[
        int | None,
        typer.Option("--year-from", help="Första år (standard: fyra år före första rapportåret)."),
    ] = None,
    year_to: Annotated[
        int | None, typer.Option("--year-to", help="Sista år (standard: sista rapportåret).")
    ] = None,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Fråga Kolada igen även om svaret finns i cachen.")
    ] = False,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--bas-url",
            help="Koladas API-adress (standard: $KOMMUNRAPPORT_KOLADA_URL eller "
            "https://api.kolada.se/v3).",
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, help="Sekunder att vänta på varje svar.")
    ] = 30.0,
) -> None:
    """Hämta målkedjans Kolada-nyckeltal för kommunen, riket och jämförelsegrupperna."""
    from kommunrapport.kolada.client import KoladaError
    from kommunrapport.kolada.fetch import fetch

    try:
        paths = paths_for(root)
        report = fetch(
            paths,
            year_from=year_from,
            year_to=year_to,
            base_url=base_url,
            refresh=refresh,
            timeout=timeout,
        )
    except KoladaError as exc:
        raise fail(str(exc), ExitCode.NETWORK) from None
    except DataValidationError as exc:
        raise fail(str(exc), ExitCode.DATA_INVALID) from None
    except KommunrapportError as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    out.print(report.summary(paths), markup=False, soft_wrap=True)


@kolada_app.command("import")
def kolada_import(
    file: Annotated[
        Path,
        typer.Argument(
            help="Kolada-export (CSV eller xlsx) med kolumnerna kpi, municipality_id, period, "
            "gender, value (valfritt status); komma eller semikolon, decimalpunkt eller -komma.",
            dir_okay=False,
        ),
    ],
    root: RootOption = None,
) -> None:
    """Importera en Kolada-export till data/indikatorutfall.csv (utan nätverk)."""
    from kommunrapport.kolada.importer import import_export

    try:
        paths = paths_for(root)
        report = import_export(paths, file)
    except DataValidationError as exc:
        raise fail(str(exc), ExitCode.DATA_INVALID) from None
    except KommunrapportError as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    out.print(report.summary(paths), markup=False, soft_wrap=True)
