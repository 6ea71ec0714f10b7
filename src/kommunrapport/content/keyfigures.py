"""Key figures: the numbers an analyst cites in the narrative, by stable snake_case names.

The batch runner calls :func:`compute` after executing a report's notebook and writes the
result next to it; narrative cites ``{{< meta nyckeltal.<key> >}}``. Every key of
:func:`namnd_keys` / :func:`kommun_keys` for the report's kind is always present (value None
and text :data:`MISSING_TEXT` when it cannot be computed), so a reference never breaks because
data is missing. An årsredovisning has no prognos: the keys of :data:`PROGNOS_KEYS` exist only
in a delårs- or tertialrapport, and ``avvikelse_tkr`` is the avvikelse in every kind.
``value`` is rounded as ``text`` is, so the two always agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from kommunrapport.content import formatting as fmt
from kommunrapport.content import suppression
from kommunrapport.content.assessment import Bedomning
from kommunrapport.data.model import Kommunmodell

MISSING_TEXT: Final = "uppgift saknas"

Value = float | int | str | None


@dataclass(frozen=True)
class KeyFigure:
    value: Value
    text: str
    description: str


@dataclass(frozen=True)
class _Spec:
    description: str
    kind: str  # tkr, tkr+, mnkr, mnkr+, procent, pe, antal, text


NAMND_SPECS: Final[dict[str, _Spec]] = {
    "namnd_namn": _Spec("Nämndens namn", "text"),
    "period_titel": _Spec("Rapportens titel", "text"),
    "budget_tkr": _Spec("Nämndens budget för året (nettokostnad), tkr", "tkr"),
    "utfall_tkr": _Spec("Utfall hittills i år (i årsredovisningen: årets utfall), tkr", "tkr"),
    "avvikelse_tkr": _Spec(
        "Avvikelse mot budget för helåret (i delårsrapporten enligt prognosen); "
        "positivt = överskott, tkr",
        "tkr+",
    ),
    "prognos_tkr": _Spec("Prognos för helåret, tkr (inte i årsredovisningen)", "tkr"),
    "prognos_avvikelse_tkr": _Spec(
        "Avvikelse mot budget enligt prognosen för helåret; positivt = överskott, tkr "
        "(inte i årsredovisningen: där heter den avvikelse_tkr)",
        "tkr+",
    ),
    "utfall_andel_av_budget_procent": _Spec(
        "Utfall hittills som andel av årsbudgeten, %", "procent"
    ),
    "andel_av_aret_procent": _Spec("Andel av året som perioden omfattar, %", "procent"),
    "investering_budget_tkr": _Spec("Investeringsbudget för året, tkr", "tkr"),
    "investering_utfall_tkr": _Spec("Investeringar hittills i år, tkr", "tkr"),
    "investering_prognos_tkr": _Spec(
        "Investeringar, prognos för helåret, tkr (inte i årsredovisningen)", "tkr"
    ),
    "investering_avvikelse_tkr": _Spec(
        "Investeringar: budget − årets utfall (i delårsrapporten: − prognosen); "
        "positivt = lägre utgift, tkr",
        "tkr+",
    ),
    "intakter_tkr": _Spec("Intäkter hittills i år (ekonomisk sammanfattning), tkr", "tkr"),
    "kostnader_tkr": _Spec("Kostnader hittills i år (ekonomisk sammanfattning), tkr", "tkr"),
    "nettokostnad_foregaende_ar_tkr": _Spec(
        "Nettokostnad samma period föregående år (ekonomisk sammanfattning), tkr", "tkr"
    ),
    "investering_projektbudget_tkr": _Spec(
        "Investeringsprojektens hela budget över alla år, tkr", "tkr"
    ),
    "investering_ackumulerat_utfall_tkr": _Spec(
        "Investeringsprojektens utfall från start till periodens slut, tkr", "tkr"
    ),
    "investering_ackumulerad_avvikelse_tkr": _Spec(
        "Investeringsprojekten: projektbudget − ackumulerat utfall, tkr", "tkr+"
    ),
    "antal_namndmal": _Spec("Antal nämndmål", "antal"),
    "antal_namndmal_namndens_bedomning": _Spec(
        "Antal nämndmål utan indikator som nämnden själv har bedömt", "antal"
    ),
    "antal_uppfyllda": _Spec("Antal uppfyllda nämndmål", "antal"),
    "antal_delvis_uppfyllda": _Spec("Antal delvis uppfyllda nämndmål", "antal"),
    "antal_ej_uppfyllda": _Spec("Antal ej uppfyllda nämndmål", "antal"),
    "antal_ej_bedombara": _Spec("Antal nämndmål som inte kan bedömas", "antal"),
    "andel_mal_uppfyllda_procent": _Spec("Andel av nämndmålen som är uppfyllda, %", "procent"),
    "antal_indikatorer": _Spec("Antal indikatorer", "antal"),
    "antal_indikatorer_uppfyllda": _Spec("Antal indikatorer som når målvärdet", "antal"),
    "antal_aktiviteter": _Spec("Antal aktiviteter under perioden", "antal"),
    "antal_aktiviteter_klara": _Spec("Antal aktiviteter med status klar", "antal"),
    "antal_aktiviteter_forsenade": _Spec("Antal aktiviteter med status försenad", "antal"),
    "sjukfranvaro_procent": _Spec("Sjukfrånvaro totalt, %", "procent1"),
    "sjukfranvaro_kvinnor_procent": _Spec("Sjukfrånvaro bland kvinnor, %", "procent1"),
    "sjukfranvaro_man_procent": _Spec("Sjukfrånvaro bland män, %", "procent1"),
    "sjukfranvaro_forandring_procentenheter": _Spec(
        "Förändring av sjukfrånvaron sedan samma period året innan, procentenheter", "pe"
    ),
    "antal_anstallda": _Spec("Antal anställda", "antal"),
    "antal_kontrollmoment": _Spec("Antal kontrollmoment i internkontrollen", "antal"),
    "antal_kontrollmoment_avvikelser": _Spec(
        "Antal kontrollmoment med mindre eller väsentliga avvikelser", "antal"
    ),
}

KOMMUN_SPECS: Final[dict[str, _Spec]] = {
    "kommun_namn": _Spec("Kommunens namn", "text"),
    "period_titel": _Spec("Rapportens titel", "text"),
    "arets_resultat_mnkr": _Spec(
        "Årets resultat (i delårsrapporten: prognos för helåret), mnkr", "mnkr"
    ),
    "arets_resultat_budget_mnkr": _Spec("Budgeterat resultat för året, mnkr", "mnkr"),
    "arets_resultat_utfall_mnkr": _Spec(
        "Resultat hittills i år enligt resultaträkningen, mnkr", "mnkr"
    ),
    "balanskravsresultat_mnkr": _Spec("Balanskravsresultat, mnkr", "mnkr"),
    "balanskrav_uppfyllt": _Spec("Om balanskravet är uppfyllt (ja/nej)", "text"),
    "skatter_och_statsbidrag_mnkr": _Spec(
        "Skatteintäkter och generella statsbidrag för helåret, mnkr", "mnkr"
    ),
    "resultat_andel_skatter_procent": _Spec(
        "Årets resultat av skatteintäkter och generella statsbidrag, %", "procent1"
    ),
    "nettokostnadsandel_procent": _Spec("Nettokostnadsandel inklusive finansnetto, %", "procent1"),
    "soliditet_procent": _Spec("Soliditet vid periodens slut, %", "procent1"),
    "soliditet_inkl_pension_procent": _Spec(
        "Soliditet inklusive pensionsförpliktelser vid periodens slut, %", "procent1"
    ),
    "sjalvfinansieringsgrad_procent": _Spec(
        "Självfinansieringsgrad av nettoinvesteringar, %", "procent"
    ),
    "kassalikviditet_procent": _Spec("Kassalikviditet vid periodens slut, %", "procent"),
    "nettoinvesteringar_mnkr": _Spec("Nettoinvesteringar för helåret, mnkr", "mnkr"),
    "driftavvikelse_tkr": _Spec(
        "Nämndernas samlade avvikelse mot budget för helåret; positivt = överskott, tkr", "tkr+"
    ),
    "antal_finansiella_mal": _Spec("Antal finansiella mål", "antal"),
    "antal_finansiella_mal_uppfyllda": _Spec("Antal uppfyllda finansiella mål", "antal"),
    "antal_inriktningsmal": _Spec("Antal inriktningsmål", "antal"),
    "antal_inriktningsmal_uppfyllda": _Spec("Antal uppfyllda inriktningsmål", "antal"),
    "antal_namndmal": _Spec("Antal nämndmål i alla nämnder", "antal"),
    "antal_namndmal_uppfyllda": _Spec("Antal uppfyllda nämndmål", "antal"),
    "antal_namndmal_delvis_uppfyllda": _Spec("Antal delvis uppfyllda nämndmål", "antal"),
    "antal_namndmal_ej_uppfyllda": _Spec("Antal ej uppfyllda nämndmål", "antal"),
    "antal_namndmal_ej_bedombara": _Spec("Antal nämndmål som inte kan bedömas", "antal"),
    "andel_namndmal_uppfyllda_procent": _Spec(
        "Andel av alla nämndmål som är uppfyllda, %", "procent"
    ),
    "antal_luckor": _Spec("Antal luckor i den röda tråden", "antal"),
    "sjukfranvaro_procent": _Spec("Sjukfrånvaro i hela kommunen, %", "procent1"),
    "antal_anstallda": _Spec("Antal anställda i hela kommunen", "antal"),
    "koncern_antal_foretag": _Spec("Antal koncernföretag som ingår i koncernen", "antal"),
    "koncern_arets_resultat_mnkr": _Spec(
        "Koncernens resultat (i delårsrapporten: hittills i år), mnkr", "mnkr"
    ),
    "koncern_arets_resultat_foregaende_ar_mnkr": _Spec(
        "Koncernens resultat föregående år, mnkr", "mnkr"
    ),
    "koncern_soliditet_procent": _Spec("Koncernens soliditet vid periodens slut, %", "procent1"),
    "koncern_soliditet_inkl_pension_procent": _Spec(
        "Koncernens soliditet inklusive pensionsförpliktelser vid periodens slut, %", "procent1"
    ),
    "koncern_investeringar_mnkr": _Spec(
        "Koncernens nettoinvesteringar (i delårsrapporten: hittills i år), mnkr", "mnkr"
    ),
}

KEYS_NAMND: Final[tuple[str, ...]] = tuple(NAMND_SPECS)
KEYS_KOMMUN: Final[tuple[str, ...]] = tuple(KOMMUN_SPECS)

ARSREDOVISNING_KEYS: Final[dict[str, str]] = {
    "prognos_tkr": "utfall_tkr",
    "prognos_avvikelse_tkr": "avvikelse_tkr",
    "investering_prognos_tkr": "investering_utfall_tkr",
}
"""Each key of a report with a prognos for the full year (a delårs- or tertialrapport), and
the key an årsredovisning (which has no prognos) has in its place."""
PROGNOS_KEYS: Final = frozenset(ARSREDOVISNING_KEYS)


def namnd_keys(full_year: bool) -> tuple[str, ...]:
    """The nämnd's keys in a report of this kind (an årsredovisning has no prognos keys)."""
    return tuple(k for k in KEYS_NAMND if not (full_year and k in PROGNOS_KEYS))


