"""Review comments (issue 24, item 2): ``<!-- granskning: … -->`` never reaches a page (the
project's filter ``assets/granskning.lua``, run here with the real pandoc 3.9), the build
requires that filter when a text has one, ``status`` counts them and ``--publish`` refuses."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from pandoc_reading import pandoc
from quarto_fake import fake_build, write_templates, write_text
from rich.console import Console
from test_narrative import GOOD
from typer.testing import CliRunner

from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.data.loader import load_model
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.site.plan import SiteError
from kommunrapport.site.scaffold import new_period, project_template_bytes
from kommunrapport.site.status import narrative_status, review_blockers, status_table
from kommunrapport.site.textsafety import review_comments
from kommunrapport.site.write import prepare_site

PERIOD = "2022-08"
JOBS = ("kommun", "bun", "sn")
SECRET = "HEMLIG-SYNPUNKT"
UNDER_REVIEW = GOOD.replace("status: klar", "status: granskning")

REVIEWED = f"""Text före <!-- granskning: {SECRET} inline -->efter.

<!-- Granskning : {SECRET} block
på två rader -->

<!-- Vägledande fråga: står kvar -->

Stycke <!-- GRANSKNING:
{SECRET} över rader --> slut.

- punkt <!-- granskning: {SECRET} i lista -->

| a | b |
|---|---|
| 1 <!-- granskning: {SECRET} i tabell --> | 2 |
"""


def _pandoc(tmp_path: Path, text: str, to: str) -> bytes:
    pypandoc = pytest.importorskip(
        "pypandoc", reason="pypandoc-binary saknas (pip install -e .[dev])"
    )
    lua = tmp_path / "granskning.lua"
    lua.write_bytes(project_template_bytes("assets/granskning.lua"))
    source = write_text(tmp_path / "a.md", text)
    out = tmp_path / f"a.{to}"
    pandoc = pypandoc.get_pandoc_path()
    command = [pandoc, "-L", str(lua), "-f", "markdown", "-t", to, str(source), "-o", str(out)]
    subprocess.run(command, check=True, capture_output=True)
    return out.read_bytes()


def test_the_filter_takes_every_review_comment_out_of_the_page(tmp_path: Path) -> None:
    html = _pandoc(tmp_path, REVIEWED, "html").decode("utf-8")
    assert SECRET not in html and "granskning" not in html.lower()
    assert "<!-- Vägledande fråga: står kvar -->" in html  # other comments are left
    for kept in ("Text före efter.", "Stycke", "slut.", "punkt", "<td>2</td>"):
        assert kept in html, kept
    docx = _pandoc(tmp_path, REVIEWED, "docx")
    assert SECRET.encode() not in docx


def test_without_the_filter_pandoc_publishes_the_comments() -> None:
    """What the filter is for: pandoc passes a comment into the page source."""
    pytest.importorskip("pypandoc", reason="pypandoc-binary saknas")
    assert pandoc(REVIEWED, "html").count(SECRET) == 5


def test_review_comments_are_found_with_their_lines() -> None:
    found = review_comments(REVIEWED, first_line=10)
    assert [f.line for f in found] == [10, 12, 17, 20, 24]
    assert found[0].snippet == f"{SECRET} inline"


def test_the_example_and_the_template_list_the_filter_first() -> None:
    root = Path(__file__).resolve().parents[2]
    for config in (root / "_quarto.yml", root / "src/kommunrapport/templates/projekt/_quarto.yml"):
        filters = yaml.safe_load(config.read_text(encoding="utf-8"))["filters"]
        assert filters[0] == "assets/granskning.lua", config
    assert (root / "assets/granskning.lua").read_bytes() == project_template_bytes(
        "assets/granskning.lua"
    )


@pytest.fixture
def built(minimal_project: ProjectPaths) -> ProjectPaths:
    write_templates(minimal_project)
    new_period(load_model(minimal_project), PERIOD)
    write_text(
        minimal_project.narrative_file(PERIOD, "bun"),
        UNDER_REVIEW + f"\n<!-- granskning: {SECRET} -->\n",
    )
    fake_build(minimal_project, PERIOD, JOBS)
    return minimal_project


def test_the_build_requires_the_filter_when_a_text_has_a_review_comment(
    built: ProjectPaths,
) -> None:
    config = built.quarto_config
    prepare_site(load_model(built))  # the template lists it
    original = config.read_text(encoding="utf-8")
    config.write_text(original.replace("  - assets/granskning.lua\n", ""), encoding="utf-8")
    with pytest.raises(SiteError, match=re.escape("lägg till '- assets/granskning.lua'")):
        prepare_site(load_model(built))
    config.write_text(original, encoding="utf-8")
    filt = built.review_filter_file
    filt.write_text("-- tomt\n", encoding="utf-8")
    with pytest.raises(SiteError, match=re.escape("assets/granskning.lua är ändrad")):
        prepare_site(load_model(built))
    filt.unlink()  # the build writes it again
    prepare_site(load_model(built))
    assert filt.read_bytes() == project_template_bytes("assets/granskning.lua")
    # without a review comment, a project may do without the filter
    write_text(built.narrative_file(PERIOD, "bun"), GOOD)
    config.write_text(original.replace("  - assets/granskning.lua\n", ""), encoding="utf-8")
    prepare_site(load_model(built))


def test_status_counts_the_review_comments(built: ProjectPaths) -> None:
    model = load_model(built)
    (row,) = [r for r in narrative_status(model, [PERIOD]) if r.job == "bun"]
    assert [line for line, _ in row.reviews] == [len(GOOD.splitlines()) + 2]
    console = Console(width=200, record=True)
    console.print(status_table([row]))
    assert "1 kvar" in console.export_text()
    assert [r.job for r in review_blockers(model)] == ["bun"]


def test_publish_refuses_a_text_with_a_review_comment(built: ProjectPaths) -> None:
    """bun is under review with a comment; the other texts are drafts: both are said."""
    result = CliRunner().invoke(app, ["build", "--rot", str(built.root), "--publish"])
    assert result.exit_code == ExitCode.NOT_READY, result.output
    assert "3 text(er) är inte klara" in result.output
    assert "1 granskningskommentar(er) finns kvar" in result.output
    line = len(GOOD.splitlines()) + 2
    assert f"reports/2022-08/bun.qmd, rad {line}: {SECRET}" in result.output
    assert "Traceback" not in result.output


def test_klar_is_refused_while_the_review_comment_remains(built: ProjectPaths) -> None:
    path = built.narrative_file(PERIOD, "bun")
    path.write_text(
        path.read_text(encoding="utf-8").replace("status: granskning", "status: klar"), "utf-8"
    )
    for command in (["check"], ["build", "--no-render"]):
        result = CliRunner().invoke(app, [*command, "--rot", str(built.root)])
        assert result.exit_code == ExitCode.DATA_INVALID, result.output
        line = len(GOOD.splitlines()) + 2
        assert (
            "reports/2022-08/bun.qmd, rad 3, kolumn 'status': status är klar, men texten har "
            f"kvar 1 granskningskommentar (<!-- granskning: … -->, rad {line})"
        ) in " ".join(result.output.split())
        assert "Traceback" not in result.output
