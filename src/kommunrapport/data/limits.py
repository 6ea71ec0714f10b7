"""The input limits, in one place: what the project reads at most, per file.

The limits fit any Swedish kommun with a wide margin (the largest table, the indicator
outcomes of a big kommun with its comparison groups, has some hundred thousand rows) and
stop a broken or hostile file before it takes minutes or gigabytes. A file over a limit is
refused with a Swedish message that names it; data/README.md lists the limits for analysts.
"""

from __future__ import annotations

import csv
import re
from typing import Final

MB: Final = 1024 * 1024

MAX_TABLE_BYTES: Final = 100 * MB
"""A table file (CSV or xlsx) on disk."""
MAX_XLSX_UNPACKED_BYTES: Final = 500 * MB
"""An xlsx is a zip archive: the sum of its members' uncompressed sizes."""
MAX_ROWS: Final = 2_000_000
"""Rows of a table, header included."""
MAX_COLUMNS: Final = 200
"""Columns of a table (the widest dataset has eight)."""
MAX_CELLS: Final = 25_000_000
"""Cells of a table: rows times fields, counted before the file is parsed."""
MAX_FIELD_CHARS: Final = csv.field_size_limit()
"""One CSV cell (Python's csv module refuses longer fields: 131 072 characters)."""
MAX_YAML_BYTES: Final = 10 * MB
"""A YAML file (kommun.yml, malkedja.yml, params/perioder.yml …)."""

NAMND_ID_PATTERN: Final = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
"""A nämnd's id names files and folders (``reports/<period>/<id>.qmd``, the open-data folder
``oppna-data/<id>/``): lowercase ASCII letters, digits and hyphens, first a letter or a
digit, at most 32 characters."""
RESERVED_NAMND_IDS: Final = frozenset({"kommun", "index", "oppna-data"})
"""Names the build already uses in ``reports/<period>/``: the kommun's own report, the
period's whole report (``index.qmd``) and the published open data."""


def size_text(n_bytes: int) -> str:
    """``123 MB`` (rounded up) for a message."""
    return f"{-(-n_bytes // MB)} MB"


def namnd_id_problem(value: str) -> str | None:
    """Why ``value`` cannot be a nämnd's id (Swedish), or None when it can."""
    if value in RESERVED_NAMND_IDS:
        return (
            f"id '{value}' är reserverat (det används redan av rapporterna); "
            "välj ett annat id för nämnden."
        )
    if len(value) > 32:
        return f"id är för långt ({len(value)} tecken; högst 32)."
    if not NAMND_ID_PATTERN.match(value):
        return (
            f"id '{value}' får bara innehålla små bokstäver a–z, siffror och bindestreck, "
            "och ska börja med en bokstav eller siffra (t.ex. bun eller kultur-fritid)."
        )
    return None
