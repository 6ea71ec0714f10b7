"""Notebook hygiene: notebooks in git carry no outputs and no execution counts.

The ``.ipynb`` file is the only source of a template (no jupytext pairing: pairing and
real-time collaboration lose edits together), so it must stay diffable. Three layers keep
it so, all with the same nbstripout options (:data:`NBSTRIPOUT_ARGS`):

- the git filter named in ``.gitattributes`` strips a notebook when it is staged; it is
  defined per clone by :func:`install_git_filter` (``kommunrapport setup-git``);
- the nbstripout hook in ``.pre-commit-config.yaml`` does the same for those who use
  pre-commit;
- CI runs :func:`require_clean_notebooks` (``kommunrapport check-notebooks``), which fails
  on a notebook that still carries outputs, execution counts or papermill's run metadata.

The options keep the cell ids (stable diffs; a document open in a collaborative JupyterLab
is not reloaded on commit) and every cell tag, among them ``parameters`` and
``injected-parameters`` that papermill needs and ``#|`` options in the source that Quarto
reads.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePath, PureWindowsPath
from typing import Any, Final

from kommunrapport.data.errors import KommunrapportError, Problem

NBSTRIPOUT_EXTRA_KEYS: Final = ("metadata.papermill", "cell.metadata.papermill")
"""Metadata stripped beyond nbstripout's defaults: what papermill records about a run."""

NBSTRIPOUT_ARGS: Final[tuple[str, ...]] = (
    "--keep-id",
    "--keep-metadata-keys",
    "cell.metadata.tags",
    "--extra-keys",
    " ".join(NBSTRIPOUT_EXTRA_KEYS),
)
"""The nbstripout options of the git filter and of the pre-commit hook (kept equal by a test)."""

SKIPPED_DIRS: Final = frozenset({"_executed", "_site", "venv", "node_modules", "build", "dist"})
"""Folders whose notebooks are never committed (build output, environments); hidden folders
(``.ipynb_checkpoints``, ``.git``, ``.venv``, ``.kommunrapport``) are skipped too."""


class NotebookHygieneError(KommunrapportError):
    """The check cannot run: a path does not exist, or git cannot be configured."""


