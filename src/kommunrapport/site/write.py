"""The generated parts of the Quarto project, written before ``quarto render``.

The build calls :func:`prepare_site` after the notebooks are executed. This is the one
module that writes the generated files, following the site plan
(:mod:`kommunrapport.site.plan`). It writes only generated files, each of which says so in
its first line (for a ``.qmd``: the first line of its front matter, since Quarto wants
``---`` on line 1), or lives under ``_executed/``:

``_webbplats.yml``
    the website's title, logo and navigation (a menu and a sidebar per period, listing the
    whole report, the kommun's part and each nämnd's page) and the pages to render; merged
    into ``_quarto.yml`` through its ``metadata-files``.
``_perioder.md``
    the list of reports that the start page includes.
``reports/<period>/index.qmd``
    the whole report of a period: the kommun's chapters, then each nämnd's, in params order.
    Each chapter is the analysts' text with its references made unique within the page
    (:mod:`kommunrapport.site.chapters`); a job without text gets its scaffold.
``reports/<period>/_executed/_rapport.yml`` and ``_executed/_rapport/<job>.ipynb``
    the key figures of every job of the period, and the relabelled notebook copies.
``reports/<period>/oppna-data/<job>/``
    the open-data files of each job, copied where the site publishes them.

The analysts' files (``reports/<period>/<job>.qmd``) are read, never written. Before
returning, every ``embed`` and ``meta nyckeltal`` reference of every page is resolved
against the executed notebooks and key-figure files
(:func:`kommunrapport.site.checks.unresolved_references`), so that a broken reference is
reported in Swedish before Quarto runs.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import yaml

from kommunrapport.content import formatting as fmt
from kommunrapport.content.markup import (
    html_attr,
    md_text,
    url_path,
    yaml_document,
    yaml_scalar,
)
from kommunrapport.data.errors import Problem
from kommunrapport.data.fsutil import remove_tree, write_atomic
from kommunrapport.data.model import Kommunmodell, Period
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.data.projectfiles import named_file
from kommunrapport.data.tablespec import PERIOD_RE
from kommunrapport.data.yamlio import load_yaml
from kommunrapport.site import opendata_publish
from kommunrapport.site.chapters import REPORT_KEY, chapter_body, slot, unique_label
from kommunrapport.site.checks import UnresolvedReferencesError, unresolved_references
from kommunrapport.site.incremental import project_filters
from kommunrapport.site.narrative import (
    GENERATED_MARK,
    KEY_PREFIX,
    KOMMUN_JOB,
    LABEL_OPTION,
    is_generated,
    split_front_matter,
)
from kommunrapport.site.plan import Chapter, PeriodSite, SiteError, SitePlan, plan_site
from kommunrapport.site.scaffold import (
    ensure_project_files,
    project_template_bytes,
    render_narrative,
)
from kommunrapport.site.textsafety import review_comments

GENERATED_LINE: Final = f"{GENERATED_MARK} build. Ändra inte här: filen skrivs om vid varje bygge."
OPEN_DATA_MARKER: Final = opendata_publish.MARKER
_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


# --- writing generated files -------------------------------------------------------------------


def _write_generated(paths: ProjectPaths, path: Path, text: str, written: list[Path]) -> None:
    """Write a generated file; refuse to replace a file a person wrote."""
    if path.exists() and not is_generated(path):
        raise SiteError(
            f"{paths.relative(path)} skrivs av kommunrapport build, men filen finns redan och "
            "är inte genererad. Bygget skriver inte över den: flytta texten (t.ex. till "
            "kommun.qmd eller start-sidan index.qmd) och ta bort filen."
        )
    data = text.encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return
    write_atomic(path, data)
    written.append(path)


def _write_output(path: Path, data: bytes, written: list[Path]) -> None:
    """Write a file under ``_executed/`` (build output only) when its content changed."""
    if path.is_file() and path.read_bytes() == data:
        return
    write_atomic(path, data)
    written.append(path)


def _yaml_text(data: Mapping[str, Any]) -> str:
    return f"# {GENERATED_LINE}\n{yaml_document(data)}"


def _md_value(value: str) -> str:
    """A front-matter value that pandoc reads as Markdown: literal text, YAML-quoted."""
    return yaml_scalar(md_text(value))


def swedish_date(period: Period) -> str:
    return fmt.long_date(period.slutdatum)


# --- relabelled notebooks ----------------------------------------------------------------------


def relabel_notebook(notebook: Mapping[str, Any], job: str) -> dict[str, Any]:
    """A copy of an executed notebook whose cell labels (and ids equal to a label) are made
    unique within a period report with :func:`~kommunrapport.site.chapters.unique_label`."""
    nb: dict[str, Any] = copy.deepcopy(dict(notebook))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        lines = ("".join(source) if isinstance(source, list) else str(source)).split("\n")
        old: str | None = None
        for i, line in enumerate(lines):
            if not line.startswith("#|"):
                break
            m = LABEL_OPTION.match(line.rstrip())
            if m:
                old = m.group("label")
                lines[i] = f"{m.group('head')}{unique_label(job, old)}"
        cell["source"] = "\n".join(lines)
        if old is not None and cell.get("id") == old:
            cell["id"] = unique_label(job, old)
    meta = nb.setdefault("metadata", {})
    meta.setdefault("kommunrapport", {})
    if isinstance(meta["kommunrapport"], dict):
        meta["kommunrapport"]["rapportkopia"] = GENERATED_LINE
    return nb


# --- the period report ------------------------------------------------------------------------


def _callout(title: str, text: str) -> str:
    return f'::: {{.callout-warning title="{title}"}}\n{text}\n:::'


STATUS_TITLES: Final = {"utkast": "Utkast", "granskning": "Granskning"}
"""The banner's title over a text that is not klar (as ``assets/utkast.lua`` has it)."""


