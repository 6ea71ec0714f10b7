"""The analysts' own text (issue 24, item 1): shortcodes other than embed and meta, raw HTML
other than plain comments, code cells and front-matter options that bring in files or code
are refused by check and build, naming file and line. What is let through is checked with
the real pandoc 3.9 (``pypandoc-binary``): it holds no raw HTML but comments."""

from __future__ import annotations

import json

import pytest
from pandoc_reading import pandoc, walk_ast
from quarto_fake import STAND_IN_KEYS, fake_build, write_templates, write_text
from test_narrative import GOOD
from typer.testing import CliRunner

from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.content.markup import md_text
from kommunrapport.data.loader import load_model
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.site.checks import file_problems
from kommunrapport.site.plan import plan_site
from kommunrapport.site.textsafety import raw_html_findings, shortcode_findings

runner = CliRunner()

ANCHOR = "Utfallet följer budgeten."
"""A prose line of GOOD (its line 26) after which an attack is inserted."""
ANCHOR_LINE = GOOD.splitlines().index(ANCHOR) + 1


@pytest.fixture
def project(minimal_project: ProjectPaths) -> ProjectPaths:
    write_templates(minimal_project)
    return minimal_project


def _problems(project: ProjectPaths, text: str) -> list[tuple[int | None, str]]:
    write_text(project.narrative_file("2022-08", "bun"), text)
    model = load_model(project)
    found = file_problems(project, model.period("2022-08"), "bun", keys=STAND_IN_KEYS)
    return [(p.row, p.message) for p in found]


BODY_ATTACKS = [
    ("<!-- {{< include ../../../home/u/.ssh/id_rsa >}} -->", "kortkoden 'include'"),
    ("Hemma: {{< env HOME >}}.", "kortkoden 'env'"),
    ("{{< var hemligt >}}", "kortkoden 'var'"),
    ("{{<include ../../../etc/hostname>}}", "kortkoden 'include'"),
    ('{{< "include" ../../../etc/hostname >}}', "kortkoden '\"include\"'"),
    ("{{< meta {{< env HOME >}} >}}", "'meta' får bara ha enkla argument"),
    ("{{< meta 'nyckeltal.x' >}}", "'meta' får bara ha enkla argument"),
    ("{{<\n  include ../../../etc/hostname\n>}}", "kortkoden 'include'"),
    ("{{{< meta x >}} {{< env HOME >}}", "kortkoden 'env'"),
    ("```\n{{< env HOME >}}\n```", "kortkoden 'env'"),
    ("<script>alert(1)</script>", "rå HTML"),
    ('Text <img src="x" onerror="alert(1)"> mer.', "rå HTML"),
    ("<iframe src=https://example.org></iframe>", "rå HTML"),
    ("</div>", "rå HTML"),
    ("<?php echo 1; ?>", "rå HTML"),
    ("<!DOCTYPE html>", "rå HTML"),
    ("Se `<b>fet</b>`{=html} här.", "rå kod ({=…})"),
    ("```{=html}\n<b>fet</b>\n```", "ett rått block"),
    ("```{python}\nimport os\nprint(os.environ)\n```", "en kodcell körs av Quarto"),
    ("``` {r}\nSys.getenv()\n```", "en kodcell körs av Quarto"),
    ("<!--> <script>alert(1)</script> -->", "kommentaren slutar i en webbläsare"),
    ("<!-- a --!> <script>alert(1)</script> -->", "kommentaren slutar i en webbläsare"),
    ("<!-- ingen slut", "kommentaren avslutas inte"),
]


@pytest.mark.parametrize(("attack", "expected"), BODY_ATTACKS)
def test_an_attack_in_the_body_is_refused_on_its_line(
    project: ProjectPaths, attack: str, expected: str
) -> None:
    text = GOOD.replace(ANCHOR, ANCHOR + "\n\n" + attack)
    found = _problems(project, text)
    assert any(expected in message for _, message in found), found
    lines = range(ANCHOR_LINE + 2, ANCHOR_LINE + 3 + attack.count("\n"))
    assert all(row in lines for row, _ in found), found


FRONT_ATTACKS = [
    ('title: "{{< include ../../../etc/hostname >}}"', 2, "kortkod som inte är tillåten"),
    ('title: "\\x7B\\x7B< env HOME >\\x7D\\x7D"', 2, "kortkod som inte är tillåten"),
    ('title: "Nämnd <img src=x onerror=alert(1)>"', 2, "får inte innehålla HTML"),
    ('title: "Nämnd <!-- dolt -->"', 2, "får inte innehålla HTML"),
    ("include-in-header: /etc/passwd", 7, "'include-in-header' lägger in en fil"),
    ("include-after-body:\n  text: '<script>x</script>'", 7, "'include-after-body'"),
    ("filters: [../../../tmp/x.lua]", 7, "kör Lua-kod"),
    ("format:\n  html:\n    include-in-header: /etc/passwd", 7, "'format' ändrar formaten"),
    ("execute:\n  enabled: true", 7, "kör kod"),
]


