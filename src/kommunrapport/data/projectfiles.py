"""Files that the data names, and files of the project that are links: both stay inside.

A path in the data (``kommun.logotyp``) is copied into the published site by Quarto, so a
value such as ``../.git/config``, ``../params/perioder.yml`` or ``/etc/passwd`` would
publish that file. And a table in ``data/`` that is a symbolic link to a file outside the
project would be read (and published as open data) without anyone seeing it in the
project. So:

- :func:`named_file` judges a path the data names: relative to ``data/``, with no ``..``
  part and no absolute or Windows form, of an allowed kind (an image for the logo), an
  existing file, and (symbolic links followed) inside ``data/`` or ``assets/``;
- :func:`links_out` lists every symbolic link under the given folders whose target is
  outside the project (or does not exist).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Final

from kommunrapport.data.paths import ProjectPaths

IMAGE_SUFFIXES: Final = (".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif")
"""The kinds of file a logo may be (what Quarto's navbar shows)."""

_WINDOWS: Final = re.compile(r"^[A-Za-z]:|\\")
_SCHEME: Final = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class NamedFile:
    path: Path | None
    """The file (resolved), or None when the value is refused."""
    problem: str | None
    """Why the value is refused (Swedish), or None."""


def _inside(path: Path, roots: Iterable[Path]) -> bool:
    return any(path.is_relative_to(root.resolve()) for root in roots)


def named_file(
    paths: ProjectPaths, value: str, suffixes: tuple[str, ...] = IMAGE_SUFFIXES
) -> NamedFile:
    """The file a data value names, relative to ``data/`` (see module doc)."""
    if not value.strip():
        return NamedFile(None, "är tomt; ange filens namn i data/ eller ta bort fältet.")
    if _SCHEME.match(value) and not _WINDOWS.match(value):
        return NamedFile(None, f"'{value}' är en adress; ange en fil i data/, t.ex. logo.svg.")
    if value.startswith("/") or _WINDOWS.search(value):
        return NamedFile(
            None, f"'{value}' är en absolut sökväg; ange en fil i data/, t.ex. logo.svg."
        )
    if ".." in PurePosixPath(value).parts:
        return NamedFile(
            None,
            f"'{value}' pekar ut ur data/ (..); lägg filen i data/ och ange bara dess namn.",
        )
    if PurePosixPath(value).suffix.lower() not in suffixes:
        return NamedFile(None, f"'{value}' är inte en bild av slaget {', '.join(suffixes)}.")
    target = paths.data_dir / value
    if not target.is_file():
        return NamedFile(None, f"filen data/{value} finns inte.")
    resolved = target.resolve()
    if not _inside(resolved, (paths.data_dir, paths.assets_dir)):
        return NamedFile(
            None,
            f"data/{value} är en länk till en fil utanför data/ och assets/; kopiera in "
            "filen i stället.",
        )
    return NamedFile(resolved, None)


def links_out(paths: ProjectPaths, folders: Iterable[Path]) -> list[tuple[Path, str]]:
    """(link, target as shown) for every symbolic link under ``folders`` that leads out of
    the project or nowhere. Links are not followed into other folders."""
    root = paths.root.resolve()
    found = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
            for name in sorted([*dirnames, *filenames]):
                entry = Path(dirpath) / name
                if not entry.is_symlink():
                    continue
                target = entry.resolve()
                if not target.exists() or not target.is_relative_to(root):
                    found.append((entry, os.readlink(entry)))
    return sorted(found)
