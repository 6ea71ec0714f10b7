"""``kommunrapport preview <period> <namnd>``: a quick HTML of one executed notebook.

An analyst sees the tables and figures of a nämnd's report without Quarto. The page is made
with nbconvert's JupyterLab template (``templates/forhandsvisning/``) without the code, in
Swedish (``lang="sv"``), with each figure's ``fig-alt`` (else its ``fig-cap``) as alt text,
and without scripts from the network, so that it passes the same accessibility check as
the site. It is written next to the executed notebook (``_executed/<job>.html``), and shows
the figure files beside it (``<job>_files/``), the paths moved from the period folder.
"""

from __future__ import annotations

import copy
import re
from importlib import resources
from pathlib import Path
from typing import Any

import nbformat
import yaml

from kommunrapport.batch import figure_files
from kommunrapport.content.markup import md_text
from kommunrapport.data.errors import KommunrapportError
from kommunrapport.data.fsutil import write_atomic
from kommunrapport.data.model import Perioder
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.data.yamlio import load_yaml, parse_model, read_yaml
from kommunrapport.site.narrative import KOMMUN_JOB, KOMMUN_TITLE

TEMPLATE = "forhandsvisning"
ALT_KEY = "kommunrapport_alt"


class PreviewError(KommunrapportError):
    """The executed notebook to preview does not exist."""


def cell_options(source: str) -> dict[str, Any]:
    """The Quarto cell options (``#| key: value`` lines at the top of a code cell)."""
    lines = []
    for line in source.split("\n"):
        if not line.startswith("#|"):
            break
        lines.append(line[2:].removeprefix(" "))
    if not lines:
        return {}
    try:
        data = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def alt_text(options: dict[str, Any]) -> str:
    for key in ("fig-alt", "fig-cap"):
        value = options.get(key)
        if isinstance(value, list):
            value = " ".join(str(v) for v in value)
        if value:
            return str(value).strip()
    return ""


