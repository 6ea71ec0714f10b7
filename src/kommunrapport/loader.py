"""Load and validate a project's shared data into one :class:`Kommunmodell`.

Every problem is collected (not only the first) and raised together as a
:class:`DataValidationError`. Files are only ever read.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

import pandas as pd
from pydantic import BaseModel

from kommunrapport.datasets import DATASETS, Dataset, type_table
from kommunrapport.errors import DataValidationError, Problem
from kommunrapport.model import Kommunmodell, Malkedja, Organisation, Perioder
from kommunrapport.paths import ProjectPaths, project_paths
from kommunrapport.tableio import TableReadError, read_table_text
from kommunrapport.yamlio import YamlDocument, parse_model, read_yaml

ORGANISATION = "kommun"
MALKEDJA = "malkedja"

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


def _duplicates(values: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    dup: set[str] = set()
    for v in values:
        (dup if v in seen else seen).add(v)
    return dup


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
        for i, org_n in enumerate(org.namnder):
            if org_n.id in _duplicates(x.id for x in org.namnder[: i + 1]):
                c.add(
                    org_file,
                    c.line(org_file, ("namnder", i, "id")),
                    "id",
                    f"nämnden '{org_n.id}' finns flera gånger.",
                )
    indicators: dict[str, str] = {}
    goals: dict[str, str] = {}
    if chain is not None:
        im_ids = {m.id for m in chain.inriktningsmal}
        for i, im in enumerate(chain.inriktningsmal):
            if im.id in _duplicates(x.id for x in chain.inriktningsmal[: i + 1]):
                c.add(
                    chain_file,
                    c.line(chain_file, ("inriktningsmal", i, "id")),
                    "id",
                    f"inriktningsmålet '{im.id}' finns flera gånger.",
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
                if value is not None and value not in namnd_ids:
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


def collect(paths: ProjectPaths) -> tuple[Kommunmodell | None, list[Problem]]:
    """Read and validate everything; return the model (if sound) and all problems."""
    c = _Collector(paths)
    org = c.yaml_model(paths.yaml_file(ORGANISATION), Organisation)
    chain = c.yaml_model(paths.yaml_file(MALKEDJA), Malkedja)
    params = c.yaml_model(paths.params_file, Perioder)
    tables: dict[str, tuple[pd.DataFrame, str]] = {}
    for ds in DATASETS.values():
        frame, shown = c.table(ds)
        if frame is not None:
            tables[ds.name] = (frame, shown)
    _cross_check(c, org, chain, params, tables)
    if c.problems or org is None or chain is None or params is None:
        return None, sorted(set(c.problems), key=lambda p: (p.file, p.row or 0, p.column or ""))
    frozen = {name: frame.reset_index(drop=True) for name, (frame, _) in tables.items()}
    model = Kommunmodell(paths, org, chain, params, MappingProxyType(frozen))
    return model, []


def load_model(paths: ProjectPaths | None = None) -> Kommunmodell:
    """The validated model of the project at ``paths`` (default: found from here)."""
    paths = paths or project_paths()
    model, problems = collect(paths)
    if problems or model is None:
        raise DataValidationError(problems)
    return model


def check(paths: ProjectPaths) -> list[Problem]:
    """All problems in the project's data and parameters (empty when all is well)."""
    return collect(paths)[1]
