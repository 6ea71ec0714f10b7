"""The registry of the kommun's tables: each dataset is named once, here.

A dataset has a name (what code asks for), a file stem under ``data/`` (``.csv`` or
``.xlsx``), typed columns and a key. Reading turns text cells into typed columns and
collects one :class:`Problem` per bad cell; the pandera schema built from the same
spec then checks allowed values and key uniqueness, all problems at once.
"""

from __future__ import annotations

import re
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

    @property
    def stem(self) -> str:
        return self.name

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


AKTIVITET_STATUS = ("ej påbörjad", "pågår", "klar", "försenad", "avbruten")
INTERNKONTROLL_RESULTAT = (
    "inga avvikelser",
    "mindre avvikelser",
    "väsentliga avvikelser",
    "ej genomförd",
)
KON = ("T", "K", "M")
BEDOMNINGAR = ("uppfyllt", "delvis uppfyllt", "ej uppfyllt", "ej bedömbar")
BALANSKRAV_POSTER = (
    "realisationsvinster",
    "realisationsvinster_undantag",
    "realisationsforluster_undantag",
    "orealiserade_forluster_vardepapper",
    "aterforing_orealiserade_forluster",
    "reservering_rur",
    "anvandning_rur",
)
"""Balanskravsutredning (KL 11 kap., LKBR 4 kap. 3 a §): the sign follows from the post."""

RESULTATRAKNING_POSTER = (
    "verksamhetens_intakter",
    "verksamhetens_kostnader",
    "avskrivningar",
    "skatteintakter",
    "generella_statsbidrag_och_utjamning",
    "finansiella_intakter",
    "finansiella_kostnader",
    "extraordinara_poster",
)
BALANSRAKNING_POSTER = (
    "immateriella_anlaggningstillgangar",
    "materiella_anlaggningstillgangar",
    "finansiella_anlaggningstillgangar",
    "forrad_och_exploatering",
    "fordringar",
    "kortfristiga_placeringar",
    "kassa_och_bank",
    "eget_kapital",
    "arets_resultat",
    "avsattningar_pensioner",
    "andra_avsattningar",
    "langfristiga_skulder",
    "kortfristiga_skulder",
    "ansvarsforbindelse_pensioner",
)

