"""Figures as image files beside the executed notebook, not base64 inside Markdown.

A :class:`~kommunrapport.content.figur.Figur` displays as Markdown and HTML with its PNG as
a ``data:`` URI, so that a notebook run by hand shows it. Inside the site's Markdown that
is expensive: for typst and PDF, Quarto reads a page's fully expanded Markdown once more
with a plain pandoc pass, and pandoc 3.9 needed 44 s for a period report whose 15 figures
were data URIs, against 5.7 s with file paths.

So after a job ran, :func:`externalise` takes every ``data:image`` URI out of the
notebook's outputs, in every MIME type: each image is written once, byte for byte (the same
pixels), to ``_executed/<job>_files/<label>.png``, and the URI is replaced by that path
relative to the period folder, ``_executed/<job>_files/<label>.png``. That one path
resolves from every page that embeds the notebook, because every page lives in the period
folder: the nämnd's page ``reports/<period>/<job>.qmd`` and the period report
``reports/<period>/index.qmd`` (which embeds the relabelled copy under
``_executed/_rapport/``). Quarto puts a ``text/markdown`` output into the page as it is
(quarto-cli ``src/core/jupyter/jupyter.ts``, ``mdMarkdownOutput``), so its image paths are
read as the page's, by pandoc for docx and typst too, and for a website Quarto copies every
``<img src>`` it finds into ``_site/`` (``src/project/types/website/website-resources.ts``).
The nbconvert preview, written into ``_executed/``, moves the paths with :func:`rebase`.

A figure's file name comes from its cell's label, so it is the same in every build, and a
file whose bytes did not change is not rewritten. The new files are staged beside their
targets and moved into place just before the notebook (:meth:`Staged.commit`); files of the
job that the new notebook no longer references are removed after it
(:func:`remove_stale`).
"""

from __future__ import annotations

import base64
import json
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from kommunrapport.data.fsutil import NEW_FILE_MODE
from kommunrapport.data.paths import ProjectPaths

DATA_IMAGE: Final = re.compile(r"data:image/(png|jpeg|gif|svg\+xml);base64,([A-Za-z0-9+/=]+)")
"""An image as a ``data:`` URI, as :class:`~kommunrapport.content.figur.Figur` writes it."""

IMAGE_REF: Final = re.compile(
    r"!\[[^\]]*\]\((?P<md>[^)\s]+)[^)]*\)|<img\b[^>]*?\bsrc=\"(?P<html>[^\"]+)\""
)
"""An image reference in Markdown (``![alt](path)``) or HTML (``<img src="path">``)."""

_EXTENSIONS: Final = {"png": "png", "jpeg": "jpg", "gif": "gif", "svg+xml": "svg"}
_LABEL: Final = re.compile(r"^#\|\s*label:\s*(\S+)\s*$")
_UNSAFE: Final = re.compile(r"[^A-Za-z0-9_.-]+")


def _text(value: Any) -> str | None:
    """A notebook string (a str or a list of str), else None."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "".join(value)
    return None


def _source(cell: MutableMapping[str, Any]) -> str:
    return _text(cell.get("source", "")) or ""


def cell_label(source: str) -> str | None:
    """The ``#| label:`` of a code cell's source (among the option lines at its top)."""
    for line in source.split("\n"):
        if not line.startswith("#|"):
            break
        m = _LABEL.match(line)
        if m:
            return m.group(1)
    return None


def cell_stem(cell: MutableMapping[str, Any], index: int) -> str:
    """A file name stem for a cell's figures: its label, else its id, else its position."""
    label = cell_label(_source(cell))
    if label is not None:
        return _UNSAFE.sub("-", label).strip(".-") or f"cell-{index}"
    cell_id = cell.get("id")
    if isinstance(cell_id, str) and _UNSAFE.sub("-", cell_id).strip(".-"):
        return _UNSAFE.sub("-", cell_id).strip(".-")
    return f"cell-{index}"


def output_strings(
    nb: MutableMapping[str, Any],
) -> Iterator[tuple[MutableMapping[str, Any], int, MutableMapping[str, Any], str, str]]:
    """Every string output of every code cell: (cell, cell index, data, MIME type, text)."""
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data")
            if not isinstance(data, MutableMapping):
                continue
            for mime in list(data):
                text = _text(data[mime])
                if text is not None:
                    yield cell, index, data, mime, text


