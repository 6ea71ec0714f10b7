"""A real nämnd's årsbokslut, as its controller writes it (issue 22, part 1): no prognos in
an årsredovisning, activities without ansvarig or slutdatum, a blank budget, and a goal chain
without vision or mandatperiod. Each on a small project of its own."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from content_project import MALKEDJA, PERIODER, TABLES, load, write_project
from content_project import caption as _caption

from kommunrapport.batch.jobs import Job, notebook_source
from kommunrapport.content import keyfigures
from kommunrapport.content.labels import NAMND_LABELS, NAMND_TEMPLATE
from kommunrapport.content.opendata.kommun import kommun_tables
from kommunrapport.content.opendata.namnd import namnd_tables
from kommunrapport.content.rapport import KommunRapport, NamndRapport
from kommunrapport.content.roda_traden import roda_traden_tabell
from kommunrapport.data.loader import collect
from kommunrapport.data.model import Kommunmodell
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.site.checks import narrative_problems
from kommunrapport.site.scaffold import render_narrative

REPO = Path(__file__).resolve().parents[2]

ARSREDOVISNING = {"perioder": [copy.deepcopy(PERIODER["perioder"][1])]}
"""Only the year's end: 2022-12, nämnder a and b."""


def _without(rows: list[dict[str, Any]], *columns: str) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k not in columns} for r in rows]


def _december(name: str) -> list[dict[str, Any]]:
    return [r for r in TABLES[name] if r["period"] == "2022-12"]


INVESTERINGAR_DEC = [
    {"projekt": "P1", "namnd": "a", "period": "2022-12", "budget": 100, "utfall": 85},
    {"projekt": "P2", "namnd": "b", "period": "2022-12", "budget": 50, "utfall": 55},
]


def _bokslut(root: Path, **changes: Any) -> Kommunmodell:
    """A project of only the årsredovisning, its drift and investeringar without prognos."""
    tables: dict[str, Any] = {
        "perioder": ARSREDOVISNING,
        "driftredovisning": _without(_december("driftredovisning"), "prognos"),
        "investeringar": INVESTERINGAR_DEC,
        "aktiviteter": [{**r, "period": "2022-12"} for r in TABLES["aktiviteter"]],
        "internkontroll": [],
    }
    return load(root, **{**tables, **changes})


def _problems(paths: ProjectPaths) -> list[Any]:
    model, problems = collect(paths)
    assert model is None
    return problems


# --- 1. no prognos in an årsredovisning -----------------------------------------------------


def test_an_arsredovisning_needs_no_prognos_column(tmp_path: Path) -> None:
    model = _bokslut(tmp_path)
    r = NamndRapport.from_params(model, "2022-12", "a")
    drift = r.drift()
    assert drift.headings == [
        "Verksamhet",
        "Budget (tkr)",
        "Utfall (tkr)",
        "Avvikelse (tkr)",
        "Utfall av budget (%)",
    ]
    # X: 1000 − 1080, Y: 500 − 460
    assert [row[3] for row in drift.rader] == ["−80", "+40"]
    assert "Avvikelse = budget − utfall" in " ".join(drift.noter)
    inv = r.investeringar()
    assert inv.headings == ["Projekt", "Budget (tkr)", "Utfall (tkr)", "Avvikelse (tkr)"]
    assert inv.rader[0][1:] == ("100", "85", "+15")
    assert not any("rognos" in " ".join((*t.headings, *t.noter)) for t in (drift, inv))


def test_an_empty_prognos_in_december_is_accepted(tmp_path: Path) -> None:
    rows = [{**r, "prognos": ""} for r in _december("driftredovisning")]
    model = _bokslut(tmp_path, driftredovisning=rows)
    assert NamndRapport.from_params(model, "2022-12", "b").drift_data.summa.avvikelse == 10


def test_the_arsredovisnings_key_figures_say_utfall_and_avvikelse(tmp_path: Path) -> None:
    model = _bokslut(tmp_path)
    k = keyfigures.compute(model, "2022-12", "a")
    assert not keyfigures.PROGNOS_KEYS & set(k)
    assert (k["budget_tkr"].value, k["utfall_tkr"].value, k["avvikelse_tkr"].value) == (
        1500,
        1540,
        -40,
    )
    assert k["investering_avvikelse_tkr"].value == 15
    assert not [key for key in k if "prognos" in key]


def test_a_delarsrapport_keeps_its_prognos_keys(tmp_path: Path) -> None:
    model = load(tmp_path)
    k = keyfigures.compute(model, "2022-08", "a")
    assert list(k) == list(keyfigures.KEYS_NAMND)
    assert k["prognos_avvikelse_tkr"].text == k["avvikelse_tkr"].text
    assert (k["prognos_tkr"].value, k["avvikelse_tkr"].value) == (1550, -50)