def kommun_keys(full_year: bool) -> tuple[str, ...]:
    """The kommun's keys (the same in every kind of report)."""
    return tuple(k for k in KEYS_KOMMUN if not (full_year and k in PROGNOS_KEYS))


def _figure(spec: _Spec, value: Value) -> KeyFigure:
    if value is None or (not isinstance(value, str) and fmt.is_missing(value)):
        return KeyFigure(None, MISSING_TEXT, spec.description)
    if isinstance(value, str) or spec.kind == "text":
        return KeyFigure(str(value), str(value), spec.description)
    v = float(value)
    kinds: dict[str, tuple[int, Callable[[float], str]]] = {
        "tkr": (0, lambda x: fmt.tkr(x)),
        "tkr+": (0, lambda x: fmt.tkr(x, sign=True)),
        "mnkr": (1, lambda x: fmt.mnkr(x, 1)),
        "mnkr+": (1, lambda x: fmt.mnkr(x, 1, sign=True)),
        "procent": (0, lambda x: fmt.percent(x)),
        "procent1": (1, lambda x: fmt.percent(x, 1)),
        "pe": (1, lambda x: fmt.percentage_points(x, 1)),
        "antal": (0, lambda x: fmt.number(x)),
    }
    decimals, show = kinds[spec.kind]
    rounded = float(fmt.rounded(v, decimals))
    out: float | int = int(rounded) if decimals == 0 else rounded
    return KeyFigure(out, show(v), spec.description)


