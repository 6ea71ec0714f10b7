"""The CI check that notebooks in git carry no outputs, and the nbstripout options behind it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from typer.testing import CliRunner

from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.collab.nbhygiene import (
    NBSTRIPOUT_ARGS,
    DirtyNotebooksError,
    NotebookHygieneError,
    check_notebooks,
    find_notebooks,
    git_filter_settings,
    notebook_problems,
    require_clean_notebooks,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def executed_notebook() -> Any:
    """A template as it looks after a run in JupyterLab: outputs, counts, tags, run metadata."""
    params = new_code_cell('period = "2022-08"\nnamnd = "bun"', metadata={"tags": ["parameters"]})
    params.execution_count = 1
    injected = new_code_cell('namnd = "sn"', metadata={"tags": ["injected-parameters"]})
    injected.execution_count = 2
    table = new_code_cell(
        "#| label: tbl-drift\n#| tbl-cap: Driftredovisning\ndrift_table(model, namnd)",
        metadata={"papermill": {"duration": 0.5, "status": "completed"}},
    )
    table.execution_count = 3
    table.outputs = [
        new_output("execute_result", data={"text/plain": "tabell"}, execution_count=3),
        new_output("stream", name="stdout", text="klart\n"),
    ]
    nb = new_notebook(
        cells=[new_markdown_cell("# Nämndens rapport"), params, injected, table],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "papermill": {"parameters": {"namnd": "sn"}},
        },
    )
    return nb


def write(nb: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def strip_with_project_options(path: Path) -> None:
    """Run nbstripout exactly as the git filter and the pre-commit hook do."""
    subprocess.run(
        [sys.executable, "-m", "nbstripout", *NBSTRIPOUT_ARGS, str(path)],
        check=True,
        cwd=path.parent,
        capture_output=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def stripped_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path, Path]:
    """An executed notebook, written as is and as nbstripout leaves it with our options
    (one nbstripout run for the module: it costs a second or two)."""
    folder = tmp_path_factory.mktemp("nb")
    original = executed_notebook()
    dirty = write(original, folder / "dirty" / "namnd.ipynb")
    stripped = write(original, folder / "stripped" / "namnd.ipynb")
    strip_with_project_options(stripped)
    return original, dirty, stripped


def copy_to(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(source.read_bytes())
    return target


def test_check_fails_on_outputs_and_passes_once_stripped(
    tmp_path: Path, stripped_pair: tuple[Any, Path, Path]
) -> None:
    _, dirty, stripped = stripped_pair
    copy_to(dirty, tmp_path / "notebooks" / "namnd.ipynb")

    count, problems = check_notebooks([tmp_path / "notebooks"], root=tmp_path)
    assert count == 1
    messages = [p.message for p in problems]
    assert {p.file for p in problems} == {"notebooks/namnd.ipynb"}
    assert any(m.startswith("cell 4") and "har utdata (2 st)" in m for m in messages)
    assert any(m.startswith("cell 2") and "har körnummer 1" in m for m in messages)
    assert any("papermill-metadata" in m for m in messages)
    with pytest.raises(DirtyNotebooksError, match=r"notebooks/namnd\.ipynb"):
        require_clean_notebooks([tmp_path / "notebooks"], root=tmp_path)

    copy_to(stripped, tmp_path / "notebooks" / "namnd.ipynb")

    assert check_notebooks([tmp_path / "notebooks"], root=tmp_path) == (1, [])
    assert require_clean_notebooks([tmp_path / "notebooks" / "namnd.ipynb"]) == 1


def test_project_stripping_keeps_what_papermill_and_quarto_need(
    stripped_pair: tuple[Any, Path, Path],
) -> None:
    original, _, path = stripped_pair

    stripped = json.loads(path.read_text(encoding="utf-8"))
    cells = stripped["cells"]
    assert cells[1]["metadata"]["tags"] == ["parameters"]
    assert cells[2]["metadata"]["tags"] == ["injected-parameters"]
    assert [c["id"] for c in cells] == [c["id"] for c in original.cells]
    assert "".join(cells[3]["source"]).startswith("#| label: tbl-drift")
    assert stripped["metadata"]["kernelspec"]["name"] == "python3"
    assert all(c.get("outputs", []) == [] for c in cells)
    assert all(c.get("execution_count") is None for c in cells)
    assert "papermill" not in stripped["metadata"]
    assert "papermill" not in cells[3]["metadata"]


def test_cli_check_notebooks_exit_codes(
    tmp_path: Path, stripped_pair: tuple[Any, Path, Path]
) -> None:
    _, dirty, stripped = stripped_pair

    failed = runner.invoke(app, ["check-notebooks", str(dirty)])
    assert failed.exit_code == ExitCode.DATA_INVALID, failed.output
    assert "namnd.ipynb" in failed.output
    assert "har utdata" in failed.output
    assert "Traceback" not in failed.output

    passed = runner.invoke(app, ["check-notebooks", str(stripped)])
    assert passed.exit_code == ExitCode.OK, passed.output
    assert "Kontrollerade 1 anteckningsbok" in passed.output

    missing = runner.invoke(app, ["check-notebooks", str(tmp_path / "finns-inte")])
    assert missing.exit_code == ExitCode.USAGE
    assert "Hittar inte" in missing.output


def test_cli_defaults_to_the_projects_notebooks_folder(tmp_path: Path) -> None:
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "perioder.yml").write_text("perioder: []\n", encoding="utf-8")
    write(executed_notebook(), tmp_path / "notebooks" / "namnd.ipynb")
    write(executed_notebook(), tmp_path / "utanfor" / "annan.ipynb")

    result = runner.invoke(app, ["check-notebooks", "--rot", str(tmp_path)])

    assert result.exit_code == ExitCode.DATA_INVALID
    assert "notebooks/namnd.ipynb" in result.output
    assert "annan.ipynb" not in result.output


def test_build_output_checkpoints_and_environments_are_not_checked(tmp_path: Path) -> None:
    write(executed_notebook(), tmp_path / "reports" / "2022-08" / "_executed" / "bun.ipynb")
    write(executed_notebook(), tmp_path / "notebooks" / ".ipynb_checkpoints" / "x-checkpoint.ipynb")
    write(executed_notebook(), tmp_path / ".venv" / "lib" / "exempel.ipynb")
    kept = write(new_notebook(cells=[new_code_cell("1 + 1")]), tmp_path / "notebooks" / "k.ipynb")

    assert find_notebooks([tmp_path]) == [kept]
    assert check_notebooks([tmp_path]) == (1, [])


def test_a_broken_notebook_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "trasig.ipynb"
    path.write_text('{\n  "cells": [\n    {"cell_type": "code",,}\n  ]\n}\n', encoding="utf-8")
    (problem,) = notebook_problems(path, "trasig.ipynb")
    assert problem.row == 3
    assert "inte giltig JSON" in problem.message

    not_a_notebook = tmp_path / "lista.ipynb"
    not_a_notebook.write_text("[1, 2]", encoding="utf-8")
    (problem,) = notebook_problems(not_a_notebook)
    assert "saknar 'cells'" in problem.message


def test_a_missing_target_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(NotebookHygieneError, match="Hittar inte"):
        find_notebooks([tmp_path / "saknas"])


def test_pre_commit_config_runs_the_agreed_hooks_with_the_project_options() -> None:
    config = yaml.safe_load((REPO_ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {
        "ruff-check",
        "ruff-format",
        "nbstripout",
        "check-added-large-files",
        "detect-private-key",
    } <= hooks.keys()
    assert tuple(hooks["nbstripout"]["args"]) == NBSTRIPOUT_ARGS
    assert all(re.fullmatch(r"v?\d+\.\d+\.\d+", repo["rev"]) for repo in config["repos"])


def test_gitattributes_routes_notebooks_through_nbstripout() -> None:
    lines = (REPO_ROOT / ".gitattributes").read_text(encoding="utf-8").splitlines()
    rules = [line.split() for line in lines if line.strip() and not line.startswith("#")]
    assert ["*.ipynb", "filter=nbstripout"] in rules
    assert ["*.ipynb", "diff=ipynb"] in rules


def test_git_filter_uses_the_same_options_as_the_hook() -> None:
    settings = git_filter_settings("/opt/venv/bin/python")
    clean = settings["filter.nbstripout.clean"]
    assert clean.startswith('"/opt/venv/bin/python" -m nbstripout ')
    assert "--keep-id" in clean
    assert "'metadata.papermill cell.metadata.papermill'" in clean
    assert settings["filter.nbstripout.required"] == "true"
    assert settings["diff.ipynb.textconv"] == clean + " -t"
