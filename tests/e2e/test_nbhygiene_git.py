"""git stays clean: with the filter that `kommunrapport setup-git` defines and the project's
.gitattributes, a notebook is stripped when staged while the analyst's copy keeps its outputs."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output
from typer.testing import CliRunner

from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.collab.nbhygiene import notebook_problems

REPO_ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git program")


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True, timeout=60
    )
    return done.stdout


def test_staged_notebook_is_stripped_and_the_working_copy_kept(tmp_path: Path) -> None:
    root = tmp_path / "projekt"
    (root / "params").mkdir(parents=True)
    (root / "params" / "perioder.yml").write_text("perioder: []\n", encoding="utf-8")
    shutil.copy2(REPO_ROOT / ".gitattributes", root / ".gitattributes")
    git(root, "init", "-q")

    result = CliRunner().invoke(app, ["setup-git", "--rot", str(root)])
    assert result.exit_code == ExitCode.OK, result.output
    assert "--keep-id" in git(root, "config", "--local", "filter.nbstripout.clean")

    cell = new_code_cell("1 + 1", metadata={"tags": ["parameters"]})
    cell.execution_count = 1
    cell.outputs = [new_output("execute_result", data={"text/plain": "2"}, execution_count=1)]
    path = root / "notebooks" / "namnd.ipynb"
    path.parent.mkdir()
    nbformat.write(new_notebook(cells=[cell]), str(path))
    worked_on = path.read_bytes()

    git(root, "add", "notebooks/namnd.ipynb")

    staged = root / "staged.ipynb"
    staged.write_text(git(root, "show", ":notebooks/namnd.ipynb"), encoding="utf-8")
    assert notebook_problems(staged) == []
    assert notebook_problems(path) != []
    staged_cell = json.loads(staged.read_text(encoding="utf-8"))["cells"][0]
    assert staged_cell["metadata"]["tags"] == ["parameters"]
    assert staged_cell["id"] == cell.id
    assert path.read_bytes() == worked_on
    assert git(root, "status", "--porcelain", "--", "notebooks") == "A  notebooks/namnd.ipynb\n"


def test_setup_git_outside_a_clone_says_so(tmp_path: Path) -> None:
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "perioder.yml").write_text("perioder: []\n", encoding="utf-8")
    env_ceiling = {"GIT_CEILING_DIRECTORIES": str(tmp_path.parent)}
    result = CliRunner(env=env_ceiling).invoke(app, ["setup-git", "--rot", str(tmp_path)])
    assert result.exit_code == ExitCode.USAGE
    assert "git-klon" in result.output
