"""Kolada: the kommun's indicator outcomes from RKA's open KPI database.

:func:`fetch` reads which Kolada KPIs the goal chain uses (indicators with
``kalla: kolada`` in ``data/malkedja.yml``) and asks the Kolada API v3 for their
values for the kommun, for riket (``0000``) and for the members of the comparison
groups named in ``params/perioder.yml`` (whose membership it refreshes from
``/municipality_groups/{id}``). :func:`import_export` reads a Kolada CSV export
instead, for a user without network.

Both merge into ``data/indikatorutfall.csv`` the same way. The unit of replacement is
a (KPI, område, år) triple: a triple for which Kolada delivered a value (or marked
one deleted) is replaced with all its kön rows; every other row, the kommun's own
indicators and other years included, stays as it was. Files are written atomically
only after everything was fetched and checked, so a failed run leaves ``data/``
byte-identical. Alongside, ``data/kolada_kalla.yml`` records the provenance (what
was asked, when, from which URLs, how many values) and ``data/kolada_kpi.yml`` the
KPI metadata (title, description, divided by kön, publication dates).

Kolada's terms require the source to be stated as "Källa: Kolada" wherever the
figures are shown: report code calls :func:`kolada_source_note`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import yaml
from pydantic import BaseModel

from kommunrapport.data.datasets import DATASETS, type_table
from kommunrapport.data.errors import DataValidationError, KommunrapportError, Problem
from kommunrapport.data.fsutil import write_atomic
from kommunrapport.data.loader import MALKEDJA, ORGANISATION
from kommunrapport.data.model import Kommunmodell, Malkedja, Organisation, Perioder
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.data.tableio import TableReadError, parse_number, read_table_text
from kommunrapport.data.yamlio import parse_model, read_yaml
from kommunrapport.kolada.areas import known_areas
from kommunrapport.kolada.client import (
    DEFAULT_BASE_URL,
    Call,
    JsonObject,
    KoladaClient,
    KoladaError,
    KoladaResponseError,
    ResponseCache,
    RetryPolicy,
    batched,
    resolve_base_url,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "KOLADA_SOURCE_NOTE",
    "RIKET",
    "FetchPlan",
    "FetchPlanError",
    "FetchReport",
    "ImportReport",
    "KoladaError",
    "KpiMetadata",
    "Outcome",
    "fetch",
    "import_export",
    "kolada_source_note",
    "load_kpi_metadata",
    "make_client",
    "plan_fetch",
]

KOLADA_SOURCE_NOTE = "Källa: Kolada"
"""The attribution Kolada's terms of use require wherever its figures are shown."""
RIKET = "0000"
DEFAULT_HISTORY_YEARS = 4
"""Without --year-from: this many years before the first report year."""
PROVENANCE_HISTORY = 10
GENDERS = ("T", "K", "M")
OUTCOMES = "indikatorutfall"
GROUPS = "jamforelsegrupper"
_GENERATED = (
    "# Skriven av 'kommunrapport kolada'. Ändra inte för hand: filen skrivs om vid nästa hämtning."
)

M = TypeVar("M", bound=BaseModel)
Triple = tuple[str, str, int]


class FetchPlanError(KommunrapportError):
    """Nothing sensible to fetch or import (no Kolada indicators, bad years, bad file)."""


# --- what is fetched ---------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One row of ``indikatorutfall``."""

    indikator: str
    omrade: str
    ar: int
    kon: str
    varde: float
    status: str | None = None

    @property
    def triple(self) -> Triple:
        return (self.indikator, self.omrade, self.ar)


