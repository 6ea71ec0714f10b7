"""Data cannot change the site: a hostile text in every data field that reaches a generated
file comes out as that literal text, never as a shortcode, raw HTML, a comment end or a
YAML break (issue 17, item 1).

The example kommun gets the payload in every free-text field of its YAML files (found from
the data model) and of its tables (found from the table registry); then one period is
built (notebooks executed, no Quarto), the site's files are prepared, a new period's texts
are scaffolded and every job is previewed. Every generated file is then read as the tool
that consumes it would: Markdown by pandoc 3.9 (the version Quarto uses), YAML by PyYAML,
HTML by an HTML parser; and as raw text, which is what Quarto scans for shortcodes.
"""

from __future__ import annotations

import csv
import html
import json
import re
import typing
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from pandoc_reading import MULTILINE, PAYLOAD, markdown_problems, pandoc, walk_ast
from tests_support import make_example_copy
from typer.testing import CliRunner

from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.data import model as data_model
from kommunrapport.data.datasets import DATASETS
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.data.tablespec import Kind

pytestmark = pytest.mark.slow

runner = CliRunner()

PERIOD = "2022-12"


def flat(text: str) -> str:
    """The text on one line, as every generated file shows it."""
    return " ".join(text.split())


# --- which fields carry free text ----------------------------------------------------------

ID_COLUMNS = {
    "namnd",
    "indikator",
    "omrade",
    "grupp",
    "kommun",
    "id",
    "namndmal",
    "foretag",
    "part",
    "motpart",
}
"""Text columns that hold ids (checked against other files), not free text."""
NOT_TEXT_KEYS = {"logotyp", "id", "decimaler"}
"""Str fields of the data model that are not texts: a file name, the nämnd's id (which
has its own validator instead of a pattern: a safe id of at most 32 characters), and the
units that ``decimaler`` sets decimals for (looked up, never written)."""


def _leaves(t: Any, constraints: tuple[Any, ...] = ()) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    """The leaf types of an annotation, each with the constraints around it."""
    if typing.get_origin(t) is typing.Annotated:
        base, *meta = typing.get_args(t)
        yield from _leaves(base, (*constraints, *meta))
    elif typing.get_args(t):
        for arg in typing.get_args(t):
            yield from _leaves(arg, constraints)
    else:
        yield t, constraints


def _text_fields(cls: type[Any], seen: set[str] | None = None) -> set[str]:
    """The names of every free-text field of the pydantic models reachable from ``cls``:
    ``str`` fields that are not ids (ids have a pattern) nor file names."""
    out: set[str] = set()
    seen = seen if seen is not None else set()
    if cls.__name__ in seen:
        return out
    seen.add(cls.__name__)
    for name, info in cls.model_fields.items():
        for leaf, constraints in _leaves(info.annotation, tuple(info.metadata)):
            if isinstance(leaf, type) and hasattr(leaf, "model_fields"):
                out |= _text_fields(leaf, seen)
            patterned = any(getattr(c, "pattern", None) for c in constraints)
            if leaf is str and not patterned and name not in NOT_TEXT_KEYS:
                out.add(name)
    return out


YAML_TEXT_KEYS = {
    "namn",
    "forvaltning",
    "skribenter",
    "vision",
    "mandatperiod",
    "beskrivning",
    "enhet",
    "titel",
    "inriktningsmal",  # benamningar: what the kommun calls its goal levels
    "namndmal",
    "benamning",  # a goal's own kind (Verksamhetsmål beside Nämndmål)
}
LIST_TEXT_KEYS = {"skribenter"}
"""The one list of texts; other lists under these keys hold ids or records."""


def test_the_injected_yaml_fields_are_every_text_field_of_the_data_model() -> None:
    models = (
        data_model.Organisation,
        data_model.Malkedja,
        data_model.FinansiellaMal,
        data_model.Perioder,
    )
    found: set[str] = set()
    for m in models:
        found |= _text_fields(m)
    assert found == YAML_TEXT_KEYS


def _table_text_columns() -> dict[str, list[str]]:
    return {
        ds.name: [
            c.name
            for c in ds.columns
            if c.kind is Kind.TEXT and not c.allowed and c.name not in ID_COLUMNS
        ]
        for ds in DATASETS.values()
    }


