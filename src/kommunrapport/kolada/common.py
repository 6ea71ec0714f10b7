"""What the Kolada modules share: the names of the tables they write, the row they
merge (:class:`Outcome`), and small readers of the project's files and of Kolada's
ids and years.

Nothing here writes a file or asks the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from kommunrapport.data.errors import DataValidationError, KommunrapportError, Problem
from kommunrapport.data.model import Malkedja
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.data.tableio import parse_number
from kommunrapport.data.yamlio import parse_model, read_yaml

__all__ = [
    "GENDERS",
    "GROUPS",
    "KOLADA_SOURCE_NOTE",
    "OUTCOMES",
    "FetchPlanError",
    "Group",
    "Outcome",
    "Triple",
    "area_id",
    "kolada_kpis",
    "local_now",
    "opt_text",
    "parse_year",
    "project_yaml",
]

KOLADA_SOURCE_NOTE = "Källa: Kolada"
"""The attribution Kolada's terms of use require wherever its figures are shown."""

GENDERS = ("T", "K", "M")
OUTCOMES = "indikatorutfall"
GROUPS = "jamforelsegrupper"


M = TypeVar("M", bound=BaseModel)
Triple = tuple[str, str, int]


class FetchPlanError(KommunrapportError):
    """Nothing sensible to fetch or import (no Kolada indicators, bad years, bad file)."""


@dataclass(frozen=True)
class Outcome:
    """One row of ``indikatorutfall``."""

    indikator: str
    omrade: str
    ar: int
    kon: str
    varde: float
    status: str | None = None

    @property
    def triple(self) -> Triple:
        return (self.indikator, self.omrade, self.ar)


@dataclass(frozen=True)
class Group:
    """A Kolada municipality group and its members (id, name)."""

    id: str
    title: str
    members: tuple[tuple[str, str], ...]


def project_yaml(paths: ProjectPaths, path: Path, model: type[M], problems: list[Problem]) -> M:
    shown = paths.relative(path)
    doc, found = read_yaml(path, shown)
    problems.extend(found)
    if doc is None:
        raise DataValidationError(problems)
    parsed, found = parse_model(model, doc, shown)
    problems.extend(found)
    if parsed is None:
        raise DataValidationError(problems)
    return parsed


def kolada_kpis(chain: Malkedja) -> tuple[str, ...]:
    return tuple(
        sorted({i.id for m in chain.namndmal for i in m.indikatorer if i.kalla == "kolada"})
    )


def local_now() -> datetime:
    return datetime.now().astimezone()


def opt_text(value: object) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def parse_year(text: str) -> int | None:
    try:
        value = parse_number(text)
    except ValueError:
        return None
    if value is None or not float(value).is_integer() or not 1900 <= value <= 2100:
        return None
    return int(value)


def area_id(text: str) -> str:
    """A Kolada area id as Kolada writes it: Excel turns 0180 into 180; undo that."""
    text = text.strip()
    return text.zfill(4) if text.isdigit() and len(text) < 4 else text
