"""A kommun from nothing: `init`, one nämnd, a Kolada export of every kommun, no
kommun-level tables; it checks, builds (notebooks executed, the Quarto project prepared;
Quarto itself is not needed) and the site has no kommun chapter."""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.data.loader import load_model
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.site.status import unfinished_narratives
from kommunrapport.site.write import prepare_site

runner = CliRunner()
PERIOD = "2022-12"

KOMMUN_YML = """\
kommun:
  namn: Trelleborgs kommun
  kolada_id: "1287"
namnder:
  - id: kfn
    namn: Kultur- och fritidsnämnden
    forvaltning: Kultur- och fritidsförvaltningen
    skribenter: [Anna Berg]
"""

MALKEDJA_YML = """\
vision: Trelleborg – en plats att växa i
mandatperiod: 2023–2026
inriktningsmal:
  - id: im1
    namn: Ett rikt kultur- och fritidsliv
namndmal:
  - id: kfn1
    namnd: kfn
    namn: Fler besök på biblioteken
    inriktningsmal: [im1]
    indikatorer:
      - id: N09801
        namn: Besök på folkbibliotek, antal/inv
        kalla: kolada
        enhet: besök/inv
        riktning: högre
        mal: {2022: 5.0}
  - id: kfn2
    namnd: kfn
    namn: Fler lån
    inriktningsmal: [im1]
    indikatorer:
      - id: N09022
        namn: Lån på folkbibliotek, antal/inv
        kalla: kolada
        enhet: lån/inv
        riktning: högre
        mal: {2022: 3.0}
"""

PERIODER_YML = """\
perioder:
  - id: "2022-12"
    typ: årsredovisning
    slutdatum: 2022-12-31
    titel: Årsredovisning 2022
    namnder:
      - id: kfn
        jamforelsegrupp: G1
"""

TABLES = {
    # an årsbokslut as the ekonomisystem gives it: no prognos; activities with only a status
    "driftredovisning.csv": "namnd,verksamhet,period,budget,utfall\n"
    "kfn,Bibliotek,2022-12,20000,19000\n"
    "kfn,Fritidsgårdar,2022-12,5000,5600\n",
    "aktiviteter.csv": "id,namnd,namndmal,beskrivning,period,status,kommentar\n"
    "a1,kfn,kfn1,Meröppet bibliotek,2022-12,klar,\n",
    "jamforelsegrupper.csv": "grupp,gruppnamn,kommun,kommunnamn\n"
    "G1,Liknande kommuner kultur,1280,Malmö\n"
    "G1,Liknande kommuner kultur,1290,Kristianstad\n",
}

# An export of more kommuner than the report compares with; N09022 has no 2022 value.
EXPORT = [
    ["kpi", "municipality_id", "period", "gender", "value"],
    *[["N09801", a, "2022", "T", v] for a, v in (("1287", "5,6"), ("0000", "4,9"))],
    *[["N09801", a, "2022", "T", "4,0"] for a in ("1280", "1290", "0180", "1480", "2480")],
    *[["N09022", a, "2021", "T", "2,5"] for a in ("1287", "0000", "0180")],
]


def _digits(text: str) -> str:
    return re.sub(r"\s", "", str(text)).replace("\u2212", "-")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> ProjectPaths:
    root = tmp_path_factory.mktemp("ny") / "trelleborg"
    result = runner.invoke(app, ["init", str(root), "--kommun", "1287"])
    assert result.exit_code == ExitCode.OK, result.output
    (root / "data" / "kommun.yml").write_text(KOMMUN_YML, encoding="utf-8")
    (root / "data" / "malkedja.yml").write_text(MALKEDJA_YML, encoding="utf-8")
    (root / "params" / "perioder.yml").write_text(PERIODER_YML, encoding="utf-8")
    for name, text in TABLES.items():
        (root / "data" / name).write_text(text, encoding="utf-8")
    export = root.parent / "kolada-export.csv"
    with export.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(EXPORT)
    imported = runner.invoke(app, ["kolada", "import", str(export), "--rot", str(root)])
    assert imported.exit_code == ExitCode.OK, imported.output
    assert "släppte 4 rader för 3 andra områden" in imported.output
    assert "N09022 saknar värde för kommunen (1287) 2022" in imported.output
    scaffold = runner.invoke(app, ["new-period", PERIOD, "--rot", str(root)])
    assert scaffold.exit_code == ExitCode.OK, scaffold.output
    return ProjectPaths(root)


