"""The analysts' narrative: parsing, the checks behind ``kommunrapport check``, and status."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from quarto_fake import STAND_IN_KEYS, write_templates, write_text
from rich.console import Console
from typer.testing import CliRunner

from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.data.loader import load_model
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.site.checks import file_problems, narrative_problems
from kommunrapport.site.narrative import is_generated, parse_narrative
from kommunrapport.site.status import (
    describe_unfinished,
    narrative_status,
    status_table,
    unfinished_narratives,
)

runner = CliRunner()

GOOD = """---
title: "Barn- och utbildningsnämnden"
status: klar
ansvarig: "Anna Andersson"
metadata-files:
  - _executed/bun.yml
---

<!-- En kommentar som inte räknas. -->

## Sammanfattning

<!-- Vägledande fråga: Vad är viktigast? -->

Nämnden prognostiserar {{< meta nyckeltal.prognos_avvikelse_tkr >}} mot budget.

## Ekonomi

<!-- Vägledande fråga: Hur går det? -->

{{< embed _executed/bun.ipynb#tbl-drift >}}

### Drift

Utfallet följer budgeten.

```python
# kod räknas inte: ## inte en rubrik
```
"""


def test_parse_reads_front_matter_headings_shortcodes_and_words() -> None:
    n = parse_narrative(GOOD)
    assert n.status == "klar"
    assert n.ansvarig == "Anna Andersson"
    assert n.metadata_files == ("_executed/bun.yml",)
    assert [(h.level, h.text) for h in n.headings] == [
        (2, "Sammanfattning"),
        (2, "Ekonomi"),
        (3, "Drift"),
    ]
    assert all(h.written for h in n.headings)
    assert [(s.name, s.target) for s in n.shortcodes] == [
        ("meta", "nyckeltal.prognos_avvikelse_tkr"),
        ("embed", "_executed/bun.ipynb#tbl-drift"),
    ]
    assert (
        n.shortcodes[1].line
        == GOOD.splitlines().index("{{< embed _executed/bun.ipynb#tbl-drift >}}") + 1
    )
    # "Nämnden prognostiserar mot budget" + "Utfallet följer budgeten": not comments, code
    # or the shortcode.
    assert n.words == 4 + 3


def test_a_heading_with_only_its_question_and_an_embed_is_unwritten() -> None:
    text = GOOD.replace("Utfallet följer budgeten.", "")
    n = parse_narrative(text)
    assert [h.text for h in n.unwritten] == ["Ekonomi", "Drift"]
    assert n.unwritten[0].line == text.splitlines().index("## Ekonomi") + 1


def test_escaped_shortcodes_are_not_references() -> None:
    n = parse_narrative("---\ntitle: x\n---\n\nSkriv {{{< meta nyckeltal.x >}}} så här.\n")
    assert n.shortcodes == ()
    assert n.words == 3


def test_a_file_without_front_matter_is_reported_on_line_1() -> None:
    n = parse_narrative("## Rubrik\n\nText.\n")
    assert n.front_matter is None
    assert n.front_problems[0][0] == 1


@pytest.fixture
def project(minimal_project: ProjectPaths) -> ProjectPaths:
    write_templates(minimal_project)
    return minimal_project


def _problems(project: ProjectPaths, job: str, text: str) -> list[str]:
    write_text(project.narrative_file("2022-08", job), text)
    model = load_model(project)
    found = file_problems(project, model.period("2022-08"), job, keys=STAND_IN_KEYS)
    return [f"{p.row}|{p.column}|{p.message}" for p in found]


def test_a_sound_narrative_has_no_problems(project: ProjectPaths) -> None:
    assert _problems(project, "bun", GOOD) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("status: klar", "status: nästan", "|status|ogiltigt värde 'nästan'"),
        ('ansvarig: "Anna Andersson"', 'ansvarig: ""', "|ansvarig|får inte vara tomt"),
        ('ansvarig: "Anna Andersson"\n', "", "|ansvarig|fältet saknas"),
        ("  - _executed/bun.yml", "  - _executed/sn.yml", "|metadata-files|"),
        ("bun.ipynb#tbl-drift", "bun.ipynb#tbl-finns-inte", "etiketten 'tbl-finns-inte'"),
        ("_executed/bun.ipynb", "_executed/xyz.ipynb", "'xyz' körs inte för perioden 2022-08"),
        ("_executed/bun.ipynb", "../2022-04/_executed/bun.ipynb", "samma period"),
        ("prognos_avvikelse_tkr >}}", "prognos_fel >}}", "okänt nyckeltal 'prognos_fel'"),
        ("Utfallet följer budgeten.", "", "rubriken 'Ekonomi' har bara sin vägledande fråga"),
    ],
)
def test_each_problem_is_found_with_its_place(
    project: ProjectPaths, old: str, new: str, expected: str
) -> None:
    text = GOOD.replace(old, new)
    assert text != GOOD
    found = _problems(project, "bun", text)
    assert any(expected in p for p in found), found


def test_problem_rows_point_at_the_line(project: ProjectPaths) -> None:
    text = GOOD.replace("status: klar", "status: nästan")
    found = _problems(project, "bun", text)
    assert found[0].startswith("3|status|")
    text = GOOD.replace("bun.ipynb#tbl-drift", "bun.ipynb#tbl-x")
    line = text.splitlines().index("{{< embed _executed/bun.ipynb#tbl-x >}}") + 1
    assert any(p.startswith(f"{line}|{{{{< embed") for p in _problems(project, "bun", text))


def test_kommun_file_is_checked_against_kommun_labels_and_keys(project: ProjectPaths) -> None:
    text = (
        GOOD.replace("_executed/bun.yml", "_executed/kommun.yml")
        .replace("bun.ipynb#tbl-drift", "kommun.ipynb#tbl-balanskrav")
        .replace("nyckeltal.prognos_avvikelse_tkr", "nyckeltal.arets_resultat_mnkr")
    )
    assert _problems(project, "kommun", text) == []
    wrong = text.replace("kommun.ipynb#tbl-balanskrav", "kommun.ipynb#tbl-drift")
    assert any("etiketten 'tbl-drift'" in p for p in _problems(project, "kommun", wrong))


def test_yaml_errors_name_the_line(project: ProjectPaths) -> None:
    text = GOOD.replace("status: klar", "status: [klar")
    found = _problems(project, "bun", text)
    assert found and found[0].split("|")[0] in ("3", "4", "5")
    assert "YAML-syntaxfel" in found[0]


def test_stray_files_and_a_hand_written_index_are_reported(project: ProjectPaths) -> None:
    write_text(project.period_dir("2022-08") / "gammal.qmd", GOOD)
    write_text(project.period_report("2022-08"), "---\ntitle: Min\n---\n")
    model = load_model(project)
    found = narrative_problems(project, model, keys=STAND_IN_KEYS)
    files = {p.file for p in found}
    assert "reports/2022-08/gammal.qmd" in files
    assert "reports/2022-08/index.qmd" in files


def test_check_command_reports_narrative_problems(project: ProjectPaths) -> None:
    write_text(project.narrative_file("2022-08", "bun"), GOOD.replace("status: klar", "status: x"))
    result = runner.invoke(app, ["check", "--rot", str(project.root)])
    assert result.exit_code == ExitCode.DATA_INVALID, result.output
    assert "reports/2022-08/bun.qmd, rad 3, kolumn 'status'" in result.output
    assert "Traceback" not in result.output


def test_is_generated_reads_the_first_line_or_the_front_matter(tmp_path: Path) -> None:
    assert is_generated(write_text(tmp_path / "a.yml", "# Genererad av kommunrapport build.\n"))
    assert is_generated(
        write_text(tmp_path / "b.qmd", "---\n# Genererad av kommunrapport build.\ntitle: x\n---\n")
    )
    assert not is_generated(write_text(tmp_path / "c.qmd", "---\ntitle: x\n---\n"))
    assert not is_generated(tmp_path / "saknas.qmd")


def test_status_lists_every_file_with_its_progress(project: ProjectPaths) -> None:
    write_text(project.narrative_file("2022-08", "bun"), GOOD)
    draft = GOOD.replace("status: klar", "status: utkast").replace("Utfallet följer budgeten.", "")
    write_text(project.narrative_file("2022-08", "sn"), draft.replace("bun", "sn"))
    model = load_model(project)
    rows = {r.job: r for r in narrative_status(model)}
    assert list(rows) == ["kommun", "bun", "sn"]
    assert rows["kommun"].status == "saknas" and not rows["kommun"].exists
    assert (rows["bun"].status, rows["bun"].ansvarig, rows["bun"].words) == (
        "klar",
        "Anna Andersson",
        7,
    )
    assert rows["sn"].unwritten == ("Ekonomi", "Drift")
    console = Console(width=200, record=True)
    console.print(status_table(list(rows.values())))
    table = console.export_text()
    assert "Barn- och utbildningsnämnden" in table
    assert "2 av 3: Ekonomi, Drift" in table
    unfinished = unfinished_narratives(model)
    assert [r.job for r in unfinished] == ["kommun", "sn"]
    message = describe_unfinished(unfinished, project)
    assert "reports/2022-08/sn.qmd" in message and "utkast" in message


def test_status_command_prints_the_table(project: ProjectPaths) -> None:
    write_text(project.narrative_file("2022-08", "bun"), GOOD)
    result = runner.invoke(app, ["status", "--rot", str(project.root), "--period", "2022-08"])
    assert result.exit_code == ExitCode.OK, result.output
    assert "Texternas status" in result.output
    assert "klar" in result.output and "saknas" in result.output
    bad = runner.invoke(app, ["status", "--rot", str(project.root), "--period", "1999-01"])
    assert bad.exit_code == ExitCode.USAGE
    assert "okänd period 1999-01" in bad.output


def test_published_periods_are_the_whole_site_whatever_period_says(
    example_project: Callable[[], ProjectPaths],
) -> None:
    """A build of 2022-12 publishes 2022-08 (executed notebooks) and 2022-04 (pages in
    _site/) too, so their texts are what --publish checks."""
    from kommunrapport.site.status import publish_blockers, published_periods

    paths = example_project()
    model = load_model(paths)
    assert published_periods(model, ["2022-12"]) == ["2022-12"]
    paths.executed_notebook("2022-08", "kommun").parent.mkdir(parents=True)
    paths.executed_notebook("2022-08", "kommun").write_text("{}", encoding="utf-8")
    paths.site_period_dir("2022-04").mkdir(parents=True)
    assert published_periods(model, ["2022-12"]) == ["2022-04", "2022-08", "2022-12"]
    draft = paths.narrative_file("2022-04", "bun")
    draft.write_text(draft.read_text("utf-8").replace("status: klar", "status: utkast", 1))
    blockers = publish_blockers(model, ["2022-12"])
    assert [(r.period, r.job, r.status) for r in blockers] == [("2022-04", "bun", "utkast")]
