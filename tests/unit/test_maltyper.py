"""Goals of more than one kind in a nämnd (issue 22, point 5): the kind is a property of the
goal (``benamning``, default the kommun's ``benamningar.namndmal``), and every caption, table
heading, note, check message and guiding question uses the goal's own word."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import nbformat
import pytest
from content_project import MALKEDJA, TABLES, load, write_project
from content_project import caption as _caption

from kommunrapport.batch.jobs import Job, notebook_source
from kommunrapport.content.labels import (
    KOMMUN_TEMPLATE,
    NAMND_LABELS,
    NAMND_TEMPLATE,
    TEMPLATE_LABELS,
    GoalWords,
    captions,
)
from kommunrapport.content.rapport import KommunRapport, NamndRapport
from kommunrapport.content.roda_traden import luckor
from kommunrapport.data.loader import check
from kommunrapport.site.scaffold import render_narrative

REPO = Path(__file__).parents[2]


def _chain(kind: str | None = "Verksamhetsmål", **benamningar: str) -> dict[str, Any]:
    """The default goal chain with goal a1 of kind ``kind`` (a2, b1, b2 of the default)."""
    chain = copy.deepcopy(MALKEDJA)
    for goal in chain["namndmal"]:
        if goal["id"] == "a1" and kind is not None:
            goal["benamning"] = kind
    if benamningar:
        chain["benamningar"] = benamningar
    return chain


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    write_project(root, malkedja=_chain())
    (root / "notebooks").mkdir()
    for name in ("namnd", "kommun"):
        (root / "notebooks" / f"{name}.ipynb").write_bytes(
            (REPO / "notebooks" / f"{name}.ipynb").read_bytes()
        )
    return root


def test_the_default_words_give_the_templates_captions() -> None:
    # the template notebooks' captions are these: a project without own words changes none
    assert captions(NAMND_TEMPLATE, False, GoalWords()) == {}
    assert captions(KOMMUN_TEMPLATE, False, GoalWords()) == {}
    for template in (NAMND_TEMPLATE, KOMMUN_TEMPLATE):
        nb = nbformat.read(REPO / "notebooks" / f"{template}.ipynb", as_version=4)  # type: ignore[no-untyped-call]
        for label, caption in TEMPLATE_LABELS[template].items():
            if any(f"#| label: {label}\n" in str(c.source) for c in nb.cells):
                assert _caption(nb, label) == caption


def test_a_nambd_with_two_kinds_groups_its_goals_under_each(project: Path) -> None:
    model = load(project, malkedja=_chain())
    t = NamndRapport.from_params(model, "2022-08", "a").maluppfyllelse()
    assert t.headings[0] == "Mål"
    firsts = [r[0] for r in t.rader]
    assert firsts[0] == "Verksamhetsmål" and "Nämndmål" in firsts
    assert firsts.index("Mål A1") < firsts.index("Nämndmål") < firsts.index("Mål A2")
    assert t.markerade == frozenset({0, firsts.index("Nämndmål")})
    assert any(n.startswith("Regel: ett mål är uppfyllt") for n in t.noter)
    # nämnd b has one kind: no heading rows, the kind's own word heads the column
    b = NamndRapport.from_params(model, "2022-08", "b").maluppfyllelse()
    assert b.headings[0] == "Nämndmål" and not b.markerade
    assert NamndRapport.from_params(model, "2022-08", "a").aktiviteter().headings[0] == "Mål"


def test_captions_and_the_guiding_question_name_the_nambds_kinds(project: Path) -> None:
    model = load(project, malkedja=_chain())
    job = Job("2022-08", "a", NAMND_TEMPLATE, {"period": "2022-08", "namnd": "a"})
    source = notebook_source(model.paths, job, model)
    assert (
        _caption(source, "tbl-maluppfyllelse") == "Måluppfyllelse per verksamhetsmål och nämndmål"
    )
    assert _caption(source, "tbl-aktiviteter") == "Aktiviteter per verksamhetsmål och nämndmål"
    other = Job("2022-08", "b", NAMND_TEMPLATE, {"period": "2022-08", "namnd": "b"})
    assert (
        _caption(notebook_source(model.paths, other, model), "tbl-maluppfyllelse")
        == (NAMND_LABELS["tbl-maluppfyllelse"])
    )
    kommun = Job("2022-08", "kommun", KOMMUN_TEMPLATE, {"period": "2022-08"})
    assert _caption(notebook_source(model.paths, kommun, model), "tbl-roda-traden") == (
        "Den röda tråden: inriktningsmål, verksamhetsmål och nämndmål"
    )
    assert "Hur går det med verksamhetsmålen och nämndmålen?" in render_narrative(
        model, "2022-08", "a"
    )
    assert "Hur går det med nämndmålen?" in render_narrative(model, "2022-08", "b")


def test_the_kommuns_own_words_reach_captions_headings_and_questions(project: Path) -> None:
    chain = _chain(None, inriktningsmal="Målområde", namndmal="Åtagande")
    model = load(project, malkedja=chain)
    job = Job("2022-08", "a", NAMND_TEMPLATE, {"period": "2022-08", "namnd": "a"})
    source = notebook_source(model.paths, job, model)
    assert _caption(source, "tbl-maluppfyllelse") == "Måluppfyllelse per åtaganden"
    t = NamndRapport.from_params(model, "2022-08", "a").maluppfyllelse()
    assert t.headings[:2] == ["Åtagande", "Målområde"]
    kommun = Job("2022-08", "kommun", KOMMUN_TEMPLATE, {"period": "2022-08"})
    ks = notebook_source(model.paths, kommun, model)
    assert _caption(ks, "tbl-maluppfyllelse-namnder") == "Åtagandenas bedömning per nämnd"
    assert _caption(ks, "tbl-inriktningsmal") == "Bedömning per målområde"
    text = render_narrative(model, "2022-08", "kommun")
    assert "Hur går det med kommunfullmäktiges målområdena? Vilka åtaganden bidrar" in text


def test_the_red_thread_and_its_gaps_say_each_goals_kind(project: Path) -> None:
    model = load(project, malkedja=_chain())
    rapport = KommunRapport(model, "2022-08")
    t = rapport.roda_traden()
    assert "Typ av mål" in t.headings
    kinds = {r[2]: r[3] for r in t.rader if r[2].startswith("Mål ")}
    assert kinds["Mål A1"] == "Verksamhetsmål" and kinds["Mål A2"] == "Nämndmål"
    gaps = {(g.typ, g.mal): g.beskrivning for g in luckor(model, rapport.roda_traden_data)}
    assert gaps[("Nämndmål utan indikator", "Mål A2")] == (
        "Nämndmålet kan inte följas upp och bedömas."
    )
    assert ("Inriktningsmål utan verksamhetsmål eller nämndmål", "Inriktning tre") in gaps
    chain = _chain()
    chain["namndmal"][2]["benamning"] = "Verksamhetsmål"  # b1, which has no activity
    model = load(project, malkedja=chain)
    rapport = KommunRapport(model, "2022-08")
    gaps = {(g.typ, g.mal): g.beskrivning for g in luckor(model, rapport.roda_traden_data)}
    assert gaps[("Verksamhetsmål utan aktivitet", "Mål B1")] == (
        "Ingen aktivitet är kopplad till verksamhetsmålet under perioden."
    )


def test_check_messages_name_the_goal_by_its_kind(tmp_path: Path) -> None:
    chain = _chain()
    chain["namndmal"][0]["inriktningsmal"] = ["im9"]
    problems = check(write_project(tmp_path, malkedja=chain))
    assert any(
        "verksamhetsmålet 'a1' länkar till okänt inriktningsmål 'im9'" in p.message
        for p in problems
    ), problems


def test_a_kind_from_the_data_is_literal_text_in_caption_and_question(project: Path) -> None:
    model = load(project, malkedja=_chain("*Mål* --> {{< env HOME >}}"))
    job = Job("2022-08", "a", NAMND_TEMPLATE, {"period": "2022-08", "namnd": "a"})
    nb = notebook_source(model.paths, job, model)
    line = next(
        x
        for c in nb.cells
        if "#| label: tbl-maluppfyllelse\n" in str(c.source)
        for x in str(c.source).split("\n")
        if "-cap:" in x
    )
    caption = json.loads(line.split("-cap:", 1)[1])
    assert "\\*mål\\*" in caption and "{{<" not in caption
    text = render_narrative(model, "2022-08", "a")
    question = next(x for x in text.split("\n") if "Hur går det med" in x)
    assert question.count("-->") == 1 and question.endswith("-->")
    assert "{{<" not in question


def test_the_open_data_say_each_goals_kind(project: Path) -> None:
    from kommunrapport.content import opendata
    from kommunrapport.content.opendata.kommun import kommun_tables

    model = load(project, malkedja=_chain())
    goals = opendata.tables(model, "2022-08", "a")["maluppfyllelse"].frame
    assert dict(zip(goals["namndmal_id"], goals["maltyp"], strict=True)) == {
        "a1": "Verksamhetsmål",
        "a2": "Nämndmål",
    }
    thread = kommun_tables(model, "2022-08")["roda_traden"].frame
    assert set(thread.loc[thread["namndmal_id"] == "b1", "maltyp"]) == {"Nämndmål"}


def test_an_unknown_goal_is_named_with_the_kommuns_word(tmp_path: Path) -> None:
    chain = _chain(None, namndmal="Åtagande")
    override = {
        "namnd": "a",
        "period": "2022-08",
        "namndmal": "x9",
        "indikator": None,
        "bedomning": "uppfyllt",
        "motivering": "Klart.",
    }
    activity = {**TABLES["aktiviteter"][0], "namndmal": "x9"}
    problems = check(
        write_project(tmp_path, malkedja=chain, bedomningar=[override], aktiviteter=[activity])
    )
    messages = [(p.file.rsplit("/", 1)[-1], p.message) for p in problems]
    assert ("bedomningar.csv", "okänt åtagande 'x9'.") in messages, messages
    assert ("aktiviteter.csv", "okänt åtagande 'x9'.") in messages, messages
