"""Importing a Kolada export: ``kommunrapport kolada import``, for a user without network.

:func:`import_export` reads a Kolada CSV (or .xlsx) export in long format and merges it
into ``data/indikatorutfall.csv`` exactly as a fetch does (see :mod:`.merge`), and
records the import in ``data/kolada_kalla.yml``. Like a fetch it keeps only the kommun,
riket and the members of the comparison groups in params/perioder.yml (an export of all
kommuner is common), and warns about each indicator with no value in a report year.
Rows of KPIs that are not Kolada indicators of the goal chain are skipped and listed,
values the export withholds for the kommun (an empty value, or one kön left out beside
the total) are named per indicator and year; every bad cell is reported (file, row,
column) and then nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from kommunrapport.data.collector import MALKEDJA, ORGANISATION
from kommunrapport.data.errors import DataValidationError, Problem
from kommunrapport.data.model import Malkedja, Organisation, Perioder
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.data.tableio import (
    TableReadError,
    parse_number,
    read_notes,
    read_table_text,
)
from kommunrapport.data.withheld import withheld_lines
from kommunrapport.kolada.common import (
    KOLADA_SOURCE_NOTE,
    OUTCOMES,
    FetchPlanError,
    Outcome,
    Triple,
    area_id,
    kolada_kpis,
    local_now,
    opt_text,
    parse_year,
    project_yaml,
)
from kommunrapport.kolada.fetch import RIKET, group_table, members_from_table
from kommunrapport.kolada.merge import CsvText, commit, merge_outcomes, writable_table
from kommunrapport.kolada.metadata import provenance_yaml

__all__ = ["IMPORT_COLUMNS", "ImportReport", "import_export"]


@dataclass
class ImportReport:
    """What an import did; :meth:`summary` is the Swedish text the CLI prints."""

    source: str
    values: int = 0
    missing: int = 0
    deleted: int = 0
    kpis: tuple[str, ...] = ()
    skipped_kpis: tuple[str, ...] = ()
    written: list[Path] = field(default_factory=list)
    kept_areas: tuple[str, ...] = ()
    dropped: int = 0
    dropped_areas: tuple[str, ...] = ()
    warnings: list[str] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)
    """What the export withheld for the kommun, one line per indicator (see
    :mod:`kommunrapport.data.withheld`)."""

    def summary(self, paths: ProjectPaths) -> str:
        lines = [
            f"Importerade {self.values} värden för {len(self.kpis)} nyckeltal från {self.source}."
        ]
        lines.extend(f"Obs: {w}" for w in self.withheld)
        lines.append(
            f"Behöll raderna för {len(self.kept_areas)} områden (kommunen, riket och "
            f"jämförelsegruppernas medlemmar); släppte {self.dropped} rader för "
            f"{len(self.dropped_areas)} andra områden."
        )
        if self.skipped_kpis:
            lines.append(
                "Hoppade över nyckeltal som inte är Kolada-indikatorer i data/malkedja.yml: "
                + ", ".join(self.skipped_kpis)
                + "."
            )
        if self.written:
            lines.append("Skrev " + ", ".join(paths.relative(p) for p in self.written) + ".")
        else:
            lines.append("Inga filer ändrades: datat var redan aktuellt.")
        lines.extend(f"Varning: {w}" for w in self.warnings)
        lines.append(KOLADA_SOURCE_NOTE)
        return "\n".join(lines)


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
    chain = project_yaml(paths, paths.yaml_file(MALKEDJA), Malkedja, [])
    org = project_yaml(paths, paths.yaml_file(ORGANISATION), Organisation, [])
    params = project_yaml(paths, paths.params_file, Perioder, [])
    groups = {n.jamforelsegrupp for p in params.perioder for n in p.namnder if n.jamforelsegrupp}
    members = members_from_table(group_table(paths), groups)
    keep = {org.kommun.kolada_id, RIKET} | {m for ms in members.values() for m in ms}
    dropped_areas: set[str] = set()
    wanted = set(kolada_kpis(chain))
    if not wanted:
        raise FetchPlanError(
            "data/malkedja.yml har inga indikatorer med 'kalla: kolada'; "
            "det finns inget att importera."
        )
    if not file.is_file():
        raise FetchPlanError(f"Filen {file} finns inte.")
    outcomes_file = writable_table(paths, OUTCOMES)
    shown = paths.relative(file)
    started = (now or local_now)()
    try:
        text = read_table_text(file, shown)
    except TableReadError as exc:
        raise DataValidationError([exc.problem]) from None
    columns = _import_columns(text, shown)

    problems: list[Problem] = []
    outcomes: dict[tuple[str, str, int, str], Outcome] = {}
    scope: set[Triple] = set()
    skipped: set[str] = set()
    own_cells: list[tuple[str, int, str, bool]] = []
    report = ImportReport(source=shown)
    report.warnings += [f"{shown}: {note}." for note in read_notes(text)]
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
        area = area_id(cell("municipality_id"))
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
        year = parse_year(cell("period"))
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
        if area not in keep:
            report.dropped += 1
            dropped_areas.add(area)
            continue
        if cell("isdeleted").lower() in _TRUE_WORDS:
            report.deleted += 1
            scope.add((kpi, area, year))
            continue
        if area == org.kommun.kolada_id:
            own_cells.append((kpi, year, gender, value is not None))
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
        outcomes[key] = Outcome(kpi, area, year, gender, value, opt_text(cell("status")))
        scope.add((kpi, area, year))
    if problems:
        raise DataValidationError(problems)

    table = CsvText.read_or_new(outcomes_file, paths, OUTCOMES)
    merged, _ = merge_outcomes(table, scope, list(outcomes.values()))
    report.values = len(outcomes)
    report.kpis = tuple(sorted({k[0] for k in outcomes}))
    report.skipped_kpis = tuple(sorted(skipped))
    report.kept_areas = tuple(sorted({k[1] for k in outcomes}))
    report.dropped_areas = tuple(sorted(dropped_areas))
    report.warnings += _missing_years(merged, chain, org.kommun.kolada_id, params)
    report.withheld = withheld_lines(own_cells, chain.indikatorer(), org.kommun.kolada_id)
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
    report.written = commit(
        [
            (outcomes_file, merged.render()),
            (paths.kolada_provenance_file, provenance_yaml(paths, entry)),
        ]
    )
    return report


def _missing_years(table: CsvText, chain: Malkedja, kommun: str, params: Perioder) -> list[str]:
    """A warning for each Kolada indicator of the goal chain with no value for the kommun
    in a report year (after the import): it will be "ej bedömbar"."""
    have = {
        (
            table.cell(r, "indikator"),
            area_id(table.cell(r, "omrade")),
            parse_year(table.cell(r, "ar")),
        )
        for r in table.rows
        if table.cell(r, "varde")
    }
    years = sorted({p.year for p in params.perioder})
    return [
        f"{kpi} saknar värde för kommunen ({kommun}) {year}; indikatorn blir ej bedömbar det året."
        for kpi in kolada_kpis(chain)
        for year in years
        if (kpi, kommun, year) not in have
    ]


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
