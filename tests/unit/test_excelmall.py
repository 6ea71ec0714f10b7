"""`kommunrapport excel-mall` and a project whose tables live in data/kommunrapport.xlsx."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.data.datasets import DATASETS
from kommunrapport.data.excelmall import INSTRUCTIONS, LISTS, build_workbook
from kommunrapport.data.loader import check, load_model
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.data.tableio import parse_number, read_table_text
from kommunrapport.data.tablespec import Kind

runner = CliRunner()


def _validations(sheet: object) -> dict[str, str]:
    """Column letter of each drop-down → the list it draws from."""
    out = {}
    for dv in sheet.data_validations.dataValidation:  # type: ignore[attr-defined]
        out[str(dv.sqref).split(":")[0].rstrip("0123456789")] = dv.formula1
    return out


def test_the_template_has_a_sheet_per_table_with_lists_formats_and_instructions(
    tmp_path: Path,
) -> None:
    target = tmp_path / "mall.xlsx"
    target.write_bytes(build_workbook(["kfn", "ks"], ["2026-04", "2026-08"]))
    book = load_workbook(target)
    assert book.sheetnames[0] == INSTRUCTIONS
    assert book.sheetnames[-1] == LISTS and book[LISTS].sheet_state == "hidden"
    assert set(book.sheetnames[1:-1]) == {d.stem for d in DATASETS.values()}
    instructions = " ".join(str(c.value) for row in book[INSTRUCTIONS].iter_rows() for c in row)
    assert "Perioder skrivs ÅÅÅÅ-MM" in instructions and "kfn, ks" in instructions
    lists = book[LISTS]

    def values(formula: str) -> list[str]:
        column = formula.split("$")[1]
        return [c.value for c in lists[column] if c.value is not None]

    for ds in DATASETS.values():
        sheet = book[ds.stem]
        assert [c.value for c in sheet[1]] == [c.name for c in ds.columns]
        assert all(c.comment is not None for c in sheet[1])
    drift = book["driftredovisning"]
    checks = _validations(drift)
    assert values(checks["A"]) == ["kfn", "ks"]  # namnd
    assert values(checks["C"]) == ["2026-04", "2026-08"]  # period
    formats = drift.column_dimensions
    assert formats["C"].number_format == "@"  # a period stays text, never a date
    assert formats["D"].number_format == "#,##0"  # tkr with a thousands separator
    activity_checks = _validations(book["aktiviteter"])
    assert values(activity_checks["H"]) == ["ej påbörjad", "pågår", "klar", "försenad", "avbruten"]
    assert values(_validations(book["indikatorutfall"])["D"]) == ["T", "K", "M"]
    assert book["resultatrakning"].column_dimensions["C"].number_format == "#,##0.0"  # mnkr


def _fill(book_path: Path, paths: ProjectPaths) -> None:
    """Fill the template as a controller would, from the project's CSV files: numbers as
    numbers, dates as dates, everything else as text."""
    book = load_workbook(book_path)
    for ds in DATASETS.values():
        files = paths.table_candidates(ds.stem)
        if not files:
            continue
        text = read_table_text(files[0], ds.stem)
        sheet = book[ds.stem]
        for _, rec in text.iterrows():
            row: list[object] = []
            for col in ds.columns:
                cell = str(rec[col.name]) if col.name in rec.index else ""
                if cell == "":
                    row.append(None)
                elif col.kind in (Kind.NUMBER, Kind.INT, Kind.YEAR):
                    row.append(parse_number(cell))
                elif col.kind is Kind.DATE:
                    row.append(date.fromisoformat(cell))
                else:
                    row.append(cell)
            sheet.append(row)
        files[0].unlink()
    book.save(book_path)


def test_the_workbook_round_trips_the_example(
    example_project: Callable[[], ProjectPaths], tmp_path: Path
) -> None:
    """Write the template, fill it from the example's CSVs, remove them: check gives the
    same model as from the CSV files."""
    paths = example_project()
    from_csv = load_model(paths)
    result = runner.invoke(app, ["excel-mall", "--rot", str(paths.root)])
    assert result.exit_code == ExitCode.OK, result.output
    assert paths.workbook_file.is_file()
    # the empty template beside the CSV files changes nothing (header-only sheets give way)
    assert check(paths) == []
    _fill(paths.workbook_file, paths)
    assert not list(paths.data_dir.glob("*.csv"))
    assert check(paths) == []
    from_book = load_model(paths)
    for name in DATASETS:
        pd.testing.assert_frame_equal(from_book.table(name), from_csv.table(name), obj=name)
    # and the template refuses to overwrite the workbook
    again = runner.invoke(app, ["excel-mall", "--rot", str(paths.root)])
    assert again.exit_code == ExitCode.USAGE
    assert "finns redan" in again.output


def test_errors_in_the_workbook_name_sheet_row_and_column(minimal_project: ProjectPaths) -> None:
    paths = minimal_project
    result = runner.invoke(app, ["excel-mall", "--rot", str(paths.root), "--med-data"])
    assert result.exit_code == ExitCode.OK, result.output
    for ds in DATASETS.values():
        for f in paths.table_candidates(ds.stem):
            f.unlink()
    assert check(paths) == []
    book = load_workbook(paths.workbook_file)
    book["driftredovisning"]["D3"] = "tusen"
    book.save(paths.workbook_file)
    problems = check(paths)
    assert [str(p) for p in problems] == [
        "data/kommunrapport.xlsx, blad 'driftredovisning', rad 3, kolumn 'budget': "
        "'tusen' är inte ett tal (skriv t.ex. 1 234,5 eller -12,3)."
    ]


def test_a_table_both_in_the_workbook_and_as_a_file_is_refused(
    minimal_project: ProjectPaths,
) -> None:
    paths = minimal_project
    runner.invoke(app, ["excel-mall", "--rot", str(paths.root), "--med-data"])
    problems = [p for p in check(paths) if p.file == "data/driftredovisning.csv"]
    assert problems and "bladet 'driftredovisning'" in problems[0].message


@pytest.mark.parametrize("where", ["outside"])
def test_the_template_outside_a_project(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KOMMUNRAPPORT_ROOT", raising=False)
    result = runner.invoke(app, ["excel-mall"])
    assert result.exit_code == ExitCode.OK, result.output
    assert (tmp_path / "kommunrapport.xlsx").is_file()


def test_a_period_excel_made_a_date_is_explained(minimal_project: ProjectPaths) -> None:
    paths = minimal_project
    runner.invoke(app, ["excel-mall", "--rot", str(paths.root), "--med-data"])
    for ds in DATASETS.values():
        for f in paths.table_candidates(ds.stem):
            f.unlink()
    book = load_workbook(paths.workbook_file)
    book["driftredovisning"]["C2"] = date(2022, 8, 1)  # what Excel does to 2022-08
    book.save(paths.workbook_file)
    [problem] = check(paths)
    assert problem.column == "period" and problem.row == 2
    assert "Excel har troligen gjort om perioden till ett datum" in problem.message
    assert "skriv 2022-08" in problem.message


def test_kolada_import_will_not_shadow_a_filled_sheet(
    minimal_project: ProjectPaths, tmp_path: Path
) -> None:
    from kommunrapport.kolada.common import FetchPlanError
    from kommunrapport.kolada.importer import import_export

    paths = minimal_project
    runner.invoke(app, ["excel-mall", "--rot", str(paths.root), "--med-data"])
    paths.table_csv("indikatorutfall").unlink()
    export = tmp_path / "export.csv"
    export.write_text("kpi,municipality_id,period,value\nN15419,1487,2022,70\n", "utf-8")
    before = paths.workbook_file.read_bytes()
    with pytest.raises(FetchPlanError, match="bladet 'indikatorutfall'"):
        import_export(paths, export)
    assert paths.workbook_file.read_bytes() == before
    assert not paths.table_csv("indikatorutfall").exists()