def test_it_checks_without_kommun_level_tables(project: ProjectPaths) -> None:
    assert not any(project.table_candidates(s) for s in ("resultatrakning", "balansrakning"))
    result = runner.invoke(app, ["check", "--rot", str(project.root)])
    assert result.exit_code == ExitCode.OK, result.output
    warnings = [x for x in result.output.splitlines() if x.startswith("Varning:")]
    assert len(warnings) == 1 and "'N09022'" in warnings[0]
    assert "Att göra härnäst" not in result.output
    # only the kommun, riket and the group's members were imported
    with project.table_csv("indikatorutfall").open(encoding="utf-8") as handle:
        areas = {row["omrade"] for row in csv.DictReader(handle)}
    assert areas == {"1287", "0000", "1280", "1290"}


def test_it_builds_without_the_kommun_chapter(project: ProjectPaths) -> None:
    assert not project.narrative_file(PERIOD, "kommun").exists()
    result = runner.invoke(app, ["build", "--rot", str(project.root), "--no-render"])
    assert result.exit_code == ExitCode.OK, result.output
    assert not project.executed_notebook(PERIOD, "kommun").exists()
    model = load_model(project)
    plan = prepare_site(model)
    assert [c.job for ps in plan.periods for c in ps.chapters] == ["kfn"]
    report = project.period_report(PERIOD).read_text(encoding="utf-8")
    assert "{#kapitel-kfn}" in report and "kapitel-kommun" not in report
    assert "Tabellerna bakom Trelleborgs kommuns rapport" in report
    site = yaml.safe_load(project.site_config_file.read_text(encoding="utf-8"))
    assert site["website"]["title"] == "Trelleborgs kommun"
    assert [r for r in site["project"]["render"] if "kommun" in r] == []
    # --publish asks only for the nämnd's text, not for a kommun chapter
    assert [r.job for r in unfinished_narratives(model)] == ["kfn"]

    figures = yaml.safe_load(project.key_figures_file(PERIOD, "kfn").read_text("utf-8"))
    keys = figures["nyckeltal"]
    assert _digits(keys["budget_tkr"]) == "25000tkr"
    assert _digits(keys["utfall_tkr"]) == "24600tkr"
    assert _digits(keys["avvikelse_tkr"]) == "+400tkr"
    assert not [k for k in keys if "prognos" in k], "an årsredovisning has no prognos"
    assert keys["antal_uppfyllda"] == "1" and keys["antal_ej_bedombara"] == "1"

    data = project.open_data_dir(PERIOD, "kfn")
    header = (data / "driftredovisning.csv").read_text(encoding="utf-8").split("\n")[0]
    assert header == "verksamhet,radtyp,budget_tkr,utfall_tkr,avvikelse_tkr"
    with (data / "indikatorbedomning.csv").open(encoding="utf-8") as handle:
        assessed = {r["indikator_id"]: r["bedomning"] for r in csv.DictReader(handle)}
    assert assessed == {"N09801": "uppfyllt", "N09022": "ej bedömbar"}
    with (data / "driftredovisning.csv").open(encoding="utf-8") as handle:
        rows = {r["verksamhet"]: r for r in csv.DictReader(handle)}
    assert float(rows["Bibliotek"]["avvikelse_tkr"]) == 1000
    assert float(rows["Fritidsgårdar"]["avvikelse_tkr"]) == -600


def test_build_stops_with_code_4_only_at_quarto(
    project: ProjectPaths, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Without Quarto everything before the render is done and the build exits 4."""
    first = runner.invoke(app, ["build", "--rot", str(project.root), "--no-render"])
    assert first.exit_code == ExitCode.OK, first.output  # the jobs, run with the real Python
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("QUARTO_PATH", raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python" / "bin" / "python"))
    monkeypatch.setattr("kommunrapport.site.quarto._package_binary", lambda: None)
    result = runner.invoke(app, ["build", "--rot", str(project.root)])
    assert result.exit_code == ExitCode.QUARTO_MISSING, result.output
    assert "Quarto-projektet är klart: 1 period." in result.output
