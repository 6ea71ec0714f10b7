"""Ekonomisk sammanfattning (tkr): a nämnd's intäkter, kostnader and nettokostnad, with
budget, utfall, prognos, avvikelse and the same period last year, and its nettoinvesteringar.

Rules:

- The amounts keep the file's sign convention (:mod:`kommunrapport.data.tecken`): intäkter
  and kostnader have opposite signs, and the nettokostnad is their sum.
- A ``nettokostnad`` row is the nämnd's own figure for the net: each amount it gives is used
  instead of the sum (a budget for the net only, without intäkter and kostnader); ``check``
  refuses one that differs from the sum of the parts by more than rounding.
- ``nettoinvesteringar`` is a row of its own under the net, not part of it, with the sign of
  the kostnader.
- *Avvikelse* is positive when the outcome is better than budget: budget − prognos when net
  costs are positive numbers, prognos − budget when costs are negative numbers. More income
  than budgeted is thus a positive avvikelse in both conventions.
- The full-year figure is the prognos in the delårsrapport and the utfall in the
  årsredovisning; the previous year is the file's rows for the same month a year earlier. In
  the årsredovisning, the previous year's budget and avvikelse are shown when those rows have
  a budget.
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
NETTO = ("nettokostnad", "Nettokostnad")
INVESTERING = ("nettoinvesteringar", "Nettoinvesteringar")


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
    foregaende_budget: float | None = None
    """The budget of the same period last year."""

    @property
    def avvikelse(self) -> float | None:
        if self.budget is None or self.helar is None:
            return None
        return self.tecken * (self.budget - self.helar)

    @property
    def foregaende_avvikelse(self) -> float | None:
        """Last year's budget − utfall (for the årsredovisning, where utfall is the year's)."""
        if self.foregaende_budget is None or self.foregaende is None:
            return None
        return self.tecken * (self.foregaende_budget - self.foregaende)


@dataclass(frozen=True)
class Sammanfattning:
    period: Period
    rader: tuple[SammanfattningRad, ...]
    """Intäkter, kostnader (those the file has) and the nettokostnad (empty when the nämnd
    has no rows for them)."""
    kostnad_negativ: bool = False
    investering: SammanfattningRad | None = None
    """The nettoinvesteringar, when the file has them."""

    def rad(self, namn: str) -> SammanfattningRad | None:
        return next((r for r in self.rader if r.namn == namn), None)

    @property
    def alla_rader(self) -> tuple[SammanfattningRad, ...]:
        """The rows and, under them, the nettoinvesteringar."""
        return (*self.rader, *((self.investering,) if self.investering else ()))

    @property
    def foregaende_budget(self) -> bool:
        """The årsredovisning shows last year's budget and avvikelse (some row has one)."""
        return per.is_full_year(self.period) and any(
            r.foregaende_budget is not None for r in self.alla_rader
        )


def _rows(t: pd.DataFrame, period_id: str, namnd_id: str) -> pd.DataFrame:
    return t[(t["period"] == period_id) & (t["namnd"] == namnd_id)]


def _value(rows: pd.DataFrame, post: str, column: str) -> float | None:
    r = rows[rows["post"] == post]
    return None if r.empty or column not in r.columns else num(r[column].iloc[0])


def _rad(
    namn: str, post: str, now: pd.DataFrame, before: pd.DataFrame, full_year: bool, sign: int
) -> SammanfattningRad:
    utfall = _value(now, post, "utfall")
    return SammanfattningRad(
        namn,
        _value(now, post, "budget"),
        utfall,
        utfall if full_year else _value(now, post, "prognos"),
        _value(before, post, "utfall"),
        sign,
        _value(before, post, "budget"),
    )


def _given(value: float | None, summed: float | None) -> float | None:
    return summed if value is None else value


