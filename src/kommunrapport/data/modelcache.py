"""The validated model, kept between builds in the project's state folder, signed.

A build validates every input file once and keeps the model in
``.kommunrapport/model.pickle``; the next build with the same inputs reads it back instead
of validating again. Unpickling runs code, and the state folder is part of the project
folder (a shared drive, a copy, an archive), so the file is never unpickled unless it
carries a valid HMAC-SHA256 made with the user's own secret key, kept outside every
project (:func:`kommunrapport.data.paths.model_cache_key_file`, created on first use, mode
600). A file written elsewhere, by another user, or crafted, fails the check before a
single byte of it is unpickled; it is rebuilt from the data, and :func:`read` says why.

The file: :data:`MAGIC`, the 32-byte signature, then the signed body: the input digest
(64 hex characters), a newline, and the pickled model.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from kommunrapport.data.fsutil import create_exclusive, write_atomic
from kommunrapport.data.model import Kommunmodell
from kommunrapport.data.paths import ProjectPaths, model_cache_key_file

MAGIC = b"kommunrapport-modellcache-2\n"
KEY_BYTES = 32
_SIGNATURE_BYTES = hashlib.sha256().digest_size
_DIGEST_CHARS = 64


class CacheKeyError(OSError):
    """The user's key could not be read or created (the build then runs without cache)."""


def user_key(path: Path | None = None) -> bytes:
    """The user's secret key, created (random, mode 600) the first time it is needed."""
    try:
        path = path or model_cache_key_file()
    except RuntimeError as exc:  # Path.home() without a home folder
        raise CacheKeyError(f"ingen hemkatalog ({exc})") from None
    try:
        create_exclusive(path, os.urandom(KEY_BYTES), mode=0o600)
        key = path.read_bytes()
    except OSError as exc:
        raise CacheKeyError(f"{path}: {exc.strerror or exc}") from None
    if len(key) != KEY_BYTES:
        raise CacheKeyError(f"{path}: nyckeln har fel längd ({len(key)} byte, ska vara 32)")
    return key


def _signature(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, body, hashlib.sha256).digest()


@dataclass(frozen=True)
class CacheRead:
    """What :func:`read` found: the model, or why the cache could not be used (None for
    the ordinary cases: no cache yet, or inputs changed since)."""

    model: Kommunmodell | None
    problem: str | None = None


def read(paths: ProjectPaths, digest: str, key: bytes) -> CacheRead:
    """The cached model when the file is signed with ``key`` and was made from the inputs
    with ``digest``; the signature is checked before anything is unpickled."""
    cache = paths.model_cache_file
    try:
        data = cache.read_bytes()
    except FileNotFoundError:
        return CacheRead(None)
    except OSError as exc:
        return CacheRead(None, f"filen kunde inte läsas ({exc.strerror or exc})")
    head = len(MAGIC) + _SIGNATURE_BYTES
    if not data.startswith(MAGIC) or len(data) < head + _DIGEST_CHARS + 1:
        return CacheRead(None, "filen är inte en modellcache från den här versionen")
    signature, body = data[len(MAGIC) : head], data[head:]
    if not hmac.compare_digest(signature, _signature(key, body)):
        return CacheRead(
            None,
            "filen är inte signerad med din nyckel (den är skriven av någon annan, på en "
            "annan dator eller ändrad) och lästes inte",
        )
    if body[:_DIGEST_CHARS] != digest.encode("ascii"):
        return CacheRead(None)  # the data changed since: the normal case
    try:
        model = pickle.loads(body[_DIGEST_CHARS + 1 :])  # signed by this user: trusted
    except Exception as exc:  # written by an older version of the package
        return CacheRead(
            None, f"filen kunde inte läsas av den här versionen ({type(exc).__name__})"
        )
    if not isinstance(model, Kommunmodell):
        return CacheRead(None, "filen innehåller ingen modell")
    return CacheRead(model)


def write(paths: ProjectPaths, digest: str, key: bytes, model: Kommunmodell) -> None:
    body = digest.encode("ascii") + b"\n" + pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    write_atomic(paths.model_cache_file, MAGIC + _signature(key, body) + body)
