"""The Quarto side on the example kommun: scaffold, status, check, the generated project
after a real build (every embed and meta reference resolves, without Quarto), previews
that pass the accessibility check, and — when Quarto is installed — the rendered site,
Word and PDF documents."""

from __future__ import annotations

import html as html_module
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from a11y_tool import a11y_unavailable, run_a11y
from pandoc_standin import convert
from tests_support import REPO_ROOT, make_example_copy
from typer.testing import CliRunner

from kommunrapport.batch.figure_files import image_refs, output_strings
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
def test_the_content_reaches_html_and_word_through_pandoc(
    built: tuple[ProjectPaths, SitePlan], tmp_path: Path
) -> None:
    """Without Quarto: expand embed/meta as Quarto documents them and let pandoc 3.9 (which
    Quarto runs) write the period report as HTML and as docx with the kommun's reference
    document, reading the figures from the files beside the executed notebooks."""
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


# --- figures as files ----------------------------------------------------------------------------

EMBED = re.compile(r"\{\{<\s*embed\s+([^\s#>]+)#([^\s>]+)\s*>\}\}")


def _embedded_image_refs(page: Path) -> list[str]:
    """The image paths of every output that ``page`` embeds, in every MIME type."""
    found: list[str] = []
    for target, label in EMBED.findall(page.read_text(encoding="utf-8")):
        nb = json.loads((page.parent / target).read_text(encoding="utf-8"))
        for cell, _, _, _, text in output_strings(nb):
            if cell.get("id") == label or f"#| label: {label}\n" in "".join(cell["source"]):
                found += image_refs(text)
    return found


@pytest.mark.slow
def test_no_output_holds_a_data_uri_and_every_image_resolves_from_its_page(
    built: tuple[ProjectPaths, SitePlan],
) -> None:
    paths, plan = built
    executed = paths.executed_dir(PERIOD)
    outputs = [
        *executed.glob("*.ipynb"),
        *executed.glob("_rapport/*.ipynb"),
        *executed.glob("*.yml"),
        paths.report_metadata_file(PERIOD),
        *paths.period_dir(PERIOD).glob("*.qmd"),
    ]
    assert len(outputs) > 3 * 8
    for path in outputs:
        assert "data:image" not in path.read_text(encoding="utf-8"), path
    pages = plan.pages(paths)[1:]
    assert paths.period_report(PERIOD) in pages
    for page in pages:
        refs = _embedded_image_refs(page)
        assert refs, page  # every page of the example shows figures
        for ref in refs:
            assert (page.parent / ref).is_file(), (page, ref)
    report_refs = _embedded_image_refs(paths.period_report(PERIOD))
    assert len(set(report_refs)) == 2 * 7 + 1  # two per nämnd and the kommun's
    for job in ("kommun", "bun"):
        preview_file = preview(paths, PERIOD, job)
        text = preview_file.read_text(encoding="utf-8")
        srcs = image_refs(text)
        # (JupyterLab's style sheet has its icons as data URIs; the figures are files)
        assert srcs and not [src for src in srcs if src.startswith("data:")], srcs
        assert all((preview_file.parent / src).is_file() for src in srcs), srcs


@pytest.mark.slow
def test_the_namnd_page_finds_its_figures_in_html_word_and_typst(
    built: tuple[ProjectPaths, SitePlan], tmp_path: Path
) -> None:
    """pandoc 3.9 on the nämnd page's Markdown, as Quarto runs it from the page's folder."""
    import typst

    paths, _ = built
    page = paths.narrative_file(PERIOD, "bun")
    figures = sorted(paths.figures_dir(PERIOD, "bun").glob("*.png"))
    assert [f.name for f in figures] == ["fig-drift.png", "fig-indikatorer.png"]
    # HTML beside the page, as _site/ mirrors the folders: every src resolves from it.
    html = convert(page, page.parent / "bun.standin.html")
    text = html.read_text(encoding="utf-8")
    srcs = image_refs(text)
    assert sorted(srcs) == [
        "_executed/bun_files/fig-drift.png",
        "_executed/bun_files/fig-indikatorer.png",
    ]
    assert all((html.parent / src).is_file() for src in srcs)
    assert 'alt=""' not in text and "data:image" not in text
    # docx: pandoc embeds the files (it stops the stand-in if one cannot be fetched).
    docx = convert(page, tmp_path / "bun.docx", reference_doc=paths.assets_dir / "referens.docx")
    with zipfile.ZipFile(docx) as z:
        media = {z.read(n) for n in z.namelist() if n.startswith("word/media/")}
        xml = z.read("word/document.xml").decode("utf-8")
    assert {f.read_bytes() for f in figures} <= media
    nb = json.loads(paths.executed_notebook(PERIOD, "bun").read_text(encoding="utf-8"))
    alts = [
        m.group(1).replace('\\"', '"')
        for _, _, _, mime, t in output_strings(nb)
        if mime == "text/markdown"
        for m in [re.search(r'\{fig-alt="((?:[^"\\]|\\.)*)"\}', t)]
        if m
    ]
    descr = [html_module.unescape(d) for d in re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', xml)]
    assert len(alts) == 2 and descr == alts  # every figure's alt text reaches Word
    # typst: the .typ beside the page (where Quarto writes it) compiles with the images.
    typ = convert(page, page.parent / "bun.standin.typ")
    source = typ.read_text(encoding="utf-8")
    assert 'image("_executed/bun_files/fig-drift.png"' in source
    pdf = tmp_path / "bun.pdf"
    typst.compile(str(typ), output=str(pdf), root=str(paths.root))
    from pypdf import PdfReader

    images = [img for p in PdfReader(str(pdf)).pages for img in p.images]
    assert len(images) == 2
