"""The template notebooks keep their contract: parameters, one library call per labelled cell,
every label of kommunrapport.content.labels with a Swedish caption, stored without outputs."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from kommunrapport.content.labels import KOMMUN_LABELS, NAMND_LABELS
from kommunrapport.content.rapport import KOMMUN_OUTPUTS, NAMND_OUTPUTS, KommunRapport, NamndRapport

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"

CASES = {
    "namnd": (
        NAMND_LABELS,
        NAMND_OUTPUTS,
        NamndRapport,
        {"period": "2022-08", "namnd": "bun", "jamforelsegrupp": None, "markera": []},
    ),
    "kommun": (KOMMUN_LABELS, KOMMUN_OUTPUTS, KommunRapport, {"period": "2022-08"}),
}


def _nb(name: str) -> dict[str, Any]:
    return json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))


def _source(cell: dict[str, Any]) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def _options(source: str) -> tuple[dict[str, Any], str]:
    lines = source.splitlines()
    head = [line[3:] for line in lines if line.startswith("#| ")]
    body = "\n".join(line for line in lines if not line.startswith("#|"))
    return (yaml.safe_load("\n".join(head)) or {}), body


@pytest.mark.parametrize("name", list(CASES))
def test_stored_without_outputs_with_stable_ids(name: str) -> None:
    nb = _nb(name)
    assert nb["nbformat"] == 4
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    ids = [c["id"] for c in nb["cells"]]
    assert len(ids) == len(set(ids)) and all(ids)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("name", list(CASES))
def test_parameters_cell_has_exactly_the_contract(name: str) -> None:
    expected = CASES[name][3]
    cells = [c for c in _nb(name)["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert len(cells) == 1
    values: dict[str, Any] = {}
    for node in ast.parse(_source(cells[0])).body:
        assert isinstance(node, ast.AnnAssign | ast.Assign)
        target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0]
        assert isinstance(target, ast.Name) and node.value is not None
        values[target.id] = ast.literal_eval(node.value)
    assert values == expected


@pytest.mark.parametrize("name", list(CASES))
def test_the_batch_runner_reads_the_same_parameters(name: str) -> None:
    from kommunrapport.batch.jobs import declared_parameters

    declared = declared_parameters(NOTEBOOKS / f"{name}.ipynb")
    assert set(declared) == set(CASES[name][3])


@pytest.mark.parametrize("name", list(CASES))
def test_every_label_once_with_its_caption_and_one_library_call(name: str) -> None:
    labels, outputs, cls, _ = CASES[name]
    assert set(outputs) == set(labels)
    seen: list[str] = []
    for cell in _nb(name)["cells"]:
        if cell["cell_type"] != "code":
            continue
        options, body = _options(_source(cell))
        if "label" not in options:
            continue
        label = options["label"]
        seen.append(label)
        assert cell["id"] == label  # embed finds the cell by id as well as by label
        kind = "fig" if label.startswith("fig-") else "tbl"
        assert label.startswith(("fig-", "tbl-"))
        assert options[f"{kind}-cap"] == labels[label]
        (stmt,) = ast.parse(body).body
        assert isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)
        call = stmt.value
        assert not call.args and not call.keywords
        assert isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)
        assert call.func.value.id == "rapport" and call.func.attr == outputs[label]
        assert callable(getattr(cls, call.func.attr))
    assert sorted(seen) == sorted(labels)


@pytest.mark.parametrize("name", list(CASES))
def test_no_logic_no_paths_and_nothing_unlabelled_displays(name: str) -> None:
    cls = CASES[name][2]
    code = [c for c in _nb(name)["cells"] if c["cell_type"] == "code"]
    unlabelled = [_source(c) for c in code if "#| label:" not in _source(c)]
    # parameters, imports, and the one line that loads the report: none of them displays
    assert unlabelled[1] == f"from kommunrapport.content.rapport import {cls.__name__}"
    assert unlabelled[2].startswith(f"rapport = {cls.__name__}.load(")
    assert len(unlabelled) == 3
    for cell in code:
        tree = ast.parse(_options(_source(cell))[1])
        for node in ast.walk(tree):
            assert not isinstance(node, ast.FunctionDef | ast.Lambda | ast.ClassDef)
            if isinstance(node, ast.Name):
                assert node.id not in {"open", "Path", "read_csv", "load_model"}
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert "/" not in node.value and "\\" not in node.value
