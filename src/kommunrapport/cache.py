"""What a build job depends on, as one fingerprint, and the record of finished jobs.

A nämnd job's fingerprint covers the template's bytes, its parameters, the package
version, the engine, and only the data that nämnd's report reads: its own rows of the
nämnd tables, the outcomes of its own indicators (all areas), its comparison group, its
part of the goal chain, the kommun's identity and its period's parameters. A change in
another nämnd's data therefore leaves it cached. The kommun job reads everything.
Files in data/ that the registry does not know are hashed into every job, so a new
kind of input can never be silently ignored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from kommunrapport import __version__
from kommunrapport.datasets import DATASETS
from kommunrapport.fsutil import write_atomic
from kommunrapport.jobs import Job
from kommunrapport.model import Kommunmodell
from kommunrapport.paths import ProjectPaths

# Files in data/ that no notebook reads (documentation, the site's logo).
NOT_READ_BY_NOTEBOOKS = frozenset({"README.md", "logo.svg", "logo.png"})


def _hash_json(h: Any, value: Any) -> None:
    h.update(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode())


def _hash_frame(h: Any, frame: pd.DataFrame) -> None:
    h.update(",".join(map(str, frame.columns)).encode())
    if not frame.empty:
        ordered = frame.sort_values(list(frame.columns)).reset_index(drop=True)
        h.update(pd.util.hash_pandas_object(ordered, index=False).to_numpy().tobytes())


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _known_data_files(paths: ProjectPaths) -> set[str]:
    known = {"kommun.yml", "malkedja.yml", *NOT_READ_BY_NOTEBOOKS}
    for ds in DATASETS.values():
        known.update({f"{ds.stem}.csv", f"{ds.stem}.xlsx"})
    return known


def _unregistered_inputs(paths: ProjectPaths) -> list[Path]:
    known = _known_data_files(paths)
    if not paths.data_dir.is_dir():
        return []
    return sorted(
        p
        for p in paths.data_dir.rglob("*")
        if p.is_file() and p.relative_to(paths.data_dir).as_posix() not in known
    )


def data_fingerprint(model: Kommunmodell, job: Job) -> str:
    """The hash of the data ``job`` reads (see the module docstring)."""
    h = hashlib.sha256()
    paths = model.paths
    for extra in _unregistered_inputs(paths):
        h.update(paths.relative(extra).encode())
        h.update(file_digest(extra).encode())
    period = model.period(job.period)
    _hash_json(h, period.model_dump(exclude={"namnder"}))
    namnd = job.namnd
    if namnd is None:
        _hash_json(h, model.organisation.model_dump())
        _hash_json(h, model.malkedja.model_dump())
        _hash_json(h, period.model_dump())
        for name in sorted(DATASETS):
            h.update(name.encode())
            _hash_frame(h, model.table(name))
        return h.hexdigest()
    _hash_json(h, model.kommun.model_dump())
    _hash_json(h, model.namnd(namnd).model_dump())
    _hash_json(h, next(n.model_dump() for n in period.namnder if n.id == namnd))
    chain = model.malkedja
    goals = model.namndmal_for(namnd)
    _hash_json(h, [chain.vision, chain.mandatperiod, chain.bedomning.model_dump()])
    _hash_json(h, [m.model_dump() for m in chain.inriktningsmal])
    _hash_json(h, [g.model_dump() for g in goals])
    indicators = {i.id for g in goals for i in g.indikatorer}
    group = job.parameters.get("jamforelsegrupp")
    for name, ds in sorted(DATASETS.items()):
        if ds.kommun_only:
            continue
        frame = model.table(name)
        if ds.namnd_column:
            frame = frame[frame[ds.namnd_column] == namnd]
        elif name == "indikatorutfall":
            frame = frame[frame["indikator"].isin(indicators)]
        elif name == "jamforelsegrupper":
            frame = frame[frame["grupp"] == group]
        h.update(name.encode())
        _hash_frame(h, frame)
    return h.hexdigest()


def job_fingerprint(model: Kommunmodell, job: Job, engine: str) -> str:
    h = hashlib.sha256()
    h.update(__version__.encode())
    h.update(engine.encode())
    h.update(job.template.encode())
    h.update(model.paths.template(job.template).read_bytes())
    h.update(job.parameters_json().encode())
    h.update(data_fingerprint(model, job).encode())
    return h.hexdigest()


class BuildCache:
    """Fingerprints of the jobs whose output is in place (``.kommunrapport/``)."""

    def __init__(self, paths: ProjectPaths) -> None:
        self.paths = paths
        self.file = paths.build_cache_file
        try:
            self._entries: dict[str, dict[str, Any]] = json.loads(self.file.read_text("utf-8"))
        except (FileNotFoundError, ValueError):
            self._entries = {}

    def is_current(self, job: Job, fingerprint: str) -> bool:
        entry = self._entries.get(job.key)
        return (
            entry is not None
            and entry.get("fingerprint") == fingerprint
            and self.paths.executed_notebook(job.period, job.name).is_file()
            and self.paths.key_figures_file(job.period, job.name).is_file()
        )

    def record(self, job: Job, fingerprint: str, info: Mapping[str, Any]) -> None:
        self._entries[job.key] = {"fingerprint": fingerprint, **info}

    def forget(self, jobs: Iterable[Job]) -> None:
        for job in jobs:
            self._entries.pop(job.key, None)

    def save(self) -> None:
        data = json.dumps(self._entries, indent=1, sort_keys=True, ensure_ascii=False)
        write_atomic(self.file, data.encode())
