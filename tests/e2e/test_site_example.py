"""The Quarto side on the example kommun: scaffold, status, check, the generated project
after a real build (every embed and meta reference resolves, without Quarto), previews
that pass the accessibility check, and — when Quarto is installed — the rendered site,
Word and PDF documents."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from a11y_tool import a11y_unavailable, run_a11y
from pandoc_standin import convert
from tests_support import REPO_ROOT, make_example_copy
from typer.testing import CliRunner

from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.data.loader import load_model
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.site.checks import narrative_problems, unresolved_references
from kommunrapport.site.narrative import period_jobs
from kommunrapport.site.plan import SitePlan
from kommunrapport.site.preview import preview
from kommunrapport.site.quarto import find_quarto, render
from kommunrapport.site.status import narrative_status
from kommunrapport.site.write import prepare_site

PERIOD = "2022-08"
runner = CliRunner()

NO_QUARTO = 'Quarto saknas: pip install -e ".[quarto]" eller https://quarto.org'


def test_new_period_status_and_check_on_the_example(tmp_path: Path) -> None:
    paths = make_example_copy(tmp_path, with_reports=False)
    model = load_model(paths)
    for period in model.perioder.perioder:
        result = runner.invoke(app, ["new-period", period.id, "--rot", str(paths.root)])
        assert result.exit_code == ExitCode.OK, result.output
    rows = narrative_status(model)
    assert len(rows) == sum(len(period_jobs(model, p)) for p in model.perioder.perioder) == 24
    assert all(r.exists and r.status == "utkast" and r.words == 0 for r in rows)
    assert narrative_problems(paths, model) == []
    result = runner.invoke(app, ["check", "--rot", str(paths.root)])
    assert result.exit_code == ExitCode.OK, result.output
    status = runner.invoke(app, ["status", "--rot", str(paths.root)])
    assert status.exit_code == ExitCode.OK
    assert status.output.count("utkast") == 24


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ProjectPaths, SitePlan]]:
    """The example, its narrative scaffolded where missing, period 2022-08 built (no
    render) and the Quarto project prepared."""
    paths = make_example_copy(tmp_path_factory.mktemp("exempel"))
    result = runner.invoke(
        app, ["build", "--rot", str(paths.root), "--period", PERIOD, "--no-render"]
    )
    assert result.exit_code == ExitCode.OK, result.output
    model = load_model(paths)
    runner.invoke(app, ["new-period", PERIOD, "--rot", str(paths.root)])
    yield paths, prepare_site(model)


@pytest.mark.slow
def test_every_embed_and_meta_reference_of_the_example_resolves(
    built: tuple[ProjectPaths, SitePlan],
) -> None:
    paths, plan = built
    pages = plan.pages(paths)
    assert len(pages) == 1 + 1 + 8  # start page, the period report, kommun + 7 nämnder
    counted = 0
    for page in pages[1:]:
        assert unresolved_references(paths, page) == []
        counted += page.read_text(encoding="utf-8").count("{{< embed ")
    assert counted > 2 * 70
    config = yaml.safe_load(paths.site_config_file.read_text(encoding="utf-8"))
    assert config["website"]["title"] == "Vänersborgs kommun"
    assert config["website"]["navbar"]["logo"] == "data/logo.svg"
    assert all((paths.root / href).is_file() for href in config["project"]["render"])
    figures = yaml.safe_load(paths.report_metadata_file(PERIOD).read_text(encoding="utf-8"))
    assert set(figures["kapitel"]) == {"kommun", "ks", "bun", "sn", "kfn", "sbn", "bn", "mhn"}


@pytest.mark.slow
def test_previews_of_the_example_pass_the_accessibility_check(
    built: tuple[ProjectPaths, SitePlan],
) -> None:
    paths, _ = built
    model = load_model(paths)
    previews = [preview(paths, PERIOD, job) for job in period_jobs(model, model.period(PERIOD))]
    html = previews[1].read_text(encoding="utf-8")
    assert '<html lang="sv">' in html and "<img" in html
    reason = a11y_unavailable()
    if reason:
        pytest.skip(reason)
    result = run_a11y(*previews)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(previews)} sidor kontrollerade" in result.stdout


@pytest.mark.slow
@pytest.mark.requires_quarto
@pytest.mark.skipif(find_quarto() is None, reason=NO_QUARTO)
def test_quarto_renders_the_site_word_and_pdf(built: tuple[ProjectPaths, SitePlan]) -> None:
    paths, _ = built
    result = render(paths)
    site = paths.site_dir
    start = (site / "index.html").read_text(encoding="utf-8")
    assert 'lang="sv-SE"' in start
    assert "reports/2022-08/index.html" in start
    assert (site / "search.json").is_file()
    report = site / "reports" / PERIOD
    html = (report / "index.html").read_text(encoding="utf-8")
    for heading in ("Kommunen som helhet", "Barn- och utbildningsnämnden", "Socialnämnden"):
        assert heading in html
    assert "index.docx" in html and "index.pdf" in html  # the other formats' links
    for stem in ("index", "kommun", "ks", "bun", "sn", "kfn", "sbn", "bn", "mhn"):
        assert (report / f"{stem}.html").is_file(), result.output[-2000:]
        assert (report / f"{stem}.docx").stat().st_size > 10_000
        pdf = (report / f"{stem}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000
    docx = pytest.importorskip("docx", reason="python-docx (dev-beroende) behövs")
    document = docx.Document(str(report / "bun.docx"))
    texts = [p.text for p in document.paragraphs]
    assert "Ekonomisk analys och prognos" in texts
    assert document.tables, "the tables reach Word"
    assert document.inline_shapes, "the figures reach Word"
    styles = {p.style.name for p in document.paragraphs}
    assert "Heading 2" in styles
    reason = a11y_unavailable()
    if reason:
        pytest.skip(reason)
    checked = run_a11y(site)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_json_of_the_notebooks_is_not_changed_by_the_site(
    built: tuple[ProjectPaths, SitePlan],
) -> None:
    """The executed notebooks stay as papermill wrote them; only copies are relabelled."""
    paths, _ = built
    original = json.loads(paths.executed_notebook(PERIOD, "bun").read_text(encoding="utf-8"))
    labels = [
        "".join(c["source"]).split("\n")[0] for c in original["cells"] if c["cell_type"] == "code"
    ]
    assert "#| label: tbl-drift" in labels
    copy_ = json.loads(paths.report_notebook(PERIOD, "bun").read_text(encoding="utf-8"))
    assert "#| label: tbl-bun-drift" in [
        "".join(c["source"]).split("\n")[0] for c in copy_["cells"] if c["cell_type"] == "code"
    ]


def test_the_shipped_example_narrative_is_finished_and_sound() -> None:
    paths = ProjectPaths(REPO_ROOT)
    model = load_model(paths)
    assert narrative_problems(paths, model) == []
    rows = narrative_status(model)
    assert len(rows) == 24
    assert [r for r in rows if not r.done] == []
    for row in rows:
        text = row.path.read_text(encoding="utf-8")
        assert "Exempeltext" in text, row.path  # marked as example text
        assert row.words > 200


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc saknas (apt-get install pandoc)")
def test_the_content_reaches_html_and_word_through_pandoc(
    built: tuple[ProjectPaths, SitePlan], tmp_path: Path
) -> None:
    """Without Quarto: expand embed/meta as Quarto documents them and let pandoc (which Quarto
    runs) write the period report as HTML and as docx with the kommun's reference document."""
    paths, _ = built
    report = paths.period_report(PERIOD)
    html = convert(
        report,
        tmp_path / "rapport.html",
        include_after_body=paths.assets_dir / "tillganglighet.html",
    )
    text = html.read_text(encoding="utf-8")
    assert 'lang="sv-SE"' in text
    assert "<th" in text and "<img" in text
    assert 'alt=""' not in text  # every figure has its alt text
    figures = yaml.safe_load(paths.report_metadata_file(PERIOD).read_text(encoding="utf-8"))
    cited = figures["kapitel"]["kommun"]["nyckeltal"]["driftavvikelse_tkr"]
    assert cited in text  # a key figure cited with {{< meta nyckeltal.driftavvikelse_tkr >}}
    assert "{{<" not in text
    docx_module = pytest.importorskip("docx", reason="python-docx (dev-beroende) behövs")
    docx = convert(
        report, tmp_path / "rapport.docx", reference_doc=paths.assets_dir / "referens.docx"
    )
    document = docx_module.Document(str(docx))
    styles = {p.style.name for p in document.paragraphs}
    assert {"Heading 1", "Heading 2"} <= styles
    heading = next(p for p in document.paragraphs if p.style.name == "Heading 1")
    assert heading.text == "Kommunen som helhet"
    assert str(heading.style.font.color.rgb) == "1F4E79"  # the kommun's style, not pandoc's
    assert len(document.tables) > 40 and len(document.inline_shapes) >= 8
    reason = a11y_unavailable()
    if reason:
        pytest.skip(reason)
    checked = run_a11y(html)
    assert checked.returncode == 0, checked.stdout + checked.stderr
