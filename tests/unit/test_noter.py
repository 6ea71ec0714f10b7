"""Noter in the årsredovisning: the table per note and for all notes, the reconciliation with
the resultat- and balansräkning, the other kinds of period, open data and the templates."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from content_project import TABLES, load

from kommunrapport.content import formatting as fmt
from kommunrapport.content import noter as nt
from kommunrapport.content import opendata
from kommunrapport.content.labels import KOMMUN_LABELS
from kommunrapport.content.rapport import KOMMUN_OUTPUTS, KommunRapport
from kommunrapport.data.model import Kommunmodell
from kommunrapport.site.scaffold import load_template, render_narrative

NB, MINUS = fmt.NBSP, fmt.MINUS
NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "kommun.ipynb"

RR_2022 = {"skatteintakter": 2600.0, "verksamhetens_kostnader": -3000.0}
RR_2021 = {"skatteintakter": 2500.0, "verksamhetens_kostnader": -2900.0}
BR_2022 = {"materiella_anlaggningstillgangar": 950.0}
BR_2021 = 880.0  # materiella_anlaggningstillgangar 2021-12 in content_project.TABLES


def _rr(period: str, values: dict[str, float]) -> list[dict[str, Any]]:
    return [
        {"period": period, "post": k, "utfall": v, "budget": v, "prognos": v}
        for k, v in values.items()
    ]


def _line(
    number: int, rubrik: str, post: str, now: float, before: Any, avser: str
) -> dict[str, Any]:
    return {
        "period": "2022-12",
        "not": number,
        "rubrik": rubrik,
        "post": post,
        "belopp": now,
        "foregaende_ar": before,
        "avser": avser,
    }


SKATT = [
    _line(1, "Skatteintäkter", "Preliminär kommunalskatt", 2550.5, 2480.0, "skatteintakter"),
    _line(1, "Skatteintäkter", "Slutavräkning", 49.5, 20.0, "skatteintakter"),
]
ANLAGGNINGAR = [
    _line(2, "Materiella anläggningstillgångar", "Byggnader", 1200.0, 1000.0, ""),
    _line(2, "Materiella anläggningstillgångar", "Nedskrivning", -250.0, -120.0, ""),
]
ANLAGGNINGAR[0]["avser"] = "materiella_anlaggningstillgangar"


def _tables(**changes: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    tables: dict[str, list[dict[str, Any]]] = {
        "resultatrakning": [
            *copy.deepcopy(TABLES["resultatrakning"]),
            *_rr("2022-12", RR_2022),
            *_rr("2021-12", RR_2021),
        ],
        "balansrakning": [
            *copy.deepcopy(TABLES["balansrakning"]),
            *({"period": "2022-12", "post": k, "belopp": v} for k, v in BR_2022.items()),
        ],
        "noter": [*SKATT, *ANLAGGNINGAR],
    }
    tables.update(changes)
    return tables


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Kommunmodell:
    return load(tmp_path_factory.mktemp("noter"), **_tables())


def test_notes_are_one_table_with_a_heading_and_a_sum_per_note(model: Kommunmodell) -> None:
    table = KommunRapport(model, "2022-12").noter()
    assert table.headings == ["Not och post", "2022 (mnkr)", "2021 (mnkr)"]
    skatt_now = sum(r["belopp"] for r in SKATT)
    skatt_before = sum(r["foregaende_ar"] for r in SKATT)
    anl_now = sum(r["belopp"] for r in ANLAGGNINGAR)
    anl_before = sum(r["foregaende_ar"] for r in ANLAGGNINGAR)
    assert table.rader == (
        ("Not 1 Skatteintäkter", "", ""),
        ("Preliminär kommunalskatt", f"2{NB}550,5", f"2{NB}480,0"),
        ("Slutavräkning", "49,5", "20,0"),
        ("Summa not 1", fmt.number(skatt_now, 1), fmt.number(skatt_before, 1)),
        ("Not 2 Materiella anläggningstillgångar", "", ""),
        ("Byggnader", f"1{NB}200,0", f"1{NB}000,0"),
        ("Nedskrivning", f"{MINUS}250,0", f"{MINUS}120,0"),
        ("Summa not 2", fmt.number(anl_now, 1), fmt.number(anl_before, 1)),
    )
    assert table.markerade == frozenset({0, 3, 4, 7})
    assert table.rader[3][1] == f"2{NB}600,0" and table.rader[7][2] == "880,0"
    markdown = table.to_markdown()
    assert f"| **Summa not 1** | **2{NB}600,0** | **2{NB}500,0** |" in markdown
    assert "mnkr" in table.noter[0]


def test_sums_that_agree_with_the_statements_say_so(model: Kommunmodell) -> None:
    noter = KommunRapport(model, "2022-12").noter_data
    assert [n.avvikelser(2022) for n in noter.noter] == [[], []]
    assert (
        noter.noter[1].avser is not None
        and noter.noter[1].avser.belopp == BR_2022["materiella_anlaggningstillgangar"]
    )
    text = " ".join(nt.noter_tabell(noter).noter)
    assert "not 1 med resultaträkningen, not 2 med balansräkningen" in text
    assert "Obs" not in text


def test_a_sum_that_differs_from_the_statement_is_stated(tmp_path: Path) -> None:
    wrong = copy.deepcopy(SKATT)
    wrong[1]["belopp"] = 40.0
    wrong[1]["foregaende_ar"] = 25.0
    table = KommunRapport(load(tmp_path, **_tables(noter=wrong)), "2022-12").noter()
    obs = [n for n in table.noter if n.startswith("Obs")]
    assert len(obs) == 2
    assert f"not 1 för 2022 (2{NB}590,5{NB}mnkr)" in obs[0]
    assert f"resultaträkningens post Skatteintäkter (2{NB}600,0{NB}mnkr)" in obs[0]
    assert f"not 1 för 2021 (2{NB}505,0{NB}mnkr)" in obs[1]
    assert not any("Summorna stämmer" in n for n in table.noter)


def test_costs_written_as_positive_numbers_in_a_note_still_agree(tmp_path: Path) -> None:
    costs = [
        _line(1, "Verksamhetens kostnader", "Personal", 2000.0, 1900.0, "verksamhetens_kostnader"),
        _line(1, "Verksamhetens kostnader", "Övrigt", 1000.0, 1000.0, "verksamhetens_kostnader"),
    ]
    noter = KommunRapport(load(tmp_path, **_tables(noter=costs)), "2022-12").noter_data
    (note,) = noter.noter
    assert note.avser is not None and note.avser.belopp == RR_2022["verksamhetens_kostnader"]
    assert note.avvikelser(2022) == []


def test_notes_without_last_year_have_no_such_column(tmp_path: Path) -> None:
    rows = [{**r, "foregaende_ar": ""} for r in SKATT]
    table = KommunRapport(load(tmp_path, **_tables(noter=rows)), "2022-12").noter()
    assert table.headings == ["Not och post", "2022 (mnkr)"]
    assert table.rader[-1] == ("Summa not 1", f"2{NB}600,0")


def test_a_note_is_also_a_table_of_its_own(model: Kommunmodell) -> None:
    noter = KommunRapport(model, "2022-12").noter_data
    first, second = nt.not_tabeller(noter)
    assert first.headings == ["Not 1 Skatteintäkter", "2022 (mnkr)", "2021 (mnkr)"]
    assert [r[0] for r in first.rader] == [r["post"] for r in SKATT]
    assert first.summa == (("Summa", f"2{NB}600,0", f"2{NB}500,0"),)
    assert first.noter == ("Summan stämmer med resultaträkningens post Skatteintäkter.",)
    assert second.noter == (
        "Summan stämmer med balansräkningens post Materiella anläggningstillgångar.",
    )


def test_outside_the_arsredovisning_a_sentence_says_where_the_notes_are(
    model: Kommunmodell,
) -> None:
    rapport = KommunRapport(model, "2022-08")
    assert rapport.noter_data.noter == ()
    table = rapport.noter()
    assert table.is_empty() and table.noter == ()
    assert table.to_markdown() == "Noterna redovisas i årsredovisningen.\n"
    assert "noter" not in opendata.tables(model, "2022-08", None)  # an empty table is not published


def test_an_arsredovisning_without_notes_says_they_are_missing(tmp_path: Path) -> None:
    table = KommunRapport(load(tmp_path, **_tables(noter=[])), "2022-12").noter()
    assert table.is_empty()
    assert "saknas" in table.to_markdown() and "data/noter" in table.to_markdown()


def test_open_data_has_every_line_with_raw_numbers(model: Kommunmodell) -> None:
    frame = opendata.tables(model, "2022-12", None)["noter"].frame
    assert frame["not"].tolist() == [1, 1, 2, 2]
    assert frame["belopp_mnkr"].tolist() == [r["belopp"] for r in [*SKATT, *ANLAGGNINGAR]]
    assert frame["avser"].tolist() == [
        "skatteintakter",
        "skatteintakter",
        "materiella_anlaggningstillgangar",
        "materiella_anlaggningstillgangar",
    ]


def test_the_label_is_in_the_contract_and_the_template_notebook() -> None:
    assert KOMMUN_LABELS["tbl-noter"] == "Noter"
    assert KOMMUN_OUTPUTS["tbl-noter"] == "noter"
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    assert cells[-1]["id"] == "tbl-noter"
    assert "".join(cells[-1]["source"]).splitlines() == [
        "#| label: tbl-noter",
        '#| tbl-cap: "Noter"',
        "rapport.noter()",
    ]


def test_the_kommun_template_ends_with_the_notes_in_the_arsredovisning_only(
    model: Kommunmodell,
) -> None:
    template = load_template("kommun")
    last = template.sections("årsredovisning")[-1]
    assert last.heading("årsredovisning") == "Noter"
    assert last.embeds("årsredovisning") == ["tbl-noter"]
    for kind in ("tertialrapport", "delårsrapport"):
        assert all("tbl-noter" not in s.embeds(kind) for s in template.sections(kind))
    text = render_narrative(model, "2022-12", "kommun")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    other = f"## {template.ovrigt.rubrik}"  # labels no section places come after all sections
    assert [h for h in headings if h != other][-1] == "## Noter"
    notes = text[text.index("\n## Noter\n") :]
    notes = notes[: notes.find(f"\n{other}\n")] if other in notes else notes
    assert "{{< embed _executed/kommun.ipynb#tbl-noter >}}" in notes
    assert "tbl-noter" not in render_narrative(model, "2022-08", "kommun")
