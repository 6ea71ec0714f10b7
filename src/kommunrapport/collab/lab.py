"""JupyterLab with real-time collaboration, started in the project root.

``kommunrapport lab`` runs JupyterLab in-process (one process: Ctrl+C or SIGTERM stops it
and the kernels it started) with the ``jupyter-collaboration`` extension on, so several
analysts can edit the same narrative file or notebook at once. The collaboration state
(the shared documents' history, file ids, session ids) goes to the git-ignored
``.kommunrapport/lab/`` instead of the project root.

By default the server listens on 127.0.0.1 only. Sharing it on the kommun's network
(``--ip``) gives everyone holding the token a shell on this machine: the CLI prints a
Swedish warning saying so (:func:`sharing_warning`).
"""

from __future__ import annotations

import errno
import importlib
import importlib.util
import ipaddress
import os
import secrets
import signal
import socket
from dataclasses import dataclass
from types import FrameType
from typing import Any

from kommunrapport.data.errors import KommunrapportError
from kommunrapport.data.paths import ROOT_ENV, ProjectPaths

DEFAULT_IP = "127.0.0.1"
DEFAULT_PORT = 8888
COLLABORATION_EXTENSION = "jupyter_server_ydoc"
_WILDCARD_IPS = frozenset({"", "0.0.0.0", "::", "*"})


class LabError(KommunrapportError):
    """JupyterLab cannot be started as asked (busy port, unknown address, missing extension)."""


@dataclass(frozen=True)
class LabSession:
    """Everything needed to start one JupyterLab server, decided before it starts."""

    paths: ProjectPaths
    ip: str
    port: int
    token: str
    open_browser: bool
    as_root: bool = False
    """Run as the superuser: Jupyter refuses that unless told to (see :func:`root_warning`)."""

    @property
    def url(self) -> str:
        """The address to open, token included, as a person on the network would type it."""
        host = socket.gethostname() if self.ip in _WILDCARD_IPS else self.ip
        if ":" in host:  # an IPv6 literal
            host = f"[{host}]"
        return f"http://{host}:{self.port}/lab?token={self.token}"

    @property
    def is_shared(self) -> bool:
        """Whether other machines can reach the server."""
        return not is_loopback(self.ip)

    def argv(self) -> list[str]:
        """Command-line configuration for JupyterLab's server (traitlets syntax)."""
        paths = self.paths
        return [
            f"--ServerApp.root_dir={self.paths.root}",
            f"--ServerApp.ip={self.ip}",
            f"--ServerApp.port={self.port}",
            # The printed URL must be the one that works: never move to another port.
            "--ServerApp.port_retries=0",
            f"--ServerApp.open_browser={self.open_browser}",
            f"--IdentityProvider.token={self.token}",
            "--YDocExtension.disable_rtc=False",
            f"--SQLiteYStore.db_path={paths.lab_ystore_file}",
            f"--YDocExtension.session_store_path={paths.lab_sessions_file}",
            f"--BaseFileIdManager.db_path={paths.lab_file_ids_file}",
            *(["--ServerApp.allow_root=True"] if self.as_root else []),
        ]


def is_loopback(ip: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if ip == "localhost":
        return True
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def sharing_warning(session: LabSession) -> str | None:
    """The Swedish warning shown when the server is reachable from other machines."""
    if not session.is_shared:
        return None
    return (
        f"JupyterLab delas på nätverket (adress {session.ip or 'alla'}). Alla som har länken "
        "med token kan köra kod på den här datorn med dina behörigheter och läsa, ändra och "
        "radera alla filer som du kommer åt. Dela länken bara med kollegor som skriver "
        "rapporten, aldrig utanför kommunens nätverk, och stoppa servern när ni är klara."
    )


def root_warning(session: LabSession) -> str | None:
    """The Swedish warning shown when the lab runs as root (Jupyter is then told to allow it,
    rather than print the address and stop with an English error)."""
    if not session.as_root:
        return None
    return (
        "Du kör som root (superanvändare). JupyterLab startas ändå, men all kod i labbet "
        "körs då med full behörighet över datorn. Kör hellre som en vanlig användare."
    )


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def prepare_lab(
    paths: ProjectPaths,
    *,
    ip: str = DEFAULT_IP,
    port: int = DEFAULT_PORT,
    open_browser: bool = True,
    token: str | None = None,
    as_root: bool | None = None,
) -> LabSession:
    """Check that JupyterLab can start as asked and decide its port and token.

    ``port=0`` picks a free port. ``as_root`` (default: whether this process runs as
    root) lets Jupyter run as the superuser. Raises :class:`LabError` (Swedish message) when
    the collaboration extension is missing, the address is unknown or the port is taken.
    """
    for module, package in (
        ("jupyterlab", "jupyterlab"),
        (COLLABORATION_EXTENSION, "jupyter-collaboration"),
    ):
        if importlib.util.find_spec(module) is None:
            raise LabError(
                f"Paketet {package} saknas i den här Python-miljön. "
                "Installera projektet igen: pip install -e ."
            )
    if not 0 <= port <= 65535:
        raise LabError(f"Ogiltig port {port}: ange ett tal mellan 1 och 65535 (0 = välj en ledig).")
    free_port = _probe_port(ip, port)
    return LabSession(
        paths=paths,
        ip=ip,
        port=free_port,
        token=token or secrets.token_hex(24),
        open_browser=open_browser,
        as_root=running_as_root() if as_root is None else as_root,
    )


def run_lab(session: LabSession) -> None:
    """Run JupyterLab until it is stopped (Ctrl+C, SIGTERM or *Shut Down* in its menu).

    Kernels started from the lab get ``KOMMUNRAPPORT_ROOT`` so the library finds this
    project whatever the notebook's folder.
    """
    session.paths.lab_state_dir.mkdir(parents=True, exist_ok=True)
    os.environ[ROOT_ENV] = str(session.paths.root)
    # Imported here: JupyterLab is heavy and only this command needs it.
    labapp = importlib.import_module("jupyterlab.labapp")
    server = labapp.LabApp.initialize_server(argv=session.argv())
    _stop_cleanly_on_interrupt(server)
    server.start()


def _stop_cleanly_on_interrupt(server: Any) -> None:
    """Make Ctrl+C (SIGINT) stop the server as SIGTERM does: shut the kernels down, then
    leave. Jupyter only does so when stdin is a terminal; otherwise (an IDE's console, a
    service, a test) SIGINT would leave its kernels running. A second Ctrl+C interrupts
    at once."""

    def stop(signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        server.log.info("Ctrl+C: stänger kärnorna och avslutar.")
        server.stop(from_signal=True)

    signal.signal(signal.SIGINT, stop)


def _probe_port(ip: str, port: int) -> int:
    """Bind ``ip:port`` once to see that the server can; return the port (chosen if 0)."""
    host = None if ip in _WILDCARD_IPS else ip
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        raise LabError(f"Okänd adress för --ip: {ip!r}.") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        if os.name != "nt":  # as the server does: a port in TIME_WAIT is free
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise LabError(
                    f"Port {port} på {ip} används redan (kanske av en annan JupyterLab). "
                    "Välj en annan med --port, eller --port 0 för en ledig port."
                ) from None
            if exc.errno == errno.EADDRNOTAVAIL:
                raise LabError(f"Adressen {ip} finns inte på den här datorn (--ip).") from None
            raise LabError(f"Kan inte lyssna på {ip}:{port}: {exc.strerror}.") from None
        chosen: int = probe.getsockname()[1]
    return chosen
