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
NEW_DIR_MODE = 0o755


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


def create_exclusive(path: Path, data: bytes, mode: int = NEW_FILE_MODE) -> bool:
    """Write ``data`` to ``path`` unless it exists; True when the file was created.

    The content is linked into place, which fails if ``path`` exists: no half-written
    file and never an overwrite (an analyst's file stays as it is). ``mode``: the new
    file's permissions (0o600 for a secret).
    """
    if path.exists():
        return False
    tmp = _temporary_copy(path, data, mode)
    try:
        os.link(tmp, path)
    except FileExistsError:
        return False
    finally:
        Path(tmp).unlink(missing_ok=True)
    return True


# --- folders -----------------------------------------------------------------------------
#
# A folder is written whole as a hidden sibling (``.<name>.<random>.new``), then renamed
# into place; the folder it replaces is first renamed aside (``.<name>.<random>.old``) and
# deleted after. Every temporary name holds a random part, so that two processes never
# share one. A kill leaves at most such siblings, which :func:`is_temporary_of` recognises
# (the build deletes them when it starts).

_RANDOM = r"[a-z0-9_]{8}"


def staging_dir(target: Path) -> Path:
    """A new, empty hidden folder beside ``target`` to write its next content in."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".new", dir=target.parent))
    os.chmod(staging, NEW_DIR_MODE)  # not the private mode of a temporary folder
    return staging


def replace_dir(staging: Path, target: Path) -> None:
    """Put the folder ``staging`` in the place of ``target`` (which may not exist).

    Readers see the old folder, then for a moment none, then the new one: never a
    half-written one. ``staging`` must be on the same file system (a sibling)."""
    import shutil

    old: Path | None = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
        os.replace(target, old / target.name)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def remove_tree(path: Path) -> None:
    """Delete a folder by first renaming it aside, so that a kill never leaves it half
    deleted under its own name."""
    import shutil

    if not path.exists():
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
    os.replace(path, aside / path.name)
    shutil.rmtree(aside, ignore_errors=True)


def is_temporary_of(name: str, target: str) -> bool:
    """Whether ``name`` is a temporary sibling that the writers above (or older versions
    of them) make for ``target``: ``.<target>.<random>.tmp|.new|.old``, ``.<target>.<random>``
    or ``.<target>.old``."""
    import re

    pattern = rf"\.{re.escape(target)}\.(?:{_RANDOM}(?:\.(?:tmp|new|old))?|old)"
    return re.fullmatch(pattern, name) is not None
