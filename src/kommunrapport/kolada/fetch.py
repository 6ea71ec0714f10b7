"""Fetching from the Kolada API v3: ``kommunrapport kolada fetch``.

:func:`plan_fetch` reads which Kolada KPIs the goal chain uses (indicators with
``kalla: kolada`` in ``data/malkedja.yml``) and the years; :func:`fetch` asks Kolada
for their values for the kommun, for riket (``0000``) and for the members of the
comparison groups named in ``params/perioder.yml`` (whose membership it refreshes from
``/municipality_groups/{id}``), and merges them into ``data/`` (see :mod:`.merge`),
with the KPI metadata and the provenance beside (see :mod:`.metadata`).

The project's files are read before anything is asked, so a broken file fails fast;
nothing is written until every answer was fetched and checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from kommunrapport.data.collector import MALKEDJA, ORGANISATION
from kommunrapport.data.datasets import DATASETS
from kommunrapport.data.errors import DataValidationError
from kommunrapport.data.model import Indikator, Malkedja, Organisation, Perioder
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.data.tableio import TableReadError, read_table_text
from kommunrapport.data.tablespec import type_table
from kommunrapport.data.withheld import withheld_lines
from kommunrapport.kolada.answers import ParsedData, parse_group, parse_kpi
from kommunrapport.kolada.client import (
    Call,
    KoladaClient,
    ResponseCache,
    RetryPolicy,
    batched,
    resolve_base_url,
)
from kommunrapport.kolada.common import (
    GROUPS,
    KOLADA_SOURCE_NOTE,
    OUTCOMES,
    FetchPlanError,
    Group,
    area_id,
    kolada_kpis,
    local_now,
    project_yaml,
)
from kommunrapport.kolada.merge import CsvText, commit, merge_groups, merge_outcomes, writable_table
from kommunrapport.kolada.metadata import KpiMetadata, kpi_yaml, provenance_yaml

__all__ = [
    "DEFAULT_HISTORY_YEARS",
    "RIKET",
    "FetchPlan",
    "FetchReport",
    "fetch",
    "make_client",
    "plan_fetch",
]

RIKET = "0000"
DEFAULT_HISTORY_YEARS = 4
"""Without --year-from: this many years before the first report year."""


@dataclass(frozen=True)
class FetchPlan:
    """What to ask Kolada for."""

    kommun: str
    kpis: tuple[str, ...]
    groups: tuple[str, ...]
    years: tuple[int, ...]
    indikatorer: Mapping[str, Indikator] = field(default_factory=dict)
    """The goal chain's indicators by id (to name what Kolada withholds for the kommun)."""


@dataclass
class FetchReport:
    """What a fetch did; :meth:`summary` is the Swedish text the CLI prints."""

    plan: FetchPlan
    base_url: str
    areas: tuple[str, ...] = ()
    values: int = 0
    deleted: int = 0
    missing: int = 0
    changed_rows: int = 0
    calls: list[Call] = field(default_factory=list)
    http_requests: int = 0
    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)
    """What Kolada withheld for the kommun, one line per indicator (see
    :mod:`kommunrapport.data.withheld`)."""

    def summary(self, paths: ProjectPaths) -> str:
        cached = sum(1 for c in self.calls if c.from_cache)
        years = _year_span(self.plan.years)
        lines = [
            f"Hämtade {self.values} värden för {len(self.plan.kpis)} nyckeltal, "
            f"{len(self.areas)} områden och åren {years} från {self.base_url} "
            f"({len(self.calls)} anrop, varav {cached} ur cachen).",
        ]
        if self.deleted:
            lines.append(f"{self.deleted} värden som Kolada markerat som borttagna hoppades över.")
        lines.extend(f"Obs: {w}" for w in self.withheld)
        if self.changed_rows:
            lines.append(f"{self.changed_rows} befintliga rader fick nytt värde eller togs bort.")
        if self.written:
            shown = ", ".join(paths.relative(p) for p in self.written)
            lines.append(f"Skrev {shown}.")
        else:
            lines.append("Inga filer ändrades: datat var redan aktuellt.")
        lines.extend(f"Obs: {w}" for w in self.warnings)
        lines.append(KOLADA_SOURCE_NOTE)
        return "\n".join(lines)


