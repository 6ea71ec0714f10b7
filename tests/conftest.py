"""Shared fixtures: small sample projects copied to a temporary directory."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests_support import make_example_copy

from kommunrapport.data.paths import STATE_HOME_ENV, ProjectPaths

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True, scope="session")
def _own_user_state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The user's state folder (the model cache's key) in a temporary folder, for the
    tests and the processes they start, never in the real home."""
    folder = tmp_path_factory.mktemp("user-state")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(STATE_HOME_ENV, str(folder))
        mp.setenv("LOCALAPPDATA", str(folder))
        yield folder


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
    """A factory of fresh copies of the bundled example kommun (no build output)."""

    def make() -> ProjectPaths:
        return make_example_copy(tmp_path_factory.mktemp("exempel"))

    return make
