"""The generated parts of the Quarto project, written before ``quarto render``.

The build calls :func:`prepare_site` after the notebooks are executed. It writes only
generated files, each of which says so in its first line (for a ``.qmd``: the first line of
its front matter, since Quarto wants ``---`` on line 1), or lives under ``_executed/``:

``_webbplats.yml``
    the website's title, logo and navigation (a menu and a sidebar per period, listing the
    whole report, the kommun's part and each nämnd's page) and the pages to render; merged
    into ``_quarto.yml`` through its ``metadata-files``.
``_perioder.md``
    the list of reports that the start page includes.
``reports/<period>/index.qmd``
    the whole report of a period: the kommun's chapters, then each nämnd's, in params order.
    Each chapter is the analysts' text with its references made unique within the page:
    ``{{< embed _executed/bun.ipynb#tbl-drift >}}`` becomes
    ``{{< embed _executed/_rapport/bun.ipynb#tbl-bun-drift >}}`` (a copy of the executed
    notebook with labels prefixed by the job, so cross-references do not collide) and
    ``{{< meta nyckeltal.x >}}`` becomes ``{{< meta kapitel.bun.nyckeltal.x >}}``.
``reports/<period>/_executed/_rapport.yml`` and ``_executed/_rapport/<job>.ipynb``
    the key figures of every job of the period, and the relabelled notebook copies.
``reports/<period>/oppna-data/<job>/``
    the open-data files of each job, copied where the site publishes them.

The analysts' files (``reports/<period>/<job>.qmd``) are read, never written. Before
returning, every ``embed`` and ``meta nyckeltal`` reference of every page is resolved
against the executed notebooks and key-figure files, so that a broken reference is
reported in Swedish before Quarto runs.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

from kommunrapport.content import formatting as fmt
from kommunrapport.data.errors import DataValidationError, KommunrapportError, Problem
from kommunrapport.data.fsutil import write_atomic
from kommunrapport.data.model import Kommunmodell, Period
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.site import opendata_publish
from kommunrapport.site.narrative import (
    GENERATED_MARK,
    KEY_PREFIX,
    KOMMUN_JOB,
    STATUSES,
    Narrative,
    is_generated,
    period_jobs,
    read_narrative,
    split_front_matter,
)
from kommunrapport.site.scaffold import ensure_project_files, narrative_title, render_narrative

GENERATED_LINE: Final = f"{GENERATED_MARK} build. Ändra inte här: filen skrivs om vid varje bygge."
REPORT_KEY: Final = "kapitel"
"""Top-level key of ``_rapport.yml``: ``kapitel.<job>.nyckeltal.<key>``."""
OPEN_DATA_MARKER: Final = opendata_publish.MARKER

_CROSSREF_TYPES: Final = ("fig", "tbl", "lst", "sec", "eq")


class SiteError(KommunrapportError):
    """The Quarto project cannot be prepared (e.g. a generated path holds a person's file)."""


class UnresolvedReferencesError(DataValidationError):
    """A page embeds a label or cites a key figure that the build did not produce."""


# --- what goes on the site -------------------------------------------------------------------


@dataclass(frozen=True)
class Chapter:
    job: str
    title: str
    narrative: Narrative | None
    """None when the analysts' file does not exist."""
    status: str
    has_notebook: bool

    @property
    def has_page(self) -> bool:
        """The nämnd's own page (and docx/PDF): its text and its executed notebook exist."""
        return self.narrative is not None and self.has_notebook


@dataclass(frozen=True)
class PeriodSite:
    period: Period
    chapters: tuple[Chapter, ...]

    @property
    def status(self) -> str:
        """The least finished status of the period's chapters (a missing text is utkast)."""
        rank = {s: i for i, s in enumerate(STATUSES)}
        worst = min(
            (rank.get(c.status, 0) if c.narrative is not None else 0) for c in self.chapters
        )
        return STATUSES[worst]


@dataclass(frozen=True)
class SitePlan:
    """What :func:`prepare_site` put on the site."""

    periods: tuple[PeriodSite, ...]
    written: tuple[Path, ...]

    def pages(self, paths: ProjectPaths) -> list[Path]:
        """Every page Quarto renders: the start page, each period's report and own pages."""
        out = [paths.site_index]
        for ps in self.periods:
            out.append(paths.period_report(ps.period.id))
            out += [paths.narrative_file(ps.period.id, c.job) for c in ps.chapters if c.has_page]
        return out


def _chapter(model: Kommunmodell, period: Period, job: str) -> Chapter:
    paths = model.paths
    path = paths.narrative_file(period.id, job)
    narrative = read_narrative(path) if path.is_file() else None
    title = (narrative.title if narrative else None) or narrative_title(model, job)
    status = (narrative.status or "utkast") if narrative else "saknas"
    return Chapter(job, title, narrative, status, paths.executed_notebook(period.id, job).is_file())


def plan_site(model: Kommunmodell, periods: Iterable[str] | None = None) -> list[PeriodSite]:
    """The periods that go on the site, with their chapters: by default every period in
    params whose notebooks have been executed (so that building one period keeps the
    others on the site)."""
    paths = model.paths
    wanted = None if periods is None else list(periods)
    known = {p.id for p in model.perioder.perioder}
    if wanted is not None:
        unknown = [p for p in wanted if p not in known]
        if unknown:
            raise SiteError(
                f"okänd period {', '.join(unknown)} (finns inte i params/perioder.yml)."
            )
    sites = []
    for period in model.perioder.perioder:
        if wanted is not None and period.id not in wanted:
            continue
        chapters = tuple(_chapter(model, period, job) for job in period_jobs(period))
        if not any(c.has_notebook for c in chapters):
            if wanted is not None:
                raise SiteError(
                    f"perioden {period.id} har inga körda anteckningsböcker i "
                    f"{paths.relative(paths.executed_dir(period.id))}; kör build först."
                )
            continue
        sites.append(PeriodSite(period, chapters))
    return sites


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
    body = yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False, width=100)
    return f"# {GENERATED_LINE}\n{body}"


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def swedish_date(period: Period) -> str:
    return fmt.long_date(period.slutdatum)


