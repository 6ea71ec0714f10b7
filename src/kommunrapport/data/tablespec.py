"""How a table is specified and typed: :class:`Dataset` (name, typed columns, each a
:class:`Column`, and a key) and :func:`type_table`, which types a table read as text.

Reading turns text cells into typed columns and collects one :class:`Problem` per bad
cell (file, row, column, a Swedish message); the pandera schema built from the same
spec then checks bounds and key uniqueness, all problems at once. The tables themselves
are registered in :mod:`kommunrapport.data.datasets`. Nothing here reads a file.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, Any

import pandas as pd

from kommunrapport.data.errors import Problem
from kommunrapport.data.tableio import parse_number

if TYPE_CHECKING:
    import pandera.pandas as pa

PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class Part(Enum):
    """A part of a report that reads tables: each nämnd's chapter, or the kommun's chapter."""

    NAMND = "nämndens kapitel"
    KOMMUN = "kommunens kapitel"


class Kind(Enum):
    TEXT = "text"
    INT = "heltal"
    NUMBER = "tal"
    YEAR = "år"
    PERIOD = "period"
    DATE = "datum"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = Kind.TEXT
    required: bool = True
    allowed: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    description: str = ""
    multiline: bool = False
    """A free text that may span lines (a description, a comment); any other text column
    is a name or a code on one line."""
    before_december: bool = False
    """Required (with ``required=False``) only on rows whose ``period`` ends before December:
    a prognos for the full year belongs in a delårs- or tertialrapport, and an årsredovisning
    (its period ends in December) has none, so the column may be empty there or absent from
    a file that has only December rows."""

    @property
    def when_required(self) -> str:
        """When the column must be filled, in Swedish: "" when always."""
        if self.required:
            return ""
        if self.before_december:
            return "krävs för perioder som slutar före december, valfri i december"
        return "valfri"


@dataclass(frozen=True)
class Dataset:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    description: str
    optional: bool = False
    unit: str = ""
    namnd_column: str | None = None
    kommun_only: bool = False
    """Read only by the kommun-level report (a change does not rebuild nämnd reports)."""
    required_for: tuple[Part, ...] | None = None
    """The report parts that cannot be built without the file (default: none when
    ``optional``, else the kommun's chapter when ``kommun_only``, else the nämnd's)."""
    report_kinds: tuple[str, ...] = ()
    """The report kinds (``params/perioder.yml``: typ) that read the table; empty: all."""

    @property
    def required_parts(self) -> tuple[Part, ...]:
        if self.required_for is not None:
            return self.required_for
        if self.optional:
            return ()
        return (Part.KOMMUN,) if self.kommun_only else (Part.NAMND,)

    @property
    def used_parts(self) -> tuple[Part, ...]:
        """The parts that read the table (a kommun-only table is not read by a nämnd)."""
        return (Part.KOMMUN,) if self.kommun_only else (Part.NAMND, Part.KOMMUN)

    def required_in(self, parts: set[Part], kinds: AbstractSet[str]) -> bool:
        """Whether a project with these parts and report kinds must have the file."""
        if self.report_kinds and not kinds & set(self.report_kinds):
            return False
        return any(p in parts for p in self.required_parts)

    @property
    def stem(self) -> str:
        return self.name

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


# --- typing of text cells ---------------------------------------------------------------


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_NEWLINE = re.compile(r"[\r\n]")


def text_problem(text: str, *, multiline: bool = False) -> str | None:
    """Why ``text`` is refused as a name or text (a line break in a one-line text, a control
    character anywhere), or None. Data text reaches the report's pages, menus and files."""
    bad = _CONTROL.search(text)
    if bad:
        return f"texten innehåller ett styrtecken (U+{ord(bad.group()):04X}); ta bort det."
    if not multiline and _NEWLINE.search(text):
        return "texten innehåller en radbrytning; skriv den på en rad."
    return None


