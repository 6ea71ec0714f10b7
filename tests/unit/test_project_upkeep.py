"""What a project leaves and shows as it is kept up (issue 22, points 11 and 13–17): a
header-only CSV beside a filled workbook, the preview without Quarto's markup, ``build
--no-render`` writing the Quarto files, the Granskning banner and a klar text with review
comments, a removed period's generated files, and the open data's total row and empty
tables."""

from __future__ import annotations

import csv
import io
import json
import re

import nbformat
from openpyxl import load_workbook
from typer.testing import CliRunner

from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.content import opendata
from kommunrapport.content.tables import Kolumn, Tabell
from kommunrapport.data.datasets import DATASETS
from kommunrapport.data.loader import check, load_model
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.data.tableio import parse_number
from kommunrapport.site.checks import narrative_problems
from kommunrapport.site.preview import preview

runner = CliRunner()
PERIOD = "2022-08"


# --- 11. init's header-only CSVs beside the workbook -----------------------------------------


def _header_only(paths: ProjectPaths, stem: str) -> None:
    """Leave only the header row of the table's CSV, as ``init`` writes it."""
    path = paths.table_csv(stem)
    path.write_text(path.read_text(encoding="utf-8").split("\n")[0] + "\n", encoding="utf-8")


def test_a_header_only_csv_gives_way_to_a_filled_sheet(minimal_project: ProjectPaths) -> None:
    paths = minimal_project
    before = load_model(paths)
    result = runner.invoke(app, ["excel-mall", "--rot", str(paths.root), "--med-data"])
    assert result.exit_code == ExitCode.OK, result.output
    stems = [ds.stem for ds in DATASETS.values() if paths.table_candidates(ds.stem)]
    for stem in stems:
        _header_only(paths, stem)
    assert check(paths) == []
    after = load_model(paths)
    for stem in stems:
        assert len(after.table(stem)) == len(before.table(stem)) > 0, stem


def test_a_table_filled_in_both_places_is_the_only_conflict(minimal_project: ProjectPaths) -> None:
    paths = minimal_project
    runner.invoke(app, ["excel-mall", "--rot", str(paths.root), "--med-data"])
    for ds in DATASETS.values():
        if ds.stem != "driftredovisning" and paths.table_candidates(ds.stem):
            _header_only(paths, ds.stem)
    problems = check(paths)
    assert [(p.file, p.message.split(";")[0]) for p in problems] == [
        (
            "data/driftredovisning.csv",
            "tabellen finns både här och på bladet 'driftredovisning' i data/kommunrapport.xlsx",
        )
    ]


def test_header_only_in_both_places_is_an_empty_table(minimal_project: ProjectPaths) -> None:
    paths = minimal_project
    runner.invoke(app, ["excel-mall", "--rot", str(paths.root)])
    book = load_workbook(paths.workbook_file)
    assert book["internkontroll"].max_row == 1
    _header_only(paths, "internkontroll")
    assert check(paths) == []
    assert load_model(paths).table("internkontroll").empty


# --- 13. the preview shows no Quarto or typst markup -----------------------------------------


def test_the_preview_shows_the_notes_without_raw_markup(minimal_project: ProjectPaths) -> None:
    table = Tabell(
        (Kolumn.text("Verksamhet"), Kolumn.tal("Budget (tkr)")),
        (("Skola", "1 000"),),
        noter=("Avvikelse = budget − utfall.",),
    )
    markdown = table.to_markdown()
    assert "{=typst}" in markdown and "::: {.tabellnot" in markdown
    nb = nbformat.v4.new_notebook()  # type: ignore[no-untyped-call]
    cell = nbformat.v4.new_code_cell("#| label: tbl-drift\nrapport.drift()")  # type: ignore[no-untyped-call]
    cell.outputs = [
        nbformat.v4.new_output(  # type: ignore[no-untyped-call]
            "display_data", data={"text/markdown": markdown, "text/plain": table.to_text()}
        )
    ]
    nb.cells = [cell]
    target = minimal_project.executed_notebook(PERIOD, "bun")
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps(nb), encoding="utf-8")
    html = preview(minimal_project, PERIOD, "bun").read_text(encoding="utf-8")
    assert re.search(r"<th[^>]*>Verksamhet</th>", html)
    assert "Avvikelse = budget − utfall." in html
    for raw in (":::", "{=typst}", "tabellnot", "#set text", "#block"):
        assert raw not in html, raw


# --- 14, 15, 16: what build --no-render leaves ----------------------------------------------


def _build(paths: ProjectPaths) -> str:
    result = runner.invoke(app, ["build", "--rot", str(paths.root), "--no-render"])
    assert result.exit_code == ExitCode.OK, result.output
    return result.output


def test_no_render_writes_the_periods_quarto_files(minimal_project: ProjectPaths) -> None:
    paths = minimal_project
    output = _build(paths)
    assert "Quarto-projektet är klart: 1 period." in output and "--no-render" in output
    report = paths.period_report(PERIOD)
    assert "Delårsrapport augusti 2022" in report.read_text(encoding="utf-8")
    assert paths.site_config_file.is_file()
    params = paths.params_file.read_text(encoding="utf-8")
    paths.params_file.write_text(
        params.replace("Delårsrapport augusti 2022", "Delårsrapport 2 2022"), encoding="utf-8"
    )
    _build(paths)
    assert "Delårsrapport 2 2022" in report.read_text(encoding="utf-8")


