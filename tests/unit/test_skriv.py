"""`kommunrapport skriv`: live preview of one page with (a fake) `quarto preview`, started
and stopped as an analyst would (Ctrl+C), leaving no process behind."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
from quarto_fake import STAND_IN_KEYS, fake_build, install_fake_quarto, read_calls, write_templates
from typer.testing import CliRunner

from kommunrapport.batch.cache import BuildCache, Fingerprinter
from kommunrapport.batch.jobs import plan
from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.data.loader import load_model
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.site.quarto import QUARTO_PATH_ENV
from kommunrapport.site.scaffold import new_period

PERIOD = "2022-08"


@pytest.fixture
def project(minimal_project: ProjectPaths) -> ProjectPaths:
    """Texts and (fake) executed notebooks for 2022-08, recorded in the build cache as
    current, so `skriv`'s build step has nothing to run."""
    paths = minimal_project
    write_templates(paths)
    model = load_model(paths)
    new_period(model, PERIOD, keys=STAND_IN_KEYS)
    fake_build(paths, PERIOD, ("kommun", "bun", "sn"))
    cache = BuildCache(paths)
    fingerprints = Fingerprinter(model)
    for job in plan(model):
        cache.record(job, fingerprints.job(job, "snabb"), {})
    cache.save()
    return paths


def _lines(stream: object) -> queue.Queue[str]:
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in stream:  # type: ignore[attr-defined]
            lines.put(line.rstrip("\n"))

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _wait_for(
    lines: queue.Queue[str], prefix: str, seen: list[str], timeout: float, anywhere: bool = False
) -> str:
    """The first line that starts with ``prefix`` (or, with ``anywhere``, contains it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        seen.append(line)
        if line.startswith(prefix) or (anywhere and prefix in line):
            return line
    raise AssertionError(f"ingen rad '{prefix}' inom {timeout} s:\n" + "\n".join(seen))


def _get(url: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return str(response.read().decode("utf-8"))
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_skriv_serves_the_page_and_ctrl_c_leaves_no_process(
    project: ProjectPaths, tmp_path: Path
) -> None:
    log = tmp_path / "quarto-anrop.jsonl"
    install_fake_quarto(tmp_path / "bin", log)
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    env.pop(QUARTO_PATH_ENV, None)
    cli = subprocess.Popen(
        [sys.executable, "-m", "kommunrapport", "skriv", PERIOD, "bun", "--rot", str(project.root)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, like a shell's foreground job
    )
    seen: list[str] = []
    try:
        lines = _lines(cli.stdout)
        url = _wait_for(lines, "Öppna: ", seen, 120).removeprefix("Öppna: ")
        assert url.startswith("http://127.0.0.1:") and url.endswith("/reports/2022-08/bun.html")
        assert "fake-quarto html reports/2022-08/bun.qmd" in _get(url, 30)
        family = psutil.Process(cli.pid).children(recursive=True)
        assert len(family) >= 2  # quarto and the helper it started
        os.killpg(cli.pid, signal.SIGINT)  # Ctrl+C in the terminal
        assert cli.wait(timeout=30) == 0, "\n".join(seen)
        # Quarto's last log line may lack its newline when it is stopped, so the message can
        # follow it on the same line of the shared output.
        _wait_for(lines, "Förhandsvisningen är stoppad.", seen, 10, anywhere=True)
        _, alive = psutil.wait_procs(family, timeout=10)
        assert alive == [], alive
    finally:
        if cli.poll() is None:
            os.killpg(cli.pid, signal.SIGKILL)
            cli.wait()
    (call,) = read_calls(log)
    port = url.split(":")[2].split("/")[0]
    assert call["argv"] == [
        "preview",
        "reports/2022-08/bun.qmd",
        "--to",
        "html",
        "--no-browser",
        "--port",
        port,
        "--host",
        "127.0.0.1",
    ]
    assert call["cwd"] == str(project.root)
    # The preview wrote bun's HTML: the next build renders it again.
    record = json.loads(project.render_cache_file.read_text(encoding="utf-8"))
    assert "html" not in record["sidor"].get("reports/2022-08/bun.qmd", {})
    assert not psutil.pid_exists(call["child"]) or (
        psutil.Process(call["child"]).status() == psutil.STATUS_ZOMBIE
    )


def test_skriv_without_quarto_explains_and_points_to_preview(
    project: ProjectPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "tom"))
    monkeypatch.delenv(QUARTO_PATH_ENV, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python" / "bin" / "python"))
    monkeypatch.setattr("kommunrapport.site.quarto._package_binary", lambda: None)
    result = CliRunner().invoke(app, ["skriv", PERIOD, "sn", "--rot", str(project.root)])
    assert result.exit_code == ExitCode.QUARTO_MISSING, result.output
    assert "Quarto hittades inte" in result.output
    assert 'pip install "quarto-cli>=1.10"' in result.output
    assert f"kommunrapport preview {PERIOD} sn" in result.output
    assert project.period_report(PERIOD).is_file()  # the generated files are written


def test_skriv_names_what_is_unknown(project: ProjectPaths) -> None:
    result = CliRunner().invoke(app, ["skriv", PERIOD, "xyz", "--rot", str(project.root)])
    assert result.exit_code == ExitCode.USAGE
    assert "'xyz' ingår inte i perioden 2022-08" in result.output
    result = CliRunner().invoke(app, ["skriv", "2030-01", "bun", "--rot", str(project.root)])
    assert result.exit_code == ExitCode.USAGE
    assert "okänd period '2030-01'" in result.output


def test_skriv_refuses_a_page_with_an_include(project: ProjectPaths) -> None:
    page = project.narrative_file(PERIOD, "sn")
    page.write_text(
        page.read_text(encoding="utf-8") + "\n<!-- {{< include ../../../etc/hostname >}} -->\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["skriv", PERIOD, "sn", "--rot", str(project.root)])
    assert result.exit_code == ExitCode.DATA_INVALID, result.output
    assert "reports/2022-08/sn.qmd, rad" in result.output
    assert "kortkoden 'include'" in result.output and "Traceback" not in result.output