class DirtyNotebooksError(KommunrapportError):
    """One or more notebooks carry outputs, execution counts or run metadata."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        files = sorted({p.file for p in self.problems})
        head = (
            f"{count_noun(len(files))} har utdata kvar: "
            "i git ska en anteckningsbok sakna utdata och körnummer."
        )
        fix = (
            "Rensa med: nbstripout "
            + " ".join(shlex.quote(a) for a in NBSTRIPOUT_ARGS)
            + " "
            + " ".join(shlex.quote(f) for f in files)
            + "\n(eller Edit > Clear Outputs of All Cells i JupyterLab och spara), och kör "
            "kommunrapport setup-git en gång så rensas de automatiskt vid commit."
        )
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{head}\n{lines}\n{fix}")


def find_notebooks(targets: Iterable[Path]) -> list[Path]:
    """Every ``.ipynb`` file given, or found below a given folder (checkpoints and build
    output left out), sorted. A target that does not exist is an error."""
    found: set[Path] = set()
    for target in targets:
        if target.is_file():
            found.add(target)
        elif target.is_dir():
            found.update(
                p
                for p in target.rglob("*.ipynb")
                if p.is_file() and not _skipped(p.relative_to(target).parts[:-1])
            )
        else:
            raise NotebookHygieneError(
                f"Hittar inte {target}: ange en anteckningsbok (.ipynb) eller en mapp."
            )
    return sorted(found)


def notebook_problems(path: Path, shown_as: str | None = None) -> list[Problem]:
    """What keeps one notebook from being committed as it is (empty when it is clean)."""
    name = shown_as or path.as_posix()
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return [
            Problem(name, None, None, "är inte en textfil i UTF-8, alltså ingen anteckningsbok.")
        ]
    except json.JSONDecodeError as exc:
        return [
            Problem(name, exc.lineno, None, f"är inte giltig JSON (tecken {exc.colno}): {exc.msg}.")
        ]
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        return [
            Problem(name, None, None, "saknar 'cells': ingen Jupyter-anteckningsbok (nbformat 4).")
        ]

    problems: list[Problem] = []
    metadata = nb.get("metadata")
    if isinstance(metadata, dict) and "papermill" in metadata:
        problems.append(
            Problem(
                name,
                None,
                None,
                "har papermill-metadata: det är en körd kopia, som hör hemma i "
                "reports/<period>/_executed/ (inte i git).",
            )
        )
    for number, cell in enumerate(cells, start=1):
        if isinstance(cell, dict):
            problems.extend(Problem(name, None, None, m) for m in _cell_findings(number, cell))
    return problems


def check_notebooks(
    targets: Sequence[Path], *, root: Path | None = None
) -> tuple[int, list[Problem]]:
    """Check every notebook in ``targets``; return how many were checked and the problems.

    Files are named relative to ``root`` when given (as a person sees them in git).
    """
    notebooks = find_notebooks(targets)
    problems: list[Problem] = []
    for path in notebooks:
        problems.extend(notebook_problems(path, _shown(path, root)))
    return len(notebooks), problems


def require_clean_notebooks(targets: Sequence[Path], *, root: Path | None = None) -> int:
    """Raise :class:`DirtyNotebooksError` unless every notebook is clean; return the count."""
    count, problems = check_notebooks(targets, root=root)
    if problems:
        raise DirtyNotebooksError(problems)
    return count


def count_noun(count: int) -> str:
    """``1 anteckningsbok``, ``3 anteckningsböcker``."""
    return f"{count} anteckningsbok" if count == 1 else f"{count} anteckningsböcker"


# --- the git filter ---------------------------------------------------------------------


def git_filter_settings(python: str | None = None) -> dict[str, str]:
    """The local git configuration that defines the ``nbstripout`` filter and diff driver
    named in ``.gitattributes``, with :data:`NBSTRIPOUT_ARGS`."""
    interpreter = PureWindowsPath(python or sys.executable).as_posix()
    command = f'"{interpreter}" -m nbstripout ' + " ".join(shlex.quote(a) for a in NBSTRIPOUT_ARGS)
    return {
        "filter.nbstripout.clean": command,
        "filter.nbstripout.smudge": "cat",
        # Without the filter git must refuse to stage, never commit outputs silently.
        "filter.nbstripout.required": "true",
        "diff.ipynb.textconv": f"{command} -t",
    }


def install_git_filter(root: Path, python: str | None = None) -> dict[str, str]:
    """Write :func:`git_filter_settings` into the local config of the git clone at ``root``.

    Touches only ``.git/config`` (never a tracked file) and returns what it set.
    """
    _git(root, "rev-parse", "--show-toplevel")
    settings = git_filter_settings(python)
    for key, value in settings.items():
        _git(root, "config", "--local", key, value)
    return settings


def _git(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args],
            check=True,
            capture_output=True,
            text=True,
        )
    except FileNotFoundError:
        raise NotebookHygieneError("Hittar inte programmet git: installera git först.") from None
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or "").strip().splitlines()
        raise NotebookHygieneError(
            f"git {args[0]} misslyckades i {root}"
            + (f": {detail[-1]}" if detail else ".")
            + " Är projektet en git-klon?"
        ) from None
    return done.stdout


# --- helpers ------------------------------------------------------------------------------


def _skipped(folders: Sequence[str]) -> bool:
    return any(name.startswith(".") or name in SKIPPED_DIRS for name in folders)


def _cell_findings(number: int, cell: dict[str, Any]) -> list[str]:
    label = f"cell {number}" + (f" (id {cell['id']})" if isinstance(cell.get("id"), str) else "")
    findings: list[str] = []
    if cell.get("cell_type") == "code":
        outputs = cell.get("outputs")
        if isinstance(outputs, list) and outputs:
            findings.append(f"{label} har utdata ({len(outputs)} st).")
        count = cell.get("execution_count")
        if count is not None:
            findings.append(f"{label} har körnummer {count}.")
    metadata = cell.get("metadata")
    if isinstance(metadata, dict) and "papermill" in metadata:
        findings.append(f"{label} har papermill-metadata från en körning.")
    return findings


def _shown(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return PurePath(path).as_posix()
