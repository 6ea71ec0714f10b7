from __future__ import annotations

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
