"""Investeringsredovisning (tkr): the projects of a nämnd, and the kommun's sum per nämnd.

Rules:

- *Avvikelse* = budget − the full-year figure; positive means less spent than budgeted.
- In the delårsrapport (and the tertialrapport) the full-year figure is the prognos; in the
  årsredovisning it is the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass

from kommunrapport.content import formatting as fmt
from kommunrapport.content import period as per
from kommunrapport.content.ekonomi.tal import diff, known_sum, num
from kommunrapport.content.tables import Kolumn, Tabell
from kommunrapport.data.model import Kommunmodell, Period


@dataclass(frozen=True)
class InvesteringRad:
    namn: str
    namnd: str
    budget: float | None
    utfall: float | None
    prognos: float | None

    @property
    def avvikelse(self) -> float | None:
        return diff(self.budget, self.prognos)


@dataclass(frozen=True)
class Investeringar:
    period: Period
    rader: tuple[InvesteringRad, ...]

    @property
    def summa(self) -> InvesteringRad:
        return InvesteringRad(
            "Summa",
            "",
            known_sum([r.budget for r in self.rader]),
            known_sum([r.utfall for r in self.rader]),
            known_sum([r.prognos for r in self.rader]),
        )


def investeringar(model: Kommunmodell, period_id: str, namnd_id: str | None) -> Investeringar:
    """Investment projects of a nämnd (or of every reporting nämnd when ``namnd_id`` is None)."""
    p = per.period(model, period_id)
    t = model.table("investeringar")
    t = t[t["period"] == period_id]
    if namnd_id is not None:
        t = t[t["namnd"] == namnd_id]
    else:
        t = t[t["namnd"].isin([n.id for n in p.namnder])]
    full_year = per.is_full_year(p)
    rows = tuple(
        InvesteringRad(
            str(r["projekt"]),
            str(r["namnd"]),
            num(r["budget"]),
            num(r["utfall"]),
            num(r["utfall"]) if full_year else num(r["prognos"]),
        )
        for _, r in t.iterrows()
    )
    return Investeringar(p, rows)


def _investering_cols(p: Period, first: str) -> tuple[Kolumn, ...]:
    if per.is_full_year(p):
        return (
            Kolumn.text(first),
            Kolumn.tal("Budget (tkr)"),
            Kolumn.tal("Utfall (tkr)"),
            Kolumn.tal("Avvikelse (tkr)"),
        )
    return (
        Kolumn.text(first),
        Kolumn.tal("Budget helår (tkr)"),
        Kolumn.tal(f"Utfall {fmt.month_span(p.month)} (tkr)"),
        Kolumn.tal("Prognos helår (tkr)"),
        Kolumn.tal("Avvikelse (tkr)"),
    )


def _investering_cells(p: Period, r: InvesteringRad) -> tuple[str, ...]:
    if per.is_full_year(p):
        return (
            r.namn,
            fmt.number(r.budget),
            fmt.number(r.utfall),
            fmt.number(r.avvikelse, sign=True),
        )
    return (
        r.namn,
        fmt.number(r.budget),
        fmt.number(r.utfall),
        fmt.number(r.prognos),
        fmt.number(r.avvikelse, sign=True),
    )


_INV_NOTE = "Avvikelse = budget − {what}; positivt tal betyder lägre utgift än budgeterat."


def investering_tabell(inv: Investeringar) -> Tabell:
    p = inv.period
    what = "utfall" if per.is_full_year(p) else "prognos för helåret"
    return Tabell(
        _investering_cols(p, "Projekt"),
        tuple(_investering_cells(p, r) for r in inv.rader),
        summa=(_investering_cells(p, inv.summa),) if inv.rader else (),
        noter=(_INV_NOTE.format(what=what),),
        tom="Nämnden har inga investeringsprojekt under perioden.",
    )


def investering_per_namnd_tabell(model: Kommunmodell, inv: Investeringar) -> Tabell:
    """The kommun's investeringsredovisning summed per nämnd."""
    p = inv.period
    names = {n.id: n.namn for n in model.organisation.namnder}
    rows = []
    for n in p.namnder:
        mine = [r for r in inv.rader if r.namnd == n.id]
        if not mine:
            continue
        rows.append(
            InvesteringRad(
                names[n.id],
                n.id,
                known_sum([r.budget for r in mine]),
                known_sum([r.utfall for r in mine]),
                known_sum([r.prognos for r in mine]),
            )
        )
    what = "utfall" if per.is_full_year(p) else "prognos för helåret"
    return Tabell(
        _investering_cols(p, "Nämnd"),
        tuple(_investering_cells(p, r) for r in rows),
        summa=(_investering_cells(p, inv.summa),) if rows else (),
        noter=(
            _INV_NOTE.format(what=what),
            f"Summan av {fmt.number(len(inv.rader))} investeringsprojekt.",
        ),
        tom="Inga investeringar redovisas för perioden.",
    )
