"""Driftredovisning (tkr), per verksamhet for a nämnd and per nämnd for the kommun.

Rules:

- *Avvikelse* is positive when the outcome is better than budget (a surplus): budget −
  prognos for costs stored as positive numbers, prognos − budget when a kommun stores net
  costs as negative numbers (the file's convention, detected by ``check``:
  :mod:`kommunrapport.data.tecken`). A net-income row (the other sign) follows the same rule,
  and every sum keeps the signs.
- A nämnd's official total (a row with ``radtyp`` ``total``) is its sum; the sum of its rows
  is told beside it when rounding makes them differ.
- In the delårsrapport (and the tertialrapport) the full-year figure is the prognos; in the
  årsredovisning it is the outcome.
- *Förbrukat* is the utfall as a share of the budget, to compare with the share of the year.
- A row without budget (an empty cell: a verksamhet that has none) counts as budget 0 in its
  avvikelse and in every sum, shows no budget and no förbrukat, and is named in a note.
- An ``avvikelse`` the file gives (the ekonomisystem's, rounded per row) is shown as given;
  ``check`` refuses one that differs from budget and utfall (prognos) by more than rounding.
  A sum over rows with given ones is the sum of the rows' avvikelser.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kommunrapport.content import formatting as fmt
from kommunrapport.content import period as per
from kommunrapport.content.ekonomi.tal import given_avvikelse_note, known_sum, no_budget_note, num
from kommunrapport.content.tables import Kolumn, Tabell
from kommunrapport.data import tecken
from kommunrapport.data.model import Kommunmodell, Period


@dataclass(frozen=True)
class DriftRad:
    namn: str
    budget: float | None
    utfall: float | None
    helar: float | None
    """The full-year figure: the prognos in a delårs- or tertialrapport, the utfall in the
    årsredovisning."""
    avvikelse: float | None
    forbrukat: float | None
    """Utfall as a share of the budget (percent)."""
    nettointakt: bool = False
    """The row is a net income (its amount has the sign of an income in the file's
    convention, e.g. tourism)."""
    given: bool = False
    """The avvikelse is the file's (the ekonomisystem's), not computed here."""


@dataclass(frozen=True)
class Drift:
    """Driftredovisning (tkr): one row per verksamhet (or per nämnd) and the total."""

    period: Period
    rader: tuple[DriftRad, ...]
    summa: DriftRad
    kostnad_negativ: bool = False
    radsumma: DriftRad | None = None
    """The sum of the rows when ``summa`` is an official total that differs from it (by
    rounding; a larger difference is refused by ``check``)."""
    officiell: bool = False
    """``summa`` is the nämnd's official total."""
    officiella: tuple[str, ...] = ()
    """Per nämnd (the kommun's table): the nämnder whose row is their official total."""

    @property
    def full_year(self) -> bool:
        return per.is_full_year(self.period)


Amounts = tuple[float | None, float | None, float | None, float | None]
"""Budget, utfall, the full-year figure and the given avvikelse (None: compute it)."""


def _drift_rad(namn: str, amounts: Amounts, sign: int) -> DriftRad:
    """A row; no budget (an empty cell) counts as 0 in the avvikelse, as in every sum."""
    b, u, h, given = amounts
    amount = b if b is not None else u
    computed = None if h is None else sign * ((b or 0.0) - h)
    return DriftRad(
        namn,
        b,
        u,
        h,
        computed if given is None else given,
        fmt.share(u, b),
        amount is not None and amount * sign < 0,
        given is not None,
    )


def _amounts(rows: pd.DataFrame, full_year: bool) -> Amounts:
    b = num(rows["budget"].sum(min_count=1))
    u = num(rows["utfall"].sum(min_count=1))
    h = u if full_year else num(rows["prognos"].sum(min_count=1))
    given = None
    if "avvikelse" in rows.columns and rows["avvikelse"].notna().all():
        given = num(rows["avvikelse"].sum(min_count=1))
    return b, u, h, given


