"""The ekonomisystem's own avvikelse per row (issue 22, point 8): an optional ``avvikelse``
column in driftredovisning and investeringar is shown as given; ``check`` recomputes it from
budget and utfall (prognos) and accepts a difference that the source's rounding explains,
refusing a larger one with both figures named."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from content_project import KOMMUN, TABLES, load, write_project

from kommunrapport.content import opendata
from kommunrapport.content.rapport import NamndRapport
from kommunrapport.data.loader import check

NB = "\u00a0"


def _drift(**avvikelse: float) -> list[dict[str, Any]]:
    """The default rows, with ``avvikelse`` on the 2022-12 rows of the named verksamheter."""
    rows = copy.deepcopy(TABLES["driftredovisning"])
    for r in rows:
        r["avvikelse"] = avvikelse.get(r["verksamhet"]) if r["period"] == "2022-12" else None
    return rows


def test_a_given_avvikelse_within_rounding_is_shown_as_given_and_summed(tmp_path: Path) -> None:
    # X: 1000 − 1080 = −80 computed; the ekonomisystem, from unrounded figures, says −81
    # Y: 500 − 460 = 40 computed; 41 given
    model = load(tmp_path, driftredovisning=_drift(X=-81, Y=41))
    assert check(model.paths) == []
    t = NamndRapport.from_params(model, "2022-12", "a").drift()
    cells = {r[0]: r[3] for r in t.rader}
    assert cells == {"X": f"{chr(0x2212)}81", "Y": "+41"}
    assert t.summa[0][3] == f"{chr(0x2212)}40"  # −81 + 41, not 1500 − 1540 computed again
    assert any("ekonomisystemet anger per rad" in n for n in t.noter)
    frame = opendata.tables(model, "2022-12", "a")["driftredovisning"].frame
    assert frame.set_index("verksamhet").loc["X", "avvikelse_tkr"] == -81
    # the delår rows give none: they stay computed, without the note
    delar = NamndRapport.from_params(model, "2022-08", "a").drift()
    assert {r[0]: r[4] for r in delar.rader} == {"X": f"{chr(0x2212)}100", "Y": "+50"}
    assert not any("ekonomisystemet" in n for n in delar.noter)


def test_a_row_without_a_given_avvikelse_is_computed_beside_one_with(tmp_path: Path) -> None:
    model = load(tmp_path, driftredovisning=_drift(X=-81))
    t = NamndRapport.from_params(model, "2022-12", "a").drift()
    assert {r[0]: r[3] for r in t.rader} == {"X": f"{chr(0x2212)}81", "Y": "+40"}
    assert t.summa[0][3] == f"{chr(0x2212)}41"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            -90,
            "avvikelsen -90 tkr skiljer sig från den beräknade -80 tkr (budget − utfall) med "
            "10 tkr, mer än avrundningen förklarar (högst 1,5 tkr).",
        ),
        (80, "Avvikelsen har omvänt tecken"),
    ],
)
def test_a_larger_difference_is_refused_naming_both(
    tmp_path: Path, given: float, expected: str
) -> None:
    problems = check(write_project(tmp_path, driftredovisning=_drift(X=given)))
    rows = [p for p in problems if p.column == "avvikelse"]
    assert len(rows) == 1, problems
    assert rows[0].file.endswith("driftredovisning.csv")
    assert rows[0].row == 3  # header, X 2022-08, X 2022-12
    assert expected in rows[0].message


def test_investments_in_mnkr_are_checked_at_the_precision_they_are_written(
    tmp_path: Path,
) -> None:
    p1 = {
        "projekt": "P1",
        "namnd": "a",
        "period": "2022-12",
        "budget": 1.000,
        "utfall": 0.986,
        "avvikelse": 0.015,
        "enhet": "mnkr",
    }
    rows = [p1, {**p1, "projekt": "P2", "avvikelse": None}]
    kommun = copy.deepcopy(KOMMUN)
    kommun["kommun"]["decimaler"] = {"mnkr": 3}
    model = load(tmp_path, investeringar=rows, kommun=kommun)
    # 0,015 given, 0,014 computed: within 1,5 units of the third decimal
    assert [p for p in check(model.paths) if p.column == "avvikelse"] == []
    inv = NamndRapport.from_params(model, "2022-12", "a").investeringar()
    assert [r[3] for r in inv.rader] == ["+0,015", "+0,014"]
    assert inv.summa[0][3] == "+0,029"
    rows[0]["avvikelse"] = 0.025  # 25 tkr given, 14 tkr computed: more than rounding
    problems = check(write_project(tmp_path / "b", investeringar=rows))
    refused = [p for p in problems if p.column == "avvikelse"]
    assert len(refused) == 1 and "0,025 mnkr" in refused[0].message, problems
    assert "0,014 mnkr" in refused[0].message
