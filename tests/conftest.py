"""Shared fixtures: small sample projects copied to a temporary directory."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from kommunrapport.paths import ProjectPaths

FIXTURES = Path(__file__).parent / "fixtures"
REPO_ROOT = Path(__file__).parent.parent


def copy_project(source: Path, target: Path) -> ProjectPaths:
    shutil.copytree(
        source, target, ignore=shutil.ignore_patterns("_executed", "_site", ".kommunrapport")
    )
    return ProjectPaths(target)


@pytest.fixture
def minimal_project(tmp_path: Path) -> ProjectPaths:
    """A small valid project (two nämnder, one period), safe to modify."""
    return copy_project(FIXTURES / "minimal", tmp_path / "projekt")


@pytest.fixture
def example_project(tmp_path_factory: pytest.TempPathFactory) -> Callable[[], ProjectPaths]:
    """A fresh copy of the bundled example kommun (data, params, notebooks, reports)."""

    def make() -> ProjectPaths:
        target = tmp_path_factory.mktemp("exempel") / "projekt"
        target.mkdir()
        for name in ("data", "params", "notebooks", "reports"):
            if (REPO_ROOT / name).exists():
                shutil.copytree(
                    REPO_ROOT / name,
                    target / name,
                    ignore=shutil.ignore_patterns("_executed", ".ipynb_checkpoints"),
                )
        for name in ("_quarto.yml", "index.qmd"):
            if (REPO_ROOT / name).exists():
                shutil.copy2(REPO_ROOT / name, target / name)
        return ProjectPaths(target)

    return make