@pytest.mark.parametrize(("attack", "line", "expected"), FRONT_ATTACKS)
def test_an_attack_in_the_front_matter_is_refused_on_its_line(
    project: ProjectPaths, attack: str, line: int, expected: str
) -> None:
    if attack.startswith("title:"):
        text = GOOD.replace('title: "Barn- och utbildningsnämnden"', attack)
    else:
        text = GOOD.replace("---\n\n", attack + "\n---\n\n", 1)
    found = _problems(project, text)
    assert any(row == line and expected in message for row, message in found), found


def test_metadata_files_may_only_name_the_jobs_key_figures(project: ProjectPaths) -> None:
    text = GOOD.replace("  - _executed/bun.yml", "  - _executed/bun.yml\n  - ../../params/x.yml")
    found = _problems(project, text)
    assert any("får bara innehålla _executed/bun.yml" in m for _, m in found), found


ALLOWED = f"""{GOOD.replace("status: klar", "status: granskning")}
Så skrivs en kortkod som text: {{{{{{< include fil.qmd >}}}}}} och {{{{</* env HOME */>}}}}.

Länkar: <https://www.kolada.se> och <registrator@kommun.se>; 3 <5 och 7 < 9; \\<b> är text.

Kod visas: `<script>` och ``<b> ` </b>``.

```html
<script>alert(1)</script>
```

<!-- granskning: en vanlig kommentar går bra -->

<!--
Flera rader kommentar, med - och -- inuti.
-->
"""


def test_what_is_allowed_gives_no_problem(project: ProjectPaths) -> None:
    assert _problems(project, ALLOWED) == []


def _pandoc_raw(text: str) -> list[str]:
    """The raw HTML that pandoc 3.9 reads in ``text``."""
    pytest.importorskip("pypandoc", reason="pypandoc-binary saknas (pip install -e .[dev])")
    ast = json.loads(pandoc(text, "json"))
    return [el["c"][1] for el in walk_ast(ast) if el["t"] in ("RawBlock", "RawInline")]


def test_pandoc_reads_no_raw_html_but_comments_in_what_is_allowed() -> None:
    raw = _pandoc_raw(ALLOWED)
    assert raw, "the comments should be raw HTML to pandoc"
    assert all(r.startswith("<!--") and r.rstrip().endswith("-->") for r in raw), raw


@pytest.mark.parametrize(
    ("attack", "expected"),
    [
        (a, e)
        for a, e in BODY_ATTACKS
        if ("rå" in e or "kommentaren slutar" in e) and not a.startswith("<!DOCTYPE")
    ],
)
def test_pandoc_reads_raw_html_in_each_refused_text(attack: str, expected: str) -> None:
    """The refusals are not theoretical: pandoc passes each one into the page (all but
    ``<!DOCTYPE``, which pandoc 3.9 prints as text; it is refused all the same)."""
    raw = _pandoc_raw(attack + "\n")
    assert any("<" in r and not (r.startswith("<!--") and "<script" not in r) for r in raw), (
        expected,
        raw,
    )


def test_the_scanners_report_lines_counted_from_the_first_line() -> None:
    (sc,) = shortcode_findings("a\n\nb {{< env X >}}", first_line=10)
    assert sc.line == 12 and sc.snippet == "{{< env X >}}"
    (html,) = raw_html_findings("a\n<b>x</b>", first_line=5)
    assert html.line == 6 and html.snippet == "<b>"


def test_check_and_build_refuse_an_include_in_a_comment(project: ProjectPaths) -> None:
    attack = "<!-- {{< include ../../../home/u/.ssh/id_rsa >}} -->"
    write_text(project.narrative_file("2022-08", "bun"), GOOD.replace(ANCHOR, attack))
    for command in (["check"], ["build", "--no-render"]):
        result = runner.invoke(app, [*command, "--rot", str(project.root)])
        assert result.exit_code == ExitCode.DATA_INVALID, (command, result.output)
        assert f"reports/2022-08/bun.qmd, rad {ANCHOR_LINE}" in result.output
        assert "kortkoden 'include'" in result.output and "Traceback" not in result.output
    assert not any(project.executed_dir("2022-08").glob("*.ipynb"))


def test_a_title_is_plain_text_wherever_the_build_reuses_it(project: ProjectPaths) -> None:
    title = "Nämnden *för* [allt](https://example.org) & `kod`"
    write_text(
        project.narrative_file("2022-08", "bun"),
        GOOD.replace('"Barn- och utbildningsnämnden"', json.dumps(title)),
    )
    fake_build(project, "2022-08", ("kommun", "bun", "sn"))
    model = load_model(project)
    (ps,) = plan_site(model, ["2022-08"])
    (chapter,) = [c for c in ps.chapters if c.job == "bun"]
    assert chapter.title == md_text(title)
    assert "\\*för\\*" in chapter.title and "\\[allt\\]" in chapter.title
    # the scaffold's own escapes are undone first, so a title is never escaped twice
    write_text(
        project.narrative_file("2022-08", "bun"),
        GOOD.replace('"Barn- och utbildningsnämnden"', '"Barn\\\\- och \\\\*nämnden\\\\*"'),
    )
    (ps,) = plan_site(load_model(project), ["2022-08"])
    (chapter,) = [c for c in ps.chapters if c.job == "bun"]
    assert chapter.title == md_text("Barn- och *nämnden*")
