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
from rich.markup import escape

from kommunrapport import __version__
from kommunrapport.data.errors import DataValidationError, KommunrapportError, os_error_message
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
    err.print(f"[bold red]Fel:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(int(code))


def warn(message: str) -> None:
    err.print(f"[bold yellow]Varning:[/] {escape(message)}", soft_wrap=True)


@app.callback(invoke_without_command=True)
def _main(
    version: Annotated[bool, typer.Option("--version", help="Visa versionen.")] = False,
) -> None:
    if version:
        out.print(f"kommunrapport {__version__}")
        raise typer.Exit(0)


@app.command()
def check(root: RootOption = None) -> None:
    """Kontrollera all data och alla parametrar, och analytikernas texter
    (reports/<period>/*.qmd). Ändrar inga filer."""
    from kommunrapport.data.checks import empty_table_warnings
    from kommunrapport.data.loader import collect
    from kommunrapport.site.narrative import narrative_problems

    try:
        paths = paths_for(root)
        model, problems = collect(paths)
        if model is not None:
            problems = [*problems, *narrative_problems(paths, model)]
    except KommunrapportError as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    if problems:
        raise fail(str(DataValidationError(problems)), ExitCode.DATA_INVALID)
    for warning in empty_table_warnings(model) if model is not None else []:
        warn(str(warning))
    out.print("Kontrollen är klar: inga problem hittades.")


@app.command()
def build(
    root: RootOption = None,
    period: Annotated[
        list[str] | None,
        typer.Option("--period", "-p", help="Bygg bara denna period (kan upprepas)."),
    ] = None,
    namnd: Annotated[
        list[str] | None,
        typer.Option("--namnd", "-n", help="Bygg bara denna nämnd (kan upprepas)."),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Antal parallella jobb (standard: antal kärnor)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Kör om alla jobb även om inget har ändrats.")
    ] = False,
    fail_fast: Annotated[
        bool, typer.Option("--fail-fast", help="Avbryt vid första misslyckade jobb.")
    ] = False,
    no_render: Annotated[
        bool, typer.Option("--no-render", help="Kör anteckningsböckerna men inte Quarto.")
    ] = False,
    publish: Annotated[
        bool,
        typer.Option(
            "--publish",
            help="Publicera: vägra om någon ingående text inte har status klar.",
        ),
    ] = False,
    engine: Annotated[
        str,
        typer.Option(
            "--motor",
            help="snabb: körs i förladdade processer (standard); "
            "kernel: en Jupyter-kärna per anteckningsbok.",
        ),
    ] = "snabb",
    wait: Annotated[
        float | None,
        typer.Option(
            "--vanta",
            min=0,
            help="Om ett annat bygge pågår i projektet: vänta högst så här många sekunder "
            "(standard: vänta tills det är klart; 0: vänta inte).",
        ),
    ] = None,
) -> None:
    """Kontrollera datat, kör anteckningsböckerna för varje nämnd och period, och
    sätt ihop rapporterna med Quarto."""
    from kommunrapport.batch.lock import BuildBusyError, build_lock

    if engine not in ("snabb", "kernel"):
        raise fail(f"okänd motor '{engine}' (välj snabb eller kernel).", ExitCode.USAGE)
    try:
        paths = paths_for(root)
    except KommunrapportError as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    try:
        with build_lock(paths, wait=wait, on_wait=lambda m: out.print(m, markup=False)):
            _build(paths, period, namnd, jobs, force, fail_fast, no_render, publish, engine)
    except BuildBusyError as exc:
        raise fail(str(exc), ExitCode.BUSY) from None
    except OSError as exc:  # e.g. a folder the build writes to is not writable
        where = paths.relative(Path(exc.filename)) if exc.filename else None
        raise fail(os_error_message(exc, where), ExitCode.USAGE) from None


def _build(
    paths: ProjectPaths,
    period: list[str] | None,
    namnd: list[str] | None,
    jobs: int | None,
    force: bool,
    fail_fast: bool,
    no_render: bool,
    publish: bool,
    engine: str,
) -> None:
    from kommunrapport.batch.progress import (
        ConsoleReporter,
        failure_lines,
        seconds,
        summary_line,
        summary_table,
    )
    from kommunrapport.batch.runner import build as run_build
    from kommunrapport.data.checks import empty_table_warnings
    from kommunrapport.data.loader import load_model_cached
    from kommunrapport.site.narrative import (
        describe_unfinished,
        narrative_problems,
        unfinished_narratives,
    )
    from kommunrapport.site.plan import prepare_site
    from kommunrapport.site.quarto import QuartoMissingError, QuartoRenderError, render

    try:
        model = load_model_cached(paths)
        problems = narrative_problems(paths, model)
        if problems:
            raise DataValidationError(problems)
        if publish:
            unfinished = unfinished_narratives(model, period or None)
            if unfinished:
                raise fail(describe_unfinished(unfinished, paths), ExitCode.NOT_READY)
    except DataValidationError as exc:
        raise fail(str(exc), ExitCode.DATA_INVALID) from None
    except KommunrapportError as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    for warning in empty_table_warnings(model):
        warn(str(warning))
    reporter = ConsoleReporter(out)
    try:
        report = run_build(
            model,
            period or (),
            namnd or (),
            jobs=jobs,
            force=force,
            fail_fast=fail_fast,
            engine="kernel" if engine == "kernel" else "snabb",
            reporter=reporter,
        )
    except KommunrapportError as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    finally:
        reporter.close()
    out.print(summary_table(report))
    out.print(summary_line(report))
    for line in failure_lines(report, paths):
        err.print(line, markup=False, soft_wrap=True)
    if not report.ok:
        raise fail(
            f"{len(report.failed)} jobb misslyckades; tidigare resultat för dem ligger kvar.",
            ExitCode.BUILD_FAILED,
        )
    if no_render:
        out.print("Quarto-steget hoppades över (--no-render).")
        return
    try:
        plan = prepare_site(model)
        out.print(f"Quarto-projektet är klart: {len(plan.periods)} perioder.")
        result = render(paths, echo=None if out.is_terminal else print)
    except QuartoMissingError as exc:
        raise fail(str(exc), ExitCode.QUARTO_MISSING) from None
    except DataValidationError as exc:
        raise fail(str(exc), ExitCode.DATA_INVALID) from None
    except QuartoRenderError as exc:
        raise fail(str(exc), ExitCode.BUILD_FAILED) from None
    except KommunrapportError as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    out.print(
        f"Webbplatsen är renderad till {paths.relative(paths.site_dir)}/ "
        f"på {seconds(result.seconds)}."
    )


@app.command()
def lab(
    root: RootOption = None,
    ip: Annotated[
        str,
        typer.Option(
            "--ip",
            help="Adress att lyssna på. Standard 127.0.0.1: bara den här datorn. "
            "0.0.0.0 delar labbet på kommunens nätverk: alla med länken kan köra kod.",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port att lyssna på (0 = välj en ledig port).")
    ] = 8888,
    browser: Annotated[
        bool,
        typer.Option("--webblasare/--ingen-webblasare", help="Öppna labbet i webbläsaren."),
    ] = True,
) -> None:
    """Starta JupyterLab med realtidssamarbete i projektets rotkatalog."""
    from kommunrapport.collab.lab import prepare_lab, root_warning, run_lab, sharing_warning

    try:
        session = prepare_lab(paths_for(root), ip=ip, port=port, open_browser=browser)
    except KommunrapportError as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    for warning in (sharing_warning(session), root_warning(session)):
        if warning:
            warn(warning)
    out.print(
        f"JupyterLab med realtidssamarbete startar i {session.paths.root}",
        markup=False,
        soft_wrap=True,
    )
    out.print(f"Öppna: {session.url}", markup=False, soft_wrap=True)
    out.print("Stoppa med Ctrl+C.")
    out.file.flush()
    run_lab(session)


@app.command("check-notebooks")
def check_notebooks(
    targets: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Anteckningsböcker eller mappar (standard: projektets notebooks/).",
            metavar="SÖKVÄG",
            show_default=False,
        ),
    ] = None,
    root: RootOption = None,
) -> None:
    """Kontrollera att anteckningsböckerna saknar utdata och körnummer, som i git (körs i CI)."""
    from kommunrapport.collab.nbhygiene import (
        DirtyNotebooksError,
        count_noun,
        require_clean_notebooks,
    )

    try:
        if targets:
            count = require_clean_notebooks(targets, root=Path.cwd())
        else:
            paths = paths_for(root)
            count = require_clean_notebooks([paths.notebooks_dir], root=paths.root)
    except DirtyNotebooksError as exc:
        raise fail(str(exc), ExitCode.DATA_INVALID) from None
    except KommunrapportError as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    out.print(f"Kontrollerade {count_noun(count)}: inga utdata eller körnummer.")


