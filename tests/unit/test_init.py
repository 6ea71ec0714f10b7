"""`kommunrapport init`: an empty project for a kommun, what check says next, what is required."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.data.datasets import DATASETS
from kommunrapport.data.errors import KommunrapportError
from kommunrapport.data.kommuner import kommun_name, kommuner, lookup
from kommunrapport.data.loader import check, load_model
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.data.registrydoc import BEGIN, END, data_readme, section
from kommunrapport.data.tablespec import Part
from kommunrapport.site.newproject import InitError, init_project, next_steps

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_the_shipped_list_has_every_kommun() -> None:
    table = kommuner()
    assert len(table) == 290
    assert table["1487"] == "Vänersborg"
    assert table["0180"] == "Stockholm"
    assert "0000" not in table  # riket and the regions are not kommuner


@pytest.mark.parametrize(
    ("short", "name"),
    [
        ("Vänersborg", "Vänersborgs kommun"),
        ("Ale", "Ale kommun"),
        ("Borås", "Borås kommun"),
        ("Kalix", "Kalix kommun"),
        ("Upplands Väsby", "Upplands Väsby kommun"),
    ],
)
def test_kommun_names_take_the_genitive_as_swedish_does(short: str, name: str) -> None:
    assert kommun_name(short) == name


def test_lookup_by_id_or_name() -> None:
    assert lookup("1287") == ("1287", "Trelleborgs kommun")
    assert lookup("180") == ("0180", "Stockholms kommun")  # Excel dropped the zero
    assert lookup("trelleborg") == ("1287", "Trelleborgs kommun")
    assert lookup("Trelleborgs kommun") == ("1287", "Trelleborgs kommun")
    with pytest.raises(KommunrapportError, match="inget Kolada-id"):
        lookup("9999")
    with pytest.raises(KommunrapportError, match="Menade du Trelleborg"):
        lookup("Trelleborj")


def test_init_writes_an_empty_project_for_the_kommun(tmp_path: Path) -> None:
    root = tmp_path / "trelleborg"
    result = runner.invoke(app, ["init", str(root), "--kommun", "1287"])
    assert result.exit_code == ExitCode.OK, result.output
    assert "Trelleborgs kommun" in result.output
    kommun_yml = (root / "data" / "kommun.yml").read_text(encoding="utf-8")
    assert "namn: Trelleborgs kommun" in kommun_yml
    assert 'kolada_id: "1287"' in kommun_yml
    assert "#   - id: kfn" in kommun_yml  # the commented nämnd stub
    assert "\n  logotyp:" not in kommun_yml  # no logo (the example's names its kommun)
    assert not list(root.rglob("*.svg"))
    for name, ds in DATASETS.items():
        csv = root / "data" / f"{ds.stem}.csv"
        if ds.kommun_only:
            assert not csv.exists(), name
        else:
            assert csv.read_text(encoding="utf-8").strip() == ",".join(c.name for c in ds.columns)
    for rel in (
        "params/perioder.yml",
        "data/malkedja.yml",
        "data/README.md",
        "_quarto.yml",
        "index.qmd",
        "assets/utkast.lua",
        "notebooks/namnd.ipynb",
        "notebooks/kommun.ipynb",
    ):
        assert (root / rel).is_file(), rel
    assert "Vänersborg" not in "".join(
        p.read_text(encoding="utf-8", errors="replace") for p in root.rglob("*") if p.is_file()
    )


def test_the_template_notebooks_are_the_projects(tmp_path: Path) -> None:
    """init hands out the same notebooks as the example's notebooks/ (kept as package data)."""
    init_project(tmp_path / "p", "1287")
    for name in ("namnd.ipynb", "kommun.ipynb"):
        assert (tmp_path / "p" / "notebooks" / name).read_bytes() == (
            REPO / "notebooks" / name
        ).read_bytes(), (
            f"notebooks/{name} has changed: copy it to "
            "src/kommunrapport/templates/anteckningsbocker/ (what init hands out)"
        )


def test_init_never_overwrites_and_refuses_a_directory_with_files(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    (root / "anteckningar.txt").write_text("mitt", encoding="utf-8")
    result = runner.invoke(app, ["init", str(root), "--kommun", "1287"])
    assert result.exit_code == ExitCode.USAGE
    assert "inte tom" in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in root.iterdir()) == ["anteckningar.txt"]
    # only hidden entries (a fresh git clone): allowed
    hidden = tmp_path / "git"
    (hidden / ".git").mkdir(parents=True)
    init_project(hidden, "1287")
    assert (hidden / "data" / "kommun.yml").is_file()
    # a second init in the same place writes nothing
    before = {p: p.read_bytes() for p in hidden.rglob("*") if p.is_file()}
    with pytest.raises(InitError):
        init_project(hidden, "1287")
    assert {p: p.read_bytes() for p in hidden.rglob("*") if p.is_file()} == before


def test_check_on_a_fresh_project_says_what_to_fill_in_next(tmp_path: Path) -> None:
    root = tmp_path / "p"
    init_project(root, "1287")
    result = runner.invoke(app, ["check", "--rot", str(root)])
    assert result.exit_code == ExitCode.DATA_INVALID
    assert "Traceback" not in result.output
    text = result.output
    order = [
        "Att göra härnäst",
        "1. Skriv in nämnderna i data/kommun.yml",
        "2. Skriv kommunfullmäktiges inriktningsmål",
        "3. Skriv nämndmålen",
        "4. Ange perioderna",
        "5. För in nämndernas siffror i data/driftredovisning.csv, data/aktiviteter.csv",
        "6. Bygg rapporten",
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)