@dataclass(frozen=True)
class KpiMetadata:
    """What Kolada says about a KPI (``/kpi/{id}``)."""

    id: str
    title: str
    description: str = ""
    is_divided_by_gender: bool = False
    prel_publication_date: str | None = None
    publication_date: str | None = None
    publ_period: int | None = None

    @property
    def unit(self) -> str:
        """Kolada has no unit field: the unit is the suffix of the title (", kr/inv")."""
        head, sep, tail = self.title.rpartition(",")
        return tail.strip() if sep and head else ""

    def to_yaml(self) -> dict[str, Any]:
        return {
            "titel": self.title,
            "beskrivning": self.description,
            "enhet": self.unit,
            "uppdelad_pa_kon": self.is_divided_by_gender,
            "preliminar_publicering": self.prel_publication_date,
            "publicering": self.publication_date,
            "publiceringsperiod": self.publ_period,
        }

    @classmethod
    def from_yaml(cls, kpi_id: str, data: Mapping[str, Any]) -> KpiMetadata:
        period = data.get("publiceringsperiod")
        return cls(
            id=kpi_id,
            title=str(data.get("titel") or ""),
            description=str(data.get("beskrivning") or ""),
            is_divided_by_gender=bool(data.get("uppdelad_pa_kon")),
            prel_publication_date=_opt_text(data.get("preliminar_publicering")),
            publication_date=_opt_text(data.get("publicering")),
            publ_period=int(period) if isinstance(period, int) else None,
        )


@dataclass(frozen=True)
class Group:
    """A Kolada municipality group and its members (id, name)."""

    id: str
    title: str
    members: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class FetchPlan:
    """What to ask Kolada for."""

    kommun: str
    kpis: tuple[str, ...]
    groups: tuple[str, ...]
    years: tuple[int, ...]


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


@dataclass
class ImportReport:
    """What an import did; :meth:`summary` is the Swedish text the CLI prints."""

    source: str
    values: int = 0
    missing: int = 0
    deleted: int = 0
    kpis: tuple[str, ...] = ()
    skipped_kpis: tuple[str, ...] = ()
    skipped_areas: tuple[str, ...] = ()
    written: list[Path] = field(default_factory=list)

    def summary(self, paths: ProjectPaths) -> str:
        lines = [
            f"Importerade {self.values} värden för {len(self.kpis)} nyckeltal från {self.source}."
        ]
        if self.skipped_kpis:
            lines.append(
                "Hoppade över nyckeltal som inte är Kolada-indikatorer i data/malkedja.yml: "
                + ", ".join(self.skipped_kpis)
                + "."
            )
        if self.skipped_areas:
            lines.append(
                "Hoppade över områden som varken är kommunen, riket eller en kommun i "
                "data/jamforelsegrupper.csv: " + ", ".join(self.skipped_areas) + "."
            )
        if self.written:
            lines.append("Skrev " + ", ".join(paths.relative(p) for p in self.written) + ".")
        else:
            lines.append("Inga filer ändrades: datat var redan aktuellt.")
        lines.append(KOLADA_SOURCE_NOTE)
        return "\n".join(lines)


# --- for the report ------------------------------------------------------------------------


def kolada_source_note(model: Kommunmodell, *, with_date: bool = True) -> str | None:
    """``"Källa: Kolada"`` (with the date of the last fetch when known) if the goal chain
    has any Kolada indicator, else None. Show it wherever Kolada figures appear."""
    if not any(i.kalla == "kolada" for i in model.indikatorer().values()):
        return None
    if with_date:
        when = _last_retrieved(model.paths)
        if when is not None:
            return f"{KOLADA_SOURCE_NOTE} (hämtat {when.isoformat()})"
    return KOLADA_SOURCE_NOTE


def load_kpi_metadata(paths: ProjectPaths) -> dict[str, KpiMetadata]:
    """The KPI metadata last fetched (``data/kolada_kpi.yml``); empty if never fetched."""
    data = _read_tool_yaml(paths.kolada_kpi_file)
    kpis = data.get("kpi")
    if not isinstance(kpis, dict):
        return {}
    return {
        str(k): KpiMetadata.from_yaml(str(k), v) for k, v in kpis.items() if isinstance(v, dict)
    }


