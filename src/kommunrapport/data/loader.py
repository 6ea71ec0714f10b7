"""Load and validate a project's shared data into one :class:`Kommunmodell`.

Every problem is collected (not only the first) and raised together as a
:class:`DataValidationError`. Files are only ever read (by the
:class:`~kommunrapport.data.collector.Collector`); the rules that span files are in
:mod:`kommunrapport.data.crosscheck`. The validated model may be kept pickled in the
project's state folder, keyed by a digest of every input file and signed with the user's
own key (:mod:`kommunrapport.data.modelcache`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from typing import NamedTuple

import pandas as pd

from kommunrapport import __version__
from kommunrapport.data import modelcache
from kommunrapport.data.checks import area_problems
from kommunrapport.data.collector import (
    FINANSIELLA_MAL,
    KONCERN,
    MALKEDJA,
    ORGANISATION,
    Collector,
)
from kommunrapport.data.crosscheck import cross_check
from kommunrapport.data.datasets import DATASETS, KOMMUN_DATA, kommun_periods, parts
from kommunrapport.data.egna import collect_egna
from kommunrapport.data.errors import DataValidationError, Problem, sorted_problems
from kommunrapport.data.koncerncheck import koncern_check
from kommunrapport.data.model import (
    REPORT_KINDS,
    FinansiellaMal,
    Kommunmodell,
    Koncern,
    Malkedja,
    Organisation,
    Perioder,
    plural,
)
from kommunrapport.data.paths import ProjectPaths, project_paths
from kommunrapport.data.projectfiles import links_out, named_file
from kommunrapport.data.tecken import check_economy
from kommunrapport.data.withheld import withheld_lines


class Collected(NamedTuple):
    model: Kommunmodell | None
    problems: list[Problem]
    warnings: list[str]
    """Sound input worth a word, with or without problems (a CSV read as Windows-1252)."""


def collect(paths: ProjectPaths) -> tuple[Kommunmodell | None, list[Problem]]:
    """Read and validate everything; return the model (if sound) and all problems."""
    found = collect_all(paths)
    return found.model, found.problems


def collect_all(paths: ProjectPaths) -> Collected:
    """Like :func:`collect`, with the warnings that ``check`` prints either way."""
    c = Collector(paths)
    org = c.yaml_model(paths.yaml_file(ORGANISATION), Organisation)
    chain = c.yaml_model(paths.yaml_file(MALKEDJA), Malkedja)
    params = c.yaml_model(paths.params_file, Perioder)
    fin_file = paths.yaml_file(FINANSIELLA_MAL)
    fin = c.yaml_model(fin_file, FinansiellaMal) if fin_file.exists() else None
    koncern_file = paths.yaml_file(KONCERN)
    koncern = c.yaml_model(koncern_file, Koncern) if koncern_file.exists() else None
    tables: dict[str, tuple[pd.DataFrame, str]] = {}
    for ds in DATASETS.values():
        frame, shown = c.table(ds)
        if frame is not None:
            tables[ds.name] = (frame, shown)
    _require_tables(c, params, tables)
    cross_check(c, org, chain, params, tables)
    c.problems.extend(area_problems(org, tables))
    koncern_check(c, koncern, koncern_file.exists(), params, tables)
    conventions, notes, problems = check_economy(tables)
    c.problems.extend(problems)
    egna = collect_egna(c, {n.id for n in org.namnder}) if org is not None else {}
    _file_problems(c, org)
    if c.problems or org is None or chain is None or params is None:
        return Collected(None, sorted_problems(c.problems), c.warnings)
    notes += [
        f"{paths.relative(paths.egna_dir / t.namnd / t.namn)}: nämndens egen tabell "
        f"'{t.beskrivning.titel}' ({len(t.frame)} rader), etikett tbl-egen-{t.namn}."
        for own in egna.values()
        for t in own
    ]
    notes += _shared_indicators(chain)
    notes += _withheld(chain, org.kommun.kolada_id, tables)
    frozen = {name: frame.reset_index(drop=True) for name, (frame, _) in tables.items()}
    model = Kommunmodell(
        paths,
        org,
        chain,
        params,
        frozen,
        fin,
        conventions,
        egna,
        upplysningar=tuple(notes),
        koncern=koncern,
    )
    return Collected(model, [], c.warnings)


def _file_problems(c: Collector, org: Organisation | None) -> None:
    """The logo the data names must be an image inside data/ or assets/, and no file of the
    project's own folders may be a link out of the project (:mod:`.projectfiles`)."""
    paths = c.paths
    if org is not None and org.kommun.logotyp is not None:
        named = named_file(paths, org.kommun.logotyp)
        if named.problem is not None:
            source = paths.yaml_file(ORGANISATION)
            c.add(source, c.line(source, ("kommun", "logotyp")), "logotyp", named.problem)
    folders = (
        paths.data_dir,
        paths.params_dir,
        paths.notebooks_dir,
        paths.reports_dir,
        paths.assets_dir,
    )
    for link, target in links_out(paths, folders):
        shown = link.relative_to(paths.root).as_posix()  # the link itself, not its target
        c.problems.append(
            Problem(
                shown,
                None,
                None,
                f"är en symbolisk länk till {target!r}, utanför projektet (eller till en fil som "
                "inte finns); kopiera in filen i stället.",
            )
        )


