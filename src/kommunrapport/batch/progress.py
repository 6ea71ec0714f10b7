"""How a build shows itself: a progress bar per running job in a terminal, one plain
line per finished job elsewhere (CI, logs), and a summary table at the end."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from kommunrapport.batch.jobs import Job
from kommunrapport.batch.runner import BuildReport, JobResult, Reporter
from kommunrapport.content.formatting import number
from kommunrapport.content.markup import terminal_text
from kommunrapport.data.paths import ProjectPaths

STATUS_STYLE = {"klar": "green", "cachad": "cyan", "misslyckad": "bold red", "ej körd": "yellow"}


def seconds(value: float) -> str:
    return f"{number(value, decimals=1)} s"


class ConsoleReporter(Reporter):
    def __init__(self, console: Console) -> None:
        self.console = console
        self._bars: Progress | None = None
        self._tasks: dict[str, TaskID] = {}

    def planned(self, jobs: list[Job], cached: list[Job]) -> None:
        to_run = len(jobs) - len(cached)
        self.console.print(
            f"{len(jobs)} jobb: {to_run} ska köras, {len(cached)} är oförändrade (cachade)."
        )
        if self.console.is_terminal and to_run:
            self._bars = Progress(
                TextColumn("{task.description:<22}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total} celler"),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self._bars.start()

    def started(self, job: Job) -> None:
        if self._bars is not None:
            self._tasks[job.key] = self._bars.add_task(job.key, total=None)

    def progress(self, key: str, done: int, total: int) -> None:
        if self._bars is not None and key in self._tasks:
            self._bars.update(self._tasks[key], completed=done, total=total)

    def finished(self, result: JobResult) -> None:
        if self._bars is not None and result.job.key in self._tasks:
            self._bars.remove_task(self._tasks.pop(result.job.key))
        if result.status == "cachad":
            return
        line = f"{result.status:<10} {result.job.key:<22} {seconds(result.seconds)}"
        if result.error:
            line += f"  {result.error}"
        self.console.print(line, markup=False, highlight=False)

    def close(self) -> None:
        if self._bars is not None:
            self._bars.stop()
            self._bars = None


def summary_table(report: BuildReport) -> Table:
    table = Table(title="Sammanfattning av körningen", title_justify="left")
    table.add_column("Period")
    table.add_column("Jobb")
    table.add_column("Status")
    table.add_column("Tid", justify="right")
    table.add_column("Detaljer")
    for r in report.results:
        detail = ""
        if r.status == "misslyckad":
            parts = [p for p in (r.cell, r.error) if p]
            if r.notebook is not None:
                parts.append(f"sparad: {r.notebook.name}")
            detail = "\n".join(parts)
        elif r.attempts > 1:
            detail = f"{r.attempts} försök"
        table.add_row(
            r.job.period,
            r.job.name,
            f"[{STATUS_STYLE[r.status]}]{r.status}[/]",
            seconds(r.seconds) if r.status in ("klar", "misslyckad") else "",
            Text(terminal_text(detail)),  # an error may quote the data: never markup
        )
    return table


def failure_lines(report: BuildReport, paths: ProjectPaths) -> list[str]:
    """Each failed job in full (the table may wrap a long path): where, what, which file."""
    lines = []
    for r in report.failed:
        lines.append(f"{r.job.key}: " + " ".join(p for p in (r.cell, r.error) if p))
        if r.notebook is not None:
            lines.append(f"  öppna {paths.relative(r.notebook)} för att se felet i sitt sammanhang")
    return lines


def summary_line(report: BuildReport) -> str:
    return (
        f"{report.count('klar')} klara, {report.count('cachad')} cachade, "
        f"{report.count('misslyckad')} misslyckade, {report.count('ej körd')} ej körda "
        f"på {seconds(report.seconds)}."
    )
