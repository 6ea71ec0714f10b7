"""Ekonomisk sammanfattning (tkr): a nämnd's intäkter, kostnader and nettokostnad, with
budget, utfall, prognos, avvikelse and the same period last year.

Rules:

- The amounts keep the file's sign convention (:mod:`kommunrapport.data.tecken`): intäkter
  and kostnader have opposite signs, and the nettokostnad is their sum.
- *Avvikelse* is positive when the outcome is better than budget: budget − prognos when net
  costs are positive numbers, prognos − budget when costs are negative numbers. More income
  than budgeted is thus a positive avvikelse in both conventions.
- The full-year figure is the prognos in the delårsrapport and the utfall in the
  årsredovisning; the previous year is the file's rows for the same month a year earlier.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kommunrapport.content import formatting as fmt
from kommunrapport.content import period as per
from kommunrapport.content.ekonomi.tal import known_sum, num
from kommunrapport.content.tables import Kolumn, Tabell
from kommunrapport.data import tecken
from kommunrapport.data.model import Kommunmodell, Period

POSTER = (("intakter", "Intäkter"), ("kostnader", "Kostnader"))


@dataclass(frozen=True)
class SammanfattningRad:
    namn: str
    budget: float | None
    utfall: float | None
    helar: float | None
    """The full-year figure: the prognos in a delårs- or tertialrapport, the utfall in the
    årsredovisning."""
    foregaende: float | None
    """Utfall for the same period last year."""
    tecken: int = 1

    @property
    def avvikelse(self) -> float | None:
        if self.budget is None or self.helar is None:
            return None
        return self.tecken * (self.budget - self.helar)


@dataclass(frozen=True)
class Sammanfattning:
    period: Period
    rader: tuple[SammanfattningRad, ...]
    """Intäkter, kostnader and the nettokostnad (empty when the nämnd has no rows)."""
    kostnad_negativ: bool = False

    def rad(self, namn: str) -> SammanfattningRad | None:
        return next((r for r in self.rader if r.namn == namn), None)


def _rows(t: pd.DataFrame, period_id: str, namnd_id: str) -> pd.DataFrame:
    return t[(t["period"] == period_id) & (t["namnd"] == namnd_id)]


def sammanfattning(model: Kommunmodell, period_id: str, namnd_id: str) -> Sammanfattning:
    p = per.period(model, period_id)
    sign = tecken.sign(model.konvention("ekonomisk_sammanfattning"))
    t = model.table("ekonomisk_sammanfattning")
    now = _rows(t, period_id, namnd_id)
    before = _rows(t, per.same_month_last_year(period_id), namnd_id)
    if now.empty:
        return Sammanfattning(p, (), sign < 0)
    full_year = per.is_full_year(p)
    rows = []
    for post, namn in POSTER:
        r = now[now["post"] == post]
        b = before[before["post"] == post]
        if r.empty:
            continue
        utfall = num(r["utfall"].iloc[0])
        rows.append(
            SammanfattningRad(
                namn,
                num(r["budget"].iloc[0]),
                utfall,
                utfall if full_year else num(r["prognos"].iloc[0]),
                num(b["utfall"].iloc[0]) if not b.empty else None,
                sign,
            )
        )
    rows.append(
        SammanfattningRad(
            "Nettokostnad",
            known_sum([r.budget for r in rows]),
            known_sum([r.utfall for r in rows]),
            known_sum([r.helar for r in rows]),
            known_sum([r.foregaende for r in rows]),
            sign,
        )
    )
    return Sammanfattning(p, tuple(rows), sign < 0)


def sammanfattning_tabell(s: Sammanfattning, *, decimaler: int = 0) -> Tabell:
    p = s.period
    full_year = per.is_full_year(p)
    span = fmt.month_span(p.month)
    last = f"Utfall {span} {p.year - 1} (tkr)" if not full_year else f"Utfall {p.year - 1} (tkr)"
    cols: tuple[Kolumn, ...]
    if full_year:
        cols = (
            Kolumn.text("Post"),
            Kolumn.tal("Budget (tkr)"),
            Kolumn.tal("Utfall (tkr)"),
            Kolumn.tal("Avvikelse (tkr)"),
            Kolumn.tal(last),
        )
    else:
        cols = (
            Kolumn.text("Post"),
            Kolumn.tal("Budget helår (tkr)"),
            Kolumn.tal(f"Utfall {span} (tkr)"),
            Kolumn.tal("Prognos helår (tkr)"),
            Kolumn.tal("Avvikelse (tkr)"),
            Kolumn.tal(last),
        )

    def cells(r: SammanfattningRad) -> tuple[str, ...]:
        middle = (
            (fmt.number(r.utfall, decimaler),)
            if full_year
            else (fmt.number(r.utfall, decimaler), fmt.number(r.helar, decimaler))
        )
        return (
            r.namn,
            fmt.number(r.budget, decimaler),
            *middle,
            fmt.number(r.avvikelse, decimaler, sign=True),
            fmt.number(r.foregaende, decimaler),
        )

    what = "utfall" if full_year else "prognos för helåret"
    if s.kostnad_negativ:
        rule = f"Avvikelse = {what} − budget (kostnaderna är negativa tal, intäkterna positiva)"
    else:
        rule = f"Avvikelse = budget − {what} (kostnaderna är positiva tal, intäkterna negativa)"
    body = tuple(cells(r) for r in s.rader[:-1])
    return Tabell(
        cols,
        body,
        summa=(cells(s.rader[-1]),) if s.rader else (),
        noter=(
            f"{rule}; positivt tal är ett överskott mot budget. Nettokostnaden är summan av "
            "intäkter och kostnader.",
        ),
        tom="Nämnden redovisar ingen ekonomisk sammanfattning för perioden.",
    )