def _drift(p: Period, frame: pd.DataFrame, by: str, names: dict[str, str], sign: int) -> Drift:
    """Rows per ``by``; each nämnd's official total (``radtyp`` total) replaces the sum of its
    rows where it has one."""
    full_year = per.is_full_year(p)
    total = tecken.is_total(frame)
    totals, body = frame[total], frame[~total]
    rows = []
    officiell = False
    officiella = []
    for key, group in body.groupby(by, sort=False):
        amounts = _amounts(group, full_year)
        if by == "namnd":
            official = totals[totals["namnd"] == key]
            if not official.empty:
                amounts = _amounts(official, full_year)
                officiella.append(names.get(str(key), str(key)))
        rows.append(_drift_rad(names.get(str(key), str(key)), amounts, sign))
    given = known_sum([r.avvikelse for r in rows]) if any(r.given for r in rows) else None
    summed = _drift_rad(
        "Summa",
        (
            known_sum([r.budget for r in rows]),
            known_sum([r.utfall for r in rows]),
            known_sum([r.helar for r in rows]),
            given,
        ),
        sign,
    )
    summa, radsumma = summed, None
    if by != "namnd" and not totals.empty and rows:
        summa = _drift_rad("Summa", _amounts(totals, full_year), sign)
        officiell = True
        if (summa.budget, summa.utfall, summa.helar) != (
            summed.budget,
            summed.utfall,
            summed.helar,
        ):
            radsumma = summed
    return Drift(p, tuple(rows), summa, sign < 0, radsumma, officiell, tuple(officiella))


def drift_namnd(model: Kommunmodell, period_id: str, namnd_id: str) -> Drift:
    """The nämnd's driftredovisning per verksamhet."""
    p = per.period(model, period_id)
    t = model.table("driftredovisning")
    t = t[(t["period"] == period_id) & (t["namnd"] == namnd_id)]
    return _drift(p, t, "verksamhet", {}, tecken.sign(model.konvention("driftredovisning")))


def drift_kommun(model: Kommunmodell, period_id: str) -> Drift:
    """The driftredovisning per nämnd (sum of verksamheter), in params order."""
    p = per.period(model, period_id)
    order = [n.id for n in p.namnder]
    t = model.table("driftredovisning")
    t = t[(t["period"] == period_id) & (t["namnd"].isin(order))].copy()
    t["_order"] = t["namnd"].map({n: i for i, n in enumerate(order)})
    t = t.sort_values("_order", kind="stable")
    names = {n.id: n.namn for n in model.organisation.namnder}
    return _drift(p, t, "namnd", names, tecken.sign(model.konvention("driftredovisning")))


def konvention_not(d: Drift) -> str:
    """How Avvikelse is computed, in the file's sign convention."""
    what = "utfall" if d.full_year else "prognos för helåret"
    formula = f"budget − {what}"
    if d.kostnad_negativ:
        formula = f"{what} − budget (nettokostnaderna är negativa tal)"
    return f"Avvikelse = {formula}; positivt tal är ett överskott mot budget."


def extra_noter(d: Drift) -> list[str]:
    """Net-income rows and a rounding difference to the official total, said in words."""
    notes = []
    income = [r.namn for r in d.rader if r.nettointakt]
    if income:
        sign = "positivt" if d.kostnad_negativ else "negativt"
        notes.append(
            f"{fmt.join_words(income)} har nettointäkt (belopp med {sign} tecken); "
            "summan räknar med tecknet."
        )
    notes += no_budget_note([r.namn for r in d.rader if r.budget is None])
    notes += given_avvikelse_note(any(r.given for r in d.rader), d.full_year, "rad")
    if d.radsumma is not None:
        r, s = d.radsumma, d.summa
        parts = [
            f"{word} {fmt.number(a)} tkr"
            for word, a, o in (
                ("budget", r.budget, s.budget),
                ("utfall", r.utfall, s.utfall),
                ("prognos", r.helar, s.helar),
            )
            if a is not None
            and o is not None
            and a != o
            and not (word == "prognos" and d.full_year)
        ]
        notes.append(
            "Summan är nämndens officiella summa. Raderna summerar till "
            f"{fmt.join_words(parts)}; skillnaden beror på avrundning av varje rad."
        )
    if d.officiella:
        notes.append(
            f"För {fmt.join_words(list(d.officiella))} visas nämndens officiella summa "
            "i stället för verksamheternas summa."
        )
    return notes


def drift_tabell(d: Drift, forsta: str = "Verksamhet", *, decimaler: int = 0) -> Tabell:
    p = d.period
    notes = [konvention_not(d)]
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
    notes.extend(extra_noter(d))

    def cells(r: DriftRad) -> tuple[str, ...]:
        middle = (
            (fmt.number(r.utfall, decimaler),)
            if d.full_year
            else (
                fmt.number(r.utfall, decimaler),
                fmt.number(r.helar, decimaler),
            )
        )
        return (
            r.namn,
            fmt.number(r.budget, decimaler),
            *middle,
            fmt.number(r.avvikelse, decimaler, sign=True),
            fmt.number(r.forbrukat),
        )

    return Tabell(
        cols,
        tuple(cells(r) for r in d.rader),
        summa=(cells(d.summa),) if d.rader else (),
        noter=tuple(notes),
        tom="Driftredovisning saknas för perioden.",
    )
