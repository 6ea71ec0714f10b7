"""Aktiviteter och åtaganden: what the förvaltning does to reach each nämndmål."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kommunrapport.content import formatting as fmt
from kommunrapport.content import period as per
from kommunrapport.content.tables import Kolumn, Tabell
from kommunrapport.data.model import Kommunmodell
from kommunrapport.data.values import AKTIVITET_STATUS


@dataclass(frozen=True)
class Aktivitet:
    id: str
    namndmal: str
    namndmal_namn: str
    beskrivning: str
    ansvarig: str
    slutdatum: date | None
    status: str
    kommentar: str


def _text(value: object) -> str:
    """An optional text cell: "" when empty."""
    return "" if value is None or fmt.is_missing(value) else str(value)


def aktiviteter(model: Kommunmodell, period_id: str, namnd_id: str) -> list[Aktivitet]:
    """The nämnd's activities in the period, ordered by nämndmål (as in the goal chain)."""
    per.period(model, period_id)
    goals = model.namndmal_for(namnd_id)
    order = {g.id: i for i, g in enumerate(goals)}
    names = {g.id: g.namn for g in goals}
    t = model.table("aktiviteter")
    t = t[(t["period"] == period_id) & (t["namnd"] == namnd_id)]
    out = [
        Aktivitet(
            str(r["id"]),
            str(r["namndmal"]),
            names.get(str(r["namndmal"]), str(r["namndmal"])),
            str(r["beskrivning"]),
            _text(r["ansvarig"]),
            r["slutdatum"] if isinstance(r["slutdatum"], date) else None,
            str(r["status"]),
            _text(r["kommentar"]),
        )
        for _, r in t.iterrows()
    ]
    return sorted(out, key=lambda a: (order.get(a.namndmal, len(order)), a.id))


def aktivitet_tabell(acts: list[Aktivitet], mal: str = "Nämndmål") -> Tabell:
    """One row per activity. Ansvarig and slutdatum are optional: an empty one is an empty
    cell, and a column that no activity fills is left out. ``mal`` heads the goal column
    (the nämnd's word for its goals)."""
    ansvarig = any(a.ansvarig for a in acts)
    slutdatum = any(a.slutdatum for a in acts)
    rows = tuple(
        (
            a.namndmal_namn,
            a.beskrivning,
            *((a.ansvarig,) if ansvarig else ()),
            *((a.slutdatum.isoformat() if a.slutdatum else "",) if slutdatum else ()),
            a.status[:1].upper() + a.status[1:],
            a.kommentar or fmt.MISSING,
        )
        for a in acts
    )
    return Tabell(
        (
            Kolumn.text(mal),
            Kolumn.text("Aktivitet"),
            *((Kolumn.text("Ansvarig"),) if ansvarig else ()),
            *((Kolumn.text("Slutdatum"),) if slutdatum else ()),
            Kolumn.text("Status"),
            Kolumn.text("Kommentar"),
        ),
        rows,
        tom="Inga aktiviteter är registrerade för perioden.",
    )


def status_counts(acts: list[Aktivitet]) -> dict[str, int]:
    """Number of activities per status, every status included, in the registry's order."""
    return {s: sum(1 for a in acts if a.status == s) for s in AKTIVITET_STATUS}


def status_tabell(acts: list[Aktivitet]) -> Tabell:
    c = status_counts(acts)
    total = sum(c.values())
    rows = tuple(
        (
            s[:1].upper() + s[1:],
            fmt.number(n),
            fmt.percent(fmt.share(n, total)) if total else fmt.MISSING,
        )
        for s, n in c.items()
    )
    return Tabell(
        (Kolumn.text("Status"), Kolumn.tal("Antal"), Kolumn.tal("Andel")),
        rows,
        summa=(("Totalt", fmt.number(total), fmt.percent(100) if total else fmt.MISSING),),
    )
