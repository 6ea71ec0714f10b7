"""Open data: the tables behind a report, for publishing as CSV beside the site.

:func:`tables` returns name → :class:`OpenTable` (a frame plus a Swedish description of
the table and of each column); the batch runner writes them (UTF-8). Numbers are raw (not
formatted, full precision, in the unit the column names); small counts of individuals are
left empty exactly as in the report (see :mod:`kommunrapport.content.suppression`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from kommunrapport.content import ekonomi as eko
from kommunrapport.content import mal, roda_traden, suppression
from kommunrapport.content.personal import Personaldata, total_urval
from kommunrapport.data.model import Kommunmodell

EMPTY_NOTE = "Tom cell: uppgift saknas eller redovisas inte (färre än {n} personer)."


@dataclass(frozen=True)
class OpenTable:
    frame: pd.DataFrame
    description: str
    columns: dict[str, str]
    """Column name → Swedish description (every column of ``frame``, in order)."""

    def __post_init__(self) -> None:
        if list(self.columns) != [str(c) for c in self.frame.columns]:
            raise ValueError(
                f"kolumnbeskrivningarna {list(self.columns)} matchar inte tabellens "
                f"kolumner {list(self.frame.columns)}"
            )


def _table(description: str, columns: dict[str, str], rows: list[dict[str, Any]]) -> OpenTable:
    frame = pd.DataFrame(rows, columns=list(columns))
    return OpenTable(frame, description, columns)


def tables(model: Kommunmodell, period_id: str, namnd_id: str | None) -> dict[str, OpenTable]:
    """The open-data tables of a nämnd's report, or the kommun's when ``namnd_id`` is None."""
    if namnd_id is None:
        return _kommun(model, period_id)
    return _namnd(model, period_id, namnd_id)


_DRIFT_COLS = {
    "budget_tkr": "årsbudget (nettokostnad), tkr",
    "utfall_tkr": "utfall hittills i år, tkr",
    "prognos_tkr": "prognos för helåret (i årsredovisningen: utfall), tkr",
    "avvikelse_tkr": "avvikelse mot budget för helåret, positivt = överskott, tkr",
}
_INV_COLS = {
    "budget_tkr": "årsbudget, tkr",
    "utfall_tkr": "utfall hittills i år, tkr",
    "prognos_tkr": "prognos för helåret (i årsredovisningen: utfall), tkr",
    "avvikelse_tkr": "budget − prognos, positivt = lägre utgift än budgeterat, tkr",
}


def _tkr(row: eko.DriftRad | eko.InvesteringRad) -> dict[str, float | None]:
    """The amounts of a drift or investment row, in the columns of ``_DRIFT_COLS`` and
    ``_INV_COLS``."""
    return {
        "budget_tkr": row.budget,
        "utfall_tkr": row.utfall,
        "prognos_tkr": row.prognos,
        "avvikelse_tkr": row.avvikelse,
    }


def _drift_table(description: str, key: str, key_text: str, drift: eko.Drift) -> OpenTable:
    """A driftredovisning: one row per line of ``drift``, named in column ``key``."""
    return _table(
        description,
        {key: key_text, **_DRIFT_COLS},
        [{key: d.namn, **_tkr(d)} for d in drift.rader],
    )


def _mnkr(amount: eko.Belopp) -> dict[str, float | None]:
    """The amounts of a resultaträkning line, in the columns of the ``resultatrakning`` table."""
    return {
        "utfall_mnkr": amount.utfall,
        "prognos_mnkr": amount.prognos,
        "budget_mnkr": amount.budget,
    }


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
            "namndmal_id": o.namndmal.id,
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
        "indikatorer": _table(
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
        "indikatorbedomning": _table(
            "Bedömning av varje indikator för rapportåret",
            {
                "indikator_id": "indikatorns id",
                "namndmal_id": "nämndmålets id",
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


def _namnd(model: Kommunmodell, period_id: str, namnd_id: str) -> dict[str, OpenTable]:
    from kommunrapport.content.rapport import NamndRapport

    r = NamndRapport.from_params(model, period_id, namnd_id)
    mu = r.maluppfyllelse_data
    out: dict[str, OpenTable] = {
        "maluppfyllelse": _table(
            f"Bedömning av nämndens mål {mu.year}",
            {
                "namndmal_id": "nämndmålets id",
                "namndmal": "nämndmålet",
                "inriktningsmal_id": "inriktningsmål som nämndmålet bidrar till (id, semikolon)",
                "bedomning": "bedömning som gäller (efter eventuell ändring)",
                "bedomning_enligt_regel": "bedömning enligt regeln",
                "skal": "skälet till bedömningen",
            },
            [
                {
                    "namndmal_id": g.namndmal.id,
                    "namndmal": g.namndmal.namn,
                    "inriktningsmal_id": ";".join(g.namndmal.inriktningsmal),
                    "bedomning": g.bedomning.value,
                    "bedomning_enligt_regel": g.enligt_regel.value,
                    "skal": g.skal,
                }
                for g in mu.mal
            ],
        ),
        **_indicator_tables(model, mu),
        "aktiviteter": _table(
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
                    "ansvarig": a.ansvarig,
                    "slutdatum": a.slutdatum.isoformat() if a.slutdatum else None,
                    "status": a.status,
                    "kommentar": a.kommentar or None,
                }
                for a in r.aktivitet_data
            ],
        ),
        "driftredovisning": _drift_table(
            "Driftredovisning per verksamhet", "verksamhet", "verksamhet", r.drift_data
        ),
        "investeringar": _table(
            "Investeringsprojekt",
            {"projekt": "projekt", **_INV_COLS},
            [{"projekt": i.namn, **_tkr(i)} for i in r.investering_data.rader],
        ),
        "personal": _personal_table(model, [p for p in [r.personal_data[0]] if p is not None]),
        "internkontroll": _table(
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
    return out


def _personal_table(
    model: Kommunmodell, rows: list[Personaldata], total: Personaldata | None = None
) -> OpenTable:
    n = model.kommun.minsta_antal
    records = []
    for p in [*rows, *([total] if total is not None else [])]:
        sel = total_urval(rows, p, n) if p is total else p.urval(n)
        records.append(
            {
                "namnd": p.namn,
                "anstallda": suppression.value_or_none(p.anst_t, sel.totalt),
                "anstallda_kvinnor": suppression.value_or_none(p.anst_k, sel.kvinnor),
                "anstallda_man": suppression.value_or_none(p.anst_m, sel.man),
                "sjukfranvaro_procent": suppression.value_or_none(p.sjuk_t, sel.totalt),
                "sjukfranvaro_kvinnor_procent": suppression.value_or_none(p.sjuk_k, sel.kvinnor),
                "sjukfranvaro_man_procent": suppression.value_or_none(p.sjuk_m, sel.man),
            }
        )
    return _table(
        "Personal: antal anställda och sjukfrånvaro per kön. " + EMPTY_NOTE.format(n=n),
        {
            "namnd": "nämnd",
            "anstallda": "antal anställda",
            "anstallda_kvinnor": "antal anställda kvinnor",
            "anstallda_man": "antal anställda män",
            "sjukfranvaro_procent": "sjukfrånvaro i procent av ordinarie arbetstid",
            "sjukfranvaro_kvinnor_procent": "sjukfrånvaro bland kvinnor, %",
            "sjukfranvaro_man_procent": "sjukfrånvaro bland män, %",
        },
        records,
    )


def _kommun(model: Kommunmodell, period_id: str) -> dict[str, OpenTable]:
    from kommunrapport.content import personal as pers
    from kommunrapport.content.rapport import KommunRapport

    r = KommunRapport(model, period_id)
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
            "antal_indikatorer": len(g.indikatorer),
            "antal_aktiviteter": rt.aktiviteter_per_mal.get(g.namndmal.id, 0),
            "bedomning": g.bedomning.value,
        }
        for im in rt.inriktningsmal
        for g in im.namndmal
    ]
    rr_rows = []
    for post, label, _sign in eko.RR_POSTER:
        b = e.rr.poster.get(post)
        if b is not None:
            rr_rows.append(
                {
                    "post": post,
                    "benamning": label,
                    **_mnkr(b),
                }
            )
    if e.rr.has_data():
        total = e.rr.arets_resultat()
        rr_rows.append(
            {
                "post": "arets_resultat",
                "benamning": "Årets resultat",
                **_mnkr(total),
            }
        )
    staff = pers.personal_kommun(model, period_id)
    total_staff = pers.kommun_total(staff)
    return {
        "roda_traden": _table(
            "Den röda tråden: inriktningsmål, nämndmål och deras bedömning",
            {
                "inriktningsmal_id": "inriktningsmålets id",
                "inriktningsmal": "inriktningsmålet",
                "namnd_id": "nämndens id",
                "namndmal_id": "nämndmålets id",
                "namndmal": "nämndmålet",
                "antal_indikatorer": "antal indikatorer",
                "antal_aktiviteter": "antal aktiviteter under perioden",
                "bedomning": "nämndmålets bedömning",
            },
            thread,
        ),
        "inriktningsmal": _table(
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
        "driftredovisning_namnder": _drift_table(
            "Driftredovisning per nämnd", "namnd", "nämnd", r.drift_data
        ),
        "investeringar": _table(
            "Investeringsprojekt i alla nämnder",
            {"projekt": "projekt", "namnd_id": "nämndens id", **_INV_COLS},
            [{"projekt": i.namn, "namnd_id": i.namnd, **_tkr(i)} for i in e.investeringar.rader],
        ),
        "resultatrakning": _table(
            "Resultaträkning (intäkter positiva, kostnader negativa), mnkr",
            {
                "post": "post",
                "benamning": "benämning",
                "utfall_mnkr": "utfall hittills i år, mnkr",
                "prognos_mnkr": "prognos för helåret, mnkr",
                "budget_mnkr": "budget för året, mnkr",
            },
            rr_rows,
        ),
        "balansrakning": _table(
            "Balansräkning vid periodens slut, mnkr",
            {"post": "post", "belopp_mnkr": "belopp, mnkr"},
            [{"post": k, "belopp_mnkr": v} for k, v in e.br.poster.items()],
        ),
        "balanskrav": _table(
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
        "finansiella_mal": _table(
            "Finansiella mål för god ekonomisk hushållning och deras utfall",
            {
                "id": "målets id",
                "mal": "målet",
                "matt": "nyckeltalet som målet mäts med",
                "villkor": "minst, högst, ökar eller minskar",
                "malvarde": "målvärde (för minst/högst)",
                "utfall": "utfall (i delårsrapporten: helårsprognos)",
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
        "nyckeltal": _table(
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
                for key, (name, unit) in eko.NYCKELTAL_NAMN.items()
            ],
        ),
        "personal": _personal_table(model, staff, total_staff),
        "luckor": _table(
            "Luckor i den röda tråden",
            {"lucka": "typ av lucka", "mal": "målet", "namnd": "nämnd", "foljd": "följd"},
            [
                {"lucka": g.typ, "mal": g.mal, "namnd": g.namnd, "foljd": g.beskrivning}
                for g in roda_traden.luckor(model, rt)
            ],
        ),
        "kassaflode": _table(
            "Kassaflödesanalys, mnkr (inbetalningar positiva, utbetalningar negativa)",
            {"post": "post", "benamning": "benämning", "belopp_mnkr": "belopp, mnkr"},
            [
                {"post": post, "benamning": label, "belopp_mnkr": value}
                for post, label, value in eko.kassaflode(model, period_id)
            ],
        ),
        "noter": _table(
            "Noter till resultat- och balansräkningen (bara i årsredovisningen), mnkr",
            {
                "not": "notens nummer",
                "rubrik": "notens rubrik",
                "post": "raden i noten",
                "belopp_mnkr": "årets belopp, mnkr",
                "foregaende_ar_mnkr": "föregående års belopp, mnkr",
                "avser": "posten i resultat- eller balansräkningen som noten specificerar",
            },
            [
                {
                    "not": n.nummer,
                    "rubrik": n.rubrik,
                    "post": line.post,
                    "belopp_mnkr": line.belopp,
                    "foregaende_ar_mnkr": line.foregaende_ar,
                    "avser": n.avser.post if n.avser else None,
                }
                for n in r.noter_data.noter
                for line in n.rader
            ],
        ),
        "namnder": _table(
            "Nämnderna i rapporten",
            {"namnd_id": "nämndens id", "namnd": "nämndens namn"},
            [{"namnd_id": n.id, "namnd": names[n.id]} for n in r.period.namnder],
        ),
    }