def _build(
    specs: dict[str, _Spec], values: dict[str, Value], keys: tuple[str, ...]
) -> dict[str, KeyFigure]:
    unknown = set(values) - set(specs)
    if unknown:  # pragma: no cover - a programming error
        raise KeyError(f"okända nyckeltal: {sorted(unknown)}")
    return {k: _figure(specs[k], values.get(k)) for k in keys}


def compute(model: Kommunmodell, period_id: str, namnd_id: str | None) -> dict[str, KeyFigure]:
    """The key figures of one report: a nämnd's, or the kommun's when ``namnd_id`` is None."""
    if namnd_id is None:
        return _kommun(model, period_id)
    return _namnd(model, period_id, namnd_id)


def _namnd(model: Kommunmodell, period_id: str, namnd_id: str) -> dict[str, KeyFigure]:
    from kommunrapport.content import aktiviteter as akt
    from kommunrapport.content import period as per
    from kommunrapport.content.rapport import NamndRapport

    r = NamndRapport.from_params(model, period_id, namnd_id)
    mu = r.maluppfyllelse_data
    c = mu.counts()
    d = r.drift_data.summa
    inv = r.investering_data
    acts = akt.status_counts(r.aktivitet_data)
    now, before = r.personal_data
    threshold = model.kommun.minsta_antal
    sel = now.urval(threshold) if now else None
    total_goals = len(mu.mal)
    values: dict[str, Value] = {
        "namnd_namn": r.namnd.namn,
        "period_titel": r.period.titel,
        "budget_tkr": d.budget,
        "utfall_tkr": d.utfall,
        "avvikelse_tkr": d.avvikelse,
        "prognos_tkr": d.helar,
        "prognos_avvikelse_tkr": d.avvikelse,
        "utfall_andel_av_budget_procent": d.forbrukat,
        "andel_av_aret_procent": per.share_of_year(r.period),
        "investering_budget_tkr": inv.summa.budget,
        "investering_utfall_tkr": inv.summa.utfall,
        "investering_prognos_tkr": inv.summa.helar,
        "investering_avvikelse_tkr": inv.summa.avvikelse,
        "investering_projektbudget_tkr": inv.summa.total_budget,
        "investering_ackumulerat_utfall_tkr": inv.summa.ackumulerat_utfall,
        "investering_ackumulerad_avvikelse_tkr": inv.summa.ackumulerad_avvikelse,
        "antal_namndmal": total_goals,
        "antal_namndmal_namndens_bedomning": sum(1 for g in mu.mal if g.namndens),
        "antal_uppfyllda": c[Bedomning.UPPFYLLT],
        "antal_delvis_uppfyllda": c[Bedomning.DELVIS],
        "antal_ej_uppfyllda": c[Bedomning.EJ_UPPFYLLT],
        "antal_ej_bedombara": c[Bedomning.EJ_BEDOMBAR],
        "andel_mal_uppfyllda_procent": fmt.share(c[Bedomning.UPPFYLLT], total_goals),
        "antal_indikatorer": len(mu.indikatorer),
        "antal_indikatorer_uppfyllda": sum(
            1 for o in mu.indikatorer if o.bedomning.bedomning is Bedomning.UPPFYLLT
        ),
        "antal_aktiviteter": sum(acts.values()),
        "antal_aktiviteter_klara": acts.get("klar", 0),
        "antal_aktiviteter_forsenade": acts.get("försenad", 0),
        "antal_kontrollmoment": len(r.kontroll_data),
        "antal_kontrollmoment_avvikelser": sum(
            1
            for k in r.kontroll_data
            if k.resultat in ("mindre avvikelser", "väsentliga avvikelser")
        ),
    }
    if now is not None and sel is not None:
        values["sjukfranvaro_procent"] = now.sjuk_t if sel.totalt else None
        values["sjukfranvaro_kvinnor_procent"] = now.sjuk_k if sel.kvinnor else None
        values["sjukfranvaro_man_procent"] = now.sjuk_m if sel.man else None
        values["antal_anstallda"] = suppression.value_or_none(now.anst_t, sel.totalt)
        if before is not None:
            values["sjukfranvaro_forandring_procentenheter"] = suppression.change(
                now.sjuk_t, before.sjuk_t, sel.totalt, before.urval(threshold).totalt
            )
    summary = r.sammanfattning_data
    for key, name in (("intakter_tkr", "Intäkter"), ("kostnader_tkr", "Kostnader")):
        row = summary.rad(name)
        values[key] = row.utfall if row else None
    net = summary.rad("Nettokostnad")
    values["nettokostnad_foregaende_ar_tkr"] = net.foregaende if net else None
    figures = _build(NAMND_SPECS, values, namnd_keys(per.is_full_year(r.period)))
    if now is not None and sel is not None and not sel.totalt:
        spec = NAMND_SPECS["antal_anstallda"]
        figures["antal_anstallda"] = KeyFigure(
            None, suppression.marker(threshold), spec.description
        )
    return figures


