"""The generated parts of the Quarto project, tested without Quarto: valid YAML with the
documented keys, every embed and meta reference resolving, analysts' files untouched."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from quarto_fake import STAND_IN_KEYS, fake_build, write_templates, write_text

from kommunrapport.data.loader import load_model
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.site.chapters import chapter_body, unique_label
from kommunrapport.site.checks import UnresolvedReferencesError, unresolved_references
from kommunrapport.site.narrative import is_generated, parse_narrative, read_narrative
from kommunrapport.site.plan import SiteError
from kommunrapport.site.scaffold import new_period, project_template_files
from kommunrapport.site.write import prepare_site, relabel_notebook

PERIOD = "2022-08"
JOBS = ("kommun", "bun", "sn")


def _written(path: Path, status: str = "klar") -> None:
    """Fill every heading of a scaffolded narrative with text and set its status."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        lines.append(line)
        if line.startswith("<!-- Vägledande fråga:"):
            lines += ["", f"Text om {path.stem} med {{{{< meta nyckeltal.budget_tkr >}}}}."]
    text = "\n".join(lines) + "\n"
    text = text.replace("status: utkast", f"status: {status}").replace(
        'ansvarig: ""', 'ansvarig: "Kim"'
    )
    if path.stem == "kommun":
        text = text.replace("nyckeltal.budget_tkr", "nyckeltal.arets_resultat_mnkr")
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def built(minimal_project: ProjectPaths) -> ProjectPaths:
    """The minimal project with every label's template, its narrative written and a fake
    build of period 2022-08."""
    write_templates(minimal_project)
    model = load_model(minimal_project)
    new_period(model, PERIOD, keys=STAND_IN_KEYS)
    for job in JOBS:
        _written(minimal_project.narrative_file(PERIOD, job))
    fake_build(minimal_project, PERIOD, JOBS)
    return minimal_project


def test_unique_labels_keep_the_crossref_type_first() -> None:
    assert unique_label("bun", "tbl-drift") == "tbl-bun-drift"
    assert unique_label("bun", "fig-drift") == "fig-bun-drift"
    assert unique_label("bun", "tabell") == "bun-tabell"


def test_relabel_notebook_changes_labels_and_matching_ids_only() -> None:
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "id": "tbl-drift",
                "source": "#| label: tbl-drift\nx",
                "metadata": {},
            },
            {
                "cell_type": "code",
                "id": "c2",
                "source": ["#| label: 'fig-a'\n", "#| fig-cap: A\n", "y"],
                "metadata": {},
            },
            {
                "cell_type": "code",
                "id": "c3",
                "source": "z = 1\n#| label: tbl-not-an-option",
                "metadata": {},
            },
        ],
        "metadata": {},
    }
    out = relabel_notebook(nb, "bun")
    assert out["cells"][0]["source"] == "#| label: tbl-bun-drift\nx"
    assert out["cells"][0]["id"] == "tbl-bun-drift"
    assert out["cells"][1]["source"] == "#| label: fig-bun-a\n#| fig-cap: A\ny"
    assert out["cells"][1]["id"] == "c2"
    assert out["cells"][2]["source"] == "z = 1\n#| label: tbl-not-an-option"
    assert nb["cells"][0]["id"] == "tbl-drift"  # the input is not changed


def test_chapter_body_makes_references_unique_within_the_period_report() -> None:
    body = (
        "# Inledning\n\nSe @tbl-drift och [-@fig-drift], avsnitt @sec-mal.\n\n"
        "## Mål {#sec-mal}\n\n"
        "{{< embed _executed/bun.ipynb#tbl-drift >}}\n\n"
        "{{< embed _executed/bun.ipynb#fig-drift echo=true >}}\n\n"
        "Prognos {{< meta nyckeltal.prognos_avvikelse_tkr >}}, titel {{< meta title >}}.\n\n"
        "Skriv så här: {{{< meta nyckeltal.x >}}}. E-post: namn@tbl-exempel.se\n"
    )
    out = chapter_body(body, "bun")
    assert "## Inledning" in out and "### Mål {#sec-bun-mal}" in out
    assert "@tbl-bun-drift" in out and "[-@fig-bun-drift]" in out and "@sec-bun-mal" in out
    assert "{{< embed _executed/_rapport/bun.ipynb#tbl-bun-drift >}}" in out
    assert "{{< embed _executed/_rapport/bun.ipynb#fig-bun-drift echo=true >}}" in out
    assert "{{< meta kapitel.bun.nyckeltal.prognos_avvikelse_tkr >}}" in out
    assert "{{< meta title >}}" in out
    assert "{{{< meta nyckeltal.x >}}}" in out
    assert "namn@tbl-exempel.se" in out


