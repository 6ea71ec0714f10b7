"""Finding Quarto and running ``quarto render`` once, sequentially.

Quarto is an optional dependency: ``pip install quarto-cli`` installs the ``quarto-cli``
package (which carries the binary), or Quarto is installed from quarto.org. When neither is
found, :func:`render` raises :class:`QuartoMissingError`, whose Swedish message says how to
install it; the CLI maps it to ``ExitCode.QUARTO_MISSING``.

Rendering one project in parallel (or one source several times) makes Quarto's outputs
collide, so the build renders the project in one process at a time. Which pages it renders
is decided by :mod:`kommunrapport.site.incremental` and run by
:mod:`kommunrapport.site.render`; this module only finds Quarto and runs it.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from kommunrapport.data.errors import KommunrapportError
from kommunrapport.data.loader import load_model_cached
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.site.wordfiles import finish_docx, finish_word_files

QUARTO_PATH_ENV: Final = "QUARTO_PATH"
"""Quarto's own convention (also used by its R and Python packages) for an explicit binary."""

_NAMES: Final = ("quarto", "quarto.exe", "quarto.cmd")

MIN_VERSION: Final = (1, 10)
"""The oldest Quarto the project works with. Quarto 1.7 gives every page a search box that
fails WCAG 2.1 AA (axe: ``button-name`` on ``.aa-DetachedSearchButton``,
``aria-input-field-name`` on ``.aa-Autocomplete``; measured in ``shared/render/README.md``)
and its own format links; 1.10 gives neither. Keep in step with pyproject's ``quarto`` extra."""

_MIN_TEXT: Final = ".".join(map(str, MIN_VERSION))

MISSING_MESSAGE: Final = (
    "Quarto hittades inte, så webbplatsen och Word- och PDF-dokumenten har inte skapats. "
    "Allt före det steget är klart: de körda anteckningsböckerna och nyckeltalen finns i "
    "reports/<period>/_executed/ och Quarto-projektets genererade filer är skrivna.\n"
    "Installera Quarto på ett av två sätt och kör kommunrapport build igen:\n"
    f'  - i samma Python-miljö som kommunrapport: pip install "quarto-cli>={_MIN_TEXT}"  '
    "(paketet hämtar Quarto från GitHub när det installeras, så datorn behöver nå "
    "github.com)\n"
    "  - från https://quarto.org/docs/get-started/ (lägg quarto i PATH, eller ange "
    f"sökvägen i miljövariabeln {QUARTO_PATH_ENV})."
)


class QuartoMissingError(KommunrapportError):
    """No quarto binary on PATH, in ``$QUARTO_PATH`` or from the ``quarto-cli`` package."""

    def __init__(self) -> None:
        super().__init__(MISSING_MESSAGE)


_VERSION: Final = re.compile(r"^\s*(\d+)\.(\d+)(?:\.(\d+))?", re.M)


class QuartoVersionError(QuartoMissingError):
    """The Quarto found is older than :data:`MIN_VERSION` (or says no version)."""

    def __init__(self, exe: Path, version: tuple[int, ...] | None) -> None:
        wanted = _MIN_TEXT
        shown = "okänd version" if version is None else ".".join(map(str, version))
        KommunrapportError.__init__(
            self,
            f"Quarto {shown} ({exe}) är för gammal: kommunrapport kräver Quarto {wanted} eller "
            "senare (med äldre versioner klarar webbplatsens sökruta inte "
            "tillgänglighetskraven, WCAG 2.1 AA, och formatlänkarna blir fel). Webbplatsen och "
            "Word- och PDF-dokumenten har inte skapats; allt före det steget är klart.\n"
            f'Uppdatera: pip install -U "quarto-cli>={wanted}" (hämtar Quarto från GitHub), '
            "eller installera från https://quarto.org/docs/get-started/.",
        )