def group_table(paths: ProjectPaths) -> pd.DataFrame | None:
    files = paths.table_candidates(GROUPS)
    if not files:
        return None
    shown = paths.relative(files[0])
    try:
        text = read_table_text(files[0], shown)
    except TableReadError as exc:
        raise DataValidationError([exc.problem]) from None
    frame, problems = type_table(DATASETS[GROUPS], text, shown)
    if problems or frame is None:
        raise DataValidationError(problems)
    return frame


def plan_fetch(
    paths: ProjectPaths, year_from: int | None = None, year_to: int | None = None
) -> FetchPlan:
    """What to ask for, read from data/kommun.yml, data/malkedja.yml and params/perioder.yml.

    Only those files are needed (not the tables), so the first fetch works before
    ``data/indikatorutfall.csv`` exists. Years default to the report years in
    params/perioder.yml and the :data:`DEFAULT_HISTORY_YEARS` before them.
    """
    org = project_yaml(paths, paths.yaml_file(ORGANISATION), Organisation, [])
    chain = project_yaml(paths, paths.yaml_file(MALKEDJA), Malkedja, [])
    params = project_yaml(paths, paths.params_file, Perioder, [])
    kpis = kolada_kpis(chain)
    if not kpis:
        raise FetchPlanError(
            "data/malkedja.yml har inga indikatorer med 'kalla: kolada'; det finns inget att hämta."
        )
    report_years = [p.year for p in params.perioder]
    last = year_to if year_to is not None else max(report_years)
    first = year_from if year_from is not None else min(report_years) - DEFAULT_HISTORY_YEARS
    if year_from is None and first > last:
        first = last - DEFAULT_HISTORY_YEARS
    if year_to is None and first > last:
        last = first
    for y in (first, last):
        if not 1900 <= y <= 2100:
            raise FetchPlanError(f"{y} är inget rimligt år.")
    if first > last:
        raise FetchPlanError(f"Första året ({first}) är senare än sista året ({last}).")
    groups = sorted(
        {n.jamforelsegrupp for p in params.perioder for n in p.namnder if n.jamforelsegrupp}
    )
    return FetchPlan(
        kommun=org.kommun.kolada_id,
        kpis=kpis,
        groups=tuple(groups),
        years=tuple(range(first, last + 1)),
        indikatorer=chain.indikatorer(),
    )


def make_client(
    paths: ProjectPaths,
    *,
    base_url: str | None = None,
    refresh: bool = False,
    timeout: float = 30.0,
    retry: RetryPolicy | None = None,
    sleep: Callable[[float], None] | None = None,
) -> KoladaClient:
    """A client with the project's cache (under the git-ignored state directory)."""
    client = KoladaClient(
        base_url=resolve_base_url(base_url),
        timeout=timeout,
        retry=retry or RetryPolicy(),
        cache=ResponseCache(paths.kolada_cache_dir),
        refresh=refresh,
    )
    if sleep is not None:
        client.sleep = sleep
    return client


