"""The render step of a build: Quarto renders only the pages whose fingerprint changed.

How a subset is asked for (measured with Quarto 1.10.18): ``quarto render A.qmd B.qmd``
does not work (the CLI takes one input and hands the rest to pandoc). What works in ONE
Quarto process is a project render whose ``project: render:`` list names only the pages to
render, with ``--no-clean`` so the other pages stay in ``_site/``. So for each render the
generated ``_webbplats.yml`` lists just those pages; afterwards it lists every page again,
so that a plain ``quarto render`` or ``quarto preview`` sees the whole site.

Formats: ``--to`` is not given when every page is rendered in all of its own formats (a
page's front matter may name fewer, as the start page does); otherwise each group of
pages with the same missing formats gets one Quarto process with ``--to a,b`` (Quarto
splits ``--to`` at commas). A full render of every page and format lets Quarto clean
``_site/`` first, as a plain ``quarto render`` does.

Progress: Quarto prints ``[n/N] file`` before each file of a project render (only when it
renders more than one); a :class:`Progress` receives those instead of the raw output.
"""

from __future__ import annotations

import re
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml

from kommunrapport.data.fsutil import write_atomic
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.data.yamlio import load_yaml
from kommunrapport.site.incremental import (
    EXTENSIONS,
    RenderPlan,
    RenderRecord,
    plan_render,
    remove_outputs,
)
from kommunrapport.site.quarto import (
    QuartoMissingError,
    QuartoRenderError,
    find_quarto,
    render,
    require_version,
)

PROGRESS_LINE: Final = re.compile(
    r"^\s*\[\s*(?P<n>\d+)\s*/\s*(?P<total>\d+)\s*\]\s+(?P<file>\S.*)$"
)
_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class Progress:
    """Receives the render's progress; the CLI supplies a rich bar, tests nothing."""

    def start(self, pages: int, formats: Sequence[str] | None) -> None: ...

    def page(self, done: int, total: int, file: str) -> None: ...

    def finish(self) -> None: ...


@dataclass
class RenderOutcome:
    """What the render step did."""

    plan: RenderPlan
    invocations: list[list[str]] = field(default_factory=list)
    """The arguments after ``quarto`` of each Quarto process, in order."""
    rendered: list[str] = field(default_factory=list)
    """The pages Quarto was asked to render (render-list order, over all processes)."""
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def outputs(self) -> int:
        return self.plan.outputs


def _set_render_list(paths: ProjectPaths, pages: Sequence[str]) -> None:
    """Rewrite ``project: render:`` of the generated ``_webbplats.yml``, keeping the rest
    (and its first line, which says the build wrote the file)."""
    text = paths.site_config_file.read_text(encoding="utf-8")
    first = text.split("\n", 1)[0]
    data = load_yaml(text) or {}
    project = data.get("project")
    data["project"] = {**(project if isinstance(project, dict) else {}), "render": list(pages)}
    body = yaml.dump(data, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=100)
    write_atomic(paths.site_config_file, f"{first}\n{body}".encode())


def _progress_echo(progress: Progress) -> Any:
    def echo(line: str) -> None:
        m = PROGRESS_LINE.match(line)
        if m:
            progress.page(int(m.group("n")), int(m.group("total")), m.group("file").strip())

    return echo


def render_site(
    paths: ProjectPaths,
    pages: Sequence[Path],
    *,
    formats: Collection[str] | None = None,
    force: bool = False,
    quarto: Path | None = None,
    progress: Progress | None = None,
    kommun: str | None = None,
) -> RenderOutcome:
    """Render what changed among ``pages`` (every page of the site, the start page first)
    in the Quarto ``formats`` (None: all), and delete the outputs of pages that left.
    The Word files of the rendered pages are finished after each render (``kommun``: the
    name in their header, read from the project when not given).

    Quarto is looked up only when there is something to render, and never started for a
    build in which nothing changed. Raises :class:`QuartoMissingError` (also
    :class:`QuartoVersionError`, a Quarto older than 1.10) and
    :class:`QuartoRenderError` (after forgetting the pages it tried, so the next build
    renders them again).
    """
    started = time.perf_counter()
    progress = progress or Progress()
    record = RenderRecord(paths)
    plan = plan_render(paths, pages, formats=formats, force=force, record=record)
    outcome = RenderOutcome(plan)
    for key in plan.removed:
        remove_outputs(paths, key)
        record.forget(key)
        outcome.removed.append(key)
    if plan.nothing_to_do:
        if plan.removed:
            record.save()
        outcome.seconds = time.perf_counter() - started
        return outcome
    exe = quarto or find_quarto()
    try:
        if exe is None:
            raise QuartoMissingError()
        require_version(exe)
    except QuartoMissingError:  # also a Quarto older than 1.10
        if plan.removed:
            record.save()
        raise
    full_list = paths.site_config_file.read_bytes()
    try:
        for group in plan.groups:
            args = ["--no-clean"]
            if plan.full and group.to is None:
                args = []
            elif group.to is not None:
                args += ["--to", ",".join(group.to)]
            order = [k for k in plan.pages if k in group.pages]
            _set_render_list(paths, order)
            progress.start(len(order), group.to)
            outcome.invocations.append(["render", *args])
            outcome.rendered += order
            word_files = [
                paths.site_output(plan.pages[k].page, EXTENSIONS["docx"])
                for k in [*order, *plan.always]
                if k in plan.pages and "docx" in (group.to or plan.pages[k].formats)
            ]
            try:
                render(
                    paths,
                    args=args,
                    quarto=exe,
                    echo=_progress_echo(progress),
                    word_files=word_files,
                    kommun=kommun,
                )
            except QuartoRenderError:
                for key in order:
                    record.forget(key, group.to or plan.pages[key].formats)
                record.save()
                raise
            finally:
                progress.finish()
            _record(paths, plan, record, [*order, *plan.always], group.to)
            record.site = plan.site
            record.save()
    finally:
        write_atomic(paths.site_config_file, full_list)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _record(
    paths: ProjectPaths,
    plan: RenderPlan,
    record: RenderRecord,
    keys: Sequence[str],
    to: Sequence[str] | None,
) -> None:
    """Record the fingerprint of each rendered output that Quarto actually wrote."""
    for key in keys:
        state = plan.pages.get(key)
        if state is None:
            continue
        for fmt in to or state.formats:
            if fmt not in state.formats:
                continue
            ext = EXTENSIONS.get(fmt)
            if ext is None or paths.site_output(state.page, ext).is_file():
                record.record(key, fmt, state.digest)
            else:
                record.forget(key, [fmt])
