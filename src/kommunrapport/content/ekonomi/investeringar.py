"""Investeringsredovisning: the projects of a nämnd, and the kommun's sum per nämnd.

Rules:

- *Avvikelse* = budget − the full-year figure; positive means less spent than budgeted (the
  other way round when the file writes expenses as negative numbers).
- The file declares its unit (``enhet``: tkr or mnkr); the tables show that unit, the key
  figures and open data tkr.
- Multi-year projects (``status``, ``total_budget``, ``ackumulerat_utfall``) add the whole
  project's budget, accumulated utfall and avvikelse, with a subtotal per status.
- In the delårsrapport (and the tertialrapport) the full-year figure is the prognos; in the
  årsredovisning it is the outcome.
- A project without budget (an empty cell) counts as budget 0 in its avvikelse and in every
  sum, and is named in a note.
- An ``avvikelse`` the file gives (the ekonomisystem's) is shown as given (``check`` refuses
  one that rounding does not explain); a sum over such rows sums their avvikelser.
"""

from __future__ import annotations

from dataclasses import dataclass

from kommunrapport.content import formatting as fmt
from kommunrapport.content import period as per
from kommunrapport.content.ekonomi.tal import (
    diff,
    given_avvikelse_note,
    known_sum,
    no_budget_note,
    num,
)
from kommunrapport.content.tables import Kolumn, Tabell
from kommunrapport.data import tecken as tecken_mod
from kommunrapport.data.model import Kommunmodell, Period


@dataclass(frozen=True)
class InvesteringRad:
    """One project (amounts in tkr, whatever unit the file declares)."""

    namn: str
    namnd: str
    budget: float | None
    utfall: float | None
    helar: float | None
    """The full-year figure: the prognos in a delårs- or tertialrapport, the utfall in the
    årsredovisning."""
    status: str | None = None
    total_budget: float | None = None
    ackumulerat_utfall: float | None = None
    tecken: int = 1
    """+1 when expenses are positive numbers, −1 when the file writes them as negative."""
    given: float | None = None
    """The avvikelse the file gives (the ekonomisystem's, in tkr), used as it is."""

    @property
    def avvikelse(self) -> float | None:
        """Budget − the full-year figure (no budget, an empty cell, counts as 0), or the
        file's own avvikelse."""
        if self.given is not None:
            return self.given
        d = diff(self.budget or 0.0, self.helar)
        return None if d is None else self.tecken * d

    @property
    def ackumulerad_avvikelse(self) -> float | None:
        """Total budget − accumulated utfall: for a färdigställt project its final deviation,
        for a pågående one what remains of its budget."""
        d = diff(self.total_budget, self.ackumulerat_utfall)
        return None if d is None else self.tecken * d


def summa_rad(namn: str, rows: list[InvesteringRad], tecken: int = 1) -> InvesteringRad:
    return InvesteringRad(
        namn,
        "",
        known_sum([r.budget for r in rows]),
        known_sum([r.utfall for r in rows]),
        known_sum([r.helar for r in rows]),
        None,
        known_sum([r.total_budget for r in rows]),
        known_sum([r.ackumulerat_utfall for r in rows]),
        tecken,
        known_sum([r.avvikelse for r in rows]) if any(r.given is not None for r in rows) else None,
    )


@dataclass(frozen=True)
class Investeringar:
    period: Period
    rader: tuple[InvesteringRad, ...]
    enhet: str = "tkr"
    """The unit the file declares: the tables show amounts in it (the rows hold tkr)."""
    tecken: int = 1

    @property
    def summa(self) -> InvesteringRad:
        return summa_rad("Summa", list(self.rader), self.tecken)

    @property
    def flerarig(self) -> bool:
        """Any project has a status or a total budget (the multi-year layout)."""
        return any(r.status or r.total_budget is not None for r in self.rader)


def _tkr(value: object, factor: float) -> float | None:
    v = num(value)
    return None if v is None else v * factor


def investeringar(model: Kommunmodell, period_id: str, namnd_id: str | None) -> Investeringar:
    """Investment projects of a nämnd (or of every reporting nämnd when ``namnd_id`` is None)."""
    p = per.period(model, period_id)
    t = model.table("investeringar")
    enhet = tecken_mod.file_unit(t)
    factor = 1000.0 if enhet == "mnkr" else 1.0
    sign = tecken_mod.sign(model.konvention("investeringar"))
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
            _tkr(r["budget"], factor),
            _tkr(r["utfall"], factor),
            _tkr(r["utfall"] if full_year else r["prognos"], factor),
            None if fmt.is_missing(r.get("status")) else str(r["status"]),
            _tkr(r.get("total_budget"), factor),
            _tkr(r.get("ackumulerat_utfall"), factor),
            sign,
            _tkr(r.get("avvikelse"), factor),
        )
        for _, r in t.iterrows()
    )
    return Investeringar(p, rows, enhet, sign)


def _show(value: float | None, enhet: str, decimaler: int, *, sign: bool = False) -> str:
    """An amount (held in tkr) in the table's unit with its decimals."""
    if enhet == "mnkr":
        return fmt.number(None if value is None else value / 1000.0, decimaler, sign=sign)
    return fmt.number(value, decimaler, sign=sign)


def _investering_cols(p: Period, first: str, enhet: str = "tkr") -> tuple[Kolumn, ...]:
    if per.is_full_year(p):
        return (
            Kolumn.text(first),
            Kolumn.tal(f"Budget ({enhet})"),
            Kolumn.tal(f"Utfall ({enhet})"),
            Kolumn.tal(f"Avvikelse ({enhet})"),
        )
    return (
        Kolumn.text(first),
        Kolumn.tal(f"Budget helår ({enhet})"),
        Kolumn.tal(f"Utfall {fmt.month_span(p.month)} ({enhet})"),
        Kolumn.tal(f"Prognos helår ({enhet})"),
        Kolumn.tal(f"Avvikelse ({enhet})"),
    )


