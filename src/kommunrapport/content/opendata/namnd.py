"""The open-data tables of a nämnd's report: goals, indicators, activities, drift,
investments, personnel and internal control.
"""

from __future__ import annotations

from kommunrapport.content import mal
from kommunrapport.content import period as per
from kommunrapport.content.ekonomi.investeringar import Investeringar
from kommunrapport.content.ekonomi.sammanfattning import Sammanfattning
from kommunrapport.content.opendata.tabell import (
    EMPTY_NOTE,
    FLERARIG_COLS,
    OpenTable,
    drift_table,
    inv_cols,
    personal_table,
    table,
    tkr,
)
from kommunrapport.data.model import Kommunmodell, Malkedja


def _indicator_tables(model: Kommunmodell, mu: mal.Maluppfyllelse) -> dict[str, OpenTable]:
    series_rows = []
    for o in mu.indikatorer:
        for s in o.serier:
            for year, value in sorted(s.varden.items()):
                series_rows.append(
                    {
                        "indikator_id": o.indikator.id,
                        "indikator": o.indikator.namn,
                        "enhet": o.indikator.enhet,
                        "serie": s.roll,
                        "ar": year,
                        "varde": value,
                        "malvarde": o.indikator.mal.get(year),
                    }
                )
    assessed = [
        {
            "indikator_id": o.indikator.id,
            "namndmal_id": ";".join(mu.mal_per_indikator.get(o.indikator.id, (o.namndmal.id,))),
            "ar": o.bedomning.ar,
            "varde": o.bedomning.varde,
            "malvarde": o.bedomning.mal,
            "riktning": o.indikator.riktning,
            "bedomning": o.bedomning.bedomning.value,
            "bedomning_enligt_regel": o.bedomning.enligt_regel.value,
            "skal": o.bedomning.skal,
        }
        for o in mu.indikatorer
    ]
    n = model.kommun.minsta_antal
    return {
        "indikatorer": table(
            "Indikatorernas värden per år: kommunen (totalt, kvinnor, män), riket och "
            "jämförelsegruppen. " + EMPTY_NOTE.format(n=n),
            {
                "indikator_id": "indikatorns id (Kolada-id eller eget id)",
                "indikator": "indikatorns namn",
                "enhet": "enhet",
                "serie": "kommun, kvinnor, man, riket eller grupp (egen beräkning: ovägt medel)",
                "ar": "år",
                "varde": "värde i indikatorns enhet",
                "malvarde": "kommunens målvärde för året",
            },
            series_rows,
        ),
        "indikatorbedomning": table(
            "Bedömning av varje indikator för rapportåret",
            {
                "indikator_id": "indikatorns id",
                "namndmal_id": "nämndmål som indikatorn följer (id, semikolon)"
                if any(len(g) > 1 for g in mu.mal_per_indikator.values())
                else "nämndmålets id",
                "ar": "rapportåret",
                "varde": "kommunens värde för året (tomt om det saknas)",
                "malvarde": "målvärdet för året",
                "riktning": "högre eller lägre är bättre",
                "bedomning": "bedömning som gäller (efter eventuell ändring)",
                "bedomning_enligt_regel": "bedömning enligt regeln",
                "skal": "skälet till bedömningen",
            },
            assessed,
        ),
    }


def _goal_table(mu: mal.Maluppfyllelse, chain: Malkedja) -> OpenTable:
    """The goals' assessments, each with its kind (``maltyp``); ``grund`` and ``kommentar``
    are added when a goal has the nämnd's own bedömning or a comment."""
    columns = {
        "namndmal_id": "nämndmålets id",
        "namndmal": "nämndmålet",
        "maltyp": "målets sort (benamning i data/malkedja.yml, t.ex. nämndmål)",
        "inriktningsmal_id": "inriktningsmål som nämndmålet bidrar till (id, semikolon)",
        "bedomning": "bedömning som gäller (efter eventuell ändring)",
        "bedomning_enligt_regel": "bedömning enligt regeln",
        "skal": "skälet till bedömningen",
    }
    extra = any(g.namndens or g.kommentar for g in mu.mal)
    if extra:
        columns["grund"] = (
            "indikatorer, nämndens bedömning (mål utan indikator) eller ändrad bedömning"
        )
        columns["kommentar"] = "analytikerns kommentar till målet för perioden"
    rows = []
    for g in mu.mal:
        row: dict[str, object] = {
            "namndmal_id": g.namndmal.id,
            "namndmal": g.namndmal.namn,
            "maltyp": chain.benamning(g.namndmal),
            "inriktningsmal_id": ";".join(g.namndmal.inriktningsmal),
            "bedomning": g.bedomning.value,
            "bedomning_enligt_regel": g.enligt_regel.value,
            "skal": g.skal,
        }
        if extra:
            row["grund"] = g.grund
            row["kommentar"] = g.kommentar or None
        rows.append(row)
    return table(f"Bedömning av nämndens mål {mu.year}", columns, rows)


