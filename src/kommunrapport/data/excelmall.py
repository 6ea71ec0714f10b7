"""``kommunrapport excel-mall``: one Excel workbook for every table, built from the registry.

The workbook has a Swedish instructions sheet, then one sheet per dataset (named as the
dataset, headers as in :mod:`kommunrapport.data.datasets`, each header with its
description as a comment), drop-down lists for every column with allowed values and for
the project's nämnder and periods (kept on a hidden sheet), and number formats that Excel
shows the Swedish way (``1 234,5``). Saved as ``data/kommunrapport.xlsx`` it replaces the
CSV files (see :class:`~kommunrapport.data.collector.Collector`). Nothing is overwritten.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import pandas as pd

from kommunrapport.data.datasets import DATASETS
from kommunrapport.data.errors import KommunrapportError
from kommunrapport.data.fsutil import create_exclusive
from kommunrapport.data.tablespec import Column, Dataset, Kind
from kommunrapport.data.yamlio import load_yaml

INSTRUCTIONS = "Instruktioner"
LISTS = "listor"
ROWS = 500
"""Rows below the header that get drop-down lists (formats are set per column, so that
empty rows are not written into the file and reading stays fast)."""

_FORMATS = {
    Kind.TEXT: "@",
    Kind.PERIOD: "@",
    Kind.INT: "#,##0",
    Kind.YEAR: "0",
    Kind.DATE: "yyyy-mm-dd",
}
_UNIT_FORMATS = {"tkr": "#,##0", "mnkr": "#,##0.0"}


class WorkbookExistsError(KommunrapportError):
    """The target file exists; the template never overwrites a file."""


def number_format(ds: Dataset, col: Column) -> str:
    """The cell format of a column: text for text and periods (so that Excel does not turn
    ``2022-08`` into a date), thousands separators for amounts, decimals where they count.
    Excel shows the separators of the user's locale, in Sweden space and comma."""
    if col.kind is Kind.NUMBER:
        if col.maximum == 100:
            return "0.0"
        return _UNIT_FORMATS.get(ds.unit, "#,##0.0##")
    return _FORMATS[col.kind]


def _instructions(namnder: Sequence[str], perioder: Sequence[str]) -> list[list[str]]:
    rows = [
        ["Kommunrapport: kommunens tabeller i en arbetsbok"],
        [],
        ["Så här fyller du i"],
        ["1. Varje blad är en tabell. Ändra inte bladens namn eller rubrikraden."],
        [
            "2. En rad per post. Tomma rader hoppas över. Rubrikernas kommentarer säger vad "
            "varje kolumn ska innehålla."
        ],
        [
            "3. Perioder skrivs ÅÅÅÅ-MM (t.ex. 2026-08) och datum ÅÅÅÅ-MM-DD. Kolumnerna är "
            "formaterade som text så att Excel inte gör om perioden till ett datum."
        ],
        ["4. Belopp skrivs som tal, gärna på svenskt sätt (1 234,5 och -12,3)."],
        ["5. Kolumner med en lista (nämnd, period, status, kön m.fl.) tar bara värdena i listan."],
        [
            "6. Spara filen som data/kommunrapport.xlsx i projektet och kör kommunrapport check. "
            "Fel anges med blad, rad och kolumn."
        ],
        [
            "7. En tabell finns antingen här eller som egen CSV-fil i data/, inte båda. Ett blad "
            "utan rader räknas inte, så Kolada-värdena kan ligga kvar i indikatorutfall.csv."
        ],
        [],
        ["Nämnder i projektet", ", ".join(namnder) or "(inga ännu: fyll i data/kommun.yml)"],
        ["Perioder i projektet", ", ".join(perioder) or "(inga ännu: fyll i params/perioder.yml)"],
        [],
        ["Blad", "Innehåll", "Krävs för", "Kolumner"],
    ]
    for ds in DATASETS.values():
        needed = ", ".join(p.value for p in ds.required_parts) or "frivillig"
        rows.append([ds.stem, ds.description, needed, ", ".join(c.name for c in ds.columns)])
    return rows


FORMULA_STARTS: Final = ("=", "+", "-", "@")
"""A text cell starting with one of these is a formula to Excel unless written as text."""