def _last_retrieved(paths: ProjectPaths) -> date | None:
    history = _read_tool_yaml(paths.kolada_provenance_file).get("hamtningar")
    if not isinstance(history, list) or not history or not isinstance(history[0], dict):
        return None
    when = history[0].get("tid")
    if isinstance(when, datetime):
        return when.date()
    try:
        return datetime.fromisoformat(str(when)).date()
    except ValueError:
        return None


# --- reading the project's inputs ----------------------------------------------------------


def _yaml_model(paths: ProjectPaths, path: Path, model: type[M], problems: list[Problem]) -> M:
    shown = paths.relative(path)
    doc, found = read_yaml(path, shown)
    problems.extend(found)
    if doc is None:
        raise DataValidationError(problems)
    parsed, found = parse_model(model, doc, shown)
    problems.extend(found)
    if parsed is None:
        raise DataValidationError(problems)
    return parsed


def _group_table(paths: ProjectPaths) -> pd.DataFrame | None:
    files = paths.table_candidates(GROUPS)
    if not files:
        return None
    shown = paths.relative(files[0])
    try:
        text = read_table_text(files[0], shown)
    except TableReadError as exc:
        raise DataValidationError([exc.problem]) from None
    frame, problems = type_table(DATASETS[GROUPS], text, shown)
    if problems:
        raise DataValidationError(problems)
    return frame


def _kolada_kpis(chain: Malkedja) -> tuple[str, ...]:
    return tuple(
        sorted({i.id for m in chain.namndmal for i in m.indikatorer if i.kalla == "kolada"})
    )


def plan_fetch(
    paths: ProjectPaths, year_from: int | None = None, year_to: int | None = None
) -> FetchPlan:
    """What to ask for, read from data/kommun.yml, data/malkedja.yml and params/perioder.yml.

    Only those files are needed (not the tables), so the first fetch works before
    ``data/indikatorutfall.csv`` exists. Years default to the report years in
    params/perioder.yml and the :data:`DEFAULT_HISTORY_YEARS` before them.
    """
    org = _yaml_model(paths, paths.yaml_file(ORGANISATION), Organisation, [])
    chain = _yaml_model(paths, paths.yaml_file(MALKEDJA), Malkedja, [])
    params = _yaml_model(paths, paths.params_file, Perioder, [])
    kpis = _kolada_kpis(chain)
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
    )


# --- fetching ------------------------------------------------------------------------------


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
    outcomes_file = _writable_table(paths, OUTCOMES)
    table = _CsvText.read_or_new(outcomes_file, paths, OUTCOMES)
    known_members = _members_from_table(_group_table(paths), plan.groups)
    client = client or make_client(paths, base_url=base_url, refresh=refresh, timeout=timeout)
    report = FetchReport(plan=plan, base_url=client.base_url)
    started = (now or _now)()

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

    parsed = _Parsed()
    for kpi_batch in batched(plan.kpis):
        for area_batch in batched(areas):
            for year_batch in batched([str(y) for y in plan.years]):
                url = client.url(
                    "data", "kpi", kpi_batch, "municipality", area_batch, "year", year_batch
                )
                parsed.add(client.get_all(url), url, set(kpi_batch), set(area_batch), plan.years)

    merged, changed = _merge_outcomes(table, parsed.scope, list(parsed.outcomes.values()))
    report.values = len(parsed.outcomes)
    report.deleted = parsed.deleted
    report.missing = parsed.missing
    report.changed_rows = changed
    report.calls = list(client.calls)
    report.http_requests = client.http_requests

    writes: list[tuple[Path, bytes]] = [(outcomes_file, merged.render())]
    if groups:
        group_file = _group_file_for_write(paths, report)
        if group_file is not None:
            group_table = _CsvText.read_or_new(group_file, paths, GROUPS)
            writes.append((group_file, _merge_groups(group_table, groups).render()))
    writes.append((paths.kolada_kpi_file, _kpi_yaml(paths, metadata)))
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
    writes.append((paths.kolada_provenance_file, _provenance_yaml(paths, entry)))
    report.written = _commit(writes)
    return report