def sammanfattning(model: Kommunmodell, period_id: str, namnd_id: str) -> Sammanfattning:
    p = per.period(model, period_id)
    sign = tecken.sign(model.konvention("ekonomisk_sammanfattning"))
    t = model.table("ekonomisk_sammanfattning")
    now = _rows(t, period_id, namnd_id)
    before = _rows(t, per.same_month_last_year(period_id), namnd_id)
    full_year = per.is_full_year(p)
    posts = set(now["post"])
    investering = None
    if INVESTERING[0] in posts:
        investering = _rad(INVESTERING[1], INVESTERING[0], now, before, full_year, sign)
    rows = [
        _rad(namn, post, now, before, full_year, sign) for post, namn in POSTER if post in posts
    ]
    if not rows and NETTO[0] not in posts:
        return Sammanfattning(p, (), sign < 0, investering)
    official = _rad(NETTO[1], NETTO[0], now, before, full_year, sign)
    net = SammanfattningRad(
        NETTO[1],
        _given(official.budget, known_sum([r.budget for r in rows])),
        _given(official.utfall, known_sum([r.utfall for r in rows])),
        _given(official.helar, known_sum([r.helar for r in rows])),
        _given(official.foregaende, known_sum([r.foregaende for r in rows])),
        sign,
        _given(official.foregaende_budget, known_sum([r.foregaende_budget for r in rows])),
    )
    return Sammanfattning(p, (*rows, net), sign < 0, investering)


def sammanfattning_tabell(s: Sammanfattning, *, decimaler: int = 0) -> Tabell:
    p = s.period
    full_year = per.is_full_year(p)
    span = fmt.month_span(p.month)
    last = f"Utfall {span} {p.year - 1} (tkr)" if not full_year else f"Utfall {p.year - 1} (tkr)"
    cols: list[Kolumn]
    if full_year:
        cols = [
            Kolumn.text("Post"),
            Kolumn.tal("Budget (tkr)"),
            Kolumn.tal("Utfall (tkr)"),
            Kolumn.tal("Avvikelse (tkr)"),
        ]
    else:
        cols = [
            Kolumn.text("Post"),
            Kolumn.tal("Budget helår (tkr)"),
            Kolumn.tal(f"Utfall {span} (tkr)"),
            Kolumn.tal("Prognos helår (tkr)"),
            Kolumn.tal("Avvikelse (tkr)"),
        ]
    before = s.foregaende_budget
    if before:
        cols.append(Kolumn.tal(f"Budget {p.year - 1} (tkr)"))
    cols.append(Kolumn.tal(last))
    if before:
        cols.append(Kolumn.tal(f"Avvikelse {p.year - 1} (tkr)"))

    def n(value: float | None, sign: bool = False) -> str:
        return fmt.number(value, decimaler, sign=sign)

    def cells(r: SammanfattningRad) -> tuple[str, ...]:
        middle = (n(r.utfall),) if full_year else (n(r.utfall), n(r.helar))
        out = [r.namn, n(r.budget), *middle, n(r.avvikelse, sign=True)]
        if before:
            out.append(n(r.foregaende_budget))
        out.append(n(r.foregaende))
        if before:
            out.append(n(r.foregaende_avvikelse, sign=True))
        return tuple(out)

    what = "utfall" if full_year else "prognos för helåret"
    if s.kostnad_negativ:
        rule = f"Avvikelse = {what} − budget (kostnaderna är negativa tal, intäkterna positiva)"
    else:
        rule = f"Avvikelse = budget − {what} (kostnaderna är positiva tal, intäkterna negativa)"
    body = [cells(r) for r in s.rader]
    marked = {len(body) - 1} if s.rader else set()
    notes = [f"{rule}; positivt tal är ett överskott mot budget."]
    parts, net = s.rader[:-1], s.rader[-1] if s.rader else None
    if (
        parts
        and net is not None
        and net.budget is not None
        and all(r.budget is None for r in parts)
    ):
        notes.append(
            "Nettokostnaden är summan av intäkter och kostnader; budgeten är nämndens budget "
            "för netto (intäkter och kostnader har ingen egen)."
        )
    elif parts:
        notes.append("Nettokostnaden är summan av intäkter och kostnader.")
    if s.investering is not None:
        body.append(cells(s.investering))
        notes.append(
            "Nettoinvesteringarna är nämndens investeringsutgifter minus inkomster; de ingår "
            "inte i nettokostnaden. Positiv avvikelse: lägre utgifter än budgeterat."
        )
    return Tabell(
        tuple(cols),
        tuple(body),
        noter=tuple(notes),
        markerade=frozenset(marked),
        tom="Nämnden redovisar ingen ekonomisk sammanfattning för perioden.",
    )
