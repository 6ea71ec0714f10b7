"""The kommun's economy for one period, its key ratios, and the financial goals for god
ekonomisk hushållning (KL 11 kap. 1 §).

Rules:

- :class:`Ekonomi` computes resultaträkning, balansräkning and investeringar once per period.
- Result ratios and självfinansieringsgrad use the full-year figures (the outcome in the
  årsredovisning, the prognos in a delårsrapport); soliditet and kassalikviditet use the
  balance sheet at the period's end. The comparison is the previous year's outcome.
- A goal "minst"/"högst" compares with its target value; "ökar"/"minskar" with the previous
  year (from the data, else from the goal's ``utfall_tidigare``). Without a value a goal
  cannot be assessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from kommunrapport.content import formatting as fmt
from kommunrapport.content import period as per
from kommunrapport.content.assessment import Bedomning
from kommunrapport.content.ekonomi.balansrakning import Balansrakning, balansrakning
from kommunrapport.content.ekonomi.investeringar import Investeringar, investeringar
from kommunrapport.content.ekonomi.resultatrakning import (
    Resultatrakning,
    resultatrakning,
    resultatrakning_poster,
)
from kommunrapport.content.tables import Kolumn, Tabell
from kommunrapport.data.model import FinansielltMal, Kommunmodell, Period

TKR_PER_MNKR: Final = 1000.0


NYCKELTAL_NAMN: Final[dict[str, tuple[str, str]]] = {
    "resultat_andel_skatter": ("Årets resultat av skatteintäkter och generella statsbidrag", "%"),
    "nettokostnadsandel": ("Nettokostnadsandel (inklusive finansnetto)", "%"),
    "sjalvfinansieringsgrad": ("Självfinansieringsgrad av nettoinvesteringar", "%"),
    "soliditet": ("Soliditet", "%"),
    "soliditet_inkl_pension": ("Soliditet inklusive pensionsförpliktelser", "%"),
    "kassalikviditet": ("Kassalikviditet", "%"),
    "arets_resultat": ("Årets resultat", "mnkr"),
    "nettoinvesteringar": ("Nettoinvesteringar", "mnkr"),
}


@dataclass(frozen=True)
class Ekonomi:
    """Everything the kommun-level economy needs for one period, computed once."""

    period: Period
    rr: Resultatrakning
    br: Balansrakning
    br_forra: Balansrakning
    investeringar: Investeringar
    nyckeltal: dict[str, float | None]
    nyckeltal_forra: dict[str, float | None]


def _ratios(
    p: Period, rr: Resultatrakning, br: Balansrakning, inv: Investeringar | None
) -> dict[str, float | None]:
    out: dict[str, float | None] = {k: None for k in NYCKELTAL_NAMN}
    if rr.has_data():
        result = rr.helar(rr.arets_resultat())
        taxes = rr.helar(rr.skatter_och_bidrag())
        net_costs = rr.helar(rr.verksamhetens_nettokostnader())
        finance = rr.helar(rr.finansnetto())
        depreciation = rr.helar(rr.post("avskrivningar"))
        out["arets_resultat"] = result
        out["resultat_andel_skatter"] = fmt.share(result, taxes)
        if net_costs is not None and finance is not None:
            out["nettokostnadsandel"] = fmt.share(-(net_costs + finance), taxes)
        if inv is not None and inv.rader:
            total = inv.summa.helar  # the utfall in the årsredovisning, else the prognos
            if total is not None:
                out["nettoinvesteringar"] = total / TKR_PER_MNKR
                if result is not None and depreciation is not None:
                    out["sjalvfinansieringsgrad"] = fmt.share(
                        result + abs(depreciation), total / TKR_PER_MNKR
                    )
    if br.has_data():
        out.update(soliditet(br))
        current_debt = br.get("kortfristiga_skulder")
        out["kassalikviditet"] = fmt.share(
            br.omsattningstillgangar - br.get("forrad_och_exploatering"), current_debt
        )
    return out


def soliditet(br: Balansrakning) -> dict[str, float | None]:
    """Soliditet with and without the pensionsförpliktelser outside the balance sheet
    (ansvarsförbindelse), in procent of the assets; for the kommun and the koncern alike."""
    return {
        "soliditet": fmt.share(br.eget_kapital, br.tillgangar),
        "soliditet_inkl_pension": fmt.share(
            br.eget_kapital - br.get("ansvarsforbindelse_pensioner"), br.tillgangar
        ),
    }


def ekonomi(model: Kommunmodell, period_id: str) -> Ekonomi:
    p = per.period(model, period_id)
    rr = resultatrakning(model, period_id)
    br, br_before = balansrakning(model, period_id)
    inv = investeringar(model, period_id, None)
    before_id = per.last_year_end(period_id)
    rr_before = Resultatrakning(
        Period(
            id=before_id,
            typ="årsredovisning",
            slutdatum=p.slutdatum.replace(year=p.year - 1, month=12, day=31),
            titel=f"Årsredovisning {p.year - 1}",
            namnder=p.namnder,
        ),
        resultatrakning_poster(model, before_id),
    )
    return Ekonomi(
        p,
        rr,
        br,
        br_before,
        inv,
        _ratios(p, rr, br, inv),
        _ratios(rr_before.period, rr_before, br_before, None),
    )


def _ratio_text(key: str, value: float | None) -> str:
    unit = NYCKELTAL_NAMN[key][1]
    return fmt.mnkr(value) if unit == "mnkr" else fmt.percent(value, 1)


def nyckeltal_tabell(e: Ekonomi) -> Tabell:
    p = e.period
    basis = "utfall" if per.is_full_year(p) else "helårsprognos"
    cols = (
        Kolumn.text("Nyckeltal"),
        Kolumn.tal(str(p.year) if per.is_full_year(p) else f"{p.year} ({basis})"),
        Kolumn.tal(f"{p.year - 1}"),
    )
    rows = tuple(
        (name, _ratio_text(key, e.nyckeltal[key]), _ratio_text(key, e.nyckeltal_forra.get(key)))
        for key, (name, _) in NYCKELTAL_NAMN.items()
    )
    notes = (
        "Resultatmåtten och självfinansieringsgraden bygger på "
        + ("årets utfall" if basis == "utfall" else "prognosen för helåret")
        + f"; soliditet och kassalikviditet på balansräkningen per {p.slutdatum.isoformat()}.",
        "Självfinansieringsgrad = (årets resultat + avskrivningar) / nettoinvesteringar. "
        "Soliditet inklusive pensionsförpliktelser räknar av ansvarsförbindelsen för pensioner.",
    )
    return Tabell(cols, rows, noter=notes)


@dataclass(frozen=True)
class FinansielltMalUtfall:
    mal: FinansielltMal
    varde: float | None
    jamforelse: float | None
    bedomning: Bedomning
    skal: str


def _goal_outcome(goal: FinansielltMal, e: Ekonomi) -> FinansielltMalUtfall:
    value = e.nyckeltal.get(goal.matt)
    unit = NYCKELTAL_NAMN[goal.matt][1]

    def show(v: float | None) -> str:
        return fmt.mnkr(v) if unit == "mnkr" else fmt.percent(v, 1)

    year = e.period.year
    basis = "" if per.is_full_year(e.period) else " enligt helårsprognosen"
    if value is None:
        return FinansielltMalUtfall(
            goal, None, None, Bedomning.EJ_BEDOMBAR, f"Underlag för {year} saknas."
        )
    if goal.villkor in ("minst", "högst"):
        target = goal.varde
        assert target is not None
        ok = value >= target - 1e-9 if goal.villkor == "minst" else value <= target + 1e-9
        word = "minst" if goal.villkor == "minst" else "högst"
        reason = f"Utfallet{basis} är {show(value)}; målet är {word} {show(target)}."
        return FinansielltMalUtfall(
            goal, value, target, Bedomning.UPPFYLLT if ok else Bedomning.EJ_UPPFYLLT, reason
        )
    before = e.nyckeltal_forra.get(goal.matt)
    if before is None:
        before = goal.utfall_tidigare.get(year - 1)
    if before is None:
        return FinansielltMalUtfall(
            goal,
            value,
            None,
            Bedomning.EJ_BEDOMBAR,
            f"Utfallet{basis} är {show(value)}; värdet för {year - 1} saknas att jämföra med.",
        )
    up = value > before + 1e-9
    down = value < before - 1e-9
    ok = up if goal.villkor == "ökar" else down
    change = "ökat" if up else "minskat" if down else "är oförändrat"
    reason = f"Värdet har {change} från {show(before)} {year - 1} till {show(value)}{basis}."
    if not up and not down:
        reason = f"Värdet är oförändrat, {show(value)}, jämfört med {year - 1}."
    return FinansielltMalUtfall(
        goal, value, before, Bedomning.UPPFYLLT if ok else Bedomning.EJ_UPPFYLLT, reason
    )


def finansiella_mal(model: Kommunmodell, e: Ekonomi) -> list[FinansielltMalUtfall]:
    goals = model.finansiella_mal.mal if model.finansiella_mal else []
    return [_goal_outcome(g, e) for g in goals]


def finansiella_mal_tabell(outcomes: list[FinansielltMalUtfall]) -> Tabell:
    rows = tuple(
        (o.mal.namn, _ratio_text(o.mal.matt, o.varde), o.bedomning.text, o.skal) for o in outcomes
    )
    n_ok = sum(1 for o in outcomes if o.bedomning is Bedomning.UPPFYLLT)
    notes = []
    if outcomes:
        notes.append(
            f"{n_ok} av {len(outcomes)} finansiella mål är uppfyllda. Kommunfullmäktiges "
            "finansiella mål är en del av god ekonomisk hushållning (kommunallagen 11 kap. 1 §)."
        )
    return Tabell(
        (
            Kolumn.text("Finansiellt mål"),
            Kolumn.tal("Utfall"),
            Kolumn.text("Bedömning"),
            Kolumn.text("Skäl"),
        ),
        rows,
        noter=tuple(notes),
        tom="Kommunen har inga finansiella mål i data/finansiella_mal.yml.",
    )
