"""The model cache is signed with the user's own key and checked before it is unpickled
(issue 29, item 5): a crafted, copied or foreign cache never runs code, and is rebuilt
with a word about why."""

from __future__ import annotations

import os
import pickle
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.data import modelcache
from kommunrapport.data.loader import input_digest, load_model_cached
from kommunrapport.data.paths import STATE_HOME_ENV, ProjectPaths, model_cache_key_file


class _Payload:
    """Unpickling this writes a file: proof that code from the cache ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (exec, (f"open({str(self.marker)!r}, 'w').write('kod ur cachen körde')",))


def test_the_payload_runs_when_unpickled(tmp_path: Path) -> None:
    """The attack is real: a plain unpickle of it writes the marker."""
    pickle.loads(pickle.dumps(_Payload(tmp_path / "körde")))
    assert (tmp_path / "körde").exists()


def _notices(paths: ProjectPaths) -> list[str]:
    said: list[str] = []
    load_model_cached(paths, notice=said.append)
    return said


def test_the_cache_is_used_when_signed_and_current(minimal_project: ProjectPaths) -> None:
    assert _notices(minimal_project) == []  # no cache yet: built without a word
    data = minimal_project.model_cache_file.read_bytes()
    assert data.startswith(modelcache.MAGIC)
    assert _notices(minimal_project) == []
    assert minimal_project.model_cache_file.read_bytes() == data  # read, not rewritten
    key = model_cache_key_file()
    assert len(key.read_bytes()) == modelcache.KEY_BYTES
    if os.name == "posix":
        assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_a_crafted_pickle_in_the_state_folder_never_runs(
    minimal_project: ProjectPaths, tmp_path: Path
) -> None:
    marker = tmp_path / "körde"
    cache = minimal_project.model_cache_file
    cache.parent.mkdir(parents=True, exist_ok=True)
    digest = input_digest(minimal_project)
    crafted = [
        # the old format: a bare pickle of (digest, payload)
        pickle.dumps((digest, _Payload(marker))),
        # the new format with a made-up signature
        modelcache.MAGIC + b"\0" * 32 + digest.encode() + b"\n" + pickle.dumps(_Payload(marker)),
    ]
    for data in crafted:
        cache.write_bytes(data)
        said = _notices(minimal_project)
        assert not marker.exists(), "the crafted cache was unpickled"
        assert len(said) == 1 and "skrivs om" in said[0], said
        assert cache.read_bytes().startswith(modelcache.MAGIC) and cache.read_bytes() != data


def test_a_cache_signed_by_another_user_is_not_read(
    minimal_project: ProjectPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy of a project with its state folder, from another machine: its cache is
    signed with that user's key, so this user rebuilds it."""
    monkeypatch.setenv(STATE_HOME_ENV, str(tmp_path / "someone-else"))
    load_model_cached(minimal_project)
    foreign = minimal_project.model_cache_file.read_bytes()
    monkeypatch.setenv(STATE_HOME_ENV, str(tmp_path / "me"))
    said = _notices(minimal_project)
    assert len(said) == 1 and "inte signerad med din nyckel" in said[0], said
    assert minimal_project.model_cache_file.read_bytes() != foreign
    assert _notices(minimal_project) == []  # now this user's own


def test_a_tampered_model_is_not_read(minimal_project: ProjectPaths) -> None:
    load_model_cached(minimal_project)
    cache = minimal_project.model_cache_file
    data = bytearray(cache.read_bytes())
    data[-20] ^= 0xFF  # one byte of the pickled model
    cache.write_bytes(bytes(data))
    said = _notices(minimal_project)
    assert len(said) == 1 and "signerad" in said[0]


def test_build_says_it_rebuilds_a_bad_cache(minimal_project: ProjectPaths) -> None:
    cache = minimal_project.model_cache_file
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(b"\x80\x05 inte en cache")
    result = CliRunner().invoke(
        app, ["build", "--rot", str(minimal_project.root), "--no-render", "--period", "2022-08"]
    )
    assert result.exit_code == ExitCode.OK, result.output
    assert "Varning: .kommunrapport/model.pickle: filen är inte en modellcache" in result.output


def test_without_a_key_the_build_runs_without_cache(
    minimal_project: ProjectPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "inte-en-mapp"
    blocker.write_text("en fil där mappen skulle ligga", encoding="utf-8")
    monkeypatch.setenv(STATE_HOME_ENV, str(blocker))
    said = _notices(minimal_project)
    assert len(said) == 1 and "modellcachen används inte" in said[0], said
    assert not minimal_project.model_cache_file.exists()


def test_without_a_home_folder_the_build_runs_without_cache(
    minimal_project: ProjectPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv(STATE_HOME_ENV)
    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    said = _notices(minimal_project)
    assert len(said) == 1 and "ingen hemkatalog" in said[0], said
