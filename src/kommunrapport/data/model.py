"""The typed, immutable model of a kommun's shared data.

YAML files are read into pydantic models (frozen, unknown keys forbidden); tables are
pandas frames that code asks for by dataset name and gets a copy of.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Final, Literal

import pandas as pd
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from kommunrapport.data.limits import namnd_id_problem
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.data.tablespec import text_problem

Id = Annotated[str, StringConstraints(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")]
NonEmpty = Annotated[str, StringConstraints(min_length=1)]


def _one_line(value: str) -> str:
    problem = text_problem(value)
    if problem:
        raise ValueError(problem)
    return value


Name = Annotated[str, StringConstraints(min_length=1), AfterValidator(_one_line)]
"""A name or title on one line, without control characters: it reaches headings, menus,
file front matter and HTML."""


def _blank_is_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


PeriodId = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


def _namnd_id(value: str) -> str:
    problem = namnd_id_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


NamndId = Annotated[str, AfterValidator(_namnd_id)]
"""A nämnd's id in data/kommun.yml: it names files, so it has a safe form (see limits)."""


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- data/kommun.yml ------------------------------------------------------------------


UNIT_DECIMALS: Final = {"tkr": 0, "mnkr": 1}
"""Decimals in a table's amounts per unit when the kommun says nothing (kommun.yml
``decimaler``); any other unit has none."""

Decimals = Annotated[int, Field(ge=0, le=4)]


class Kommun(Frozen):
    namn: Name
    kolada_id: Annotated[str, StringConstraints(pattern=r"^\d{4}$")]
    logotyp: str | None = None
    minsta_antal: int = Field(default=5, ge=1)
    """Counts of individuals below this are suppressed in published tables and charts."""
    decimaler: dict[Annotated[str, StringConstraints(min_length=1)], Decimals] = Field(
        default_factory=dict
    )
    """Decimals per unit in the report's tables (``{mnkr: 3}``), over :data:`UNIT_DECIMALS`."""

    def decimals(self, unit: str) -> int:
        """The decimals of an amount in ``unit`` in a table."""
        unit = unit.strip()
        return self.decimaler.get(unit, UNIT_DECIMALS.get(unit, 0))


class Namnd(Frozen):
    id: NamndId
    namn: Name
    forvaltning: Name
    skribenter: list[Name] = Field(default_factory=list)


class Organisation(Frozen):
    kommun: Kommun
    namnder: list[Namnd] = Field(min_length=1)


# --- data/malkedja.yml ------------------------------------------------------------------


class Bedomningsregel(Frozen):
    """How an indicator's value is judged against its target (see assessment)."""

    marginal: float = Field(default=5.0, ge=0)
    """Within this many percent of the target (in the wrong direction): delvis uppfyllt."""
    marginal_enhet: Literal["procent", "enheter"] = "procent"
    """``procent``: the margin is a percentage of the target; ``enheter``: in the indicator's
    own unit (e.g. 0.5 procentenheter for a share)."""


class Indikator(Frozen):
    id: Id
    namn: Name
    kalla: Literal["kolada", "egen"]
    enhet: Name
    riktning: Literal["högre", "lägre"]
    kon: bool = False
    mal: dict[int, float] = Field(default_factory=dict)
    beskrivning: str = ""
    bedomning: Bedomningsregel | None = None
    antal_individer: bool = False
    """True when the value is a count of individuals (subject to small-count suppression)."""


class Inriktningsmal(Frozen):
    id: Id
    namn: Name
    beskrivning: str = ""


class Namndmal(Frozen):
    id: Id
    namnd: Id
    namn: Name
    inriktningsmal: list[Id] = Field(min_length=1)
    indikatorer: list[Indikator] = Field(default_factory=list)
    benamning: Name | None = None
    """The goal's own kind (``Verksamhetsmål`` beside ``Nämndmål``); default the kommun's
    ``benamningar.namndmal``."""


def plural(word: str) -> str:
    """``Nämndmål`` → ``nämndmål``, ``Målområde`` → ``målområden``, ``Inriktning`` →
    ``inriktningar`` (a goal word in the indefinite plural, lower case)."""
    w = word.lower()
    if w.endswith("e"):
        return w + "n"
    if w.endswith("ing"):
        return w + "ar"
    return w


