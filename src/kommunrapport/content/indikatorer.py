"""Indicator series: the outcomes of every indicator, indexed once, suppressed and compared.

The data of all indicators is indexed once (:class:`Indikatordata`); each indicator's
outcome (:class:`IndikatorUtfall`) carries its series (kommun, kvinnor, män, riket, the
comparison group) and its assessment.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Final, Literal

from kommunrapport.content import formatting as fmt
from kommunrapport.content import suppression
from kommunrapport.content.assessment import (
    Andring,
    Bedomning,
    IndikatorBedomning,
    assess_indicator,
)
from kommunrapport.data.errors import ParameterError
from kommunrapport.data.model import Bedomningsregel, Indikator, Kommunmodell, Namndmal

RIKET: Final = "0000"

Roll = Literal["kommun", "kvinnor", "man", "riket", "grupp"]


@dataclass(frozen=True)
class Serie:
    """One line of an indicator chart: year → value (suppressed values left out)."""

    namn: str
    roll: Roll
    varden: dict[int, float]

    def latest(self, up_to: int | None = None) -> tuple[int, float] | None:
        years = [y for y in self.varden if up_to is None or y <= up_to]
        if not years:
            return None
        y = max(years)
        return y, self.varden[y]


@dataclass(frozen=True)
class Grupp:
    id: str
    namn: str
    medlemmar: tuple[str, ...]


class Indikatordata:
    """The dataset ``indikatorutfall`` indexed by (indikator, område, kön) → {år: värde}."""

    def __init__(self, model: Kommunmodell) -> None:
        t = model.table("indikatorutfall")
        index: dict[tuple[str, str, str], dict[int, float]] = defaultdict(dict)
        for ind, omr, ar, kon, varde in zip(
            t["indikator"], t["omrade"], t["ar"], t["kon"], t["varde"], strict=True
        ):
            if varde is None or fmt.is_missing(varde):
                continue
            index[(str(ind), str(omr), str(kon))][int(ar)] = float(varde)
        self._index = dict(index)
        self.kommun_id = model.kommun.kolada_id
        self._groups: dict[str, Grupp] = {}
        g = model.table("jamforelsegrupper")
        for gid, rows in g.groupby("grupp", sort=False):
            self._groups[str(gid)] = Grupp(
                str(gid),
                str(rows["gruppnamn"].iloc[0]),
                tuple(str(k) for k in rows["kommun"]),
            )

    def series(self, indikator: str, omrade: str, kon: str = "T") -> dict[int, float]:
        return dict(self._index.get((indikator, omrade, kon), {}))

    def group(self, group_id: str | None) -> Grupp | None:
        if group_id is None:
            return None
        try:
            return self._groups[group_id]
        except KeyError:
            raise ParameterError(
                f"Jämförelsegruppen '{group_id}' finns inte i data/jamforelsegrupper."
            ) from None

    def group_series(self, indikator: str, group: Grupp) -> dict[int, float]:
        """The group's value per year: Kolada's own group value when the data holds one
        (område = the group's id), else the unweighted mean of the members (not the kommun)."""
        own = self.series(indikator, group.id)
        if own:
            return own
        by_year: dict[int, list[float]] = defaultdict(list)
        for member in group.medlemmar:
            if member == self.kommun_id:
                continue
            for year, value in self.series(indikator, member).items():
                by_year[year].append(value)
        return {y: sum(v) / len(v) for y, v in sorted(by_year.items()) if v}


@dataclass(frozen=True)
class IndikatorUtfall:
    """Everything the report shows about one indicator."""

    indikator: Indikator
    namndmal: Namndmal
    serier: tuple[Serie, ...]
    bedomning: IndikatorBedomning
    markerad: bool
    undertryckta_ar: frozenset[int]
    """The years in which some value was suppressed (small or withheld count of individuals)."""
    decimals: int

    @property
    def undertryckt(self) -> bool:
        """Some value was suppressed (small or withheld count of individuals)."""
        return bool(self.undertryckta_ar)

    def serie(self, roll: Roll) -> Serie | None:
        return next((s for s in self.serier if s.roll == roll), None)

    def show(self, value: float | None) -> str:
        return fmt.indicator_value(value, self.indikator.enhet, self.decimals)

    def cell(self, value: float | None) -> str:
        """A value in a table cell: with ``%`` for shares, else the bare number (the unit
        is named with the indicator, see :meth:`name_with_unit`)."""
        if fmt.is_percent_unit(self.indikator.enhet):
            return fmt.percent(value, self.decimals)
        return fmt.number(value, self.decimals)

    def name_with_unit(self) -> str:
        name = fmt.one_line(self.indikator.namn)
        unit = self.indikator.enhet
        if fmt.is_percent_unit(unit) or unit.lower() in name.lower():
            return name
        return f"{name} ({unit})"

    def show_diff(self, value: float | None) -> str:
        return _difference(value, self.indikator.enhet, self.decimals)


def _difference(value: float | None, unit: str, decimals: int) -> str:
    """A gap between two values of an indicator: procentenheter for shares."""
    if fmt.is_percent_unit(unit):
        return fmt.with_unit(value, "procentenheter", decimals)
    return fmt.with_unit(value, unit, decimals)


def _suppress(
    ind: Indikator,
    total: dict[int, float],
    k: dict[int, float],
    m: dict[int, float],
    threshold: int,
) -> tuple[dict[int, float], dict[int, float], dict[int, float], frozenset[int]]:
    """The series with small counts of individuals taken out (see
    :func:`suppression.by_kon`: a kön the source withheld beside a total hides the other
    kön), and the years in which something was taken out."""
    if not ind.antal_individer:
        return total, k, m, frozenset()
    hidden: set[int] = set()
    t2: dict[int, float] = {}
    k2: dict[int, float] = {}
    m2: dict[int, float] = {}
    for year in sorted(set(total) | set(k) | set(m)):
        sel = suppression.by_kon(total.get(year), k.get(year), m.get(year), threshold)
        for src, dst, ok in ((total, t2, sel.totalt), (k, k2, sel.kvinnor), (m, m2, sel.man)):
            if year in src:
                if ok:
                    dst[year] = src[year]
                else:
                    hidden.add(year)
    return t2, k2, m2, frozenset(hidden)


def indicator_outcome(
    model: Kommunmodell,
    data: Indikatordata,
    goal: Namndmal,
    ind: Indikator,
    year: int,
    group: Grupp | None,
    markerad: bool,
    andring: Andring | None,
) -> IndikatorUtfall:
    threshold = model.kommun.minsta_antal
    kommun = model.kommun.kolada_id
    total, k, m, hidden = _suppress(
        ind,
        data.series(ind.id, kommun, "T"),
        data.series(ind.id, kommun, "K") if ind.kon else {},
        data.series(ind.id, kommun, "M") if ind.kon else {},
        threshold,
    )
    series = [Serie(model.kommun.namn, "kommun", total)]
    if ind.kon:
        series += [Serie("Kvinnor", "kvinnor", k), Serie("Män", "man", m)]
    if ind.kalla == "kolada":
        series.append(Serie("Riket", "riket", data.series(ind.id, RIKET, "T")))
        if group is not None:
            series.append(Serie("Jämförelsegrupp", "grupp", data.group_series(ind.id, group)))
    all_values = [v for s in series for v in s.varden.values()] + list(ind.mal.values())
    decimals = fmt.decimals_for(all_values)
    rule: Bedomningsregel = ind.bedomning or model.malkedja.bedomning

    def show(v: float | None) -> str:
        return fmt.indicator_value(v, ind.enhet, decimals)

    def show_diff(v: float | None) -> str:
        return _difference(v, ind.enhet, decimals)

    value = total.get(year)
    assessed = assess_indicator(
        id=ind.id,
        namn=ind.namn,
        year=year,
        value=value,
        target=ind.mal.get(year),
        riktning=ind.riktning,
        rule=rule,
        show=show,
        show_diff=show_diff,
        andring=andring,
    )
    if year in hidden and value is None and year in data.series(ind.id, kommun, "T"):
        assessed = IndikatorBedomning(
            ind.id,
            ind.namn,
            year,
            None,
            ind.mal.get(year),
            Bedomning.EJ_BEDOMBAR,
            f"Utfallet {year} redovisas inte (färre än {threshold} personer).",
            andring,
        )
    return IndikatorUtfall(ind, goal, tuple(series), assessed, markerad, hidden, decimals)
