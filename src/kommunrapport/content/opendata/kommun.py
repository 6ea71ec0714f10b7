"""The open-data tables of the kommun's report: the red thread, drift per nämnd,
investments, the statements, balanskrav, financial goals and key ratios, personnel, notes.
"""

from __future__ import annotations

from kommunrapport.content import period as per
from kommunrapport.content import roda_traden
from kommunrapport.content.ekonomi.kassaflode import kassaflode
from kommunrapport.content.ekonomi.nyckeltal import NYCKELTAL_NAMN
from kommunrapport.content.ekonomi.resultatrakning import RR_POSTER, Belopp
from kommunrapport.content.opendata.koncern import koncern_tables
from kommunrapport.content.opendata.tabell import (
    OpenTable,
    drift_table,
    inv_cols,
    personal_table,
    table,
    tkr,
)
from kommunrapport.data.model import Kommunmodell


def _mnkr(amount: Belopp, full_year: bool) -> dict[str, float | None]:
    """The amounts of a resultaträkning line, in the columns of :func:`_rr_cols`."""
    out = {"utfall_mnkr": amount.utfall}
    if not full_year:
        out["prognos_mnkr"] = amount.prognos
    out["budget_mnkr"] = amount.budget
    return out


def _rr_cols(full_year: bool) -> dict[str, str]:
    if full_year:
        return {"utfall_mnkr": "årets utfall, mnkr", "budget_mnkr": "budget för året, mnkr"}
    return {
        "utfall_mnkr": "utfall hittills i år, mnkr",
        "prognos_mnkr": "prognos för helåret, mnkr",
        "budget_mnkr": "budget för året, mnkr",
    }


