"""Which periods and pages go on the site: the site plan, before anything is written.

:func:`plan_site` looks at the project as the build left it: a period is on the site when
its notebooks have been executed (so that building one period keeps the others), and each
job of the period is a chapter of its whole report. A chapter also gets a page of its own
(and docx/PDF) when both its analysts' text and its executed notebook exist. Nothing here
writes; :mod:`kommunrapport.site.write` writes what the plan names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kommunrapport.content.markup import md_text, md_unescape
from kommunrapport.data.errors import KommunrapportError
from kommunrapport.data.model import Kommunmodell, Period
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.site.narrative import (
    STATUSES,
    Narrative,
    narrative_title,
    period_jobs,
    read_narrative,
)


class SiteError(KommunrapportError):
    """The Quarto project cannot be prepared (e.g. a generated path holds a person's file)."""


@dataclass(frozen=True)
class Chapter:
    job: str
    title: str
    """Markdown on one line: the analysts' ``title`` (its backslash escapes undone), else
    the nämnd's name from the data, either as literal text: a title is plain text wherever
    the build reuses it (the menu, the period's list and report, the open-data links)."""
    narrative: Narrative | None
    """None when the analysts' file does not exist."""
    status: str
    has_notebook: bool

    @property
    def has_page(self) -> bool:
        """The nämnd's own page (and docx/PDF): its text and its executed notebook exist."""
        return self.narrative is not None and self.has_notebook


@dataclass(frozen=True)
class PeriodSite:
    period: Period
    chapters: tuple[Chapter, ...]

    @property
    def status(self) -> str:
        """The least finished status of the period's chapters (a missing text is utkast)."""
        rank = {s: i for i, s in enumerate(STATUSES)}
        worst = min(
            (rank.get(c.status, 0) if c.narrative is not None else 0) for c in self.chapters
        )
        return STATUSES[worst]


@dataclass(frozen=True)
class SitePlan:
    """What :func:`kommunrapport.site.write.prepare_site` put on the site."""

    periods: tuple[PeriodSite, ...]
    written: tuple[Path, ...]
    left: tuple[str, ...] = ()
    """Periods no longer in params whose generated files were deleted (their texts kept)."""

    def pages(self, paths: ProjectPaths) -> list[Path]:
        """Every page Quarto renders: the start page, each period's report and own pages."""
        out = [paths.site_index]
        for ps in self.periods:
            out.append(paths.period_report(ps.period.id))
            out += [paths.narrative_file(ps.period.id, c.job) for c in ps.chapters if c.has_page]
        return out


def _chapter(model: Kommunmodell, period: Period, job: str) -> Chapter:
    paths = model.paths
    path = paths.narrative_file(period.id, job)
    narrative = read_narrative(path) if path.is_file() else None
    if narrative is not None and narrative.title:
        title = md_text(md_unescape(narrative.title))
    else:
        title = md_text(narrative_title(model, job))
    status = (narrative.status or "utkast") if narrative else "saknas"
    return Chapter(job, title, narrative, status, paths.executed_notebook(period.id, job).is_file())


def plan_site(model: Kommunmodell, periods: Iterable[str] | None = None) -> list[PeriodSite]:
    """The periods that go on the site, with their chapters: by default every period in
    params whose notebooks have been executed (so that building one period keeps the
    others on the site)."""
    paths = model.paths
    wanted = None if periods is None else list(periods)
    known = {p.id for p in model.perioder.perioder}
    if wanted is not None:
        unknown = [p for p in wanted if p not in known]
        if unknown:
            raise SiteError(
                f"okänd period {', '.join(unknown)} (finns inte i params/perioder.yml)."
            )
    sites = []
    for period in model.perioder.perioder:
        if wanted is not None and period.id not in wanted:
            continue
        chapters = tuple(_chapter(model, period, job) for job in period_jobs(model, period))
        if not any(c.has_notebook for c in chapters):
            if wanted is not None:
                raise SiteError(
                    f"perioden {period.id} har inga körda anteckningsböcker i "
                    f"{paths.relative(paths.executed_dir(period.id))}; kör build först."
                )
            continue
        sites.append(PeriodSite(period, chapters))
    return sites
