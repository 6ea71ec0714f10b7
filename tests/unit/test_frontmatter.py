"""The analysts' front matter (issue 29, item 4): an unknown key is named with the nearest
known one, and YAML anchors and aliases are refused by check and by build."""

from __future__ import annotations

import pytest
from quarto_fake import write_templates, write_text
from test_narrative import GOOD
from typer.testing import CliRunner

from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.data.loader import load_model
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.site.checks import narrative_problems, narrative_warnings
from kommunrapport.site.frontmatter import unknown_keys

runner = CliRunner()

BILLION_LAUGHS = """\
lol1: &l1 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
lol2: &l2 [*l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1]
lol3: &l3 [*l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2]
lol4: [*l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3]
"""


@pytest.fixture
def project(minimal_project: ProjectPaths) -> ProjectPaths:
    write_templates(minimal_project)
    return minimal_project


def test_unknown_keys_and_their_nearest_known_key() -> None:
    front = {
        "title": "x",
        "stauts": "klar",
        "ansvraig": "A",
        "subtitle": "y",
        "toc": True,
        "zzz": 1,
    }
    assert unknown_keys(front) == [("stauts", "status"), ("ansvraig", "ansvarig"), ("zzz", None)]


def test_check_warns_about_a_typo_in_the_front_matter(project: ProjectPaths) -> None:
    text = GOOD.replace('ansvarig: "Anna Andersson"', 'ansvarig: "Anna Andersson"\nstauts: klar')
    write_text(project.narrative_file("2022-08", "bun"), text)
    model = load_model(project)
    assert narrative_problems(project, model) == []
    (warning,) = narrative_warnings(project, model)
    assert warning.startswith("reports/2022-08/bun.qmd, rad 5: okänt fält 'stauts'")
    assert warning.endswith("Menade du 'status'?")
    result = runner.invoke(app, ["check", "--rot", str(project.root)])
    assert result.exit_code == ExitCode.OK, result.output
    assert "Varning: reports/2022-08/bun.qmd, rad 5: okänt fält 'stauts'" in result.output


def test_a_sound_front_matter_gives_no_warning(project: ProjectPaths) -> None:
    write_text(
        project.narrative_file("2022-08", "bun"),
        GOOD.replace("status: klar", "status: klar\nsubtitle: Delår\ntoc: true"),
    )
    assert narrative_warnings(project, load_model(project)) == []


@pytest.mark.parametrize(
    ("extra", "line"),
    [
        (BILLION_LAUGHS, 5),
        ('ansvarig2: &namn "Anna"\nskribent: *namn\n', 5),
    ],
    ids=["billion-laughs", "one-anchor"],
)
def test_anchors_and_aliases_are_refused_by_check_and_build(
    project: ProjectPaths, extra: str, line: int
) -> None:
    text = GOOD.replace("metadata-files:", extra + "metadata-files:")
    write_text(project.narrative_file("2022-08", "bun"), text)
    problems = narrative_problems(project, load_model(project))
    found = [p for p in problems if "YAML-ankare" in p.message]
    assert [(p.file, p.row) for p in found] == [("reports/2022-08/bun.qmd", line)], problems
    for command in (["check"], ["build", "--no-render"]):
        result = runner.invoke(app, [*command, "--rot", str(project.root)])
        assert result.exit_code == ExitCode.DATA_INVALID, (command, result.output)
        assert "YAML-ankare" in result.output and "Traceback" not in result.output
    assert not project.executed_dir("2022-08").exists() or not any(
        project.executed_dir("2022-08").glob("*.ipynb")
    )
