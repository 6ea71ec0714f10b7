"""One build at a time per project: a lock file, and the cleaning of what a killed build left.

``kommunrapport build`` holds :func:`build_lock` from before it reads the data until the
site is rendered. A second build in the same project waits (with a message), or gives up
after ``wait`` seconds with a Swedish error. Only the build holding the lock deletes
leftovers (:func:`clean_leftovers`): temporary files and folders that an interrupted
build left behind, recognised by the temporary names that this package gives them.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from kommunrapport.data.errors import KommunrapportError
from kommunrapport.data.fsutil import is_temporary_of
from kommunrapport.data.paths import RUNNING_NOTEBOOK_SUFFIX, ProjectPaths


class BuildBusyError(KommunrapportError):
    """Another build holds the project's lock (and the caller would not wait longer)."""


def _busy(paths: ProjectPaths, wait: float | None) -> str:
    waited = f" efter {wait:g} s" if wait else ""
    return (
        f"Ett annat bygge pågår fortfarande i {paths.root}{waited}. Vänta tills det är "
        "klart och försök igen (eller ange hur länge bygget ska vänta med --vanta)."
    )


@contextmanager
def build_lock(
    paths: ProjectPaths,
    *,
    wait: float | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[list[Path]]:
    """Hold the project's build lock; yields the leftovers deleted once it was taken.

    ``wait``: seconds to wait for another build (None: as long as it takes; 0: not at
    all). ``on_wait`` gets a Swedish message when the lock is taken by another build.
    Raises :class:`BuildBusyError` when the lock is not free in time.
    """
    paths.state_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(paths.build_lock_file)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if wait is not None and wait <= 0:
            raise BuildBusyError(_busy(paths, None)) from None
        if on_wait is not None:
            more = f"högst {wait:g} s" if wait is not None else "tills det är klart"
            on_wait(f"Ett annat bygge pågår i projektet; väntar {more} (avbryt med Ctrl+C).")
        try:
            lock.acquire(timeout=-1 if wait is None else wait)
        except Timeout:
            raise BuildBusyError(_busy(paths, wait)) from None
    try:
        yield clean_leftovers(paths)
    finally:
        lock.release()


# --- leftovers of an interrupted build ------------------------------------------------------

_JOB = r"[a-z0-9][a-z0-9-]*"
_RUNNING_NOTEBOOK = re.compile(rf"\.{_JOB}\.\d+{re.escape(RUNNING_NOTEBOOK_SUFFIX)}")
"""The batch runner's notebook in progress (:meth:`ProjectPaths.running_notebook`)."""
_EXECUTED_OUTPUTS = re.compile(rf"(?:{_JOB}(?:_data|\.yml|\.ipynb|\.html)|_rapport\.yml)")
"""What the build writes under ``_executed/`` (and ``_executed/_rapport/``)."""


def _leftovers(folder: Path, targets: Callable[[str], bool]) -> list[Path]:
    if not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        name = entry.name
        if not name.startswith("."):
            continue
        if _RUNNING_NOTEBOOK.fullmatch(name):
            found.append(entry)
            continue
        # a target's name may hold dots (bun.yml): try each prefix of the name
        parts = name[1:].split(".")
        for i in range(1, len(parts)):
            target = ".".join(parts[:i])
            if targets(target) and is_temporary_of(name, target):
                found.append(entry)
                break
    return found


def clean_leftovers(paths: ProjectPaths) -> list[Path]:
    """Delete the temporary files and folders an interrupted build left; return them.

    Only names that this package's writers give (see :mod:`kommunrapport.data.fsutil`) in
    the folders a build writes to are touched: ``_executed/`` and ``_executed/_rapport/``
    of each period, the period folder (its ``index.qmd`` and ``oppna-data/``), the project
    root (the generated site files) and the tool's state folder.
    """
    found: list[Path] = []
    generated_root = {paths.site_config_file.name, paths.periods_include_file.name}
    found += _leftovers(paths.root, generated_root.__contains__)
    state = {paths.model_cache_file.name, paths.build_cache_file.name}
    found += _leftovers(paths.state_dir, state.__contains__)
    if paths.reports_dir.is_dir():
        for period_dir in sorted(p for p in paths.reports_dir.iterdir() if p.is_dir()):
            period = period_dir.name
            own = {
                paths.period_report(period).name,
                paths.published_open_data_root(period).name,
            }
            found += _leftovers(period_dir, own.__contains__)
            executed = paths.executed_dir(period)
            for folder in (executed, executed / "_rapport"):
                found += _leftovers(folder, lambda t: _EXECUTED_OUTPUTS.fullmatch(t) is not None)
    for entry in found:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    return found