def _kommun(model: Kommunmodell, period_id: str) -> dict[str, KeyFigure]:
    from kommunrapport.content import period as per
    from kommunrapport.content import personal as pers
    from kommunrapport.content.koncern import redovisning as kr
    from kommunrapport.content.rapport import KommunRapport
    from kommunrapport.content.roda_traden import luckor

    r = KommunRapport(model, period_id)
    e = r.ekonomi_data
    bk = r.balanskrav_data
    rt = r.roda_traden_data
    goals = [g for mu in rt.namnder.values() for g in mu.mal]
    gc = {b: sum(1 for g in goals if g.bedomning is b) for b in Bedomning}
    fin = r.finansiella_mal_data
    staff = pers.kommun_total(r.personal_data)
    staff_sel = (
        pers.total_urval(r.personal_data, staff, model.kommun.minsta_antal) if staff else None
    )
    rr = e.rr
    k = r.koncern_data
    koncern_now, koncern_before = kr.nyckeltal(k), kr.nyckeltal_forra(k)
    values: dict[str, Value] = {
        "kommun_namn": model.kommun.namn,
        "period_titel": r.period.titel,
        "arets_resultat_mnkr": e.nyckeltal.get("arets_resultat"),
        "balanskravsresultat_mnkr": bk.resultat,
        "balanskrav_uppfyllt": {
            Bedomning.UPPFYLLT: "ja",
            Bedomning.EJ_UPPFYLLT: "nej",
        }.get(bk.bedomning),
        "resultat_andel_skatter_procent": e.nyckeltal.get("resultat_andel_skatter"),
        "nettokostnadsandel_procent": e.nyckeltal.get("nettokostnadsandel"),
        "soliditet_procent": e.nyckeltal.get("soliditet"),
        "soliditet_inkl_pension_procent": e.nyckeltal.get("soliditet_inkl_pension"),
        "sjalvfinansieringsgrad_procent": e.nyckeltal.get("sjalvfinansieringsgrad"),
        "kassalikviditet_procent": e.nyckeltal.get("kassalikviditet"),
        "nettoinvesteringar_mnkr": e.nyckeltal.get("nettoinvesteringar"),
        "driftavvikelse_tkr": r.drift_data.summa.avvikelse,
        "antal_finansiella_mal": len(fin),
        "antal_finansiella_mal_uppfyllda": sum(1 for f in fin if f.bedomning is Bedomning.UPPFYLLT),
        "antal_inriktningsmal": len(rt.inriktningsmal),
        "antal_inriktningsmal_uppfyllda": sum(
            1 for im in rt.inriktningsmal if im.bedomning is Bedomning.UPPFYLLT
        ),
        "antal_namndmal": len(goals),
        "antal_namndmal_uppfyllda": gc[Bedomning.UPPFYLLT],
        "antal_namndmal_delvis_uppfyllda": gc[Bedomning.DELVIS],
        "antal_namndmal_ej_uppfyllda": gc[Bedomning.EJ_UPPFYLLT],
        "antal_namndmal_ej_bedombara": gc[Bedomning.EJ_BEDOMBAR],
        "andel_namndmal_uppfyllda_procent": fmt.share(gc[Bedomning.UPPFYLLT], len(goals)),
        "antal_luckor": len(luckor(model, rt)),
        "sjukfranvaro_procent": staff.sjuk_t if staff and staff_sel and staff_sel.totalt else None,
        "antal_anstallda": staff.anst_t if staff and staff_sel and staff_sel.totalt else None,
        "koncern_antal_foretag": len(k.nu.foretag) if k.visas else None,
        "koncern_arets_resultat_mnkr": koncern_now["arets_resultat"],
        "koncern_arets_resultat_foregaende_ar_mnkr": koncern_before["arets_resultat"],
        "koncern_soliditet_procent": koncern_now["soliditet"],
        "koncern_soliditet_inkl_pension_procent": koncern_now["soliditet_inkl_pension"],
        "koncern_investeringar_mnkr": koncern_now["investeringar"],
    }
    if rr.has_data():
        values["arets_resultat_budget_mnkr"] = rr.arets_resultat().budget
        values["arets_resultat_utfall_mnkr"] = rr.arets_resultat().utfall
        values["skatter_och_statsbidrag_mnkr"] = rr.helar(rr.skatter_och_bidrag())
    return _build(KOMMUN_SPECS, values, kommun_keys(per.is_full_year(r.period)))
