"""The optional dataset ``noter``: its columns and the loader's cross-checks, one rule each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from content_project import write_project

from kommunrapport.data.errors import Problem
from kommunrapport.data.loader import check, load_model

FILE = "data/noter.csv"


def _row(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "period": "2022-12",
        "not": 1,
        "rubrik": "Skatteintäkter",
        "post": "Preliminär kommunalskatt",
        "belopp": 1700,
        "foregaende_ar": 1650,
        "avser": "skatteintakter",
    }
    row.update(changes)
    return row


def _problems(tmp_path: Path, rows: list[dict[str, Any]], **changes: Any) -> list[Problem]:
    return [p for p in check(write_project(tmp_path, noter=rows, **changes)) if p.file == FILE]


def _only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


def test_a_project_without_noter_still_loads_with_an_empty_typed_table(tmp_path: Path) -> None:
    model = load_model(write_project(tmp_path))
    notes = model.table("noter")
    assert notes.empty
    assert list(notes.columns) == [
        "period",
        "not",
        "rubrik",
        "post",
        "belopp",
        "foregaende_ar",
        "koncern",
        "koncern_foregaende_ar",
        "avser",
    ]


def test_consistent_notes_load_typed(tmp_path: Path) -> None:
    rows = [
        _row(),
        _row(post="Slutavräkning", belopp=20.5, foregaende_ar="", avser=""),
        _row(**{"not": 2}, rubrik="Pensioner", post="Avsatt", belopp=50, avser=""),
    ]
    model = load_model(write_project(tmp_path, noter=rows))
    notes = model.table("noter")
    assert notes["not"].tolist() == [1, 1, 2]
    assert notes["belopp"].tolist() == [1700.0, 20.5, 50.0]
    assert notes["foregaende_ar"].isna().tolist() == [False, True, False]


def test_a_note_with_two_headings_names_the_later_row(tmp_path: Path) -> None:
    rows = [_row(), _row(post="Slutavräkning", rubrik="Skatter")]
    problem = _only(_problems(tmp_path, rows))
    assert (problem.row, problem.column) == (3, "rubrik")
    assert "'Skatteintäkter' på rad 2" in problem.message and "'Skatter'" in problem.message


def test_the_same_heading_in_another_period_or_note_is_no_problem(tmp_path: Path) -> None:
    rows = [
        _row(),
        _row(period="2021-12", rubrik="Skatter", avser="finansiella_intakter"),
        _row(**{"not": 2}, rubrik="Skatter", avser="finansiella_intakter"),
    ]
    assert _problems(tmp_path, rows) == []


def test_a_note_that_specifies_two_posts_is_a_problem(tmp_path: Path) -> None:
    rows = [
        _row(avser=""),
        _row(post="Slutavräkning"),
        _row(post="Övrigt", avser="generella_statsbidrag_och_utjamning"),
    ]
    problem = _only(_problems(tmp_path, rows))
    assert (problem.row, problem.column) == (4, "avser")
    assert "'skatteintakter' på rad 3" in problem.message


def test_avser_must_name_a_statement_post(tmp_path: Path) -> None:
    problem = _only(_problems(tmp_path, [_row(avser="skatter")]))
    assert (problem.row, problem.column) == (2, "avser")
    assert "tillåtet värde" in problem.message and "skatteintakter" in problem.message


def test_notes_for_a_delarsrapport_are_a_problem_once_per_period(tmp_path: Path) -> None:
    rows = [_row(), _row(period="2022-08"), _row(period="2022-08", post="Annat")]
    problem = _only(_problems(tmp_path, rows))
    assert (problem.row, problem.column) == (3, "period")
    assert "delårsrapport" in problem.message and "bara i årsredovisningen" in problem.message


def test_notes_for_a_period_not_in_params_are_allowed(tmp_path: Path) -> None:
    assert _problems(tmp_path, [_row(period="2021-12")]) == []


@pytest.mark.parametrize(
    ("value", "words"), [("0", ("mindre", "1")), ("1,5", ("heltal",)), ("", ("saknas",))]
)
def test_the_note_number_is_a_whole_number_from_one(
    tmp_path: Path, value: str, words: tuple[str, ...]
) -> None:
    problem = _only(_problems(tmp_path, [_row(**{"not": value})]))
    assert (problem.row, problem.column) == (2, "not")
    assert all(w in problem.message for w in words), problem.message


def test_a_line_twice_in_a_note_is_a_duplicate(tmp_path: Path) -> None:
    problem = _only(_problems(tmp_path, [_row(), _row(belopp=5)]))
    assert problem.row == 3 and "dubblett" in problem.message