def quarto_version(exe: Path) -> tuple[int, ...] | None:
    """What ``quarto --version`` says (e.g. ``(1, 10, 18)``), or None when it says no
    version or cannot be run. Asked once per build or preview (under a second)."""
    try:
        done = subprocess.run(
            [str(exe), "--version"],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=120,
            env=quarto_env(),
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = _VERSION.search(done.stdout) if done.returncode == 0 else None
    return tuple(int(g) for g in m.groups() if g is not None) if m else None


def require_version(exe: Path) -> tuple[int, ...]:
    """The version of ``exe``; raises :class:`QuartoVersionError` when it is older than
    :data:`MIN_VERSION` or cannot be read."""
    version = quarto_version(exe)
    if version is None or version[:2] < MIN_VERSION:
        raise QuartoVersionError(exe, version)
    return version


class QuartoRenderError(KommunrapportError):
    """``quarto render`` failed; the message ends with the tail of its output."""

    def __init__(self, message: str, tail: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.tail = tuple(tail)


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _package_binary() -> Path | None:
    """The binary inside the ``quarto-cli`` package (``quarto_cli/bin/quarto``)."""
    try:
        spec = importlib.util.find_spec("quarto_cli")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        for name in _NAMES:
            candidate = Path(location) / "bin" / name
            if _executable(candidate):
                return candidate
    return None


def find_quarto() -> Path | None:
    """The quarto binary to use, or None. In order: ``$QUARTO_PATH``, ``quarto`` on PATH,
    the ``quarto`` script next to this Python (a virtualenv that is not activated), and
    the binary inside the ``quarto-cli`` package."""
    explicit = os.environ.get(QUARTO_PATH_ENV)
    if explicit and _executable(Path(explicit)):
        return Path(explicit)
    found = shutil.which("quarto")
    if found:
        return Path(found)
    here = Path(sys.executable).parent
    for name in _NAMES:
        if _executable(here / name):
            return here / name
    return _package_binary()


@dataclass(frozen=True)
class RenderResult:
    quarto: Path
    seconds: float
    output: str


def quarto_env() -> dict[str, str]:
    """The environment for Quarto: this Python for its Python needs."""
    env = dict(os.environ)
    env.setdefault("QUARTO_PYTHON", sys.executable)
    return env


def render(
    paths: ProjectPaths,
    *,
    args: Sequence[str] = (),
    quarto: Path | None = None,
    echo: Callable[[str], None] | None = None,
    tail: int = 40,
    word_files: Sequence[Path] | None = None,
    kommun: str | None = None,
) -> RenderResult:
    """Run ``quarto render [args]`` in the project root, once, and wait for it.

    ``echo`` receives each line of Quarto's output as it comes (for a progress log).
    After a successful render the Word files are finished
    (:mod:`kommunrapport.site.wordfiles`: header, table alignment, fields updated on opening):
    ``word_files`` (those this render wrote; the ones that exist), or every ``.docx`` in
    ``_site/`` when not given. ``kommun`` is the kommun's name for the header (read from the
    project when not given).
    Raises :class:`QuartoMissingError` when Quarto is not found and
    :class:`QuartoRenderError` when the render fails.
    """
    exe = quarto or find_quarto()
    if exe is None:
        raise QuartoMissingError()
    env = quarto_env()
    started = time.perf_counter()
    lines: list[str] = []
    try:
        process = subprocess.Popen(
            [str(exe), "render", *args],
            cwd=paths.root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
    except OSError as exc:
        raise QuartoRenderError(f"kunde inte starta {exe}: {exc}.") from exc
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if echo is not None:
            echo(line.rstrip("\n"))
    code = process.wait()
    seconds = time.perf_counter() - started
    if code != 0:
        last = "\n".join(f"  {line}" for line in lines[-tail:])
        raise QuartoRenderError(
            f"quarto render misslyckades (slutkod {code}). Quartos sista rader:\n{last}",
            lines[-tail:],
        )
    name = kommun if kommun is not None else load_model_cached(paths).kommun.namn
    if word_files is None:
        finish_word_files(paths.site_dir, name)
    else:
        for docx in word_files:
            if docx.is_file():
                finish_docx(docx, name)
    return RenderResult(exe, seconds, "\n".join(lines))