def _convert_cell(col: Column, text: str) -> tuple[Any, str | None]:
    """Return (value, problem message or None)."""
    if text == "":
        if col.required:
            return None, "värde saknas."
        return None, None
    if col.kind is Kind.TEXT:
        bad = text_problem(text, multiline=col.multiline)
        if bad:
            return None, bad
        if col.allowed:
            norm = text.strip().lower()
            match = next((a for a in col.allowed if a.lower() == norm), None)
            if match is None:
                return text, f"'{text}' är inte ett tillåtet värde ({', '.join(col.allowed)})."
            return match, None
        return text, None
    if col.kind is Kind.NUMBER:
        try:
            return parse_number(text), None
        except ValueError:
            return None, f"'{text}' är inte ett tal (skriv t.ex. 1 234,5 eller -12,3)."
    if col.kind in (Kind.INT, Kind.YEAR):
        try:
            value = parse_number(text)
        except ValueError:
            value = None
        if value is None or not float(value).is_integer():
            return None, f"'{text}' är inte ett heltal."
        if col.kind is Kind.YEAR and not 1900 <= value <= 2100:
            return None, f"'{text}' är inte ett år."
        return int(value), None
    if col.kind is Kind.PERIOD:
        if not PERIOD_RE.match(text):
            if re.match(r"^\d{4}-\d{2}-01$", text):
                return None, (
                    f"'{text}' är ingen period i formen ÅÅÅÅ-MM: Excel har troligen gjort om "
                    f"perioden till ett datum. Formatera kolumnen som text och skriv {text[:7]}."
                )
            return None, f"'{text}' är ingen period i formen ÅÅÅÅ-MM (t.ex. 2022-08)."
        return text, None
    if col.kind is Kind.DATE:
        try:
            return date.fromisoformat(text), None
        except ValueError:
            return None, f"'{text}' är inget datum i formen ÅÅÅÅ-MM-DD."
    raise AssertionError(col.kind)  # pragma: no cover


def _pandera_schema(ds: Dataset) -> pa.DataFrameSchema:
    import pandera.pandas as pa  # imported on first validation: it is slow to import

    columns: dict[str, pa.Column] = {}
    for col in ds.columns:
        checks: list[pa.Check] = []
        if col.minimum is not None:
            checks.append(pa.Check.ge(col.minimum))
        if col.maximum is not None:
            checks.append(pa.Check.le(col.maximum))
        columns[col.name] = pa.Column(
            checks=checks, nullable=True, required=col.required, coerce=False
        )
    return pa.DataFrameSchema(
        columns,
        unique=list(ds.key),
        report_duplicates="exclude_first",
        strict=False,
        name=ds.name,
    )


@cache
def schema(ds: Dataset) -> pa.DataFrameSchema:
    """The pandera schema of the dataset ``ds``, built from its column spec."""
    return _pandera_schema(ds)


def _closest(name: str, options: tuple[str, ...]) -> str | None:
    import difflib

    hits = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    return hits[0] if hits else None