def _shared_indicators(chain: Malkedja) -> list[str]:
    goals: dict[str, list[str]] = {}
    for goal in chain.namndmal:
        for ind in goal.indikatorer:
            goals.setdefault(ind.id, []).append(goal.id)
    kinds = {goal.id: chain.benamning(goal) for goal in chain.namndmal}

    def word(ids: list[str]) -> str:
        words = {kinds[i] for i in ids}
        return plural(words.pop()) if len(words) == 1 else "mål"

    return [
        f"data/malkedja.yml: indikatorn '{ind}' följer {len(ids)} {word(ids)} ({', '.join(ids)})."
        for ind, ids in goals.items()
        if len(ids) > 1
    ]


def _withheld(
    chain: Malkedja, kommun: str, tables: dict[str, tuple[pd.DataFrame, str]]
) -> list[str]:
    """What the source withheld for the kommun, per indicator and year (see
    :mod:`kommunrapport.data.withheld`)."""
    if "indikatorutfall" not in tables:
        return []
    frame, shown = tables["indikatorutfall"]
    own = frame[frame["omrade"] == kommun]
    rows = zip(own["indikator"], own["ar"], own["kon"], own["varde"].notna(), strict=True)
    cells = ((str(i), int(y), str(k), bool(v)) for i, y, k, v in rows)
    return [f"{shown}: {line}" for line in withheld_lines(cells, chain.indikatorer(), kommun)]


def _require_tables(
    c: Collector, params: Perioder | None, tables: dict[str, tuple[pd.DataFrame, str]]
) -> None:
    """A problem for each missing table that a part of this project's report needs (see
    ``required_for`` in the registry): the nämnder's chapters always, the kommun's chapter
    when some period has kommun-level data."""
    kommun = KOMMUN_DATA in tables and bool(kommun_periods(tables[KOMMUN_DATA][0]))
    present = parts(kommun)
    kinds = {p.typ for p in params.perioder} if params is not None else set(REPORT_KINDS)
    for ds in DATASETS.values():
        if ds.name in tables or not ds.required_in(present, kinds):
            continue
        if ds.stem in c.sheets() or c.paths.table_candidates(ds.stem):
            continue  # there, but unreadable: that problem is reported already
        why = " och ".join(p.value for p in ds.required_parts if p in present)
        c.add(
            c.paths.table_csv(ds.stem),
            None,
            None,
            f"filen saknas (krävs för {why}; se data/README.md).",
        )


_preloaded: Kommunmodell | None = None


def preload(model: Kommunmodell | None) -> None:
    """Hand this process an already validated model (the batch runner does this in each
    job's own, fresh process, so that a notebook does not read and validate again)."""
    global _preloaded
    _preloaded = model


def load_model(paths: ProjectPaths | None = None) -> Kommunmodell:
    """The validated model of the project at ``paths`` (default: found from here)."""
    if _preloaded is not None and (
        paths is None or paths.root.resolve() == _preloaded.paths.root.resolve()
    ):
        return _preloaded
    paths = paths or project_paths()
    model, problems = collect(paths)
    if problems or model is None:
        raise DataValidationError(problems)
    return model


def input_digest(paths: ProjectPaths) -> str:
    """A hash of every input file (data/ and params/) and the package version."""
    h = hashlib.sha256(__version__.encode())
    for folder in (paths.data_dir, paths.params_dir):
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            h.update(paths.relative(path).encode())
            with path.open("rb") as handle:  # in chunks: the size limits come later
                h.update(hashlib.file_digest(handle, "sha256").digest())
    return h.hexdigest()


def load_model_cached(
    paths: ProjectPaths, notice: Callable[[str], None] | None = None
) -> Kommunmodell:
    """Like :func:`load_model`, but skip validation when no input file changed since the
    last successful load: the validated model is kept in the project's state folder,
    signed with the user's own key (see :mod:`kommunrapport.data.modelcache`). A cache
    that cannot be used is rebuilt, and ``notice`` is told why (in Swedish)."""
    say = notice or (lambda _: None)
    digest = input_digest(paths)
    shown = paths.relative(paths.model_cache_file)
    key: bytes | None
    try:
        key = modelcache.user_key()
    except modelcache.CacheKeyError as exc:
        key = None
        say(
            f"modellcachen används inte: nyckeln kunde inte skapas ({exc}); datat "
            "kontrolleras vid varje bygge."
        )
    if key is not None:
        found = modelcache.read(paths, digest, key)
        if found.model is not None:
            return replace(found.model, paths=paths)
        if found.problem:
            say(f"{shown}: {found.problem}; datat kontrolleras på nytt och cachen skrivs om.")
    model = load_model(paths)
    if key is not None:
        modelcache.write(paths, digest, key, model)
    return model


def check(paths: ProjectPaths) -> list[Problem]:
    """All problems in the project's data and parameters (empty when all is well)."""
    return collect(paths)[1]