def _investering_cells(p: Period, r: InvesteringRad, enhet: str, decimaler: int) -> tuple[str, ...]:
    if per.is_full_year(p):
        return (
            r.namn,
            _show(r.budget, enhet, decimaler),
            _show(r.utfall, enhet, decimaler),
            _show(r.avvikelse, enhet, decimaler, sign=True),
        )
    return (
        r.namn,
        _show(r.budget, enhet, decimaler),
        _show(r.utfall, enhet, decimaler),
        _show(r.helar, enhet, decimaler),
        _show(r.avvikelse, enhet, decimaler, sign=True),
    )


_INV_NOTE = "Avvikelse = budget − {what}; positivt tal betyder lägre utgift än budgeterat."
_INV_NOTE_NEG = (
    "Avvikelse = {what} − budget (utgifterna är negativa tal); positivt tal betyder lägre "
    "utgift än budgeterat."
)


def _note(inv: Investeringar) -> str:
    what = "utfall" if per.is_full_year(inv.period) else "prognos för helåret"
    return (_INV_NOTE_NEG if inv.tecken < 0 else _INV_NOTE).format(what=what)


def _notes(inv: Investeringar, *more: str) -> tuple[str, ...]:
    """The avvikelse note, ``more``, and the projects without budget."""
    given = any(r.given is not None for r in inv.rader)
    return (
        _note(inv),
        *more,
        *given_avvikelse_note(given, per.is_full_year(inv.period), "projekt"),
        *no_budget_note([r.namn for r in inv.rader if r.budget is None]),
    )


def investering_tabell(inv: Investeringar, *, decimaler: int = 0) -> Tabell:
    """The nämnd's projects; ``decimaler`` for the table's unit (``inv.enhet``)."""
    if inv.flerarig:
        return flerarig_tabell(inv, decimaler=decimaler)
    p = inv.period
    e = inv.enhet
    return Tabell(
        _investering_cols(p, "Projekt", e),
        tuple(_investering_cells(p, r, e, decimaler) for r in inv.rader),
        summa=(_investering_cells(p, inv.summa, e, decimaler),) if inv.rader else (),
        noter=_notes(inv),
        tom="Nämnden har inga investeringsprojekt under perioden.",
    )


STATUS_ORDER = (("färdigställd", "Summa färdigställda"), ("pågående", "Summa pågående"))


def flerarig_tabell(inv: Investeringar, *, decimaler: int = 0) -> Tabell:
    """Multi-year projects: the year's budget, utfall and avvikelse beside the whole project's
    budget, accumulated utfall and avvikelse, grouped by status with a subtotal per status."""
    p, e = inv.period, inv.enhet
    cols = (
        *_investering_cols(p, "Projekt", e),
        Kolumn.tal(f"Projektbudget totalt ({e})"),
        Kolumn.tal(f"Ackumulerat utfall ({e})"),
        Kolumn.tal(f"Ackumulerad avvikelse ({e})"),
    )

    def cells(r: InvesteringRad) -> tuple[str, ...]:
        return (
            *_investering_cells(p, r, e, decimaler),
            _show(r.total_budget, e, decimaler),
            _show(r.ackumulerat_utfall, e, decimaler),
            _show(r.ackumulerad_avvikelse, e, decimaler, sign=True),
        )

    groups: list[tuple[str | None, str, list[InvesteringRad]]] = [
        (s, label, [r for r in inv.rader if r.status == s]) for s, label in STATUS_ORDER
    ]
    rest = [r for r in inv.rader if r.status not in dict(STATUS_ORDER)]
    if rest:
        groups.append((None, "Summa utan status", rest))
    body: list[tuple[str, ...]] = []
    marked: set[int] = set()
    for _, label, rows in groups:
        if not rows:
            continue
        body.extend(cells(r) for r in rows)
        marked.add(len(body))
        body.append(cells(summa_rad(label, rows, inv.tecken)))
    return Tabell(
        cols,
        tuple(body),
        summa=(cells(inv.summa),) if inv.rader else (),
        noter=_notes(
            inv,
            "Ackumulerad avvikelse = projektbudget − ackumulerat utfall: för ett färdigställt "
            "projekt dess slutliga avvikelse, för ett pågående det som återstår av budgeten.",
        ),
        markerade=frozenset(marked),
        tom="Nämnden har inga investeringsprojekt under perioden.",
    )


def investering_per_namnd_tabell(
    model: Kommunmodell, inv: Investeringar, *, decimaler: int = 0
) -> Tabell:
    """The kommun's investeringsredovisning summed per nämnd."""
    p = inv.period
    e = inv.enhet
    names = {n.id: n.namn for n in model.organisation.namnder}
    rows = []
    for n in p.namnder:
        mine = [r for r in inv.rader if r.namnd == n.id]
        if not mine:
            continue
        rows.append(summa_rad(names[n.id], mine, inv.tecken))
    return Tabell(
        _investering_cols(p, "Nämnd", e),
        tuple(_investering_cells(p, r, e, decimaler) for r in rows),
        summa=(_investering_cells(p, inv.summa, e, decimaler),) if rows else (),
        noter=_notes(inv, f"Summan av {fmt.number(len(inv.rader))} investeringsprojekt."),
        tom="Inga investeringar redovisas för perioden.",
    )