@app.command("setup-git")
def setup_git(root: RootOption = None) -> None:
    """Ställ in git-klonen så att anteckningsböcker rensas från utdata vid commit (en gång)."""
    from kommunrapport.collab.nbhygiene import install_git_filter

    try:
        settings = install_git_filter(paths_for(root).root)
    except KommunrapportError as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    for key, value in settings.items():
        out.print(f"git config {key} {value}", markup=False, soft_wrap=True)
    out.print("Klart: anteckningsböcker rensas nu från utdata och körnummer vid git add.")
    out.print("Har du pre-commit? Kör också: pre-commit install", markup=False)


@app.command("new-period")
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


@app.command()
def status(
    root: RootOption = None,
    period: Annotated[
        list[str] | None,
        typer.Option("--period", "-p", help="Visa bara denna period (kan upprepas)."),
    ] = None,
) -> None:
    """Visa status, ansvarig, antal ord och rubriker utan text för varje textfil."""
    from kommunrapport.data.loader import load_model
    from kommunrapport.site.narrative import narrative_status, status_table

    try:
        rows = narrative_status(load_model(paths_for(root)), period or None)
    except DataValidationError as exc:
        raise fail(str(exc), ExitCode.DATA_INVALID) from None
    except KommunrapportError as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    out.print(status_table(rows))


@app.command()
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


kolada_app = typer.Typer(
    name="kolada",
    help="Hämta indikatorer från Kolada (API v3) eller importera en Kolada-export.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
app.add_typer(kolada_app, name="kolada")


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
    from kommunrapport.kolada.sync import fetch

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
    from kommunrapport.kolada.sync import import_export

    try:
        paths = paths_for(root)
        report = import_export(paths, file)
    except DataValidationError as exc:
        raise fail(str(exc), ExitCode.DATA_INVALID) from None
    except KommunrapportError as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    out.print(report.summary(paths), markup=False, soft_wrap=True)


def main() -> None:
    """Entry point of the ``kommunrapport`` command."""
    app()
