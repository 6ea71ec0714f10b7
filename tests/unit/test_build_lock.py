"""One build at a time per project, and the cleaning of what a killed build left (issue 17,
items 6 and 11). The race of two real build processes is in tests/e2e/test_build_race.py."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kommunrapport.batch.lock import BuildBusyError, build_lock
from kommunrapport.batch.runner import BuildReport
from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.data.paths import ProjectPaths

runner = CliRunner()
PERIOD = "2022-08"


def test_a_second_build_gives_up_in_swedish_after_its_wait(minimal_project: ProjectPaths) -> None:
    with build_lock(minimal_project):
        result = runner.invoke(
            app, ["build", "--rot", str(minimal_project.root), "--no-render", "--vanta", "0.3"]
        )
    assert result.exit_code == ExitCode.BUSY, result.output
    assert "Ett annat bygge pågår i projektet; väntar högst 0.3 s" in result.output
    assert "Ett annat bygge pågår fortfarande" in result.output and "--vanta" in result.output
    assert "Traceback" not in result.output
    assert not minimal_project.executed_dir(PERIOD).exists()  # it did nothing


def test_the_lock_is_free_again_after_a_build(minimal_project: ProjectPaths) -> None:
    with build_lock(minimal_project):
        pass
    with (
        build_lock(minimal_project, wait=0),
        pytest.raises(BuildBusyError, match="annat bygge pågår"),
        build_lock(minimal_project, wait=0),
    ):
        pass


def _leftovers(paths: ProjectPaths) -> tuple[list[Path], list[Path]]:
    """(what an interrupted build leaves, what a person or another tool keeps) in the
    folders a build writes to."""
    executed = paths.executed_dir(PERIOD)
    period = paths.period_dir(PERIOD)
    left = [
        executed / f".bun.{os.getpid() + 1}.tmp.ipynb",
        executed / ".bun_data.k2j4_x9q",  # the runner's staging folder, older naming
        executed / ".bun_data.k2j4_x9q.new",
        executed / ".kommun_data.old",
        executed / ".sn_data.abcd1234.old",
        executed / ".bun.yml.ab12cd34.tmp",
        executed / "._rapport.yml.ab12cd34.tmp",
        executed / "_rapport" / ".bun.ipynb.zz99yy88.tmp",
        period / ".oppna-data.q1w2e3r4.new",
        period / ".oppna-data.q1w2e3r4.old",
        period / ".index.qmd.q1w2e3r4.tmp",
        paths.root / "._webbplats.yml.q1w2e3r4.tmp",
        paths.state_dir / ".model.pickle.q1w2e3r4.tmp",
    ]
    kept = [
        period / ".bun.qmd.swp",  # an editor's
        period / ".anteckningar",
        period / "bun.qmd",
        executed / ".bun_data.mina-filer",
        executed / "bun.ipynb",
        paths.root / ".gitignore",
        paths.data_dir / ".driftredovisning.csv.ab12cd34.tmp",  # data/ is never touched
    ]
    for path in left + kept:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.name.endswith(("_data.k2j4_x9q", ".new", ".old")):
            path.mkdir()
            (path / "drift.csv").write_text("a,b\n", encoding="utf-8")
        else:
            path.write_text("x", encoding="utf-8")
    return left, kept


def test_the_build_that_takes_the_lock_deletes_only_its_own_leftovers(
    minimal_project: ProjectPaths,
) -> None:
    left, kept = _leftovers(minimal_project)
    with build_lock(minimal_project) as removed:
        assert sorted(removed) == sorted(left)
    assert [p for p in left if p.exists()] == []
    assert [p for p in kept if not p.exists()] == []


def test_leftovers_stay_while_another_build_holds_the_lock(minimal_project: ProjectPaths) -> None:
    with build_lock(minimal_project):
        left, _ = _leftovers(minimal_project)  # e.g. the running build's own temporary files
        result = runner.invoke(
            app, ["build", "--rot", str(minimal_project.root), "--no-render", "--vanta", "0"]
        )
        assert result.exit_code == ExitCode.BUSY, result.output
        assert all(p.exists() for p in left)
    with build_lock(minimal_project) as removed:
        assert sorted(removed) == sorted(left)


def test_a_permission_error_in_the_site_step_is_a_swedish_message(
    minimal_project: ProjectPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests run as root in CI, where chmod does not stop a write: refuse it at os.replace.
    real_replace = os.replace

    def replace(src: object, dst: object) -> None:
        if str(dst).endswith("_webbplats.yml"):
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr("kommunrapport.batch.runner.build", lambda *a, **k: BuildReport())
    result = runner.invoke(app, ["build", "--rot", str(minimal_project.root)])
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "Kan inte läsa eller skriva _webbplats.yml: åtkomst nekad" in result.output
    assert not isinstance(result.exception, PermissionError)