def test_prepare_site_writes_the_generated_files_and_every_reference_resolves(
    built: ProjectPaths,
) -> None:
    plan = prepare_site(load_model(built))
    assert [ps.period.id for ps in plan.periods] == [PERIOD]
    pages = plan.pages(built)
    assert [built.relative(p) for p in pages] == [
        "index.qmd",
        "reports/2022-08/index.qmd",
        "reports/2022-08/kommun.qmd",
        "reports/2022-08/bun.qmd",
        "reports/2022-08/sn.qmd",
    ]
    for page in pages[1:]:
        assert unresolved_references(built, page) == []
    report = parse_narrative(built.period_report(PERIOD).read_text(encoding="utf-8"))
    embeds = [s for s in report.shortcodes if s.name == "embed"]
    assert len(embeds) > 20
    assert len({s.target for s in embeds}) == len(embeds)  # labels unique within the page
    for generated in (
        built.site_config_file,
        built.periods_include_file,
        built.period_report(PERIOD),
    ):
        assert is_generated(generated), generated
    assert is_generated(built.report_metadata_file(PERIOD))


def test_the_period_report_has_the_chapters_in_params_order(built: ProjectPaths) -> None:
    prepare_site(load_model(built))
    text = built.period_report(PERIOD).read_text(encoding="utf-8")
    report = parse_narrative(text)
    assert report.front_matter is not None
    assert report.front_matter["title"] == "Delårsrapport augusti 2022"
    assert report.front_matter["status"] == "klar"
    assert report.front_matter["metadata-files"] == ["_executed/_rapport.yml"]
    chapters = [h.text for h in report.headings if h.level == 1]
    assert chapters == [
        "Kommunen som helhet",
        "Barn- och utbildningsnämnden",
        "Socialnämnden",
        "Öppna data",
    ]
    assert "[drift.csv](oppna-data/bun/drift.csv)" in text
    assert (built.period_dir(PERIOD) / "oppna-data" / "bun" / "drift.csv").is_file()
    assert "Utkast" not in text
    figures = yaml.safe_load(built.report_metadata_file(PERIOD).read_text(encoding="utf-8"))
    assert figures["kapitel"]["bun"]["nyckeltal"]["budget_tkr"] == "1 234 tkr"
    assert set(figures["kapitel"]) == set(JOBS)


def test_site_config_is_valid_yaml_with_the_documented_keys(built: ProjectPaths) -> None:
    prepare_site(load_model(built))
    config = yaml.safe_load(built.site_config_file.read_text(encoding="utf-8"))
    website = config["website"]
    assert website["title"] == "Testköpings kommun"
    assert website["navbar"]["left"] == [
        {"text": "Start", "href": "index.qmd"},
        "sidebar:rapport-2022-08",
    ]
    (sidebar,) = website["sidebar"]
    assert sidebar["id"] == "rapport-2022-08"
    assert sidebar["title"] == "Delårsrapport augusti 2022"
    hrefs = [sidebar["contents"][0]["href"], sidebar["contents"][1]["href"]] + [
        item["href"] for item in sidebar["contents"][2]["contents"]
    ]
    assert sidebar["contents"][2]["section"] == "Nämnderna"
    assert hrefs == [
        "reports/2022-08/index.qmd",
        "reports/2022-08/kommun.qmd",
        "reports/2022-08/bun.qmd",
        "reports/2022-08/sn.qmd",
    ]
    assert config["project"]["render"] == ["index.qmd", *hrefs]
    for href in hrefs:
        assert (built.root / href).is_file()
    listing = built.periods_include_file.read_text(encoding="utf-8")
    assert "[Delårsrapport augusti 2022](reports/2022-08/index.qmd)" in listing
    assert "[Socialnämnden](reports/2022-08/sn.qmd)" in listing


def test_the_logo_comes_from_data(built: ProjectPaths) -> None:
    write_text(built.data_dir / "logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    kommun = built.yaml_file("kommun")
    kommun.write_text(
        kommun.read_text(encoding="utf-8").replace(
            'kolada_id: "1487"', 'kolada_id: "1487"\n  logotyp: logo.svg'
        ),
        encoding="utf-8",
    )
    prepare_site(load_model(built))
    navbar = yaml.safe_load(built.site_config_file.read_text(encoding="utf-8"))["website"]["navbar"]
    assert navbar["logo"] == "data/logo.svg"
    assert navbar["logo-alt"] == "Testköpings kommun, logotyp"


def _hashes(paths: ProjectPaths) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(paths.period_dir(PERIOD).glob("*.qmd"))
        if p.name != "index.qmd"
    }


