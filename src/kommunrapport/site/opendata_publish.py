"""Publishing a period's open data where the site serves it: ``reports/<period>/oppna-data/``.

The folder is written whole as a hidden sibling, marker file first, and then renamed into
place (:mod:`kommunrapport.data.fsutil`), so a build that is killed midway leaves the
previous folder or the new one, never half of one. A folder without the marker is a
person's, and is kept, unless it is recognisably a half-written copy by an older version
of the build: nothing in it but ``<job>/<file>`` copies of the build's own open-data files.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from kommunrapport.data.fsutil import remove_tree, replace_dir, staging_dir

MARKER: Final = ".genererad"
"""The file that says the folder is the build's (its first line says so in Swedish)."""


def _source_files(source: Path) -> list[Path]:
    return sorted(p for p in source.iterdir() if p.is_file()) if source.is_dir() else []


def is_generated(root: Path) -> bool:
    return (root / MARKER).is_file()


def is_half_written(root: Path, sources: Mapping[str, Path]) -> bool:
    """Whether ``root`` (without the marker) holds only copies the build makes: a folder per
    job, each holding only files named as that job's open-data files (the last one perhaps
    cut short)."""
    if not root.is_dir():
        return False
    for entry in root.iterdir():
        source = sources.get(entry.name)
        if source is None or not entry.is_dir() or entry.is_symlink():
            return False
        names = {p.name for p in _source_files(source)}
        for file in entry.iterdir():
            if file.name not in names or not file.is_file() or file.is_symlink():
                return False
    return True


def is_current(root: Path, sources: Mapping[str, Path]) -> bool:
    """Whether the generated ``root`` already holds exactly a ``copy2`` of each source file
    (same size and modification time): then nothing is written."""
    if not is_generated(root):
        return False
    wanted = {
        f"{job}/{f.name}": f for job, source in sources.items() for f in _source_files(source)
    }
    present = {
        p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and p.name != MARKER
    }
    if present != set(wanted):
        return False
    for name, source in wanted.items():
        a, b = source.stat(), (root / name).stat()
        if a.st_size != b.st_size or a.st_mtime_ns != b.st_mtime_ns:
            return False
    return True


def may_replace(root: Path, sources: Mapping[str, Path]) -> bool:
    """Whether the build may replace ``root``: it is absent, generated or half-written."""
    return not root.exists() or is_generated(root) or is_half_written(root, sources)


def publish(root: Path, sources: Mapping[str, Path], marker_text: str) -> list[Path]:
    """Replace ``root`` with a copy of each job's open-data folder (``sources``: job → its
    ``_executed/<job>_data``); return the files published. Without any file to publish,
    ``root`` is removed. The caller has checked :func:`may_replace`."""
    published = [(job, f) for job, source in sources.items() for f in _source_files(source)]
    if not published:
        remove_tree(root)
        return []
    staging = staging_dir(root)
    try:
        (staging / MARKER).write_text(marker_text, encoding="utf-8")
        for job, file in published:
            (staging / job).mkdir(exist_ok=True)
            shutil.copy2(file, staging / job / file.name)
        replace_dir(staging, root)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [root / job / file.name for job, file in published]