def test_the_arsredovisnings_open_data_have_no_prognos(tmp_path: Path) -> None:
    model = _bokslut(tmp_path)
    tables = namnd_tables(model, "2022-12", "a")
    assert list(tables["driftredovisning"].columns) == [
        "verksamhet",
        "radtyp",
        "budget_tkr",
        "utfall_tkr",
        "avvikelse_tkr",
    ]
    assert list(tables["investeringar"].frame.columns) == [
        "projekt",
        "budget_tkr",
        "utfall_tkr",
        "avvikelse_tkr",
    ]
    for t in tables.values():
        assert "rognos" not in " ".join(t.columns.values()), t.description
    delar = namnd_tables(load(tmp_path / "delar"), "2022-08", "a")
    assert "prognos_tkr" in delar["driftredovisning"].columns


def test_the_kommuns_open_data_in_an_arsredovisning_have_no_prognos(tmp_path: Path) -> None:
    resultat = [
        {"period": "2022-12", "post": post, "utfall": u, "budget": b}
        for post, u, b in (
            ("verksamhetens_intakter", 600, 590),
            ("verksamhetens_kostnader", -3000, -2990),
            ("skatteintakter", 2600, 2590),
        )
    ]
    model = _bokslut(tmp_path, resultatrakning=resultat)
    tables = kommun_tables(model, "2022-12")
    assert list(tables["resultatrakning"].columns) == [
        "post",
        "benamning",
        "utfall_mnkr",
        "budget_mnkr",
    ]
    assert "prognos_tkr" not in tables["driftredovisning_namnder"].columns
    assert not keyfigures.PROGNOS_KEYS & set(keyfigures.compute(model, "2022-12", None))


def test_a_delar_row_without_prognos_is_one_problem_at_its_cell(tmp_path: Path) -> None:
    rows = copy.deepcopy(TABLES["driftredovisning"])
    rows[0]["prognos"] = ""  # a, X, 2022-08
    problems = _problems(write_project(tmp_path, driftredovisning=rows))
    assert [(p.file, p.row, p.column) for p in problems] == [
        ("data/driftredovisning.csv", 2, "prognos")
    ]
    assert "2022-08 slutar före december" in problems[0].message


def test_a_missing_prognos_column_in_a_delar_is_one_problem(tmp_path: Path) -> None:
    paths = write_project(
        tmp_path, driftredovisning=_without(TABLES["driftredovisning"], "prognos")
    )
    problems = _problems(paths)
    assert len(problems) == 1, problems
    p = problems[0]
    assert (p.file, p.row, p.column) == ("data/driftredovisning.csv", 1, "prognos")
    assert "kolumnen 'prognos' saknas" in p.message and "2022-08" in p.message


def test_a_broken_header_is_not_followed_by_a_period_without_data(tmp_path: Path) -> None:
    paths = write_project(tmp_path, driftredovisning=_without(TABLES["driftredovisning"], "utfall"))
    problems = _problems(paths)
    assert [(p.file, p.row, p.column) for p in problems] == [
        ("data/driftredovisning.csv", 1, "utfall")
    ]


def _job(period: str) -> Job:
    return Job(period, "a", NAMND_TEMPLATE, {"period": period, "namnd": "a"})


@pytest.fixture
def with_templates(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    write_project(root)
    (root / "notebooks").mkdir()
    for name in ("namnd", "kommun"):
        (root / "notebooks" / f"{name}.ipynb").write_bytes(
            (REPO / "notebooks" / f"{name}.ipynb").read_bytes()
        )
    return root


def test_the_drift_chart_of_an_arsredovisning_is_captioned_budget_och_utfall(
    with_templates: Path,
) -> None:
    model = load(with_templates)
    paths = model.paths
    assert _caption(notebook_source(paths, _job("2022-12"), model), "fig-drift") == (
        "Budget och utfall per verksamhet"
    )
    delar = notebook_source(paths, _job("2022-08"), model)
    assert (
        _caption(delar, "fig-drift")
        == NAMND_LABELS["fig-drift"]
        == ("Budget och prognos per verksamhet")
    )


def test_a_caption_the_kommun_wrote_itself_is_kept(with_templates: Path) -> None:
    template = with_templates / "notebooks" / "namnd.ipynb"
    text = template.read_text(encoding="utf-8").replace(
        "Budget och prognos per verksamhet", "Nettokostnad per verksamhet"
    )
    template.write_text(text, encoding="utf-8")
    model = load(with_templates)
    source = notebook_source(model.paths, _job("2022-12"), model)
    assert _caption(source, "fig-drift") == "Nettokostnad per verksamhet"


def _narrative(root: Path, period: str, line: str) -> None:
    folder = root / "reports" / period
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a.qmd").write_text(
        '---\ntitle: "Nämnd A"\nstatus: utkast\nansvarig: ""\n'
        f"metadata-files:\n  - _executed/a.yml\n---\n\n## Ekonomi\n\n{line}\n",
        encoding="utf-8",
    )