def _investment_table(inv: Investeringar) -> OpenTable:
    full_year = per.is_full_year(inv.period)
    columns = {"projekt": "projekt", **inv_cols(full_year)}
    if inv.flerarig:
        columns.update(FLERARIG_COLS)
    rows = []
    for i in inv.rader:
        row: dict[str, object] = {"projekt": i.namn, **tkr(i, full_year)}
        if inv.flerarig:
            row.update(
                {
                    "status": i.status,
                    "total_budget_tkr": i.total_budget,
                    "ackumulerat_utfall_tkr": i.ackumulerat_utfall,
                    "ackumulerad_avvikelse_tkr": i.ackumulerad_avvikelse,
                }
            )
        rows.append(row)
    converted = " (tkr, omräknat från filens enhet)" if inv.enhet != "tkr" else ""
    return table(f"Investeringsprojekt{converted}", columns, rows)


def _summary_table(s: Sammanfattning) -> OpenTable:
    full_year = per.is_full_year(s.period)
    columns = {
        "post": "Intäkter, Kostnader eller Nettokostnad",
        "budget_tkr": "årsbudget, tkr",
        "utfall_tkr": "årets utfall, tkr" if full_year else "utfall hittills i år, tkr",
    }
    if not full_year:
        columns["prognos_tkr"] = "prognos för helåret, tkr"
    columns["avvikelse_tkr"] = "avvikelse mot budget för helåret, positivt = överskott, tkr"
    before = s.foregaende_budget
    if before:
        columns["foregaende_ar_budget_tkr"] = "föregående års budget, tkr"
    columns["foregaende_ar_utfall_tkr"] = "utfall samma period föregående år, tkr"
    if before:
        columns["foregaende_ar_avvikelse_tkr"] = "föregående års avvikelse mot budget, tkr"
    rows = []
    for r in s.alla_rader:
        row: dict[str, object] = {"post": r.namn, "budget_tkr": r.budget, "utfall_tkr": r.utfall}
        if not full_year:
            row["prognos_tkr"] = r.helar
        row["avvikelse_tkr"] = r.avvikelse
        if before:
            row["foregaende_ar_budget_tkr"] = r.foregaende_budget
        row["foregaende_ar_utfall_tkr"] = r.foregaende
        if before:
            row["foregaende_ar_avvikelse_tkr"] = r.foregaende_avvikelse
        rows.append(row)
    return table(
        "Ekonomisk sammanfattning: intäkter, kostnader, nettokostnad och nettoinvesteringar "
        "(tkr, med filens tecken)",
        columns,
        rows,
    )


def namnd_tables(model: Kommunmodell, period_id: str, namnd_id: str) -> dict[str, OpenTable]:
    from kommunrapport.content import egna
    from kommunrapport.content.rapport import NamndRapport

    r = NamndRapport.from_params(model, period_id, namnd_id)
    mu = r.maluppfyllelse_data
    out: dict[str, OpenTable] = {
        "maluppfyllelse": _goal_table(mu, model.malkedja),
        **_indicator_tables(model, mu),
        "aktiviteter": table(
            "Aktiviteter med status och kommentar för perioden",
            {
                "id": "aktivitetens id",
                "namndmal_id": "nämndmålets id",
                "beskrivning": "aktiviteten",
                "ansvarig": "ansvarig",
                "slutdatum": "planerat slutdatum (ÅÅÅÅ-MM-DD)",
                "status": "status",
                "kommentar": "kommentar",
            },
            [
                {
                    "id": a.id,
                    "namndmal_id": a.namndmal,
                    "beskrivning": a.beskrivning,
                    "ansvarig": a.ansvarig or None,
                    "slutdatum": a.slutdatum.isoformat() if a.slutdatum else None,
                    "status": a.status,
                    "kommentar": a.kommentar or None,
                }
                for a in r.aktivitet_data
            ],
        ),
        "driftredovisning": drift_table(
            "Driftredovisning per verksamhet", "verksamhet", "verksamhet", r.drift_data
        ),
        "investeringar": _investment_table(r.investering_data),
        "personal": personal_table(model, [p for p in [r.personal_data[0]] if p is not None]),
        "internkontroll": table(
            "Internkontroll: kontrollmoment och resultat",
            {
                "kontrollmoment": "kontrollmoment",
                "resultat": "resultat",
                "bedomning": "resultatet på målens skala",
                "atgard": "åtgärd",
            },
            [
                {
                    "kontrollmoment": k.kontrollmoment,
                    "resultat": k.resultat,
                    "bedomning": k.bedomning.value,
                    "atgard": k.atgard or None,
                }
                for k in r.kontroll_data
            ],
        ),
    }
    if r.sammanfattning_data.alla_rader:
        out["ekonomisk_sammanfattning"] = _summary_table(r.sammanfattning_data)
    out.update(egna.open_tables(model, namnd_id))
    return out
