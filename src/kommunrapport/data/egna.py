"""The nämnder's own tables: ``data/egna/<nämnd>/<namn>.csv`` (or ``.xlsx``) beside
``<namn>.yml``, its description (title, unit, columns with their kinds, sum row).

Each table is typed and checked like every table of the registry (a :class:`Dataset` is built
from its description; the first column is its key), and each problem names file, row and column.
"""

from __future__ import annotations

import re
from typing import Final

from kommunrapport.data.collector import Collector
from kommunrapport.data.model import EgenTabell, EgenTabellBeskrivning
from kommunrapport.data.tablespec import Column, Dataset, Kind

NAME_RE: Final = re.compile(r"^[a-z0-9][a-z0-9-]*$")
"""An own table's file name (without suffix): it becomes the label ``tbl-egen-<namn>``."""

_KINDS: Final = {
    "text": Kind.TEXT,
    "tal": Kind.NUMBER,
    "heltal": Kind.INT,
    "år": Kind.YEAR,
    "procent": Kind.NUMBER,
}


def dataset_for(stem: str, spec: EgenTabellBeskrivning) -> Dataset:
    """The registry-like entry that types and checks an own table."""
    columns = tuple(
        Column(k.namn, _KINDS[k.typ], description=k.rubrik or k.namn) for k in spec.kolumner
    )
    return Dataset(stem, columns, key=spec.key(), description=spec.titel)


def collect_egna(c: Collector, namnd_ids: set[str]) -> dict[str, tuple[EgenTabell, ...]]:
    """Read and check every own table under data/egna/; nämnd id → its tables."""
    paths = c.paths
    root = paths.egna_dir
    out: dict[str, tuple[EgenTabell, ...]] = {}
    if not root.is_dir():
        return out
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        namnd = folder.name
        if namnd not in namnd_ids:
            c.add(folder, None, None, f"okänd nämnd '{namnd}' (finns inte i data/kommun.yml).")
            continue
        found: list[EgenTabell] = []
        stems = sorted({p.stem for p in folder.iterdir() if p.is_file()})
        for name in stems:
            spec_file = folder / f"{name}.yml"
            stem = paths.egen_stem(namnd, name)
            tables = paths.table_candidates(stem)
            if not spec_file.exists():
                c.add(
                    tables[0] if tables else folder / name,
                    None,
                    None,
                    f"beskrivningen {name}.yml saknas (titel, enhet, kolumner).",
                )
                continue
            if not NAME_RE.match(name):
                c.add(
                    spec_file,
                    None,
                    None,
                    f"filnamnet '{name}' får bara ha små bokstäver a–z, siffror och bindestreck "
                    "(det blir etiketten tbl-egen-<namn>).",
                )
                continue
            spec = c.yaml_model(spec_file, EgenTabellBeskrivning)
            if spec is None:
                continue
            if not tables:
                c.add(folder / f"{name}.csv", None, None, f"filen saknas (beskrivs i {name}.yml).")
                continue
            frame, _ = c.table(dataset_for(stem, spec))
            if frame is not None:
                found.append(EgenTabell(namnd, name, spec, frame.reset_index(drop=True)))
        if found:
            out[namnd] = tuple(found)
    return out
