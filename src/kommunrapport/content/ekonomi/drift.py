"""Driftredovisning (tkr), per verksamhet for a nämnd and per nämnd for the kommun.

Rules:

- *Avvikelse* is positive when the outcome is better than budget (a surplus): budget −
  prognos for costs stored as positive numbers, prognos − budget when a kommun stores net
  costs as negative numbers (detected from the sign of the total budget).
- In the delårsrapport (and the tertialrapport) the full-year figure is the prognos; in the
  årsredovisning it is the outcome.
- *Förbrukat* is the utfall as a share of the budget, to compare with the share of the year.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kommunrapport.content import formatting as fmt
from kommunrapport.content import period as per
from kommunrapport.content.ekonomi.tal import known_sum, num
from kommunrapport.content.tables import Kolumn, Tabell
from kommunrapport.data.model import Kommunmodell, Period


@dataclass(frozen=True)
class DriftRad:
    namn: str
    budget: float | None
    utfall: float | None
    prognos: float | None
    avvikelse: float | None
    forbrukat: float | None
    """Utfall as a share of the budget (percent)."""


@dataclass(frozen=True)
class Drift:
    """Driftredovisning (tkr): one row per verksamhet (or per nämnd) and the total."""

    period: Period
    rader: tuple[DriftRad, ...]
    summa: DriftRad
    kostnad_negativ: bool = False

    @property
    def full_year(self) -> bool:
        return per.is_full_year(self.period)


def _drift_rad(namn: str, b: float | None, u: float | None, p: float | None, sign: int) -> DriftRad:
    return DriftRad(
        namn, b, u, p, None if b is None or p is None else sign * (b - p), fmt.share(u, b)
    )


def _drift(p: Period, frame: pd.DataFrame, by: str, names: dict[str, str]) -> Drift:
    full_year = per.is_full_year(p)
    total_budget = float(frame["budget"].sum()) if not frame.empty else 0.0
    sign = -1 if total_budget < 0 else 1
    rows = []
    for key, group in frame.groupby(by, sort=False):
        b = num(group["budget"].sum(min_count=1))
        u = num(group["utfall"].sum(min_count=1))
        pr = u if full_year else num(group["prognos"].sum(min_count=1))
        rows.append(_drift_rad(names.get(str(key), str(key)), b, u, pr, sign))
    summa = _drift_rad(
        "Summa",
        known_sum([r.budget for r in rows]),
        known_sum([r.utfall for r in rows]),
        known_sum([r.prognos for r in rows]),
        sign,
    )
    return Drift(p, tuple(rows), summa, sign < 0)


def drift_namnd(model: Kommunmodell, period_id: str, namnd_id: str) -> Drift:
    """The nämnd's driftredovisning per verksamhet."""
    p = per.period(model, period_id)
    t = model.table("driftredovisning")
    t = t[(t["period"] == period_id) & (t["namnd"] == namnd_id)]
    return _drift(p, t, "verksamhet", {})


def drift_kommun(model: Kommunmodell, period_id: str) -> Drift:
    """The driftredovisning per nämnd (sum of verksamheter), in params order."""
    p = per.period(model, period_id)
    order = [n.id for n in p.namnder]
    t = model.table("driftredovisning")
    t = t[(t["period"] == period_id) & (t["namnd"].isin(order))].copy()
    t["_order"] = t["namnd"].map({n: i for i, n in enumerate(order)})
    t = t.sort_values("_order", kind="stable")
    names = {n.id: n.namn for n in model.organisation.namnder}
    return _drift(p, t, "namnd", names)


def drift_tabell(d: Drift, forsta: str = "Verksamhet") -> Tabell:
    p = d.period
    what = "utfall" if d.full_year else "prognos för helåret"
    formula = f"budget − {what}"
    if d.kostnad_negativ:
        formula = f"{what} − budget (nettokostnaderna är negativa tal)"
    notes = [f"Avvikelse = {formula}; positivt tal är ett överskott mot budget."]
    cols: tuple[Kolumn, ...]
    if d.full_year:
        cols = (
            Kolumn.text(forsta),
            Kolumn.tal("Budget (tkr)"),
            Kolumn.tal("Utfall (tkr)"),
            Kolumn.tal("Avvikelse (tkr)"),
            Kolumn.tal("Utfall av budget (%)"),
        )
    else:
        cols = (
            Kolumn.text(forsta),
            Kolumn.tal("Budget helår (tkr)"),
            Kolumn.tal(f"Utfall {fmt.month_span(p.month)} (tkr)"),
            Kolumn.tal("Prognos helår (tkr)"),
            Kolumn.tal("Avvikelse (tkr)"),
            Kolumn.tal("Förbrukat av budget (%)"),
        )
        notes.append(
            f"Perioden omfattar {p.month} av 12 månader "
            f"({fmt.percent(per.share_of_year(p))} av året): jämför med andelen förbrukad budget."
        )

    def cells(r: DriftRad) -> tuple[str, ...]:
        middle = (
            (fmt.number(r.utfall),)
            if d.full_year
            else (
                fmt.number(r.utfall),
                fmt.number(r.prognos),
            )
        )
        return (
            r.namn,
            fmt.number(r.budget),
            *middle,
            fmt.number(r.avvikelse, sign=True),
            fmt.number(r.forbrukat),
        )

    return Tabell(
        cols,
        tuple(cells(r) for r in d.rader),
        summa=(cells(d.summa),) if d.rader else (),
        noter=tuple(notes),
        tom="Driftredovisning saknas för perioden.",
    )