def test_next_steps_follow_the_project_as_it_is_filled(tmp_path: Path) -> None:
    root = tmp_path / "p"
    init_project(root, "1287")
    paths = ProjectPaths(root)
    (root / "data" / "kommun.yml").write_text(
        'kommun: {namn: Trelleborgs kommun, kolada_id: "1287"}\n'
        "namnder: [{id: kfn, namn: KFN, forvaltning: KFF}]\n",
        encoding="utf-8",
    )
    steps = next_steps(paths)
    assert not any("kommun.yml" in s for s in steps)
    assert steps[0].startswith("Skriv kommunfullmäktiges inriktningsmål")


def test_data_readme_carries_the_registrys_requirements() -> None:
    text = (REPO / "data" / "README.md").read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    assert text[start:end] == section(), "skriv om avsnittet med registrydoc.section()"


def test_the_examples_data_readme_is_made_from_the_one_source() -> None:
    text = (REPO / "data" / "README.md").read_text(encoding="utf-8")
    assert text == data_readme(), (
        "data/README.md skrivs från src/kommunrapport/templates/datamapp/README.md: ändra där "
        "och kör python tools/write_data_readme.py"
    )


def test_a_new_projects_data_readme_explains_what_the_examples_does(tmp_path: Path) -> None:
    """The guide a new project gets says what the example's says, without the example."""
    root = tmp_path / "p"
    init_project(root, "1287")
    text = (root / "data" / "README.md").read_text(encoding="utf-8")
    assert text == data_readme("Trelleborgs kommun")
    assert text.startswith("# data/ – Trelleborgs kommuns gemensamma data\n")
    example = data_readme()
    headings = [line for line in example.split("\n") if line.startswith("### ")]
    headings.remove("### Källa för de verkliga uppgifterna")  # the example's own section
    assert headings and all(h in text for h in headings)
    for topic in (
        "### malkedja.yml – målkedjan",  # the goal chain
        "**Benämningar.**",  # goal labels
        "**En indikator kan följa flera nämndmål.**",  # indicator reuse
        "#### Tecken på belopp",  # sign conventions
        "### egna/ – nämndens egna tabeller",  # own tables
        "**Mål utan indikatorer:**",  # qualitative goals
        "`enhet`: `tkr` (standard) eller `mnkr`",  # units
        "**Årsredovisningen har ingen prognos.**",
        "## Kolumnerna, tabell för tabell",
    ):
        assert topic in text, topic
    for word in ("Exempel", "exempel", "Vänersborg", "påhittad", "<!--  ", "{{kommun}}", "\x00"):
        assert word not in text.replace("Exempel på en egen regel", ""), word
    assert "<!-- exempel" not in text and "<!-- projekt" not in text
    assert "<!-- exempel" not in example and "<!-- projekt" not in example


def test_required_tables_follow_the_parts_of_the_report() -> None:
    assert Part.NAMND in DATASETS["driftredovisning"].required_parts
    assert DATASETS["personal"].required_parts == (Part.KOMMUN,)
    assert DATASETS["internkontroll"].required_parts == ()
    assert DATASETS["resultatrakning"].required_parts == (Part.KOMMUN,)
    assert not DATASETS["noter"].required_in({Part.KOMMUN}, {"delårsrapport"})


def _without(paths: ProjectPaths, *stems: str) -> None:
    for stem in stems:
        paths.table_csv(stem).unlink()


def test_a_project_without_kommun_level_data_needs_no_kommun_tables(
    minimal_project: ProjectPaths,
) -> None:
    paths = minimal_project
    _without(paths, "resultatrakning", "balansrakning", "internkontroll", "personal")
    assert check(paths) == []
    model = load_model(paths)
    assert not model.has_kommun_chapter("2022-08")
    from kommunrapport.batch.jobs import plan
    from kommunrapport.site.narrative import period_jobs

    assert "kommun" not in period_jobs(model, model.period("2022-08"))
    assert [j.name for j in plan(model)] == ["bun", "sn"]


def test_kommun_level_data_requires_the_kommun_chapters_tables(
    minimal_project: ProjectPaths,
) -> None:
    paths = minimal_project
    _without(paths, "balansrakning", "personal")
    problems = {p.file: p.message for p in check(paths)}
    assert "krävs för kommunens kapitel" in problems["data/balansrakning.csv"]
    assert "krävs för kommunens kapitel" in problems["data/personal.csv"]


def test_check_warns_about_an_indicator_without_outcome_in_its_target_year(
    minimal_project: ProjectPaths,
) -> None:
    outcomes = minimal_project.table_csv("indikatorutfall")
    lines = outcomes.read_text(encoding="utf-8").splitlines()
    outcomes.write_text(
        "\n".join(x for x in lines if not x.startswith("N20891,1487,2022")) + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["check", "--rot", str(minimal_project.root)])
    assert result.exit_code == ExitCode.OK, result.output
    warnings = [x for x in result.output.splitlines() if x.startswith("Varning:")]
    assert len(warnings) == 1
    assert "'N20891'" in warnings[0] and "2022" in warnings[0] and "ej bedömbar" in warnings[0]
    assert "Kontrollen är klar" in result.output
