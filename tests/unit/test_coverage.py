"""Chapter coverage: the kommun scaffold has a heading for every part of the
förvaltningsberättelse (LKBR 11 kap., RKR R15) and the sammanställda räkenskaper, the
koncern's parts only when the report shows the koncern, and `check` lists the headings
still missing or without text."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from typer.testing import CliRunner

from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.content.labels import KOMMUN_LABELS
from kommunrapport.data.loader import load_model
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.site.coverage import KRAV, required_headings, uncovered
from kommunrapport.site.narrative import parse_narrative
from kommunrapport.site.scaffold import load_template, render_narrative

runner = CliRunner()
KONCERN_LABELS = {label for label in KOMMUN_LABELS if label.startswith("tbl-koncern")}


def test_the_template_has_a_heading_for_every_required_part() -> None:
    template = load_template("kommun")
    with_koncern = {s.krav for s in template.sections("årsredovisning", True)} - {None}
    assert with_koncern == set(KRAV)
    without = {s.krav for s in template.sections("årsredovisning", False)} - {None}
    assert without == set(KRAV) - {"koncern", "sammanstallda"}
    assert all(s.krav in KRAV for s in template.avsnitt if s.krav)


@pytest.fixture
def example(example_project: Callable[[], ProjectPaths]) -> ProjectPaths:
    return example_project()


def _embeds(text: str) -> set[str]:
    return set(re.findall(r"\{\{< embed _executed/kommun\.ipynb#([\w-]+) >\}\}", text))


def test_the_arsredovisning_scaffold_has_the_koncern_and_every_required_heading(
    example: ProjectPaths,
) -> None:
    model = load_model(example)
    text = render_narrative(model, "2022-12", "kommun")
    headings = [h.text for h in parse_narrative(text).headings]
    required = required_headings(model, "2022-12")
    assert set(required.values()) == set(KRAV)
    assert set(required) <= set(headings)
    assert "Den kommunala koncernen" in headings
    assert "Sammanställda räkenskaper" in headings
    assert _embeds(text) >= KONCERN_LABELS


def test_the_delarsrapport_has_the_koncern_only_when_params_say_so(example: ProjectPaths) -> None:
    model = load_model(example)
    august = render_narrative(model, "2022-08", "kommun")  # koncern: true
    april = render_narrative(model, "2022-04", "kommun")  # not set: a tertialrapport has none
    assert "## Den kommunala koncernen" in august
    assert "tbl-koncern-organisation" in _embeds(august)
    assert "## Den kommunala koncernen" not in april
    assert not KONCERN_LABELS & _embeds(april)
    assert required_headings(model, "2022-08") == {}


def test_the_example_texts_cover_everything(example: ProjectPaths) -> None:
    assert uncovered(load_model(example)) == []


def test_check_lists_missing_and_unwritten_headings_without_failing(
    example: ProjectPaths,
) -> None:
    model = load_model(example)
    target = example.narrative_file("2022-12", "kommun")
    scaffold = render_narrative(model, "2022-12", "kommun")
    target.write_text(scaffold.replace("## Den kommunala koncernen\n", ""), encoding="utf-8")
    todo = [str(p) for p in uncovered(model)]
    assert any(
        "reports/2022-12/kommun.qmd: rubriken 'Den kommunala koncernen' saknas; "
        "årsredovisningen ska ha den kommunala koncernen" in t
        for t in todo
    ), todo
    assert any("rubriken 'Sammanställda räkenskaper' har ännu ingen text." in t for t in todo)
    assert not any("reports/2022-12/bun.qmd" in t for t in todo)
    result = runner.invoke(app, ["check", "--rot", str(example.root)])
    assert result.exit_code == ExitCode.OK, result.output
    assert "Rubriker som ännu saknas eller saknar text" in result.output
    assert "rubriken 'Den kommunala koncernen' saknas" in result.output
    assert "Kontrollen är klar" in result.output
