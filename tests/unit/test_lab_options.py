"""What `kommunrapport lab` decides before JupyterLab starts (the server itself: e2e)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.collab.lab import (
    LabError,
    LabSession,
    is_loopback,
    prepare_lab,
    root_warning,
    sharing_warning,
)
from kommunrapport.data.paths import ProjectPaths


@pytest.fixture
def project(tmp_path: Path) -> ProjectPaths:
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "perioder.yml").write_text("perioder: []\n", encoding="utf-8")
    return ProjectPaths(tmp_path)


def test_loopback_by_default_with_a_token_in_the_url(project: ProjectPaths) -> None:
    session = prepare_lab(project, port=0, open_browser=False)

    assert session.ip == "127.0.0.1"
    assert 0 < session.port < 65536
    assert len(session.token) >= 32
    assert session.url == f"http://127.0.0.1:{session.port}/lab?token={session.token}"
    assert sharing_warning(session) is None
    assert prepare_lab(project, port=0).token != session.token


def test_collaboration_state_goes_to_the_ignored_state_folder(project: ProjectPaths) -> None:
    argv = prepare_lab(project, port=0).argv()

    assert f"--ServerApp.root_dir={project.root}" in argv
    assert "--ServerApp.port_retries=0" in argv
    state = project.state_dir
    for option in ("SQLiteYStore.db_path", "YDocExtension.session_store_path"):
        (value,) = [a.split("=", 1)[1] for a in argv if a.startswith(f"--{option}=")]
        assert Path(value).parent.parent == state


def test_sharing_on_the_network_warns_in_swedish(project: ProjectPaths) -> None:
    session = prepare_lab(project, ip="0.0.0.0", port=0)

    assert session.is_shared
    assert socket.gethostname() in session.url
    warning = sharing_warning(session)
    assert warning is not None
    assert "kan köra kod" in warning
    assert "token" in warning


def test_a_busy_port_is_a_clear_error(project: ProjectPaths) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(LabError, match=f"Port {port} på 127.0.0.1 används redan"):
            prepare_lab(project, port=port)

        result = CliRunner().invoke(
            app, ["lab", "--rot", str(project.root), "--port", str(port), "--ingen-webblasare"]
        )
    assert result.exit_code == ExitCode.USAGE
    assert "används redan" in result.output


@pytest.mark.parametrize(
    ("ip", "expected"),
    [("127.0.0.1", True), ("127.0.1.1", True), ("::1", True), ("localhost", True),
     ("0.0.0.0", False), ("10.1.2.3", False), ("rapport.kommun.se", False)],
)  # fmt: skip
def test_is_loopback(ip: str, expected: bool) -> None:
    assert is_loopback(ip) is expected


def test_bad_port_and_unknown_address(project: ProjectPaths) -> None:
    with pytest.raises(LabError, match="Ogiltig port"):
        prepare_lab(project, port=70000)
    with pytest.raises(LabError, match="--ip"):
        prepare_lab(project, ip="inte.en.adress.invalid", port=0)


def test_cli_prints_the_url_and_the_warning_then_runs_the_lab(
    project: ProjectPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[LabSession] = []
    monkeypatch.setattr("kommunrapport.collab.lab.run_lab", started.append)

    result = CliRunner().invoke(
        app,
        ["lab", "--rot", str(project.root), "--ip", "0.0.0.0", "--port", "0", "--ingen-webblasare"],
    )

    assert result.exit_code == ExitCode.OK, result.output
    (session,) = started
    assert session.paths.root == project.root
    assert session.open_browser is False
    assert f"Öppna: {session.url}" in result.output
    assert "Varning:" in result.output
    assert "kan köra kod" in result.output


@pytest.mark.parametrize("as_root", [True, False], ids=["root", "user"])
def test_as_root_jupyter_is_allowed_to_start_with_a_swedish_warning(
    project: ProjectPaths, monkeypatch: pytest.MonkeyPatch, as_root: bool
) -> None:
    monkeypatch.setattr("kommunrapport.collab.lab.running_as_root", lambda: as_root)
    started: list[LabSession] = []
    monkeypatch.setattr("kommunrapport.collab.lab.run_lab", started.append)

    result = CliRunner().invoke(app, ["lab", "--rot", str(project.root), "--port", "0"])

    assert result.exit_code == ExitCode.OK, result.output
    (session,) = started
    assert ("--ServerApp.allow_root=True" in session.argv()) is as_root
    assert (root_warning(session) is not None) is as_root
    assert ("Varning: Du kör som root" in result.output) is as_root
