"""Which notebooks to execute: one job per (period, nämnd) plus one per period for the
kommun, each with parameters validated before papermill injects them.

papermill does not validate parameter types or reject unknown names, so we do: against
our schema (pydantic) and against what the template's ``parameters`` cell declares.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from kommunrapport.content.labels import KOMMUN_TEMPLATE, NAMND_TEMPLATE
from kommunrapport.data.errors import ParameterError
from kommunrapport.data.model import Id, Kommunmodell, PeriodId
from kommunrapport.data.paths import ProjectPaths

KOMMUN_JOB = "kommun"


class NamndParameters(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    period: PeriodId
    namnd: Id
    jamforelsegrupp: Id | None = None
    markera: list[Id] = []


class KommunParameters(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    period: PeriodId


SCHEMAS: dict[str, type[BaseModel]] = {
    NAMND_TEMPLATE: NamndParameters,
    KOMMUN_TEMPLATE: KommunParameters,
}


@dataclass(frozen=True)
class Job:
    """One notebook execution: a template, a period, and its parameters."""

    period: str
    name: str
    template: str
    parameters: Mapping[str, Any] = field(hash=False)

    @property
    def key(self) -> str:
        return f"{self.period}/{self.name}"

    @property
    def namnd(self) -> str | None:
        return None if self.name == KOMMUN_JOB else self.name

    def parameters_json(self) -> str:
        return json.dumps(dict(self.parameters), sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class Declared:
    name: str
    type_name: str
    default: str


def declared_parameters(template: Path) -> dict[str, Declared]:
    """The parameters a template declares in its cell tagged ``parameters``.

    papermill's ``inspect_notebook`` is the primary source; declarations its regex does
    not understand (e.g. ``x: str | None = None``) are read from the cell with ``ast``.
    """
    import papermill  # slow to import: only when a job is about to run

    found: dict[str, Declared] = {}
    for name, info in papermill.inspect_notebook(str(template)).items():
        found[name] = Declared(name, str(info["inferred_type_name"]), str(info["default"]))
    nb = json.loads(template.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        raise ParameterError(f"{template.name}: mallen saknar en cell taggad 'parameters'.")
    source = cells[0]["source"]
    tree = ast.parse(source if isinstance(source, str) else "".join(source))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name = node.target.id
            type_name = ast.unparse(node.annotation)
            default = ast.unparse(node.value) if node.value is not None else "None"
            found[name] = Declared(name, type_name, default)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and (
                    target.id not in found or found[target.id].type_name == "None"
                ):
                    found[target.id] = Declared(target.id, "None", ast.unparse(node.value))
    for name, decl in list(found.items()):
        if decl.type_name == "None":  # unannotated: infer from the literal default
            try:
                value = ast.literal_eval(decl.default)
            except (ValueError, SyntaxError):
                continue
            if value is not None:
                found[name] = Declared(name, type(value).__name__, decl.default)
    return found


def _matches(value: Any, type_name: str) -> bool:
    t = type_name.replace(" ", "")
    if t.startswith("Optional[") and t.endswith("]"):
        return value is None or _matches(value, t[9:-1])
    if "|" in t:
        return any(_matches(value, part) for part in t.split("|"))
    if t in ("None", "NoneType"):
        return value is None
    if t in ("Any", "object"):
        return True
    if t == "str":
        return isinstance(value, str)
    if t == "bool":
        return isinstance(value, bool)
    if t == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if t == "float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if t.startswith(("list[", "List[")) and t.endswith("]"):
        return isinstance(value, list) and all(_matches(v, t[5:-1]) for v in value)
    if t in ("list", "List"):
        return isinstance(value, list)
    if t.startswith(("dict", "Dict")):
        return isinstance(value, dict)
    return True  # a type we cannot judge is the schema's to check


def validate_parameters(
    template: Path, schema: type[BaseModel], parameters: Mapping[str, Any]
) -> None:
    """Raise :class:`ParameterError` (Swedish) on unknown names or wrong types."""
    problems: list[str] = []
    try:
        schema.model_validate(dict(parameters))
    except ValidationError as err:
        for e in err.errors():
            where = ".".join(str(p) for p in e["loc"])
            if e["type"] == "extra_forbidden":
                problems.append(f"okänd parameter '{where}'")
            else:
                problems.append(f"parametern '{where}' har fel typ eller form: {e['input']!r}")
    declared = declared_parameters(template)
    for name, value in parameters.items():
        decl = declared.get(name)
        if decl is None:
            problems.append(f"parametern '{name}' deklareras inte i mallen {template.name}")
        elif not _matches(value, decl.type_name):
            problems.append(
                f"parametern '{name}' ska vara {decl.type_name} enligt mallen, men är {value!r}"
            )
    if problems:
        unique = list(dict.fromkeys(problems))
        raise ParameterError(f"Ogiltiga parametrar för {template.name}: " + "; ".join(unique) + ".")


def plan(
    model: Kommunmodell,
    periods: Iterable[str] = (),
    namnder: Iterable[str] = (),
) -> list[Job]:
    """The jobs for the chosen periods and nämnder (default: all), in params order.

    The kommun job of a period is included unless nämnder were named, and only when the
    period has kommun-level data (:meth:`Kommunmodell.has_kommun_chapter`).
    """
    wanted_periods = list(periods)
    wanted_namnder = list(namnder)
    known = {p.id for p in model.perioder.perioder}
    unknown = [p for p in wanted_periods if p not in known]
    if unknown:
        raise ParameterError(
            f"Okänd period: {', '.join(unknown)} (finns i params/perioder.yml: "
            f"{', '.join(sorted(known))})."
        )
    selected = [p for p in model.perioder.perioder if not wanted_periods or p.id in wanted_periods]
    offered = {n.id for p in selected for n in p.namnder}
    missing = [n for n in wanted_namnder if n not in offered]
    if missing:
        raise ParameterError(
            f"Nämnden {', '.join(missing)} ingår inte i de valda perioderna "
            f"({', '.join(p.id for p in selected)})."
        )
    jobs: list[Job] = []
    for period in selected:
        for n in period.namnder:
            if wanted_namnder and n.id not in wanted_namnder:
                continue
            params: dict[str, Any] = {
                "period": period.id,
                "namnd": n.id,
                "jamforelsegrupp": n.jamforelsegrupp,
                "markera": list(n.markera),
            }
            jobs.append(Job(period.id, n.id, NAMND_TEMPLATE, params))
        if not wanted_namnder and model.has_kommun_chapter(period.id):
            jobs.append(Job(period.id, KOMMUN_JOB, KOMMUN_TEMPLATE, {"period": period.id}))
    return jobs


def validate_jobs(model: Kommunmodell, jobs: Iterable[Job]) -> None:
    for job in jobs:
        template = model.paths.template(job.template)
        if not template.is_file():
            raise ParameterError(f"Mallen {model.paths.relative(template)} saknas.")
        validate_parameters(template, SCHEMAS[job.template], job.parameters)


def notebook_source(paths: ProjectPaths, job: Job, model: Kommunmodell) -> Any:
    """The template to execute: its path, or the template changed for the job: one cell per
    own table of a nämnd added after the cell ``egna-tabeller`` (or at the end), and the
    captions of the report's kind and of the goals' own words
    (:func:`kommunrapport.content.labels.captions`) set where a cell has the default caption
    (a caption the kommun wrote itself is kept), as literal text."""
    from kommunrapport.content import egna
    from kommunrapport.content import period as per
    from kommunrapport.content.labels import EGNA_ANCHOR, TEMPLATE_LABELS, GoalWords, captions

    template = paths.template(job.template)
    own = model.egna_tabeller(job.namnd) if job.namnd is not None else ()
    full_year = per.is_full_year(per.period(model, job.period))
    wanted = captions(job.template, full_year, GoalWords.of(model.malkedja, job.namnd))
    if not own and not wanted:
        return str(template)
    import nbformat

    nb = nbformat.read(str(template), as_version=4)  # type: ignore[no-untyped-call]
    defaults = TEMPLATE_LABELS.get(job.template, {})
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell.source = _with_caption(str(cell.source), wanted, defaults)
    if own and job.namnd is not None:
        at = next(
            (i + 1 for i, c in enumerate(nb.cells) if c.get("id") == EGNA_ANCHOR), len(nb.cells)
        )
        added = egna.cells(model, job.namnd)
        nb.cells[at:at] = [nbformat.from_dict(c) for c in added]  # type: ignore[no-untyped-call]
    return nb


_CAPTION_LINE = re.compile(r"^(#\|\s*(?:tbl|fig)-cap:\s*)(.*?)\s*$")


def _with_caption(source: str, wanted: Mapping[str, str], defaults: Mapping[str, str]) -> str:
    """``source`` with its caption option replaced by ``wanted[label]`` when the cell's label
    is there and its caption is the template's default for the label."""
    from kommunrapport.batch.figure_files import cell_label
    from kommunrapport.content.markup import md_text

    label = cell_label(source)
    if label is None or label not in wanted:
        return source
    lines = source.split("\n")
    for i, line in enumerate(lines):
        m = _CAPTION_LINE.match(line)
        if m and _unquoted(m.group(2)) == defaults.get(label):
            lines[i] = m.group(1) + json.dumps(md_text(wanted[label]), ensure_ascii=False)
    return "\n".join(lines)


def _unquoted(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