def definite_plural(word: str) -> str:
    """``Nämndmål`` → ``nämndmålen``, ``Målområde`` → ``målområdena``, ``Strategisk
    inriktning`` → ``strategisk inriktningarna`` (a goal word in its definite plural)."""
    w = word.lower()
    if w.endswith("e"):
        return w + "na"
    if w.endswith(("ing", "tion")):
        return w + ("arna" if w.endswith("ing") else "erna")
    return w + "en"


def definite(word: str) -> str:
    """A goal word in its definite form, lower case: ``Nämndmål`` → ``nämndmålet``,
    ``Målområde`` → ``målområdet``, ``Inriktning`` → ``inriktningen``."""
    w = word.lower()
    if w.endswith("e"):
        return w + "t"
    if w.endswith(("ing", "tion")):
        return w + "en"
    return w + "et"


class Benamningar(Frozen):
    """What the kommun calls its goal levels (shown in the reports' headings and texts)."""

    inriktningsmal: Name = "Inriktningsmål"
    """The kommun's strategic goals (e.g. ``Målområde``)."""
    namndmal: Name = "Nämndmål"
    """The nämnd's goals (e.g. ``Verksamhetsmål``)."""


class Malkedja(Frozen):
    vision: Annotated[NonEmpty | None, BeforeValidator(_blank_is_none)] = None
    """The kommun's vision; a project of a few nämnder may leave it (and the mandatperiod)
    out, or empty."""
    mandatperiod: Annotated[Name | None, BeforeValidator(_blank_is_none)] = None
    inriktningsmal: list[Inriktningsmal] = Field(min_length=1)
    namndmal: list[Namndmal] = Field(default_factory=list)
    bedomning: Bedomningsregel = Bedomningsregel()
    """The kommun's default rule; an indicator may set its own."""
    benamningar: Benamningar = Benamningar()

    def benamning(self, goal: Namndmal) -> str:
        """What the goal is called: its own ``benamning`` or the kommun's word."""
        return goal.benamning or self.benamningar.namndmal

    def the_goal(self, goal_id: str) -> str:
        """``nämndmålet 'x'`` with the goal's own word (the kommun's for an unknown id)."""
        goal = next((m for m in self.namndmal if m.id == goal_id), None)
        word = self.benamning(goal) if goal is not None else self.benamningar.namndmal
        return f"{definite(word)} '{goal_id}'"

    def goal_words(self, namnd_id: str | None = None) -> tuple[str, ...]:
        """The kinds of goal a nämnd has (every nämnd's when ``namnd_id`` is None), in the
        order of the goal chain; the kommun's word when it has none."""
        words: list[str] = []
        for goal in self.namndmal:
            word = self.benamning(goal)
            if (namnd_id is None or goal.namnd == namnd_id) and word not in words:
                words.append(word)
        return tuple(words) or (self.benamningar.namndmal,)

    def indikatorer(self) -> dict[str, Indikator]:
        """Every indicator once, by id (one may follow several nämndmål)."""
        out: dict[str, Indikator] = {}
        for m in self.namndmal:
            for i in m.indikatorer:
                out.setdefault(i.id, i)
        return out


# --- data/finansiella_mal.yml (optional) ------------------------------------------------

Nyckeltal = Literal[
    "resultat_andel_skatter",
    "nettokostnadsandel",
    "sjalvfinansieringsgrad",
    "soliditet",
    "soliditet_inkl_pension",
    "kassalikviditet",
    "arets_resultat",
    "nettoinvesteringar",
]
"""The key ratios a financial goal can be measured by (computed in content.ekonomi.nyckeltal)."""


