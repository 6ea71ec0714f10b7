"""The Kolada files beside the tables: ``data/kolada_kpi.yml`` (KPI metadata: title,
description, divided by kön, publication dates) and ``data/kolada_kalla.yml`` (the
provenance of each fetch or import: what was asked, when, from which URLs, how many
values; the last :data:`PROVENANCE_HISTORY` kept), and the source note for reports.

Both files are written only by ``kommunrapport kolada`` (see :mod:`.fetch` and
:mod:`.importer`) and say so in their first line; here they are rendered as bytes and
read leniently: a missing or unreadable file counts as empty. Kolada's terms require
the source to be stated as "Källa: Kolada" wherever the figures are shown: report code
calls :func:`kolada_source_note`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from kommunrapport.data.model import Kommunmodell
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.kolada.common import KOLADA_SOURCE_NOTE, opt_text

__all__ = [
    "PROVENANCE_HISTORY",
    "KpiMetadata",
    "kolada_source_note",
    "kpi_yaml",
    "load_kpi_metadata",
    "provenance_yaml",
]

PROVENANCE_HISTORY = 10
_GENERATED = (
    "# Skriven av 'kommunrapport kolada'. Ändra inte för hand: filen skrivs om vid nästa hämtning."
)


@dataclass(frozen=True)
class KpiMetadata:
    """What Kolada says about a KPI (``/kpi/{id}``)."""

    id: str
    title: str
    description: str = ""
    is_divided_by_gender: bool = False
    prel_publication_date: str | None = None
    publication_date: str | None = None
    publ_period: int | None = None

    @property
    def unit(self) -> str:
        """Kolada has no unit field: the unit is the suffix of the title (", kr/inv")."""
        head, sep, tail = self.title.rpartition(",")
        return tail.strip() if sep and head else ""

    def to_yaml(self) -> dict[str, Any]:
        return {
            "titel": self.title,
            "beskrivning": self.description,
            "enhet": self.unit,
            "uppdelad_pa_kon": self.is_divided_by_gender,
            "preliminar_publicering": self.prel_publication_date,
            "publicering": self.publication_date,
            "publiceringsperiod": self.publ_period,
        }

    @classmethod
    def from_yaml(cls, kpi_id: str, data: Mapping[str, Any]) -> KpiMetadata:
        period = data.get("publiceringsperiod")
        return cls(
            id=kpi_id,
            title=str(data.get("titel") or ""),
            description=str(data.get("beskrivning") or ""),
            is_divided_by_gender=bool(data.get("uppdelad_pa_kon")),
            prel_publication_date=opt_text(data.get("preliminar_publicering")),
            publication_date=opt_text(data.get("publicering")),
            publ_period=int(period) if isinstance(period, int) else None,
        )


def kolada_source_note(model: Kommunmodell, *, with_date: bool = True) -> str | None:
    """``"Källa: Kolada"`` (with the date of the last fetch when known) if the goal chain
    has any Kolada indicator, else None. Show it wherever Kolada figures appear."""
    if not any(i.kalla == "kolada" for i in model.indikatorer().values()):
        return None
    if with_date:
        when = _last_retrieved(model.paths)
        if when is not None:
            return f"{KOLADA_SOURCE_NOTE} (hämtat {when.isoformat()})"
    return KOLADA_SOURCE_NOTE


def load_kpi_metadata(paths: ProjectPaths) -> dict[str, KpiMetadata]:
    """The KPI metadata last fetched (``data/kolada_kpi.yml``); empty if never fetched."""
    data = _read_tool_yaml(paths.kolada_kpi_file)
    kpis = data.get("kpi")
    if not isinstance(kpis, dict):
        return {}
    return {
        str(k): KpiMetadata.from_yaml(str(k), v) for k, v in kpis.items() if isinstance(v, dict)
    }


def _last_retrieved(paths: ProjectPaths) -> date | None:
    history = _read_tool_yaml(paths.kolada_provenance_file).get("hamtningar")
    if not isinstance(history, list) or not history or not isinstance(history[0], dict):
        return None
    when = history[0].get("tid")
    if isinstance(when, datetime):
        return when.date()
    try:
        return datetime.fromisoformat(str(when)).date()
    except ValueError:
        return None


def _read_tool_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _dump_yaml(data: Mapping[str, Any]) -> bytes:
    body = yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False, width=100)
    return (_GENERATED + "\n" + body).encode("utf-8")


def kpi_yaml(paths: ProjectPaths, metadata: Mapping[str, KpiMetadata]) -> bytes:
    old = load_kpi_metadata(paths)
    old.update(metadata)
    return _dump_yaml(
        {
            "kalla": KOLADA_SOURCE_NOTE,
            "kpi": {k: old[k].to_yaml() for k in sorted(old)},
        }
    )


def provenance_yaml(paths: ProjectPaths, entry: Mapping[str, Any]) -> bytes:
    history = _read_tool_yaml(paths.kolada_provenance_file).get("hamtningar")
    older = [h for h in history if isinstance(h, dict)] if isinstance(history, list) else []
    return _dump_yaml(
        {
            "kalla": f"{KOLADA_SOURCE_NOTE} (RKA, https://www.kolada.se)",
            "hamtningar": [dict(entry), *older][:PROVENANCE_HISTORY],
        }
    )
