"""Personal: sjukfrånvaro by kön and the number of employees, with small counts suppressed."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kommunrapport.content import formatting as fmt
from kommunrapport.content import period as per
from kommunrapport.content import suppression
from kommunrapport.content.suppression import KonUrval
from kommunrapport.content.tables import Kolumn, Tabell
from kommunrapport.data.model import Kommunmodell


@dataclass(frozen=True)
class Personaldata:
    """One nämnd's (or the whole kommun's) personnel figures for one period."""

    namn: str
    sjuk_t: float | None
    sjuk_k: float | None
    sjuk_m: float | None
    anst_t: float | None
    anst_k: float | None
    anst_m: float | None

    def urval(self, threshold: int) -> KonUrval:
        return suppression.by_kon(self.anst_t, self.anst_k, self.anst_m, threshold)


def _f(value: object) -> float | None:
    return None if value is None or fmt.is_missing(value) else float(value)  # type: ignore[arg-type]


def _row(name: str, r: pd.Series) -> Personaldata:
    return Personaldata(
        name,
        _f(r["sjukfranvaro_totalt"]),
        _f(r["sjukfranvaro_kvinnor"]),
        _f(r["sjukfranvaro_man"]),
        _f(r["anstallda"]),
        _f(r["anstallda_kvinnor"]),
        _f(r["anstallda_man"]),
    )


def personal(model: Kommunmodell, period_id: str, namnd_id: str) -> Personaldata | None:
    t = model.table("personal")
    t = t[(t["period"] == period_id) & (t["namnd"] == namnd_id)]
    if t.empty:
        return None
    return _row(model.namnd(namnd_id).namn, t.iloc[0])


def _weighted(rates: list[tuple[float | None, float | None]]) -> float | None:
    pairs = [(r, w) for r, w in rates if r is not None and w is not None and w > 0]
    weight = sum(w for _, w in pairs)
    return sum(r * w for r, w in pairs) / weight if weight else None


def kommun_total(rows: list[Personaldata], name: str = "Hela kommunen") -> Personaldata | None:
    """The kommun's figures: head counts summed, sjukfrånvaro weighted by head count."""
    if not rows:
        return None

    def total(get: str) -> float | None:
        values = [getattr(r, get) for r in rows if getattr(r, get) is not None]
        return sum(values) if values else None

    return Personaldata(
        name,
        _weighted([(r.sjuk_t, r.anst_t) for r in rows]),
        _weighted([(r.sjuk_k, r.anst_k) for r in rows]),
        _weighted([(r.sjuk_m, r.anst_m) for r in rows]),
        total("anst_t"),
        total("anst_k"),
        total("anst_m"),
    )


def total_urval(rows: list[Personaldata], total: Personaldata, threshold: int) -> KonUrval:
    """What the kommun's total row may show (secondary suppression). When a nämnd's figures
    are suppressed, the total's corresponding figures are too: otherwise total − the other
    nämnder would give them back (for the head count and, through the weighted mean, for
    the sjukfrånvaro). A hidden totalt of a nämnd hides the whole total row."""
    own = total.urval(threshold)
    parts = [r.urval(threshold) for r in rows]
    hidden_total = any(not s.totalt for s in parts)
    hidden_kon = any(not (s.kvinnor and s.man) for s in parts)
    return KonUrval(
        own.totalt and not hidden_total,
        own.kvinnor and not hidden_kon,
        own.man and not hidden_kon,
    )


def personal_kommun(model: Kommunmodell, period_id: str) -> list[Personaldata]:
    p = per.period(model, period_id)
    out = []
    for n in p.namnder:
        row = personal(model, period_id, n.id)
        if row is not None:
            out.append(row)
    return out


def _rate(value: float | None, shown: bool, threshold: int, *, total: bool = False) -> str:
    if value is None:
        return fmt.MISSING
    if shown:
        return fmt.percent(value, suppression.RATE_DECIMALS)
    return suppression.TOTAL_MARKER if total else suppression.marker(threshold)