def _now() -> datetime:
    return datetime.now().astimezone()


def _fetch_kpis(client: KoladaClient, kpis: Sequence[str]) -> dict[str, KpiMetadata]:
    found: dict[str, KpiMetadata] = {}
    for batch in batched(kpis):
        url = client.url("kpi", batch)
        for item in client.get_all(url):
            meta = _parse_kpi(item, url)
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
            group = _parse_group(item, url)
            if group.id == gid:
                groups[gid] = group
        if gid not in groups:
            report.warnings.append(
                f"Kolada känner inte till jämförelsegruppen {gid}; "
                "medlemmarna togs från data/jamforelsegrupper.csv."
            )
    return groups


def _members_from_table(frame: pd.DataFrame | None, ids: Iterable[str]) -> dict[str, list[str]]:
    if frame is None:
        return {}
    wanted = set(ids)
    out: dict[str, list[str]] = {}
    for grupp, kommun in zip(frame["grupp"], frame["kommun"], strict=True):
        if grupp in wanted and kommun:
            out.setdefault(str(grupp), []).append(_area(str(kommun)))
    return out


# --- parsing v3 answers --------------------------------------------------------------------


def _opt_text(value: object) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def _need(item: JsonObject, key: str, url: str) -> object:
    if key not in item:
        raise KoladaResponseError(f"Ett värde i svaret från {url} saknar fältet '{key}'.")
    return item[key]


def _parse_kpi(item: JsonObject, url: str) -> KpiMetadata:
    period = item.get("publ_period")
    return KpiMetadata(
        id=str(_need(item, "id", url)),
        title=str(item.get("title") or ""),
        description=str(item.get("description") or ""),
        is_divided_by_gender=bool(item.get("is_divided_by_gender")),
        prel_publication_date=_opt_text(item.get("prel_publication_date")),
        publication_date=_opt_text(item.get("publication_date")),
        publ_period=int(str(period)) if str(period).isdigit() else None,
    )


def _parse_group(item: JsonObject, url: str) -> Group:
    members = _need(item, "members", url)
    if not isinstance(members, list):
        raise KoladaResponseError(f"Gruppen i svaret från {url} har ingen lista 'members'.")
    pairs: list[tuple[str, str]] = []
    for m in members:
        if not isinstance(m, dict) or "member_id" not in m:
            raise KoladaResponseError(f"En medlem i svaret från {url} saknar 'member_id'.")
        pairs.append((_area(str(m["member_id"])), str(m.get("member_title") or "")))
    return Group(str(_need(item, "id", url)), str(item.get("title") or ""), tuple(sorted(pairs)))


class _Parsed:
    """Data items collected across requests: outcomes by key, and the triples touched."""

    def __init__(self) -> None:
        self.outcomes: dict[tuple[str, str, int, str], Outcome] = {}
        self.scope: set[Triple] = set()
        self.deleted = 0
        self.missing = 0

    def add(
        self,
        items: Iterable[JsonObject],
        url: str,
        kpis: set[str],
        areas: set[str],
        years: Sequence[int],
    ) -> None:
        wanted_years = set(years)
        for item in items:
            kpi = str(_need(item, "kpi", url))
            area = _area(str(_need(item, "municipality", url)))
            period = _need(item, "period", url)
            try:
                year = int(str(period))
            except ValueError:
                raise KoladaResponseError(
                    f"Perioden '{period}' i svaret från {url} är inget år."
                ) from None
            values = _need(item, "values", url)
            if not isinstance(values, list):
                raise KoladaResponseError(f"Fältet 'values' i svaret från {url} är ingen lista.")
            if kpi not in kpis or area not in areas or year not in wanted_years:
                continue
            for v in values:
                self._add_value(v, kpi, area, year, url)

    def _add_value(self, v: object, kpi: str, area: str, year: int, url: str) -> None:
        if not isinstance(v, dict):
            raise KoladaResponseError(f"Ett värde i svaret från {url} är inget objekt.")
        gender = str(v.get("gender") or "T").upper()
        if gender not in GENDERS:
            raise KoladaResponseError(
                f"Okänt kön '{gender}' i svaret från {url} (Kolada använder T, K och M)."
            )
        if v.get("isdeleted") is True:
            self.deleted += 1
            self.scope.add((kpi, area, year))
            return
        value = v.get("value")
        if value is None:
            self.missing += 1
            return
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise KoladaResponseError(f"Värdet {value!r} i svaret från {url} är inget tal.")
        status = _opt_text(v.get("status"))
        self.outcomes[(kpi, area, year, gender)] = Outcome(
            kpi, area, year, gender, float(value), status
        )
        self.scope.add((kpi, area, year))


