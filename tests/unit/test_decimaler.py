"""Decimals per unit in the report's own tables (issue 22, point 7): ``decimaler`` in
kommun.yml sets them for the mnkr tables (resultat- och balansräkning and the rest) and the tkr
tables (drift, investeringar, ekonomisk sammanfattning); a deviation is computed from the
unrounded values, so 0,015 mnkr is shown as +0,015 and not as 0,0."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from content_project import KOMMUN, TABLES, load, write_project

from kommunrapport.content.rapport import KommunRapport, NamndRapport
from kommunrapport.data.loader import check

NB = "\u00a0"


def _kommun(decimaler: dict[str, int] | None) -> dict[str, Any]:
    kommun = copy.deepcopy(KOMMUN)
    if decimaler is not None:
        kommun["kommun"]["decimaler"] = decimaler
    return kommun


def _rr_with_a_small_deviation() -> list[dict[str, Any]]:
    rows = copy.deepcopy(TABLES["resultatrakning"])
    for r in rows:
        if r["post"] == "verksamhetens_intakter":
            r["prognos"] = r["budget"] + 0.015
    return rows


def _rr_row(rapport: KommunRapport, label: str) -> tuple[str, ...]:
    return next(r for r in rapport.resultatrakning().rader if r[0] == label)


def test_mnkr_tables_have_one_decimal_by_default_and_a_small_deviation_rounds_away(
    tmp_path: Path,
) -> None:
    model = load(tmp_path, resultatrakning=_rr_with_a_small_deviation())
    row = _rr_row(KommunRapport(model, "2022-08"), "Verksamhetens intäkter")
    assert row == ("Verksamhetens intäkter", "400,0", "600,0", "600,0", "0,0")


def test_three_decimals_in_mnkr_show_the_deviation_computed_from_unrounded_values(
    tmp_path: Path,
) -> None:
    model = load(
        tmp_path, kommun=_kommun({"mnkr": 3}), resultatrakning=_rr_with_a_small_deviation()
    )
    rapport = KommunRapport(model, "2022-08")
    row = _rr_row(rapport, "Verksamhetens intäkter")
    assert row == ("Verksamhetens intäkter", "400,000", "600,015", "600,000", "+0,015")
    br = {r[0]: r[1:] for r in rapport.balansrakning().rader}
    assert br["Summa tillgångar"] == ("1" + NB + "000,000", "1" + NB + "000,000")
    # the tkr tables keep their whole numbers
    drift = NamndRapport.from_params(model, "2022-08", "a").drift()
    assert all("," not in cell for row in drift.rader for cell in row[1:4])


def test_tkr_decimals_reach_the_drift_table(tmp_path: Path) -> None:
    rows = copy.deepcopy(TABLES["driftredovisning"])
    rows[0]["utfall"] = float(rows[0]["utfall"]) + 0.4
    model = load(tmp_path, kommun=_kommun({"tkr": 1}), driftredovisning=rows)
    drift = NamndRapport.from_params(model, "2022-08", rows[0]["namnd"]).drift()
    row = next(r for r in drift.rader if r[0] == rows[0]["verksamhet"])
    expected = f"{float(rows[0]['utfall']):,.1f}".replace(",", NB).replace(".", ",")
    assert row[2] == expected


@pytest.mark.parametrize("value", [5, -1])
def test_decimals_out_of_range_are_a_problem_in_kommun_yml(tmp_path: Path, value: int) -> None:
    problems = check(write_project(tmp_path, kommun=_kommun({"mnkr": value})))
    assert any(p.file.endswith("kommun.yml") and "decimaler" in p.location() for p in problems), [
        (p.location(), p.message) for p in problems
    ]
