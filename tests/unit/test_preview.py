"""``kommunrapport preview``: nbconvert HTML of one executed notebook."""

from __future__ import annotations

import json
import re

import pytest
from quarto_fake import executed, template_notebook
from typer.testing import CliRunner

from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.site.preview import PreviewError, alt_text, cell_options, preview

runner = CliRunner()


def test_cell_options_read_quarto_yaml_lines() -> None:
    source = '#| label: fig-a\n#| fig-cap: "Rubrik"\n#| fig-alt: >-\n#|   Lång\n#|   text\nkod()'
    options = cell_options(source)
    assert options == {"label": "fig-a", "fig-cap": "Rubrik", "fig-alt": "Lång text"}
    assert alt_text(options) == "Lång text"
    assert alt_text({"fig-cap": ["Del 1", "Del 2"]}) == "Del 1 Del 2"
    assert cell_options("kod()\n#| label: x") == {}


@pytest.fixture
def built(minimal_project: ProjectPaths) -> ProjectPaths:
    nb = executed(template_notebook(["tbl-drift", "fig-drift"]))
    target = minimal_project.executed_notebook("2022-08", "bun")
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps(nb), encoding="utf-8")
    return minimal_project


def test_preview_is_swedish_without_code_and_with_alt_text(built: ProjectPaths) -> None:
    path = preview(built, "2022-08", "bun")
    assert path == built.preview_file("2022-08", "bun")
    html = path.read_text(encoding="utf-8")
    assert '<html lang="sv">' in html
    title = "Förhandsvisning: Barn- och utbildningsnämnden, Testköpings kommun, 2022-08"
    assert f"<title>{title}</title>" in html
    assert 'alt="Diagram fig-drift: värdena ökar."' in html
    assert "<th>Verksamhet</th>" in html
    assert "visa()" not in html  # the code is left out
    assert "<script src=" not in html  # nothing fetched from the network


def test_preview_of_a_job_that_has_not_run_says_what_to_do(built: ProjectPaths) -> None:
    with pytest.raises(PreviewError, match="--period 2022-08 --namnd sn"):
        preview(built, "2022-08", "sn")


def test_preview_command(built: ProjectPaths) -> None:
    result = runner.invoke(app, ["preview", "2022-08", "bun", "--rot", str(built.root)])
    assert result.exit_code == ExitCode.OK, result.output
    assert "reports/2022-08/_executed/bun.html" in result.output
    missing = runner.invoke(app, ["preview", "2022-08", "sn", "--rot", str(built.root)])
    assert missing.exit_code == ExitCode.USAGE
    assert "Traceback" not in missing.output


def test_preview_shows_the_report_not_the_templates_notes(minimal_project: ProjectPaths) -> None:
    from pathlib import Path

    import nbformat

    repo = Path(__file__).resolve().parents[2]
    for template, job in (("namnd", "bun"), ("kommun", "kommun")):
        nb = nbformat.read(str(repo / "notebooks" / f"{template}.ipynb"), as_version=4)
        notes = "".join(c.source for c in nb.cells if c.cell_type == "markdown")
        assert "Mall för" in notes and "Varje cell med" in notes  # what must not show
        target = minimal_project.executed_notebook("2022-08", job)
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(target))
        html = preview(minimal_project, "2022-08", job).read_text(encoding="utf-8")
        assert "Mall för" not in html
        assert "Varje cell med" not in html
        assert re.search(r"<h2[^>]*>Ekonomi", html)  # the section headings stay
        assert html.count("<h1") == 1  # one title: the preview's own
