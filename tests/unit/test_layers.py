"""The import-linter contracts in pyproject.toml hold, and they would catch a violation."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(
    not LINT_IMPORTS.exists(), reason="import-linter saknas (pip install -e '.[dev]')"
)


def _lint(project: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(project / "src")}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(project / "pyproject.toml")],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _copy_project(tmp_path: Path) -> Path:
    project = tmp_path / "projekt"
    shutil.copytree(
        REPO / "src", project / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    shutil.copy(REPO / "pyproject.toml", project / "pyproject.toml")
    return project


def test_the_repository_keeps_its_contracts(tmp_path: Path) -> None:
    result = _lint(_copy_project(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("data/paths.py", "import kommunrapport.content.formatting", "Layers"),
        ("content/tables.py", "import kommunrapport.batch.jobs", "Layers"),
        ("batch/jobs.py", "import kommunrapport.site.narrative", "Layers"),
        ("kolada/client.py", "import kommunrapport.content.formatting", "Kolada"),
        ("collab/lab.py", "import kommunrapport.kolada.client", "do not use each other"),
        ("site/preview.py", "import kommunrapport.cli", "Nothing but __main__"),
    ],
)
def test_an_upward_import_breaks_a_contract(
    tmp_path: Path, module: str, line: str, contract: str
) -> None:
    project = _copy_project(tmp_path)
    target = project / "src" / "kommunrapport" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    result = _lint(project)
    assert result.returncode != 0
    broken = [ln for ln in result.stdout.splitlines() if ln.endswith("BROKEN")]
    assert any(contract in ln for ln in broken), result.stdout
