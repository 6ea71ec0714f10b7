"""Internkontroll: each kontrollmoment with its result on the goals' traffic-light scale."""

from __future__ import annotations

from dataclasses import dataclass

from kommunrapport.content import formatting as fmt
from kommunrapport.content import period as per
from kommunrapport.content.assessment import INTERNKONTROLL, Bedomning
from kommunrapport.content.tables import Kolumn, Tabell
from kommunrapport.data.model import Kommunmodell


@dataclass(frozen=True)
class Kontroll:
    kontrollmoment: str
    resultat: str
    atgard: str

    @property
    def bedomning(self) -> Bedomning:
        return INTERNKONTROLL[self.resultat]


def kontroller(model: Kommunmodell, period_id: str, namnd_id: str) -> list[Kontroll]:
    per.period(model, period_id)
    t = model.table("internkontroll")
    t = t[(t["period"] == period_id) & (t["namnd"] == namnd_id)]
    return [
        Kontroll(
            str(r["kontrollmoment"]),
            str(r["resultat"]),
            "" if r["atgard"] is None or fmt.is_missing(r["atgard"]) else str(r["atgard"]),
        )
        for _, r in t.iterrows()
    ]


def internkontroll_tabell(rows: list[Kontroll]) -> Tabell:
    scale = "; ".join(f"{res} = {b.value} ({b.signal})" for res, b in INTERNKONTROLL.items())
    return Tabell(
        (
            Kolumn.text("Kontrollmoment"),
            Kolumn.text("Resultat"),
            Kolumn.text("Bedömning"),
            Kolumn.text("Åtgärd"),
        ),
        tuple(
            (
                k.kontrollmoment,
                k.resultat[:1].upper() + k.resultat[1:],
                f"{k.bedomning.text} ({k.bedomning.signal})",
                k.atgard or fmt.MISSING,
            )
            for k in rows
        ),
        noter=(f"Skala som för målen: {scale}.",),
        tom="Ingen internkontroll är redovisad för perioden.",
    )