class FinansielltMal(Frozen):
    """One of KF's financial goals for god ekonomisk hushållning (KL 11 kap. 1 §)."""

    id: Id
    namn: Name
    matt: Nyckeltal
    villkor: Literal["minst", "högst", "ökar", "minskar"]
    varde: float | None = None
    """The target for ``minst``/``högst``; not used for ``ökar``/``minskar``."""
    utfall_tidigare: dict[int, float] = Field(default_factory=dict)
    """The ratio's outcome for earlier years (year → value), for ``ökar``/``minskar`` when the
    data tables do not hold the previous year."""

    @model_validator(mode="after")
    def _target_needed(self) -> FinansielltMal:
        if self.villkor in ("minst", "högst") and self.varde is None:
            raise ValueError(f"målet '{self.id}' med villkor '{self.villkor}' behöver ett värde")
        return self


class FinansiellaMal(Frozen):
    mal: list[FinansielltMal] = Field(default_factory=list)


# --- data/koncern.yml (optional) -------------------------------------------------------

Foretagsform = Literal["aktiebolag", "kommunalförbund", "stiftelse", "ekonomisk förening"]
Andel = Annotated[float, Field(ge=0, le=100)]
ORGNR_PATTERN = r"^\d{6}-?\d{4}$"


def luhn_ok(digits: str) -> bool:
    """The Luhn check (modulus 10) over all ten digits of an organisationsnummer."""
    total = 0
    for i, ch in enumerate(digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


class Koncernforetag(Frozen):
    """A company, kommunalförbund or stiftelse in which the kommun has influence (RKR R16)."""

    id: Id
    namn: NonEmpty
    organisationsnummer: Annotated[str, StringConstraints(pattern=ORGNR_PATTERN)]
    form: Foretagsform
    andel_roster: Andel
    """The kommun's share of the votes, % (direct and through other koncernföretag)."""
    andel_kapital: Andel
    """The kommun's share of the capital, %: the share taken into the koncern."""
    ingar: bool = True
    """Whether it is consolidated; when not, ``skal`` says why (e.g. ringa betydelse)."""
    skal: str = ""
    verksamhet: str = ""
    """What the company does, one sentence for the organisation table."""

    @model_validator(mode="after")
    def _valid(self) -> Koncernforetag:
        digits = self.organisationsnummer.replace("-", "")
        if not luhn_ok(digits):
            raise ValueError(
                f"organisationsnumret {self.organisationsnummer} för '{self.id}' har fel "
                "kontrollsiffra"
            )
        if not self.ingar and not self.skal.strip():
            raise ValueError(f"'{self.id}' ingår inte i koncernen: ange varför i skal")
        if self.ingar and self.andel_roster < 20:
            raise ValueError(
                f"'{self.id}' har {self.andel_roster:g} % av rösterna; under 20 % finns inget "
                "betydande inflytande och företaget ingår inte i den kommunala koncernen "
                "(sätt ingar: false och skriv skälet)"
            )
        return self

    @property
    def orgnr(self) -> str:
        """The organisationsnummer written NNNNNN-NNNN."""
        digits = self.organisationsnummer.replace("-", "")
        return f"{digits[:6]}-{digits[6:]}"

    @property
    def andel(self) -> float:
        """The owned share as a fraction (andel_kapital / 100)."""
        return self.andel_kapital / 100

    @property
    def relation(self) -> str:
        """dotterföretag (more than 50 % of the votes) or intresseföretag (20–50 %)."""
        if self.andel_roster > 50:
            return "dotterföretag"
        return "intresseföretag" if self.andel_roster >= 20 else "övrigt företag"


class Koncern(Frozen):
    foretag: list[Koncernforetag] = Field(default_factory=list)

    def ingaende(self) -> list[Koncernforetag]:
        return [f for f in self.foretag if f.ingar]


# --- params/perioder.yml ----------------------------------------------------------------

RapportTyp = Literal["tertialrapport", "delårsrapport", "årsredovisning"]
REPORT_KINDS: tuple[RapportTyp, ...] = ("tertialrapport", "delårsrapport", "årsredovisning")


class NamndParams(Frozen):
    id: Id
    jamforelsegrupp: Id | None = None
    markera: list[Id] = Field(default_factory=list)


class Period(Frozen):
    id: PeriodId
    typ: RapportTyp
    slutdatum: date
    titel: Name
    namnder: list[NamndParams] = Field(min_length=1)
    koncern: bool | None = None
    """Whether the report shows the kommunal koncern (sammanställda räkenskaper). Unset: the
    årsredovisning does, the delårsrapport and tertialrapport do not."""

    @property
    def visar_koncern(self) -> bool:
        return self.koncern if self.koncern is not None else self.typ == "årsredovisning"

    @property
    def year(self) -> int:
        return int(self.id[:4])

    @property
    def month(self) -> int:
        return int(self.id[5:])


DEFAULT_TIME_LIMIT_SECONDS = 900
"""A job's time limit when neither ``build --tidsgrans`` nor ``bygg.tidsgrans`` sets one."""


class Bygg(Frozen):
    """How the project's jobs are run (``bygg:`` in params/perioder.yml)."""

    tidsgrans: float = Field(default=DEFAULT_TIME_LIMIT_SECONDS, gt=0, le=7 * 24 * 3600)
    """Seconds one job (a nämnd's notebook for a period) may run before it is stopped."""


class Perioder(Frozen):
    perioder: list[Period] = Field(min_length=1)
    bygg: Bygg = Field(default_factory=Bygg)


# --- the nämnd's own tables (data/egna/<nämnd>/<namn>.yml) ----------------------------

EgenKolumnTyp = Literal["text", "tal", "heltal", "år", "procent"]


class EgenKolumn(Frozen):
    namn: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_]+$")]
    """The column's name in the file's header row."""
    rubrik: str = ""
    """The heading in the report (default: ``namn``)."""
    typ: EgenKolumnTyp = "text"
    decimaler: Decimals | None = None
    """Decimals of a number column (default: the table's, else its unit's)."""
    summeras: bool = True
    """Summed in the sum row (numbers only; år is never summed)."""
    antal_individer: bool = False
    """The cells count people: a count below ``minsta_antal`` is not shown, nor the sum
    row of the column when one of its cells is hidden (tal and heltal columns only)."""

    @model_validator(mode="after")
    def _counts_are_numbers(self) -> EgenKolumn:
        if self.antal_individer and self.typ not in ("tal", "heltal"):
            raise ValueError(
                f"antal_individer gäller bara kolumner av typen heltal eller tal, inte {self.typ}"
            )
        return self