def _organisation(paths: ProjectPaths) -> dict[str, Any]:
    try:
        data = load_yaml(paths.yaml_file("kommun").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _kommun_name(paths: ProjectPaths) -> str:
    """The kommun's name from data/kommun.yml (never the example's)."""
    kommun = _organisation(paths).get("kommun")
    name = kommun.get("namn") if isinstance(kommun, dict) else None
    return str(name).strip() if name else ""


def _job_name(paths: ProjectPaths, job: str) -> str:
    if job == KOMMUN_JOB:
        return KOMMUN_TITLE
    try:
        data = _organisation(paths)
        for namnd in data.get("namnder", []):
            if isinstance(namnd, dict) and namnd.get("id") == job and namnd.get("namn"):
                return str(namnd["namn"])
    except (OSError, yaml.YAMLError, AttributeError):
        pass
    return job


def _section_headings(markdown: str) -> str:
    """Only the section headings (``##`` and deeper) of a template's Markdown cell.

    The templates' Markdown cells are notes to whoever edits the template ("Mall för …",
    "Varje cell med #| label: …") around the section headings; the preview is for analysts
    and shows the report only: the headings and the outputs under them.
    """
    return "\n\n".join(
        line.strip() for line in markdown.split("\n") if re.match(r"^#{2,6}\s", line.strip())
    )


_RAW_BLOCK = re.compile(r"^```\{=[A-Za-z0-9_-]+\}\n.*?^```[ \t]*\n?", re.M | re.S)
_DIV_FENCE = re.compile(r"^:::+[ \t]*(\{[^\n]*\})?[ \t]*\n?", re.M)


def preview_markdown(markdown: str) -> str:
    """A table's Markdown as the preview's renderer can show it: without the raw blocks for
    other formats (```` ```{=typst} ````) and without pandoc's div fences (``::: {…}``), which
    only Quarto understands; what they hold (the notes) stays as paragraphs."""
    return _DIV_FENCE.sub("", _RAW_BLOCK.sub("", markdown))


def _clean_outputs(cell: Any) -> None:
    for output in cell.get("outputs", []):
        data = output.get("data")
        if isinstance(data, dict) and isinstance(data.get("text/markdown"), str):
            data["text/markdown"] = preview_markdown(data["text/markdown"])


def prepare_notebook(nb: Any, title: str) -> Any:
    """A copy of ``nb`` for the preview: a heading cell first, the template's notes left out
    (only section headings kept), alt text in each code cell's metadata, and the tables'
    Markdown without Quarto's and typst's markup (:func:`preview_markdown`)."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = _section_headings(cell.source)
            if cell.source:
                cells.append(cell)
            continue
        if cell.cell_type != "code":
            continue
        alt = alt_text(cell_options(cell.source))
        if alt:
            cell.metadata[ALT_KEY] = alt
        _clean_outputs(cell)
        cells.append(cell)
    nb.cells = cells
    intro = nbformat.v4.new_markdown_cell(  # type: ignore[no-untyped-call]
        f"# {md_text(title)}\n\nSnabb förhandsvisning av den körda anteckningsboken: "
        "tabellerna och diagrammen som rapporten bäddar in. Texten och den färdiga rapporten "
        "kommer från Quarto (`kommunrapport build`)."
    )
    nb.cells.insert(0, intro)
    return nb


def _known_jobs(paths: ProjectPaths) -> dict[str, list[str]]:
    """Each period of params/perioder.yml with its jobs (its nämnder and the kommun)."""
    shown = paths.relative(paths.params_file)
    doc, problems = read_yaml(paths.params_file, shown)
    params = parse_model(Perioder, doc, shown)[0] if doc is not None else None
    if params is None:
        raise PreviewError(
            f"{shown} går inte att läsa; kör kommunrapport check."
            + (f" ({problems[0]})" if problems else "")
        )
    return {p.id: [n.id for n in p.namnder] + [KOMMUN_JOB] for p in params.perioder}


def check_job(paths: ProjectPaths, period: str, job: str) -> None:
    """Accept only a period of params/perioder.yml and one of its jobs: the arguments name
    files, so nothing else (``../``, an absolute path) may reach them."""
    known = _known_jobs(paths)
    if period not in known:
        listed = ", ".join(known) or "inga"
        raise PreviewError(f"Okänd period {period!r} (perioder i params/perioder.yml: {listed}).")
    if job not in known[period]:
        raise PreviewError(
            f"Okänd nämnd {job!r} för perioden {period} (välj en av: {', '.join(known[period])})."
        )


def preview(paths: ProjectPaths, period: str, job: str) -> Path:
    """Write the HTML preview of ``reports/<period>/_executed/<job>.ipynb``; return its path."""
    from nbconvert import HTMLExporter

    check_job(paths, period, job)
    notebook = paths.executed_notebook(period, job)
    if not notebook.is_file():
        raise PreviewError(
            f"{paths.relative(notebook)} finns inte. Kör först: kommunrapport build "
            f"--period {period}" + ("" if job == KOMMUN_JOB else f" --namnd {job}") + " --no-render"
        )
    kommun = _kommun_name(paths)
    title = f"Förhandsvisning: {_job_name(paths, job)}, {kommun + ', ' if kommun else ''}{period}"
    source = nbformat.read(str(notebook), as_version=4)  # type: ignore[no-untyped-call]
    target = paths.preview_file(period, job)
    # The figures' paths are the pages' (the period folder); the preview is in _executed/.
    figure_files.rebase(source, paths.period_dir(period), target.parent)
    nb = prepare_notebook(source, title)
    templates = resources.files("kommunrapport").joinpath("templates")
    exporter = HTMLExporter(  # type: ignore[no-untyped-call]
        template_name=TEMPLATE,
        extra_template_basedirs=[str(templates)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code="sv",
    )
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    write_atomic(target, body.encode("utf-8"))
    return target