def _text(paths: ProjectPaths, job: str, status: str, body: str = "Text.") -> None:
    path = paths.narrative_file(PERIOD, job)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'---\ntitle: "T"\nstatus: {status}\nansvarig: "Anna"\n'
        f"metadata-files:\n  - _executed/{job}.yml\n---\n\n## Rubrik\n\n{body}\n",
        encoding="utf-8",
    )


def test_a_text_under_review_has_a_granskning_banner(minimal_project: ProjectPaths) -> None:
    paths = minimal_project
    _text(paths, "bun", "granskning")
    _text(paths, "sn", "utkast")
    _build(paths)
    report = paths.period_report(PERIOD).read_text(encoding="utf-8")
    assert '::: {.callout-warning title="Granskning"}' in report
    assert '::: {.callout-warning title="Utkast"}' in report
    assert report.count("status granskning") == 1


def test_klar_is_refused_while_a_review_comment_remains(minimal_project: ProjectPaths) -> None:
    paths = minimal_project
    _text(paths, "bun", "klar", "Text.\n\n<!-- granskning: stämmer siffran? -->\n\nMer.")
    problems = narrative_problems(paths, load_model(paths))
    assert [(p.file, p.row, p.column) for p in problems] == [
        ("reports/2022-08/bun.qmd", 3, "status")
    ]
    assert "1 granskningskommentar (<!-- granskning: … -->, rad 13)" in problems[0].message
    _text(paths, "bun", "granskning", "Text.\n\n<!-- granskning: stämmer siffran? -->")
    assert narrative_problems(paths, load_model(paths)) == []


def test_a_removed_periods_generated_files_go_with_it(minimal_project: ProjectPaths) -> None:
    paths = minimal_project
    _build(paths)
    # what a build of an earlier period left, and that period is no longer in params
    old = paths.period_dir("2021-08")
    paths.period_dir(PERIOD).rename(old)
    (old / "bun.qmd").write_text("---\ntitle: Min text\n---\n\nText.\n", encoding="utf-8")
    own = paths.reports_dir / "bilder"
    own.mkdir()
    (own / "karta.png").write_bytes(b"png")
    assert (old / "_executed").is_dir() and (old / "oppna-data").is_dir()
    output = _build(paths)
    assert "Perioden 2021-08 finns inte längre i params/perioder.yml" in output
    assert sorted(p.name for p in old.iterdir()) == ["bun.qmd"]
    assert (own / "karta.png").is_file()
    assert paths.period_report(PERIOD).is_file()  # the period in params is built again
    (old / "bun.qmd").unlink()
    _build(paths)
    assert old.is_dir()  # nothing generated was left to remove; an empty folder stays
    assert "2021-08" not in _build(paths)


def test_a_hand_written_index_in_a_removed_period_is_kept(minimal_project: ProjectPaths) -> None:
    paths = minimal_project
    old = paths.period_dir("2021-08")
    old.mkdir(parents=True)
    (old / "index.qmd").write_text("---\ntitle: Egen sida\n---\n", encoding="utf-8")
    (old / "_executed").mkdir()
    _build(paths)
    assert sorted(p.name for p in old.iterdir()) == ["index.qmd"]


# --- 17. the open data: the total row, no empty tables --------------------------------------


def test_the_open_drift_table_has_its_total_row(minimal_project: ProjectPaths) -> None:
    model = load_model(minimal_project)
    tables = opendata.tables(model, PERIOD, "bun")
    drift = tables["driftredovisning"].frame
    body, total = drift.iloc[:-1], drift.iloc[-1]
    assert set(body["radtyp"]) == {"verksamhet"}
    assert total["radtyp"] == "summa" and total["verksamhet"] == "Summa"
    assert total["budget_tkr"] == body["budget_tkr"].sum()
    for name, t in tables.items():
        assert not t.frame.empty, name
    kommun = opendata.tables(model, PERIOD, None)["driftredovisning_namnder"].frame
    assert list(kommun["radtyp"]) == ["namnd", "namnd", "summa"]


def test_an_official_total_is_the_total_row(minimal_project: ProjectPaths) -> None:
    path = minimal_project.table_csv("driftredovisning")
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    bun = [r for r in rows if r["namnd"] == "bun" and r["period"] == PERIOD]
    total = {"namnd": "bun", "verksamhet": "Summa nämnd", "period": PERIOD, "radtyp": "total"}
    for column in ("budget", "utfall", "prognos"):
        total[column] = f"{sum(parse_number(r[column]) or 0.0 for r in bun):.1f}"
    out = io.StringIO()
    writer = csv.DictWriter(out, [*rows[0], "radtyp"], lineterminator="\n")
    writer.writeheader()
    writer.writerows([*rows, total])
    path.write_text(out.getvalue(), encoding="utf-8")
    frame = opendata.tables(load_model(minimal_project), PERIOD, "bun")["driftredovisning"].frame
    assert list(frame["radtyp"]) == ["verksamhet"] * len(bun) + ["total"]
    assert frame["budget_tkr"].iloc[-1] == float(total["budget"])


def test_an_empty_table_is_not_published(minimal_project: ProjectPaths) -> None:
    _header_only(minimal_project, "internkontroll")
    tables = opendata.tables(load_model(minimal_project), PERIOD, "bun")
    assert "internkontroll" not in tables and "driftredovisning" in tables
    _build(minimal_project)
    folder = minimal_project.open_data_dir(PERIOD, "bun")
    assert not (folder / "internkontroll.csv").exists()
    described = (folder / "kolumner.csv").read_text(encoding="utf-8")
    assert "internkontroll.csv" not in described
