"""Checks between the tables that the loader runs besides its own cross-checks, and the
warnings ``check`` and ``build`` show without failing.

A warning is a :class:`Problem` too (file, row, column, Swedish message) but does not stop a
build: a table with only its header row may be a mistake, or a kommun that has nothing to
report there yet.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from kommunrapport.data.errors import Problem
from kommunrapport.data.model import Kommunmodell, Organisation

RIKET = "0000"
"""Kolada's id for the whole country."""

AREA_TABLE = "indikatorutfall"
GROUPS_TABLE = "jamforelsegrupper"


def area_problems(
    org: Organisation | None, tables: Mapping[str, tuple[pd.DataFrame, str]]
) -> list[Problem]:
    """An indicator outcome's ``omrade`` is the kommun, the whole country (``0000``) or a
    member of a comparison group: any other value would never be shown."""
    if org is None or AREA_TABLE not in tables or GROUPS_TABLE not in tables:
        return []
    frame, shown = tables[AREA_TABLE]
    groups, groups_shown = tables[GROUPS_TABLE]
    members = {m for m in groups["kommun"] if isinstance(m, str)}
    known = {org.kommun.kolada_id, RIKET} | members
    problems: list[Problem] = []
    for row, value in frame["omrade"].items():
        if isinstance(value, str) and value not in known:
            problems.append(
                Problem(
                    shown,
                    int(str(row)),
                    "omrade",
                    f"okänt område '{value}': ska vara kommunen ({org.kommun.kolada_id}), "
                    f"riket ({RIKET}) eller en kommun i {groups_shown}.",
                )
            )
    return problems


def _needed_tables(model: Kommunmodell) -> dict[str, str]:
    """The tables the reports need, with what needs them (for the warning)."""
    needed: dict[str, str] = {}
    chain = model.malkedja
    if any(nm.indikatorer for nm in chain.namndmal):
        needed["indikatorutfall"] = "målkedjans indikatorer saknar då utfall"
    if chain.namndmal:
        needed["aktiviteter"] = "nämndmålen får då inga aktiviteter"
    if model.perioder.perioder:
        needed["resultatrakning"] = "kommunens resultaträkning blir då tom"
        needed["balansrakning"] = "kommunens balansräkning blir då tom"
    if any(n.jamforelsegrupp for p in model.perioder.perioder for n in p.namnder):
        needed[GROUPS_TABLE] = "jämförelsegrupperna i params har då inga kommuner"
    return needed


def empty_table_warnings(model: Kommunmodell) -> list[Problem]:
    """A warning for each table file the goal chain or the parameters need that has only its
    header row."""
    paths = model.paths
    warnings: list[Problem] = []
    for name, consequence in _needed_tables(model).items():
        if not model.table(name).empty:
            continue
        files = paths.table_candidates(name)
        if not files:  # a table left out (or kept in the workbook): not a header-only file
            continue
        shown = paths.relative(files[0])
        warnings.append(
            Problem(shown, None, None, f"tabellen har bara rubrikraden, inga rader; {consequence}.")
        )
    return warnings
