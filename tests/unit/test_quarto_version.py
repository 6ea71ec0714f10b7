"""The Quarto version (issue 24, item 7): ``quarto --version`` is read before a render, and
a Quarto older than 1.10 (or one that names no version) is refused with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from kommunrapport.site.quarto import (
    MIN_VERSION,
    QuartoMissingError,
    QuartoVersionError,
    quarto_version,
    require_version,
)


def _fake(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name / "quarto"
    path.parent.mkdir(parents=True)
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("1.10.18", (1, 10, 18)),
        ("1.11.9\n", (1, 11, 9)),
        ("2.0", (2, 0)),
        ("1.7.34", (1, 7, 34)),
        ("ingen version", None),
    ],
)
def test_the_version_is_read_from_quarto(tmp_path: Path, output: str, expected: object) -> None:
    exe = _fake(tmp_path, "q", f"echo '{output}'")
    assert quarto_version(exe) == expected


def test_a_failing_quarto_has_no_version(tmp_path: Path) -> None:
    assert quarto_version(_fake(tmp_path, "q", "echo 1.10.18; exit 3")) is None
    assert quarto_version(tmp_path / "finns-inte") is None


@pytest.mark.parametrize("output", ["1.7.34", "1.9.38", "ingen version"])
def test_an_older_quarto_is_refused(tmp_path: Path, output: str) -> None:
    exe = _fake(tmp_path, "q", f"echo '{output}'")
    with pytest.raises(QuartoVersionError) as info:
        require_version(exe)
    assert isinstance(info.value, QuartoMissingError)  # the CLI's exit code for Quarto
    message = str(info.value)
    assert "kräver Quarto 1.10 eller senare" in message and "WCAG" in message
    assert (output if output[0].isdigit() else "okänd version") in message


@pytest.mark.parametrize("output", ["1.10.18", "1.11.9", "2.0.1"])
def test_a_new_enough_quarto_passes(tmp_path: Path, output: str) -> None:
    assert require_version(_fake(tmp_path, "q", f"echo {output}"))[:2] >= MIN_VERSION


def test_the_extra_asks_for_the_same_version() -> None:
    import tomllib

    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = ".".join(map(str, MIN_VERSION))
    assert config["project"]["optional-dependencies"]["quarto"] == [f"quarto-cli>={wanted}"]
