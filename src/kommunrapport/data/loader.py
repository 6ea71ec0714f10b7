"""Load and validate a project's shared data into one :class:`Kommunmodell`.

Every problem is collected (not only the first) and raised together as a
:class:`DataValidationError`. Files are only ever read.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

import pandas as pd
from pydantic import BaseModel

from kommunrapport import __version__
from kommunrapport.data.checks import area_problems
from kommunrapport.data.datasets import DATASETS, Dataset, type_table
from kommunrapport.data.errors import DataValidationError, Problem, sorted_problems
from kommunrapport.data.fsutil import write_atomic
from kommunrapport.data.model import FinansiellaMal, Kommunmodell, Malkedja, Organisation, Perioder
from kommunrapport.data.paths import ProjectPaths, project_paths
from kommunrapport.data.tableio import TableReadError, read_table_text
from kommunrapport.data.yamlio import YamlDocument, parse_model, read_yaml

ORGANISATION = "kommun"
MALKEDJA = "malkedja"
FINANSIELLA_MAL = "finansiella_mal"

M = TypeVar("M", bound=BaseModel)


class _Collector:
    def __init__(self, paths: ProjectPaths) -> None:
        self.paths = paths
        self.problems: list[Problem] = []
        self.docs: dict[str, YamlDocument] = {}

    def shown(self, path: Path) -> str:
        return self.paths.relative(path)

    def yaml_model(self, path: Path, model: type[M]) -> M | None:
        shown = self.shown(path)
        doc, problems = read_yaml(path, shown)
        self.problems.extend(problems)
        if doc is None:
            return None
        self.docs[shown] = doc
        parsed, problems = parse_model(model, doc, shown)
        self.problems.extend(problems)
        return parsed

    def line(self, path: Path, loc: tuple[int | str, ...]) -> int | None:
        doc = self.docs.get(self.shown(path))
        return doc.line(loc) if doc else None

    def repeated_ids(self, path: Path, section: str, ids: list[str], what: str) -> None:
        """A problem at every later occurrence of an id already listed in ``section``."""
        seen: set[str] = set()
        for i, item_id in enumerate(ids):
            if item_id in seen:
                line = self.line(path, (section, i, "id"))
                self.add(path, line, "id", f"{what} '{item_id}' finns flera gånger.")
            seen.add(item_id)

    def add(self, path: Path, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(self.shown(path), row, column, message))

    def table(self, ds: Dataset) -> tuple[pd.DataFrame | None, str]:
        files = self.paths.table_candidates(ds.stem)
        if not files:
            if not ds.optional:
                self.add(self.paths.data_dir / f"{ds.stem}.csv", None, None, "filen saknas.")
            return None, ""
        if len(files) > 1:
            self.add(
                files[1],
                None,
                None,
                f"både {files[0].name} och {files[1].name} finns; behåll en av dem.",
            )
        path = files[0]
        shown = self.shown(path)
        try:
            text = read_table_text(path, shown)
        except TableReadError as err:
            self.problems.append(err.problem)
            return None, shown
        frame, problems = type_table(ds, text, shown)
        self.problems.extend(problems)
        return frame, shown


def _cross_check(
    c: _Collector,
    org: Organisation | None,
    chain: Malkedja | None,
    params: Perioder | None,
    tables: dict[str, tuple[pd.DataFrame, str]],
) -> None:
    org_file = c.paths.yaml_file(ORGANISATION)
    chain_file = c.paths.yaml_file(MALKEDJA)
    params_file = c.paths.params_file
    namnd_ids: set[str] = set()
    if org is not None:
        namnd_ids = {n.id for n in org.namnder}
        c.repeated_ids(org_file, "namnder", [n.id for n in org.namnder], "nämnden")
    indicators: dict[str, str] = {}
    goals: dict[str, str] = {}
    if chain is not None:
        im_ids = {m.id for m in chain.inriktningsmal}
        c.repeated_ids(
            chain_file, "inriktningsmal", [m.id for m in chain.inriktningsmal], "inriktningsmålet"
        )
        for i, nm in enumerate(chain.namndmal):
            loc: tuple[int | str, ...] = ("namndmal", i)
            if nm.id in goals:
                c.add(
                    chain_file,
                    c.line(chain_file, (*loc, "id")),
                    "id",
                    f"nämndmålet '{nm.id}' finns flera gånger.",
                )
            goals[nm.id] = nm.namnd
            if org is not None and nm.namnd not in namnd_ids:
                c.add(
                    chain_file,
                    c.line(chain_file, (*loc, "namnd")),
                    "namnd",
                    f"okänd nämnd '{nm.namnd}' (finns inte i data/kommun.yml).",
                )
            for j, link in enumerate(nm.inriktningsmal):
                if link not in im_ids:
                    c.add(
                        chain_file,
                        c.line(chain_file, (*loc, "inriktningsmal", j)),
                        "inriktningsmal",
                        f"nämndmålet '{nm.id}' länkar till okänt inriktningsmål '{link}'.",
                    )
            for j, ind in enumerate(nm.indikatorer):
                if ind.id in indicators:
                    c.add(
                        chain_file,
                        c.line(chain_file, (*loc, "indikatorer", j, "id")),
                        "id",
                        f"indikatorn '{ind.id}' finns redan under nämndmålet "
                        f"'{indicators[ind.id]}'.",
                    )
                indicators[ind.id] = nm.id
                if params is not None:
                    for year in sorted({p.year for p in params.perioder}):
                        if year not in ind.mal:
                            c.add(
                                chain_file,
                                c.line(chain_file, (*loc, "indikatorer", j, "mal"))
                                or c.line(chain_file, (*loc, "indikatorer", j, "id")),
                                "mal",
                                f"indikatorn '{ind.id}' saknar målvärde för rapportåret {year}.",
                            )
    groups: set[str] = set()
    if "jamforelsegrupper" in tables:
        groups = set(tables["jamforelsegrupper"][0]["grupp"].dropna())
    if params is not None:
        seen: set[str] = set()
        for i, p in enumerate(params.perioder):
            if p.id in seen:
                c.add(
                    params_file,
                    c.line(params_file, ("perioder", i, "id")),
                    "id",
                    f"perioden '{p.id}' finns flera gånger.",
                )
            seen.add(p.id)
            for j, n in enumerate(p.namnder):
                loc = ("perioder", i, "namnder", j)
                if org is not None and n.id not in namnd_ids:
                    c.add(
                        params_file,
                        c.line(params_file, (*loc, "id")),
                        "id",
                        f"okänd nämnd '{n.id}' (finns inte i data/kommun.yml).",
                    )
                if (
                    n.jamforelsegrupp
                    and "jamforelsegrupper" in tables
                    and (n.jamforelsegrupp not in groups)
                ):
                    c.add(
                        params_file,
                        c.line(params_file, (*loc, "jamforelsegrupp")),
                        "jamforelsegrupp",
                        f"okänd jämförelsegrupp '{n.jamforelsegrupp}' "
                        "(finns inte i data/jamforelsegrupper.csv).",
                    )
                for k, ind_id in enumerate(n.markera):
                    if chain is not None and ind_id not in indicators:
                        c.add(
                            params_file,
                            c.line(params_file, (*loc, "markera", k)),
                            "markera",
                            f"okänd indikator '{ind_id}'.",
                        )
            for ds_name in ("driftredovisning", "personal"):
                if ds_name not in tables:
                    continue
                frame, shown = tables[ds_name]
                for j, n in enumerate(p.namnder):
                    if n.id not in namnd_ids:
                        continue
                    rows = frame[(frame["period"] == p.id) & (frame["namnd"] == n.id)]
                    if rows.empty:
                        c.add(
                            params_file,
                            c.line(params_file, ("perioder", i, "namnder", j, "id")),
                            "id",
                            f"perioden {p.id} finns inte i datat: {shown} har inga rader för "
                            f"nämnden '{n.id}' och perioden {p.id}.",
                        )
    for name, (frame, shown) in tables.items():
        ds = DATASETS[name]
        if ds.namnd_column and org is not None:
            for row, value in frame[ds.namnd_column].items():
                # An empty cell is already "värde saknas" (pandas holds it as NaN).
                if isinstance(value, str) and value not in namnd_ids:
                    c.problems.append(
                        Problem(
                            shown,
                            int(str(row)),
                            ds.namnd_column,
                            f"okänd nämnd '{value}' (finns inte i data/kommun.yml).",
                        )
                    )
        if name == "indikatorutfall" and chain is not None:
            for row, value in frame["indikator"].items():
                if value is not None and value not in indicators:
                    c.problems.append(
                        Problem(
                            shown,
                            int(str(row)),
                            "indikator",
                            f"okänd indikator '{value}' (finns inte i data/malkedja.yml).",
                        )
                    )
        if name == "aktiviteter" and chain is not None:
            for row, rec in frame.iterrows():
                goal = rec["namndmal"]
                if goal is None:
                    continue
                if goal not in goals:
                    c.problems.append(
                        Problem(shown, int(str(row)), "namndmal", f"okänt nämndmål '{goal}'.")
                    )
                elif rec["namnd"] is not None and goals[goal] != rec["namnd"]:
                    c.problems.append(
                        Problem(
                            shown,
                            int(str(row)),
                            "namndmal",
                            f"nämndmålet '{goal}' hör till nämnden "
                            f"'{goals[goal]}', inte '{rec['namnd']}'.",
                        )
                    )
        if name == "bedomningar" and chain is not None:
            c.problems.extend(_override_problems(frame, shown, goals, indicators))
        if name == "noter":
            c.problems.extend(_note_problems(frame, shown, params, c.paths))


def _override_problems(
    frame: pd.DataFrame, shown: str, goals: dict[str, str], indicators: dict[str, str]
) -> list[Problem]:
    """An override names exactly one nämndmål or one indikator of its own nämnd."""
    problems: list[Problem] = []
    for row, rec in frame.iterrows():
        line = int(str(row))
        goal, ind, namnd = (
            None if pd.isna(v) else v for v in rec[["namndmal", "indikator", "namnd"]]
        )
        if (goal is None) == (ind is None):
            problems.append(
                Problem(shown, line, "namndmal", "ange antingen namndmal eller indikator.")
            )
            continue
        column, target = ("namndmal", goal) if goal is not None else ("indikator", ind)
        owner_goal = goal if goal is not None else indicators.get(str(ind))
        if owner_goal is None or owner_goal not in goals:
            what = "nämndmål" if column == "namndmal" else "indikator"
            problems.append(Problem(shown, line, column, f"okänt {what} '{target}'."))
        elif namnd is not None and goals[owner_goal] != namnd:
            problems.append(
                Problem(
                    shown,
                    line,
                    column,
                    f"'{target}' hör till nämnden '{goals[owner_goal]}', inte '{namnd}'.",
                )
            )
    return problems


def _note_problems(
    frame: pd.DataFrame, shown: str, params: Perioder | None, paths: ProjectPaths
) -> list[Problem]:
    """Within a period a note has one ``rubrik`` and specifies at most one statement post
    (``avser``, which may be left empty on some of its rows); notes belong to an
    årsredovisning, so rows for another kind of period would never be shown."""
    problems: list[Problem] = []
    kinds = {p.id: p.typ for p in params.perioder} if params is not None else {}
    reported_kind: set[str] = set()
    first: dict[tuple[str, int, str], tuple[int, str]] = {}
    for row, rec in frame.iterrows():
        line = int(str(row))
        period, number = rec["period"], rec["not"]
        if period is None or pd.isna(number):
            continue
        period = str(period)
        kind = kinds.get(period)
        if kind is not None and kind != "årsredovisning" and period not in reported_kind:
            reported_kind.add(period)
            problems.append(
                Problem(
                    shown,
                    line,
                    "period",
                    f"perioden {period} är en {kind} i {paths.relative(paths.params_file)}; "
                    "noter redovisas bara i årsredovisningen.",
                )
            )
        for column, what in (("rubrik", "rubriken"), ("avser", "posten")):
            value = rec[column]
            if value is None or pd.isna(value):
                continue
            key = (period, int(number), column)
            if key not in first:
                first[key] = (line, str(value))
                continue
            first_line, seen = first[key]
            if str(value) != seen:
                problems.append(
                    Problem(
                        shown,
                        line,
                        column,
                        f"not {number} i perioden {period} har {what} '{seen}' på rad "
                        f"{first_line} men '{value}' här; en not ska ha samma {column} "
                        "på alla sina rader.",
                    )
                )
    return problems


def collect(paths: ProjectPaths) -> tuple[Kommunmodell | None, list[Problem]]:
    """Read and validate everything; return the model (if sound) and all problems."""
    c = _Collector(paths)
    org = c.yaml_model(paths.yaml_file(ORGANISATION), Organisation)
    chain = c.yaml_model(paths.yaml_file(MALKEDJA), Malkedja)
    params = c.yaml_model(paths.params_file, Perioder)
    fin_file = paths.yaml_file(FINANSIELLA_MAL)
    fin = c.yaml_model(fin_file, FinansiellaMal) if fin_file.exists() else None
    tables: dict[str, tuple[pd.DataFrame, str]] = {}
    for ds in DATASETS.values():
        frame, shown = c.table(ds)
        if frame is not None:
            tables[ds.name] = (frame, shown)
    _cross_check(c, org, chain, params, tables)
    c.problems.extend(area_problems(org, tables))
    if c.problems or org is None or chain is None or params is None:
        return None, sorted_problems(c.problems)
    frozen = {name: frame.reset_index(drop=True) for name, (frame, _) in tables.items()}
    model = Kommunmodell(paths, org, chain, params, frozen, fin)
    return model, []


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


def load_model_cached(paths: ProjectPaths) -> Kommunmodell:
    """Like :func:`load_model`, but skip validation when no input file changed since the
    last successful load (the validated model is kept in the project's state folder)."""
    digest = input_digest(paths)
    cache = paths.model_cache_file
    try:
        with cache.open("rb") as handle:
            stored_digest, model = pickle.load(handle)
        if stored_digest == digest and isinstance(model, Kommunmodell):
            return replace(model, paths=paths)
    except Exception:  # missing, corrupt or written by older code: rebuild it
        pass
    model = load_model(paths)
    write_atomic(cache, pickle.dumps((digest, model), protocol=pickle.HIGHEST_PROTOCOL))
    return model


def check(paths: ProjectPaths) -> list[Problem]:
    """All problems in the project's data and parameters (empty when all is well)."""
    return collect(paths)[1]
