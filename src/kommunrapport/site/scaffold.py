"""Scaffolding: files that people own afterwards, created only when missing.

``kommunrapport new-period <period>`` writes, for the kommun and each nämnd of the period, a
narrative ``.qmd`` from the templates in ``templates/berattelse/`` (the headings a report of
that kind needs, a guiding question under each, and ``embed`` shortcodes for the labelled
outputs of the executed notebook). It also creates the Quarto project's own files
(``_quarto.yml``, the start page, ``assets/``) when a project lacks them.

Nothing here ever changes an existing file: a file is created with an exclusive link of a
fully written temporary file, so a rerun (or a race with an editor) leaves every existing
byte as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated, Final

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from kommunrapport.content import period as per
from kommunrapport.content.labels import KOMMUN_TEMPLATE, TEMPLATE_LABELS, GoalWords
from kommunrapport.content.markup import md_comment, md_text, yaml_scalar
from kommunrapport.data.errors import KommunrapportError
from kommunrapport.data.fsutil import create_exclusive
from kommunrapport.data.model import Kommunmodell, Period, RapportTyp, definite_plural
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.site.narrative import (
    GUIDING_QUESTION,
    KEY_PREFIX,
    KOMMUN_JOB,
    KeySets,
    default_key_sets,
    narrative_title,
    notebook_labels,
    own_labels,
    period_jobs,
    template_for,
)

TEMPLATES = "templates"
NARRATIVE_TEMPLATES = "berattelse"
PROJECT_TEMPLATE = "projekt"


class ScaffoldError(KommunrapportError):
    """A scaffold cannot be written (unknown period, broken template)."""


# --- the narrative templates ---------------------------------------------------------------

Text = Annotated[str, StringConstraints(min_length=1)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ByKind(_Frozen):
    """A text that may differ by report kind (``standard`` for the others)."""

    standard: Text
    tertialrapport: Text | None = None
    delarsrapport: Text | None = Field(default=None, alias="delårsrapport")
    arsredovisning: Text | None = Field(default=None, alias="årsredovisning")

    def get(self, kind: RapportTyp) -> str:
        value = {
            "tertialrapport": self.tertialrapport,
            "delårsrapport": self.delarsrapport,
            "årsredovisning": self.arsredovisning,
        }[kind]
        return value or self.standard


class Embed(_Frozen):
    etikett: Text
    typer: list[RapportTyp] | None = None
    koncern: bool = False
    """Only in a report that shows the kommunal koncern."""


class Section(_Frozen):
    rubrik: Text | ByKind
    fraga: Text | ByKind
    typer: list[RapportTyp] | None = None
    inbaddat: list[Text | Embed] = Field(default_factory=list)
    krav: Text | None = None
    """The part of the förvaltningsberättelse (or årsredovisning) the section covers: a key of
    :data:`kommunrapport.site.coverage.KRAV`."""
    koncern: bool = False
    """Only in a report that shows the kommunal koncern."""

    def heading(self, kind: RapportTyp) -> str:
        return self.rubrik if isinstance(self.rubrik, str) else self.rubrik.get(kind)

    def question(self, kind: RapportTyp) -> str:
        return self.fraga if isinstance(self.fraga, str) else self.fraga.get(kind)

    def embeds(self, kind: RapportTyp, koncern: bool = True) -> list[str]:
        out = []
        for item in self.inbaddat:
            if isinstance(item, str):
                out.append(item)
            elif (item.typer is None or kind in item.typer) and (koncern or not item.koncern):
                out.append(item.etikett)
        return out

    def all_labels(self) -> list[str]:
        return [item if isinstance(item, str) else item.etikett for item in self.inbaddat]


class Other(_Frozen):
    rubrik: Text
    fraga: Text


class NarrativeTemplate(_Frozen):
    avsnitt: list[Section] = Field(min_length=1)
    ovrigt: Other

    def sections(self, kind: RapportTyp, koncern: bool = True) -> list[Section]:
        """The sections of a report of ``kind``; ``koncern``: whether it shows the koncern."""
        return [
            s
            for s in self.avsnitt
            if (s.typer is None or kind in s.typer) and (koncern or not s.koncern)
        ]

    def placed_labels(self) -> set[str]:
        return {label for s in self.avsnitt for label in s.all_labels()}


def _package_file(*parts: str) -> Traversable:
    node = resources.files("kommunrapport").joinpath(TEMPLATES)
    for part in parts:
        node = node.joinpath(part)
    return node


def load_template(template: str) -> NarrativeTemplate:
    """The narrative template for ``namnd`` or ``kommun`` (``templates/berattelse/``)."""
    node = _package_file(NARRATIVE_TEMPLATES, f"{template}.yml")
    try:
        data = yaml.safe_load(node.read_text(encoding="utf-8"))
        return NarrativeTemplate.model_validate(data)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise ScaffoldError(
            f"mallen {NARRATIVE_TEMPLATES}/{template}.yml är trasig: {exc}"
        ) from exc


def ordered_labels(paths: ProjectPaths, template: str) -> list[str]:
    """The template's labels in notebook order (from notebooks/<template>.ipynb when it
    exists, else the contract in :mod:`kommunrapport.content.labels`)."""
    notebook = paths.template(template)
    if notebook.is_file():
        try:
            return notebook_labels(notebook)
        except (OSError, ValueError):
            pass
    return list(TEMPLATE_LABELS.get(template, {}))


# --- rendering a narrative --------------------------------------------------------------------


def _quoted(value: str) -> str:
    """A front-matter value: literal Markdown text (pandoc reads metadata as Markdown, and
    Quarto reads shortcodes even there) as a double-quoted YAML scalar."""
    return yaml_scalar(md_text(value)) if value else yaml_scalar("")


def default_ansvarig(model: Kommunmodell, job: str) -> str:
    if job == KOMMUN_JOB:
        return ""
    skribenter = model.namnd(job).skribenter
    return skribenter[0] if skribenter else ""


def _help_comment(title: str, period: Period, keys: Sequence[str]) -> str:
    example = "avvikelse_tkr" if not keys or "avvikelse_tkr" in keys else keys[0]
    lines = [
        "<!--",
        f"{md_comment(title)}: text till {md_comment(period.titel)}.",
        "",
        "Skriv under varje rubrik. Frågan under rubriken är ett stöd och syns inte i",
        "rapporten. Tabellerna och diagrammen (embed-raderna) hämtas från körningen;",
        "flytta eller ta bort dem om texten kräver det.",
        "",
        "Siffror i texten hämtas från körningen och skrivs på svenska, till exempel",
        f"{{{{{{< meta {KEY_PREFIX}.{example} >}}}}}} (med två klammerparenteser, inte tre).",
    ]
    if keys:
        lines.append("Nyckeltalen för den här delen:")
        row = ""
        for key in keys:
            if len(row) + len(key) > 88:
                lines.append(row.rstrip())
                row = ""
            row += f"  {key}"
        if row:
            lines.append(row.rstrip())
    lines += [
        "",
        "Ändra status till granskning när texten är skriven och till klar när den är",
        "godkänd. `kommunrapport status` visar hur långt varje del har kommit.",
        "-->",
    ]
    return "\n".join(lines)


def render_narrative(
    model: Kommunmodell,
    period_id: str,
    job: str,
    *,
    keys: KeySets | None = None,
) -> str:
    """The scaffold text of one narrative file."""
    period = _period(model, period_id)
    template_name = template_for(job)
    template = load_template(template_name)
    available = [*ordered_labels(model.paths, template_name), *sorted(own_labels(model.paths, job))]
    known = set(available)
    if keys is None:
        keys = default_key_sets(per.is_full_year(period))
    key_list = sorted(keys.get(template_name, ())) if keys else []
    title = narrative_title(model, job)
    parts = [
        "---",
        f"title: {_quoted(title)}",
        f"subtitle: {_quoted(period.titel)}",
        "status: utkast",
        f"ansvarig: {_quoted(default_ansvarig(model, job))}",
        "metadata-files:",
        f"  - _executed/{job}.yml",
        "---",
        "",
        _help_comment(title, period, key_list),
        "",
    ]

    def section(heading: str, question: str, labels: list[str]) -> None:
        parts.extend([f"## {heading}", "", f"<!-- {GUIDING_QUESTION} {question} -->", ""])
        for label in labels:
            parts.extend([f"{{{{< embed _executed/{job}.ipynb#{label} >}}}}", ""])

    words = GoalWords.of(model.malkedja, None if template_name == KOMMUN_TEMPLATE else job)
    koncern = shows_koncern(model, period)
    for s in template.sections(period.typ, koncern):
        section(
            s.heading(period.typ),
            goal_question(s.question(period.typ), words),
            [x for x in s.embeds(period.typ, koncern) if x in known],
        )
    placed = template.placed_labels()
    rest = [label for label in available if label not in placed]
    if rest:
        section(template.ovrigt.rubrik, template.ovrigt.fraga, rest)
    return "\n".join(parts).rstrip("\n") + "\n"


QUESTION_WORDS: Final = ("{inriktningsmalen}", "{namndmalen}", "{namndmal}")
"""The goal words a guiding question may name: replaced by the kommun's and the nämnd's
own words (``{namndmalen}``: ``verksamhetsmålen och nämndmålen``)."""


def goal_question(question: str, words: GoalWords) -> str:
    """``question`` with its goal words, safe inside the HTML comment it is written in."""
    values = (definite_plural(words.inriktningsmal), words.definite, words.phrase)
    for token, value in zip(QUESTION_WORDS, values, strict=True):
        question = question.replace(token, value)
    return md_comment(question)


def shows_koncern(model: Kommunmodell, period: Period) -> bool:
    """Whether the period's report shows the kommunal koncern (it asks for it and
    data/koncern.yml names an included company)."""
    return period.visar_koncern and bool(model.koncern and model.koncern.ingaende())


def _period(model: Kommunmodell, period_id: str) -> Period:
    try:
        return model.period(period_id)
    except KeyError:
        known = ", ".join(p.id for p in model.perioder.perioder)
        raise ScaffoldError(
            f"perioden {period_id} finns inte i params/perioder.yml (där finns {known}); "
            "lägg till den där först."
        ) from None


# --- writing without ever overwriting -----------------------------------------------------------


def _walk(node: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    out = []
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        rel = f"{prefix}{child.name}"
        if child.is_dir():
            out.extend(_walk(child, rel + "/"))
        elif not child.name.startswith(".") and child.name != "__pycache__":
            out.append((rel, child))
    return out


def project_template_files() -> list[tuple[str, Traversable]]:
    """(relative path, package file) of every file of the Quarto project template."""
    return _walk(_package_file(PROJECT_TEMPLATE))


def project_template_bytes(rel: str) -> bytes:
    """The content of one file of the Quarto project template (e.g. ``assets/x.lua``)."""
    for name, node in project_template_files():
        if name == rel:
            return node.read_bytes()
    raise KeyError(rel)


def ensure_project_files(paths: ProjectPaths) -> list[Path]:
    """Create the Quarto project's own files that are missing (``_quarto.yml``, the start
    page ``index.qmd``, ``assets/``); existing files are left as they are."""
    created = []
    for rel, node in project_template_files():
        target = paths.root / rel
        if create_exclusive(target, node.read_bytes()):
            created.append(target)
    return created


@dataclass(frozen=True)
class ScaffoldResult:
    created: tuple[Path, ...]
    existing: tuple[Path, ...]


def new_period(
    model: Kommunmodell, period_id: str, *, keys: KeySets | None = None
) -> ScaffoldResult:
    """Scaffold the narrative of every job of ``period_id`` (and the project's own files)
    that does not exist yet. Existing files are never changed."""
    period = _period(model, period_id)
    paths = model.paths
    created: list[Path] = list(ensure_project_files(paths))
    existing: list[Path] = []
    for job in period_jobs(model, period):
        target = paths.narrative_file(period.id, job)
        if target.exists():
            existing.append(target)
            continue
        text = render_narrative(model, period.id, job, keys=keys)
        (created if create_exclusive(target, text.encode("utf-8")) else existing).append(target)
    return ScaffoldResult(tuple(created), tuple(existing))


def describe(result: ScaffoldResult, paths: ProjectPaths) -> str:
    lines = [f"Skapade {len(result.created)} fil(er):"] if result.created else []
    lines += [f"  + {paths.relative(p)}" for p in result.created]
    if result.existing:
        lines.append(f"{len(result.existing)} fil(er) fanns redan och lämnades orörda:")
        lines += [f"  = {paths.relative(p)}" for p in result.existing]
    if not result.created and not result.existing:
        lines.append("Inget att göra.")
    return "\n".join(lines)
