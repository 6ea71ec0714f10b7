"""`kommunrapport lab`: JupyterLab with real-time collaboration on a loopback port.

The test starts the real command as a subprocess in a small project, talks to it over
the Jupyter Server REST API (and one collaboration websocket), stops it with Ctrl+C
(SIGINT to its process group) and checks that no process is left and git stays clean.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

REPO_ROOT = Path(__file__).resolve().parents[2]
NARRATIVE = "reports/2022-08/bun.qmd"
TEMPLATE = "notebooks/mall.ipynb"
START_TIMEOUT = 90.0  # seconds; a cold JupyterLab start takes 2-5 s here
STOP_TIMEOUT = 30.0

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="uses POSIX process groups and signals"),
    pytest.mark.skipif(shutil.which("git") is None, reason="checks git status; needs git"),
]


@dataclass
class RunningLab:
    process: subprocess.Popen[bytes]
    root: Path
    base: str
    token: str
    stdout: Path
    stderr: Path

    def request(self, method: str, path: str, body: object = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            f"{self.base}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(req, timeout=30) as response:
            raw = response.read()
        return json.loads(raw) if raw.startswith(b"{") or raw.startswith(b"[") else raw


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> object:
    """Poll ``condition`` until it returns something truthy, at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def make_project(root: Path) -> None:
    """The smallest project `kommunrapport lab` serves: the root marker, one narrative file
    and one template notebook, committed to git with the project's .gitignore."""
    (root / "params").mkdir(parents=True)
    (root / "params" / "perioder.yml").write_text("perioder: []\n", encoding="utf-8")
    narrative = root / NARRATIVE
    narrative.parent.mkdir(parents=True)
    narrative.write_text(
        "---\ntitle: Barn- och utbildningsnämnden\nstatus: utkast\nansvarig: Anna\n---\n\n"
        "## Sammanfattning\n\nVad är det viktigaste som hänt under perioden?\n",
        encoding="utf-8",
    )
    notebook = new_notebook(
        cells=[
            new_markdown_cell("# Nämndens rapport"),
            new_code_cell('period = "2022-08"\nnamnd = "bun"', metadata={"tags": ["parameters"]}),
            new_code_cell("print(period, namnd)"),
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    (root / "notebooks").mkdir()
    nbformat.write(notebook, str(root / TEMPLATE))
    shutil.copy2(REPO_ROOT / ".gitignore", root / ".gitignore")
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "start"]):
        subprocess.run([*git, *args], cwd=root, check=True, capture_output=True, timeout=60)


def isolated_env(tmp_path: Path) -> dict[str, str]:
    """The user's environment with Jupyter's and IPython's own folders in tmp_path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "KOMMUNRAPPORT"))}
    jupyter = tmp_path / "jupyter"
    for name in ("config", "data", "runtime", "ipython"):
        (jupyter / name).mkdir(parents=True)
    env |= {
        "JUPYTER_CONFIG_DIR": str(jupyter / "config"),
        "JUPYTER_DATA_DIR": str(jupyter / "data"),
        "JUPYTER_RUNTIME_DIR": str(jupyter / "runtime"),
        "IPYTHONDIR": str(jupyter / "ipython"),
    }
    # No allow_root in Jupyter's config: as root (CI containers), `kommunrapport lab` itself
    # must start the server, with a Swedish warning (see test_as_root_...).
    return env


def command() -> list[str]:
    script = Path(sys.executable).with_name("kommunrapport")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from kommunrapport.cli import main; main()"]


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[RunningLab]:
    root = tmp_path / "projekt"
    make_project(root)
    port = free_loopback_port()
    stdout, stderr = tmp_path / "lab.out", tmp_path / "lab.err"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            [*command(), "lab", "--rot", str(root), "--port", str(port), "--ingen-webblasare"],
            cwd=tmp_path,
            env=isolated_env(tmp_path),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
    try:

        def printed_url() -> re.Match[str] | None:
            if process.poll() is not None:
                raise AssertionError(f"lab exited early:\n{stderr.read_text()[-3000:]}")
            return re.search(
                r"Öppna: (http://127\.0\.0\.1:(\d+))/lab\?token=(\w+)", stdout.read_text()
            )

        match = wait_for(printed_url, START_TIMEOUT, "the URL with its token")
        assert isinstance(match, re.Match)
        assert int(match.group(2)) == port
        running = RunningLab(process, root, match.group(1), match.group(3), stdout, stderr)

        def answers() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"lab exited early:\n{stderr.read_text()[-3000:]}")
            try:
                return bool(running.request("GET", "/api/status"))
            except (urllib.error.URLError, ConnectionError):
                return False

        wait_for(answers, START_TIMEOUT, "the Jupyter Server REST API")
        yield running
    finally:
        if process.poll() is None:  # the test failed before stopping it: do not leak it
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT)


def sync_and_append(lab: RunningLab, session: dict[str, str], added: str) -> str:
    """Join the narrative file's collaboration room as a client, read the shared text and
    append to it, as a second analyst's browser would."""
    from pycrdt import (
        Doc,
        Text,
        YMessageType,
        create_sync_message,
        create_update_message,
        handle_sync_message,
    )
    from tornado.websocket import websocket_connect

    room = f"text:file:{session['fileId']}"
    url = (
        f"{lab.base.replace('http', 'ws', 1)}/api/collaboration/room/{room}"
        f"?sessionId={session['sessionId']}&token={lab.token}"
    )

    async def run() -> str:
        ws = await asyncio.wait_for(websocket_connect(url), 30)
        doc = Doc()
        text = doc.get("source", type=Text)
        await ws.write_message(create_sync_message(doc), binary=True)
        while "Sammanfattning" not in str(text):
            message = await asyncio.wait_for(ws.read_message(), 30)
            assert isinstance(message, bytes), "the room closed before the document arrived"
            if message[0] == YMessageType.SYNC:
                reply = handle_sync_message(message[1:], doc)
                if reply is not None:
                    await ws.write_message(reply, binary=True)
        seen = str(text)
        updates: list[bytes] = []
        subscription = doc.observe(lambda event: updates.append(event.update))
        text += added
        doc.unobserve(subscription)
        for update in updates:
            await ws.write_message(create_update_message(update), binary=True)
        ws.close()
        return seen

    return asyncio.run(run())


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="the superuser case: runs where the tests run as root (CI containers)",
)
def test_as_root_the_lab_starts_with_a_swedish_warning(lab: RunningLab) -> None:
    # The fixture has waited for the server to answer: Jupyter did not refuse root.
    assert lab.request("GET", "/api/status")
    warning = lab.stderr.read_text(encoding="utf-8")
    assert "Varning:" in warning and "Du kör som root" in warning, warning
    assert "Running as root is not recommended" not in warning


