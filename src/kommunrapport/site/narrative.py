"""The analysts' narrative: one Quarto markdown file per nämnd (and ``kommun``) and period.

This module reads those files and never writes them. It answers what is in a file
(:func:`parse_narrative`: front matter, headings, shortcodes, words) and names what a
narrative may cite: the jobs of a period, the labels of their notebooks and the key-figure
keys. What is wrong with the files is in :mod:`kommunrapport.site.checks`, how far each has
come in :mod:`kommunrapport.site.status`; both only read through this module.

Conventions a narrative follows (the scaffold in :mod:`kommunrapport.site.scaffold` writes them):

- front matter with ``title``, ``status: utkast | granskning | klar``, ``ansvarig`` and
  ``metadata-files: [_executed/<job>.yml]``, which brings the job's key figures into the
  document's metadata so that ``{{< meta nyckeltal.<key> >}}`` prints a figure;
- ``##`` headings, each with a guiding question in an HTML comment (invisible in the report);
- ``{{< embed _executed/<job>.ipynb#<label> >}}`` for the labelled outputs of the executed
  notebook of the same period (Quarto resolves the path relative to the file).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml

from kommunrapport.content.labels import (
    KOMMUN_TEMPLATE,
    NAMND_TEMPLATE,
    TEMPLATE_LABELS,
    egen_label,
)
from kommunrapport.data.model import Kommunmodell, Period
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.data.yamlio import YamlDocument, parse_yaml, syntax_error
from kommunrapport.site.frontmatter import anchor_or_alias

KOMMUN_JOB: Final = "kommun"
"""The job (executed notebook, narrative file) of the kommun as a whole."""

STATUSES: Final = ("utkast", "granskning", "klar")
"""A narrative's status, from first draft to approved text."""

KOMMUN_TITLE: Final = "Kommunen som helhet"
"""The title of the kommun's part of a report (its narrative's default title)."""

KEY_PREFIX: Final = "nyckeltal"
"""Top-level key of a job's key-figure file; ``{{< meta nyckeltal.<key> >}}`` cites one."""

GENERATED_MARK: Final = "Genererad av kommunrapport"
"""Every file the build writes says so in its first line (inside the front matter of a
``.qmd``, whose first line must be ``---`` for Quarto)."""

GUIDING_QUESTION: Final = "Vägledande fråga:"
"""Marks the HTML comment under a heading that holds its guiding question."""

