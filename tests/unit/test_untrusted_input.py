"""Careless or hostile input is refused in Swedish, naming file, row and column (issue 17):
odd nämnd ids, oversized files, a cell past the CSV field limit, YAML nested thousands deep,
empty or NUL cells, unknown areas, empty tables, a corrupt model cache."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.data import limits
from kommunrapport.data.checks import empty_table_warnings
from kommunrapport.data.errors import Problem
from kommunrapport.data.loader import check, load_model, load_model_cached
from kommunrapport.data.paths import ProjectPaths

runner = CliRunner()


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _at(problems: list[Problem], file: str, row: int | None, column: str | None) -> str:
    found = [p for p in problems if (p.file, p.row, p.column) == (file, row, column)]
    assert found, f"no problem at {file}:{row}:{column} in {problems}"
    return " ".join(p.message for p in found)


def _check_cli(paths: ProjectPaths) -> tuple[int, str]:
    result = runner.invoke(app, ["check", "--rot", str(paths.root)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


# --- item 4: nämnd ids name files, so only safe ones ---------------------------------------


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        ("kommun", ("reserverat",)),
        ("index", ("reserverat",)),
        ("..", ("små bokstäver",)),
        ("_rapport", ("små bokstäver",)),
        (".dold", ("små bokstäver",)),
        ("a/b", ("små bokstäver",)),
        ("BUN", ("små bokstäver",)),
        ("x" * 300, ("för långt", "300 tecken")),
    ],
    ids=["kommun", "index", "dotdot", "underscore", "dot", "slash", "upper", "300-chars"],
)
def test_a_reserved_or_odd_namnd_id_is_refused_by_check(
    minimal_project: ProjectPaths, bad: str, words: tuple[str, ...]
) -> None:
    _replace(minimal_project.yaml_file("kommun"), "  - id: sn\n", f"  - id: '{bad}'\n")
    text = _at(check(minimal_project), "data/kommun.yml", 9, "namnder.1.id")
    for word in words:
        assert word in text, text
    code, output = _check_cli(minimal_project)
    assert code == ExitCode.DATA_INVALID
    assert "data/kommun.yml, rad 9" in output


def test_the_id_pattern_accepts_ordinary_ids() -> None:
    for good in ("bun", "sn", "kultur-fritid", "n1", "x" * 32):
        assert limits.namnd_id_problem(good) is None, good


# --- item 7: size limits --------------------------------------------------------------------


def test_a_line_of_commas_is_refused_before_it_is_parsed(minimal_project: ProjectPaths) -> None:
    table = minimal_project.data_dir / "aktiviteter.csv"
    table.write_text("," * (limits.MAX_CELLS + 10), encoding="utf-8")
    text = _at(check(minimal_project), "data/aktiviteter.csv", None, None)
    assert "för många celler" in text


def test_too_many_rows_are_refused(
    minimal_project: ProjectPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_ROWS", 3)
    table = minimal_project.data_dir / "aktiviteter.csv"
    header = table.read_text(encoding="utf-8").splitlines()[0]
    table.write_text(header + "\n" + "A9,bun\n" * 5, encoding="utf-8")
    assert "för många rader" in _at(check(minimal_project), "data/aktiviteter.csv", None, None)


def test_a_file_over_the_size_limit_is_refused_unread(
    minimal_project: ProjectPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_TABLE_BYTES", 100)
    monkeypatch.setattr(limits, "MAX_YAML_BYTES", 100)
    problems = check(minimal_project)
    assert "för stor" in _at(problems, "data/driftredovisning.csv", None, None)
    assert "för stor" in _at(problems, "data/malkedja.yml", None, None)


def test_an_xlsx_that_unpacks_too_large_is_refused_before_opening(
    minimal_project: ProjectPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_XLSX_UNPACKED_BYTES", 4 * limits.MB)
    (minimal_project.data_dir / "aktiviteter.csv").unlink()
    xlsx = minimal_project.data_dir / "aktiviteter.xlsx"
    with zipfile.ZipFile(xlsx, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (5 * limits.MB))
    assert xlsx.stat().st_size < 100_000  # small on disk: a zip bomb
    text = _at(check(minimal_project), "data/aktiviteter.xlsx", None, None)
    assert "packas upp" in text and "öppnas inte" in text


# --- item 8: Swedish messages instead of tracebacks -------------------------------------


def test_a_csv_cell_over_the_field_limit_is_named(minimal_project: ProjectPaths) -> None:
    _replace(minimal_project.data_dir / "aktiviteter.csv", "Enligt plan", "x" * 200_000)
    text = _at(check(minimal_project), "data/aktiviteter.csv", 2, None)
    assert "längre än 131" in text
    code, _ = _check_cli(minimal_project)
    assert code == ExitCode.DATA_INVALID


def test_yaml_nested_thousands_deep_is_a_problem_not_a_crash(
    minimal_project: ProjectPaths,
) -> None:
    minimal_project.yaml_file("malkedja").write_text(
        "vision: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8"
    )
    # libyaml's loader stops at its depth limit on line 1; the pure-Python one (RecursionError)
    # cannot say where
    problems = [p for p in check(minimal_project) if p.file == "data/malkedja.yml"]
    assert [p.row for p in problems] in ([1], [None]), problems
    assert "djupt nästlad" in problems[0].message
    code, _ = _check_cli(minimal_project)
    assert code == ExitCode.DATA_INVALID


def test_a_corrupt_model_cache_is_rebuilt(minimal_project: ProjectPaths) -> None:
    load_model_cached(minimal_project)
    cache = minimal_project.model_cache_file
    cache.write_bytes(b"\x80\x05 not a pickle at all")
    model = load_model_cached(minimal_project)
    assert [n.id for n in model.organisation.namnder] == ["bun", "sn"]
    assert cache.read_bytes() != b"\x80\x05 not a pickle at all"
    assert load_model_cached(minimal_project).kommun.namn == model.kommun.namn


# --- item 12: an empty or NUL nämnd cell -----------------------------------------------------


def test_an_empty_namnd_cell_says_the_value_is_missing(minimal_project: ProjectPaths) -> None:
    _replace(minimal_project.data_dir / "driftredovisning.csv", "sn,Äldreomsorg", ",Äldre")
    problems = check(minimal_project)
    text = _at(problems, "data/driftredovisning.csv", 4, "namnd")
    assert text == "värde saknas."
    assert not [p for p in problems if "nan" in p.message or "okänd nämnd" in p.message]


@pytest.mark.parametrize("cell", ["\x00", " \x00 ", "s\x00n"], ids=["nul", "spaced", "inside"])
def test_a_nul_in_a_cell_is_reported_not_removed(minimal_project: ProjectPaths, cell: str) -> None:
    """Issue 29, item 3: a NUL byte is named (file, row, column), never dropped in silence
    (``s\\x00n`` would otherwise become the nämnd ``sn``)."""
    _replace(minimal_project.data_dir / "driftredovisning.csv", "sn,Äldreomsorg", f"{cell},Äldre")
    problems = check(minimal_project)
    text = _at(problems, "data/driftredovisning.csv", 4, "namnd")
    assert text.startswith("cellen innehåller ett NUL-tecken")


# --- item 13: indicator outcomes for an area that is never shown -----------------------------


def test_an_unknown_area_in_the_outcomes_is_refused(minimal_project: ProjectPaths) -> None:
    _replace(
        minimal_project.data_dir / "indikatorutfall.csv", "N15419,1487,2021", "N15419,tolv,2021"
    )
    text = _at(check(minimal_project), "data/indikatorutfall.csv", 2, "omrade")
    assert "okänt område 'tolv'" in text
    assert "1487" in text and "0000" in text and "data/jamforelsegrupper.csv" in text


def test_a_comparison_group_member_is_a_known_area(minimal_project: ProjectPaths) -> None:
    _replace(
        minimal_project.data_dir / "indikatorutfall.csv", "N15419,1487,2021", "N15419,1490,2021"
    )
    assert check(minimal_project) == []


# --- item 14: empty tables warn ------------------------------------------------------------------


def test_a_needed_table_with_only_its_header_is_a_visible_warning(
    minimal_project: ProjectPaths,
) -> None:
    for name in ("indikatorutfall", "aktiviteter"):
        table = minimal_project.table_csv(name)
        table.write_text(table.read_text(encoding="utf-8").splitlines()[0] + "\n", "utf-8")
    model = load_model(minimal_project)
    warned = {w.file: w.message for w in empty_table_warnings(model)}
    assert set(warned) == {"data/indikatorutfall.csv", "data/aktiviteter.csv"}
    assert "inga rader" in warned["data/aktiviteter.csv"]
    code, output = _check_cli(minimal_project)
    assert code == ExitCode.OK
    assert "Varning: data/indikatorutfall.csv: tabellen har bara rubrikraden" in output
    assert "Varning: data/aktiviteter.csv" in output


def test_a_full_project_has_no_warnings(minimal_project: ProjectPaths) -> None:
    assert empty_table_warnings(load_model(minimal_project)) == []
    assert "Varning" not in _check_cli(minimal_project)[1]