# --- importing a Kolada export ---------------------------------------------------------------

IMPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "kpi": ("kpi", "kpi_id", "nyckeltal", "nyckeltals-id", "indikator"),
    "municipality_id": ("municipality_id", "kommun_id", "omrade", "område", "municipality"),
    "period": ("period", "year", "ar", "år"),
    "gender": ("gender", "kon", "kön"),
    "value": ("value", "varde", "värde"),
    "status": ("status",),
    "isdeleted": ("isdeleted",),
}
"""Accepted columns of a Kolada CSV export (case does not matter; other columns are
ignored). kpi, municipality_id, period and value are required; gender defaults to T."""
_REQUIRED_IMPORT = ("kpi", "municipality_id", "period", "value")
_GENDER_WORDS = {"t": "T", "totalt": "T", "k": "K", "kvinnor": "K", "m": "M", "män": "M"}
_TRUE_WORDS = {"true", "1", "ja", "sant"}


def import_export(
    paths: ProjectPaths, file: Path, *, now: Callable[[], datetime] | None = None
) -> ImportReport:
    """Import a Kolada CSV export (long format; comma or semicolon, decimal point or
    comma; also .xlsx) into data/indikatorutfall.csv with the same merge as :func:`fetch`.

    Columns (see :data:`IMPORT_COLUMNS`): ``kpi, municipality_id, period, gender, value``
    and optionally ``status`` and ``isdeleted``. Rows of KPIs that are not Kolada
    indicators of the goal chain are skipped and listed in the report.
    """
    chain = _yaml_model(paths, paths.yaml_file(MALKEDJA), Malkedja, [])
    wanted = set(_kolada_kpis(chain))
    if not wanted:
        raise FetchPlanError(
            "data/malkedja.yml har inga indikatorer med 'kalla: kolada'; "
            "det finns inget att importera."
        )
    if not file.is_file():
        raise FetchPlanError(f"Filen {file} finns inte.")
    outcomes_file = _writable_table(paths, OUTCOMES)
    shown = paths.relative(file)
    started = (now or _now)()
    try:
        text = read_table_text(file, shown)
    except TableReadError as exc:
        raise DataValidationError([exc.problem]) from None
    columns = _import_columns(text, shown)

    problems: list[Problem] = []
    outcomes: dict[tuple[str, str, int, str], Outcome] = {}
    scope: set[Triple] = set()
    skipped: set[str] = set()
    areas, skipped_areas = known_areas(paths), set[str]()
    report = ImportReport(source=shown)
    for row, rec in text.iterrows():
        line = int(str(row))

        def cell(key: str, rec: pd.Series = rec) -> str:
            name = columns.get(key)
            return str(rec[name]).strip() if name is not None else ""

        kpi = cell("kpi").upper()
        if not kpi:
            problems.append(Problem(shown, line, columns["kpi"], "värde saknas."))
            continue
        if kpi not in wanted:
            skipped.add(kpi)
            continue
        area = _area(cell("municipality_id"))
        if not area.isdigit() or len(area) != 4:
            problems.append(
                Problem(
                    shown,
                    line,
                    columns["municipality_id"],
                    f"'{area}' är inget Kolada-id för en kommun (fyra siffror, t.ex. 1487)."
                    if area
                    else "värde saknas.",
                )
            )
            area = ""
        year = _year(cell("period"))
        if year is None:
            problems.append(
                Problem(shown, line, columns["period"], f"'{cell('period')}' är inget år.")
            )
        gender = _GENDER_WORDS.get(cell("gender").lower() or "t")
        if gender is None:
            problems.append(
                Problem(
                    shown,
                    line,
                    columns.get("gender"),
                    f"'{cell('gender')}' är inget kön (T, K eller M).",
                )
            )
        raw_value = cell("value")
        try:
            value = parse_number(raw_value)
        except ValueError:
            problems.append(
                Problem(shown, line, columns["value"], f"'{raw_value}' är inte ett tal.")
            )
            continue
        if not area or year is None or gender is None:
            continue
        if areas is not None and area not in areas:
            skipped_areas.add(area)
            continue
        if cell("isdeleted").lower() in _TRUE_WORDS:
            report.deleted += 1
            scope.add((kpi, area, year))
            continue
        if value is None:
            report.missing += 1
            continue
        key = (kpi, area, year, gender)
        if key in outcomes:
            problems.append(
                Problem(
                    shown,
                    line,
                    columns["kpi"],
                    f"dubblett: {kpi}, {area}, {year}, {gender} finns redan på en tidigare rad.",
                )
            )
            continue
        outcomes[key] = Outcome(kpi, area, year, gender, value, _opt_text(cell("status")))
        scope.add((kpi, area, year))
    if problems:
        raise DataValidationError(problems)

    table = _CsvText.read_or_new(outcomes_file, paths, OUTCOMES)
    merged, _ = _merge_outcomes(table, scope, list(outcomes.values()))
    report.values = len(outcomes)
    report.kpis = tuple(sorted({k[0] for k in outcomes}))
    report.skipped_kpis = tuple(sorted(skipped))
    report.skipped_areas = tuple(sorted(skipped_areas))
    entry: dict[str, Any] = {
        "metod": "import",
        "tid": started.isoformat(timespec="seconds"),
        "fil": shown,
        "kpi": list(report.kpis),
        "omraden": sorted({k[1] for k in outcomes}),
        "ar": sorted({k[2] for k in outcomes}),
        "antal_varden": report.values,
        "antal_borttagna": report.deleted,
        "antal_utan_varde": report.missing,
    }
    report.written = _commit(
        [
            (outcomes_file, merged.render()),
            (paths.kolada_provenance_file, _provenance_yaml(paths, entry)),
        ]
    )
    return report