def slot(job: str) -> str:
    """A job's key under ``kapitel`` (dots would break Quarto's meta dereferencing)."""
    return job.replace(".", "_")


# --- relabelled notebooks ----------------------------------------------------------------------

_LABEL_LINE = re.compile(r"^(?P<head>#\|\s*label:\s*)(?P<q>[\"']?)(?P<label>[^\"'\s]+)(?P=q)\s*$")


def unique_label(job: str, label: str) -> str:
    """``tbl-drift`` of job ``bun`` becomes ``tbl-bun-drift`` (keeping the cross-reference
    type first, as Quarto needs)."""
    kind, sep, rest = label.partition("-")
    if sep and kind in _CROSSREF_TYPES:
        return f"{kind}-{job}-{rest}"
    return f"{job}-{label}"


def relabel_notebook(notebook: Mapping[str, Any], job: str) -> dict[str, Any]:
    """A copy of an executed notebook whose cell labels (and ids equal to a label) are made
    unique within a period report with :func:`unique_label`."""
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
            m = _LABEL_LINE.match(line.rstrip())
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


# --- the chapters of a period report ---------------------------------------------------------

_TOKENS = re.compile(
    r"(?P<escaped>\{\{\{<.*?>\}\}\})"
    r"|(?P<shortcode>\{\{<\s*(?P<name>[A-Za-z][\w-]*)(?P<args>(?:[^>]|>(?!\}\}))*?)\s*>\}\})"
    r"|(?<![\w.])@(?P<ref>(?:fig|tbl|lst|sec|eq)-[A-Za-z0-9_-]*[A-Za-z0-9_])"
    r"|(?<=[{\s])#(?P<id>(?:fig|tbl|lst|sec|eq)-[A-Za-z0-9_-]*[A-Za-z0-9_])",
    re.DOTALL,
)
_ATX = re.compile(r"^(?P<hashes>#{1,6})(?P<rest>[ \t].*)?$")
_FENCE = re.compile(r"^[ \t]{0,3}(?P<fence>`{3,}|~{3,})")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_EMBED_PATH = re.compile(r"^_executed/(?P<job>[A-Za-z0-9_.-]+)\.ipynb$")


def _shift_headings(body: str, to_level: int = 2) -> str:
    """Shift ATX headings so the highest level in ``body`` is ``to_level``."""
    lines = body.split("\n")
    fence: str | None = None
    levels = []
    headings = []
    for i, line in enumerate(lines):
        fm = _FENCE.match(line)
        if fence is not None:
            if fm and fm.group("fence")[0] == fence[0] and len(fm.group("fence")) >= len(fence):
                fence = None
            continue
        if fm:
            fence = fm.group("fence")
            continue
        hm = _ATX.match(line)
        if hm and hm.group("rest") is not None:
            levels.append(len(hm.group("hashes")))
            headings.append(i)
    if not levels or min(levels) >= to_level:
        return body
    shift = to_level - min(levels)
    for i in headings:
        hm = _ATX.match(lines[i])
        assert hm is not None
        lines[i] = "#" * min(6, len(hm.group("hashes")) + shift) + (hm.group("rest") or "")
    return "\n".join(lines)