def fetch(
    paths: ProjectPaths,
    *,
    year_from: int | None = None,
    year_to: int | None = None,
    base_url: str | None = None,
    refresh: bool = False,
    timeout: float = 30.0,
    client: KoladaClient | None = None,
    now: Callable[[], datetime] | None = None,
) -> FetchReport:
    """Fetch the goal chain's Kolada KPIs and merge them into data/ (see the module doc).

    ``client`` (for tests or custom retries) replaces ``base_url``, ``refresh`` and
    ``timeout``. The project's files are read before anything is asked, so a broken
    file fails fast. Raises :class:`KoladaError` (network, bad answer: nothing
    written), :class:`DataValidationError` (the project's files) or
    :class:`FetchPlanError`.
    """
    plan = plan_fetch(paths, year_from, year_to)
    outcomes_file = writable_table(paths, OUTCOMES)
    table = CsvText.read_or_new(outcomes_file, paths, OUTCOMES)
    known_members = members_from_table(group_table(paths), plan.groups)
    client = client or make_client(paths, base_url=base_url, refresh=refresh, timeout=timeout)
    report = FetchReport(plan=plan, base_url=client.base_url)
    started = (now or local_now)()

    metadata = _fetch_kpis(client, plan.kpis)
    unknown = [k for k in plan.kpis if k not in metadata]
    if unknown:
        report.warnings.append(
            "Kolada känner inte till nyckeltalen " + ", ".join(unknown) + " (se data/malkedja.yml)."
        )
    groups = _fetch_groups(client, plan.groups, report)
    members: set[str] = set()
    for gid in plan.groups:
        if gid in groups:
            members.update(m for m, _ in groups[gid].members)
        else:
            members.update(known_members.get(gid, ()))
    areas = tuple(sorted({plan.kommun, RIKET} | members))
    report.areas = areas

    parsed = ParsedData()
    for kpi_batch in batched(plan.kpis):
        for area_batch in batched(areas):
            for year_batch in batched([str(y) for y in plan.years]):
                url = client.url(
                    "data", "kpi", kpi_batch, "municipality", area_batch, "year", year_batch
                )
                parsed.add(client.get_all(url), url, set(kpi_batch), set(area_batch), plan.years)

    merged, changed = merge_outcomes(table, parsed.scope, list(parsed.outcomes.values()))
    report.values = len(parsed.outcomes)
    report.deleted = parsed.deleted
    report.missing = parsed.missing
    own = [(k, y, g, v) for k, a, y, g, v in parsed.cells if a == plan.kommun]
    report.withheld = withheld_lines(own, plan.indikatorer, plan.kommun)
    report.changed_rows = changed
    report.calls = list(client.calls)
    report.http_requests = client.http_requests

    writes: list[tuple[Path, bytes]] = [(outcomes_file, merged.render())]
    if groups:
        group_file = _group_file_for_write(paths, report)
        if group_file is not None:
            groups_csv = CsvText.read_or_new(group_file, paths, GROUPS)
            writes.append((group_file, merge_groups(groups_csv, groups).render()))
    writes.append((paths.kolada_kpi_file, kpi_yaml(paths, metadata)))
    entry: dict[str, Any] = {
        "metod": "api",
        "tid": started.isoformat(timespec="seconds"),
        "bas_url": client.base_url,
        "kommun": plan.kommun,
        "kpi": list(plan.kpis),
        "jamforelsegrupper": list(plan.groups),
        "omraden": list(areas),
        "ar": list(plan.years),
        "antal_varden": report.values,
        "antal_borttagna": parsed.deleted,
        "antal_utan_varde": parsed.missing,
        "anrop": [{"url": c.url, "ur_cache": c.from_cache} for c in client.calls],
    }
    writes.append((paths.kolada_provenance_file, provenance_yaml(paths, entry)))
    report.written = commit(writes)
    return report


def _fetch_kpis(client: KoladaClient, kpis: Sequence[str]) -> dict[str, KpiMetadata]:
    found: dict[str, KpiMetadata] = {}
    for batch in batched(kpis):
        url = client.url("kpi", batch)
        for item in client.get_all(url):
            meta = parse_kpi(item, url)
            if meta.id in batch:
                found[meta.id] = meta
    return found


def _fetch_groups(
    client: KoladaClient, ids: Sequence[str], report: FetchReport
) -> dict[str, Group]:
    groups: dict[str, Group] = {}
    for gid in ids:
        url = client.url("municipality_groups", gid)
        for item in client.get_all(url):
            group = parse_group(item, url)
            if group.id == gid:
                groups[gid] = group
        if gid not in groups:
            report.warnings.append(
                f"Kolada känner inte till jämförelsegruppen {gid}; "
                "medlemmarna togs från data/jamforelsegrupper.csv."
            )
    return groups


def members_from_table(frame: pd.DataFrame | None, ids: Iterable[str]) -> dict[str, list[str]]:
    if frame is None:
        return {}
    wanted = set(ids)
    out: dict[str, list[str]] = {}
    for grupp, kommun in zip(frame["grupp"], frame["kommun"], strict=True):
        if grupp in wanted and kommun:
            out.setdefault(str(grupp), []).append(area_id(str(kommun)))
    return out


def _group_file_for_write(paths: ProjectPaths, report: FetchReport) -> Path | None:
    try:
        return writable_table(paths, GROUPS)
    except FetchPlanError as exc:
        report.warnings.append(f"Jämförelsegrupperna skrevs inte: {exc}")
        return None


def _year_span(years: Sequence[int]) -> str:
    if not years:
        return "–"
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"
