"""Open data: the tables behind a report, for publishing as CSV beside the site.

:func:`tables` returns name → :class:`OpenTable` (a frame plus a Swedish description of
the table and of each column); the batch runner writes them (UTF-8). Numbers are raw (not
formatted, full precision, in the unit the column names); small counts of individuals are
left empty exactly as in the report (see :mod:`kommunrapport.content.suppression`). A table
without rows is not published.

- ``tabell``: :class:`OpenTable` and the parts the two reports share (drift, personnel).
- ``namnd``: the tables of a nämnd's report.
- ``kommun``: the tables of the kommun's report.
"""

from __future__ import annotations

from kommunrapport.content.opendata.kommun import kommun_tables
from kommunrapport.content.opendata.namnd import namnd_tables
from kommunrapport.content.opendata.tabell import OpenTable
from kommunrapport.data.model import Kommunmodell


def tables(model: Kommunmodell, period_id: str, namnd_id: str | None) -> dict[str, OpenTable]:
    """The open-data tables of a nämnd's report, or the kommun's when ``namnd_id`` is None;
    a table without rows is not published."""
    if namnd_id is None:
        found = kommun_tables(model, period_id)
    else:
        found = namnd_tables(model, period_id, namnd_id)
    return {name: t for name, t in found.items() if not t.frame.empty}