def chapter_body(body: str, job: str) -> str:
    """The analysts' text of ``job`` made fit for the period report (see module doc).
    HTML comments (the guiding questions, notes to colleagues) are left out."""
    ids: dict[str, str] = {}
    for m in _TOKENS.finditer(body):
        if m.group("shortcode") and m.group("name") == "embed":
            args = m.group("args").split()
            target, _, label = (args[0] if args else "").partition("#")
            em = _EMBED_PATH.match(target)
            if em and label:
                ids.setdefault(label, unique_label(em.group("job"), label))
        elif m.group("id"):
            ids.setdefault(m.group("id"), unique_label(job, m.group("id")))

    def replace(m: re.Match[str]) -> str:
        if m.group("escaped"):
            return m.group(0)
        if m.group("ref"):
            ref = m.group("ref")
            return "@" + ids.get(ref, ref)
        if m.group("id"):
            return "#" + ids.get(m.group("id"), m.group("id"))
        name = m.group("name")
        args = m.group("args").split()
        if name == "embed" and args:
            target, _, label = args[0].partition("#")
            em = _EMBED_PATH.match(target)
            if em and label:
                other = em.group("job")
                args[0] = f"_executed/_rapport/{other}.ipynb#{unique_label(other, label)}"
                return "{{< embed " + " ".join(args) + " >}}"
        if name == "meta" and args and args[0].startswith(KEY_PREFIX + "."):
            args[0] = f"{REPORT_KEY}.{slot(job)}.{args[0]}"
            return "{{< meta " + " ".join(args) + " >}}"
        return m.group(0)

    body = _COMMENT.sub("", body)
    body = re.sub(r"\n{3,}", "\n\n", body)
    return _shift_headings(_TOKENS.sub(replace, body)).strip("\n")


def _callout(title: str, text: str) -> str:
    return f'::: {{.callout-warning title="{title}"}}\n{text}\n:::'


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
                _callout("Utkast", f"Texten i den här delen har status {chapter.status}."),
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
            f"[{p.name}]({p.relative_to(paths.period_dir(ps.period.id)).as_posix()})" for p in files
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
        f"title: {_q(period.titel)}",
        f"subtitle: {_q(kommun)}",
        f"description: {_q(description)}",
        f"status: {ps.status}",
        "metadata-files:",
        f"  - {metadata}",
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
                    "Tabellerna bakom rapporten finns som CSV-filer (UTF-8) för vidareanvändning:",
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
    if kommun.logotyp:
        logo = paths.data_dir / kommun.logotyp
        if logo.is_file():
            navbar["logo"] = _href(paths, logo)
            navbar["logo-alt"] = f"{kommun.namn}, logotyp"
    ordered = sorted(sites, key=lambda s: s.period.slutdatum, reverse=True)
    navbar["left"] = [
        {"text": "Start", "href": "index.qmd"},
        *(f"sidebar:rapport-{ps.period.id}" for ps in ordered),
    ]
    sidebars = []
    render = []
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
                "title": ps.period.titel,
                "style": "docked",
                "contents": contents,
            }
        )
    website: dict[str, Any] = {"title": kommun.namn, "navbar": navbar}
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
            f"- [{ps.period.titel}]({_href(paths, paths.period_report(pid))}): hela rapporten, "
            f"till och med {swedish_date(ps.period)}."
        )
        parts = [
            f"[{c.title}]({_href(paths, paths.narrative_file(pid, c.job))})"
            for c in ps.chapters
            if c.has_page
        ]
        if parts:
            lines.append(f"  Delarna var för sig: {', '.join(parts)}.")
    return "\n".join(lines) + "\n"


# --- references ---------------------------------------------------------------------------


def _notebook_targets(notebook: Path) -> set[str]:
    """Everything ``embed`` can name in a notebook: cell ids, labels and tags."""
    data = json.loads(notebook.read_text(encoding="utf-8"))
    found: set[str] = set()
    for cell in data.get("cells", []):
        if cell.get("id"):
            found.add(str(cell["id"]))
        found.update(str(t) for t in cell.get("metadata", {}).get("tags", []))
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        for line in text.split("\n"):
            if not line.startswith("#|"):
                break
            m = _LABEL_LINE.match(line.rstrip())
            if m:
                found.add(m.group("label"))
    return found


