"""Figures as files beside the executed notebook (the batch side): written by the job, the
notebook refers to them by a path from the period folder, no ``data:`` URI is left, old
files go when the job re-runs, and a missing file makes the job run again."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import pytest

from kommunrapport.batch.figure_files import image_refs, output_strings
from kommunrapport.batch.runner import BuildReport, build
from kommunrapport.data.loader import load_model
from kommunrapport.data.paths import ProjectPaths

PERIOD = "2022-08"
# A 1×1 PNG; the byte after IEND makes two figures differ without being a different image.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108020000009077"
    "53de0000000c4944415408d763f8ffff3f0005fe02fea7d6a1a30000000049454e44ae426082"
)


def add_figure_cell(paths: ProjectPaths, label: str, extra: int = 0) -> None:
    """A labelled cell in the nämnd template that displays a Figur, as the real templates do."""
    template = paths.template("namnd")
    nb = json.loads(template.read_text(encoding="utf-8"))
    nb["cells"] = [c for c in nb["cells"] if not c.get("id", "").startswith("fig-")]
    png = base64.b64encode(PNG + bytes([extra])).decode()
    nb["cells"].append(
        {
            "cell_type": "code",
            "id": label,
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": (
                f"#| label: {label}\n#| fig-cap: Ett test\n"
                "import base64\nfrom kommunrapport.content.figur import Figur\n"
                f'Figur(base64.b64decode("{png}"), "Ett testdiagram med värden.")'
            ),
        }
    )
    template.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def run(paths: ProjectPaths, **kwargs: Any) -> BuildReport:
    report = build(load_model(paths), **kwargs)
    for r in report.failed:
        print(r.job.key, r.cell, r.error)
    return report


def statuses(report: BuildReport) -> dict[str, str]:
    return {r.job.key: r.status for r in report.results}


def refs(notebook: Path) -> dict[str, list[str]]:
    """The image paths per MIME type in a notebook's outputs."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    found: dict[str, list[str]] = {}
    for _, _, _, mime, text in output_strings(nb):
        found.setdefault(mime, []).extend(image_refs(text))
    return found


@pytest.fixture
def with_figure(minimal_project: ProjectPaths) -> ProjectPaths:
    add_figure_cell(minimal_project, "fig-test")
    return minimal_project


def test_a_figure_becomes_a_file_that_the_outputs_reference(with_figure: ProjectPaths) -> None:
    paths = with_figure
    assert run(paths).ok
    notebook = paths.executed_notebook(PERIOD, "bun")
    assert "data:image" not in notebook.read_text(encoding="utf-8")
    figure = paths.figures_dir(PERIOD, "bun") / "fig-test.png"
    assert figure.read_bytes() == PNG + bytes([0])  # the same bytes, so the same pixels
    assert oct(figure.stat().st_mode & 0o777) == "0o644"
    found = refs(notebook)
    assert found["text/markdown"] == found["text/html"] == ["_executed/bun_files/fig-test.png"]
    for ref in found["text/markdown"]:
        assert (paths.period_dir(PERIOD) / ref).is_file()  # from the pages' folder
    text = json.loads(notebook.read_text(encoding="utf-8"))
    markdown = next(t for _, _, _, m, t in output_strings(text) if m == "text/markdown")
    assert markdown == (
        '![](_executed/bun_files/fig-test.png){fig-alt="Ett testdiagram med värden."}\n'
    )
    cache = json.loads(paths.build_cache_file.read_text(encoding="utf-8"))
    assert cache[f"{PERIOD}/bun"]["figurer"] == [
        f"reports/{PERIOD}/_executed/bun_files/fig-test.png"
    ]
    assert cache[f"{PERIOD}/sn"]["figurer"] == [f"reports/{PERIOD}/_executed/sn_files/fig-test.png"]
    assert not [p for p in figure.parent.iterdir() if p.name.startswith(".")]  # no temp files


def test_a_missing_figure_file_makes_the_job_run_again(with_figure: ProjectPaths) -> None:
    paths = with_figure
    assert run(paths).ok
    assert set(statuses(run(paths)).values()) == {"cachad"}
    (paths.figures_dir(PERIOD, "sn") / "fig-test.png").unlink()
    assert statuses(run(paths)) == {
        f"{PERIOD}/bun": "cachad",
        f"{PERIOD}/sn": "klar",
        f"{PERIOD}/kommun": "cachad",
    }
    assert (paths.figures_dir(PERIOD, "sn") / "fig-test.png").is_file()


def test_a_cache_entry_from_before_figure_files_runs_the_job_again(
    with_figure: ProjectPaths,
) -> None:
    paths = with_figure
    assert run(paths).ok
    cache = json.loads(paths.build_cache_file.read_text(encoding="utf-8"))
    for entry in cache.values():
        del entry["figurer"]
    paths.build_cache_file.write_text(json.dumps(cache), encoding="utf-8")
    assert set(statuses(run(paths)).values()) == {"klar"}


def test_names_are_stable_and_old_files_go_when_the_job_runs_again(
    with_figure: ProjectPaths,
) -> None:
    paths = with_figure
    assert run(paths).ok
    figure = paths.figures_dir(PERIOD, "bun") / "fig-test.png"
    os.utime(figure, (1_000_000, 1_000_000))
    assert run(paths, force=True).ok
    assert figure.stat().st_mtime == 1_000_000  # same label, same bytes: not rewritten
    add_figure_cell(paths, "fig-test", extra=1)
    assert run(paths).ok
    assert figure.read_bytes() == PNG + bytes([1])  # same label, new pixels: same name
    add_figure_cell(paths, "fig-ny")
    assert run(paths).ok
    assert sorted(p.name for p in figure.parent.iterdir()) == ["fig-ny.png"]
    template = paths.template("namnd")
    nb = json.loads(template.read_text(encoding="utf-8"))
    nb["cells"] = [c for c in nb["cells"] if not c.get("id", "").startswith("fig-")]
    template.write_text(json.dumps(nb), encoding="utf-8")
    assert run(paths).ok
    assert not figure.parent.exists()  # no figure left: no folder


def test_a_failed_job_keeps_the_previous_notebook_and_its_figures(
    with_figure: ProjectPaths,
) -> None:
    paths = with_figure
    assert run(paths).ok
    figure = paths.figures_dir(PERIOD, "sn") / "fig-test.png"
    before = figure.read_bytes()
    add_figure_cell(paths, "fig-test", extra=2)
    data = paths.data_dir / "driftredovisning.csv"
    lines = data.read_text(encoding="utf-8").splitlines()
    lines = [
        ",".join([*line.split(",")[:3], "-1", *line.split(",")[4:]])
        if line.startswith("sn,")
        else line
        for line in lines
    ]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = run(paths)
    assert statuses(report)[f"{PERIOD}/sn"] == "misslyckad"
    assert figure.read_bytes() == before
    assert refs(paths.executed_notebook(PERIOD, "sn"))["text/markdown"] == [
        "_executed/sn_files/fig-test.png"
    ]


@pytest.mark.slow
def test_the_kernel_engine_writes_figure_files_too(with_figure: ProjectPaths) -> None:
    paths = with_figure
    report = run(paths, namnder=["bun"], engine="kernel")
    assert statuses(report) == {f"{PERIOD}/bun": "klar"}
    notebook = paths.executed_notebook(PERIOD, "bun")
    assert "data:image" not in notebook.read_text(encoding="utf-8")
    assert (paths.figures_dir(PERIOD, "bun") / "fig-test.png").read_bytes() == PNG + bytes([0])