def _chapter_text(model: Kommunmodell, period: Period, chapter: Chapter) -> str:
    parts = [f"# {chapter.title} {{#kapitel-{slot(chapter.job)}}}", ""]
    if not chapter.has_notebook:
        parts.append(
            _callout(
                "Underlag saknas",
                "Tabellerna och diagrammen för den här delen kunde inte tas fram i "
                "den här körningen.",
            )
        )
        return "\n".join(parts)
    if chapter.narrative is None:
        parts += [
            _callout(
                "Utkast",
                "Texten till den här delen är inte skriven ännu; här visas tabellerna "
                "och diagrammen.",
            ),
            "",
        ]
        scaffold = render_narrative(model, period.id, chapter.job)
        _, body, _ = split_front_matter(scaffold)
    else:
        if chapter.status != "klar":
            parts += [
                _callout(
                    STATUS_TITLES.get(chapter.status, "Inte klar"),
                    f"Texten i den här delen har status {md_text(chapter.status)}.",
                ),
                "",
            ]
        body = chapter.narrative.body
    parts.append(chapter_body(body, chapter.job))
    return "\n".join(parts)


def _open_data_links(paths: ProjectPaths, ps: PeriodSite) -> list[str]:
    lines = []
    for chapter in ps.chapters:
        folder = paths.published_open_data_dir(ps.period.id, chapter.job)
        files = sorted(p for p in folder.glob("*") if p.is_file()) if folder.is_dir() else []
        if not files:
            continue
        links = ", ".join(
            f"[{md_text(p.name)}]"
            f"({url_path(p.relative_to(paths.period_dir(ps.period.id)).as_posix())})"
            for p in files
        )
        lines.append(f"- {chapter.title}: {links}")
    return lines


def period_report_text(model: Kommunmodell, ps: PeriodSite) -> str:
    """The generated ``reports/<period>/index.qmd``."""
    period = ps.period
    kommun = model.kommun.namn
    description = f"{kommun}s uppföljning av mål och ekonomi till och med {swedish_date(period)}."
    metadata = paths_rel(
        model.paths.report_metadata_file(period.id), model.paths.period_dir(period.id)
    )
    front = [
        "---",
        f"# {GENERATED_LINE} Skriv i kommun.qmd och nämndernas .qmd-filer i samma mapp.",
        f"title: {_md_value(period.titel)}",
        f"subtitle: {_md_value(kommun)}",
        f"description: {_md_value(description)}",
        f"status: {yaml_scalar(ps.status)}",
        "metadata-files:",
        f"  - {yaml_scalar(metadata)}",
        "toc-depth: 2",
        "---",
        "",
    ]
    body = [_chapter_text(model, period, c) for c in ps.chapters]
    links = _open_data_links(model.paths, ps)
    if links:
        body.append(
            "\n".join(
                [
                    "# Öppna data {#oppna-data}",
                    "",
                    f"Tabellerna bakom {md_text(kommun)}s rapport finns som CSV-filer (UTF-8) för "
                    "vidareanvändning:",
                    "",
                    *links,
                ]
            )
        )
    return "\n".join(front) + "\n" + "\n\n".join(body) + "\n"


def paths_rel(path: Path, start: Path) -> str:
    return path.relative_to(start).as_posix()


# --- navigation -----------------------------------------------------------------------------------


def _href(paths: ProjectPaths, path: Path) -> str:
    return path.relative_to(paths.root).as_posix()