class EgenTabellBeskrivning(Frozen):
    """The description of a nämnd's own table: title, unit, columns and the sum row."""

    titel: NonEmpty
    enhet: str = ""
    """The unit of the number columns (e.g. ``tkr``), shown in the headings and notes."""
    kolumner: list[EgenKolumn] = Field(min_length=1)
    decimaler: Decimals | None = None
    """Decimals of the number columns (default: the kommun's for the unit, see
    :meth:`Kommun.decimals`); a column's own ``decimaler`` comes first."""
    summarad: str | None = None
    """The first cell of a sum row (e.g. ``Summa``); no sum row when left out."""
    grupp: str | None = None
    """A text column whose value groups the rows: each group gets a heading row and, when a
    column is summed, a subtotal row; the column itself is not shown."""
    delsumma: Name = "Summa {grupp}"
    """The first cell of a group's subtotal row; ``{grupp}`` is the group's name, its first
    letter in lower case unless the name is an abbreviation (``Summa skatteintäkter``)."""
    noter: list[NonEmpty] = Field(default_factory=list)
    kalla: str = ""
    """The source, shown under the table."""

    @model_validator(mode="after")
    def _group_is_a_text_column(self) -> EgenTabellBeskrivning:
        if self.grupp is None:
            return self
        column = next((k for k in self.kolumner if k.namn == self.grupp), None)
        if column is None:
            known = ", ".join(k.namn for k in self.kolumner)
            raise ValueError(f"grupp '{self.grupp}' är ingen av kolumnerna ({known})")
        if column.typ != "text":
            raise ValueError(f"grupp '{self.grupp}' måste vara en kolumn av typen text")
        if len(self.kolumner) < 2:
            raise ValueError("en grupperad tabell behöver minst en kolumn utöver gruppen")
        rest = self.delsumma.replace("{grupp}", "")
        if "{" in rest or "}" in rest:
            raise ValueError("delsumma får bara innehålla platshållaren {grupp}")
        return self

    def decimals(self, k: EgenKolumn, kommun: Kommun) -> int:
        """A number column's decimals: a ``tal`` column's own, the table's, or the kommun's
        for the table's unit; a ``procent`` column's own or none; a ``heltal`` none."""
        if k.typ == "heltal":
            return 0
        if k.decimaler is not None:
            return k.decimaler
        if k.typ != "tal":
            return 0
        if self.decimaler is not None:
            return self.decimaler
        return kommun.decimals(self.enhet)

    def key(self) -> tuple[str, ...]:
        """The columns whose values name a row once: the first column, within its group."""
        first = next(k.namn for k in self.kolumner if k.namn != self.grupp)
        return (first,) if self.grupp is None else (self.grupp, first)


