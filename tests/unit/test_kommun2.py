"""A second kommun from its own data (tests/fixtures/kommun2, one nämnd, 2025): sign
conventions, an official total, the economic summary, multi-year investments in mnkr, an own
table, qualitative goals, a goal comment, goal-type labels and a shared indicator.

Expected figures (all from the fixture's files):
  drift (costs negative, tkr): Kultur −20 000/−19 500, Fritid −30 000/−31 200, Bibliotek
    −15 000/−14 800, Turism +1 500/+1 800 (net income); rows sum −63 500/−63 700; the
    official total −63 500/−63 702 (2 tkr off by rounding, within 0,5 × (4 + 1) = 2,5 tkr);
    avvikelse = utfall − budget: total −202, Turism +300, Fritid −1 200.
  investments (mnkr, expenses positive): färdigställd 4,0/3,6 (total 8,0, ack 7,7); pågående
    25,0/18,5 (60,0, 30,5) and 1,2/1,4 (2,0, 1,4) → subtotals 26,2/19,9, avv 6,3, ack avv 30,1;
    sum 30,2/23,5, avv 6,7, total 70,0, ack 39,6, ack avv 30,4.
  goals: kfn1 delvis (N09801 55 ≥ 50 uppfyllt, KFN01 12 vs ≤ 10 ej uppfyllt); kfn2 uppfyllt
    (N09801, shared with kfn1); kfn3 uppfyllt and kfn4 delvis by the nämnd (no indicators).
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from kommunrapport.content import keyfigures, opendata
from kommunrapport.content.assessment import Bedomning
from kommunrapport.content.indikatorer import Indikatordata
from kommunrapport.content.rapport import NamndRapport
from kommunrapport.content.roda_traden import luckor, roda_traden, roda_traden_tabell
from kommunrapport.data.loader import check, load_model
from kommunrapport.data.model import Kommunmodell
from kommunrapport.data.paths import ProjectPaths

FIXTURE = Path(__file__).parents[1] / "fixtures" / "kommun2"
PERIOD = "2025-12"


@pytest.fixture
def project(tmp_path: Path) -> ProjectPaths:
    shutil.copytree(FIXTURE, tmp_path / "kommun2")
    return ProjectPaths(tmp_path / "kommun2")


@pytest.fixture
def model(project: ProjectPaths) -> Kommunmodell:
    return load_model(project)


@pytest.fixture
def rapport(model: Kommunmodell) -> NamndRapport:
    return NamndRapport.from_params(model, PERIOD, "kfn")


def test_conventions_detected_per_file(model: Kommunmodell) -> None:
    assert model.konvention("driftredovisning") == "negativ"
    assert model.konvention("ekonomisk_sammanfattning") == "negativ"
    assert model.konvention("investeringar") == "positiv"
    said = "\n".join(model.upplysningar)
    assert "data/driftredovisning.csv: kostnader skrivna som negativa tal" in said
    assert "data/investeringar.csv: utgifter skrivna som positiva tal" in said
    assert "data/investeringar.csv: beloppen är i mnkr." in said
    assert "1 officiell summa (radtyp total) stämmer med radernas summa; 1 av dem skiljer" in said
    assert "data/egna/kfn/foreningsbidrag: nämndens egen tabell" in said
    assert "data/malkedja.yml: indikatorn 'N09801' följer 2 verksamhetsmål (kfn1, kfn2)." in said


def test_drift_signs_official_total_and_net_income(rapport: NamndRapport) -> None:
    d = rapport.drift_data
    rows = {r.namn: r for r in d.rader}
    assert "Summa kultur- och fritidsnämnden" not in rows
    assert rows["Turism"].nettointakt and rows["Turism"].avvikelse == 300
    assert not rows["Fritid"].nettointakt and rows["Fritid"].avvikelse == -1200
    assert (d.summa.budget, d.summa.utfall, d.summa.avvikelse) == (-63500, -63702, -202)
    assert d.radsumma is not None and d.radsumma.utfall == -63700
    notes = " ".join(rapport.drift().noter)
    assert "Avvikelse = utfall − budget (nettokostnaderna är negativa tal)" in notes
    assert "Turism har nettointäkt (belopp med positivt tecken)" in notes
    assert "Raderna summerar till utfall −63\u00a0700 tkr; skillnaden beror på avrundning" in notes
    summa = rapport.drift().summa[0]
    assert summa[:4] == ("Summa", "−63\u00a0500", "−63\u00a0702", "−202")


def test_key_figures(model: Kommunmodell) -> None:
    k = {key: f.value for key, f in keyfigures.compute(model, PERIOD, "kfn").items()}
    assert (k["budget_tkr"], k["utfall_tkr"], k["avvikelse_tkr"]) == (-63500, -63702, -202)
    assert not keyfigures.PROGNOS_KEYS & set(k), "an årsredovisning has no prognos"
    assert (k["intakter_tkr"], k["kostnader_tkr"], k["nettokostnad_foregaende_ar_tkr"]) == (
        13100,
        -76802,
        -61200,
    )
    assert k["investering_budget_tkr"] == 30200
    assert k["investering_utfall_tkr"] == 23500
    assert k["investering_avvikelse_tkr"] == 6700
    assert k["investering_projektbudget_tkr"] == 70000
    assert k["investering_ackumulerat_utfall_tkr"] == 39600
    assert k["investering_ackumulerad_avvikelse_tkr"] == 30400
    assert k["antal_namndmal"] == 4
    assert (k["antal_uppfyllda"], k["antal_delvis_uppfyllda"], k["antal_ej_bedombara"]) == (2, 2, 0)
    assert k["antal_namndmal_namndens_bedomning"] == 2
    assert k["antal_indikatorer"] == 2


def test_investments_in_mnkr_with_status_subtotals(rapport: NamndRapport) -> None:
    t = rapport.investeringar()
    assert t.headings[1] == "Budget (mnkr)" and t.headings[-1] == "Ackumulerad avvikelse (mnkr)"
    body = {row[0]: row for row in t.rader}
    assert body["Summa färdigställda"][1:] == ("4,0", "3,6", "+0,4", "8,0", "7,7", "+0,3")
    assert body["Summa pågående"][1:] == ("26,2", "19,9", "+6,3", "62,0", "31,9", "+30,1")
    assert t.summa[0][1:] == ("30,2", "23,5", "+6,7", "70,0", "39,6", "+30,4")
    order = [row[0] for row in t.rader]
    assert (
        order.index("Konstgräsplan")
        < order.index("Summa färdigställda")
        < order.index("Ny sporthall")
    )
    assert {order.index("Summa färdigställda"), order.index("Summa pågående")} == set(t.markerade)


def test_economic_summary(rapport: NamndRapport) -> None:
    t = rapport.ekonomisk_sammanfattning()
    assert t.headings == [
        "Post",
        "Budget (tkr)",
        "Utfall (tkr)",
        "Avvikelse (tkr)",
        "Budget 2024 (tkr)",
        "Utfall 2024 (tkr)",
        "Avvikelse 2024 (tkr)",
    ]
    rows = {r[0]: r for r in t.rader}
    assert rows["Intäkter"][1:] == (
        "12\u00a0000",
        "13\u00a0100",
        "+1\u00a0100",
        "11\u00a0500",
        "11\u00a0800",
        "+300",
    )
    assert rows["Kostnader"][3] == "−1\u00a0302"
    assert rows["Kostnader"][6] == "−1\u00a0000"  # −73 000 against −72 000
    assert t.rader[-1] == (
        "Nettokostnad",
        "−63\u00a0500",
        "−63\u00a0702",
        "−202",
        "−60\u00a0500",
        "−61\u00a0200",
        "−700",
    )
    assert t.markerade == frozenset({2})


def test_goals_qualitative_shared_comment_and_labels(
    model: Kommunmodell, rapport: NamndRapport
) -> None:
    goals = {g.namndmal.id: g for g in rapport.maluppfyllelse_data.mal}
    assert goals["kfn1"].bedomning is Bedomning.DELVIS
    assert goals["kfn2"].bedomning is Bedomning.UPPFYLLT
    assert [i.id for i in goals["kfn2"].indikatorer] == ["N09801"]
    assert goals["kfn3"].bedomning is Bedomning.UPPFYLLT and goals["kfn3"].namndens
    assert goals["kfn3"].skal.startswith("Nämndens bedömning: Alla föreningar")
    assert "Ändrad bedömning" not in goals["kfn3"].skal
    assert goals["kfn4"].bedomning is Bedomning.DELVIS
    assert rapport.maluppfyllelse_data.mal_per_indikator["N09801"] == ("kfn1", "kfn2")
    table = rapport.maluppfyllelse()
    assert table.headings[:2] == ["Verksamhetsmål", "Målområde"]
    titles = [r[0] for r in table.rader]
    assert titles[titles.index("Fler besöker anläggningarna") + 1] == "Kommentar"
    assert [r[0] for r in rapport.indikatorer().rader].count(
        "Besök i bibliotek per invånare (besök/inv)"
    ) == 1
    rt = roda_traden(model, Indikatordata(model), PERIOD)
    assert luckor(model, rt) == []
    from kommunrapport.content.roda_traden import inriktningsmal_tabell

    top = inriktningsmal_tabell(rt, model)
    assert top.headings[:2] == ["Målområde", "Verksamhetsmål"]
    assert top.noter[0].startswith(
        "Regel: ett målområde är uppfyllt när alla bedömda verksamhetsmål"
    )
    notes = roda_traden_tabell(model, rt).noter
    assert "Saknar indikator och bedöms av nämnden: Föreningslivet är starkt och " in notes[-1]


def _csv(frame_table: opendata.OpenTable) -> list[dict[str, str]]:
    buffer = io.StringIO()
    frame_table.frame.to_csv(buffer, index=False)
    return list(csv.DictReader(io.StringIO(buffer.getvalue())))


def test_open_data(model: Kommunmodell) -> None:
    tables = opendata.tables(model, PERIOD, "kfn")
    drift = {r["verksamhet"]: r for r in _csv(tables["driftredovisning"])}
    assert float(drift["Turism"]["avvikelse_tkr"]) == 300
    assert "negativa tal" in tables["driftredovisning"].description
    inv = {r["projekt"]: r for r in _csv(tables["investeringar"])}
    assert float(inv["Ny sporthall"]["budget_tkr"]) == 25000
    assert float(inv["Ny sporthall"]["ackumulerad_avvikelse_tkr"]) == 29500
    assert inv["Konstgräsplan"]["status"] == "färdigställd"
    goals = {r["namndmal_id"]: r for r in _csv(tables["maluppfyllelse"])}
    assert goals["kfn3"]["grund"] == "nämndens bedömning"
    assert goals["kfn3"]["bedomning"] == "uppfyllt"
    assert goals["kfn1"]["kommentar"].startswith("Besöken ökar")
    shared = {r["indikator_id"]: r for r in _csv(tables["indikatorbedomning"])}
    assert shared["N09801"]["namndmal_id"] == "kfn1;kfn2"
    summary = {r["post"]: r for r in _csv(tables["ekonomisk_sammanfattning"])}
    assert float(summary["Nettokostnad"]["avvikelse_tkr"]) == -202
    own = _csv(tables["egen_foreningsbidrag"])
    assert [r["verksamhet"] for r in own] == ["Idrott", "Kultur", "Ungdom", "Summa"]
    assert [r["radtyp"] for r in own] == ["rad", "rad", "rad", "summa"]
    assert float(own[-1]["bidrag_2025"]) == 2350 + 900 + 330
    assert tables["egen_foreningsbidrag"].columns["bidrag_2025"] == "Bidrag 2025, tkr"


def test_own_table_rendered(rapport: NamndRapport) -> None:
    t = rapport.egen_tabell("foreningsbidrag")
    assert t.headings == [
        "Verksamhet",
        "Bidrag 2023 (tkr)",
        "Bidrag 2024 (tkr)",
        "Bidrag 2025 (tkr)",
        "Föreningar 2025",
    ]
    assert t.rader[0] == ("Idrott", "2\u00a0100", "2\u00a0200", "2\u00a0350", "45")
    assert t.summa == (("Summa", "3\u00a0200", "3\u00a0330", "3\u00a0580", "79"),)
    assert t.noter == ("Källa: Nämndens bidragsregister",)


# --- check refuses what it must ---------------------------------------------------------------


def _rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _messages(project: ProjectPaths) -> list[str]:
    return [str(p) for p in check(project)]


def test_mixed_conventions_refused(project: ProjectPaths) -> None:
    drift = project.data_dir / "driftredovisning.csv"
    _rewrite(drift, "kfn;Fritid;2025-12;-30 000;-31 200", "kfn;Fritid;2025-12;-30 000;31 200")
    problems = _messages(project)
    assert any(
        "data/driftredovisning.csv, rad 3, kolumn 'utfall'" in p or "blandar" in p for p in problems
    ), problems


def test_mixed_nämnder_refused(project: ProjectPaths) -> None:
    kommun = project.data_dir / "kommun.yml"
    kommun.write_text(
        kommun.read_text(encoding="utf-8")
        + "  - id: sn\n    namn: Socialnämnden\n    forvaltning: Socialförvaltningen\n",
        encoding="utf-8",
    )
    with (project.data_dir / "driftredovisning.csv").open("a", encoding="utf-8") as f:
        f.write("sn;Äldreomsorg;2025-12;10 000;9 000;9 000;\n")
    problems = _messages(project)
    assert any(
        "data/driftredovisning.csv, rad 7, kolumn 'budget': filen blandar teckenkonventionerna" in p
        and "'sn'" in p
        for p in problems
    ), problems


def test_official_total_beyond_rounding_refused(project: ProjectPaths) -> None:
    drift = project.data_dir / "driftredovisning.csv"
    _rewrite(drift, "-63 500;-63 702;-63 702;total", "-63 500;-63 710;-63 702;total")
    problems = _messages(project)
    assert any(
        "rad 6, kolumn 'utfall'" in p and "högst 2,5 tkr för 4 rader" in p for p in problems
    ), problems


def test_investment_unit_must_be_one_per_file(project: ProjectPaths) -> None:
    inv = project.data_dir / "investeringar.csv"
    _rewrite(inv, "1.4,pågående,2.0,1.4,mnkr", "1.4,pågående,2.0,1.4,tkr")
    problems = _messages(project)
    assert any("rad 4, kolumn 'enhet'" in p for p in problems), problems


def test_shared_indicator_must_be_the_same(project: ProjectPaths) -> None:
    chain = project.data_dir / "malkedja.yml"
    _rewrite(
        chain,
        "      - *besok\n",
        "      - id: N09801\n        namn: Annat namn\n        kalla: kolada\n"
        "        enhet: besök/inv\n        riktning: högre\n        mal: {2025: 50}\n",
    )
    problems = _messages(project)
    assert any("med en annan beskrivning" in p for p in problems), problems


def test_own_table_checked_like_every_table(project: ProjectPaths) -> None:
    own = project.data_dir / "egna" / "kfn" / "foreningsbidrag.csv"
    _rewrite(own, "Kultur,800,", "Kultur,åttahundra,")
    (project.data_dir / "egna" / "kfn" / "taxor.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    problems = _messages(project)
    assert any(
        "data/egna/kfn/foreningsbidrag.csv, rad 3, kolumn 'bidrag_2023'" in p for p in problems
    ), problems
    assert any("data/egna/kfn/taxor.csv" in p and "taxor.yml saknas" in p for p in problems)


def test_kommun_drift_uses_the_official_total(model: Kommunmodell) -> None:
    from kommunrapport.content.ekonomi.drift import drift_kommun, drift_tabell

    d = drift_kommun(model, PERIOD)
    assert [(r.namn, r.utfall, r.avvikelse) for r in d.rader] == [
        ("Kultur- och fritidsnämnden", -63702, -202)
    ]
    assert d.summa.utfall == -63702
    notes = drift_tabell(d, forsta="Nämnd").noter
    assert "För Kultur- och fritidsnämnden visas nämndens officiella summa" in " ".join(notes)


def test_scaffold_embeds_the_own_table(model: Kommunmodell) -> None:
    from kommunrapport.site.scaffold import render_narrative

    text = render_narrative(model, PERIOD, "kfn")
    assert "{{< embed _executed/kfn.ipynb#tbl-egen-foreningsbidrag >}}" in text
    assert "{{< embed _executed/kfn.ipynb#tbl-ekonomisk-sammanfattning >}}" in text
