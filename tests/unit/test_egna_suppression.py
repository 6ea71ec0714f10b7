"""Counts of people in a nämnd's own table (issue 29, item 2): a column marked
``antal_individer`` hides counts below ``minsta_antal``, and its sum row when a cell is
hidden (17 − 14 would give the two hidden cells back), in the report and the open data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kommunrapport.content import opendata
from kommunrapport.content.rapport import NamndRapport
from kommunrapport.data.loader import check, load_model
from kommunrapport.data.paths import ProjectPaths

FIXTURE = Path(__file__).parents[1] / "fixtures" / "kommun2"
PERIOD = "2025-12"
SPEC = """\
titel: Placerade barn och unga per boendeform
kolumner:
  - {namn: boendeform, rubrik: Boendeform}
  - {namn: barn, rubrik: Placerade barn, typ: heltal, antal_individer: true}
  - {namn: dygn, rubrik: Vårddygn, typ: heltal}
summarad: Summa
kalla: Nämndens verksamhetssystem
"""
ROWS = "boendeform,barn,dygn\nFamiljehem,14,4210\nHVB,2,611\nStödboende,1,287\n"


def _project(tmp_path: Path, spec: str = SPEC, rows: str = ROWS) -> ProjectPaths:
    shutil.copytree(FIXTURE, tmp_path / "kommun2")
    paths = ProjectPaths(tmp_path / "kommun2")
    folder = paths.egna_dir / "kfn"
    (folder / "placeringar.yml").write_text(spec, encoding="utf-8")
    (folder / "placeringar.csv").write_text(rows, encoding="utf-8")
    return paths


def test_small_counts_and_their_sum_are_hidden(tmp_path: Path) -> None:
    model = load_model(_project(tmp_path))
    t = NamndRapport.from_params(model, PERIOD, "kfn").egen_tabell("placeringar")
    assert t.rader == (
        ("Familjehem", "14", "4\u00a0210"),
        ("HVB", "<5", "611"),
        ("Stödboende", "<5", "287"),
    )
    # the count's sum would give 2 + 1 back; the other column is no count of people
    assert t.summa == (("Summa", "x", "5\u00a0108"),)
    assert any(n.startswith("Antal under 5 personer redovisas inte") for n in t.noter)
    assert any(n.startswith("x: summan redovisas inte") for n in t.noter)
    frame = opendata.tables(model, PERIOD, "kfn")["egen_placeringar"].frame
    assert frame["barn"].tolist()[0] == 14
    assert frame["barn"].iloc[1:].isna().all()
    # the sum row is a row of its own (radtyp summa): its hidden count is empty too
    assert frame["dygn"].tolist() == [4210, 611, 287, 5108]
    assert frame["radtyp"].tolist() == ["rad", "rad", "rad", "summa"]


def test_no_hidden_cell_keeps_the_sum_and_no_note(tmp_path: Path) -> None:
    rows = "boendeform,barn,dygn\nFamiljehem,14,4210\nHVB,6,611\nStödboende,0,0\n"
    model = load_model(_project(tmp_path, rows=rows))
    t = NamndRapport.from_params(model, PERIOD, "kfn").egen_tabell("placeringar")
    assert [r[1] for r in t.rader] == ["14", "6", "0"]  # zero reveals no one
    assert t.summa == (("Summa", "20", "4\u00a0821"),)
    assert not any("redovisas inte" in n for n in t.noter)


def test_without_the_mark_counts_are_shown_as_entered(tmp_path: Path) -> None:
    spec = SPEC.replace(", antal_individer: true", "")
    model = load_model(_project(tmp_path, spec=spec))
    t = NamndRapport.from_params(model, PERIOD, "kfn").egen_tabell("placeringar")
    assert [r[1] for r in t.rader] == ["14", "2", "1"] and t.summa[0][1] == "17"


def test_the_threshold_is_the_kommuns(tmp_path: Path) -> None:
    paths = _project(tmp_path)
    kommun = paths.yaml_file("kommun")
    text = kommun.read_text(encoding="utf-8")
    kommun.write_text(text.replace("kommun:\n", "kommun:\n  minsta_antal: 2\n", 1), "utf-8")
    model = load_model(paths)
    assert model.kommun.minsta_antal == 2
    t = NamndRapport.from_params(model, PERIOD, "kfn").egen_tabell("placeringar")
    assert [r[1] for r in t.rader] == ["14", "2", "<2"] and t.summa[0][1] == "x"


@pytest.mark.parametrize("typ", ["text", "procent", "år"])
def test_the_mark_belongs_on_a_count_column(tmp_path: Path, typ: str) -> None:
    spec = SPEC.replace("typ: heltal, antal_individer", f"typ: {typ}, antal_individer")
    problems = check(_project(tmp_path, spec=spec))
    assert any(
        p.file == "data/egna/kfn/placeringar.yml" and "antal_individer gäller bara" in p.message
        for p in problems
    ), problems
