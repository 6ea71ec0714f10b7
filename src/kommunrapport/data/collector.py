"""Reading the project's files for the loader, collecting every problem on the way.

:class:`Collector` reads a YAML file into its pydantic model (keeping the document for
line numbers) and a table through its registry entry (from its own file or from its
sheet of ``data/kommunrapport.xlsx``), and gathers each
:class:`Problem` instead of stopping at the first. It only ever reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import pandas as pd
from pydantic import BaseModel

from kommunrapport.data.errors import Problem
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.data.tableio import (
    TableReadError,
    read_notes,
    read_table_text,
    read_workbook_text,
    sheet_shown,
)
from kommunrapport.data.tablespec import Dataset, type_table
from kommunrapport.data.yamlio import YamlDocument, parse_model, read_yaml

__all__ = ["FINANSIELLA_MAL", "KONCERN", "MALKEDJA", "ORGANISATION", "Collector"]

ORGANISATION = "kommun"
MALKEDJA = "malkedja"
FINANSIELLA_MAL = "finansiella_mal"
KONCERN = "koncern"

M = TypeVar("M", bound=BaseModel)


class Collector:
    def __init__(self, paths: ProjectPaths) -> None:
        self.paths = paths
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        """Sound input worth a word (a file read in another encoding than UTF-8)."""
        self.docs: dict[str, YamlDocument] = {}
        self._sheets: dict[str, pd.DataFrame | Problem] | None = None

    def sheets(self) -> dict[str, pd.DataFrame | Problem]:
        """The registry's sheets of ``data/kommunrapport.xlsx`` (none without the file)."""
        if self._sheets is None:
            self._sheets = {}
            book = self.paths.workbook_file
            if book.is_file():
                from kommunrapport.data.datasets import DATASETS

                try:
                    self._sheets = read_workbook_text(
                        book, self.shown(book), {d.stem for d in DATASETS.values()}
                    )
                except TableReadError as err:
                    self.problems.append(err.problem)
        return self._sheets

    def shown(self, path: Path) -> str:
        return self.paths.relative(path)

    def yaml_model(self, path: Path, model: type[M]) -> M | None:
        shown = self.shown(path)
        doc, problems = read_yaml(path, shown)
        self.problems.extend(problems)
        if doc is None:
            return None
        self.docs[shown] = doc
        parsed, problems = parse_model(model, doc, shown)
        self.problems.extend(problems)
        return parsed

    def line(self, path: Path, loc: tuple[int | str, ...]) -> int | None:
        doc = self.docs.get(self.shown(path))
        return doc.line(loc) if doc else None

    def repeated_ids(self, path: Path, section: str, ids: list[str], what: str) -> None:
        """A problem at every later occurrence of an id already listed in ``section``."""
        seen: set[str] = set()
        for i, item_id in enumerate(ids):
            if item_id in seen:
                line = self.line(path, (section, i, "id"))
                self.add(path, line, "id", f"{what} '{item_id}' finns flera gånger.")
            seen.add(item_id)

    def add(self, path: Path, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(self.shown(path), row, column, message))

    def _header_only(self, path: Path) -> bool:
        """The file reads as a table without rows (an unreadable file is not)."""
        try:
            return read_table_text(path, self.shown(path)).empty
        except TableReadError:
            return False

    def table(self, ds: Dataset) -> tuple[pd.DataFrame | None, str]:
        """The dataset typed, from ``data/<stem>.csv`` or ``.xlsx`` or the workbook's sheet
        ``<stem>``; (None, "") when there is none (the loader decides if it was needed).

        A header-only table gives way to the other place: a header-only sheet of the
        workbook to a file of the same table (the Excel template has every sheet; Kolada data
        is written as CSV), a header-only file to a sheet with rows (``init`` writes a
        header-only CSV of each table). Only a table filled in both is a conflict."""
        files = self.paths.table_candidates(ds.stem)
        sheet = self.sheets().get(ds.stem)
        if sheet is not None and files:
            if isinstance(sheet, pd.DataFrame) and sheet.empty:
                sheet = None
            elif len(files) == 1 and self._header_only(files[0]):
                files = []
            else:
                book = self.shown(self.paths.workbook_file)
                self.add(
                    files[0],
                    None,
                    None,
                    f"tabellen finns både här och på bladet '{ds.stem}' i {book}; "
                    "behåll en av dem.",
                )
        if sheet is not None:
            if isinstance(sheet, Problem):
                self.problems.append(sheet)
                return None, sheet.file
            shown = sheet_shown(self.shown(self.paths.workbook_file), ds.stem)
            self.warnings += [f"{shown}: {note}." for note in read_notes(sheet)]
            frame, problems = type_table(ds, sheet, shown)
            self.problems.extend(problems)
            return frame, shown
        if not files:
            return None, ""
        if len(files) > 1:
            self.add(
                files[1],
                None,
                None,
                f"både {files[0].name} och {files[1].name} finns; behåll en av dem.",
            )
        path = files[0]
        shown = self.shown(path)
        try:
            text = read_table_text(path, shown)
        except TableReadError as err:
            self.problems.append(err.problem)
            return None, shown
        self.warnings += [f"{shown}: {note}." for note in read_notes(text)]
        frame, problems = type_table(ds, text, shown)
        self.problems.extend(problems)
        return frame, shown