def _import_columns(text: pd.DataFrame, shown: str) -> dict[str, str]:
    present = {str(c).strip().lower(): str(c) for c in text.columns}
    found: dict[str, str] = {}
    for key, aliases in IMPORT_COLUMNS.items():
        for alias in aliases:
            if alias in present:
                found[key] = present[alias]
                break
    missing = [k for k in _REQUIRED_IMPORT if k not in found]
    if missing:
        accepted = "kpi, municipality_id, period, gender, value (och valfritt status, isdeleted)"
        raise DataValidationError(
            [
                Problem(
                    shown,
                    1,
                    k,
                    f"kolumnen '{k}' saknas i rubrikraden. En Kolada-export ska ha "
                    f"kolumnerna {accepted}.",
                )
                for k in missing
            ]
        )
    return found


def _year(text: str) -> int | None:
    try:
        value = parse_number(text)
    except ValueError:
        return None
    if value is None or not float(value).is_integer() or not 1900 <= value <= 2100:
        return None
    return int(value)


def _area(text: str) -> str:
    """A Kolada area id as Kolada writes it: Excel turns 0180 into 180; undo that."""
    text = text.strip()
    return text.zfill(4) if text.isdigit() and len(text) < 4 else text


# --- merging into data/ ---------------------------------------------------------------------