@dataclass(frozen=True)
class EgenTabell:
    """One own table of a nämnd: its description and its validated rows."""

    namnd: str
    namn: str
    """The file stem; the report's label is ``tbl-egen-<namn>``."""
    beskrivning: EgenTabellBeskrivning
    frame: pd.DataFrame


# --- the whole model --------------------------------------------------------------------


@dataclass(frozen=True)
class Kommunmodell:
    """Everything the reports are computed from, validated."""

    paths: ProjectPaths
    organisation: Organisation
    malkedja: Malkedja
    perioder: Perioder
    _tables: Mapping[str, pd.DataFrame]
    finansiella_mal: FinansiellaMal | None = None
    """KF's financial goals (data/finansiella_mal.yml), when the kommun keeps them."""
    konventioner: Mapping[str, str] = field(default_factory=dict)
    """Dataset name → its sign convention (``positiv`` or ``negativ`` net costs), as detected
    per file by :mod:`kommunrapport.data.tecken`."""
    egna: Mapping[str, tuple[EgenTabell, ...]] = field(default_factory=dict)
    """Nämnd id → its own tables (data/egna/<nämnd>/), in file-name order."""
    upplysningar: tuple[str, ...] = ()
    """What ``check`` tells besides problems (e.g. each file's sign convention)."""
    koncern: Koncern | None = None
    """The kommunal koncern's companies (data/koncern.yml), when the kommun has any."""

    def konvention(self, name: str) -> str:
        """The sign convention of dataset ``name``: ``positiv`` (the default) or ``negativ``."""
        return self.konventioner.get(name, "positiv")

    def egna_tabeller(self, namnd_id: str) -> tuple[EgenTabell, ...]:
        return self.egna.get(namnd_id, ())

    def table(self, name: str) -> pd.DataFrame:
        """The dataset ``name`` as a typed frame (a copy: the model never changes)."""
        from kommunrapport.data.datasets import dataset

        ds = dataset(name)
        frame = self._tables.get(name)
        if frame is None:
            from kommunrapport.data.tablespec import Kind

            dtypes = {Kind.NUMBER: "float64", Kind.INT: "Int64", Kind.YEAR: "Int64"}
            return pd.DataFrame(
                {c.name: pd.Series(dtype=dtypes.get(c.kind, object)) for c in ds.columns}
            )
        return frame.copy()

    @property
    def kommun(self) -> Kommun:
        return self.organisation.kommun

    def namnd(self, namnd_id: str) -> Namnd:
        for n in self.organisation.namnder:
            if n.id == namnd_id:
                return n
        raise KeyError(namnd_id)

    def period(self, period_id: str) -> Period:
        for p in self.perioder.perioder:
            if p.id == period_id:
                return p
        raise KeyError(period_id)

    def has_kommun_chapter(self, period_id: str) -> bool:
        """Whether the period's report has the kommun's chapter: it does when the
        kommun-level data (``datasets.KOMMUN_DATA``) has rows for the period."""
        from kommunrapport.data.datasets import KOMMUN_DATA, kommun_periods

        return period_id in kommun_periods(self._tables.get(KOMMUN_DATA))

    def namndmal_for(self, namnd_id: str) -> list[Namndmal]:
        return [m for m in self.malkedja.namndmal if m.namnd == namnd_id]

    def indikatorer(self) -> dict[str, Indikator]:
        """Every indicator once (one may follow several nämndmål)."""
        return self.malkedja.indikatorer()
