from __future__ import annotations

import csv

from typer.testing import CliRunner

from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.data.paths import ProjectPaths

runner = CliRunner()


def test_check_exits_zero_on_a_sound_project(minimal_project: ProjectPaths) -> None:
    result = runner.invoke(app, ["check", "--rot", str(minimal_project.root)])
    assert result.exit_code == ExitCode.OK, result.output
    assert "inga problem" in result.output


def test_check_names_file_row_and_column_without_traceback(minimal_project: ProjectPaths) -> None:
    path = minimal_project.data_dir / "personal.csv"
    path.write_text(path.read_text(encoding="utf-8").replace('"7,1"', "sju"), encoding="utf-8")
    result = runner.invoke(app, ["check", "--rot", str(minimal_project.root)])
    assert result.exit_code == ExitCode.DATA_INVALID
    assert "data/personal.csv, rad 2, kolumn 'sjukfranvaro_totalt'" in result.output
    assert "Traceback" not in result.output


def test_check_outside_a_project_says_so(tmp_path: object) -> None:
    result = runner.invoke(app, ["check", "--rot", str(tmp_path)])
    assert result.exit_code == ExitCode.USAGE
    assert "Hittar inget kommunrapport-projekt" in result.output


def test_check_says_each_files_sign_convention(minimal_project: ProjectPaths) -> None:
    path = minimal_project.data_dir / "driftredovisning.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    negated = [lines[0]]
    for line in lines[1:]:
        cells = next(csv.reader([line]))
        for i in (3, 4, 5):
            cells[i] = "-" + cells[i]
        negated.append(",".join(f'"{c}"' for c in cells))
    path.write_text("\n".join(negated) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["check", "--rot", str(minimal_project.root)])
    assert result.exit_code == ExitCode.OK, result.output
    assert (
        "data/driftredovisning.csv: kostnader skrivna som negativa tal (kostnad −, intäkt +)."
        in result.output
    )
    assert "data/investeringar.csv: utgifter skrivna som positiva tal" in result.output
