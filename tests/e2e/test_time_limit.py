"""A job's time limit: past it the job is stopped and reported, the others go on."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from tests_support import append_template_cell
from typer.testing import CliRunner

from kommunrapport.batch import runner, timelimit
from kommunrapport.batch.runner import BuildReport, build
from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.data.loader import load_model
from kommunrapport.data.paths import ProjectPaths

pytestmark = pytest.mark.slow

# The cell ends for every nämnd but sn, which waits for ever. The pid file (in the notebooks
# folder, where a job runs) shows it began.
HANG = """import os, time
if namnd == "sn":
    open("sn.pid", "w").write(str(os.getpid()))
    time.sleep(3600)
"""

# A cell that swallows every error, and a program it started: only a kill ends them.
STUBBORN = """import os, subprocess, time
if namnd == "sn":
    child = subprocess.Popen(["sleep", "300"])
    open("sn.pid", "w").write(str(child.pid))
    while True:
        try:
            time.sleep(100)
        except BaseException:
            pass
"""


def run(paths: ProjectPaths, **kwargs: Any) -> BuildReport:
    return build(load_model(paths), **kwargs)


def by_key(report: BuildReport) -> dict[str, runner.JobResult]:
    return {r.job.key: r for r in report.results}


def leftovers(paths: ProjectPaths) -> list[str]:
    return sorted(p.name for p in paths.executed_dir("2022-08").iterdir() if ".tmp" in p.name)


def gone(pid: int, within: float = 15.0) -> bool:
    end = time.monotonic() + within
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


def error_outputs(path: Path) -> list[dict[str, Any]]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [o for c in nb["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]


@pytest.mark.parametrize("engine", ["snabb", "kernel"])
def test_a_job_past_its_limit_fails_in_its_cell_and_the_others_go_on(
    minimal_project: ProjectPaths,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    engine: runner.EngineName,
) -> None:
    assert run(minimal_project, engine=engine).ok
    earlier = minimal_project.executed_notebook("2022-08", "sn").read_bytes()
    pid_file = minimal_project.notebooks_dir / "sn.pid"
    index = append_template_cell(minimal_project, HANG)

    report = run(minimal_project, engine=engine, time_limit=4)

    results = by_key(report)
    assert results["2022-08/bun"].status == "klar"
    assert results["2022-08/kommun"].status == "cachad"  # its template did not change
    sn = results["2022-08/sn"]
    assert sn.status == "misslyckad"
    assert sn.error is not None
    assert sn.error.startswith(f"tidsgränsen på 4 s överskreds i cell {index} (In [")
    assert "stoppades" not in sn.error  # the engine stopped the cell: no kill was needed
    # the earlier result stays; the stopped notebook shows the error in its cell
    assert minimal_project.executed_notebook("2022-08", "sn").read_bytes() == earlier
    assert sn.notebook == minimal_project.failed_notebook("2022-08", "sn")
    errors = error_outputs(sn.notebook)
    assert [(e["ename"], e["evalue"]) for e in errors] == [
        (timelimit.ENAME, "tidsgränsen på 4 s överskreds")
    ]
    assert leftovers(minimal_project) == []
    assert gone(int(pid_file.read_text()))  # the kernel (or the job's process) has ended


def test_a_job_that_will_not_stop_is_killed_with_what_it_started(
    minimal_project: ProjectPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(minimal_project).ok
    earlier = minimal_project.executed_notebook("2022-08", "sn").read_bytes()
    pid_file = minimal_project.notebooks_dir / "sn.pid"
    monkeypatch.setattr(runner, "KILL_GRACE_SECONDS", 1.0)
    index = append_template_cell(minimal_project, STUBBORN)

    report = run(minimal_project, time_limit=3)

    results = by_key(report)
    assert results["2022-08/bun"].status == "klar"
    sn = results["2022-08/sn"]
    assert (sn.status, sn.error) == (
        "misslyckad",
        f"tidsgränsen på 3 s överskreds i cell {index}; jobbet stoppades",
    )
    assert gone(int(pid_file.read_text()), within=5)  # the cell's own program too
    assert minimal_project.executed_notebook("2022-08", "sn").read_bytes() == earlier
    assert leftovers(minimal_project) == []


def test_the_limit_comes_from_the_command_or_the_project(minimal_project: ProjectPaths) -> None:
    append_template_cell(
        minimal_project, 'if namnd == "sn":\n    import time\n    time.sleep(3600)\n'
    )
    params = minimal_project.params_file
    params.write_text(params.read_text(encoding="utf-8") + "bygg:\n  tidsgrans: 3\n", "utf-8")
    root = str(minimal_project.root)

    result = CliRunner().invoke(app, ["build", "--rot", root, "--no-render"])
    assert result.exit_code == ExitCode.BUILD_FAILED, result.output
    assert "2022-08/sn: tidsgränsen på 3 s överskreds i cell" in result.output

    result = CliRunner().invoke(app, ["build", "--rot", root, "--no-render", "--tidsgrans", "2.5"])
    assert result.exit_code == ExitCode.BUILD_FAILED, result.output
    assert "tidsgränsen på 2,5 s överskreds i cell" in result.output


def test_a_bad_limit_is_refused(minimal_project: ProjectPaths) -> None:
    root = str(minimal_project.root)
    result = CliRunner().invoke(app, ["build", "--rot", root, "--tidsgrans", "0"])
    assert result.exit_code == ExitCode.USAGE
    params = minimal_project.params_file
    params.write_text(params.read_text(encoding="utf-8") + "bygg:\n  tidsgrans: -5\n", "utf-8")
    result = CliRunner().invoke(app, ["check", "--rot", root])
    assert result.exit_code == ExitCode.DATA_INVALID, result.output
    assert "perioder.yml" in result.output
    assert "tidsgrans" in result.output


def test_a_job_whose_process_dies_fails_alone(minimal_project: ProjectPaths) -> None:
    assert run(minimal_project).ok
    earlier = minimal_project.executed_notebook("2022-08", "sn").read_bytes()
    append_template_cell(minimal_project, 'if namnd == "sn":\n    import os\n    os._exit(3)')

    report = run(minimal_project, jobs=1)  # one at a time: the next job needs a new process

    results = by_key(report)
    assert results["2022-08/bun"].status == "klar"
    assert (results["2022-08/sn"].status, results["2022-08/sn"].error) == (
        "misslyckad",
        "jobbets process avslutades oväntat (kod 3)",
    )
    assert minimal_project.executed_notebook("2022-08", "sn").read_bytes() == earlier
    assert leftovers(minimal_project) == []
