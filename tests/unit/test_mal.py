"""Måluppfyllelse on a small project: assessments, overrides, comparisons, the red thread."""

from __future__ import annotations

from pathlib import Path

import pytest
from content_project import load, malkedja_with

from kommunrapport.content import formatting as fmt
from kommunrapport.content import roda_traden
from kommunrapport.content.assessment import Bedomning
from kommunrapport.content.rapport import KommunRapport, NamndRapport
from kommunrapport.data.errors import ParameterError
from kommunrapport.data.model import Kommunmodell

U, D, E, X = Bedomning.UPPFYLLT, Bedomning.DELVIS, Bedomning.EJ_UPPFYLLT, Bedomning.EJ_BEDOMBAR


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Kommunmodell:
    return load(tmp_path_factory.mktemp("mal"))


def _goals(r: NamndRapport) -> dict[str, Bedomning]:
    return {g.namndmal.id: g.bedomning for g in r.maluppfyllelse_data.mal}


def test_each_bedomning_follows_from_the_data(model: Kommunmodell) -> None:
    a = NamndRapport(model, "2022-08", "a", "G1", ["I1"])
    b = NamndRapport(model, "2022-08", "b")
    assert _goals(a) == {"a1": D, "a2": X}
    assert _goals(b) == {"b1": X, "b2": E}
    inds = {o.indikator.id: o.bedomning.bedomning for o in a.maluppfyllelse_data.indikatorer}
    assert inds == {"I1": U, "I2": D}


def test_the_goal_table_shows_bedomning_and_reason(model: Kommunmodell) -> None:
    table = NamndRapport(model, "2022-08", "a").maluppfyllelse()
    assert table.headings == ["Nämndmål", "Inriktningsmål", "Bedömning", "Skäl"]
    a1 = table.rader[0]
    assert a1 == (
        "Mål A1",
        "Inriktning ett",
        "Delvis uppfyllt",
        "1 av 2 indikatorer når målvärdet, 1 inom marginalen.",
    )
    assert table.rader[1][1] == "Inriktning ett; Inriktning två"


def test_group_value_is_the_mean_of_the_other_members(model: Kommunmodell) -> None:
    r = NamndRapport(model, "2022-08", "a", "G1", ["I1"])
    i1 = r.maluppfyllelse_data.indikatorer[0]
    assert i1.indikator.id == "I1" and i1.markerad
    grupp = i1.serie("grupp")
    assert grupp is not None and grupp.varden == {2022: 65.0}  # (60 + 70) / 2, not Testby
    riket = i1.serie("riket")
    assert riket is not None and riket.varden == {2022: 68.0}
    row = r.indikatorer().rader[0]
    assert row[0] == "Andel nöjda" and row[5] == f"68{fmt.NBSP}%" and row[6] == f"65{fmt.NBSP}%"
    assert 0 in r.indikatorer().markerade  # highlighted indicators are bold and first
    assert any("egen beräkning" in n for n in r.indikatorer().noter)


def test_without_group_no_group_values(model: Kommunmodell) -> None:
    r = NamndRapport(model, "2022-08", "a")
    assert r.maluppfyllelse_data.indikatorer[0].serie("grupp") is None
    table = r.indikatorer()
    assert "Jämförelsegrupp" not in table.headings and len(table.rader[0]) == 7
    assert any(n.startswith("Källa: Kolada") for n in table.noter)


def test_parameters_are_checked(model: Kommunmodell) -> None:
    with pytest.raises(ParameterError, match="hör inte till"):
        NamndRapport(model, "2022-08", "a", None, ["I3"])
    with pytest.raises(ParameterError, match="finns inte i data/jamforelsegrupper"):
        NamndRapport(model, "2022-08", "a", "G9")
    with pytest.raises(ParameterError, match="Perioden '2030-01'"):
        NamndRapport(model, "2030-01", "a")
    with pytest.raises(ParameterError, match="Nämnden 'x'"):
        NamndRapport(model, "2022-08", "x")
    with pytest.raises(ParameterError, match="lista"):
        NamndRapport(model, "2022-08", "a", None, "I1")


