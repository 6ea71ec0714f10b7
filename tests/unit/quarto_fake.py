"""Fake build output for the Quarto-side tests: template notebooks with a cell per label,
"executed" notebooks with an output in every labelled cell, and key-figure files — made by
hand in milliseconds, so the site can be prepared without running any notebook; and a fake
``quarto`` binary (``tests/quarto_fake_bin.py``) that records what the build asks of it."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

# The fake `quarto` binary (tests/quarto_fake_bin.py) starts without kommunrapport.
from quarto_fake_bin import FAKE_FAILURE, install_fake_quarto, read_calls

from kommunrapport.content.labels import KOMMUN_LABELS, NAMND_LABELS
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.site.narrative import KOMMUN_JOB

# A 1×1 white PNG.
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108020000009077"
        "53de0000000c4944415408d763f8ffff3f0005fe02fea7d6a1a30000000049454e44ae426082"
    )
).decode()

STAND_IN_KEYS = {
    "namnd": ("budget_tkr", "prognos_avvikelse_tkr", "sjukfranvaro_procent"),
    "kommun": ("arets_resultat_mnkr", "balanskravsresultat_mnkr"),
}


def template_notebook(labels: Iterable[str]) -> dict[str, Any]:
    """A template notebook with a parameters cell and one labelled cell per label."""
    cells: list[dict[str, Any]] = [
        {
            "cell_type": "code",
            "id": "params",
            "metadata": {"tags": ["parameters"]},
            "source": 'period = "2022-08"\nnamnd = "bun"',
            "outputs": [],
            "execution_count": None,
        }
    ]
    for i, label in enumerate(labels):
        cap = "fig-cap" if label.startswith("fig-") else "tbl-cap"
        alt = f'\n#| fig-alt: "Diagram {label}: värdena ökar."' if label.startswith("fig-") else ""
        cells.append(
            {
                "cell_type": "code",
                "id": f"c{i}",
                "metadata": {},
                "source": f"#| label: {label}\n#| {cap}: Rubrik {label}{alt}\nvisa()",
                "outputs": [],
                "execution_count": None,
            }
        )
    return {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def executed(notebook: Mapping[str, Any]) -> dict[str, Any]:
    """The notebook with an output in every code cell (an image for fig-, a table else)."""
    nb = json.loads(json.dumps(notebook))
    for n, cell in enumerate(nb["cells"], start=1):
        if cell["cell_type"] != "code":
            continue
        cell["execution_count"] = n
        if "label: fig-" in cell["source"]:
            cell["outputs"] = [
                {"output_type": "display_data", "data": {"image/png": PNG}, "metadata": {}}
            ]
        else:
            cell["outputs"] = [
                {
                    "output_type": "execute_result",
                    "execution_count": n,
                    "metadata": {},
                    "data": {
                        "text/html": "<table><thead><tr><th>Verksamhet</th><th>Budget</th>"
                        "</tr></thead><tbody><tr><td>Skola</td><td>1 234</td></tr></tbody>"
                        "</table>",
                        "text/plain": "Verksamhet Budget",
                    },
                }
            ]
    return nb


def write_templates(paths: ProjectPaths) -> None:
    """notebooks/namnd.ipynb and kommun.ipynb with every label of kommunrapport.labels."""
    paths.notebooks_dir.mkdir(parents=True, exist_ok=True)
    for name, labels in (("namnd", NAMND_LABELS), ("kommun", KOMMUN_LABELS)):
        paths.template(name).write_text(json.dumps(template_notebook(labels)), encoding="utf-8")


def fake_build(
    paths: ProjectPaths,
    period: str,
    jobs: Iterable[str],
    keys: Mapping[str, Iterable[str]] = STAND_IN_KEYS,
    open_data: bool = True,
) -> None:
    """Write what a build leaves in reports/<period>/_executed/ for each job."""
    for job in jobs:
        template = "kommun" if job == KOMMUN_JOB else "namnd"
        source = json.loads(paths.template(template).read_text(encoding="utf-8"))
        target = paths.executed_notebook(period, job)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(executed(source)), encoding="utf-8")
        figures = "\n".join(f'  {k}: "1 234 tkr"' for k in keys[template])
        paths.key_figures_file(period, job).write_text(
            f"# Genererad av kommunrapport build. Ändra inte för hand.\nnyckeltal:\n{figures}\n",
            encoding="utf-8",
        )
        if open_data:
            folder = paths.open_data_dir(period, job)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "drift.csv").write_text("verksamhet,budget\nSkola,1234\n", encoding="utf-8")


def write_text(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


__all__ = ["FAKE_FAILURE", "install_fake_quarto", "read_calls"]
