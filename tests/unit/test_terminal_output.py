"""Terminal output (issue 24, item 6): escape sequences and control characters from the
data or a front matter are shown escaped by ``check``, ``status`` and the build summary,
never sent to the terminal as they are."""

from __future__ import annotations

import json

import pytest
from quarto_fake import write_templates, write_text
from rich.console import Console
from test_narrative import GOOD
from typer.testing import CliRunner

from kommunrapport.batch.jobs import Job
from kommunrapport.batch.progress import summary_table
from kommunrapport.batch.runner import BuildReport, JobResult
from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode, TerminalConsole
from kommunrapport.content.markup import terminal_text
from kommunrapport.data.paths import ProjectPaths

runner = CliRunner()

CLEAR = "\x1b[2J\x1b[H"
"""Clears the screen and moves the cursor home."""
LINK = "\x1b]8;;https://example.org\x1b\\klicka\x1b]8;;\x1b\\"
"""An OSC 8 hyperlink: shows 'klicka', opens a web address."""
RLO = "\u202e"
"""Right-to-left override: turns the rest of the line around."""


def _raw_controls(text: str) -> list[str]:
    return [c for c in text if (ord(c) < 32 and c not in "\n\t") or c in "\x7f\u202e\x9b"]


def test_terminal_text_escapes_controls_and_keeps_lines() -> None:
    assert terminal_text(f"a{CLEAR}b") == "a\\x1b[2J\\x1b[Hb"
    assert terminal_text("rad 1\r\nrad 2\tx") == "rad 1\\x0d\nrad 2\tx"
    assert terminal_text(f"{RLO}fdp.exe\x07\x9b") == "\\u202efdp.exe\\x07\\x9b"
    assert terminal_text("Barn- och utbildningsnämnden – 1 234 kr") == (
        "Barn- och utbildningsnämnden – 1 234 kr"
    )


def test_the_console_escapes_every_string_and_text_it_prints() -> None:
    from rich.text import Text

    console = TerminalConsole(record=True, width=200, color_system=None)
    console.print(f"namn {CLEAR}", markup=False)
    console.print(Text(f"ansvarig {LINK}", style="bold"))
    console.print(f"[bold]Fel:[/] {RLO}x")
    shown = console.export_text()
    assert _raw_controls(shown) == []
    assert "namn \\x1b[2J" in shown and "\\x1b]8;;https://example.org" in shown
    assert "Fel: \\u202ex" in shown


@pytest.fixture
def project(minimal_project: ProjectPaths) -> ProjectPaths:
    write_templates(minimal_project)
    return minimal_project


def test_check_shows_a_control_character_in_a_cell_escaped(project: ProjectPaths) -> None:
    table = project.table_csv("driftredovisning")
    lines = table.read_text(encoding="utf-8").splitlines()
    head = lines[0].split(",")
    cells = lines[1].split(",")
    cells[head.index("budget")] = f"1{CLEAR}"
    lines[1] = ",".join(cells)
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["check", "--rot", str(project.root)])
    assert result.exit_code == ExitCode.DATA_INVALID, result.output
    assert "1\\x1b[2J\\x1b[H" in result.output
    assert _raw_controls(result.output) == []


def test_status_shows_a_front_matter_with_escapes_escaped(project: ProjectPaths) -> None:
    # JSON's escapes (\\u001b) are YAML's too in a double-quoted scalar
    text = GOOD.replace('"Anna Andersson"', json.dumps(f"Anna {LINK}{RLO}"))
    write_text(project.narrative_file("2022-08", "bun"), text)
    command = ["status", "--rot", str(project.root), "--period", "2022-08"]
    result = runner.invoke(app, command, env={"COLUMNS": "300"})
    assert result.exit_code == ExitCode.OK, result.output
    assert _raw_controls(result.output) == []
    assert "Anna \\x1b]8;;https://example.org\\x1b\\klicka" in result.output


def test_the_build_summary_shows_an_error_as_text() -> None:
    """A notebook's error may quote the data: its markup and escapes are shown as text."""
    job = Job("2022-08", "bun", "namnd", {})
    error = f"ValueError: '[bold]x[/] {CLEAR}' är fel [/]"
    report = BuildReport([JobResult(job, "misslyckad", 1.0, cell="cell 3", error=error)])
    console = TerminalConsole(record=True, width=300, color_system=None)
    console.print(summary_table(report))
    shown = console.export_text()
    assert "'[bold]x[/] \\x1b[2J\\x1b[H' är fel [/]" in shown
    assert _raw_controls(shown) == []
    plain = Console(record=True, width=300, color_system=None)
    plain.print(summary_table(report))  # any console: the table itself is safe
    assert _raw_controls(plain.export_text()) == []