def test_overrides_from_data_are_applied_and_shown(tmp_path: Path) -> None:
    rows = [
        {
            "namnd": "a",
            "period": "2022-08",
            "namndmal": "",
            "indikator": "I2",
            "bedomning": "uppfyllt",
            "motivering": "Mätfel i augusti.",
        },
        {
            "namnd": "b",
            "period": "2022-08",
            "namndmal": "b1",
            "indikator": "",
            "bedomning": "delvis uppfyllt",
            "motivering": "Besöken har ökat enligt egen räkning.",
        },
    ]
    model = load(tmp_path, bedomningar=rows)
    a = NamndRapport(model, "2022-08", "a")
    b = NamndRapport(model, "2022-08", "b")
    assert _goals(a)["a1"] is U  # I2 overridden to uppfyllt: both indicators now met
    assert _goals(b)["b1"] is D
    b1 = b.maluppfyllelse().rader[0]
    assert "Besöken har ökat enligt egen räkning." in b1[3]
    assert "enligt regeln: ej bedömbar" in b1[3]
    assert any("Mätfel i augusti." in n for n in a.indikatorer().noter)


def test_an_override_must_name_its_own_goal(tmp_path: Path) -> None:
    from content_project import write_project

    from kommunrapport.data.loader import check

    rows = [
        {
            "namnd": "a",
            "period": "2022-08",
            "namndmal": "b1",
            "indikator": "",
            "bedomning": "uppfyllt",
            "motivering": "x",
        },
        {
            "namnd": "a",
            "period": "2022-08",
            "namndmal": "a1",
            "indikator": "I1",
            "bedomning": "uppfyllt",
            "motivering": "x",
        },
        {
            "namnd": "a",
            "period": "2022-08",
            "namndmal": "a2",
            "indikator": "",
            "bedomning": "uppfyllt",
            "motivering": "",
        },
    ]
    problems = check(write_project(tmp_path, bedomningar=rows))
    messages = [(p.row, p.column, p.message) for p in problems]
    assert (2, "namndmal", "'b1' hör till nämnden 'b', inte 'a'.") in messages
    assert (3, "namndmal", "ange antingen namndmal eller indikator.") in messages
    assert (4, "motivering", "värde saknas.") in messages


def test_an_indicator_rule_overrides_the_kommun_default(tmp_path: Path) -> None:
    chain = malkedja_with(I2={"bedomning": {"marginal": 0}})
    r = NamndRapport(load(tmp_path, malkedja=chain), "2022-08", "a")
    inds = {o.indikator.id: o.bedomning.bedomning for o in r.maluppfyllelse_data.indikatorer}
    assert inds["I2"] is E


def test_small_counts_of_individuals_are_suppressed(model: Kommunmodell) -> None:
    b = NamndRapport(model, "2022-08", "b")
    i4 = next(o for o in b.maluppfyllelse_data.indikatorer if o.indikator.id == "I4")
    assert i4.undertryckt
    assert i4.serie("kvinnor").varden == {}  # type: ignore[union-attr]
    assert i4.serie("man").varden == {}  # type: ignore[union-attr]  # secondary suppression
    assert i4.serie("kommun").varden == {2022: 12.0}  # type: ignore[union-attr]
    row = next(r for r in b.indikatorer().rader if r[0].startswith("Deltagare"))
    assert row[4] == "<5"
    assert any("Antal under 5" in n for n in b.indikatorer().noter)


def test_the_red_thread_and_its_gaps(model: Kommunmodell) -> None:
    k = KommunRapport(model, "2022-08")
    top = {im.inriktningsmal.id: im.bedomning for im in k.roda_traden_data.inriktningsmal}
    assert top == {"im1": D, "im2": E, "im3": X}
    gaps = {(g.typ, g.mal) for g in roda_traden.luckor(model, k.roda_traden_data)}
    assert ("Inriktningsmål utan nämndmål", "Inriktning tre") in gaps
    assert ("Nämndmål utan indikator", "Mål A2") in gaps
    assert ("Nämndmål utan aktivitet", "Mål B1") in gaps
    thread = k.roda_traden()
    assert ("Inriktning tre", "–", "Inget nämndmål", "0", "0", "–") in thread.rader
    counts = k.maluppfyllelse_namnder()
    assert counts.summa[0] == ("Hela kommunen", "0", "1", "1", "2", "4")
