"""Small counts: primary and secondary suppression in tables, key figures and open data."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from content_project import KOMMUN, TABLES, load

from kommunrapport.content import figures, keyfigures, opendata, suppression
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


# --- A kön the source withholds (issue 29, item 1) ------------------------------------------


@pytest.mark.parametrize(
    ("triple", "kon_shown"),
    [
        ((11, 8, None), False),  # män withheld: 11 − 8 would give them back
        ((11, None, 8), False),  # kvinnor withheld
        ((11, 8, float("nan")), False),  # an empty cell read as NaN
        ((11, None, None), True),  # no kön split at all: nothing to give back
        ((None, 8, None), True),  # no total: nothing to subtract from
        ((11, 8, 3), False),  # the small count itself
        ((11, 6, 5), True),
    ],
)
def test_a_withheld_kon_counts_as_small(
    triple: tuple[float | None, float | None, float | None], kon_shown: bool
) -> None:
    sel = suppression.by_kon(*triple, 5)
    assert sel.totalt  # the total stays
    assert (sel.kvinnor, sel.man) == (kon_shown, kon_shown)


def _withheld_indicator(tmp_path: Path) -> Kommunmodell:
    """I4 (kön, antal individer) in 2022 as a register gives it: totalt 11 and kvinnor 8,
    män left out; in 2021 totalt 13 and män 9, kvinnor left out."""
    rows = [r for r in TABLES["indikatorutfall"] if r["indikator"] != "I4"] + [
        {"indikator": "I4", "omrade": "9999", "ar": 2022, "kon": "T", "varde": 11},
        {"indikator": "I4", "omrade": "9999", "ar": 2022, "kon": "K", "varde": 8},
        {"indikator": "I4", "omrade": "9999", "ar": 2021, "kon": "T", "varde": 13},
        {"indikator": "I4", "omrade": "9999", "ar": 2021, "kon": "M", "varde": 9},
    ]
    return load(tmp_path, indikatorutfall=rows)


def test_a_withheld_kon_of_an_indicator_hides_the_other_everywhere(tmp_path: Path) -> None:
    model = _withheld_indicator(tmp_path)
    b = NamndRapport(model, "2022-08", "b")
    i4 = next(o for o in b.maluppfyllelse_data.indikatorer if o.indikator.id == "I4")
    assert i4.serie("kommun").varden == {2021: 13.0, 2022: 11.0}  # type: ignore[union-attr]
    assert i4.serie("kvinnor").varden == {}  # type: ignore[union-attr]
    assert i4.serie("man").varden == {}  # type: ignore[union-attr]
    assert i4.undertryckta_ar == {2021, 2022}
    table = b.indikatorer()
    row = next(r for r in table.rader if r[0].startswith("Deltagare"))
    assert row[1] == "11 (2022)" and row[4] == "<5"
    assert any("Ett kön som källan inte redovisar" in n for n in table.noter)
    alt = figures.indikator_alt(i4, 2022)
    assert "kvinnor" not in alt and "visas inte" in alt
    series = opendata.tables(model, "2022-08", "b")["indikatorer"].frame
    i4_rows = series[series["indikator_id"] == "I4"]
    assert set(i4_rows["serie"]) == {"kommun"}
    assert 8 not in set(i4_rows["varde"]) and 9 not in set(i4_rows["varde"])
