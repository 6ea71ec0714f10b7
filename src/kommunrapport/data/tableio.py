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
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from kommunrapport.data import limits, textenc
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


def _refuse(shown: str, message: str, row: int | None = None) -> TableReadError:
    return TableReadError(Problem(shown, row, None, message))


def _check_file_size(path: Path, shown: str) -> None:
    size = path.stat().st_size
    if size > limits.MAX_TABLE_BYTES:
        raise _refuse(
            shown,
            f"filen är för stor ({limits.size_text(size)}; högst "
            f"{limits.size_text(limits.MAX_TABLE_BYTES)}). Dela upp den eller ta bort "
            "rader som inte behövs.",
        )


def _count(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0")


def _check_csv_shape(text: str, delimiter: str, shown: str) -> None:
    """Refuse a table with too many rows or cells before it is parsed (counted from the
    line breaks and delimiters, so a quoted one counts too: an upper bound)."""
    lines = max(text.count("\n"), text.count("\r")) + 1
    if lines > limits.MAX_ROWS:
        raise _refuse(
            shown, f"filen har för många rader (över {_count(limits.MAX_ROWS)}, som är gränsen)."
        )
    cells = text.count(delimiter) + lines
    if cells > limits.MAX_CELLS:
        raise _refuse(
            shown,
            f"filen har för många celler (omkring {_count(cells)}; högst "
            f"{_count(limits.MAX_CELLS)}). Är avgränsaren rätt, och finns det rader med bara "
            "avgränsare?",
        )


def _csv_rows(text: str, delimiter: str, shown: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for r in reader:
            if len(r) > limits.MAX_COLUMNS:
                raise _refuse(
                    shown,
                    f"raden har {len(r)} fält (högst {limits.MAX_COLUMNS}).",
                    reader.line_num,
                )
            rows.append(r)
    except csv.Error as exc:
        row = reader.line_num or None
        if "field larger than field limit" in str(exc):
            message = (
                f"en cell är längre än {_count(limits.MAX_FIELD_CHARS)} tecken och kan inte "
                "läsas (saknas ett citattecken?)."
            )
        else:
            message = f"filen går inte att läsa som CSV ({exc})."
        raise _refuse(shown, message, row) from None
    return rows


NUL_MESSAGE = (
    "cellen innehåller ett NUL-tecken (byte 0), som inte syns men ändrar värdet; ta bort det "
    "(eller spara filen på nytt som CSV UTF-8)."
)
ENCODING_NOTE = "encoding_note"
"""The key in a frame's ``attrs`` of what :mod:`.textenc` said about the file's encoding."""
FORMULA_NOTE = "formula_note"
"""The key in a frame's ``attrs`` of the formula cells read as the values Excel saved."""
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _refuse_nul(rows: list[list[str]], shown: str) -> None:
    """Refuse the first cell with a NUL character, naming its row and column."""
    header = rows[0] if rows else []
    for n, row in enumerate(rows, start=1):
        for i, cell in enumerate(row):
            if "\x00" in cell:
                column = header[i].replace("\x00", "") if n > 1 and i < len(header) else None
                raise TableReadError(Problem(shown, n, column or None, NUL_MESSAGE))


def read_csv_text(path: Path, shown: str) -> pd.DataFrame:
    """The CSV file's cells as text (see :mod:`.textenc` for the encodings it reads; what
    was not UTF-8 is in ``frame.attrs[ENCODING_NOTE]``)."""
    _check_file_size(path, shown)
    try:
        decoded = textenc.decode(path.read_bytes(), cp1252_fallback=True)
    except textenc.EncodingError as exc:
        raise _refuse(shown, str(exc)) from None
    text = decoded.text
    if not text.strip():
        raise TableReadError(Problem(shown, None, None, "filen är tom (ingen rubrikrad)."))
    first_line = text.partition("\n")[0].partition("\r")[0]
    delimiter = _sniff_delimiter(first_line)
    _check_csv_shape(text, delimiter, shown)
    raw_rows = _csv_rows(text, delimiter, shown)
    _refuse_nul(raw_rows, shown)
    rows = [[c.strip() for c in r] for r in raw_rows]
    if not rows:
        raise _refuse(shown, "filen är tom (ingen rubrikrad).")
    header = rows[0]
    body = [r for r in rows[1:] if any(r)]
    line_numbers = [i + 2 for i, r in enumerate(rows[1:]) if any(r)]
    width = len(header)
    problems: list[Problem] = []
    fixed: list[list[str]] = []
    for n, r in zip(line_numbers, body, strict=True):
        if len(r) > width and any(r[width:]):
            problems.append(
                Problem(shown, n, None, f"raden har {len(r)} fält men rubrikraden har {width}.")
            )
        fixed.append((r + [""] * width)[:width])
    if problems:
        raise TableReadError(problems[0])
    frame = pd.DataFrame(fixed, columns=header, dtype=object)
    frame.index = pd.Index(line_numbers, name="rad")
    if decoded.note is not None:
        frame.attrs[ENCODING_NOTE] = decoded.note
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


def _check_xlsx_unpacked(path: Path, shown: str) -> None:
    """An xlsx is a zip archive: refuse one that unpacks to too much before opening it."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return  # not a zip at all: openpyxl says so below
    if unpacked > limits.MAX_XLSX_UNPACKED_BYTES:
        raise _refuse(
            shown,
            f"Excel-filen packas upp till {limits.size_text(unpacked)} (högst "
            f"{limits.size_text(limits.MAX_XLSX_UNPACKED_BYTES)}); den öppnas inte. "
            "Spara bara tabellen, som CSV eller i en ny arbetsbok.",
        )


def _has_formulas(path: Path) -> bool:
    """True when a worksheet of the workbook holds a formula (``<f>``), read as a stream."""
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                name = info.filename
                if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                    continue
                with archive.open(info) as handle:
                    tail = b""
                    while chunk := handle.read(1 << 20):
                        if _FORMULA_TAG.search(tail + chunk):
                            return True
                        tail = chunk[-16:]
    except (zipfile.BadZipFile, OSError):
        return False
    return False


def _formula_cells(row: Any) -> list[tuple[int, str, str]]:
    """(index, cell reference, formula) of each formula cell of a row (read-only cells)."""
    return [
        (j, str(getattr(cell, "coordinate", "")), str(cell.value))
        for j, cell in enumerate(row)
        if getattr(cell, "data_type", None) == "f"
    ]


def _xlsx_rows(sheet: Any, shown: str, formulas: Any, notes: list[str]) -> list[list[str]]:
    """The sheet's rows as text, within the row, column and cell limits.

    ``formulas``: the same sheet opened with its formulas (None when the workbook has none). A
    formula cell is read as the value Excel saved with it, and said in ``notes``; one
    without a saved value (a workbook written by a program, never opened in Excel) is an
    error naming sheet and cell, never a silently empty value."""
    declared = sheet.max_column  # from the sheet's own dimension (None when it has none)
    cap = limits.MAX_COLUMNS + 1
    max_col = cap if declared is None else min(declared, cap)
    rows: list[list[str]] = []
    cells = 0
    formula_rows = iter(formulas.iter_rows(max_col=max_col)) if formulas is not None else None
    for n, values in enumerate(sheet.iter_rows(values_only=True, max_col=max_col), start=1):
        if formula_rows is not None:
            for j, ref, formula in _formula_cells(next(formula_rows, ())):
                cached = values[j] if j < len(values) else None
                column = (rows[0][j] if rows and j < len(rows[0]) else None) or None
                if cached is None or _cell_text(cached) == "":
                    raise TableReadError(
                        Problem(
                            shown,
                            n,
                            column,
                            f"cell {ref} har formeln {formula!r} men inget sparat värde (filen "
                            "har inte sparats i Excel); skriv in värdet, eller öppna och spara "
                            "filen i Excel.",
                        )
                    )
                notes.append(f"{ref} ({formula} = {_cell_text(cached)})")
        if n > limits.MAX_ROWS:
            raise _refuse(
                shown,
                f"filen har för många rader (över {_count(limits.MAX_ROWS)}, som är gränsen).",
            )
        row = [_cell_text(c) for c in values]
        while row and row[-1] == "":
            row.pop()
        if len(row) > limits.MAX_COLUMNS:
            raise _refuse(shown, f"raden har fler än {limits.MAX_COLUMNS} kolumner.", n)
        cells += len(row)
        if cells > limits.MAX_CELLS:
            raise _refuse(shown, f"filen har för många celler (högst {_count(limits.MAX_CELLS)}).")
        rows.append(row)
    return rows


def _sheet_frame(rows: list[list[str]], shown: str) -> pd.DataFrame:
    if not rows or not any(rows[0]):
        raise TableReadError(Problem(shown, None, None, "filen är tom (ingen rubrikrad)."))
    _refuse_nul(rows, shown)
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


def _load_workbook(path: Path, shown: str, data_only: bool) -> Any:
    """The workbook, read-only (checked by :func:`_read_sheets` first)."""
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise TableReadError(
            Problem(shown, None, None, f"kan inte läsa Excel-filen ({exc}).")
        ) from exc


def read_notes(frame: pd.DataFrame) -> list[str]:
    """What reading the table had to say, though it was read (encoding, formula cells)."""
    return [str(frame.attrs[k]) for k in (ENCODING_NOTE, FORMULA_NOTE) if frame.attrs.get(k)]


def _formula_note(notes: list[str]) -> str:
    shown = ", ".join(notes[:5]) + (f" och {len(notes) - 5} till" if len(notes) > 5 else "")
    return (
        f"{len(notes)} cell(er) med formel lästes som det värde Excel sparade senast: {shown}; "
        "skriv in värdena om de inte stämmer"
    )


def _read_sheets(
    path: Path, shown: str, wanted: Callable[[str, int], str | None]
) -> dict[str, pd.DataFrame | Problem]:
    """Each sheet that ``wanted(title, index)`` names (how a problem shows it), read as text
    (see :func:`_xlsx_rows`). The file's size and unpacked size are checked once; the
    workbook is opened a second time, with its formulas, only when it has any."""
    _check_file_size(path, shown)
    _check_xlsx_unpacked(path, shown)
    workbook = _load_workbook(path, shown, data_only=True)
    formulas = _load_workbook(path, shown, data_only=False) if _has_formulas(path) else None
    out: dict[str, pd.DataFrame | Problem] = {}
    try:
        for index, sheet in enumerate(workbook.worksheets):
            where = wanted(sheet.title, index)
            if where is None:
                continue
            notes: list[str] = []
            try:
                other = formulas.worksheets[index] if formulas is not None else None
                rows = _xlsx_rows(sheet, where, other, notes)
                frame = _sheet_frame(rows, where)
            except TableReadError as err:
                out[sheet.title] = err.problem
                continue
            if notes:
                frame.attrs[FORMULA_NOTE] = _formula_note(notes)
            out[sheet.title] = frame
    finally:
        workbook.close()
        if formulas is not None:
            formulas.close()
    return out


def read_xlsx_text(path: Path, shown: str) -> pd.DataFrame:
    """The first sheet as text cells (see :func:`_xlsx_rows` for formula cells)."""
    found = _read_sheets(path, shown, lambda _, i: shown if i == 0 else None)
    if not found:
        raise TableReadError(Problem(shown, None, None, "Excel-filen har inget blad."))
    (result,) = found.values()
    if isinstance(result, Problem):
        raise TableReadError(result)
    return result


def sheet_shown(shown: str, sheet: str) -> str:
    """How a sheet of a workbook is named in a problem: ``data/x.xlsx, blad 'namn'``."""
    return f"{shown}, blad '{sheet}'"


def read_workbook_text(
    path: Path, shown: str, sheets: set[str]
) -> dict[str, pd.DataFrame | Problem]:
    """The sheets named in ``sheets`` that the workbook has, each read as text cells (like
    :func:`read_table_text`), or the problem that kept a sheet from being read. Raises
    :class:`TableReadError` when the workbook cannot be opened at all."""
    return _read_sheets(
        path, shown, lambda title, _: sheet_shown(shown, title) if title in sheets else None
    )


def read_table_text(path: Path, shown: str) -> pd.DataFrame:
    """Read a table as text cells; the index is the row number a person sees."""
    if path.suffix.lower() == ".xlsx":
        return read_xlsx_text(path, shown)
    return read_csv_text(path, shown)