def _writable_table(paths: ProjectPaths, stem: str) -> Path:
    target = paths.table_csv(stem)
    others = [p for p in paths.table_candidates(stem) if p != target]
    if others:
        raise FetchPlanError(
            f"{paths.relative(others[0])} finns, men Kolada-data skrivs till "
            f"{paths.relative(target)}. Spara tabellen som CSV (och ta bort Excel-filen) först."
        )
    return target


def _group_file_for_write(paths: ProjectPaths, report: FetchReport) -> Path | None:
    try:
        return _writable_table(paths, GROUPS)
    except FetchPlanError as exc:
        report.warnings.append(f"Jämförelsegrupperna skrevs inte: {exc}")
        return None


@dataclass
class _CsvText:
    """A CSV file as text cells, remembering how it was written (delimiter, BOM,
    line ends) so rows that are kept come back with the same content."""

    header: list[str]
    rows: list[list[str]]
    delimiter: str = ","
    newline: str = "\n"
    bom: bool = False

    @classmethod
    def read_or_new(cls, path: Path, paths: ProjectPaths, stem: str) -> _CsvText:
        if not path.exists():
            return cls([c.name for c in DATASETS[stem].columns], [])
        raw = path.read_bytes()
        bom = raw.startswith(b"\xef\xbb\xbf")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text, bom = raw.decode("cp1252", errors="replace"), True
        if not text.strip():
            return cls([c.name for c in DATASETS[stem].columns], [], bom=bom)
        first = text.splitlines()[0]
        counts = {d: first.count(d) for d in (";", ",", "\t")}
        delimiter = max(counts, key=lambda d: counts[d]) if max(counts.values()) else ","
        newline = "\r\n" if "\r\n" in text else "\n"
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        header = [h.strip() for h in rows[0]]
        body = [r for r in rows[1:] if any(c.strip() for c in r)]
        table = cls(header, body, delimiter, newline, bom)
        missing = [c.name for c in DATASETS[stem].columns if c.required and c.name not in header]
        if missing:
            raise DataValidationError(
                [
                    Problem(paths.relative(path), 1, m, f"kolumnen '{m}' saknas i rubrikraden.")
                    for m in missing
                ]
            )
        return table

    def index(self, name: str) -> int:
        return self.header.index(name)

    def ensure_column(self, name: str) -> int:
        if name not in self.header:
            self.header.append(name)
        return self.index(name)

    def cell(self, row: list[str], name: str) -> str:
        i = self.index(name)
        return row[i].strip() if i < len(row) else ""

    def render(self) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=self.delimiter, lineterminator=self.newline)
        writer.writerow(self.header)
        width = len(self.header)
        for row in self.rows:
            writer.writerow((row + [""] * width)[:width] if len(row) < width else row)
        data = buffer.getvalue().encode("utf-8")
        return (b"\xef\xbb\xbf" + data) if self.bom else data


def _format_number(value: float, decimal_comma: bool) -> str:
    text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return text.replace(".", ",") if decimal_comma else text


