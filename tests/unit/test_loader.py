"""The loader and every validation rule, each with its own bad-input fixture."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from kommunrapport.data.errors import DataValidationError, Problem
from kommunrapport.data.loader import check, load_model
from kommunrapport.data.paths import ProjectPaths


def test_minimal_project_loads_into_a_typed_model(minimal_project: ProjectPaths) -> None:
    model = load_model(minimal_project)
    assert model.kommun.namn == "Testköpings kommun"
    assert [n.id for n in model.organisation.namnder] == ["bun", "sn"]
    drift = model.table("driftredovisning")
    assert drift["budget"].dtype == "float64"
    assert drift.loc[drift["verksamhet"] == "Förskola", "budget"].item() == 250000.5
    assert drift.loc[drift["verksamhet"] == "Grundskola", "budget"].item() == 500000.0
    personal = model.table("personal")
    assert personal.loc[personal["namnd"] == "bun", "sjukfranvaro_kvinnor"].item() == 7.9
    assert model.period("2022-08").typ == "delårsrapport"
    assert model.indikatorer()["N20891"].riktning == "lägre"


def test_model_is_immutable(minimal_project: ProjectPaths) -> None:
    model = load_model(minimal_project)
    frame = model.table("driftredovisning")
    frame.loc[:, "budget"] = 0.0
    assert model.table("driftredovisning")["budget"].sum() > 0
    with pytest.raises(Exception):  # noqa: B017 - pydantic raises ValidationError on frozen
        model.kommun.namn = "Annan"  # type: ignore[misc]
    with pytest.raises(Exception):  # noqa: B017 - FrozenInstanceError
        model.organisation = model.organisation  # type: ignore[misc]


def test_optional_dataset_absent_gives_an_empty_typed_table(minimal_project: ProjectPaths) -> None:
    model = load_model(minimal_project)
    flows = model.table("kassaflode")
    assert flows.empty
    assert list(flows.columns) == ["period", "post", "belopp"]


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@dataclass(frozen=True)
class Case:
    name: str
    mutate: Callable[[ProjectPaths], None]
    file: str
    row: int | None
    column: str | None
    words: tuple[str, ...]


def _d(p: ProjectPaths, name: str) -> Path:
    return p.data_dir / name


CASES = [
    Case(
        "missing column",
        lambda p: _d(p, "driftredovisning.csv").write_text(
            "namnd,verksamhet,period,budget,prognos\nbun,Grundskola,2022-08,1,1\n"
            "sn,Äldreomsorg,2022-08,1,1\n",
            encoding="utf-8",
        ),
        "data/driftredovisning.csv",
        1,
        "utfall",
        ("saknas",),
    ),
    Case(
        "misspelt column",
        lambda p: _replace(_d(p, "driftredovisning.csv"), "budget,utfall", "budget,utfal"),
        "data/driftredovisning.csv",
        1,
        "utfall",
        ("saknas", "utfal"),
    ),
    Case(
        "non-numeric value",
        lambda p: _replace(_d(p, "driftredovisning.csv"), '"250 000,5"', "250 tkr"),
        "data/driftredovisning.csv",
        3,
        "budget",
        ("inte ett tal", "250 tkr"),
    ),
    Case(
        "unknown nämnd",
        lambda p: _replace(_d(p, "driftredovisning.csv"), "sn,Äldreomsorg", "son,Äldreomsorg"),
        "data/driftredovisning.csv",
        4,
        "namnd",
        ("okänd nämnd", "son"),
    ),
    Case(
        "unknown indicator id",
        lambda p: _replace(_d(p, "indikatorutfall.csv"), "N20891,1487", "N99999,1487"),
        "data/indikatorutfall.csv",
        7,
        "indikator",
        ("okänd indikator", "N99999"),
    ),
    Case(
        "duplicate key",
        lambda p: _replace(_d(p, "personal.csv"), "sn,2022-08", "bun,2022-08"),
        "data/personal.csv",
        3,
        "namnd",
        ("dubblett",),
    ),
    Case(
        "nämndmål linked to unknown inriktningsmål",
        lambda p: _replace(
            p.yaml_file("malkedja"), "inriktningsmal: [IM2]", "inriktningsmal: [IM9]"
        ),
        "data/malkedja.yml",
        24,
        "inriktningsmal",
        ("okänt inriktningsmål", "IM9"),
    ),
    Case(
        "indicator without a target for the report year",
        lambda p: _replace(p.yaml_file("malkedja"), "mal: {2022: 12}", "mal: {2021: 12}"),
        "data/malkedja.yml",
        31,
        "mal",
        ("saknar målvärde", "2022"),
    ),
    Case(
        "period outside the data",
        lambda p: _replace(p.params_file, '"2022-08"', '"2022-12"'),
        "params/perioder.yml",
        7,
        "id",
        ("2022-12", "inga rader"),
    ),
    Case(
        "empty file",
        lambda p: _d(p, "personal.csv").write_bytes(b""),
        "data/personal.csv",
        None,
        None,
        ("tom",),
    ),
    Case(
        "YAML syntax error",
        lambda p: _replace(
            p.yaml_file("kommun"), "  namn: Testköpings kommun", "  namn: [Testköping"
        ),
        "data/kommun.yml",
        3,
        None,
        ("YAML-syntaxfel",),
    ),
    Case(
        "bad enum value",
        lambda p: _replace(_d(p, "aktiviteter.csv"), "pågår", "pågående"),
        "data/aktiviteter.csv",
        2,
        "status",
        ("pågående", "tillåtet"),
    ),
    Case(
        "bad period format",
        lambda p: _replace(_d(p, "investeringar.csv"), "bun,2022-08", "bun,aug 2022"),
        "data/investeringar.csv",
        2,
        "period",
        ("ÅÅÅÅ-MM",),
    ),
    Case(
        "activity linked to another nämnd's goal",
        lambda p: _replace(_d(p, "aktiviteter.csv"), "A2,sn,SN1", "A2,sn,BUN1"),
        "data/aktiviteter.csv",
        3,
        "namndmal",
        ("BUN1", "bun"),
    ),
    Case(
        "unknown field in YAML",
        lambda p: _replace(
            p.yaml_file("kommun"),
            "    forvaltning: Socialförvaltningen",
            "    forvaltning: Socialförvaltningen\n    ordforande: X",
        ),
        "data/kommun.yml",
        12,
        "namnder.1.ordforande",
        ("okänt fält",),
    ),
    Case(
        "duplicate nämnd id",
        lambda p: _replace(p.yaml_file("kommun"), "  - id: sn", "  - id: bun"),
        "data/kommun.yml",
        9,
        "id",
        ("nämnden 'bun' finns flera gånger",),
    ),
    Case(
        "duplicate inriktningsmål id",
        lambda p: _replace(p.yaml_file("malkedja"), "  - id: IM2", "  - id: IM1"),
        "data/malkedja.yml",
        6,
        "id",
        ("inriktningsmålet 'IM1' finns flera gånger",),
    ),
    Case(
        "missing file",
        lambda p: _d(p, "aktiviteter.csv").unlink(),
        "data/aktiviteter.csv",
        None,
        None,
        ("saknas",),
    ),
    Case(
        "misspelt optional column",
        lambda p: _replace(_d(p, "driftredovisning.csv"), "budget,utfall", "budgt,utfall"),
        "data/driftredovisning.csv",
        1,
        "budgt",
        ("okänd kolumn 'budgt'", "menade du 'budget'"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_bad_input_is_named_by_file_row_and_column(
    minimal_project: ProjectPaths, case: Case
) -> None:
    case.mutate(minimal_project)
    problems = check(minimal_project)
    matching = [
        p for p in problems if p.file == case.file and p.row == case.row and p.column == case.column
    ]
    assert matching, f"expected a problem at {case.file}:{case.row}:{case.column}, got {problems}"
    text = " ".join(p.message for p in matching)
    for word in case.words:
        assert word in text


def test_all_problems_are_reported_at_once(minimal_project: ProjectPaths) -> None:
    for case in CASES[2:6]:
        case.mutate(minimal_project)
    with pytest.raises(DataValidationError) as info:
        load_model(minimal_project)
    files = {p.file for p in info.value.problems}
    assert {"data/driftredovisning.csv", "data/indikatorutfall.csv", "data/personal.csv"} <= files
    assert len(info.value.problems) >= 5
    assert "rad" in str(info.value) and "kolumn" in str(info.value)


def test_bom_crlf_and_semicolons_as_swedish_excel_writes_them(
    minimal_project: ProjectPaths,
) -> None:
    path = minimal_project.data_dir / "driftredovisning.csv"
    path.write_bytes(
        "\ufeffnamnd;verksamhet;period;budget;utfall;prognos\r\n"
        "bun;Grundskola;2022-08;500 000;340 000;505 000\r\n"
        "bun;Förskola;2022-08;250 000,5;160 000;249 000\r\n"
        "sn;Äldreomsorg;2022-08;400 000;270 000;-12,3\r\n".encode()
    )
    model = load_model(minimal_project)
    drift = model.table("driftredovisning")
    assert drift.columns[0] == "namnd"
    assert drift["budget"].sum() == 1150000.5
    assert drift.loc[drift["namnd"] == "sn", "prognos"].item() == -12.3


def test_xlsx_table_is_accepted_in_place_of_csv(minimal_project: ProjectPaths) -> None:
    from openpyxl import Workbook

    csv_path = minimal_project.data_dir / "personal.csv"
    lines = [line.split(",") for line in csv_path.read_text(encoding="utf-8").splitlines()]
    csv_path.unlink()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(
        [
            "namnd",
            "period",
            "sjukfranvaro_totalt",
            "sjukfranvaro_kvinnor",
            "sjukfranvaro_man",
            "anstallda",
            "anstallda_kvinnor",
            "anstallda_man",
        ]
    )
    ws.append(["bun", "2022-08", 7.1, 7.9, 4.2, 1200, 950, 250])
    ws.append(["sn", "2022-08", 9.3, 9.8, 6.0, 900, 780, 120])
    wb.save(minimal_project.data_dir / "personal.xlsx")
    assert lines[0][0] == "namnd"
    personal = load_model(minimal_project).table("personal")
    assert personal["anstallda"].sum() == 2100


def test_csv_and_xlsx_of_the_same_table_is_a_problem(minimal_project: ProjectPaths) -> None:
    from openpyxl import Workbook

    Workbook().save(minimal_project.data_dir / "personal.xlsx")
    problems = check(minimal_project)
    assert any(p.file == "data/personal.xlsx" and "behåll en" in p.message for p in problems)


def _tree_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_check_never_modifies_files(minimal_project: ProjectPaths) -> None:
    _replace(minimal_project.data_dir / "personal.csv", "sn,2022-08", "bun,2022-08")
    before = _tree_digest(minimal_project.root)
    assert check(minimal_project)
    assert _tree_digest(minimal_project.root) == before


def test_problem_location_reads_in_swedish() -> None:
    p = Problem("data/a.csv", 4, "budget", "fel.")
    assert str(p) == "data/a.csv, rad 4, kolumn 'budget': fel."
