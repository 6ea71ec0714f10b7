"""The open-data tables of the kommunal koncern in the kommun's report: the companies, the
reconciliation per post (kommun, each company's share, eliminations, koncern) for this
period and the previous year, the eliminations and the key figures. Empty tables (with
their columns) when the report does not show the koncern.
"""

from __future__ import annotations

from typing import Any

from kommunrapport.content.koncern.redovisning import (
    NYCKELTAL,
    Koncernredovisning,
    nyckeltal,
    nyckeltal_forra,
)
from kommunrapport.content.koncern.sammanstallning import Sammanstallning
from kommunrapport.content.koncern.tabeller import POST_NAMN
from kommunrapport.content.opendata.tabell import OpenTable, table
from kommunrapport.data.model import Kommunmodell


def _recon_rows(s: Sammanstallning, ar: int) -> list[dict[str, Any]]:
    if not s.has_data():
        return []
    rows = []
    for part in (s.rr, s.br, s.kf, {"nettoinvesteringar": s.nettoinvesteringar}):
        for post, r in part.items():
            if r.kommun is None and r.koncern is None:
                continue
            for f, value in zip(s.foretag, r.foretag, strict=True):
                rows.append(
                    {
                        "ar": ar,
                        "post": post,
                        "benamning": POST_NAMN[post],
                        "del": f.id,
                        "belopp_mnkr": value,
                    }
                )
            rows.extend(
                {
                    "ar": ar,
                    "post": post,
                    "benamning": POST_NAMN[post],
                    "del": who,
                    "belopp_mnkr": value,
                }
                for who, value in (
                    ("kommun", r.kommun),
                    ("eliminering", r.eliminering),
                    ("koncern", r.koncern),
                )
            )
    return rows


def koncern_tables(model: Kommunmodell, k: Koncernredovisning) -> dict[str, OpenTable]:
    companies = model.koncern.foretag if model.koncern else []
    year = k.period.year
    shown = k.visas
    now, before, kommun = nyckeltal(k), nyckeltal_forra(k), nyckeltal(k, koncern=False)
    return {
        "koncern_foretag": table(
            "Den kommunala koncernen: företag, kommunalförbund och stiftelser",
            {
                "id": "företagets id",
                "namn": "namn",
                "organisationsnummer": "organisationsnummer",
                "form": "aktiebolag, kommunalförbund, stiftelse eller ekonomisk förening",
                "relation": "dotterföretag (över 50 % av rösterna) eller intresseföretag",
                "andel_roster_procent": "kommunens andel av rösterna, %",
                "andel_kapital_procent": "kommunens andel av kapitalet, %",
                "ingar": "ja om företaget ingår i de sammanställda räkenskaperna",
                "skal": "varför företaget inte ingår",
            },
            [
                {
                    "id": f.id,
                    "namn": f.namn,
                    "organisationsnummer": f.orgnr,
                    "form": f.form,
                    "relation": f.relation,
                    "andel_roster_procent": f.andel_roster,
                    "andel_kapital_procent": f.andel_kapital,
                    "ingar": "ja" if f.ingar else "nej",
                    "skal": f.skal,
                }
                for f in companies
            ],
        ),
        "koncern_avstamning": table(
            "Från kommunen till koncernen per post: kommun + företagens andelar − "
            "eliminering = koncern, mnkr (intäkter positiva, kostnader negativa)",
            {
                "ar": "år (för balansräkningen: vid årets eller periodens slut)",
                "post": "post",
                "benamning": "benämning",
                "del": "kommun, ett företags id (ägd andel), eliminering eller koncern",
                "belopp_mnkr": "belopp, mnkr",
            },
            (_recon_rows(k.nu, year) + _recon_rows(k.forra, year - 1)) if shown else [],
        ),
        "koncern_elimineringar": table(
            "Elimineringar av interna poster mellan kommunen och koncernföretagen, mnkr",
            {
                "typ": "typ av intern post",
                "part": "parten som bokfört posten (kommun eller företagets id)",
                "motpart": "den andra parten",
                "post": "posten",
                "belopp_mnkr": "beloppet i partens räkenskaper, mnkr",
                "andel": "andelen som elimineras (0–1)",
                "eliminerat_mnkr": "eliminerat belopp, mnkr",
            },
            [
                {
                    "typ": e.typ,
                    "part": e.part,
                    "motpart": e.motpart,
                    "post": e.post,
                    "belopp_mnkr": e.belopp,
                    "andel": e.andel,
                    "eliminerat_mnkr": e.eliminerat,
                }
                for e in k.nu.elimineringar
            ]
            if shown
            else [],
        ),
        "koncern_nyckeltal": table(
            "Nyckeltal för kommunen och koncernen",
            {
                "nyckeltal": "nyckeltalets id",
                "namn": "nyckeltalet",
                "enhet": "% eller mnkr",
                "kommun": "kommunens värde för perioden",
                "koncern": "koncernens värde för perioden",
                "koncern_foregaende_ar": "koncernens värde föregående år",
            },
            [
                {
                    "nyckeltal": key,
                    "namn": name,
                    "enhet": unit,
                    "kommun": kommun[key],
                    "koncern": now[key],
                    "koncern_foregaende_ar": before[key],
                }
                for key, (name, unit) in NYCKELTAL.items()
            ]
            if shown
            else [],
        ),
    }
