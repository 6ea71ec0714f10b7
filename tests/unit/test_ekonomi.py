"""Ekonomi: deviations, statements, the balanskrav arithmetic, key ratios, financial goals."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from content_project import PERIODER, TABLES, load

from kommunrapport.content import formatting as fmt
from kommunrapport.content.assessment import Bedomning
from kommunrapport.content.ekonomi.balanskrav import balanskrav, balanskrav_tabell
from kommunrapport.content.ekonomi.balansrakning import balansrakning
from kommunrapport.content.ekonomi.drift import drift_namnd
from kommunrapport.content.ekonomi.nyckeltal import ekonomi
from kommunrapport.content.ekonomi.resultatrakning import resultatrakning, resultatrakning_tabell
from kommunrapport.content.rapport import KommunRapport, NamndRapport
from kommunrapport.data.model import Kommunmodell

NB, MINUS = fmt.NBSP, fmt.MINUS


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Kommunmodell:
    return load(tmp_path_factory.mktemp("eko"))


def test_drift_deviation_is_budget_minus_prognos(model: Kommunmodell) -> None:
    d = drift_namnd(model, "2022-08", "a")
    assert [(r.namn, r.avvikelse) for r in d.rader] == [("X", -100.0), ("Y", 50.0)]
    assert d.summa.budget == 1500 and d.summa.helar == 1550 and d.summa.avvikelse == -50
    assert d.summa.forbrukat == pytest.approx(60.0)
    table = NamndRapport(model, "2022-08", "a").drift()
    assert table.headings == [
        "Verksamhet",
        "Budget helår (tkr)",
        "Utfall jan–aug (tkr)",
        "Prognos helår (tkr)",
        "Avvikelse (tkr)",
        "Förbrukat av budget (%)",
    ]
    assert table.rader[0] == ("X", f"1{NB}000", "600", f"1{NB}100", f"{MINUS}100", "60")
    assert table.summa[0][4] == f"{MINUS}50"
    assert any("8 av 12 månader" in n and f"67{NB}%" in n for n in table.noter)


def test_full_year_drift_uses_the_outcome(model: Kommunmodell) -> None:
    table = NamndRapport(model, "2022-12", "a").drift()
    assert table.headings[2] == "Utfall (tkr)" and len(table.headings) == 5
    assert table.summa[0] == ("Summa", f"1{NB}500", f"1{NB}540", f"{MINUS}40", "103")


def test_net_costs_written_as_negative_numbers_keep_the_sign_of_surplus(tmp_path: Path) -> None:
    rows = [
        {**r, "budget": -r["budget"], "utfall": -r["utfall"], "prognos": -r["prognos"]}
        for r in TABLES["driftredovisning"]
    ]
    d = drift_namnd(load(tmp_path, driftredovisning=rows), "2022-08", "a")
    assert d.kostnad_negativ
    assert [r.avvikelse for r in d.rader] == [-100.0, 50.0]


def test_kommun_drift_sums_the_namnder(model: Kommunmodell) -> None:
    d = KommunRapport(model, "2022-08").drift_data
    assert [(r.namn, r.avvikelse) for r in d.rader] == [("Nämnd A", -50.0), ("Nämnd B", 0.0)]
    assert d.summa.avvikelse == -50


def test_resultatrakning_subtotals_and_signs(model: Kommunmodell) -> None:
    rr = resultatrakning(model, "2022-08")
    assert rr.verksamhetens_nettokostnader().prognos == pytest.approx(610 - 3050 - 100)
    assert rr.arets_resultat().prognos == pytest.approx(-2540 + 2590 + 15 - 8)
    assert rr.arets_resultat().utfall == pytest.approx(55)
    table = resultatrakning_tabell(rr)
    labels = [r[0] for r in table.rader]
    assert labels.index("Årets resultat") == len(labels) - 1
    assert table.rader[labels.index("Årets resultat")][2] == "57,0"


def test_costs_given_as_positive_numbers_are_still_costs(tmp_path: Path) -> None:
    rows = [
        {**r, "utfall": abs(r["utfall"]), "budget": abs(r["budget"]), "prognos": abs(r["prognos"])}
        for r in TABLES["resultatrakning"]
    ]
    rr = resultatrakning(load(tmp_path, resultatrakning=rows), "2022-08")
    assert rr.arets_resultat().prognos == pytest.approx(57)


def test_balanskrav_on_the_prognos_in_a_delarsrapport(model: Kommunmodell) -> None:
    bk = balanskrav(model, "2022-08")
    assert bk.arets_resultat == pytest.approx(57)
    assert bk.resultat == pytest.approx(57)
    assert bk.bedomning is Bedomning.UPPFYLLT
    assert bk.grund == "helårsprognos"


def test_balanskrav_arithmetic(tmp_path: Path) -> None:
    adjustments = [
        {"period": "2022-08", "post": "realisationsvinster", "belopp": 12},
        {"period": "2022-08", "post": "realisationsvinster_undantag", "belopp": 2},
        {"period": "2022-08", "post": "realisationsforluster_undantag", "belopp": 1},
        {"period": "2022-08", "post": "orealiserade_forluster_vardepapper", "belopp": 3},
        {"period": "2022-08", "post": "aterforing_orealiserade_forluster", "belopp": 4},
        {"period": "2022-08", "post": "reservering_rur", "belopp": 50},
        {"period": "2022-08", "post": "anvandning_rur", "belopp": 0.5},
    ]
    bk = balanskrav(load(tmp_path, balanskravsjusteringar=adjustments), "2022-08")
    assert bk.efter_justeringar == pytest.approx(57 - 12 + 2 + 1 + 3 - 4)  # 47
    assert bk.resultat == pytest.approx(47 - 50 + 0.5)  # −2,5
    assert bk.bedomning is Bedomning.EJ_UPPFYLLT
    table = balanskrav_tabell(bk)
    assert table.rader[0] == ("Årets resultat enligt helårsprognosen", "57,0")
    assert table.rader[1] == ("Samtliga realisationsvinster", f"{MINUS}12,0")
    assert table.rader[-1] == ("Balanskravsresultat", f"{MINUS}2,5")
    assert "inte uppfyllt" in table.noter[0]


def test_balanskrav_without_a_statement_cannot_be_judged(tmp_path: Path) -> None:
    rows = [{**r, "period": "2022-12"} for r in TABLES["resultatrakning"]]
    bk = balanskrav(load(tmp_path, resultatrakning=rows), "2022-08")
    assert bk.resultat is None and bk.bedomning is Bedomning.EJ_BEDOMBAR


def test_balance_sheet_and_ratios(model: Kommunmodell) -> None:
    e = ekonomi(model, "2022-08")
    assert e.br.tillgangar == 1000 and e.br.differens == 0
    assert e.nyckeltal["soliditet"] == pytest.approx(45.0)
    assert e.nyckeltal["soliditet_inkl_pension"] == pytest.approx(30.0)
    assert e.nyckeltal_forra["soliditet_inkl_pension"] == pytest.approx(24.0)
    assert e.nyckeltal["kassalikviditet"] == pytest.approx(50.0)
    assert e.nyckeltal["resultat_andel_skatter"] == pytest.approx(100 * 57 / 2590)
    assert e.nyckeltal["nettoinvesteringar"] == pytest.approx(0.15)  # 90 + 60 tkr
    assert e.nyckeltal["sjalvfinansieringsgrad"] == pytest.approx(100 * (57 + 100) / 0.15)


def test_equity_without_the_years_result_is_detected(tmp_path: Path) -> None:
    rows = copy.deepcopy(TABLES["balansrakning"])
    for r in rows:
        if r["period"] == "2022-08" and r["post"] == "eget_kapital":
            r["belopp"] = 395  # 450 − 55: this kommun keeps årets resultat apart
    br, _ = balansrakning(load(tmp_path, balansrakning=rows), "2022-08")
    assert not br.ek_inkl_arets_resultat and br.eget_kapital == 450 and br.differens == 0


def _goals(**extra: Any) -> dict[str, Any]:
    return {
        "mal": [
            {
                "id": "r",
                "namn": "Resultat",
                "matt": "resultat_andel_skatter",
                "villkor": "minst",
                "varde": 2,
            },
            {"id": "s", "namn": "Soliditet", "matt": "soliditet_inkl_pension", "villkor": "ökar"},
            {
                "id": "k",
                "namn": "Kassa",
                "matt": "kassalikviditet",
                "villkor": "minst",
                "varde": 60,
            },
            *extra.get("more", []),
        ]
    }


def test_financial_goals(tmp_path: Path) -> None:
    model = load(tmp_path, finansiella_mal=_goals())
    outcomes = {o.mal.id: o for o in KommunRapport(model, "2022-08").finansiella_mal_data}
    assert outcomes["r"].bedomning is Bedomning.UPPFYLLT  # 2,2 % ≥ 2 %
    assert outcomes["s"].bedomning is Bedomning.UPPFYLLT  # 30,0 % up from 24,0 %
    assert "ökat från 24,0" in outcomes["s"].skal
    assert outcomes["k"].bedomning is Bedomning.EJ_UPPFYLLT  # 50 % < 60 %
    table = KommunRapport(model, "2022-08").finansiella_mal()
    assert table.rader[0][:3] == ("Resultat", f"2,2{NB}%", "Uppfyllt")
    assert table.noter[0].startswith("2 av 3 finansiella mål är uppfyllda.")


def test_a_rising_goal_without_last_year_uses_the_given_earlier_outcome(tmp_path: Path) -> None:
    rows = [r for r in TABLES["balansrakning"] if r["period"] != "2021-12"]
    goals = {
        "mal": [
            {
                "id": "s",
                "namn": "S",
                "matt": "soliditet_inkl_pension",
                "villkor": "ökar",
                "utfall_tidigare": {2021: 31},
            }
        ]
    }
    model = load(tmp_path, balansrakning=rows, finansiella_mal=goals)
    (outcome,) = KommunRapport(model, "2022-08").finansiella_mal_data
    assert outcome.bedomning is Bedomning.EJ_UPPFYLLT and outcome.jamforelse == 31
    goals["mal"][0]["utfall_tidigare"] = {}
    (outcome,) = KommunRapport(
        load(tmp_path / "2", balansrakning=rows, finansiella_mal=goals), "2022-08"
    ).finansiella_mal_data
    assert outcome.bedomning is Bedomning.EJ_BEDOMBAR


def test_no_financial_goals_file_is_fine(model: Kommunmodell) -> None:
    assert model.finansiella_mal is None
    table = KommunRapport(model, "2022-08").finansiella_mal()
    assert table.is_empty() and "finansiella_mal.yml" in table.to_markdown()


def test_kassaflode_outside_the_year_end_says_where_it_is(model: Kommunmodell) -> None:
    assert "årsredovisningen" in KommunRapport(model, "2022-08").kassaflode().to_markdown()


def test_kassaflode_posts_get_swedish_names(tmp_path: Path) -> None:
    rows = [
        {"period": "2022-12", "post": "lopande_verksamhet", "belopp": 10},
        {"period": "2022-12", "post": "arets_kassaflode", "belopp": 10},
    ]
    perioder = copy.deepcopy(PERIODER)
    table = KommunRapport(
        load(tmp_path, kassaflode=rows, perioder=perioder), "2022-12"
    ).kassaflode()
    assert table.rader == (
        ("Kassaflöde från den löpande verksamheten", "10,0"),
        ("Årets kassaflöde", "10,0"),
    )
    assert table.markerade == frozenset({1})