def site_config(model: Kommunmodell, sites: Sequence[PeriodSite]) -> dict[str, Any]:
    """The content of ``_webbplats.yml`` (merged into ``_quarto.yml``)."""
    paths = model.paths
    kommun = model.kommun
    navbar: dict[str, Any] = {}
    logo = named_file(paths, kommun.logotyp).path if kommun.logotyp else None
    if logo is not None:  # the loader refused every other value
        navbar["logo"] = paths.relative(logo)
        # Quarto's navbar template inserts the alt text into HTML unescaped
        navbar["logo-alt"] = html_attr(f"{kommun.namn}, logotyp")
    ordered = sorted(sites, key=lambda s: s.period.slutdatum, reverse=True)
    navbar["left"] = [
        {"text": "Start", "href": "index.qmd"},
        *(f"sidebar:rapport-{ps.period.id}" for ps in ordered),
    ]
    sidebars = []
    render = [_href(paths, paths.site_index)]
    for ps in ordered:
        pid = ps.period.id
        report = _href(paths, paths.period_report(pid))
        render.append(report)
        contents: list[Any] = [{"text": "Hela rapporten", "href": report}]
        namnder: list[dict[str, str]] = []
        for c in ps.chapters:
            if not c.has_page:
                continue
            href = _href(paths, paths.narrative_file(pid, c.job))
            render.append(href)
            item = {"text": c.title, "href": href}
            (contents if c.job == KOMMUN_JOB else namnder).append(item)
        if namnder:
            contents.append({"section": "Nämnderna", "contents": namnder})
        sidebars.append(
            {
                "id": f"rapport-{pid}",
                "title": md_text(ps.period.titel),
                "style": "docked",
                "contents": contents,
            }
        )
    # navigation texts and titles are read as Markdown by Quarto
    website: dict[str, Any] = {"title": md_text(kommun.namn), "navbar": navbar}
    if sidebars:
        website["sidebar"] = sidebars
    return {"project": {"render": render}, "website": website}


def periods_list_text(model: Kommunmodell, sites: Sequence[PeriodSite]) -> str:
    """The generated ``_perioder.md`` that the start page includes."""
    paths = model.paths
    lines = [f"<!-- {GENERATED_LINE} -->", ""]
    ordered = sorted(sites, key=lambda s: s.period.slutdatum, reverse=True)
    if not ordered:
        lines.append("Inga rapporter är byggda ännu.")
    for ps in ordered:
        pid = ps.period.id
        lines.append(
            f"- [{md_text(ps.period.titel)}]({url_path(_href(paths, paths.period_report(pid)))}):"
            f" hela rapporten, till och med {swedish_date(ps.period)}."
        )
        parts = [
            f"[{c.title}]({url_path(_href(paths, paths.narrative_file(pid, c.job)))})"
            for c in ps.chapters
            if c.has_page
        ]
        if parts:
            lines.append(f"  Delarna var för sig: {', '.join(parts)}.")
    return "\n".join(lines) + "\n"


# --- the build step -------------------------------------------------------------------------------


def _write_period(model: Kommunmodell, ps: PeriodSite, written: list[Path]) -> None:
    paths = model.paths
    pid = ps.period.id
    figures: dict[str, Any] = {}
    for chapter in ps.chapters:
        if not chapter.has_notebook:
            continue
        _write_report_notebook(paths, pid, chapter.job, written)
        key_file = paths.key_figures_file(pid, chapter.job)
        if key_file.is_file():
            loaded = load_yaml(key_file.read_text(encoding="utf-8")) or {}
            if isinstance(loaded, dict) and isinstance(loaded.get(KEY_PREFIX), dict):
                figures[slot(chapter.job)] = {KEY_PREFIX: loaded[KEY_PREFIX]}
    meta_text = _yaml_text({REPORT_KEY: figures})
    _write_output(paths.report_metadata_file(pid), meta_text.encode("utf-8"), written)
    _publish_open_data(paths, ps, written)
    _write_generated(paths, paths.period_report(pid), period_report_text(model, ps), written)