def kommun_tables(model: Kommunmodell, period_id: str) -> dict[str, OpenTable]:
    from kommunrapport.content import personal as pers
    from kommunrapport.content.rapport import KommunRapport

    r = KommunRapport(model, period_id)
    full_year = per.is_full_year(r.period)
    rt = r.roda_traden_data
    e = r.ekonomi_data
    bk = r.balanskrav_data
    names = {n.id: n.namn for n in model.organisation.namnder}
    thread = [
        {
            "inriktningsmal_id": im.inriktningsmal.id,
            "inriktningsmal": im.inriktningsmal.namn,
            "namnd_id": g.namndmal.namnd,
            "namndmal_id": g.namndmal.id,
            "namndmal": g.namndmal.namn,
            "maltyp": model.malkedja.benamning(g.namndmal),
            "antal_indikatorer": len(g.indikatorer),
            "antal_aktiviteter": rt.aktiviteter_per_mal.get(g.namndmal.id, 0),
            "bedomning": g.bedomning.value,
        }
        for im in rt.inriktningsmal
        for g in im.namndmal
    ]
    rr_rows = []
    for post, label, _sign in RR_POSTER:
        b = e.rr.poster.get(post)
        if b is not None:
            rr_rows.append(
                {
                    "post": post,
                    "benamning": label,
                    **_mnkr(b, full_year),
                }
            )
    if e.rr.has_data():
        total = e.rr.arets_resultat()
        rr_rows.append(
            {
                "post": "arets_resultat",
                "benamning": "Årets resultat",
                **_mnkr(total, full_year),
            }
        )
    staff = pers.personal_kommun(model, period_id)
    total_staff = pers.kommun_total(staff)
    return {
        "roda_traden": table(
            "Den röda tråden: inriktningsmål, nämndmål och deras bedömning",
            {
                "inriktningsmal_id": "inriktningsmålets id",
                "inriktningsmal": "inriktningsmålet",
                "namnd_id": "nämndens id",
                "namndmal_id": "nämndmålets id",
                "namndmal": "nämndmålet",
                "maltyp": "målets sort (benamning i data/malkedja.yml, t.ex. nämndmål)",
                "antal_indikatorer": "antal indikatorer",
                "antal_aktiviteter": "antal aktiviteter under perioden",
                "bedomning": "nämndmålets bedömning",
            },
            thread,
        ),
        "inriktningsmal": table(
            "Bedömning per inriktningsmål",
            {
                "inriktningsmal_id": "inriktningsmålets id",
                "inriktningsmal": "inriktningsmålet",
                "antal_namndmal": "antal nämndmål som bidrar",
                "bedomning": "bedömning",
                "skal": "skälet till bedömningen",
            },
            [
                {
                    "inriktningsmal_id": im.inriktningsmal.id,
                    "inriktningsmal": im.inriktningsmal.namn,
                    "antal_namndmal": len(im.namndmal),
                    "bedomning": im.bedomning.value,
                    "skal": im.skal,
                }
                for im in rt.inriktningsmal
            ],
        ),
        "driftredovisning_namnder": drift_table(
            "Driftredovisning per nämnd", "namnd", "nämnd", r.drift_data
        ),
        "investeringar": table(
            "Investeringsprojekt i alla nämnder",
            {"projekt": "projekt", "namnd_id": "nämndens id", **inv_cols(full_year)},
            [
                {"projekt": i.namn, "namnd_id": i.namnd, **tkr(i, full_year)}
                for i in e.investeringar.rader
            ],
        ),
        "resultatrakning": table(
            "Resultaträkning (intäkter positiva, kostnader negativa), mnkr",
            {
                "post": "post",
                "benamning": "benämning",
                **_rr_cols(full_year),
            },
            rr_rows,
        ),
        "balansrakning": table(
            "Balansräkning vid periodens slut, mnkr",
            {"post": "post", "belopp_mnkr": "belopp, mnkr"},
            [{"post": k, "belopp_mnkr": v} for k, v in e.br.poster.items()],
        ),
        "balanskrav": table(
            "Balanskravsutredning, mnkr",
            {"steg": "steg i utredningen", "belopp_mnkr": "belopp med tecken, mnkr"},
            [
                {"steg": "Årets resultat", "belopp_mnkr": bk.arets_resultat},
                *({"steg": label, "belopp_mnkr": v} for label, v in bk.justeringar),
                {"steg": "Efter balanskravsjusteringar", "belopp_mnkr": bk.efter_justeringar},
                *({"steg": label, "belopp_mnkr": v} for label, v in bk.rur),
                {"steg": "Balanskravsresultat", "belopp_mnkr": bk.resultat},
            ],
        ),
        "finansiella_mal": table(
            "Finansiella mål för god ekonomisk hushållning och deras utfall",
            {
                "id": "målets id",
                "mal": "målet",
                "matt": "nyckeltalet som målet mäts med",
                "villkor": "minst, högst, ökar eller minskar",
                "malvarde": "målvärde (för minst/högst)",
                "utfall": "årets utfall" if full_year else "prognos för helåret",
                "jamforelse": "målvärde eller föregående års värde",
                "bedomning": "bedömning",
                "skal": "skälet till bedömningen",
            },
            [
                {
                    "id": f.mal.id,
                    "mal": f.mal.namn,
                    "matt": f.mal.matt,
                    "villkor": f.mal.villkor,
                    "malvarde": f.mal.varde,
                    "utfall": f.varde,
                    "jamforelse": f.jamforelse,
                    "bedomning": f.bedomning.value,
                    "skal": f.skal,
                }
                for f in r.finansiella_mal_data
            ],
        ),
        "nyckeltal": table(
            "Finansiella nyckeltal",
            {
                "nyckeltal": "nyckeltalets id",
                "namn": "nyckeltalet",
                "enhet": "% eller mnkr",
                "varde": "värde för perioden",
                "varde_foregaende_ar": "värde för föregående år",
            },
            [
                {
                    "nyckeltal": key,
                    "namn": name,
                    "enhet": unit,
                    "varde": e.nyckeltal.get(key),
                    "varde_foregaende_ar": e.nyckeltal_forra.get(key),
                }
                for key, (name, unit) in NYCKELTAL_NAMN.items()
            ],
        ),
        "personal": personal_table(model, staff, total_staff),
        "luckor": table(
            "Luckor i den röda tråden",
            {"lucka": "typ av lucka", "mal": "målet", "namnd": "nämnd", "foljd": "följd"},
            [
                {"lucka": g.typ, "mal": g.mal, "namnd": g.namnd, "foljd": g.beskrivning}
                for g in roda_traden.luckor(model, rt)
            ],
        ),
        "kassaflode": table(
            "Kassaflödesanalys, mnkr (inbetalningar positiva, utbetalningar negativa)",
            {"post": "post", "benamning": "benämning", "belopp_mnkr": "belopp, mnkr"},
            [
                {"post": post, "benamning": label, "belopp_mnkr": value}
                for post, label, value in kassaflode(model, period_id)
            ],
        ),
        "noter": table(
            "Noter till resultat- och balansräkningen (bara i årsredovisningen), mnkr",
            {
                "not": "notens nummer",
                "rubrik": "notens rubrik",
                "post": "raden i noten",
                "belopp_mnkr": "årets belopp, mnkr",
                "foregaende_ar_mnkr": "föregående års belopp, mnkr",
                "koncern_mnkr": "koncernens belopp i år, mnkr",
                "koncern_foregaende_ar_mnkr": "koncernens belopp föregående år, mnkr",
                "avser": "posten i resultat- eller balansräkningen som noten specificerar",
            },
            [
                {
                    "not": n.nummer,
                    "rubrik": n.rubrik,
                    "post": line.post,
                    "belopp_mnkr": line.belopp,
                    "foregaende_ar_mnkr": line.foregaende_ar,
                    "koncern_mnkr": line.koncern,
                    "koncern_foregaende_ar_mnkr": line.koncern_foregaende_ar,
                    "avser": n.avser.post if n.avser else None,
                }
                for n in r.noter_data.noter
                for line in n.rader
            ],
        ),
        "namnder": table(
            "Nämnderna i rapporten",
            {"namnd_id": "nämndens id", "namnd": "nämndens namn"},
            [{"namnd_id": n.id, "namnd": names[n.id]} for n in r.period.namnder],
        ),
        **koncern_tables(model, r.koncern_data),
    }
