"""The kommunal koncern in one report: this period's and the previous year's sammanställda
räkenskaper, whether the report shows them, and the koncern's key figures.

Rules:

- The årsredovisning shows the koncern; a delårsrapport or tertialrapport only when
  ``koncern: true`` is set for the period in params/perioder.yml (RKR R17: when it is
  significant). Without included companies with figures there is nothing to show.
- The comparison is the previous year: in the årsredovisning the previous year's statements,
  in a delårsrapport the balance sheet at the previous year's end.
- Key figures use the koncern's figures for the period: årets resultat (in a delårsrapport
  the result so far), soliditet with and without the pensionsförpliktelser outside the
  balance sheet (ansvarsförbindelse), and the year's investments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from kommunrapport.content import period as per
from kommunrapport.content.ekonomi.nyckeltal import NYCKELTAL_NAMN, soliditet
from kommunrapport.content.koncern.sammanstallning import (
    NETTOINVESTERINGAR,
    Sammanstallning,
    sammanstallning,
)
from kommunrapport.data.model import Kommunmodell, Period

NYCKELTAL: Final[dict[str, tuple[str, str]]] = {
    **{k: NYCKELTAL_NAMN[k] for k in ("arets_resultat", "soliditet", "soliditet_inkl_pension")},
    "investeringar": ("Investeringar", "mnkr"),
}
"""The koncern's key figures: id → (name, unit)."""


@dataclass(frozen=True)
class Koncernredovisning:
    period: Period
    nu: Sammanstallning
    forra: Sammanstallning
    """At the previous year's end (the previous year's statements in the årsredovisning)."""
    har_koncern: bool
    """Whether data/koncern.yml names at least one included company."""

    @property
    def visas(self) -> bool:
        """Whether the report shows the koncern (the period asks for it and there is data)."""
        return self.period.visar_koncern and self.har_koncern and self.nu.has_data()

    @property
    def helar(self) -> bool:
        return per.is_full_year(self.period)

    def tom_text(self) -> str:
        """What a koncern table says when the report does not show the koncern."""
        if not self.har_koncern:
            return "Kommunen har inga koncernföretag som ingår i data/koncern.yml."
        if not self.period.visar_koncern:
            return "Den kommunala koncernen redovisas i årsredovisningen."
        return (
            f"Koncernföretagens räkenskaper för perioden {self.period.id} saknas i "
            "data/koncernrakenskaper."
        )


def koncernredovisning(model: Kommunmodell, period_id: str) -> Koncernredovisning:
    p = per.period(model, period_id)
    companies = model.koncern.ingaende() if model.koncern else []
    return Koncernredovisning(
        p,
        sammanstallning(model, period_id),
        sammanstallning(model, per.last_year_end(period_id), report=False),
        bool(companies),
    )


def _ratios(s: Sammanstallning, koncern: bool) -> dict[str, float | None]:
    out: dict[str, float | None] = dict.fromkeys(NYCKELTAL)
    out["arets_resultat"] = s.arets_resultat(koncern)
    br = s.balansrakning(koncern)
    if br.has_data():
        out.update(soliditet(br))
    if s.nettoinvesteringar.kommun is not None:  # the kommun's part must be known
        out["investeringar"] = s.belopp(NETTOINVESTERINGAR, koncern)
    return out


def nyckeltal(k: Koncernredovisning, koncern: bool = True) -> dict[str, float | None]:
    """The key figures of the koncern (or, ``koncern=False``, the kommun) for the period;
    all None when the report does not show the koncern."""
    if not k.visas:
        return dict.fromkeys(NYCKELTAL)
    return _ratios(k.nu, koncern)


def nyckeltal_forra(k: Koncernredovisning, koncern: bool = True) -> dict[str, float | None]:
    """The same key figures for the previous year (investments are not known for it)."""
    if not k.visas or not k.forra.has_data():
        return dict.fromkeys(NYCKELTAL)
    return _ratios(k.forra, koncern)
