"""Finding Quarto and running ``quarto render`` (with a stand-in script for the binary)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kommunrapport.data.paths import ProjectPaths
from kommunrapport.site import quarto as quarto_module
from kommunrapport.site.quarto import (
    QUARTO_PATH_ENV,
    QuartoMissingError,
    QuartoRenderError,
    find_quarto,
    render,
)


def _script(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def no_quarto(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A world without Quarto: empty PATH, no QUARTO_PATH, no quarto beside Python, no
    quarto-cli package."""
    monkeypatch.setenv("PATH", str(tmp_path / "tom"))
    monkeypatch.delenv(QUARTO_PATH_ENV, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python" / "bin" / "python"))
    monkeypatch.setattr(quarto_module, "_package_binary", lambda: None)


@pytest.mark.usefixtures("no_quarto")
def test_find_quarto_returns_none_when_absent() -> None:
    assert find_quarto() is None


@pytest.mark.usefixtures("no_quarto")
def test_find_quarto_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    beside = _script(tmp_path / "python" / "bin" / "quarto", "exit 0")
    assert find_quarto() == beside
    on_path = _script(tmp_path / "tom" / "quarto", "exit 0")
    assert find_quarto() == on_path
    explicit = _script(tmp_path / "egen" / "quarto", "exit 0")
    monkeypatch.setenv(QUARTO_PATH_ENV, str(explicit))
    assert find_quarto() == explicit


@pytest.mark.usefixtures("no_quarto")
def test_render_without_quarto_says_how_to_install(minimal_project: ProjectPaths) -> None:
    with pytest.raises(QuartoMissingError) as info:
        render(minimal_project)
    message = str(info.value)
    # a command that works in any project (not only in the tool's own checkout)
    assert 'pip install "quarto-cli>=1.10"' in message and "-e" not in message
    assert "hämtar Quarto från GitHub" in message
    assert "quarto.org" in message


def test_the_install_hint_names_the_minimum_version() -> None:
    from kommunrapport.site import quarto

    wanted = ".".join(map(str, quarto.MIN_VERSION))
    assert f'pip install "quarto-cli>={wanted}"' in quarto.MISSING_MESSAGE


def test_render_runs_quarto_render_once_in_the_project(
    minimal_project: ProjectPaths, tmp_path: Path
) -> None:
    log = tmp_path / "anrop.log"
    fake = _script(
        tmp_path / "bin" / "quarto",
        f'echo "$PWD|$*" >> {log}\necho "Output created: _site/index.html"',
    )
    lines: list[str] = []
    result = render(minimal_project, quarto=fake, echo=lines.append)
    assert log.read_text(encoding="utf-8").splitlines() == [f"{minimal_project.root}|render"]
    assert lines == ["Output created: _site/index.html"]
    assert result.quarto == fake and result.output == lines[0]


def test_a_failed_render_shows_the_tail_of_quartos_output(
    minimal_project: ProjectPaths, tmp_path: Path
) -> None:
    fake = _script(
        tmp_path / "bin" / "quarto",
        'i=0; while [ $i -lt 60 ]; do echo "rad $i"; i=$((i+1)); done\n'
        'echo "ERROR: embed failed" >&2\nexit 1',
    )
    with pytest.raises(QuartoRenderError) as info:
        render(minimal_project, quarto=fake)
    message = str(info.value)
    assert "slutkod 1" in message and "ERROR: embed failed" in message
    assert "rad 59" in message and "rad 5\n" not in message
