"""Which areas' outcomes a project shows: the kommun, the whole country and the members of
its comparison groups (the rule `check` applies to data/indikatorutfall.csv, see
:func:`kommunrapport.data.checks.area_problems`). An import leaves other areas out."""

from __future__ import annotations

from kommunrapport.data.checks import GROUPS_TABLE, RIKET
from kommunrapport.data.model import Organisation
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.data.tableio import TableReadError, read_table_text
from kommunrapport.data.yamlio import parse_model, read_yaml


def known_areas(paths: ProjectPaths) -> set[str] | None:
    """The Kolada ids of the areas shown, or None when kommun.yml or the groups table
    cannot be read (then `check` says why)."""
    doc, _ = read_yaml(paths.yaml_file("kommun"), "kommun.yml")
    org = parse_model(Organisation, doc, "kommun.yml")[0] if doc is not None else None
    files = paths.table_candidates(GROUPS_TABLE)
    if org is None or len(files) != 1:
        return None
    try:
        groups = read_table_text(files[0], files[0].name)
    except TableReadError:
        return None
    if "kommun" not in groups.columns:
        return None
    return {org.kommun.kolada_id, RIKET} | {str(m) for m in groups["kommun"] if str(m)}