_SHORTCODE = re.compile(
    r"(?<!\{)\{\{<\s*(?P<name>[A-Za-z][\w-]*)(?P<args>(?:[^>]|>(?!\}\}))*?)\s*>\}\}(?!\})"
)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HEADING = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<text>.*?)[ \t]*(?:\{[^}]*\})?[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^[ \t]{0,3}(?P<fence>`{3,}|~{3,})")
_DIV_FENCE = re.compile(r"^[ \t]*:{3,}")
LABEL_OPTION: Final = re.compile(
    r"^(?P<head>#\|\s*label:\s*)(?P<q>[\"']?)(?P<label>[^\"'\s]+)(?P=q)\s*$"
)
"""A Quarto cell option ``#| label: …`` (``head`` is everything before the label)."""
_WORD = re.compile(r"\w+")
_NOT_PROSE = re.compile(r"\]\([^)]*\)|\{[^}]*\}|<[^>]*>|https?://\S+")


# --- parsing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shortcode:
    """One Quarto shortcode, e.g. ``{{< embed _executed/bun.ipynb#tbl-drift >}}``."""

    name: str
    args: tuple[str, ...]
    text: str
    line: int
    """Line in the file (1-based)."""

    @property
    def target(self) -> str:
        return self.args[0] if self.args else ""


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int
    written: bool
    """True when some prose (not only comments, shortcodes or sub-headings) is under it."""


@dataclass(frozen=True)
class Narrative:
    """A parsed narrative file (or any Quarto markdown file)."""

    front_matter: Mapping[str, Any] | None
    """None when the file has no (valid) front matter."""
    front_problems: tuple[tuple[int | None, str], ...]
    """(line, message) for a front matter that is missing or not valid YAML."""
    body: str
    body_line: int
    """Line number of the body's first line."""
    headings: tuple[Heading, ...]
    shortcodes: tuple[Shortcode, ...]
    words: int
    _yaml: YamlDocument | None = field(default=None, repr=False, compare=False)
    source: str = field(default="", repr=False, compare=False)
    """The whole file's text (Quarto reads shortcodes in all of it)."""

    def line_of(self, *key: int | str) -> int | None:
        """The file line of a front-matter key (None when unknown)."""
        if self._yaml is None:
            return None
        line = self._yaml.line(key)
        return line + 1 if line is not None else None

    def get(self, key: str) -> Any:
        return (self.front_matter or {}).get(key)

    @property
    def status(self) -> str | None:
        value = self.get("status")
        return value if isinstance(value, str) else None

    @property
    def ansvarig(self) -> str | None:
        value = self.get("ansvarig")
        return value.strip() if isinstance(value, str) else None

    @property
    def title(self) -> str | None:
        value = self.get("title")
        return value if isinstance(value, str) and value.strip() else None

    @property
    def metadata_files(self) -> tuple[str, ...]:
        value = self.get("metadata-files")
        if isinstance(value, str):
            return (value,)
        if isinstance(value, list):
            return tuple(str(v) for v in value)
        return ()

    @property
    def unwritten(self) -> tuple[Heading, ...]:
        return tuple(h for h in self.headings if not h.written)


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(front matter YAML or None, body, line number of the body's first line).

    Follows Quarto: the first line is ``---``, the second is not blank, and the block ends
    with ``---`` or ``...`` on a line of its own.
    """
    lines = text.splitlines(keepends=True)
    if len(lines) < 3 or lines[0].rstrip() != "---" or not lines[1].strip():
        return None, text, 1
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "".join(lines[1:i]), "".join(lines[i + 1 :]), i + 2
    return None, text, 1


def _blank_keep_lines(match: re.Match[str]) -> str:
    return "\n" * match.group(0).count("\n")


def find_shortcodes(text: str, first_line: int = 1) -> list[Shortcode]:
    """Every unescaped shortcode in ``text`` (``{{{< … >}}}`` is Quarto's escape)."""
    found = []
    for m in _SHORTCODE.finditer(text):
        line = first_line + text.count("\n", 0, m.start())
        found.append(Shortcode(m.group("name"), tuple(m.group("args").split()), m.group(0), line))
    return found


def _prose_lines(body: str) -> list[tuple[str, str | None, int]]:
    """(kind, content, index) per body line: kind is 'heading' (content = hashes + text),
    'prose' (content = the words' text) or 'other'."""
    clean = _COMMENT.sub(_blank_keep_lines, body)
    clean = _SHORTCODE.sub(_blank_keep_lines, clean)
    clean = re.sub(r"\{\{\{<.*?>\}\}\}", " ", clean)
    out: list[tuple[str, str | None, int]] = []
    fence: str | None = None
    for index, line in enumerate(clean.split("\n")):
        fm = _FENCE.match(line)
        if fence is not None:
            if fm and fm.group("fence")[0] == fence[0] and len(fm.group("fence")) >= len(fence):
                fence = None
            out.append(("other", None, index))
            continue
        if fm:
            fence = fm.group("fence")
            out.append(("other", None, index))
            continue
        hm = _HEADING.match(line)
        if hm:
            out.append(("heading", line, index))
        elif _DIV_FENCE.match(line) or not line.strip():
            out.append(("other", None, index))
        else:
            out.append(("prose", _NOT_PROSE.sub(" ", line), index))
    return out


def _count_words(text: str | None) -> int:
    return len(_WORD.findall(text)) if text else 0


def parse_narrative(text: str) -> Narrative:
    front, body, body_line = split_front_matter(text)
    problems: list[tuple[int | None, str]] = []
    data: Mapping[str, Any] | None = None
    doc: YamlDocument | None = None
    alias_line = anchor_or_alias(front) if front is not None else None
    if front is None:
        problems.append((1, "front matter saknas (filen ska börja med en rad '---')."))
    elif alias_line is not None:
        problems.append(
            (
                alias_line + 1,  # the front matter starts on line 2
                "front matter får inte innehålla YAML-ankare (&namn) eller alias (*namn); "
                "skriv ut värdet där det behövs.",
            )
        )
    else:
        try:
            parsed = parse_yaml(front)
        except yaml.MarkedYAMLError as exc:
            line, what = syntax_error(exc)
            file_line = line + 1 if line is not None else None  # front matter starts on line 2
            problems.append((file_line, f"YAML-syntaxfel i front matter: {what}."))
        else:
            if isinstance(parsed.data, dict):
                data = parsed.data
                doc = parsed
            else:
                problems.append((2, "front matter ska vara en avbildning (nyckel: värde)."))
    lines = _prose_lines(body)
    headings: list[tuple[int, str, int]] = []
    for kind, content, index in lines:
        if kind == "heading" and content is not None:
            m = _HEADING.match(content)
            assert m is not None
            headings.append((len(m.group("hashes")), m.group("text").strip(), index))
    parsed_headings = []
    for i, (level, heading_text, index) in enumerate(headings):
        end = len(lines)
        for later_level, _, later_index in headings[i + 1 :]:
            if later_level <= level:
                end = later_index
                break
        written = any(
            kind == "prose" and _count_words(content) > 0
            for kind, content, idx in lines[index + 1 : end]
        )
        parsed_headings.append(Heading(level, heading_text, body_line + index, written))
    words = sum(_count_words(content) for kind, content, _ in lines if kind == "prose")
    return Narrative(
        data,
        tuple(problems),
        body,
        body_line,
        tuple(parsed_headings),
        tuple(find_shortcodes(body, body_line)),
        words,
        doc,
        text,
    )


_PARSED: dict[bytes, Narrative] = {}


def read_narrative(path: Path) -> Narrative:
    """The parsed file. A build reads each page several times (check, plan, references),
    so the same bytes are parsed once per process."""
    data = path.read_bytes()
    if data not in _PARSED:
        if len(_PARSED) > 500:
            _PARSED.clear()
        _PARSED[data] = parse_narrative(data.decode("utf-8-sig"))
    return _PARSED[data]


def is_generated(path: Path) -> bool:
    """True when the file's first line (or, for a .qmd, its front matter's first line)
    says the build wrote it."""
    try:
        with path.open(encoding="utf-8") as handle:
            head = [handle.readline(), handle.readline()]
    except (FileNotFoundError, UnicodeDecodeError):
        return False
    if GENERATED_MARK in head[0]:
        return True
    return head[0].rstrip() == "---" and GENERATED_MARK in head[1]


# --- the jobs, labels and keys a narrative may cite ----------------------------------------


def template_for(job: str) -> str:
    return KOMMUN_TEMPLATE if job == KOMMUN_JOB else NAMND_TEMPLATE


def notebook_labels(notebook: Path) -> list[str]:
    """The Quarto labels (``#| label: …``) of a notebook's code cells, in order."""
    data = json.loads(notebook.read_text(encoding="utf-8"))
    return [
        label
        for cell in data.get("cells", [])
        if cell.get("cell_type") == "code"
        for label in cell_labels(cell)
    ]


def cell_labels(cell: Mapping[str, Any]) -> list[str]:
    """The labels (``#| label: …``) among a notebook cell's leading Quarto option lines."""
    source = cell.get("source", "")
    text = "".join(source) if isinstance(source, list) else str(source)
    labels = []
    for line in text.splitlines():
        if not line.startswith("#|"):
            break
        m = LABEL_OPTION.match(line.strip())
        if m:
            labels.append(m.group("label"))
    return labels


def template_labels(paths: ProjectPaths, template: str) -> frozenset[str]:
    """The labels a narrative can embed from a job of ``template``: read from the template
    notebook when it exists (the executed notebooks carry the same labels), else the
    contract in :mod:`kommunrapport.content.labels`."""
    notebook = paths.template(template)
    if notebook.is_file():
        try:
            return frozenset(notebook_labels(notebook))
        except (OSError, ValueError):
            pass
    return frozenset(TEMPLATE_LABELS.get(template, {}))


def own_labels(paths: ProjectPaths, job: str) -> frozenset[str]:
    """The labels of a nämnd's own tables (``data/egna/<nämnd>/<namn>.yml`` →
    ``tbl-egen-<namn>``), which the build adds to that nämnd's notebook."""
    folder = paths.egna_dir / job
    if job == KOMMUN_JOB or not folder.is_dir():
        return frozenset()
    return frozenset(egen_label(p.stem) for p in folder.glob("*.yml"))


KeySets = Mapping[str, Collection[str]]
"""Key-figure keys per template name (``namnd``, ``kommun``)."""


def default_key_sets(full_year: bool = False) -> KeySets:
    """The key-figure keys of :mod:`kommunrapport.content.keyfigures` for a report of this kind
    (an årsredovisning, ``full_year``, has no prognos keys)."""
    from kommunrapport.content import keyfigures

    return {
        NAMND_TEMPLATE: frozenset(keyfigures.namnd_keys(full_year)),
        KOMMUN_TEMPLATE: frozenset(keyfigures.kommun_keys(full_year)),
    }


def key_hint(name: str, full_year: bool) -> str:
    """A word on an unknown key: in an årsredovisning, which key replaces a prognos key."""
    from kommunrapport.content import keyfigures

    instead = keyfigures.ARSREDOVISNING_KEYS.get(name) if full_year else None
    if instead is None:
        return ""
    return f" En årsredovisning har ingen prognos: använd {instead}."


def period_jobs(model: Kommunmodell, period: Period) -> list[str]:
    """The jobs of a period in report order: the kommun (when the period has kommun-level
    data, see :meth:`Kommunmodell.has_kommun_chapter`), then the nämnder as params give."""
    kommun = [KOMMUN_JOB] if model.has_kommun_chapter(period.id) else []
    return [*kommun, *(n.id for n in period.namnder)]


def job_title(model: Kommunmodell, job: str) -> str:
    if job == KOMMUN_JOB:
        return KOMMUN_TITLE
    try:
        return model.namnd(job).namn
    except KeyError:
        return job


def narrative_title(model: Kommunmodell, job: str) -> str:
    """The default title of a job's narrative (the nämnd must exist)."""
    return KOMMUN_TITLE if job == KOMMUN_JOB else model.namnd(job).namn
