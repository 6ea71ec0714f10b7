"""Merging Kolada values into the tables in ``data/`` and writing them.

The unit of replacement is a (KPI, område, år) triple: a triple for which Kolada
delivered a value (or marked one deleted) is replaced with all its kön rows; every
other row, the kommun's own indicators and other years included, stays as it was. A
kept row keeps its text, and the file keeps its delimiter, BOM and line ends, so diffs
stay small. Only CSV is written: an Excel table of the same name is refused rather
than shadowed. Files are written atomically by :func:`commit` and only after
everything was fetched and checked, so a failed run leaves ``data/`` byte-identical.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kommunrapport.data.datasets import DATASETS
from kommunrapport.data.errors import DataValidationError, Problem
from kommunrapport.data.fsutil import write_atomic
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.data.tableio import TableReadError, parse_number, read_workbook_text
from kommunrapport.kolada.common import (
    GENDERS,
    FetchPlanError,
    Group,
    Outcome,
    Triple,
    area_id,
    parse_year,
)

__all__ = ["CsvText", "commit", "merge_groups", "merge_outcomes", "writable_table"]


def writable_table(paths: ProjectPaths, stem: str) -> Path:
    target = paths.table_csv(stem)
    others = [p for p in paths.table_candidates(stem) if p != target]
    if others:
        raise FetchPlanError(
            f"{paths.relative(others[0])} finns, men Kolada-data skrivs till "
            f"{paths.relative(target)}. Spara tabellen som CSV (och ta bort Excel-filen) först."
        )
    book = paths.workbook_file
    if book.is_file():
        try:
            sheet = read_workbook_text(book, paths.relative(book), {stem}).get(stem)
        except TableReadError:
            sheet = None
        if isinstance(sheet, pd.DataFrame) and not sheet.empty:
            raise FetchPlanError(
                f"tabellen {stem} har rader på bladet '{stem}' i {paths.relative(book)}, men "
                f"Kolada-data skrivs till {paths.relative(target)}. Töm bladet (behåll "
                "rubrikraden) först, så ligger Kolada-värdena i CSV-filen."
            )
    return target


@dataclass
class CsvText:
    """A CSV file as text cells, remembering how it was written (delimiter, BOM,
    line ends) so rows that are kept come back with the same content."""

    header: list[str]
    rows: list[list[str]]
    delimiter: str = ","
    newline: str = "\n"
    bom: bool = False

    @classmethod
    def read_or_new(cls, path: Path, paths: ProjectPaths, stem: str) -> CsvText:
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


def merge_outcomes(
    table: CsvText, scope: set[Triple], outcomes: list[Outcome]
) -> tuple[CsvText, int]:
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
        year = parse_year(table.cell(old, "ar"))
        triple = (table.cell(old, "indikator"), area_id(table.cell(old, "omrade")), year)
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
    merged = CsvText(table.header, rows, table.delimiter, table.newline, table.bom)
    return merged, changed


def _number_or_none(text: str) -> float | None:
    try:
        return parse_number(text)
    except ValueError:
        return None


def merge_groups(table: CsvText, groups: Mapping[str, Group]) -> CsvText:
    """Refresh the members of ``groups``, in place where a member stays."""
    width = len(table.header)
    pending = {(g.id, m): (g.title, name) for g in groups.values() for m, name in g.members}
    rows: list[list[str]] = []
    for old in table.rows:
        gid = table.cell(old, "grupp")
        if gid not in groups:
            rows.append(old)
            continue
        fresh = pending.pop((gid, area_id(table.cell(old, "kommun"))), None)
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
    return CsvText(table.header, rows, table.delimiter, table.newline, table.bom)


def commit(writes: Sequence[tuple[Path, bytes]]) -> list[Path]:
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
