"""The incremental render, with a fake `quarto` first on PATH (tests/unit/quarto_fake.py):
exactly which pages each build hands to Quarto, in which formats, and in how many Quarto
processes, for each situation of issue 15."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from quarto_fake import (
    FAKE_FAILURE,
    STAND_IN_KEYS,
    fake_build,
    install_fake_quarto,
    read_calls,
    write_templates,
)

from kommunrapport.data.loader import load_model
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.site.incremental import RenderFormatError, quarto_formats
from kommunrapport.site.quarto import QuartoRenderError
from kommunrapport.site.render import Progress, RenderOutcome, render_site
from kommunrapport.site.scaffold import new_period
from kommunrapport.site.write import prepare_site

PERIODS = ("2022-08", "2022-12")
JOBS = ("kommun", "bun", "sn")
SECOND_PERIOD = """  - id: "2022-12"
    typ: årsredovisning
    slutdatum: 2022-12-31
    titel: Årsredovisning 2022
    namnder:
      - id: bun
        jamforelsegrupp: G36123
      - id: sn
"""
ALL_PAGES = [
    "index.qmd",
    *(f"reports/{p}/{page}.qmd" for p in PERIODS for page in ("index", *JOBS)),
]


class Pages(Progress):
    def __init__(self) -> None:
        self.seen: list[tuple[int, int, str]] = []

    def page(self, done: int, total: int, file: str) -> None:
        self.seen.append((done, total, file))


@dataclass
class Site:
    paths: ProjectPaths
    log: Path

    def build(
        self, formats: Sequence[str] = (), force: bool = False, progress: Progress | None = None
    ) -> RenderOutcome:
        plan = prepare_site(load_model(self.paths))
        return render_site(
            self.paths,
            plan.pages(self.paths),
            formats=quarto_formats(self.paths, formats),
            force=force,
            progress=progress,
        )

    def calls(self) -> list[dict[str, Any]]:
        return [c for c in read_calls(self.log) if c["cmd"] == "render"]

    def out(self, page: str, ext: str) -> Path:
        return self.paths.site_dir / Path(page).with_suffix(ext)

    def rerun_job(self, period: str, job: str) -> None:
        """What the batch does when a job re-runs: a new executed notebook (its run
        metadata has a new time)."""
        target = self.paths.executed_notebook(period, job)
        nb = json.loads(target.read_text(encoding="utf-8"))
        nb["metadata"]["kommunrapport"] = {"tid": time.time_ns()}
        target.write_text(json.dumps(nb), encoding="utf-8")

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.paths.root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def site(minimal_project: ProjectPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Site:
    """The minimal project with two periods, texts, fake executed notebooks, and a fake
    quarto first on PATH; rendered once in full."""
    paths = minimal_project
    with paths.params_file.open("a", encoding="utf-8") as handle:
        handle.write(SECOND_PERIOD)
    for table in ("driftredovisning", "personal", "resultatrakning"):  # the same rows for 2022-12
        csv = paths.table_csv(table)
        lines = csv.read_text(encoding="utf-8").splitlines()
        lines += [
            f",{line},".replace(",2022-08,", ",2022-12,")[1:-1]
            for line in lines
            if ",2022-08," in f",{line},"
        ]
        csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_templates(paths)
    model = load_model(paths)
    for period in PERIODS:
        new_period(model, period, keys=STAND_IN_KEYS)
        fake_build(paths, period, JOBS)
        for job in JOBS:
            with paths.narrative_file(period, job).open("a", encoding="utf-8") as handle:
                handle.write(f"\nText om {job}.\n")
    log = tmp_path / "quarto-anrop.jsonl"
    install_fake_quarto(tmp_path / "bin", log)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("QUARTO_PATH", raising=False)
    result = Site(paths, log)
    first = result.build()
    assert first.invocations == [["render"]]  # a full render: Quarto may clean _site/
    assert first.rendered == ALL_PAGES
    log.unlink()
    return result


def test_a_full_render_writes_every_page_in_its_own_formats(site: Site) -> None:
    assert site.out("index.qmd", ".html").is_file()
    assert not site.out("index.qmd", ".docx").exists()  # the start page is html only
    for page in ALL_PAGES[1:]:
        for ext in (".html", ".docx", ".pdf"):
            assert site.out(page, ext).is_file(), (page, ext)
    config = yaml.safe_load(site.paths.site_config_file.read_text(encoding="utf-8"))
    render = config["project"]["render"]  # the full list is back after the render
    assert render[0] == "index.qmd" and sorted(render) == sorted(ALL_PAGES)


def test_a_build_with_nothing_changed_never_starts_quarto(site: Site) -> None:
    started = time.perf_counter()
    outcome = site.build()
    assert outcome.plan.nothing_to_do and outcome.invocations == []
    assert not site.log.exists()
    assert time.perf_counter() - started < 5  # the CLI-level timing is in the e2e test


def test_one_changed_text_renders_that_page_and_its_period_report(site: Site) -> None:
    site.edit("reports/2022-12/bun.qmd", "Text om bun", "Ny mening om bun")
    pages = Pages()
    outcome = site.build(progress=pages)
    (call,) = site.calls()
    assert call["argv"] == ["render", "--no-clean"]
    assert call["pages"] == ["reports/2022-12/index.qmd", "reports/2022-12/bun.qmd"]
    assert outcome.outputs == 6  # 2 pages × html, docx, pdf
    assert pages.seen == [
        (1, 2, "reports/2022-12/index.qmd"),
        (2, 2, "reports/2022-12/bun.qmd"),
    ]
    assert site.build().invocations == []  # and then it is current


def test_one_namnds_data_renders_its_pages_and_the_kommun_pages_that_embed_it(
    site: Site,
) -> None:
    # A change in bun's data re-runs bun's jobs and the kommun jobs (which read everything).
    for period in PERIODS:
        site.rerun_job(period, "bun")
        site.rerun_job(period, "kommun")
    site.build()
    (call,) = site.calls()
    assert call["pages"] == [
        f"reports/{p}/{page}.qmd" for p in PERIODS for page in ("index", "kommun", "bun")
    ]


def test_a_failed_render_records_nothing_and_is_retried(site: Site) -> None:
    site.edit("reports/2022-08/sn.qmd", "Text om sn", f"Text om sn {FAKE_FAILURE}")
    with pytest.raises(QuartoRenderError, match="slutkod 1") as info:
        site.build()
    assert any("rendering failed" in line for line in info.value.tail)
    with pytest.raises(QuartoRenderError):
        site.build()  # nothing was recorded: the same pages again
    site.edit("reports/2022-08/sn.qmd", f" {FAKE_FAILURE}", "")
    site.build()
    wanted = ["reports/2022-08/index.qmd", "reports/2022-08/sn.qmd"]
    assert [c["pages"] for c in site.calls()] == [wanted, wanted, wanted]
    assert site.build().invocations == []


def test_a_missing_output_is_rendered_again_in_that_format_only(site: Site) -> None:
    site.out("reports/2022-08/sn.qmd", ".docx").unlink()
    site.build()
    (call,) = site.calls()
    assert call["argv"] == ["render", "--no-clean", "--to", "docx"]
    assert call["pages"] == ["reports/2022-08/sn.qmd"]
    assert site.out("reports/2022-08/sn.qmd", ".docx").is_file()


def test_a_removed_namnd_and_period_leave_site(site: Site) -> None:
    params = site.paths.params_file
    params.write_text(
        params.read_text(encoding="utf-8").replace("      - id: sn\n", "", 1), encoding="utf-8"
    )
    outcome = site.build(formats=["html"])
    assert outcome.removed == ["reports/2022-08/sn.qmd"]
    for ext in (".html", ".docx", ".pdf"):
        assert not site.out("reports/2022-08/sn.qmd", ext).exists()
    assert site.out("reports/2022-12/sn.qmd", ".docx").is_file()
    # The navigation changed (a nämnd less): every page is due, here in html only.
    (call,) = site.calls()
    assert call["argv"] == ["render", "--no-clean", "--to", "html"]
    assert "reports/2022-08/sn.qmd" not in call["pages"] and len(call["pages"]) == 8
    text = params.read_text(encoding="utf-8")
    params.write_text(text[: text.index('  - id: "2022-12"')], encoding="utf-8")
    site.build()
    assert not (site.paths.site_dir / "reports" / "2022-12").exists()


def test_format_renders_only_that_format_and_a_full_build_adds_the_rest(site: Site) -> None:
    site.edit("reports/2022-12/sn.qmd", "Text om sn", "Ändrad text om sn")
    site.edit("index.qmd", "Här publicerar", "Här redovisar")
    site.build(formats=["html"])
    site.build(formats=["pdf"])
    site.build()
    first, second, third = site.calls()
    changed = ["index.qmd", "reports/2022-12/index.qmd", "reports/2022-12/sn.qmd"]
    assert first["argv"] == ["render", "--no-clean", "--to", "html"]
    assert first["pages"] == changed  # one process: the html-only start page joins
    assert second["argv"] == ["render", "--no-clean", "--to", "typst"]
    assert second["pages"] == changed[1:]
    assert third["argv"] == ["render", "--no-clean", "--to", "docx"]
    assert third["pages"] == changed[1:]
    assert site.build().invocations == []


def test_force_renders_everything(site: Site) -> None:
    outcome = site.build(force=True)
    assert outcome.invocations == [["render"]]
    assert outcome.rendered == ALL_PAGES


def test_a_site_wide_change_renders_every_page(site: Site) -> None:
    (site.paths.assets_dir / "kommunrapport.scss").write_text("/* ny färg */\n", "utf-8")
    outcome = site.build()
    assert outcome.plan.site_changed and outcome.rendered == ALL_PAGES


def test_unknown_or_unconfigured_formats_are_refused(site: Site) -> None:
    with pytest.raises(RenderFormatError, match="okänt format 'odt'"):
        quarto_formats(site.paths, ["odt"])
    config = site.paths.quarto_config
    config.write_text(config.read_text("utf-8").replace("  docx:\n", "  gfm:\n"), "utf-8")
    with pytest.raises(RenderFormatError, match="formatet docx finns inte"):
        quarto_formats(site.paths, ["docx"])
    assert quarto_formats(site.paths, ["pdf", "html"]) == ("typst", "html")


@pytest.mark.parametrize("terminal", [False, True])
def test_the_progress_counts_pages_instead_of_showing_quartos_output(
    site: Site, terminal: bool
) -> None:
    from io import StringIO

    from rich.console import Console

    from kommunrapport.site.render_progress import ConsoleProgress, render_summary

    site.edit("reports/2022-12/bun.qmd", "Text om bun", "Ny mening om bun")
    buffer = StringIO()
    console = Console(file=buffer, force_terminal=terminal, width=120)
    outcome = site.build(progress=ConsoleProgress(console))
    shown = buffer.getvalue()
    assert "Quarto renderar 2 sidor (alla format)" in shown
    assert "Output created" not in shown  # Quarto's own lines are not passed through
    if not terminal:
        assert "[2/2] reports/2022-12/bun.qmd" in shown
    (line,) = render_summary(outcome, site.paths)
    assert line.startswith("Renderade 2 av 9 sidor (6 filer) i 1 Quarto-körning till _site/")


def test_build_refuses_an_unknown_format_before_running_anything(
    minimal_project: ProjectPaths,
) -> None:
    from typer.testing import CliRunner

    from kommunrapport.cli import app
    from kommunrapport.cli.common import ExitCode

    root = str(minimal_project.root)
    result = CliRunner().invoke(app, ["build", "--rot", root, "--format", "odt"])
    assert result.exit_code == ExitCode.USAGE
    assert "okänt format 'odt' (välj html, docx, pdf)" in result.output
    result = CliRunner().invoke(app, ["build", "--rot", root, "--publish", "--format", "html"])
    assert result.exit_code == ExitCode.USAGE
    assert "--publish renderar alla format" in result.output
    assert not minimal_project.build_cache_file.exists()  # nothing ran


def test_a_changed_figure_file_renders_the_pages_that_show_it(site: Site) -> None:
    """A figure is a file beside the notebook: new pixels under the same name are a change
    of every page that shows it (the nämnd's page and the period report)."""
    paths, period = site.paths, "2022-12"
    notebook = paths.executed_notebook(period, "bun")
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "label: fig-" in c["source"])
    markdown = '![](_executed/bun_files/fig-drift.png){fig-alt="Ett diagram."}\n'
    cell["outputs"] = [
        {"output_type": "display_data", "metadata": {}, "data": {"text/markdown": markdown}}
    ]
    notebook.write_text(json.dumps(nb), encoding="utf-8")
    figure = paths.figures_dir(period, "bun") / "fig-drift.png"
    figure.parent.mkdir(parents=True)
    figure.write_bytes(b"\x89PNG en")
    site.build()
    site.log.unlink()
    assert site.build().invocations == []
    figure.write_bytes(b"\x89PNG tva")
    site.build()
    (call,) = site.calls()
    assert call["pages"] == [f"reports/{period}/index.qmd", f"reports/{period}/bun.qmd"]


def test_a_quarto_older_than_1_10_is_refused_before_it_renders(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 24, item 7: Quarto 1.7's search box fails WCAG; the render step says so and
    asks Quarto for nothing but its version (the CLI maps the error like a missing Quarto:
    exit code 4, after everything before the render is done)."""
    from quarto_fake_bin import VERSION_ENV

    from kommunrapport.site.quarto import QuartoMissingError, QuartoVersionError

    before = len(site.calls())
    site.edit("reports/2022-08/bun.qmd", "Text om bun.", "Ny text om bun.")  # to render
    monkeypatch.setenv(VERSION_ENV, "1.7.34")
    with pytest.raises(QuartoVersionError, match=r"Quarto 1\.7\.34") as info:
        site.build()
    assert isinstance(info.value, QuartoMissingError)
    assert 'pip install -U "quarto-cli>=1.10"' in str(info.value)
    assert len(site.calls()) == before  # never asked to render
    monkeypatch.setenv(VERSION_ENV, "1.10.18")
    outcome = site.build()
    assert len(site.calls()) == before + 1
    assert "reports/2022-08/bun.qmd" in outcome.rendered
