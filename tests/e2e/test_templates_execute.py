"""Both template notebooks, executed once each with papermill on the example kommun."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest

from kommunrapport.content.labels import KOMMUN_LABELS, NAMND_LABELS
from kommunrapport.data.paths import ROOT_ENV, ProjectPaths

pytestmark = pytest.mark.slow

FIG_MARKDOWN = re.compile(r'^!\[\]\(data:image/png;base64,[A-Za-z0-9+/=]+\)\{fig-alt="[^\n]+"\}\n$')


def _execute(
    project: ProjectPaths, name: str, parameters: dict[str, Any], out: Path
) -> nbformat.NotebookNode:
    import papermill

    papermill.execute_notebook(
        str(project.template(name)),
        str(out),
        parameters=parameters,
        kernel_name="python3",
        cwd=str(project.notebooks_dir),
        progress_bar=False,
    )
    return nbformat.read(out, as_version=4)


def _check(nb: nbformat.NotebookNode, labels: dict[str, str]) -> None:
    found: dict[str, list[Any]] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.source
        assert not [o for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"]
        match = re.search(r"^#\| label: (\S+)$", cell.source, re.M)
        if match:
            found[match.group(1)] = cell.outputs
        else:
            assert cell.outputs == [], cell.source  # nothing unlabelled reaches the report
    assert set(found) == set(labels)
    for label, outputs in found.items():
        (output,) = outputs
        data = output["data"]
        assert "text/markdown" in data, label
        if label.startswith("fig-"):
            assert FIG_MARKDOWN.match(data["text/markdown"]), label
            assert ' alt="' in data["text/html"]
        else:
            assert "text/html" not in data  # one table for every format


def test_both_templates_run_on_the_example(
    example_project: Callable[[], ProjectPaths], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = example_project()
    monkeypatch.setenv(ROOT_ENV, str(project.root))
    nämnd = _execute(
        project,
        "namnd",
        {"period": "2022-08", "namnd": "sn", "jamforelsegrupp": "G176743", "markera": ["U23471"]},
        tmp_path / "sn.ipynb",
    )
    _check(nämnd, NAMND_LABELS)
    kommun = _execute(project, "kommun", {"period": "2022-12"}, tmp_path / "kommun.ipynb")
    _check(kommun, KOMMUN_LABELS)
    text = "".join(
        o["data"]["text/markdown"] for c in kommun.cells if c.cell_type == "code" for o in c.outputs
    )
    text = text.replace("\u00ad", "")  # soft hyphens in long words of table cells
    assert "Balanskravsresultat" in text and "Kassaflöde från den löpande verksamheten" in text


def test_the_example_shows_every_bedomning_in_every_period(
    example_project: Callable[[], ProjectPaths],
) -> None:
    from kommunrapport.content.assessment import Bedomning
    from kommunrapport.content.rapport import KommunRapport
    from kommunrapport.data.loader import load_model

    model = load_model(example_project())
    for period in model.perioder.perioder:
        rt = KommunRapport(model, period.id).roda_traden_data
        seen = {g.bedomning for mu in rt.namnder.values() for g in mu.mal}
        assert seen == set(Bedomning), period.id
