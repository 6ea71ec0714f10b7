"""Balanskravsutredning (mnkr; KL 11 kap. 5 §, LKBR 4 kap. 3 a §, RKR R15/R17).

Rules:

- The balanskravsresultat starts from årets resultat: the outcome in the årsredovisning, the
  full-year prognos in a delårsrapport (RKR R17).
- Adjustments come from the dataset ``balanskravsjusteringar``; each step's sign follows from
  the step, whichever sign the data uses.
- The balanskrav is met when the result is not negative.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from kommunrapport.content import formatting as fmt
from kommunrapport.content import period as per
from kommunrapport.content.assessment import Bedomning
from kommunrapport.content.ekonomi.resultatrakning import Resultatrakning, resultatrakning
from kommunrapport.content.tables import Kolumn, Tabell
from kommunrapport.data.model import Kommunmodell, Period

BALANSKRAV_STEG: Final = (
    ("realisationsvinster", "Samtliga realisationsvinster", -1),
    ("realisationsvinster_undantag", "Realisationsvinster enligt undantagsmöjlighet", 1),
    ("realisationsforluster_undantag", "Realisationsförluster enligt undantagsmöjlighet", 1),
    ("orealiserade_forluster_vardepapper", "Orealiserade förluster i värdepapper", 1),
    ("aterforing_orealiserade_forluster", "Återföring av orealiserade förluster i värdepapper", -1),
)
RUR_STEG: Final = (
    ("reservering_rur", "Reservering till resultatutjämningsreserv", -1),
    ("anvandning_rur", "Användning av medel från resultatutjämningsreserv", 1),
)


@dataclass(frozen=True)
class Balanskrav:
    """Balanskravsutredning (KL 11 kap. 5 §, LKBR 4 kap. 3 a §), in mnkr."""

    period: Period
    arets_resultat: float | None
    justeringar: tuple[tuple[str, float], ...]
    rur: tuple[tuple[str, float], ...]

    @property
    def efter_justeringar(self) -> float | None:
        if self.arets_resultat is None:
            return None
        return self.arets_resultat + sum(v for _, v in self.justeringar)

    @property
    def resultat(self) -> float | None:
        after = self.efter_justeringar
        return None if after is None else after + sum(v for _, v in self.rur)

    @property
    def bedomning(self) -> Bedomning:
        r = self.resultat
        if r is None:
            return Bedomning.EJ_BEDOMBAR
        return Bedomning.UPPFYLLT if r >= 0 else Bedomning.EJ_UPPFYLLT

    @property
    def grund(self) -> str:
        return "utfall" if per.is_full_year(self.period) else "helårsprognos"


def balanskrav(
    model: Kommunmodell, period_id: str, rr: Resultatrakning | None = None
) -> Balanskrav:
    """The balanskravsresultat: on the outcome for the year, on the full-year prognos in a
    delårsrapport. Adjustments come from the dataset ``balanskravsjusteringar`` (mnkr)."""
    p = per.period(model, period_id)
    rr = rr or resultatrakning(model, period_id)
    result = rr.helar(rr.arets_resultat()) if rr.has_data() else None
    t = model.table("balanskravsjusteringar")
    t = t[t["period"] == period_id]
    given = {str(r["post"]): abs(float(r["belopp"])) for _, r in t.iterrows()}
    adj = tuple((label, sign * given.get(post, 0.0)) for post, label, sign in BALANSKRAV_STEG)
    rur = tuple((label, sign * given.get(post, 0.0)) for post, label, sign in RUR_STEG)
    return Balanskrav(p, result, adj, rur)


def balanskrav_tabell(bk: Balanskrav, *, decimaler: int = 1) -> Tabell:
    grund = "enligt resultaträkningen" if bk.grund == "utfall" else "enligt helårsprognosen"
    rows: list[tuple[str, str]] = [
        (f"Årets resultat {grund}", fmt.number(bk.arets_resultat, decimaler))
    ]
    rows += [(label, fmt.number(v, decimaler, sign=True)) for label, v in bk.justeringar]
    rows.append(
        ("Årets resultat efter balanskravsjusteringar", fmt.number(bk.efter_justeringar, decimaler))
    )
    rows += [(label, fmt.number(v, decimaler, sign=True)) for label, v in bk.rur]
    rows.append(("Balanskravsresultat", fmt.number(bk.resultat, decimaler)))
    if bk.bedomning is Bedomning.UPPFYLLT:
        verdict = "Balanskravet är uppfyllt: balanskravsresultatet är inte negativt."
    elif bk.bedomning is Bedomning.EJ_UPPFYLLT:
        verdict = (
            "Balanskravet är inte uppfyllt: underskottet ska återställas inom tre år "
            "(kommunallagen 11 kap. 12 §)."
        )
    else:
        verdict = "Balanskravet kan inte bedömas: resultat saknas."
    if bk.grund != "utfall":
        verdict += " Bedömningen gäller prognosen för helåret."
    return Tabell(
        (Kolumn.text("Balanskravsutredning"), Kolumn.tal("mnkr")),
        tuple(rows),
        noter=(verdict,),
        markerade=frozenset({0, len(bk.justeringar) + 1, len(rows) - 1}),
    )