def personal_tabell(
    model: Kommunmodell, period_id: str, now: Personaldata | None, before: Personaldata | None
) -> Tabell:
    """One nämnd: sjukfrånvaro this period and a year earlier, the change, head counts."""
    p = per.period(model, period_id)
    threshold = model.kommun.minsta_antal
    if now is None:
        return Tabell((Kolumn.text("Mått"),), (), tom="Personaldata saknas för perioden.")
    sel = now.urval(threshold)
    prev_sel = before.urval(threshold) if before else KonUrval(True, True, True)
    last = per.same_month_last_year(period_id)
    span = f"{fmt.month_span(p.month)} {p.year}"
    span_before = f"{fmt.month_span(p.month)} {p.year - 1}"

    def change(a: float | None, b: float | None, shown: bool) -> str:
        if not shown:
            return suppression.marker(threshold)
        return fmt.number(suppression.change(a, b, True, True), 1, sign=True)

    rows = [
        (
            f"Sjukfrånvaro {span}",
            _rate(now.sjuk_t, sel.totalt, threshold),
            _rate(now.sjuk_k, sel.kvinnor, threshold),
            _rate(now.sjuk_m, sel.man, threshold),
        ),
        (
            f"Sjukfrånvaro {span_before}",
            _rate(before.sjuk_t if before else None, prev_sel.totalt, threshold),
            _rate(before.sjuk_k if before else None, prev_sel.kvinnor, threshold),
            _rate(before.sjuk_m if before else None, prev_sel.man, threshold),
        ),
        (
            "Förändring (procentenheter)",
            change(now.sjuk_t, before.sjuk_t if before else None, sel.totalt and prev_sel.totalt),
            change(now.sjuk_k, before.sjuk_k if before else None, sel.kvinnor and prev_sel.kvinnor),
            change(now.sjuk_m, before.sjuk_m if before else None, sel.man and prev_sel.man),
        ),
        (
            "Antal anställda",
            suppression.count_text(now.anst_t, sel.totalt, threshold),
            suppression.count_text(now.anst_k, sel.kvinnor, threshold),
            suppression.count_text(now.anst_m, sel.man, threshold),
        ),
    ]
    notes = ["Sjukfrånvaro: sjukfrånvarotimmar i procent av ordinarie arbetstid."]
    if before is None:
        notes.append(f"Uppgifter för {last} saknas, så förändringen kan inte beräknas.")
    if sel.any_hidden or prev_sel.any_hidden:
        notes.append(suppression.note(threshold))
    return Tabell(
        (
            Kolumn.text("Mått"),
            Kolumn.tal("Totalt"),
            Kolumn.tal("Kvinnor"),
            Kolumn.tal("Män"),
        ),
        tuple(rows),
        noter=tuple(notes),
    )


def personal_kommun_tabell(model: Kommunmodell, period_id: str, rows: list[Personaldata]) -> Tabell:
    threshold = model.kommun.minsta_antal
    p = per.period(model, period_id)

    total = kommun_total(rows)

    def cells(r: Personaldata) -> tuple[str, ...]:
        is_total = r is total
        sel = total_urval(rows, r, threshold) if is_total else r.urval(threshold)
        return (
            r.namn,
            suppression.count_text(r.anst_t, sel.totalt, threshold, total=is_total),
            suppression.count_text(r.anst_k, sel.kvinnor, threshold, total=is_total),
            suppression.count_text(r.anst_m, sel.man, threshold, total=is_total),
            _rate(r.sjuk_t, sel.totalt, threshold, total=is_total),
            _rate(r.sjuk_k, sel.kvinnor, threshold, total=is_total),
            _rate(r.sjuk_m, sel.man, threshold, total=is_total),
        )

    hidden = any(r.urval(threshold).any_hidden for r in rows)
    notes = [
        f"Sjukfrånvaro {fmt.month_span(p.month)} {p.year} i procent av ordinarie arbetstid. "
        "Hela kommunens sjukfrånvaro är vägd med antalet anställda per nämnd.",
    ]
    if hidden:
        notes.append(suppression.note(threshold))
    if total is not None and total_urval(rows, total, threshold).any_hidden:
        notes.append(suppression.total_note(threshold))
    return Tabell(
        (
            Kolumn.text("Nämnd"),
            Kolumn.tal("Anställda"),
            Kolumn.tal("Kvinnor"),
            Kolumn.tal("Män"),
            Kolumn.tal("Sjukfrånvaro"),
            Kolumn.tal("Sjukfrånvaro kvinnor"),
            Kolumn.tal("Sjukfrånvaro män"),
        ),
        tuple(cells(r) for r in rows),
        summa=(cells(total),) if total else (),
        noter=tuple(notes),
        tom="Personaldata saknas för perioden.",
    )