def type_table(
    ds: Dataset, text: pd.DataFrame, shown: str
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Turn a text table into typed columns; collect a problem per bad cell. The frame is
    None when the header row itself is wrong (a column missing, unknown or repeated): then
    no row can be read, and the problems say why."""
    problems: list[Problem] = []
    names = tuple(c.name for c in ds.columns)
    present = [str(c) for c in text.columns]
    for col in ds.columns:
        if col.name not in present and col.required:
            unknown = [p for p in present if p not in names]
            guess = _closest(col.name, tuple(unknown))
            hint = f" (menade du '{col.name}' i stället för '{guess}'?)" if guess else ""
            problems.append(
                Problem(shown, 1, col.name, f"kolumnen '{col.name}' saknas i rubrikraden{hint}.")
            )
    absent = tuple(n for n in names if n not in present)
    for name in present:
        if name not in names:
            guess = _closest(name, absent)
            hint = f"menade du '{guess}'? " if guess else ""
            problems.append(
                Problem(
                    shown,
                    1,
                    name,
                    f"okänd kolumn '{name}' ({hint}tillåtna: {', '.join(names)}).",
                )
            )
    if len(set(present)) != len(present):
        dup = sorted({p for p in present if present.count(p) > 1})
        problems.append(Problem(shown, 1, dup[0], f"kolumnen '{dup[0]}' finns flera gånger."))
    if problems:
        return None, problems

    typed: dict[str, list[Any]] = {}
    for col in ds.columns:
        values: list[Any] = []
        cells = (
            text[col.name] if col.name in present else pd.Series([""] * len(text), index=text.index)
        )
        for row, cell in cells.items():
            value, message = _convert_cell(col, str(cell))
            if message:
                problems.append(Problem(shown, int(str(row)), col.name, message))
            values.append(value)
        typed[col.name] = values
    frame = pd.DataFrame(typed, index=text.index)
    for col in ds.columns:
        if col.kind is Kind.NUMBER:
            frame[col.name] = pd.to_numeric(frame[col.name], errors="coerce").astype("float64")
        elif col.kind in (Kind.INT, Kind.YEAR):
            frame[col.name] = frame[col.name].astype("Int64")
        else:
            frame[col.name] = frame[col.name].astype(object)
    problems.extend(_before_december_problems(ds, frame, present, shown))
    problems.extend(_schema_problems(ds, frame, shown))
    return frame, problems


def _before_december_problems(
    ds: Dataset, frame: pd.DataFrame, present: list[str], shown: str
) -> list[Problem]:
    """A ``before_december`` column must be given on each row of a period that ends before
    December: one problem for the whole file when the column is absent, else one per
    empty cell."""
    if "period" not in frame:
        return []
    periods = frame["period"]
    early = periods.map(lambda p: isinstance(p, str) and not p.endswith("-12"))
    problems: list[Problem] = []
    for col in ds.columns:
        if not col.before_december or not early.any():
            continue
        first = str(periods[early].iloc[0])
        if col.name not in present:
            problems.append(
                Problem(
                    shown,
                    1,
                    col.name,
                    f"kolumnen '{col.name}' saknas i rubrikraden; den krävs för perioder som "
                    f"slutar före december (filen har t.ex. {first}). Bara årsredovisningens "
                    "period (december) klarar sig utan den.",
                )
            )
            continue
        for row in frame.index[early & frame[col.name].isna()]:
            problems.append(
                Problem(
                    shown,
                    int(str(row)),
                    col.name,
                    f"värde saknas: perioden {periods[row]} slutar före december och kräver "
                    f"{col.name}" + (f" ({col.description})." if col.description else "."),
                )
            )
    return problems


def _schema_problems(ds: Dataset, frame: pd.DataFrame, shown: str) -> list[Problem]:
    from pandera.errors import SchemaErrors

    try:
        schema(ds).validate(frame, lazy=True)
    except SchemaErrors as err:
        return _translate(ds, err.failure_cases, frame, shown)
    return []


def _translate(ds: Dataset, cases: pd.DataFrame, frame: pd.DataFrame, shown: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str, int | None]] = set()
    for case in cases.to_dict("records"):
        check = str(case.get("check", ""))
        column = case.get("column")
        index = case.get("index")
        row = int(index) if index is not None and not pd.isna(index) else None
        if check in ("field_uniqueness", "multiple_fields_uniqueness") or "unique" in check:
            if row is None or ("dup", row) in seen:
                continue
            seen.add(("dup", row))
            key = ", ".join(f"{k}={frame.at[row, k]!s}" for k in ds.key)
            problems.append(
                Problem(
                    shown,
                    row,
                    ds.key[0],
                    f"dubblett: raden har samma nyckel ({key}) som en tidigare rad.",
                )
            )
        elif check.startswith("greater_than_or_equal_to") or check.startswith(
            "less_than_or_equal_to"
        ):
            col = ds.column(str(column))
            bound = col.minimum if check.startswith("greater") else col.maximum
            word = "mindre" if check.startswith("greater") else "större"
            problems.append(
                Problem(
                    shown,
                    row,
                    str(column),
                    f"värdet {case.get('failure_case')} är {word} än {bound:g}.",
                )
            )
        else:  # pragma: no cover - a check we did not expect; still say where
            problems.append(
                Problem(shown, row, str(column) if column else None, f"ogiltigt värde ({check}).")
            )
    return problems