def test_lab_serves_the_project_collaboratively_and_stops_cleanly(lab: RunningLab) -> None:
    # The narrative file opens as text, the template notebook as a notebook.
    qmd = lab.request("GET", f"/api/contents/{NARRATIVE}?content=1")
    assert (qmd["type"], qmd["format"]) == ("file", "text")
    assert qmd["content"] == (lab.root / NARRATIVE).read_text(encoding="utf-8")
    notebook = lab.request("GET", f"/api/contents/{TEMPLATE}?content=1")
    assert (notebook["type"], notebook["format"]) == ("notebook", "json")
    assert notebook["content"]["cells"][1]["metadata"]["tags"] == ["parameters"]

    # Real-time collaboration is on: the page enables it and loads its extension ...
    page = lab.request("GET", f"/lab?token={lab.token}").decode()
    config_match = re.search(r'id="jupyter-config-data"[^>]*>\s*(\{.*?\})\s*</script>', page, re.S)
    assert config_match, "no page config in /lab"
    config = json.loads(config_match.group(1))
    assert config["disableRTC"] is False
    assert "@jupyter/collaboration-extension" in {e["name"] for e in config["federated_extensions"]}
    # ... and the server opens a shared session for both kinds of file.
    sessions = {
        path: lab.request("PUT", f"/api/collaboration/session/{path}", {"format": f, "type": t})
        for path, f, t in ((NARRATIVE, "text", "file"), (TEMPLATE, "json", "notebook"))
    }
    assert all(s["fileId"] and s["sessionId"] for s in sessions.values())

    # A collaborator's edit in the shared document reaches the file on disk.
    added = "\nVi har nått fyra av sex nämndmål.\n"
    seen = sync_and_append(lab, sessions[NARRATIVE], added)
    assert seen == qmd["content"]
    narrative = lab.root / NARRATIVE
    wait_for(lambda: added in narrative.read_text(encoding="utf-8"), 30, "the edit on disk")

    # A kernel for the template notebook: a child process that stopping must take down.
    kernel_session = lab.request(
        "POST",
        "/api/sessions",
        {"path": TEMPLATE, "name": "mall.ipynb", "type": "notebook", "kernel": {"name": "python3"}},
    )
    assert kernel_session["kernel"]["id"]
    server = psutil.Process(lab.process.pid)
    children = server.children(recursive=True)
    assert any("ipykernel" in " ".join(c.cmdline()) for c in children), children

    # Ctrl+C in the terminal: SIGINT to the whole process group.
    os.killpg(lab.process.pid, signal.SIGINT)
    assert lab.process.wait(timeout=STOP_TIMEOUT) == 0, lab.stderr.read_text()[-3000:]
    _, alive = psutil.wait_procs(children, timeout=STOP_TIMEOUT)
    assert alive == [], f"left behind: {alive}"
    with pytest.raises(ProcessLookupError):
        os.killpg(lab.process.pid, 0)

    # The collaboration state went to the ignored state folder; git sees only the edit.
    assert (lab.root / ".kommunrapport" / "lab" / "jupyter_ystore.db").is_file()
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=lab.root,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert status.splitlines() == [f" M {NARRATIVE}"]
