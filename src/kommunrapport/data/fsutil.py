"""Writing files so that nothing half-written is ever left behind.

Both writers put the bytes in a temporary file in the target's folder first. The file
keeps its permissions when replaced, and a new one gets ordinary ones (rw-r--r--), not
the private mode of a temporary file, so a web server can publish what the build writes.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

NEW_FILE_MODE = 0o644


def _temporary_copy(path: Path, data: bytes, mode: int) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``: readers see the old file or the new, never half."""
    mode = path.stat().st_mode & 0o777 if path.exists() else NEW_FILE_MODE
    tmp = _temporary_copy(path, data, mode)
    try:
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def create_exclusive(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it exists; True when the file was created.

    The content is linked into place, which fails if ``path`` exists: no half-written
    file and never an overwrite (an analyst's file stays as it is).
    """
    if path.exists():
        return False
    tmp = _temporary_copy(path, data, NEW_FILE_MODE)
    try:
        os.link(tmp, path)
    except FileExistsError:
        return False
    finally:
        Path(tmp).unlink(missing_ok=True)
    return True
