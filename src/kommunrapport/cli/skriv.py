"""``kommunrapport skriv``: write and see one page live with Quarto's preview."""

from __future__ import annotations

from typing import Annotated

import typer

from kommunrapport.cli.common import ExitCode, RootOption, fail, out, paths_for, warn
from kommunrapport.data.errors import DataValidationError, KommunrapportError


def skriv(
    period: Annotated[str, typer.Argument(help="Perioden, t.ex. 2022-12.")],
    namnd: Annotated[str, typer.Argument(help="Nämndens id, eller kommun.")],
    root: RootOption = None,
    port: Annotated[
        int | None,
        typer.Option("--port", help="Port för förhandsvisningen (standard: en ledig port)."),
    ] = None,
) -> None:
    """Skriv och se: förhandsvisa en nämnds (eller kommunens) sida live med Quarto. Sidan
    renderas om varje gång du sparar .qmd-filen. Stoppa med Ctrl+C."""
    from kommunrapport.batch.progress import ConsoleReporter
    from kommunrapport.data.loader import load_model_cached
    from kommunrapport.site.quarto import QuartoMissingError
    from kommunrapport.site.skriv import prepare_page, run_preview, session_for

    reporter = ConsoleReporter(out)
    try:
        paths = paths_for(root)
        model = load_model_cached(paths, notice=warn)
        try:
            page, _ = prepare_page(model, period, namnd, reporter=reporter)
        finally:
            reporter.close()
        session = session_for(paths, page, period, namnd, port)
    except QuartoMissingError as exc:
        raise fail(str(exc), ExitCode.QUARTO_MISSING) from None
    except DataValidationError as exc:
        raise fail(str(exc), ExitCode.DATA_INVALID) from None
    except KommunrapportError as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    out.print(f"Förhandsvisning av {paths.relative(page)} med Quarto.", markup=False)
    out.print(f"Öppna: {session.url}", markup=False, soft_wrap=True)
    out.print("Sidan renderas om när du sparar filen. Stoppa med Ctrl+C.")
    out.file.flush()

    def moved(url: str) -> None:
        out.print(f"Quarto valde en annan port. Öppna: {url}", markup=False, soft_wrap=True)

    code = run_preview(session, lambda line: print(line, flush=True), moved)
    out.print("Förhandsvisningen är stoppad.")
    if code != 0:
        raise fail(f"quarto preview avslutades med slutkod {code}.", ExitCode.BUILD_FAILED)