def _cell_value(col: Column, value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if col.kind is Kind.NUMBER:
        return float(value)
    if col.kind in (Kind.INT, Kind.YEAR):
        return int(value)
    return value if col.kind is Kind.DATE else str(value)


def build_workbook(
    namnder: Sequence[str],
    perioder: Sequence[str],
    tables: Mapping[str, pd.DataFrame] | None = None,
) -> bytes:
    """The workbook as bytes: instructions, one sheet per dataset (filled from ``tables``
    when given, e.g. a project's current tables) and the hidden list sheet."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    info = book.active
    assert info is not None
    info.title = INSTRUCTIONS
    for row in _instructions(namnder, perioder):
        info.append(row)
    info["A1"].font = Font(bold=True, size=14)
    info.column_dimensions["A"].width = 26
    info.column_dimensions["B"].width = 70

    lists = book.create_sheet(LISTS)
    list_ranges: dict[tuple[str, ...], str] = {}

    def list_range(values: tuple[str, ...]) -> str:
        if values not in list_ranges:
            column = get_column_letter(len(list_ranges) + 1)
            for i, value in enumerate(values, start=1):
                lists[f"{column}{i}"] = value
            list_ranges[values] = f"{LISTS}!${column}$1:${column}${len(values)}"
        return list_ranges[values]

    for ds in DATASETS.values():
        sheet = book.create_sheet(ds.stem)
        sheet.append([c.name for c in ds.columns])
        frame = (tables or {}).get(ds.name)
        if frame is not None:
            for rec in frame.itertuples(index=False):
                sheet.append([_cell_value(c, v) for c, v in zip(ds.columns, rec, strict=False)])
                for cell in sheet[sheet.max_row]:
                    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                        # text, never a live formula: openpyxl makes "=…" one; Excel keeps
                        # a quote-prefixed cell as text when it is edited
                        cell.data_type = "s"
                        cell.quotePrefix = True
        last = max(ROWS, sheet.max_row) + 1
        sheet.freeze_panes = "A2"
        for j, col in enumerate(ds.columns, start=1):
            letter = get_column_letter(j)
            head = sheet.cell(row=1, column=j)
            head.font = Font(bold=True)
            text = col.description or col.name
            if col.allowed:
                text += f" ({', '.join(col.allowed)})"
            when = col.when_required
            head.comment = Comment(
                (f"{when[:1].upper()}{when[1:]}. " if when else "") + text, "kommunrapport"
            )
            sheet.column_dimensions[letter].width = max(12, len(col.name) + 4)
            fmt = number_format(ds, col)
            sheet.column_dimensions[letter].number_format = fmt  # cells typed later
            for r in range(2, sheet.max_row + 1):  # rows filled here
                sheet.cell(row=r, column=j).number_format = fmt
            values: tuple[str, ...] = col.allowed
            if col.name == "namnd" and ds.namnd_column:
                values = tuple(namnder)
            elif col.kind is Kind.PERIOD:
                values = tuple(perioder)
            if values:
                check = DataValidation(
                    type="list",
                    formula1=list_range(values),
                    allow_blank=not col.required,
                    showErrorMessage=True,
                    errorTitle="Ogiltigt värde",
                    error=f"Välj ett värde ur listan för {col.name}.",
                )
                check.add(f"{letter}2:{letter}{last - 1}")
                sheet.add_data_validation(check)
    lists.sheet_state = "hidden"
    book.move_sheet(lists, offset=len(book.sheetnames) - 1 - book.index(lists))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def project_choices(root: Path) -> tuple[list[str], list[str]]:
    """The nämnd ids of data/kommun.yml and the period ids of params/perioder.yml, read as
    they are (the project need not validate yet); empty lists for what is missing."""
    import yaml

    def ids(path: Path, key: str) -> list[str]:
        try:
            data = load_yaml(path.read_text(encoding="utf-8-sig")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            return []
        items = data.get(key) if isinstance(data, dict) else None
        if not isinstance(items, list):
            return []
        return [str(i["id"]) for i in items if isinstance(i, dict) and i.get("id")]

    return ids(root / "data" / "kommun.yml", "namnder"), ids(
        root / "params" / "perioder.yml", "perioder"
    )


def write_template(
    target: Path,
    namnder: Sequence[str],
    perioder: Sequence[str],
    tables: Mapping[str, pd.DataFrame] | None = None,
) -> None:
    """Write the workbook to ``target``, which must not exist (never overwritten)."""
    data = build_workbook(namnder, perioder, tables)
    if not create_exclusive(target, data):
        raise WorkbookExistsError(f"{target} finns redan; välj ett annat filnamn.")
