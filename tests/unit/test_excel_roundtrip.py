"""The Excel round trip (issue 24, item 4): ``excel-mall --med-data`` writes a text that
starts with ``=``, ``+``, ``-`` or ``@`` as text, never as a live formula; reading a
workbook, a formula cell is read as its saved value and said, or, without one, an error
naming sheet, row, column and cell; the open data keep such texts raw (documented)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from kommunrapport.batch.runner import write_open_data
from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.content.opendata.tabell import OpenTable
from kommunrapport.data.datasets import DATASETS
from kommunrapport.data.loader import check, collect_all, load_model
from kommunrapport.data.paths import ProjectPaths

runner = CliRunner()

TEXTS = {
    "A1": '=HYPERLINK("https://example.org","Klicka")',
    "A2": "+46 521 72 10 00",
}
COMMENTS = {"A1": "-- enligt plan", "A2": "@SUM(1+1)*cmd|' /C calc'!A0"}


def _with_texts(paths: ProjectPaths) -> None:
    table = paths.table_csv("aktiviteter")
    frame = pd.read_csv(table, dtype=str, keep_default_na=False)
    for key, value in TEXTS.items():
        frame.loc[frame["id"] == key, "beskrivning"] = value
    for key, value in COMMENTS.items():
        frame.loc[frame["id"] == key, "kommentar"] = value
    frame.to_csv(table, index=False)


def _only_workbook(paths: ProjectPaths) -> None:
    result = runner.invoke(app, ["excel-mall", "--rot", str(paths.root), "--med-data"])
    assert result.exit_code == ExitCode.OK, result.output
    for ds in DATASETS.values():
        for f in paths.table_candidates(ds.stem):
            f.unlink()


def test_texts_that_look_like_formulas_are_written_as_text(minimal_project: ProjectPaths) -> None:
    paths = minimal_project
    _with_texts(paths)
    before = load_model(paths).table("aktiviteter")
    assert set(TEXTS.values()) <= set(before["beskrivning"])
    assert set(COMMENTS.values()) <= set(before["kommentar"])
    _only_workbook(paths)
    with zipfile.ZipFile(paths.workbook_file) as archive:
        names = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any(re.search(rb"<f[\s>]", archive.read(n)) for n in names)
    sheet = load_workbook(paths.workbook_file)["aktiviteter"]
    starts = [c for row in sheet.iter_rows(min_row=2) for c in row if str(c.value)[:1] in "=+-@"]
    assert len(starts) == 4
    assert all(c.data_type == "s" and c.quotePrefix for c in starts)
    # read back: the same texts, the same table
    assert check(paths) == []
    after = load_model(paths).table("aktiviteter")
    pd.testing.assert_frame_equal(after, before)


def _patch_cached_value(book: Path, formula: str, value: str) -> None:
    """Give a formula the value Excel would have saved with it (openpyxl saves none)."""
    source = zipfile.ZipFile(book)
    items = [(info, source.read(info)) for info in source.infolist()]
    source.close()
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            if info.filename.startswith("xl/worksheets/"):
                data = data.replace(
                    f"<f>{formula}</f><v></v>".encode(), f"<f>{formula}</f><v>{value}</v>".encode()
                )
            target.writestr(info, data)


def _budget_formula(paths: ProjectPaths) -> object:
    """The project as a workbook only, with the formula =D2*2 in driftredovisning's D3
    (a budget cell); returns the value it replaced."""
    _only_workbook(paths)
    book = load_workbook(paths.workbook_file)
    replaced = book["driftredovisning"]["D3"].value
    book["driftredovisning"]["D3"] = "=D2*2"
    book.save(paths.workbook_file)
    return replaced


def test_a_formula_without_a_saved_value_is_an_error_naming_its_cell(
    minimal_project: ProjectPaths,
) -> None:
    paths = minimal_project
    _budget_formula(paths)
    problems = [str(p) for p in check(paths)]
    assert problems == [
        "data/kommunrapport.xlsx, blad 'driftredovisning', rad 3, kolumn 'budget': cell D3 har "
        "formeln '=D2*2' men inget sparat värde (filen har inte sparats i Excel); skriv in "
        "värdet, eller öppna och spara filen i Excel."
    ]
    result = runner.invoke(app, ["check", "--rot", str(paths.root)])
    assert result.exit_code == ExitCode.DATA_INVALID and "cell D3" in result.output
    assert "Traceback" not in result.output


def test_a_formula_with_a_saved_value_is_read_as_that_value_and_said(
    minimal_project: ProjectPaths,
) -> None:
    paths = minimal_project
    budget = _budget_formula(paths)
    assert isinstance(budget, float | int)
    _patch_cached_value(paths.workbook_file, "D2*2", str(budget))
    found = collect_all(paths)
    assert found.problems == []
    (warning,) = [w for w in found.warnings if "formel" in w]
    assert warning.startswith("data/kommunrapport.xlsx, blad 'driftredovisning': 1 cell(er)")
    shown = str(int(budget)) if float(budget).is_integer() else repr(float(budget))
    assert f"D3 (=D2*2 = {shown})" in warning
    assert found.model is not None
    drift = found.model.table("driftredovisning")
    assert float(budget) in set(drift["budget"])
    result = runner.invoke(app, ["check", "--rot", str(paths.root)])
    assert result.exit_code == ExitCode.OK, result.output
    assert "Varning: data/kommunrapport.xlsx, blad 'driftredovisning': 1 cell(er)" in result.output


def test_a_single_sheet_xlsx_table_is_read_the_same_way(minimal_project: ProjectPaths) -> None:
    paths = minimal_project
    table = paths.table_csv("driftredovisning")
    frame = pd.read_csv(table, dtype=str, keep_default_na=False)
    target = paths.data_dir / "driftredovisning.xlsx"
    frame.to_excel(target, index=False)
    table.unlink()
    book = load_workbook(target)
    book.active["D2"] = "=1+1"
    book.save(target)
    (problem,) = check(paths)
    assert (problem.file, problem.row, problem.column) == (
        "data/driftredovisning.xlsx",
        2,
        "budget",
    )
    assert "cell D2 har formeln '=1+1'" in problem.message


@pytest.mark.parametrize("value", [*TEXTS.values(), *COMMENTS.values(), "-12,5"])
def test_the_open_data_keep_a_formula_like_text_raw(tmp_path: Path, value: str) -> None:
    """The documented choice (data/README.md): open data are the values as they are, never
    prefixed; a reader opens them as text (Excel: Data > Från text/CSV)."""
    frame = pd.DataFrame({"beskrivning": [value]})
    write_open_data(tmp_path / "ut", {"t": OpenTable(frame, "T", {"beskrivning": "B"})})
    text = (tmp_path / "ut" / "t.csv").read_text(encoding="utf-8")
    assert list(csv.reader(io.StringIO(text))) == [["beskrivning"], [value]]
    assert "'" + value not in text