def _lookup(data: Any, dotted: str) -> bool:
    node = data
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return True


def unresolved_references(paths: ProjectPaths, page: Path) -> list[Problem]:
    """The ``embed`` targets and ``meta nyckeltal``/``kapitel`` keys of a page that do not
    resolve against the files Quarto will read (paths relative to the page, like Quarto)."""
    shown = paths.relative(page)
    narrative = read_narrative(page)
    metadata: dict[str, Any] = dict(narrative.front_matter or {})
    for rel in narrative.metadata_files:
        source = page.parent / rel
        if source.is_file():
            loaded = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
            if isinstance(loaded, dict):
                metadata.update(loaded)
    cache: dict[Path, set[str]] = {}
    problems = []
    for sc in narrative.shortcodes:
        if sc.name == "embed":
            target, _, label = sc.target.partition("#")
            notebook = page.parent / target
            if not notebook.is_file():
                problems.append(
                    Problem(
                        shown,
                        sc.line,
                        sc.text,
                        f"{paths.relative(notebook)} finns inte (kör build).",
                    )
                )
                continue
            if notebook not in cache:
                cache[notebook] = _notebook_targets(notebook)
            if label and label not in cache[notebook]:
                problems.append(
                    Problem(
                        shown,
                        sc.line,
                        sc.text,
                        f"{paths.relative(notebook)} har ingen cell med etiketten '{label}'.",
                    )
                )
        elif (
            sc.name == "meta"
            and sc.target.split(".")[0] in (KEY_PREFIX, REPORT_KEY)
            and not _lookup(metadata, sc.target)
        ):
            problems.append(
                Problem(
                    shown,
                    sc.line,
                    sc.text,
                    f"'{sc.target}' finns inte i sidans metadata "
                    f"({', '.join(narrative.metadata_files) or 'inga metadata-files'}).",
                )
            )
    return problems


# --- the build step -------------------------------------------------------------------------------


def _write_period(model: Kommunmodell, ps: PeriodSite, written: list[Path]) -> None:
    paths = model.paths
    pid = ps.period.id
    figures: dict[str, Any] = {}
    for chapter in ps.chapters:
        if not chapter.has_notebook:
            continue
        source = paths.executed_notebook(pid, chapter.job)
        notebook = json.loads(source.read_text(encoding="utf-8"))
        copy_ = relabel_notebook(notebook, chapter.job)
        data = (json.dumps(copy_, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
        _write_output(paths.report_notebook(pid, chapter.job), data, written)
        key_file = paths.key_figures_file(pid, chapter.job)
        if key_file.is_file():
            loaded = yaml.safe_load(key_file.read_text(encoding="utf-8")) or {}
            if isinstance(loaded, dict) and isinstance(loaded.get(KEY_PREFIX), dict):
                figures[slot(chapter.job)] = {KEY_PREFIX: loaded[KEY_PREFIX]}
    meta_text = _yaml_text({REPORT_KEY: figures})
    _write_output(paths.report_metadata_file(pid), meta_text.encode("utf-8"), written)
    _publish_open_data(paths, ps, written)
    _write_generated(paths, paths.period_report(pid), period_report_text(model, ps), written)


def _publish_open_data(paths: ProjectPaths, ps: PeriodSite, written: list[Path]) -> None:
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
    written.extend(opendata_publish.publish(root, sources, GENERATED_LINE + "\n"))


def prepare_site(model: Kommunmodell, periods: Iterable[str] | None = None) -> SitePlan:
    """Write every generated file of the Quarto project, then check that every reference
    of every page resolves.

    ``periods``: the periods to put on the site; by default (None) every period in params
    whose notebooks have been executed, so that a build of one period keeps the others.
    Raises :class:`SiteError` when a generated path holds a person's file, and
    :class:`UnresolvedReferencesError` (a :class:`DataValidationError`) when a page embeds a
    label or cites a key figure that the executed notebooks do not have.
    """
    paths = model.paths
    written: list[Path] = list(ensure_project_files(paths))
    sites = plan_site(model, periods)
    for ps in sites:
        _write_period(model, ps, written)
    config = _yaml_text(site_config(model, sites))
    _write_generated(paths, paths.site_config_file, config, written)
    _write_generated(paths, paths.periods_include_file, periods_list_text(model, sites), written)
    plan = SitePlan(tuple(sites), tuple(written))
    problems: list[Problem] = []
    for page in plan.pages(paths)[1:]:
        problems.extend(unresolved_references(paths, page))
    if problems:
        raise UnresolvedReferencesError(problems)
    return plan
