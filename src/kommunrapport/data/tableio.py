"""Reading the kommun's tables as people save them.

CSV from Swedish Excel is semicolon-separated, often has a UTF-8 BOM and Windows
line endings, and writes numbers as ``1 234,5``. The same table may be an ``.xlsx``.
Everything is read as text first; typing happens in :mod:`kommunrapport.data.tablespec`,
where each bad cell becomes a :class:`~kommunrapport.data.errors.Problem`.
"""

from __future__ import annotations

import csv
import io
import math
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from kommunrapport.data.errors import Problem

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_MINUS_SIGNS = ("\u2212", "\u2013")  # real minus, en dash (Excel's "−12,3")


class TableReadError(Exception):
    """The file cannot be read as a table at all; carries the problem."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def parse_number(text: str) -> float | None:
    """Parse a number written the Swedish or the international way.

    ``"1 234,5"`` → 1234.5, ``"-12,3"`` → -12.3, ``"−12,3"`` → -12.3, ``"1234.5"`` → 1234.5,
    ``""`` → None. Raises ``ValueError`` for text that is not a number.
    """
    s = _SPACES.sub("", text)
    for sign in _MINUS_SIGNS:
        s = s.replace(sign, "-")
    if s == "":
        return None
    if not _NUMBER.match(s):
        raise ValueError(text)
    value = float(s.replace(",", "."))
    if math.isnan(value) or math.isinf(value):
        raise ValueError(text)
    return value


def _sniff_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def read_csv_text(path: Path, shown: str) -> pd.DataFrame:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc:  # pragma: no cover - cp1252 decodes almost anything
            raise TableReadError(
                Problem(shown, None, None, "filen är inte UTF-8 (spara som CSV UTF-8).")
            ) from exc
    if not text.strip():
        raise TableReadError(Problem(shown, None, None, "filen är tom (ingen rubrikrad)."))
    first_line = text.splitlines()[0]
    delimiter = _sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = [r for r in reader]
    header = [h.strip() for h in rows[0]]
    body = [r for r in rows[1:] if any(c.strip() for c in r)]
    line_numbers = [i + 2 for i, r in enumerate(rows[1:]) if any(c.strip() for c in r)]
    width = len(header)
    problems: list[Problem] = []
    fixed: list[list[str]] = []
    for n, r in zip(line_numbers, body, strict=True):
        if len(r) > width and any(c.strip() for c in r[width:]):
            problems.append(
                Problem(shown, n, None, f"raden har {len(r)} fält men rubrikraden har {width}.")
            )
        fixed.append([c.strip() for c in (r + [""] * width)[:width]])
    if problems:
        raise TableReadError(problems[0])
    frame = pd.DataFrame(fixed, columns=header, dtype=object)
    frame.index = pd.Index(line_numbers, name="rad")
    return frame


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return repr(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _sheet_frame(rows: list[list[str]], shown: str) -> pd.DataFrame:
    if not rows or not any(rows[0]):
        raise TableReadError(Problem(shown, None, None, "filen är tom (ingen rubrikrad)."))
    header = [h for h in rows[0]]
    while header and header[-1] == "":
        header.pop()
    width = len(header)
    numbered = [(i + 2, r) for i, r in enumerate(rows[1:]) if any(c for c in r)]
    frame = pd.DataFrame(
        [(r + [""] * width)[:width] for _, r in numbered], columns=header, dtype=object
    )
    frame.index = pd.Index([n for n, _ in numbered], name="rad")
    return frame


def _open_workbook(path: Path, shown: str) -> Any:
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise TableReadError(
            Problem(shown, None, None, f"kan inte läsa Excel-filen ({exc}).")
        ) from exc


def read_xlsx_text(path: Path, shown: str) -> pd.DataFrame:
    workbook = _open_workbook(path, shown)
    try:
        sheet = workbook.worksheets[0]
        rows = [[_cell_text(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return _sheet_frame(rows, shown)


def sheet_shown(shown: str, sheet: str) -> str:
    """How a sheet of a workbook is named in a problem: ``data/x.xlsx, blad 'namn'``."""
    return f"{shown}, blad '{sheet}'"


def read_workbook_text(
    path: Path, shown: str, sheets: set[str]
) -> dict[str, pd.DataFrame | Problem]:
    """The sheets named in ``sheets`` that the workbook has, each read as text cells (like
    :func:`read_table_text`), or the problem that kept a sheet from being read. Raises
    :class:`TableReadError` when the workbook cannot be opened at all."""
    workbook = _open_workbook(path, shown)
    out: dict[str, pd.DataFrame | Problem] = {}
    try:
        for sheet in workbook.worksheets:
            if sheet.title not in sheets:
                continue
            rows = [[_cell_text(c) for c in row] for row in sheet.iter_rows(values_only=True)]
            try:
                out[sheet.title] = _sheet_frame(rows, sheet_shown(shown, sheet.title))
            except TableReadError as err:
                out[sheet.title] = err.problem
    finally:
        workbook.close()
    return out


def read_table_text(path: Path, shown: str) -> pd.DataFrame:
    """Read a table as text cells; the index is the row number a person sees."""
    if path.suffix.lower() == ".xlsx":
        return read_xlsx_text(path, shown)
    return read_csv_text(path, shown)
