"""Two `kommunrapport build` processes in one project (issue 17, item 6): the second waits
for the first, and neither fails a job or prints a traceback because of the other."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from kommunrapport.batch.lock import build_lock
from kommunrapport.data.paths import ProjectPaths

TIMEOUT = 600
JOBS = ("bun", "sn", "kommun")


def command(paths: ProjectPaths, *extra: str) -> list[str]:
    script = Path(sys.executable).with_name("kommunrapport")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "kommunrapport"]
    return [*base, "build", "--rot", str(paths.root), "--no-render", "--jobs", "2", *extra]


def start(paths: ProjectPaths, log: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOMMUNRAPPORT")}
    with log.open("wb") as out:
        return subprocess.Popen(
            command(paths, *extra),
            cwd=paths.root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def test_two_builds_at_once_both_succeed(minimal_project: ProjectPaths, tmp_path: Path) -> None:
    logs = [tmp_path / "forsta.log", tmp_path / "andra.log"]
    processes = [start(minimal_project, log, "--force") for log in logs]
    codes = [p.wait(timeout=TIMEOUT) for p in processes]
    outputs = [log.read_text(encoding="utf-8") for log in logs]
    for code, output in zip(codes, outputs, strict=True):
        assert code == 0, output
        assert "Traceback" not in output, output
        assert "3 klara, 0 cachade, 0 misslyckade" in output, output
    for job in JOBS:
        assert minimal_project.executed_notebook("2022-08", job).is_file()
        assert (minimal_project.open_data_dir("2022-08", job) / "kolumner.csv").is_file()
    executed = minimal_project.executed_dir("2022-08")
    assert [p.name for p in executed.iterdir() if p.name.startswith(".")] == []


def test_a_second_build_waits_with_a_message_then_cleans_and_runs(
    minimal_project: ProjectPaths, tmp_path: Path
) -> None:
    log = tmp_path / "bygge.log"
    leftover = minimal_project.executed_dir("2022-08") / ".bun.999999.tmp.ipynb"
    with build_lock(minimal_project):
        process = start(minimal_project, log)
        deadline = time.monotonic() + TIMEOUT
        while "Ett annat bygge pågår" not in log.read_text(encoding="utf-8"):
            assert process.poll() is None, log.read_text(encoding="utf-8")
            assert time.monotonic() < deadline, "the second build never said it waits"
            time.sleep(0.1)
        leftover.parent.mkdir(parents=True, exist_ok=True)
        leftover.write_text("{}", encoding="utf-8")  # as a killed job would leave it
        time.sleep(0.5)
        assert process.poll() is None  # still waiting
        assert leftover.exists()
    assert process.wait(timeout=TIMEOUT) == 0, log.read_text(encoding="utf-8")
    output = log.read_text(encoding="utf-8")
    assert "väntar tills det är klart" in output
    assert "Traceback" not in output
    assert not leftover.exists()