@dataclass
class Staged:
    """Figure files written beside their targets, to be moved into place at once."""

    files: list[Path] = field(default_factory=list)
    """Every figure file the notebook references, changed or not."""
    _moves: list[tuple[Path, Path]] = field(default_factory=list)

    def stage(self, target: Path, data: bytes) -> None:
        self.files.append(target)
        if target.is_file() and target.read_bytes() == data:
            return  # unchanged: not rewritten, so its time stamp stays too
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.chmod(tmp, NEW_FILE_MODE)
        self._moves.append((tmp, target))

    def commit(self) -> None:
        """Move every staged file into place (call right before the notebook)."""
        for tmp, target in self._moves:
            os.replace(tmp, target)
        self._moves.clear()

    def discard(self) -> None:
        for tmp, _ in self._moves:
            tmp.unlink(missing_ok=True)
        self._moves.clear()


def externalise(nb: MutableMapping[str, Any], paths: ProjectPaths, period: str, job: str) -> Staged:
    """Replace every ``data:image`` URI in ``nb``'s outputs by a file (see the module
    docstring); the files are staged, not yet in place: commit or discard the result."""
    folder = paths.figures_dir(period, job)
    base = paths.period_dir(period)
    staged = Staged()
    stems: dict[int, str] = {}
    names: dict[tuple[int, bytes], str] = {}
    taken: set[str] = set()
    try:
        for cell, index, data, mime, text in output_strings(nb):
            if "data:image/" not in text:
                continue

            def replace(m: re.Match[str], index: int = index, cell: Any = cell) -> str:
                image = base64.b64decode(m.group(2))
                key = (index, image)
                if key not in names:
                    if index not in stems:
                        stem = cell_stem(cell, index)
                        while stem in taken:
                            stem = f"{stem}-{index}"
                        taken.add(stem)
                        stems[index] = stem
                    n = sum(1 for i, _ in names if i == index) + 1
                    suffix = "" if n == 1 else f"-{n}"
                    target = folder / f"{stems[index]}{suffix}.{_EXTENSIONS[m.group(1)]}"
                    staged.stage(target, image)
                    names[key] = target.relative_to(base).as_posix()
                return names[key]

            data[mime] = DATA_IMAGE.sub(replace, text)
    except BaseException:
        staged.discard()
        raise
    return staged


def remove_stale(folder: Path, keep: Iterable[Path]) -> None:
    """Remove the files in ``folder`` that are not in ``keep``; the folder too when empty."""
    if not folder.is_dir():
        return
    kept = {p.name for p in keep if p.parent == folder}
    for entry in folder.iterdir():
        if entry.is_file() and entry.name not in kept:
            entry.unlink(missing_ok=True)
    if not any(folder.iterdir()):
        folder.rmdir()


def image_refs(text: str) -> list[str]:
    """The image paths (or URIs) that Markdown or HTML ``text`` references."""
    return [m.group("md") or m.group("html") for m in IMAGE_REF.finditer(text)]


def referenced_files(notebook: Path, base: Path) -> list[Path]:
    """The files that ``notebook``'s outputs show, as paths from ``base`` (the folder of the
    page that embeds it); an unreadable notebook shows none."""
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(nb, dict):
        return []
    refs = {ref for *_, text in output_strings(nb) for ref in image_refs(text)}
    return sorted(base / ref for ref in refs if is_relative_path(ref))


def is_relative_path(ref: str) -> bool:
    return not (re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", ref) or ref.startswith(("/", "#")))


def _map_refs(text: str, change: Callable[[str], str]) -> str:
    def replace(m: re.Match[str]) -> str:
        group = "md" if m.group("md") else "html"
        ref = m.group(group)
        if not is_relative_path(ref):
            return m.group(0)
        start, end = m.start(group) - m.start(0), m.end(group) - m.start(0)
        whole = m.group(0)
        return whole[:start] + change(ref) + whole[end:]

    return IMAGE_REF.sub(replace, text)


def rebase(nb: MutableMapping[str, Any], old_base: Path, new_base: Path) -> None:
    """Make the relative image paths in ``nb``'s outputs, written for a file in
    ``old_base``, right for a file in ``new_base`` (both folders)."""
    old = old_base.resolve()
    new = new_base.resolve()

    def change(ref: str) -> str:
        return posixpath.normpath(os.path.relpath(old / ref, new)).replace(os.sep, "/")

    for _, _, data, mime, text in output_strings(nb):
        if mime in ("text/markdown", "text/html"):
            moved = _map_refs(text, change)
            if moved != text:
                data[mime] = moved
