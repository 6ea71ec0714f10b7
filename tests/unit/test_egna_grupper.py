"""A nämnd's own table with groups and subtotals, and its decimals (issue 22, points 6 and 7):
one table with a heading and a subtotal per group and a grand total, in Markdown for html,
docx and typst and in the open data; decimals per column, per table and per unit, and every
sum from the unrounded values."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from kommunrapport.content import opendata
from kommunrapport.content.egna import subtotal_label
from kommunrapport.content.rapport import NamndRapport
from kommunrapport.data.loader import check, load_model
from kommunrapport.data.model import Kommunmodell
from kommunrapport.data.paths import ProjectPaths

FIXTURE = Path(__file__).parents[1] / "fixtures" / "kommun2"
PERIOD = "2025-12"
NB = "\u00a0"
SPEC = """\
titel: Bidrag och avgifter
enhet: mnkr
decimaler: 3
grupp: slag
kolumner:
  - {namn: slag, rubrik: Slag}
  - {namn: post, rubrik: Post}
  - {namn: belopp, rubrik: Belopp, typ: tal}
  - {namn: antal, rubrik: Antal, typ: heltal}
summarad: Summa
"""
ROWS = """\
slag,post,belopp,antal
Bidrag,Idrott,1.2504,10
Bidrag,Kultur,0.0004,3
Avgifter,Idrott,0.0004,7
Bidrag,Ungdom,0.0004,2
LSS,Ledsagning,2,1
"""


def _project(tmp_path: Path, spec: str = SPEC, rows: str = ROWS, kommun: str = "") -> ProjectPaths:
    shutil.copytree(FIXTURE, tmp_path / "kommun2")
    paths = ProjectPaths(tmp_path / "kommun2")
    folder = paths.egna_dir / "kfn"
    (folder / "tabell.yml").write_text(spec, encoding="utf-8")
    (folder / "tabell.csv").write_text(rows, encoding="utf-8")
    if kommun:
        yml = paths.data_dir / "kommun.yml"
        text = yml.read_text(encoding="utf-8")
        assert "  minsta_antal:" not in text
        yml.write_text(text.replace("kommun:\n", f"kommun:\n{kommun}", 1), encoding="utf-8")
    return paths


def _table(model: Kommunmodell, name: str = "tabell") -> object:
    return NamndRapport.from_params(model, PERIOD, "kfn").egen_tabell(name)


def test_groups_have_a_heading_and_a_subtotal_and_sums_are_of_unrounded_values(
    tmp_path: Path,
) -> None:
    model = load_model(_project(tmp_path))
    t = NamndRapport.from_params(model, PERIOD, "kfn").egen_tabell("tabell")
    # the group column is the heading row, not a column
    assert t.headings == ["Post", "Belopp (mnkr)", "Antal"]
    assert t.rader == (
        ("Bidrag", "", ""),
        ("Idrott", "1,250", "10"),
        ("Kultur", "0,000", "3"),
        ("Ungdom", "0,000", "2"),  # a group's rows are gathered where it first appears
        ("Summa bidrag", "1,251", "15"),  # 1,2512, not 1,250 + 0 + 0
        ("Avgifter", "", ""),
        ("Idrott", "0,000", "7"),
        ("Summa avgifter", "0,000", "7"),
        ("LSS", "", ""),
        ("Ledsagning", "2,000", "1"),
        ("Summa LSS", "2,000", "1"),  # an abbreviation keeps its capitals
    )
    assert t.markerade == frozenset({0, 4, 5, 7, 8, 10})
    assert t.summa == (("Summa", "3,252", "23"),)  # 3,2516, not 1,251 + 0,000 + 2,000
    frame = opendata.tables(model, PERIOD, "kfn")["egen_tabell"].frame
    assert frame["radtyp"].tolist() == ["rad"] * 3 + ["delsumma", "rad", "delsumma"] + [
        "rad",
        "delsumma",
        "summa",
    ]
    assert frame["slag"].tolist()[:4] == ["Bidrag"] * 4
    assert frame["post"].tolist()[3] == "Summa bidrag"
    assert frame["belopp"].tolist()[3] == pytest.approx(1.2512)  # unrounded, as the source
    assert frame["antal"].tolist()[-1] == 23
    assert str(frame["antal"].dtype) == "Int64"


def test_a_subtotal_over_a_hidden_count_is_hidden_and_the_others_are_shown(
    tmp_path: Path,
) -> None:
    spec = SPEC.replace("typ: heltal}", "typ: heltal, antal_individer: true}")
    model = load_model(_project(tmp_path, spec=spec))
    t = NamndRapport.from_params(model, PERIOD, "kfn").egen_tabell("tabell")
    by_label = {r[0]: r for r in t.rader}
    assert by_label["Kultur"][2] == "<5"
    assert by_label["Summa bidrag"][2] == "x"  # 15 − 10 would give 3 + 2 back
    assert by_label["Summa avgifter"][2] == "7"
    assert by_label["Summa LSS"][2] == "x"
    assert t.summa == (("Summa", "3,252", "x"),)
    frame = opendata.tables(model, PERIOD, "kfn")["egen_tabell"].frame
    sums = frame[frame["radtyp"] != "rad"].set_index("post")["antal"]
    assert sums.isna().tolist() == [True, False, True, True]


@pytest.mark.parametrize(
    ("spec_change", "kommun", "shown"),
    [
        (("decimaler: 3\n", ""), "", "1,3"),  # mnkr's default: one decimal
        (("decimaler: 3\n", ""), "  decimaler: {mnkr: 2}\n", "1,25"),  # the kommun's, per unit
        (("", ""), "  decimaler: {mnkr: 2}\n", "1,250"),  # the table's before the kommun's
        (("typ: tal}", "typ: tal, decimaler: 0}"), "", "1"),  # the column's before the table's
    ],
)
def test_decimals_per_column_table_and_unit(
    tmp_path: Path, spec_change: tuple[str, str], kommun: str, shown: str
) -> None:
    spec = SPEC.replace(*spec_change) if spec_change[0] else SPEC
    model = load_model(_project(tmp_path, spec=spec, kommun=kommun))
    t = NamndRapport.from_params(model, PERIOD, "kfn").egen_tabell("tabell")
    assert t.rader[1] == ("Idrott", shown, "10")


def test_a_tkr_table_has_no_decimals_by_default(tmp_path: Path) -> None:
    model = load_model(
        _project(tmp_path, spec=SPEC.replace("mnkr", "tkr").replace("decimaler: 3\n", ""))
    )
    t = NamndRapport.from_params(model, PERIOD, "kfn").egen_tabell("tabell")
    assert t.rader[1] == ("Idrott", "1", "10")


def test_the_same_post_in_two_groups_is_no_duplicate_but_twice_in_one_is(tmp_path: Path) -> None:
    paths = _project(tmp_path, rows=ROWS + "Bidrag,Kultur,1,1\n")
    problems = check(paths)
    assert any(
        p.file.endswith("tabell.csv") and p.row == 7 and "Kultur" in p.message for p in problems
    ), problems
    assert not any("Idrott" in p.message for p in problems)


@pytest.mark.parametrize(
    ("grupp", "expected"),
    [
        ("finnsinte", "grupp 'finnsinte' är ingen av kolumnerna (slag, post, belopp, antal)"),
        ("belopp", "grupp 'belopp' måste vara en kolumn av typen text"),
    ],
)
def test_a_wrong_group_is_a_problem_in_the_description(
    tmp_path: Path, grupp: str, expected: str
) -> None:
    problems = check(_project(tmp_path, spec=SPEC.replace("grupp: slag", f"grupp: {grupp}")))
    assert any(p.file.endswith("tabell.yml") and expected in p.message for p in problems), problems


def test_subtotal_label() -> None:
    assert subtotal_label("Summa {grupp}", "Skatteintäkter") == "Summa skatteintäkter"
    assert subtotal_label("Summa {grupp}", "IFO") == "Summa IFO"
    assert subtotal_label("Delsumma", "Bidrag") == "Delsumma"


def _markdown(tmp_path: Path) -> str:
    model = load_model(_project(tmp_path))
    t = NamndRapport.from_params(model, PERIOD, "kfn").egen_tabell("tabell")
    return t.to_markdown()


def _pandoc(text: str, to: str, out: Path | None = None) -> str:
    import pypandoc

    args = [pypandoc.get_pandoc_path(), "-f", "markdown", "-t", to, "--wrap=none"]
    if out is not None:
        args += ["-o", str(out)]
    return subprocess.run(args, input=text, capture_output=True, text=True, check=True).stdout


def test_one_table_in_html_docx_and_typst_with_bold_subtotals(tmp_path: Path) -> None:
    text = _markdown(tmp_path)
    html = _pandoc(text, "html")
    assert html.count("<table") == 1
    assert "<strong>Summa bidrag</strong>" in html and "<strong>1,251</strong>" in html
    assert "<strong>Summa</strong>" in html and "<strong>3,252</strong>" in html
    docx = tmp_path / "t.docx"
    _pandoc(text, "docx", docx)
    xml = zipfile.ZipFile(docx).read("word/document.xml").decode("utf-8")
    assert xml.count("<w:tbl>") == 1
    subtotal = xml.split("Summa bidrag", 1)[0].rsplit("<w:r>", 1)[1]
    assert "<w:b" in subtotal  # the subtotal's label is bold
    typst = _pandoc(text, "typst")
    assert typst.count("table(") == 1
    assert "strong[Summa bidrag]" in typst.replace("#", "")