def _inject_yaml(path: Path, tag: str) -> int:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    count = 0

    def walk(node: Any, where: str) -> Any:
        nonlocal count
        if isinstance(node, dict):
            out = {}
            for k, v in node.items():
                if k in YAML_TEXT_KEYS and isinstance(v, str):
                    count += 1
                    out[k] = f"{tag}{count} {PAYLOAD}"
                elif k in LIST_TEXT_KEYS and isinstance(v, list):
                    count += len(v)
                    out[k] = [f"{tag}{count}.{i} {PAYLOAD}" for i, _ in enumerate(v)]
                else:
                    out[k] = walk(v, f"{where}.{k}")
            return out
        if isinstance(node, list):
            return [walk(v, where) for v in node]
        return node

    path.write_text(yaml.safe_dump(walk(data, ""), allow_unicode=True), encoding="utf-8")
    return count


def _inject_csv(path: Path, columns: list[str]) -> int:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        return 0
    fields = list(rows[0])
    names: dict[tuple[str, str], str] = {}
    for row in rows:
        for col in columns:
            if row.get(col):
                key = (col, row[col])
                names.setdefault(key, f"{path.stem}.{col}{len(names)} {PAYLOAD}")
                row[col] = names[key]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return len(names)


# --- reading the generated files as their consumers do ----------------------------------------


