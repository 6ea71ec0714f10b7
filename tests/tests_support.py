"""Helpers shared by test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from kommunrapport.data.paths import ProjectPaths

REPO_ROOT = Path(__file__).parent.parent
EXAMPLE_PARTS = ("data", "params", "notebooks", "reports", "assets", "_quarto.yml", "index.qmd")


def make_example_copy(parent: Path, *, with_reports: bool = True) -> ProjectPaths:
    """A copy of the bundled example kommun in ``parent/projekt``, without build output or
    generated files; ``with_reports=False`` leaves out the analysts' narrative (``reports/``
    is then empty)."""
    target = parent / "projekt"
    target.mkdir()
    for name in EXAMPLE_PARTS:
        if name == "reports" and not with_reports:
            continue
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(
                source,
                target / name,
                ignore=shutil.ignore_patterns(
                    "_executed", ".ipynb_checkpoints", "oppna-data", "index.qmd"
                ),
            )
        elif source.is_file():
            shutil.copy2(source, target / name)
    (target / "reports").mkdir(exist_ok=True)
    return ProjectPaths(target)


def append_template_cell(paths: ProjectPaths, source: str, *tags: str) -> int:
    """Append a code cell to the nämnd template; its index in the executed notebook
    (papermill adds the injected-parameters cell after the parameters cell)."""
    import nbformat

    template = paths.template("namnd")
    nb = nbformat.read(template, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(source, metadata={"tags": list(tags)}))
    nbformat.write(nb, template)
    return len(nb.cells)  # +1 for the injected cell, -1 for an index from 0