def _write_report_notebook(paths: ProjectPaths, pid: str, job: str, written: list[Path]) -> None:
    """The relabelled copy of a job's executed notebook. The copy takes the source's
    modification time, so an unchanged source is not parsed and copied again."""
    source, target = paths.executed_notebook(pid, job), paths.report_notebook(pid, job)
    stamp = source.stat()
    if target.is_file() and target.stat().st_mtime_ns == stamp.st_mtime_ns:
        return
    copy_ = relabel_notebook(json.loads(source.read_text(encoding="utf-8")), job)
    data = (json.dumps(copy_, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    _write_output(target, data, written)
    os.utime(target, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))


def _publish_open_data(paths: ProjectPaths, ps: PeriodSite, written: list[Path]) -> None:
    """Publish the open data where the site serves it, whole (see opendata_publish); left
    as it is when unchanged."""
    pid = ps.period.id
    root = paths.published_open_data_root(pid)
    sources = {
        c.job: paths.open_data_dir(pid, c.job)
        for c in ps.chapters
        if c.has_notebook and paths.open_data_dir(pid, c.job).is_dir()
    }
    if not opendata_publish.may_replace(root, sources):
        raise SiteError(
            f"{paths.relative(root)} skrivs av kommunrapport build men finns redan och är "
            "inte genererad; flytta filerna därifrån."
        )
    if opendata_publish.is_current(root, sources):
        return
    written.extend(opendata_publish.publish(root, sources, GENERATED_LINE + "\n"))


def check_review_filter(paths: ProjectPaths, sites: Sequence[PeriodSite]) -> None:
    """When a page of the site has a review comment (``<!-- granskning: … -->``), the
    project's filter that takes them out of every page must be listed in ``_quarto.yml``
    and be the one kommunrapport ships; else :class:`SiteError` says how to mend it."""
    if not any(
        c.narrative is not None and review_comments(c.narrative.source)
        for ps in sites
        for c in ps.chapters
    ):
        return
    rel = paths.relative(paths.review_filter_file)
    config = paths.relative(paths.quarto_config)
    if rel not in project_filters(paths):
        raise SiteError(
            f"en text har granskningskommentarer (<!-- granskning: … -->), men {config} "
            f"listar inte filtret som tar bort dem ur sidorna; lägg till '- {rel}' först "
            "under filters: i filen."
        )
    shipped = project_template_bytes(rel)
    if paths.review_filter_file.read_bytes() != shipped:
        raise SiteError(
            f"{rel} är ändrad, så granskningskommentarerna kan komma med på sidorna; ta bort "
            "filen så skriver build den igen."
        )


def remove_left_periods(model: Kommunmodell) -> dict[str, list[Path]]:
    """Delete what the build generated for a period that is no longer in params/perioder.yml
    (a folder ``reports/<ÅÅÅÅ-MM>/`` of another period): its executed notebooks (``_executed/``),
    its report page (``index.qmd``, when generated) and its published open data
    (``oppna-data/``, when generated). The analysts' texts stay, and so does the folder when
    it holds them. Returns what was deleted, per period."""
    paths = model.paths
    known = {p.id for p in model.perioder.perioder}
    out: dict[str, list[Path]] = {}
    if not paths.reports_dir.is_dir():
        return out
    for folder in sorted(paths.reports_dir.iterdir()):
        pid = folder.name
        if not folder.is_dir() or pid in known or not PERIOD_RE.match(pid):
            continue
        gone: list[Path] = []
        executed = paths.executed_dir(pid)
        if executed.is_dir():
            remove_tree(executed)
            gone.append(executed)
        report = paths.period_report(pid)
        if report.is_file() and is_generated(report):
            report.unlink()
            gone.append(report)
        data = paths.published_open_data_root(pid)
        if data.is_dir() and opendata_publish.is_generated(data):
            remove_tree(data)
            gone.append(data)
        if gone:
            out[pid] = gone
            if not any(folder.iterdir()):
                folder.rmdir()
    return out


def prepare_site(model: Kommunmodell, periods: Iterable[str] | None = None) -> SitePlan:
    """Write every generated file of the Quarto project, then check that every reference
    of every page resolves.

    ``periods``: the periods to put on the site; by default (None) every period in params
    whose notebooks have been executed, so that a build of one period keeps the others.
    Raises :class:`SiteError` when a generated path holds a person's file or a page's
    review comments would not be taken out (:func:`check_review_filter`), and
    :class:`UnresolvedReferencesError` (a :class:`DataValidationError`) when a page embeds a
    label or cites a key figure that the executed notebooks do not have.
    """
    paths = model.paths
    written: list[Path] = list(ensure_project_files(paths))
    left = remove_left_periods(model)
    sites = plan_site(model, periods)
    check_review_filter(paths, sites)
    for ps in sites:
        _write_period(model, ps, written)
    config = _yaml_text(site_config(model, sites))
    _write_generated(paths, paths.site_config_file, config, written)
    _write_generated(paths, paths.periods_include_file, periods_list_text(model, sites), written)
    plan = SitePlan(tuple(sites), tuple(written), tuple(left))
    problems: list[Problem] = []
    for page in plan.pages(paths)[1:]:
        problems.extend(unresolved_references(paths, page))
    if problems:
        raise UnresolvedReferencesError(problems)
    return plan
