"""``kommunrapport skriv <period> <nämnd|kommun>``: the analyst's live preview of one page.

1. :func:`prepare_page` brings the job up to date: its notebook (a normal build step for
   just that job, so a no-op when nothing changed) and the generated parts of the Quarto
   project (navigation, key figures), exactly as ``build`` writes them.
2. :func:`run_preview` runs ``quarto preview <page.qmd> --to html --no-browser --port P
   --host 127.0.0.1`` on a free port. Quarto re-renders the page on every save of the
   ``.qmd`` and reloads the browser.
3. Quarto runs in its own process group (session). Ctrl+C reaches this process only; it
   then stops the whole group (SIGINT, then SIGTERM, then SIGKILL), so no Quarto, deno or
   pandoc process is left behind.

Without Quarto, :class:`SkrivQuartoMissingError` says how to install it and points to
``kommunrapport preview`` (nbconvert, no Quarto) as the fallback.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from kommunrapport.batch.runner import BuildReport, Reporter
from kommunrapport.batch.runner import build as run_build
from kommunrapport.data.errors import DataValidationError, KommunrapportError
from kommunrapport.data.model import Kommunmodell
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.site.checks import markup_problems
from kommunrapport.site.incremental import RenderRecord
from kommunrapport.site.narrative import KOMMUN_JOB, read_narrative
from kommunrapport.site.quarto import (
    MISSING_MESSAGE,
    QuartoMissingError,
    find_quarto,
    quarto_env,
    require_version,
)
from kommunrapport.site.write import prepare_site

HOST: Final = "127.0.0.1"
_BROWSE = re.compile(r"Browse at (?P<url>https?://\S+)")


class SkrivError(KommunrapportError):
    """The page cannot be previewed (unknown period or nämnd, no text, a failed job)."""


class SkrivQuartoMissingError(QuartoMissingError):
    """No Quarto: how to install it, and the nbconvert preview as the fallback."""

    def __init__(self, period: str, job: str) -> None:
        KommunrapportError.__init__(
            self,
            MISSING_MESSAGE.replace("kör kommunrapport build igen", "kör kommunrapport skriv igen")
            + "\nUtan Quarto finns en enklare förhandsvisning av tabellerna och diagrammen "
            f"(utan din text): kommunrapport preview {period} {job}",
        )


@dataclass(frozen=True)
class PreviewSession:
    paths: ProjectPaths
    page: Path
    quarto: Path
    host: str
    port: int

    @property
    def url(self) -> str:
        rel = self.page.relative_to(self.paths.root).with_suffix(".html").as_posix()
        return f"http://{self.host}:{self.port}/{rel}"

    @property
    def command(self) -> list[str]:
        rel = self.page.relative_to(self.paths.root).as_posix()
        return [
            str(self.quarto),
            "preview",
            rel,
            "--to",
            "html",
            "--no-browser",
            "--port",
            str(self.port),
            "--host",
            self.host,
        ]


def free_port(host: str = HOST) -> int:
    """A port on ``host`` that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _check_job(model: Kommunmodell, period: str, job: str) -> None:
    known = {p.id: p for p in model.perioder.perioder}
    if period not in known:
        raise SkrivError(
            f"okänd period '{period}' (finns i params/perioder.yml: {', '.join(known)})."
        )
    jobs = [n.id for n in known[period].namnder] + [KOMMUN_JOB]
    if job not in jobs:
        raise SkrivError(f"'{job}' ingår inte i perioden {period} (välj en av {', '.join(jobs)}).")
    text = model.paths.narrative_file(period, job)
    if not text.is_file():
        raise SkrivError(
            f"{model.paths.relative(text)} finns inte; skapa periodens texter med "
            f"kommunrapport new-period {period}."
        )


def prepare_page(
    model: Kommunmodell, period: str, job: str, reporter: Reporter | None = None
) -> tuple[Path, BuildReport]:
    """Execute the job's notebook if its inputs changed and write the generated files;
    return the page to preview and the build report (raises :class:`SkrivError` when the
    job failed, :class:`DataValidationError` when the page holds what no page may: a
    shortcode other than embed and meta, raw HTML, a code cell)."""
    _check_job(model, period, job)
    page = model.paths.narrative_file(period, job)
    if page.is_file():
        refused = markup_problems(model.paths.relative(page), read_narrative(page))
        if refused:
            raise DataValidationError(refused)
    report = run_build(model, [period], only=[job], reporter=reporter)
    if not report.ok:
        failed = report.failed[0] if report.failed else None
        detail = f": {failed.error}" if failed is not None and failed.error else ""
        raise SkrivError(f"anteckningsboken för {period}/{job} kunde inte köras{detail}.")
    plan = prepare_site(model)
    if page not in plan.pages(model.paths):
        raise SkrivError(f"{model.paths.relative(page)} kom inte med på webbplatsen.")
    return page, report


def session_for(
    paths: ProjectPaths, page: Path, period: str, job: str, port: int | None = None
) -> PreviewSession:
    """The preview of ``page``; raises :class:`SkrivQuartoMissingError` without Quarto and
    :class:`~kommunrapport.site.quarto.QuartoVersionError` with one older than 1.10."""
    quarto = find_quarto()
    if quarto is None:
        raise SkrivQuartoMissingError(period, job)
    require_version(quarto)
    return PreviewSession(paths, page, quarto, HOST, port or free_port(HOST))


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - a reused id of another user's group
        return False
    return True


def stop_group(process: subprocess.Popen[str]) -> None:
    """Stop ``process`` and everything in its process group: SIGINT (Quarto cleans up),
    then SIGTERM, then SIGKILL, until no process of the group is left."""
    pgid = process.pid
    for sig, grace in ((signal.SIGINT, 5.0), (signal.SIGTERM, 3.0), (signal.SIGKILL, 2.0)):
        if not _group_alive(pgid):
            break
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
        if not _group_alive(pgid):
            break
    if process.poll() is None:  # pragma: no cover - SIGKILL always ends it
        process.kill()
    process.wait()


def run_preview(
    session: PreviewSession,
    echo: Callable[[str], None],
    moved: Callable[[str], None] | None = None,
) -> int:
    """Run Quarto's preview until it ends or Ctrl+C; return Quarto's exit code (0 after
    Ctrl+C). ``echo`` gets each line of Quarto's output; ``moved`` the URL when Quarto
    serves on another port than the one asked for (it picks one when that is taken).

    Quarto writes the page's HTML into ``_site/`` on every save, so the build's record of
    that output is forgotten first: the next ``build`` renders it again from the text as
    it is then (which may have been saved back to what the record knew)."""
    record = RenderRecord(session.paths)
    record.forget(session.page.relative_to(session.paths.root).as_posix(), ["html"])
    record.save()
    process = subprocess.Popen(
        session.command,
        cwd=session.paths.root,
        env=quarto_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
        start_new_session=True,
    )
    assert process.stdout is not None
    try:
        for raw in process.stdout:
            line = raw.rstrip("\n")
            echo(line)
            m = _BROWSE.search(line)
            if m and moved is not None and f":{session.port}/" not in m.group("url"):
                moved(m.group("url"))
        return process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop_group(process)
        process.stdout.close()
