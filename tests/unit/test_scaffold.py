"""``kommunrapport new-period``: the narrative scaffold and the project's own files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml
from quarto_fake import STAND_IN_KEYS, write_templates, write_text
from typer.testing import CliRunner

from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.content.labels import KOMMUN_LABELS, NAMND_LABELS
from kommunrapport.data.fsutil import create_exclusive
from kommunrapport.data.loader import load_model
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.site.checks import narrative_problems
from kommunrapport.site.narrative import parse_narrative
from kommunrapport.site.scaffold import (
    ScaffoldError,
    load_template,
    new_period,
    project_template_files,
    render_narrative,
)

runner = CliRunner()


@pytest.fixture
def project(minimal_project: ProjectPaths) -> ProjectPaths:
    write_templates(minimal_project)
    return minimal_project


def _with_kind(project: ProjectPaths, kind: str) -> None:
    params = project.params_file
    text = params.read_text(encoding="utf-8").replace("typ: delårsrapport", f"typ: {kind}")
    params.write_text(text, encoding="utf-8")


def _embeds(text: str) -> list[str]:
    return [s.target.split("#")[1] for s in parse_narrative(text).shortcodes if s.name == "embed"]


def test_template_labels_are_those_of_the_contract() -> None:
    """A label renamed in kommunrapport.content.labels must be renamed in the templates too."""
    for name, labels in (("namnd", NAMND_LABELS), ("kommun", KOMMUN_LABELS)):
        placed = load_template(name).placed_labels()
        assert placed <= set(labels), placed - set(labels)


@pytest.mark.parametrize("kind", ["tertialrapport", "delårsrapport", "årsredovisning"])
def test_every_label_is_embedded_once_for_the_kommun(project: ProjectPaths, kind: str) -> None:
    _with_kind(project, kind)
    model = load_model(project)
    text = render_narrative(model, "2022-08", "kommun", keys=STAND_IN_KEYS)
    embeds = _embeds(text)
    assert len(embeds) == len(set(embeds))
    # the project has no data/koncern.yml: the koncern's sections are left out
    expected = {label for label in KOMMUN_LABELS if not label.startswith("tbl-koncern")}
    if kind != "årsredovisning":
        expected.discard("tbl-kassaflode")
        expected.discard("tbl-noter")
    assert set(embeds) == expected
    headings = [h.text for h in parse_narrative(text).headings]
    god = "God ekonomisk hushållning"
    if kind == "årsredovisning":
        god += " och ekonomisk ställning"
    assert god in headings and "Balanskravsresultat" in headings
    assert ("Förväntad utveckling" in headings) == (kind == "årsredovisning")
    assert "Den kommunala koncernen" not in headings


def test_nämnd_scaffold_has_the_headings_questions_and_embeds(project: ProjectPaths) -> None:
    model = load_model(project)
    text = render_narrative(model, "2022-08", "bun", keys=STAND_IN_KEYS)
    n = parse_narrative(text)
    assert n.front_matter == {
        "title": "Barn- och utbildningsnämnden",
        "subtitle": "Delårsrapport augusti 2022",
        "status": "utkast",
        "ansvarig": "Anna Andersson",
        "metadata-files": ["_executed/bun.yml"],
    }
    assert [h.text for h in n.headings] == [
        "Sammanfattning",
        "Väsentliga händelser",
        "Måluppfyllelse och analys",
        "Ekonomisk analys och prognos",
        "Personal",
        "Internkontroll",
        "Framtid och omvärld/risker",
    ]
    assert text.count("<!-- Vägledande fråga:") == len(n.headings)
    assert n.words == 0 and len(n.unwritten) == len(n.headings)
    assert set(_embeds(text)) == set(NAMND_LABELS)
    assert all(s.target.startswith("_executed/bun.ipynb#") for s in n.shortcodes)
    assert "{{{< meta nyckeltal.budget_tkr >}}}" in text
    assert "sjukfranvaro_procent" in text


def test_a_label_the_templates_do_not_place_gets_its_own_heading(project: ProjectPaths) -> None:
    write_templates(project)
    nb = project.template("namnd")
    nb.write_text(nb.read_text(encoding="utf-8").replace("tbl-personal", "tbl-ny-tabell"))
    text = render_narrative(load_model(project), "2022-08", "bun", keys=STAND_IN_KEYS)
    assert "## Övriga tabeller och diagram" in text
    assert "{{< embed _executed/bun.ipynb#tbl-ny-tabell >}}" in text
    assert "#tbl-personal" not in text


def test_the_scaffold_passes_the_check(project: ProjectPaths) -> None:
    model = load_model(project)
    new_period(model, "2022-08", keys=STAND_IN_KEYS)
    assert narrative_problems(project, model, keys=STAND_IN_KEYS) == []


def _snapshot(root: Path) -> dict[str, tuple[str, int]]:
    return {
        p.relative_to(root).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_new_period_creates_only_missing_files_and_a_rerun_changes_no_byte(
    project: ProjectPaths,
) -> None:
    model = load_model(project)
    edited = write_text(project.narrative_file("2022-08", "sn"), "---\ntitle: Egen text\n---\n")
    first = new_period(model, "2022-08", keys=STAND_IN_KEYS)
    created = {project.relative(p) for p in first.created}
    assert {"reports/2022-08/kommun.qmd", "reports/2022-08/bun.qmd", "_quarto.yml"} <= created
    assert "reports/2022-08/sn.qmd" not in created
    assert edited.read_text(encoding="utf-8") == "---\ntitle: Egen text\n---\n"
    project.narrative_file("2022-08", "bun").write_text("Min text.\n", encoding="utf-8")
    before = _snapshot(project.root)
    second = new_period(model, "2022-08", keys=STAND_IN_KEYS)
    assert second.created == ()
    assert {project.relative(p) for p in second.existing} == {
        "reports/2022-08/kommun.qmd",
        "reports/2022-08/bun.qmd",
        "reports/2022-08/sn.qmd",
    }
    assert _snapshot(project.root) == before


def test_project_files_come_from_the_package_template(project: ProjectPaths) -> None:
    new_period(load_model(project), "2022-08", keys=STAND_IN_KEYS)
    for rel, node in project_template_files():
        assert (project.root / rel).read_bytes() == node.read_bytes()


def test_create_exclusive_never_overwrites(tmp_path: Path) -> None:
    target = write_text(tmp_path / "a.qmd", "original")
    assert not create_exclusive(target, b"ny")
    assert target.read_text(encoding="utf-8") == "original"
    assert create_exclusive(tmp_path / "b" / "c.qmd", b"ny")
    assert (tmp_path / "b" / "c.qmd").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "b" / "c.qmd").read_bytes() == b"ny"
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["c.qmd"]  # no temporary left


def test_unknown_period_is_a_swedish_error(project: ProjectPaths) -> None:
    with pytest.raises(ScaffoldError, match=r"2031-04 finns inte i params/perioder\.yml"):
        new_period(load_model(project), "2031-04")


def test_new_period_command(project: ProjectPaths) -> None:
    result = runner.invoke(app, ["new-period", "2022-08", "--rot", str(project.root)])
    assert result.exit_code == ExitCode.OK, result.output
    assert "+ reports/2022-08/bun.qmd" in result.output
    again = runner.invoke(app, ["new-period", "2022-08", "--rot", str(project.root)])
    assert again.exit_code == ExitCode.OK
    assert "lämnades orörda" in again.output and "Skapade" not in again.output
    bad = runner.invoke(app, ["new-period", "2031-04", "--rot", str(project.root)])
    assert bad.exit_code == ExitCode.USAGE
    assert "Traceback" not in bad.output


def test_scaffolded_front_matter_is_plain_yaml(project: ProjectPaths) -> None:
    """A name with YAML-significant characters stays a string."""
    kommun = project.yaml_file("kommun")
    kommun.write_text(
        kommun.read_text(encoding="utf-8").replace("Anna Andersson", "'Anna: #1'"),
        encoding="utf-8",
    )
    text = render_narrative(load_model(project), "2022-08", "bun", keys=STAND_IN_KEYS)
    front = text.split("---\n")[1]
    assert yaml.safe_load(front)["ansvarig"] == "Anna: #1"


def test_the_example_projects_own_files_match_the_packaged_template() -> None:
    """The repository is the example project: its Quarto files must be the ones a new
    project gets from the package (so that the two cannot drift apart)."""
    from tests_support import REPO_ROOT

    files = project_template_files()
    assert files
    for rel, node in files:
        assert (REPO_ROOT / rel).read_bytes() == node.read_bytes(), rel
