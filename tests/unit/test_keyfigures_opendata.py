"""Key figures (cited in narrative) and open-data tables (published as CSV)."""

from __future__ import annotations

import re

import pytest
from content_project import load

from kommunrapport.content import formatting as fmt
from kommunrapport.content import keyfigures, opendata
from kommunrapport.data.model import Kommunmodell

SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Kommunmodell:
    return load(tmp_path_factory.mktemp("kf"))


def test_every_declared_key_is_present_in_order(model: Kommunmodell) -> None:
    assert list(keyfigures.compute(model, "2022-08", "a")) == list(keyfigures.KEYS_NAMND)
    assert list(keyfigures.compute(model, "2022-08", None)) == list(keyfigures.KEYS_KOMMUN)
    for key in (*keyfigures.KEYS_NAMND, *keyfigures.KEYS_KOMMUN):
        assert SNAKE.match(key), key
    for key in (
        "budget_tkr",
        "prognos_tkr",
        "prognos_avvikelse_tkr",
        "andel_mal_uppfyllda_procent",
        "utfall_andel_av_budget_procent",
        "antal_namndmal",
        "antal_uppfyllda",
        "sjukfranvaro_procent",
    ):
        assert key in keyfigures.KEYS_NAMND
    for key in ("balanskravsresultat_mnkr", "arets_resultat_mnkr", "soliditet_procent"):
        assert key in keyfigures.KEYS_KOMMUN


def test_namnd_key_figures(model: Kommunmodell) -> None:
    kf = keyfigures.compute(model, "2022-08", "a")
    assert kf["prognos_avvikelse_tkr"] == keyfigures.KeyFigure(
        -50, f"{fmt.MINUS}50{fmt.NBSP}tkr", kf["prognos_avvikelse_tkr"].description
    )
    assert kf["budget_tkr"].text == f"1{fmt.NBSP}500{fmt.NBSP}tkr"
    assert kf["antal_namndmal"].value == 2
    assert kf["antal_delvis_uppfyllda"].value == 1
    assert kf["andel_mal_uppfyllda_procent"].value == 0
    assert (
        kf["sjukfranvaro_forandring_procentenheter"].text
        == f"{fmt.MINUS}0,5{fmt.NBSP}procentenheter"
    )
    assert kf["antal_kontrollmoment_avvikelser"].value == 1
    assert kf["namnd_namn"].value == "Nämnd A"
    assert all(f.description for f in kf.values())


def test_kommun_key_figures(model: Kommunmodell) -> None:
    kf = keyfigures.compute(model, "2022-08", None)
    assert kf["balanskravsresultat_mnkr"].value == pytest.approx(57.0)
    assert kf["balanskravsresultat_mnkr"].text == f"57,0{fmt.NBSP}mnkr"
    assert kf["balanskrav_uppfyllt"].value == "ja"
    assert kf["soliditet_procent"].text == f"45,0{fmt.NBSP}%"
    assert kf["antal_luckor"].value == 4
    assert kf["antal_finansiella_mal"].value == 0


def test_missing_figures_say_so(model: Kommunmodell) -> None:
    kf = keyfigures.compute(model, "2022-12", None)  # no statements for 2022-12
    assert kf["arets_resultat_mnkr"].value is None
    assert kf["arets_resultat_mnkr"].text == keyfigures.MISSING_TEXT
    assert kf["balanskrav_uppfyllt"].value is None


def test_values_are_rounded_as_the_text(model: Kommunmodell) -> None:
    kf = keyfigures.compute(model, "2022-08", None)
    value = kf["resultat_andel_skatter_procent"].value  # 57 / 2590 = 2,2007… %
    assert value == 2.2 and kf["resultat_andel_skatter_procent"].text == f"2,2{fmt.NBSP}%"


def test_open_data_tables_document_every_column(model: Kommunmodell) -> None:
    for namnd in ("a", None):
        tables = opendata.tables(model, "2022-08", namnd)
        assert tables
        for name, table in tables.items():
            assert SNAKE.match(name), name
            assert table.description
            assert list(table.columns) == list(table.frame.columns)
            assert all(table.columns.values()), name
    nämnd = opendata.tables(model, "2022-08", "a")
    assert {
        "maluppfyllelse",
        "indikatorer",
        "indikatorbedomning",
        "aktiviteter",
        "driftredovisning",
        "investeringar",
        "personal",
        "internkontroll",
    } <= set(nämnd)
    goals = nämnd["maluppfyllelse"].frame
    assert list(goals["bedomning"]) == ["delvis uppfyllt", "ej bedömbar"]
    kommun = opendata.tables(model, "2022-08", None)
    assert {
        "roda_traden",
        "inriktningsmal",
        "driftredovisning_namnder",
        "resultatrakning",
        "balansrakning",
        "balanskrav",
        "nyckeltal",
        "personal",
        "luckor",
    } <= set(kommun)
    # the project has no financial goals and no cash flow: an empty table is not published
    assert not {"finansiella_mal", "kassaflode"} & set(kommun)
    steps = kommun["balanskrav"].frame
    assert steps["belopp_mnkr"].iloc[-1] == pytest.approx(57.0)


def test_open_data_values_are_raw_numbers(model: Kommunmodell) -> None:
    drift = opendata.tables(model, "2022-08", "a")["driftredovisning"].frame
    assert drift["avvikelse_tkr"].tolist() == [-100.0, 50.0, -50.0]  # X, Y and their sum
    assert drift["radtyp"].tolist() == ["verksamhet", "verksamhet", "summa"]
    series = opendata.tables(model, "2022-08", "a")["indikatorer"].frame
    i1 = series[(series["indikator_id"] == "I1") & (series["serie"] == "grupp")]
    assert i1["varde"].tolist() == [65.0]