def test_prepare_site_never_touches_the_analysts_files(built: ProjectPaths) -> None:
    before = _hashes(built)
    prepare_site(load_model(built))
    prepare_site(load_model(built))
    assert _hashes(built) == before


def test_prepare_site_refuses_to_replace_a_hand_written_generated_path(built: ProjectPaths) -> None:
    write_text(built.period_report(PERIOD), "---\ntitle: Min egen sida\n---\n")
    with pytest.raises(SiteError, match="inte genererad"):
        prepare_site(load_model(built))
    assert built.period_report(PERIOD).read_text(encoding="utf-8") == (
        "---\ntitle: Min egen sida\n---\n"
    )


def test_drafts_are_marked_and_missing_text_still_shows_the_figures(built: ProjectPaths) -> None:
    bun = built.narrative_file(PERIOD, "bun")
    bun.write_text(bun.read_text(encoding="utf-8").replace("status: klar", "status: granskning"))
    built.narrative_file(PERIOD, "sn").unlink()
    plan = prepare_site(load_model(built))
    text = built.period_report(PERIOD).read_text(encoding="utf-8")
    assert parse_narrative(text).front_matter["status"] == "utkast"  # type: ignore[index]
    assert "Texten i den här delen har status granskning." in text
    assert "Texten till den här delen är inte skriven ännu" in text
    assert "_executed/_rapport/sn.ipynb#tbl-sn-drift" in text
    assert built.narrative_file(PERIOD, "sn") not in plan.pages(built)


def test_a_failed_job_leaves_its_page_out(built: ProjectPaths) -> None:
    built.executed_notebook(PERIOD, "sn").unlink()
    plan = prepare_site(load_model(built))
    assert built.narrative_file(PERIOD, "sn") not in plan.pages(built)
    text = built.period_report(PERIOD).read_text(encoding="utf-8")
    assert "Underlag saknas" in text
    assert "_rapport/sn.ipynb" not in text


def test_an_embed_the_build_did_not_produce_is_reported_before_quarto(
    built: ProjectPaths,
) -> None:
    notebook = built.executed_notebook(PERIOD, "bun")
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    nb["cells"] = [c for c in nb["cells"] if "label: tbl-personal" not in c["source"]]
    notebook.write_text(json.dumps(nb), encoding="utf-8")
    with pytest.raises(UnresolvedReferencesError) as info:
        prepare_site(load_model(built))
    shown = str(info.value)
    assert "reports/2022-08/bun.qmd" in shown and "tbl-personal" in shown
    assert "reports/2022-08/index.qmd" in shown and "tbl-bun-personal" in shown


def test_a_meta_key_missing_from_the_key_figures_is_reported(built: ProjectPaths) -> None:
    keyfile = built.key_figures_file(PERIOD, "bun")
    keyfile.write_text(keyfile.read_text(encoding="utf-8").replace("budget_tkr", "annat"))
    with pytest.raises(UnresolvedReferencesError, match=r"nyckeltal\.budget_tkr"):
        prepare_site(load_model(built))


def test_unbuilt_periods_stay_off_the_site(built: ProjectPaths) -> None:
    shutil.rmtree(built.executed_dir(PERIOD))
    plan = prepare_site(load_model(built))
    assert plan.periods == ()
    config = yaml.safe_load(built.site_config_file.read_text(encoding="utf-8"))
    assert config["project"]["render"] == ["index.qmd"]
    with pytest.raises(SiteError, match="kör build först"):
        prepare_site(load_model(built), [PERIOD])


# --- the project's own files -------------------------------------------------------------------


def test_quarto_yml_is_a_website_with_the_documented_keys() -> None:
    files = dict(project_template_files())
    config = yaml.safe_load(files["_quarto.yml"].read_text(encoding="utf-8"))
    assert config["project"]["type"] == "website"
    assert config["project"]["output-dir"] == "_site"
    assert "render" not in config["project"]  # the generated _webbplats.yml lists the pages
    assert config["metadata-files"] == ["_webbplats.yml"]
    assert config["lang"] == "sv-SE"
    assert config["website"]["search"]["location"] == "navbar"
    assert set(config["format"]) == {"html", "docx", "typst"}
    assert config["format"]["docx"]["reference-doc"] in files
    filters = [f if isinstance(f, str) else f["path"] for f in config["filters"]]
    assert set(filters) <= set(files)
    assert "assets/alttext.lua" in filters  # the figures' alt text in Word
    # the figure files are published even where Quarto's own discovery would miss them
    assert "reports/*/_executed/*_files/*.png" in config["project"]["resources"]
    theme = config["format"]["html"]["theme"]
    assert all(t in files for t in theme if t.endswith(".scss"))
    assert all(f in files for f in config["format"]["html"]["include-after-body"])
    links = config["format"]["html"]["format-links"]
    assert [link["format"] for link in links if isinstance(link, dict)] == ["docx", "typst"]
    start = parse_narrative(files["index.qmd"].read_text(encoding="utf-8"))
    assert start.front_matter is not None and start.front_matter["format"] == {"html": "default"}
    assert [s.target for s in start.shortcodes] == ["_perioder.md"]