def _merge_outcomes(
    table: _CsvText, scope: set[Triple], outcomes: list[Outcome]
) -> tuple[_CsvText, int]:
    """Replace the rows whose (indikator, omrade, ar) is in ``scope`` by ``outcomes``.

    To keep diffs small, a row whose key comes back keeps its place, and keeps its
    text when the value and status are unchanged; a row in scope whose key did not
    come back is removed; new keys are appended, sorted. Returns the table and the
    number of rows removed or changed.
    """
    if any(o.status for o in outcomes):
        table.ensure_column("status")
    has_status = "status" in table.header
    comma = table.delimiter == ";"
    width = len(table.header)
    pending = {(o.indikator, o.omrade, o.ar, o.kon): o for o in outcomes}
    rows: list[list[str]] = []
    changed = 0
    for old in table.rows:
        year = _year(table.cell(old, "ar"))
        triple = (table.cell(old, "indikator"), _area(table.cell(old, "omrade")), year)
        if year is None or triple not in scope:
            rows.append(old)
            continue
        new = pending.pop((*triple, table.cell(old, "kon").upper()), None)
        if new is None:
            changed += 1
            continue
        row = (old + [""] * width)[:width] if len(old) < width else list(old)
        if _number_or_none(table.cell(old, "varde")) != new.varde:
            row[table.index("varde")] = _format_number(new.varde, comma)
        if has_status and (table.cell(old, "status") or None) != new.status:
            row[table.index("status")] = new.status or ""
        changed += row != old
        rows.append(row)
    order = {g: i for i, g in enumerate(GENDERS)}
    for o in sorted(pending.values(), key=lambda o: (o.indikator, o.omrade, o.ar, order[o.kon])):
        row = [""] * width
        row[table.index("indikator")] = o.indikator
        row[table.index("omrade")] = o.omrade
        row[table.index("ar")] = str(o.ar)
        row[table.index("kon")] = o.kon
        row[table.index("varde")] = _format_number(o.varde, comma)
        if has_status:
            row[table.index("status")] = o.status or ""
        rows.append(row)
    merged = _CsvText(table.header, rows, table.delimiter, table.newline, table.bom)
    return merged, changed


def _number_or_none(text: str) -> float | None:
    try:
        return parse_number(text)
    except ValueError:
        return None


def _merge_groups(table: _CsvText, groups: Mapping[str, Group]) -> _CsvText:
    """Refresh the members of ``groups``, in place where a member stays."""
    width = len(table.header)
    pending = {(g.id, m): (g.title, name) for g in groups.values() for m, name in g.members}
    rows: list[list[str]] = []
    for old in table.rows:
        gid = table.cell(old, "grupp")
        if gid not in groups:
            rows.append(old)
            continue
        fresh = pending.pop((gid, _area(table.cell(old, "kommun"))), None)
        if fresh is None:
            continue
        row = (old + [""] * width)[:width] if len(old) < width else list(old)
        row[table.index("gruppnamn")], row[table.index("kommunnamn")] = fresh
        rows.append(row)
    for (gid, member), (title, name) in sorted(pending.items()):
        row = [""] * width
        row[table.index("grupp")] = gid
        row[table.index("gruppnamn")] = title
        row[table.index("kommun")] = member
        row[table.index("kommunnamn")] = name
        rows.append(row)
    return _CsvText(table.header, rows, table.delimiter, table.newline, table.bom)


def _read_tool_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _dump_yaml(data: Mapping[str, Any]) -> bytes:
    body = yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False, width=100)
    return (_GENERATED + "\n" + body).encode("utf-8")


def _kpi_yaml(paths: ProjectPaths, metadata: Mapping[str, KpiMetadata]) -> bytes:
    old = load_kpi_metadata(paths)
    old.update(metadata)
    return _dump_yaml(
        {
            "kalla": KOLADA_SOURCE_NOTE,
            "kpi": {k: old[k].to_yaml() for k in sorted(old)},
        }
    )


def _provenance_yaml(paths: ProjectPaths, entry: Mapping[str, Any]) -> bytes:
    history = _read_tool_yaml(paths.kolada_provenance_file).get("hamtningar")
    older = [h for h in history if isinstance(h, dict)] if isinstance(history, list) else []
    return _dump_yaml(
        {
            "kalla": f"{KOLADA_SOURCE_NOTE} (RKA, https://www.kolada.se)",
            "hamtningar": [dict(entry), *older][:PROVENANCE_HISTORY],
        }
    )


def _commit(writes: Sequence[tuple[Path, bytes]]) -> list[Path]:
    """Write each file atomically (temp file + rename); skip files whose bytes are unchanged."""
    written: list[Path] = []
    for path, data in writes:
        try:
            if path.read_bytes() == data:
                continue
        except FileNotFoundError:
            pass
        write_atomic(path, data)
        written.append(path)
    return written


def _year_span(years: Sequence[int]) -> str:
    if not years:
        return "–"
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"