_NAMND = Column("namnd", description="nämndens id, som i data/kommun.yml")
_PERIOD = Column("period", Kind.PERIOD, description="perioden, ÅÅÅÅ-MM (t.ex. 2022-08)")
_TKR = "tkr"

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            "indikatorutfall",
            (
                Column("indikator", description="indikatorns id (Kolada-id eller eget id)"),
                Column("omrade", description="Kolada-id för kommun, 0000 för riket"),
                Column("ar", Kind.YEAR, description="år"),
                Column("kon", allowed=KON, description="T totalt, K kvinnor, M män"),
                Column("varde", Kind.NUMBER, description="värdet i indikatorns enhet"),
                Column("status", required=False, description="Koladas status, t.ex. preliminärt"),
            ),
            key=("indikator", "omrade", "ar", "kon"),
            description="Utfall för indikatorerna per år och kön, för kommunen och jämförelser",
        ),
        Dataset(
            "driftredovisning",
            (
                _NAMND,
                Column("verksamhet"),
                _PERIOD,
                Column("budget", Kind.NUMBER, description="årsbudget, tkr"),
                Column("utfall", Kind.NUMBER, description="utfall hittills i år, tkr"),
                Column("prognos", Kind.NUMBER, description="prognos för helåret, tkr"),
            ),
            key=("namnd", "verksamhet", "period"),
            description="Driftredovisning per nämnd och verksamhet (nettokostnad, tkr)",
            unit=_TKR,
            namnd_column="namnd",
        ),
        Dataset(
            "investeringar",
            (
                Column("projekt"),
                _NAMND,
                _PERIOD,
                Column("budget", Kind.NUMBER, description="årsbudget, tkr"),
                Column("utfall", Kind.NUMBER, description="utfall hittills i år, tkr"),
                Column("prognos", Kind.NUMBER, description="prognos för helåret, tkr"),
            ),
            key=("projekt", "period"),
            description="Investeringsprojekt per period (tkr)",
            unit=_TKR,
            namnd_column="namnd",
        ),
        Dataset(
            "aktiviteter",
            (
                Column("id"),
                _NAMND,
                Column("namndmal", description="nämndmålets id i data/malkedja.yml"),
                Column("beskrivning"),
                Column("ansvarig"),
                Column("slutdatum", Kind.DATE, description="ÅÅÅÅ-MM-DD"),
                _PERIOD,
                Column("status", allowed=AKTIVITET_STATUS),
                Column("kommentar", required=False),
            ),
            key=("id", "period"),
            description="Aktiviteter och åtaganden med status per period",
            namnd_column="namnd",
        ),
        Dataset(
            "internkontroll",
            (
                _NAMND,
                _PERIOD,
                Column("kontrollmoment"),
                Column("resultat", allowed=INTERNKONTROLL_RESULTAT),
                Column("atgard", required=False),
            ),
            key=("namnd", "period", "kontrollmoment"),
            description="Internkontroll: kontrollmoment, resultat och åtgärd",
            namnd_column="namnd",
        ),
        Dataset(
            "personal",
            (
                _NAMND,
                _PERIOD,
                Column("sjukfranvaro_totalt", Kind.NUMBER, minimum=0, maximum=100),
                Column("sjukfranvaro_kvinnor", Kind.NUMBER, minimum=0, maximum=100),
                Column("sjukfranvaro_man", Kind.NUMBER, minimum=0, maximum=100),
                Column("anstallda", Kind.INT, minimum=0),
                Column("anstallda_kvinnor", Kind.INT, minimum=0),
                Column("anstallda_man", Kind.INT, minimum=0),
            ),
            key=("namnd", "period"),
            description="Personal: sjukfrånvaro (%) och antal anställda per kön",
            namnd_column="namnd",
        ),
        Dataset(
            "resultatrakning",
            (
                _PERIOD,
                Column("post", allowed=RESULTATRAKNING_POSTER),
                Column("utfall", Kind.NUMBER, description="utfall hittills i år, mnkr"),
                Column("budget", Kind.NUMBER, required=False, description="årsbudget, mnkr"),
                Column("prognos", Kind.NUMBER, required=False, description="helårsprognos, mnkr"),
            ),
            key=("period", "post"),
            description="Kommunens resultaträkning (mnkr)",
            unit="mnkr",
            kommun_only=True,
        ),
        Dataset(
            "balansrakning",
            (
                _PERIOD,
                Column("post", allowed=BALANSRAKNING_POSTER),
                Column("belopp", Kind.NUMBER, description="mnkr vid periodens slut"),
            ),
            key=("period", "post"),
            description="Kommunens balansräkning (mnkr)",
            unit="mnkr",
            kommun_only=True,
        ),
        Dataset(
            "kassaflode",
            (
                _PERIOD,
                Column("post"),
                Column("belopp", Kind.NUMBER, description="mnkr"),
            ),
            key=("period", "post"),
            description="Kassaflödesanalys (mnkr), frivillig",
            optional=True,
            unit="mnkr",
            kommun_only=True,
        ),
        Dataset(
            "noter",
            (
                _PERIOD,
                Column("not", Kind.INT, minimum=1, description="notens nummer (1, 2, …)"),
                Column("rubrik", description="notens rubrik, samma på notens alla rader"),
                Column("post", description="raden i noten"),
                Column("belopp", Kind.NUMBER, description="årets belopp, mnkr"),
                Column(
                    "foregaende_ar",
                    Kind.NUMBER,
                    required=False,
                    description="föregående års belopp, mnkr",
                ),
                Column(
                    "avser",
                    required=False,
                    allowed=RESULTATRAKNING_POSTER + BALANSRAKNING_POSTER,
                    description="posten i resultat- eller balansräkningen som noten specificerar",
                ),
            ),
            key=("period", "not", "post"),
            description="Noter till resultat- och balansräkningen (mnkr), frivillig",
            optional=True,
            unit="mnkr",
            kommun_only=True,
        ),
        Dataset(
            "jamforelsegrupper",
            (
                Column("grupp", description="Kolada-gruppens id, t.ex. G36123"),
                Column("gruppnamn"),
                Column("kommun", description="medlemmens Kolada-id"),
                Column("kommunnamn"),
            ),
            key=("grupp", "kommun"),
            description="Koladas jämförelsegrupper (Liknande kommuner) och deras medlemmar",
        ),
        Dataset(
            "bedomningar",
            (
                _NAMND,
                _PERIOD,
                Column("namndmal", required=False, description="nämndmålets id (eller tomt)"),
                Column("indikator", required=False, description="indikatorns id (eller tomt)"),
                Column("bedomning", allowed=BEDOMNINGAR, description="den bedömning som gäller"),
                Column("motivering", description="varför regelns bedömning ändras (visas)"),
            ),
            key=("period", "namndmal", "indikator"),
            description="Ändrade bedömningar av nämndmål och indikatorer, med motivering",
            optional=True,
            namnd_column="namnd",
        ),
        Dataset(
            "balanskravsjusteringar",
            (
                _PERIOD,
                Column("post", allowed=BALANSKRAV_POSTER),
                Column("belopp", Kind.NUMBER, minimum=0, description="mnkr, positivt belopp"),
            ),
            key=("period", "post"),
            description="Justeringar från årets resultat till balanskravsresultatet (mnkr)",
            optional=True,
            unit="mnkr",
            kommun_only=True,
        ),
    )
}


def dataset(name: str) -> Dataset:
    try:
        return DATASETS[name]
    except KeyError:
        raise KeyError(f"okänt dataset: {name}") from None


# --- typing of text cells ---------------------------------------------------------------


def _convert_cell(col: Column, text: str) -> tuple[Any, str | None]:
    """Return (value, problem message or None)."""
    if text == "":
        if col.required:
            return None, "värde saknas."
        return None, None
    if col.kind is Kind.TEXT:
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
def schema(name: str) -> pa.DataFrameSchema:
    """The pandera schema of the dataset ``name``, built from its column spec."""
    return _pandera_schema(DATASETS[name])


def _closest(name: str, options: tuple[str, ...]) -> str | None:
    import difflib

    hits = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    return hits[0] if hits else None


def type_table(ds: Dataset, text: pd.DataFrame, shown: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Turn a text table into typed columns; collect a problem per bad cell."""
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
    for name in present:
        if name not in names:
            problems.append(
                Problem(
                    shown,
                    1,
                    name,
                    f"okänd kolumn '{name}' (tillåtna: {', '.join(names)}).",
                )
            )
    if len(set(present)) != len(present):
        dup = sorted({p for p in present if present.count(p) > 1})
        problems.append(Problem(shown, 1, dup[0], f"kolumnen '{dup[0]}' finns flera gånger."))
    if problems:
        return pd.DataFrame(columns=list(names)), problems

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
    problems.extend(_schema_problems(ds, frame, shown))
    return frame, problems


def _schema_problems(ds: Dataset, frame: pd.DataFrame, shown: str) -> list[Problem]:
    from pandera.errors import SchemaErrors

    try:
        schema(ds.name).validate(frame, lazy=True)
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