def test_an_arsredovisning_text_citing_a_prognos_key_is_told_the_key_to_use(
    with_templates: Path,
) -> None:
    model = load(with_templates)
    _narrative(with_templates, "2022-12", "Avvikelse {{< meta nyckeltal.prognos_avvikelse_tkr >}}.")
    _narrative(with_templates, "2022-08", "Prognos {{< meta nyckeltal.prognos_avvikelse_tkr >}}.")
    problems = narrative_problems(model.paths, model)
    assert [(p.file, p.row) for p in problems] == [("reports/2022-12/a.qmd", 11)]
    assert "En årsredovisning har ingen prognos: använd avvikelse_tkr." in problems[0].message
    _narrative(with_templates, "2022-12", "Avvikelse {{< meta nyckeltal.avvikelse_tkr >}}.")
    assert narrative_problems(model.paths, model) == []


def test_the_arsredovisnings_scaffold_lists_no_prognos_key(with_templates: Path) -> None:
    model = load(with_templates)
    text = render_narrative(model, "2022-12", "a")
    assert "avvikelse_tkr" in text and "prognos" not in text.split("-->")[0].split("<!--")[-1]
    assert "prognos_avvikelse_tkr" in render_narrative(model, "2022-08", "a")


# --- 2. activities without ansvarig or slutdatum ---------------------------------------------


def test_activities_without_ansvarig_and_slutdatum(tmp_path: Path) -> None:
    acts = _without(TABLES["aktiviteter"], "ansvarig", "slutdatum")
    model = load(tmp_path, aktiviteter=acts)
    r = NamndRapport.from_params(model, "2022-08", "a")
    table = r.aktiviteter()
    assert table.headings == ["Nämndmål", "Aktivitet", "Status", "Kommentar"]
    assert table.rader[0] == ("Mål A1", "Göra ett", "Pågår", "På väg")
    data = namnd_tables(model, "2022-08", "a")["aktiviteter"].frame
    assert data["ansvarig"].isna().all() and data["slutdatum"].isna().all()


def test_an_empty_ansvarig_is_an_empty_cell_never_invented(tmp_path: Path) -> None:
    acts = copy.deepcopy(TABLES["aktiviteter"])
    acts[1]["ansvarig"] = ""
    acts[1]["slutdatum"] = ""
    model = load(tmp_path, aktiviteter=acts)
    table = NamndRapport.from_params(model, "2022-08", "a").aktiviteter()
    assert table.headings[2:4] == ["Ansvarig", "Slutdatum"]
    assert [row[2:4] for row in table.rader] == [("Ann", "2022-12-31"), ("", "")]


# --- 3. a blank budget ------------------------------------------------------------------------


def test_a_blank_budget_is_no_budget_counted_as_zero_with_a_note(tmp_path: Path) -> None:
    rows = copy.deepcopy(TABLES["driftredovisning"])
    rows[0]["budget"] = ""  # a, X, 2022-08: utfall 600, prognos 1100
    inv = copy.deepcopy(TABLES["investeringar"])
    inv[0]["budget"] = ""  # P1: prognos 90
    model = load(tmp_path, driftredovisning=rows, investeringar=inv)
    r = NamndRapport.from_params(model, "2022-08", "a")
    d = r.drift_data
    x = d.rader[0]
    assert (x.budget, x.avvikelse, x.forbrukat) == (None, -1100, None)
    assert (d.summa.budget, d.summa.avvikelse) == (500, 500 - 1550)
    table = r.drift()
    assert table.rader[0][1] == "–"
    assert "X saknar budget; avvikelsen räknas mot budgeten 0 och summan med 0." in table.noter
    assert r.investering_data.rader[0].avvikelse == -90
    assert any("P1 saknar budget" in n for n in r.investeringar().noter)


# --- 4. vision and mandatperiod are optional --------------------------------------------------


@pytest.mark.parametrize("how", ["absent", "empty"])
def test_a_goal_chain_without_vision_or_mandatperiod(tmp_path: Path, how: str) -> None:
    chain = copy.deepcopy(MALKEDJA)
    if how == "absent":
        del chain["vision"], chain["mandatperiod"]
    else:
        chain["vision"] = chain["mandatperiod"] = ""
    model = load(tmp_path, malkedja=chain)
    assert model.malkedja.vision is None and model.malkedja.mandatperiod is None
    notes = roda_traden_tabell(model, KommunRapport(model, "2022-08").roda_traden_data).noter
    assert not any(n.startswith("Vision") for n in notes)
    other = load(tmp_path / "v")
    assert (
        "Vision: Testby växer."
        in roda_traden_tabell(other, KommunRapport(other, "2022-08").roda_traden_data).noter
    )
