"""``kommunrapport check`` and ``kommunrapport build``: check the data, run the jobs, render."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from kommunrapport.cli.common import ExitCode, RootOption, err, fail, out, paths_for, warn
from kommunrapport.data.errors import DataValidationError, KommunrapportError, os_error_message
from kommunrapport.data.paths import ProjectPaths


def check(root: RootOption = None) -> None:
    """Kontrollera all data och alla parametrar, och analytikernas texter
    (reports/<period>/*.qmd). Säger vad som återstår att fylla i, i tur och ordning.
    Ändrar inga filer."""
    from kommunrapport.data.checks import empty_table_warnings
    from kommunrapport.data.loader import collect_all
    from kommunrapport.data.notices import missing_outcomes
    from kommunrapport.site.checks import narrative_problems, narrative_warnings
    from kommunrapport.site.coverage import uncovered
    from kommunrapport.site.newproject import describe_steps, next_steps

    todo = []
    try:
        paths = paths_for(root)
        steps = next_steps(paths)
        model, problems, notices = collect_all(paths)
        if model is not None:
            problems = [*problems, *narrative_problems(paths, model)]
            notices += [*missing_outcomes(model), *map(str, empty_table_warnings(model))]
            notices += narrative_warnings(paths, model)
            todo = uncovered(model)
    except KommunrapportError as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    if steps:
        out.print(describe_steps(steps), markup=False, soft_wrap=True)
    for notice in notices:
        out.print(f"Varning: {notice}", markup=False, soft_wrap=True)
    if todo:
        out.print(
            "Rubriker som ännu saknas eller saknar text (förvaltningsberättelsen enligt "
            "LKBR 11 kap. och RKR R15):",
            soft_wrap=True,
        )
        for item in todo:
            out.print(f"  {item}", markup=False, soft_wrap=True)
    if problems:
        raise fail(str(DataValidationError(problems)), ExitCode.DATA_INVALID)
    for line in model.upplysningar if model is not None else ():
        out.print(line, markup=False, highlight=False, soft_wrap=True)
    out.print("Kontrollen är klar: inga problem hittades.")


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
        bool,
        typer.Option(
            "--force", help="Kör om alla jobb och rendera alla sidor även om inget har ändrats."
        ),
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
    formats: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            "-f",
            help="Rendera bara detta format: html, docx eller pdf (kan upprepas; standard: alla).",
        ),
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--tidsgrans",
            metavar="SEKUNDER",
            help="Stoppa ett jobb som har kört så här många sekunder och rapportera det som "
            "misslyckat (standard: bygg.tidsgrans i params/perioder.yml, annars 900).",
        ),
    ] = None,
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
    sätt ihop rapporterna med Quarto (bara de sidor som har ändrats)."""
    from kommunrapport.batch.lock import BuildBusyError, build_lock

    if engine not in ("snabb", "kernel"):
        raise fail(f"okänd motor '{engine}' (välj snabb eller kernel).", ExitCode.USAGE)
    if time_limit is not None and not 0 < time_limit < float("inf"):
        raise fail("--tidsgrans ska vara ett antal sekunder större än 0.", ExitCode.USAGE)
    if publish and formats:
        raise fail("--publish renderar alla format; ange inte --format.", ExitCode.USAGE)
    try:
        paths = paths_for(root)
    except KommunrapportError as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    options = _Options(
        period, namnd, jobs, force, fail_fast, no_render, publish, engine, formats, time_limit
    )
    try:
        with build_lock(paths, wait=wait, on_wait=lambda m: out.print(m, markup=False)):
            _build(paths, options)
    except BuildBusyError as exc:
        raise fail(str(exc), ExitCode.BUSY) from None
    except OSError as exc:  # e.g. a folder the build writes to is not writable
        where = paths.relative(Path(exc.filename)) if exc.filename else None
        raise fail(os_error_message(exc, where), ExitCode.USAGE) from None


@dataclass(frozen=True)
class _Options:
    period: list[str] | None
    namnd: list[str] | None
    jobs: int | None
    force: bool
    fail_fast: bool
    no_render: bool
    publish: bool
    engine: str
    formats: list[str] | None
    time_limit: float | None


def _build(paths: ProjectPaths, o: _Options) -> None:
    """The build, while this process holds the project's build lock."""
    period, namnd, jobs, force, fail_fast = o.period, o.namnd, o.jobs, o.force, o.fail_fast
    no_render, publish, engine, formats = o.no_render, o.publish, o.engine, o.formats
    from kommunrapport.batch.progress import (
        ConsoleReporter,
        failure_lines,
        summary_line,
        summary_table,
    )
    from kommunrapport.batch.runner import build as run_build
    from kommunrapport.data.checks import empty_table_warnings
    from kommunrapport.data.loader import load_model_cached
    from kommunrapport.site.checks import narrative_problems
    from kommunrapport.site.incremental import check_format_names, quarto_formats
    from kommunrapport.site.quarto import QuartoMissingError, QuartoRenderError
    from kommunrapport.site.render import render_site
    from kommunrapport.site.render_progress import ConsoleProgress, render_summary
    from kommunrapport.site.status import publish_refusal
    from kommunrapport.site.write import prepare_site

    try:
        check_format_names(formats or ())
        model = load_model_cached(paths, notice=warn)
        problems = narrative_problems(paths, model)
        if problems:
            raise DataValidationError(problems)
        refusal = publish_refusal(model, period or None) if publish else None
        if refusal is not None:
            raise fail(refusal, ExitCode.NOT_READY)
    except DataValidationError as exc:
        raise fail(str(exc), ExitCode.DATA_INVALID) from None
    except KommunrapportError as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    for warning in empty_table_warnings(model):
        out.print(f"Varning: {warning}", markup=False, soft_wrap=True)
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
            time_limit=o.time_limit,
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
    try:
        # written with --no-render too, so that what the build leaves is current
        plan = prepare_site(model)
        for pid in plan.left:
            out.print(
                f"Perioden {pid} finns inte längre i params/perioder.yml: dess genererade filer "
                f"i {paths.relative(paths.period_dir(pid))}/ är borttagna (texterna ligger kvar).",
                markup=False,
                soft_wrap=True,
            )
        count = len(plan.periods)
        out.print(f"Quarto-projektet är klart: {count} {'period' if count == 1 else 'perioder'}.")
        if no_render:
            out.print("Quarto-steget hoppades över (--no-render).")
            return
        # checked again on what the site now holds: every page Quarto publishes
        refusal = publish_refusal(model, ()) if publish else None
        if refusal is not None:
            raise fail(refusal, ExitCode.NOT_READY)
        outcome = render_site(
            paths,
            plan.pages(paths),
            formats=quarto_formats(paths, formats or ()),
            force=force,
            progress=ConsoleProgress(out),
            kommun=model.kommun.namn,
        )
    except QuartoMissingError as exc:
        raise fail(str(exc), ExitCode.QUARTO_MISSING) from None
    except DataValidationError as exc:
        raise fail(str(exc), ExitCode.DATA_INVALID) from None
    except QuartoRenderError as exc:
        raise fail(str(exc), ExitCode.BUILD_FAILED) from None
    except KommunrapportError as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    for line in render_summary(outcome, paths):
        out.print(line, markup=False, soft_wrap=True)
