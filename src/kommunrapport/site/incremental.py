"""Which pages, in which formats, Quarto must render; and the record of what it rendered.

Rendering the example takes Quarto about five minutes, the notebooks a few seconds. So the
render step works like the batch: every page gets a fingerprint of everything it is made
from, and only pages whose fingerprint changed (or whose output is missing) are rendered.

A page's fingerprint covers

- the site-wide inputs: the package version, ``_quarto.yml``, the navigation of the
  generated ``_webbplats.yml`` (everything but its ``project: render:`` list, which the
  build rewrites for each render), every file under ``assets/`` (styles, the reference
  docx, the Lua filter) and the logo the navigation shows;
- the page's own bytes, and the bytes of every file it reads: each ``embed`` (the executed
  notebook, and the figure files its outputs show), each ``include`` (the start page's
  period list) and each ``metadata-files`` entry (the key figures). A period report is
  generated from all texts of its period and embeds the relabelled copy of every notebook
  of its period, so it changes with any of them; it also links the period's published open
  data, which is hashed too.

The record (``.kommunrapport/render-cache.json``) keeps one fingerprint per page and
format (``html``, ``docx``, ``typst``), written atomically after a successful Quarto run,
and only for outputs that exist. A failed run records nothing and forgets what it tried,
so the next build renders those pages again. A page that left the site (a removed nämnd
or period) has its outputs deleted from ``_site/``.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from kommunrapport import __version__
from kommunrapport.batch import figure_files
from kommunrapport.data.errors import KommunrapportError
from kommunrapport.data.fsutil import write_atomic
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.data.yamlio import load_yaml
from kommunrapport.site.narrative import split_front_matter

EXTENSIONS: Final = {"html": ".html", "docx": ".docx", "typst": ".pdf", "pdf": ".pdf"}
"""The output file of each Quarto format this project uses (typst and LaTeX both make PDF)."""

USER_FORMATS: Final = {"html": ("html",), "docx": ("docx",), "pdf": ("typst", "pdf")}
"""``build --format`` names and the Quarto formats they stand for."""

_RECORD_VERSION: Final = 1
_SHORTCODE_FILE = re.compile(r"\{\{<\s*(?P<name>embed|include)\s+(?P<target>[^\s>]+)")


class RenderFormatError(KommunrapportError):
    """``--format`` names a format the project does not render."""


# --- fingerprints ------------------------------------------------------------------------


def _digest_file(h: Any, root: Path, path: Path) -> None:
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        rel = path.as_posix()
    h.update(rel.encode())
    h.update(b"\0")
    if path.is_file():
        h.update(hashlib.sha256(path.read_bytes()).digest())
    else:
        h.update(b"saknas")


def _yaml_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    data = load_yaml(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def project_filters(paths: ProjectPaths) -> tuple[str, ...]:
    """The Lua filters ``_quarto.yml`` lists (``filters:``, a path or ``{path: …}`` each)."""
    listed = _yaml_file(paths.quarto_config).get("filters")
    if not isinstance(listed, list):
        return ()
    out = []
    for item in listed:
        value = item.get("path") if isinstance(item, dict) else item
        if isinstance(value, str):
            out.append(value.removeprefix("./"))
    return tuple(out)


def project_formats(paths: ProjectPaths) -> tuple[str, ...]:
    """The formats ``_quarto.yml`` defines, in its order (html alone when it names none)."""
    fmt = _yaml_file(paths.quarto_config).get("format")
    if isinstance(fmt, str):
        return (fmt,)
    if isinstance(fmt, Mapping) and fmt:
        return tuple(str(k) for k in fmt)
    return ("html",)


def always_rendered(paths: ProjectPaths) -> tuple[str, ...]:
    """Pages ``_quarto.yml`` itself lists under ``project: render:``. Quarto merges that
    list with the generated one, so it renders these on every run (older projects list
    ``index.qmd`` there)."""
    project = _yaml_file(paths.quarto_config).get("project")
    render = project.get("render") if isinstance(project, Mapping) else None
    return tuple(str(p) for p in render) if isinstance(render, list) else ()


def site_digest(paths: ProjectPaths) -> str:
    """The fingerprint of everything every page depends on (see the module docstring)."""
    h = hashlib.sha256(__version__.encode())
    _digest_file(h, paths.root, paths.quarto_config)
    config = _yaml_file(paths.site_config_file)
    project = config.get("project")
    if isinstance(project, dict):
        config["project"] = {k: v for k, v in project.items() if k != "render"}
    h.update(json.dumps(config, sort_keys=True, ensure_ascii=False, default=str).encode())
    if paths.assets_dir.is_dir():
        for path in sorted(p for p in paths.assets_dir.rglob("*") if p.is_file()):
            _digest_file(h, paths.root, path)
    website = config.get("website")
    navbar = website.get("navbar") if isinstance(website, Mapping) else None
    logo = navbar.get("logo") if isinstance(navbar, Mapping) else None
    if isinstance(logo, str):
        _digest_file(h, paths.root, paths.root / logo)
    return h.hexdigest()


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


@dataclass(frozen=True)
class PageState:
    """A page as it is now: its fingerprint and the formats Quarto renders it to."""

    page: Path
    key: str
    """The page relative to the root, with slashes (as in the render list)."""
    digest: str
    formats: tuple[str, ...]


def page_state(
    paths: ProjectPaths, page: Path, site: str, default_formats: Sequence[str]
) -> PageState:
    """The fingerprint of ``page`` (site-wide inputs included) and its formats: the keys of
    its own front matter's ``format``, else the project's."""
    key = page.relative_to(paths.root).as_posix()
    raw = page.read_bytes()
    h = hashlib.sha256(site.encode())
    h.update(key.encode())
    h.update(hashlib.sha256(raw).digest())
    text = raw.decode("utf-8-sig", errors="replace")
    front, _, _ = split_front_matter(text)
    meta: dict[str, Any] = {}
    if front is not None:
        try:
            loaded = load_yaml(front)
        except Exception:  # a broken front matter: Quarto will say so; hash the bytes only
            loaded = None
        meta = loaded if isinstance(loaded, dict) else {}
    deps: set[Path] = set()
    for rel in _as_list(meta.get("metadata-files")):
        deps.add(page.parent / rel)
    for m in _SHORTCODE_FILE.finditer(text):
        target = m.group("target").partition("#")[0].strip("\"'")
        if not target:
            continue
        base = paths.root if target.startswith("/") else page.parent
        deps.add(base / target.lstrip("/"))
    for notebook in sorted(d for d in deps if d.suffix == ".ipynb"):
        deps.update(figure_files.referenced_files(notebook, page.parent))  # the figures
    if page == paths.period_report(page.parent.name):
        published = paths.published_open_data_root(page.parent.name)
        if published.is_dir():
            deps.update(p for p in published.rglob("*") if p.is_file())
    for dep in sorted(deps):
        _digest_file(h, paths.root, dep)
    fmt = meta.get("format")
    if isinstance(fmt, str):
        formats: tuple[str, ...] = (fmt,)
    elif isinstance(fmt, Mapping) and fmt:
        formats = tuple(str(k) for k in fmt)
    else:
        formats = tuple(default_formats)
    return PageState(page, key, h.hexdigest(), formats)


# --- the record --------------------------------------------------------------------------


class RenderRecord:
    """Fingerprints of the page outputs Quarto rendered (``.kommunrapport/``)."""

    def __init__(self, paths: ProjectPaths) -> None:
        self.file = paths.render_cache_file
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            data = {}
        ok = isinstance(data, dict) and data.get("version") == _RECORD_VERSION
        pages = data.get("sidor") if ok else None
        self.site: str | None = data.get("webbplats") if ok else None
        self.pages: dict[str, dict[str, str]] = pages if isinstance(pages, dict) else {}

    def digest(self, key: str, fmt: str) -> str | None:
        return self.pages.get(key, {}).get(fmt)

    def record(self, key: str, fmt: str, digest: str) -> None:
        self.pages.setdefault(key, {})[fmt] = digest

    def forget(self, key: str, formats: Iterable[str] | None = None) -> None:
        if formats is None:
            self.pages.pop(key, None)
            return
        entry = self.pages.get(key, {})
        for fmt in formats:
            entry.pop(fmt, None)
        if not entry:
            self.pages.pop(key, None)

    def save(self) -> None:
        data = {"version": _RECORD_VERSION, "webbplats": self.site, "sidor": self.pages}
        text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False)
        write_atomic(self.file, text.encode("utf-8"))


# --- the plan ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderGroup:
    """Pages rendered by one Quarto process: ``to`` None renders each page in all of its
    formats (no ``--to``), else exactly these formats (``--to a,b``)."""

    pages: tuple[str, ...]
    to: tuple[str, ...] | None


@dataclass
class RenderPlan:
    pages: dict[str, PageState]
    """Every page on the site, by key."""
    needed: dict[str, tuple[str, ...]]
    """The formats to render, by page key (only pages with something to render)."""
    groups: tuple[RenderGroup, ...]
    site: str
    site_changed: bool
    full: bool
    """Every format of every page is rendered: Quarto may clean ``_site/`` first."""
    removed: tuple[str, ...]
    always: tuple[str, ...] = field(default=())

    @property
    def nothing_to_do(self) -> bool:
        return not self.groups

    @property
    def outputs(self) -> int:
        return sum(len(f) for f in self.needed.values())


def check_format_names(wanted: Collection[str]) -> None:
    """Refuse a ``build --format`` name that is not html, docx or pdf (before the build)."""
    for name in wanted:
        if name not in USER_FORMATS:
            raise RenderFormatError(f"okänt format '{name}' (välj {', '.join(USER_FORMATS)}).")


def quarto_formats(paths: ProjectPaths, wanted: Collection[str]) -> tuple[str, ...] | None:
    """The Quarto formats for ``build --format`` names (None: all of them)."""
    if not wanted:
        return None
    check_format_names(wanted)
    available = project_formats(paths)
    out: list[str] = []
    for name in wanted:
        match = [f for f in USER_FORMATS[name] if f in available]
        if not match:
            raise RenderFormatError(
                f"formatet {name} finns inte under format: i {paths.relative(paths.quarto_config)}."
            )
        out += [f for f in match if f not in out]
    return tuple(out)


def plan_render(
    paths: ProjectPaths,
    pages: Sequence[Path],
    *,
    formats: Collection[str] | None = None,
    force: bool = False,
    record: RenderRecord | None = None,
) -> RenderPlan:
    """What to render for ``pages`` (every page of the site), limited to the Quarto
    ``formats`` (None: every format of each page)."""
    record = record or RenderRecord(paths)
    site = site_digest(paths)
    defaults = project_formats(paths)
    states = {s.key: s for s in (page_state(paths, p, site, defaults) for p in pages)}
    needed: dict[str, tuple[str, ...]] = {}
    for key, state in states.items():
        todo = []
        for fmt in state.formats:
            if formats is not None and fmt not in formats:
                continue
            ext = EXTENSIONS.get(fmt)
            current = (
                not force
                and record.digest(key, fmt) == state.digest
                and (ext is None or paths.site_output(state.page, ext).is_file())
            )
            if not current:
                todo.append(fmt)
        if todo:
            needed[key] = tuple(todo)
    full = formats is None and all(
        needed.get(key) == state.formats for key, state in states.items()
    )
    grouped: dict[tuple[str, ...] | None, list[str]] = {}
    for key, fmts in needed.items():
        to = None if fmts == states[key].formats else fmts
        grouped.setdefault(to, []).append(key)
    if None in grouped and len(grouped) > 1:
        # Pages due in all their formats join a --to group whose formats are exactly
        # theirs (the html-only start page in a `--format html` build): one process less.
        for to in [t for t in grouped if t is not None]:
            fits = [k for k in grouped[None] if set(states[k].formats) == set(to)]
            grouped[to] += fits
            grouped[None] = [k for k in grouped[None] if k not in fits]
        if not grouped[None]:
            del grouped[None]
    order = list(states)
    groups = tuple(
        RenderGroup(tuple(sorted(keys, key=order.index)), to) for to, keys in grouped.items()
    )
    removed = tuple(sorted(k for k in record.pages if k not in states))
    return RenderPlan(
        pages=states,
        needed=needed,
        groups=groups,
        site=site,
        site_changed=record.site is not None and record.site != site,
        full=bool(states) and full,
        removed=removed,
        always=always_rendered(paths),
    )


def remove_outputs(paths: ProjectPaths, key: str) -> list[Path]:
    """Delete what Quarto wrote for a page that left the site; a period's whole folder
    in ``_site/`` when its report left. Returns what was deleted."""
    page = paths.root / key
    gone: list[Path] = []
    for ext in sorted(set(EXTENSIONS.values())):
        out = paths.site_output(page, ext)
        if out.is_file():
            out.unlink()
            gone.append(out)
    support = paths.site_support_dir(page)
    if support.is_dir():
        shutil.rmtree(support)
        gone.append(support)
    if page == paths.period_report(page.parent.name):
        folder = paths.site_output(page, ".html").parent
        if folder.is_dir() and folder != paths.site_dir:
            shutil.rmtree(folder)
            gone.append(folder)
    return gone