def test_the_repository_project_files_are_valid() -> None:
    root = Path(__file__).resolve().parents[2]
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))
    assert config["project"]["type"] == "website" and config["lang"] == "sv-SE"
    assert (root / config["format"]["docx"]["reference-doc"]).is_file()
    assert read_narrative(root / "index.qmd").title


def test_reference_docx_has_the_kommuns_styles() -> None:
    docx = pytest.importorskip("docx", reason="python-docx (dev-beroende) behövs")
    files = dict(project_template_files())
    with files["assets/referens.docx"].open("rb") as handle:
        document = docx.Document(handle)
    styles_by_name = {style.name: style for style in document.styles}
    assert styles_by_name["Normal"].font.name == "Arial"
    assert str(styles_by_name["Heading 1"].font.color.rgb) == "1F4E79"
    styles = document.styles.element.xml
    assert 'w:val="sv-SE"' in styles


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc saknas (apt-get install pandoc)")
@pytest.mark.parametrize(
    ("status", "banner"),
    [("utkast", "Utkast"), ("granskning", "Granskning"), ("klar", None), ("annat", "Inte klar")],
)
def test_the_draft_filter_adds_a_banner_unless_the_text_is_klar(
    tmp_path: Path, status: str, banner: str | None
) -> None:
    filt = dict(project_template_files())["assets/utkast.lua"]
    lua = tmp_path / "utkast.lua"
    lua.write_bytes(filt.read_bytes())
    doc = write_text(tmp_path / "a.md", f"---\ntitle: x\nstatus: {status}\n---\n\nText.\n")
    out = subprocess.run(
        ["pandoc", "-L", str(lua), "-t", "html", str(doc)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert ('class="callout-warning kommunrapport-utkast"' in out) == (banner is not None)
    titles = re.findall(r'title="([^"]*)"', out)
    assert titles == ([banner] if banner else [])


# --- the published open data (issue 17, item 5) -----------------------------------------------


def _published(paths: ProjectPaths) -> dict[str, bytes]:
    root = paths.period_dir(PERIOD) / "oppna-data"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_half_written_open_data_folder_is_recognised_and_replaced(built: ProjectPaths) -> None:
    prepare_site(load_model(built))
    whole = _published(built)
    assert ".genererad" in whole and "bun/drift.csv" in whole
    # What a build killed while copying left: no marker yet, one job missing, a file cut.
    root = built.period_dir(PERIOD) / "oppna-data"
    (root / ".genererad").unlink()
    shutil.rmtree(root / "sn")
    (root / "bun" / "drift.csv").write_bytes(whole["bun/drift.csv"][:5])
    prepare_site(load_model(built))
    assert _published(built) == whole


def test_a_failure_while_publishing_keeps_the_previous_open_data(
    built: ProjectPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare_site(load_model(built))
    before = _published(built)
    source = built.open_data_dir(PERIOD, "bun") / "drift.csv"
    source.write_text("verksamhet,budget\nSkola,4321\n", encoding="utf-8")  # new open data
    copies: list[object] = []
    real_copy = shutil.copy2

    def copy_then_fail(src: object, dst: object) -> object:
        if copies:
            raise OSError("disken är full")
        copies.append(dst)
        return real_copy(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(shutil, "copy2", copy_then_fail)
    with pytest.raises(OSError, match="disken är full"):
        prepare_site(load_model(built))
    monkeypatch.undo()
    assert _published(built) == before  # readers still see the whole previous folder
    assert [p.name for p in built.period_dir(PERIOD).iterdir() if p.name.startswith(".")] == []
    prepare_site(load_model(built))
    assert _published(built) == {**before, "bun/drift.csv": source.read_bytes()}


def test_a_persons_files_in_the_open_data_folder_are_kept(built: ProjectPaths) -> None:
    own = write_text(built.period_dir(PERIOD) / "oppna-data" / "bun" / "min-analys.csv", "x\n")
    with pytest.raises(SiteError, match="inte genererad"):
        prepare_site(load_model(built))
    assert own.read_text(encoding="utf-8") == "x\n"
