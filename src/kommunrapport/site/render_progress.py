"""The render's progress in the terminal: a bar counting pages instead of Quarto's output.

Quarto prints ``[n/N] file`` as it starts each file, so when line n arrives n - 1 pages are
done. In a terminal the bar shows that count and the page being rendered; elsewhere (a CI
log) one plain line per page is printed. Quarto's full output is shown only when the
render fails (the tail of it, in :class:`kommunrapport.site.quarto.QuartoRenderError`).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.progress import Progress as RichProgress

from kommunrapport.batch.progress import seconds
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.site.render import Progress, RenderOutcome

FORMAT_NAMES = {"typst": "pdf", "pdf": "pdf", "html": "html", "docx": "docx"}


def describe_formats(formats: Sequence[str] | None) -> str:
    """``html, docx, pdf`` as a user names them (``alla format`` for None)."""
    if formats is None:
        return "alla format"
    return ", ".join(FORMAT_NAMES.get(f, f) for f in formats)


class ConsoleProgress(Progress):
    def __init__(self, console: Console) -> None:
        self.console = console
        self._bar: RichProgress | None = None
        self._task: TaskID | None = None
        self._total = 0

    def start(self, pages: int, formats: Sequence[str] | None) -> None:
        self._total = pages
        noun = "sida" if pages == 1 else "sidor"
        what = f"Quarto renderar {pages} {noun} ({describe_formats(formats)})"
        if not self.console.is_terminal:
            self.console.print(what, markup=False, soft_wrap=True)
            return
        self._bar = RichProgress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("sidor"),
            TimeElapsedColumn(),
            TextColumn("{task.fields[file]}", markup=False),
            console=self.console,
            transient=True,
        )
        self._bar.start()
        self._task = self._bar.add_task(what, total=pages, file="")

    def page(self, done: int, total: int, file: str) -> None:
        if self._bar is None or self._task is None:
            self.console.print(f"  [{done}/{total}] {file}", markup=False, soft_wrap=True)
            return
        self._bar.update(self._task, completed=max(0, done - 1), total=total, file=file)

    def finish(self) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, completed=self._total, file="")
            self._bar.stop()
        self._bar = None
        self._task = None


def render_summary(outcome: RenderOutcome, paths: ProjectPaths) -> list[str]:
    """What the render step did, in Swedish, for the end of ``build``."""
    plan = outcome.plan
    site = f"{paths.relative(paths.site_dir)}/"
    lines = []
    if outcome.removed:
        lines.append(
            f"Tog bort {len(outcome.removed)} sidor som inte längre finns från {site}: "
            + ", ".join(outcome.removed)
        )
    total = len(plan.pages)
    if plan.nothing_to_do:
        lines.append(
            f"Inget att rendera: alla {total} sidor i {site} är aktuella (Quarto startades inte)."
        )
        return lines
    why = ""
    if plan.site_changed:
        why = " (något som alla sidor bygger på har ändrats)"
    pages = len(plan.needed)
    runs = len(outcome.invocations)
    lines.append(
        f"Renderade {pages} av {total} sidor ({plan.outputs} filer) i {runs} "
        f"Quarto-{'körning' if runs == 1 else 'körningar'} till {site} på "
        f"{seconds(outcome.seconds)}{why}."
    )
    return lines