def _yaml_strings(node: Any) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(v, str):
                yield str(k), v
            else:
                for kk, vv in _yaml_strings(v):
                    yield f"{k}.{kk}", vv
    elif isinstance(node, list):
        for v in node:
            yield from _yaml_strings(v)


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src") and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and "alert(" in data:
            self.problems.append(f"script {data[:80]!r}")
        self.text.append(data)


# --- the test -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[ProjectPaths, dict[str, int]]:
    paths = make_example_copy(tmp_path_factory.mktemp("fientlig"), with_reports=False)
    counts: dict[str, int] = {}
    chain = paths.yaml_file("malkedja")
    data = yaml.safe_load(chain.read_text(encoding="utf-8"))
    data["benamningar"] = {"inriktningsmal": "Målområde", "namndmal": "Verksamhetsmål"}
    chain.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for stem in ("kommun", "malkedja", "finansiella_mal"):
        counts[f"{stem}.yml"] = _inject_yaml(paths.yaml_file(stem), stem)
    counts["perioder.yml"] = _inject_yaml(paths.params_file, "perioder")
    for name, columns in _table_text_columns().items():
        path = paths.table_csv(name)
        if columns and path.is_file():
            counts[f"{name}.csv"] = _inject_csv(path, columns)
    checked = runner.invoke(app, ["check", "--rot", str(paths.root)])
    assert checked.exit_code == ExitCode.OK, checked.output
    made = runner.invoke(app, ["new-period", PERIOD, "--rot", str(paths.root)])
    assert made.exit_code == ExitCode.OK, made.output
    built = runner.invoke(
        app, ["build", "--rot", str(paths.root), "--period", PERIOD, "--no-render"]
    )
    assert built.exit_code == ExitCode.OK, built.output
    from kommunrapport.data.loader import load_model
    from kommunrapport.site.write import prepare_site

    model = load_model(paths)
    prepare_site(model)
    for job in [*(n.id for n in model.period(PERIOD).namnder), "kommun"]:
        shown = runner.invoke(app, ["preview", PERIOD, job, "--rot", str(paths.root)])
        assert shown.exit_code == ExitCode.OK, shown.output
    return paths, counts


def test_every_free_text_field_got_the_payload(
    hostile: tuple[ProjectPaths, dict[str, int]],
) -> None:
    _, counts = hostile
    for name in ("kommun.yml", "malkedja.yml", "finansiella_mal.yml", "perioder.yml"):
        assert counts[name] > 0, name
    for name in ("aktiviteter.csv", "driftredovisning.csv", "investeringar.csv", "noter.csv"):
        assert counts[name] > 0, name
    assert counts["internkontroll.csv"] > 0 and counts["jamforelsegrupper.csv"] > 0
    assert counts["bedomningar.csv"] > 0


def _generated_markdown(paths: ProjectPaths) -> Iterator[tuple[str, str]]:
    yield "_perioder.md", paths.periods_include_file.read_text(encoding="utf-8")
    for qmd in sorted(paths.period_dir(PERIOD).glob("*.qmd")):
        yield paths.relative(qmd), qmd.read_text(encoding="utf-8")
    for nb_path in sorted(paths.executed_dir(PERIOD).rglob("*.ipynb")):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            for out in cell.get("outputs", []):
                md = out.get("data", {}).get("text/markdown")
                if md:
                    yield paths.relative(nb_path), "".join(md)


def test_generated_markdown_carries_the_payload_as_literal_text(
    hostile: tuple[ProjectPaths, dict[str, int]],
) -> None:
    paths, _ = hostile
    problems: list[str] = []
    seen = 0
    for where, text in _generated_markdown(paths):
        problems += markdown_problems(text, where)
        seen += pandoc(text, "plain").count(flat(PAYLOAD))
    assert problems == [], "\n".join(problems)
    assert seen > 50  # headings, lists, table cells, notes: the text itself comes through
    index = pandoc(paths.period_report(PERIOD).read_text(encoding="utf-8"), "plain")
    assert flat(PAYLOAD) in index
    assert flat(PAYLOAD) in pandoc(paths.periods_include_file.read_text("utf-8"), "plain")


def test_figure_alt_text_is_the_literal_text(
    hostile: tuple[ProjectPaths, dict[str, int]],
) -> None:
    paths, _ = hostile
    alts = []
    for nb_path in sorted(paths.executed_dir(PERIOD).glob("*.ipynb")):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            for out in cell.get("outputs", []):
                md = "".join(out.get("data", {}).get("text/markdown", ""))
                if md.startswith("![]("):
                    assert "{{<" not in md and "<script" not in md, md[-300:]
                    ast = json.loads(pandoc(md, "json"))
                    (image,) = [e for e in walk_ast(ast) if e["t"] == "Image"]
                    alts.append(dict(image["c"][0][2])["fig-alt"])
                    parser = _Html()
                    parser.feed("".join(out["data"]["text/html"]))
                    assert parser.problems == []
    assert any(flat(PAYLOAD) in alt for alt in alts), alts[:3]


def test_generated_yaml_is_data_and_its_markdown_values_are_literal(
    hostile: tuple[ProjectPaths, dict[str, int]],
) -> None:
    paths, _ = hostile
    files = [
        paths.site_config_file,
        paths.report_metadata_file(PERIOD),
        *sorted(paths.executed_dir(PERIOD).glob("*.yml")),
    ]
    fronts = [
        (p, p.read_text(encoding="utf-8").split("---\n")[1])
        for p in sorted(paths.period_dir(PERIOD).glob("*.qmd"))
    ]
    hits = 0
    for path, text in [*((p, p.read_text(encoding="utf-8")) for p in files), *fronts]:
        where = paths.relative(path)
        assert "{{<" not in text and "-->" not in text, where
        assert not re.search(r"(?<!\\)<(?:script|img|!--)", text), where
        data = yaml.safe_load(text)
        assert isinstance(data, dict), where
        for key, value in _yaml_strings(data):
            if "alert(2)" not in value:
                continue
            hits += 1
            if key.endswith("logo-alt"):  # inserted into HTML by Quarto's template
                assert flat(PAYLOAD) in html.unescape(value), (where, key)
                assert "<" not in value
            else:  # titles, menu texts, key figures: pandoc reads every value as Markdown
                assert markdown_problems(value, f"{where}: {key}") == []
                assert flat(PAYLOAD) in pandoc(value, "plain"), (where, key, value)
    assert hits > 20


def test_the_preview_shows_the_payload_as_text(
    hostile: tuple[ProjectPaths, dict[str, int]],
) -> None:
    paths, _ = hostile
    pages = sorted(paths.executed_dir(PERIOD).glob("*.html"))
    assert len(pages) == 8
    for page in pages:
        parser = _Html()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.problems == [], page.name
        assert flat(PAYLOAD) in " ".join(" ".join(parser.text).split()), page.name


def test_check_refuses_a_name_on_two_lines(example_project: Callable[[], ProjectPaths]) -> None:
    paths = example_project()
    kommun = paths.yaml_file("kommun")
    data = yaml.safe_load(kommun.read_text(encoding="utf-8"))
    data["namnder"][1]["namn"] = MULTILINE
    data["namnder"][2]["forvaltning"] = "Social\x07förvaltningen"
    kommun.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    drift = paths.table_csv("driftredovisning")
    drift.write_text(
        drift.read_text(encoding="utf-8").replace(
            "Kommunledning och administration", '"Kommunledning\noch administration"', 1
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["check", "--rot", str(paths.root)])
    assert result.exit_code == ExitCode.DATA_INVALID, result.output
    out = " ".join(result.output.split())
    assert "data/kommun.yml" in out and "namnder.1.namn" in out
    assert "radbrytning" in out
    assert "namnder.2.forvaltning" in out and "styrtecken (U+0007)" in out
    assert "data/driftredovisning.csv" in out and "verksamhet" in out
    assert "Traceback" not in result.output
