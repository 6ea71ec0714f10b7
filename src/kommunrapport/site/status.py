"""How far the analysts' narrative has come: ``kommunrapport status`` and the gate of
``build --publish``.

One row per (period, job) in report order, whether its file exists or not. A file that does
not exist has status :data:`MISSING`; a report may be published only when every file of its
periods says ``status: klar``. Files are only read (through :mod:`kommunrapport.site.narrative`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from kommunrapport.content.markup import terminal_text
from kommunrapport.data.errors import KommunrapportError
from kommunrapport.data.model import Kommunmodell, Period
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.site.narrative import job_title, period_jobs, read_narrative
from kommunrapport.site.plan import plan_site
from kommunrapport.site.textsafety import review_comments

MISSING: Final = "saknas"
"""Shown as the status of a narrative file that does not exist."""


@dataclass(frozen=True)
class NarrativeStatus:
    """How far one narrative file has come."""

    period: str
    job: str
    name: str
    path: Path
    exists: bool
    status: str
    """One of :data:`~kommunrapport.site.narrative.STATUSES`, :data:`MISSING`, or what the file
    says (possibly invalid)."""
    ansvarig: str
    words: int
    headings: int
    unwritten: tuple[str, ...]
    reviews: tuple[tuple[int, str], ...] = ()
    """(line, text) of each review comment ``<!-- granskning: … -->`` still in the file."""

    @property
    def done(self) -> bool:
        return self.status == "klar"


def _select_periods(model: Kommunmodell, periods: Iterable[str] | None) -> list[Period]:
    if periods is None:
        return list(model.perioder.perioder)
    wanted = list(periods)
    unknown = [p for p in wanted if p not in {q.id for q in model.perioder.perioder}]
    if unknown:
        raise KommunrapportError(
            f"okänd period {', '.join(unknown)}; perioderna i params/perioder.yml är "
            f"{', '.join(p.id for p in model.perioder.perioder)}."
        )
    return [p for p in model.perioder.perioder if p.id in wanted]


def narrative_status(
    model: Kommunmodell, periods: Iterable[str] | None = None
) -> list[NarrativeStatus]:
    """One row per (period, job) in report order, whether the file exists or not."""
    paths = model.paths
    rows = []
    for period in _select_periods(model, periods):
        for job in period_jobs(model, period):
            path = paths.narrative_file(period.id, job)
            name = job_title(model, job)
            if not path.is_file():
                rows.append(
                    NarrativeStatus(period.id, job, name, path, False, MISSING, "", 0, 0, ())
                )
                continue
            try:
                narrative = read_narrative(path)
            except UnicodeDecodeError:
                rows.append(NarrativeStatus(period.id, job, name, path, True, "?", "", 0, 0, ()))
                continue
            status = narrative.get("status")
            rows.append(
                NarrativeStatus(
                    period.id,
                    job,
                    name,
                    path,
                    True,
                    str(status) if status is not None else "?",
                    narrative.ansvarig or "",
                    narrative.words,
                    len(narrative.headings),
                    tuple(h.text for h in narrative.unwritten),
                    tuple((f.line, f.snippet) for f in review_comments(narrative.source)),
                )
            )
    return rows


def unfinished_narratives(
    model: Kommunmodell, periods: Iterable[str] | None = None
) -> list[NarrativeStatus]:
    """The narratives that stop ``build --publish``: every file of the given periods (default:
    all in params) whose status is not ``klar``, including missing files."""
    return [row for row in narrative_status(model, periods) if not row.done]


def published_periods(model: Kommunmodell, requested: Iterable[str] | None = None) -> list[str]:
    """The periods whose pages a build publishes, in params order, whatever ``--period`` says.

    The site is always the whole project: the periods built now (``requested``; every period
    in params when None), every other period whose notebooks have been executed (the site
    plan keeps them, :func:`~kommunrapport.site.plan.plan_site`), and every period that
    already has pages in ``_site/`` (a render that does not redo a page still publishes it).
    """
    wanted = set(requested) if requested is not None else None
    on_site = {ps.period.id for ps in plan_site(model)}
    paths = model.paths
    out = []
    for period in model.perioder.perioder:
        pid = period.id
        if wanted is None or pid in wanted or pid in on_site or paths.site_period_dir(pid).is_dir():
            out.append(pid)
    if wanted is not None:
        _select_periods(model, wanted)  # an unknown requested period is an error
    return out


def _published_rows(model: Kommunmodell, requested: Iterable[str] | None) -> list[NarrativeStatus]:
    return narrative_status(model, published_periods(model, requested))


def publish_blockers(
    model: Kommunmodell, requested: Iterable[str] | None = None
) -> list[NarrativeStatus]:
    """The narratives that stop ``build --publish``: every unfinished text of every period
    that the build publishes (:func:`published_periods`), not only the requested ones."""
    return [r for r in _published_rows(model, requested) if not r.done]


def review_blockers(
    model: Kommunmodell, requested: Iterable[str] | None = None
) -> list[NarrativeStatus]:
    """The narratives of the published periods that still have a review comment (they stop
    ``build --publish`` whatever their status)."""
    return [r for r in _published_rows(model, requested) if r.reviews]


def publish_refusal(model: Kommunmodell, requested: Iterable[str] | None = None) -> str | None:
    """Why ``build --publish`` may not publish, in Swedish (the unfinished texts, then the
    review comments left, of every published period), or None. The files are read once."""
    rows = _published_rows(model, requested)
    unfinished = [r for r in rows if not r.done]
    reviews = [r for r in rows if r.reviews]
    parts = [describe_unfinished(unfinished, model.paths)] if unfinished else []
    parts += [describe_reviews(reviews, model.paths)] if reviews else []
    return "\n".join(parts) or None


def describe_reviews(rows: Sequence[NarrativeStatus], paths: ProjectPaths) -> str:
    """A Swedish message naming every review comment left (for ``build --publish``)."""
    count = sum(len(r.reviews) for r in rows)
    lines = [
        f"  - {paths.relative(r.path)}, rad {line}: {note}"
        for r in rows
        for line, note in r.reviews
    ]
    return (
        f"{count} granskningskommentar(er) finns kvar, så rapporten kan inte publiceras:\n"
        + "\n".join(lines)
        + "\nTa bort kommentarerna när synpunkterna är åtgärdade, eller bygg utan --publish."
    )


def describe_unfinished(rows: Sequence[NarrativeStatus], paths: ProjectPaths) -> str:
    """A Swedish message naming the unfinished narratives (for ``build --publish``)."""
    lines = [
        f"  - {paths.relative(r.path)} ({r.name}): status {r.status}"
        + (f", ansvarig {r.ansvarig}" if r.ansvarig else "")
        for r in rows
    ]
    return (
        f"{len(rows)} text(er) är inte klara, så rapporten kan inte publiceras:\n"
        + "\n".join(lines)
        + "\nSätt status: klar när texten är granskad, eller bygg utan --publish."
    )


def status_table(rows: Sequence[NarrativeStatus]) -> Any:
    """A rich table of :func:`narrative_status` rows (Swedish headings)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Texternas status")
    table.add_column("Period")
    table.add_column("Del")
    table.add_column("Status")
    table.add_column("Ansvarig")
    table.add_column("Ord", justify="right")
    table.add_column("Rubriker utan text")
    table.add_column("Granskning", justify="right")
    styles = {"klar": "green", "granskning": "yellow", "utkast": "red", MISSING: "red"}
    for row in rows:
        if not row.exists:
            todo = "–"
        elif not row.unwritten:
            todo = "inga"
        elif len(row.unwritten) == row.headings:
            todo = f"alla {row.headings}"
        else:
            todo = f"{len(row.unwritten)} av {row.headings}: " + ", ".join(row.unwritten)
        table.add_row(
            Text(row.period),
            Text(terminal_text(row.name)),
            Text(terminal_text(row.status), style=styles.get(row.status, "magenta")),
            Text(terminal_text(row.ansvarig or "–")),
            Text(str(row.words)),
            Text(terminal_text(todo)),
            Text(f"{len(row.reviews)} kvar" if row.reviews else "–"),
        )
    return table
