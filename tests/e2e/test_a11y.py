"""The accessibility check itself (WCAG 2.1 AA with axe-core in headless Chromium): it finds
real violations, passes an nbconvert preview, and checks the rendered site when there is one.
The example's previews are checked in test_site_example.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from a11y_tool import REPO, a11y_unavailable, run_a11y

from kommunrapport.data.paths import ProjectPaths
from kommunrapport.site.preview import preview

pytestmark = pytest.mark.skipif(a11y_unavailable() is not None, reason=str(a11y_unavailable()))


def test_the_check_finds_violations(tmp_path: Path) -> None:
    page = tmp_path / "dålig.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>x</title></head><body><main>"
        '<img src="a.png"><p style="color:#bbbbbb">Grå text</p></main></body></html>',
        encoding="utf-8",
    )
    result = run_a11y(page)
    assert result.returncode == 1, result.stdout + result.stderr
    for rule in ("image-alt", "html-has-lang", "color-contrast"):
        assert rule in result.stdout


PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVQI12P4//8/AAX+Av7czFnnAAAAAElFTkSuQmCC"


def _executed_notebook() -> dict[str, object]:
    table = (
        "<table><caption>Drift</caption><thead><tr><th>Verksamhet</th><th>Budget, tkr</th>"
        "</tr></thead><tbody><tr><td>Grundskola</td><td>1 234</td></tr></tbody></table>"
    )
    return {
        "cells": [
            {
                "cell_type": "code",
                "id": "tbl-drift",
                "metadata": {},
                "source": "#| label: tbl-drift\n#| tbl-cap: Driftredovisning\nrapport.drift()",
                "execution_count": 1,
                "outputs": [
                    {
                        "output_type": "execute_result",
                        "execution_count": 1,
                        "metadata": {},
                        "data": {"text/html": table, "text/plain": "Drift"},
                    }
                ],
            },
            {
                "cell_type": "code",
                "id": "fig-drift",
                "metadata": {},
                "source": '#| label: fig-drift\n#| fig-alt: "Budget 1 234 tkr."\nrapport.diagram()',
                "execution_count": 2,
                "outputs": [
                    {"output_type": "display_data", "metadata": {}, "data": {"image/png": PNG}}
                ],
            },
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def test_a_preview_passes(minimal_project: ProjectPaths) -> None:
    target = minimal_project.executed_notebook("2022-08", "bun")
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps(_executed_notebook()), encoding="utf-8")
    result = run_a11y(preview(minimal_project, "2022-08", "bun"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 sidor kontrollerade" in result.stdout


def test_the_rendered_site_passes() -> None:
    site = REPO / "_site"
    if not (site / "index.html").is_file():
        pytest.skip("ingen renderad webbplats i _site/ (kör kommunrapport build med Quarto)")
    result = run_a11y(site)
    assert result.returncode == 0, result.stdout + result.stderr
