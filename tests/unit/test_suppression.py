"""Small counts: primary and secondary suppression in tables, key figures and open data."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from content_project import KOMMUN, load

from kommunrapport.content import keyfigures, opendata, suppression
from kommunrapport.content.rapport import KommunRapport, NamndRapport
from kommunrapport.data.model import Kommunmodell


@pytest.mark.parametrize(
    ("count", "small"), [(None, False), (0, False), (1, True), (4, True), (5, False), (4.0, True)]
)
def test_is_small(count: float | None, small: bool) -> None:
    assert suppression.is_small(count, 5) is small


def test_one_small_kon_hides_both() -> None:
    assert suppression.by_kon(10, 7, 3, 5) == suppression.KonUrval(True, False, False)
    assert suppression.by_kon(10, 5, 5, 5) == suppression.KonUrval(True, True, True)
    assert suppression.by_kon(3, 3, 0, 5) == suppression.KonUrval(False, False, False)
    assert suppression.count_text(3, True, 5) == "<5"
    assert suppression.count_text(12, False, 5) == "<5"
    assert suppression.count_text(12, True, 5) == "12"
    assert suppression.count_text(0, True, 5) == "0"


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Kommunmodell:
    return load(tmp_path_factory.mktemp("sup"))


def test_namnd_personal_table_hides_the_small_group(model: Kommunmodell) -> None:
    table = NamndRapport(model, "2022-08", "b").personal()
    assert table.headings == ["Mått", "Totalt", "Kvinnor", "Män"]
    now = table.rader[0]
    assert now[0] == "Sjukfrånvaro jan–aug 2022" and now[2:] == ("<5", "<5")
    assert table.rader[3] == ("Antal anställda", "10", "<5", "<5")
    assert any(n.startswith("Antal under 5 personer redovisas inte") for n in table.noter)


def test_namnd_personal_table_shows_change_from_last_year(model: Kommunmodell) -> None:
    table = NamndRapport(model, "2022-08", "a").personal()
    assert table.rader[2] == ("Förändring (procentenheter)", "\u22120,5", "\u22120,5", "\u22121,0")
    assert not any("Antal under" in n for n in table.noter)


def test_the_kommun_total_cannot_give_the_hidden_group_back(model: Kommunmodell) -> None:
    table = KommunRapport(model, "2022-08").personal()
    b = table.rader[1]
    assert b[:4] == ("Nämnd B", "10", "<5", "<5")
    total = table.summa[0]
    # total − Nämnd A would reveal Nämnd B's men (count and sjukfrånvaro), so the total's
    # kön figures are hidden as well (marked x, not <5: they are not small); the total
    # itself is shown
    assert total == ("Hela kommunen", "110", "x", "x", "5,4\u00a0%", "x", "x")


def test_key_figures_and_open_data_suppress_too(model: Kommunmodell) -> None:
    kf = keyfigures.compute(model, "2022-08", "b")
    assert kf["sjukfranvaro_man_procent"].value is None
    assert kf["sjukfranvaro_procent"].value == pytest.approx(4.0)
    staff = opendata.tables(model, "2022-08", None)["personal"].frame
    b = staff[staff["namnd"] == "Nämnd B"].iloc[0]
    assert b["anstallda"] == 10 and b[["anstallda_man", "sjukfranvaro_man_procent"]].isna().all()
    total = staff[staff["namnd"] == "Hela kommunen"].iloc[0]
    assert total["anstallda"] == 110 and total[["anstallda_kvinnor", "anstallda_man"]].isna().all()


def test_the_threshold_is_data(tmp_path: Path) -> None:
    kommun = copy.deepcopy(KOMMUN)
    kommun["kommun"]["minsta_antal"] = 3
    table = NamndRapport(load(tmp_path, kommun=kommun), "2022-08", "b").personal()
    assert table.rader[3] == ("Antal anställda", "10", "7", "3")
