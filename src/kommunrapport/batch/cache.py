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

import numpy as np
import pandas as pd

from kommunrapport import __version__
from kommunrapport.batch.jobs import Job
from kommunrapport.data.datasets import DATASETS
from kommunrapport.data.fsutil import write_atomic
from kommunrapport.data.model import Kommunmodell
from kommunrapport.data.paths import ProjectPaths

FIGURES_KEY = "figurer"
"""A cache entry's list of the job's figure files (relative to the project root)."""

# Files in data/ that no notebook reads (documentation, the site's logo).
NOT_READ_BY_NOTEBOOKS = frozenset({"README.md", "logo.svg", "logo.png"})


def _hash_json(h: Any, value: Any) -> None:
    h.update(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode())


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _known_data_files() -> set[str]:
    known = {"kommun.yml", "malkedja.yml", *NOT_READ_BY_NOTEBOOKS}
    for ds in DATASETS.values():
        known.update({f"{ds.stem}.csv", f"{ds.stem}.xlsx"})
    return known


def _unregistered_inputs(paths: ProjectPaths) -> list[Path]:
    known = _known_data_files()
    if not paths.data_dir.is_dir():
        return []
    return sorted(
        p
        for p in paths.data_dir.rglob("*")
        if p.is_file() and p.relative_to(paths.data_dir).as_posix() not in known
    )


class Fingerprinter:
    """Fingerprints of the jobs of one build. Each table is hashed once, row by row; a
    job's fingerprint combines the (sorted) hashes of the rows it reads."""

    def __init__(self, model: Kommunmodell) -> None:
        self.model = model
        self._rows: dict[str, tuple[pd.DataFrame, np.ndarray[Any, Any]]] = {}
        paths = model.paths
        extra = hashlib.sha256()
        for path in _unregistered_inputs(paths):
            extra.update(paths.relative(path).encode())
            extra.update(file_digest(path).encode())
        self._extra = extra.hexdigest()

    def _table(self, name: str) -> tuple[pd.DataFrame, np.ndarray[Any, Any]]:
        if name not in self._rows:
            frame = self.model.table(name)
            hashes = pd.util.hash_pandas_object(frame, index=False).to_numpy()
            self._rows[name] = (frame, hashes)
        return self._rows[name]

    def _hash_rows(self, h: Any, name: str, mask: Any = None) -> None:
        frame, hashes = self._table(name)
        h.update(name.encode())
        h.update(",".join(map(str, frame.columns)).encode())
        selected = hashes if mask is None else hashes[np.asarray(mask, dtype=bool)]
        h.update(np.sort(selected).tobytes())  # row order does not matter

    def data(self, job: Job) -> str:
        """The hash of the data ``job`` reads (see the module docstring)."""
        model = self.model
        h = hashlib.sha256(self._extra.encode())
        period = model.period(job.period)
        _hash_json(h, period.model_dump(exclude={"namnder"}))
        namnd = job.namnd
        if namnd is None:
            _hash_json(h, model.organisation.model_dump())
            _hash_json(h, model.malkedja.model_dump())
            _hash_json(h, period.model_dump())
            for name in sorted(DATASETS):
                self._hash_rows(h, name)
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
            frame, _ = self._table(name)
            if ds.namnd_column:
                mask = frame[ds.namnd_column] == namnd
            elif name == "indikatorutfall":
                mask = frame["indikator"].isin(indicators)
            elif name == "jamforelsegrupper":
                mask = frame["grupp"] == group
            else:
                mask = None
            self._hash_rows(h, name, mask)
        return h.hexdigest()

    def job(self, job: Job, engine: str) -> str:
        """The job's fingerprint: package version, engine, template, parameters, data."""
        h = hashlib.sha256()
        h.update(__version__.encode())
        h.update(engine.encode())
        h.update(job.template.encode())
        h.update(self.model.paths.template(job.template).read_bytes())
        h.update(job.parameters_json().encode())
        h.update(self.data(job).encode())
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
        """The job's output is in place for ``fingerprint``: its notebook, key figures and
        every figure file the notebook references. An entry that lists no figure files
        (written before figures were files) is not current: the job runs again."""
        entry = self._entries.get(job.key)
        figures = entry.get(FIGURES_KEY) if entry is not None else None
        return (
            entry is not None
            and entry.get("fingerprint") == fingerprint
            and isinstance(figures, list)
            and self.paths.executed_notebook(job.period, job.name).is_file()
            and self.paths.key_figures_file(job.period, job.name).is_file()
            and all(isinstance(f, str) and (self.paths.root / f).is_file() for f in figures)
        )

    def record(
        self, job: Job, fingerprint: str, info: Mapping[str, Any], figures: Iterable[str] = ()
    ) -> None:
        """The job's output is in place; ``figures``: its figure files, relative to the root."""
        self._entries[job.key] = {"fingerprint": fingerprint, **info, FIGURES_KEY: list(figures)}

    def forget(self, jobs: Iterable[Job]) -> None:
        for job in jobs:
            self._entries.pop(job.key, None)

    def save(self) -> None:
        data = json.dumps(self._entries, indent=1, sort_keys=True, ensure_ascii=False)
        write_atomic(self.file, data.encode())
