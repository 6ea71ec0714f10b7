"""The batch runner on the small sample project: parallel, isolated, incremental."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from tests_support import append_template_cell
from typer.testing import CliRunner

from kommunrapport.batch.runner import BuildReport, build
from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.data.loader import load_model
from kommunrapport.data.paths import ProjectPaths


def run(paths: ProjectPaths, **kwargs: Any) -> BuildReport:
    return build(load_model(paths), **kwargs)


def statuses(report: BuildReport) -> dict[str, str]:
    for r in report.failed:
        print(r.job.key, r.cell, r.error)  # shown by pytest when an assertion fails
    return {r.job.key: r.status for r in report.results}


def outputs(path: Path) -> list[dict[str, Any]]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [o for c in nb["cells"] for o in c.get("outputs", [])]


def text_of(path: Path) -> str:
    parts: list[str] = []
    for o in outputs(path):
        for text in (o.get("text", ""), o.get("data", {}).get("text/plain", "")):
            parts.append("".join(text) if isinstance(text, list) else text)
    return "".join(parts)


def test_build_executes_every_job_then_caches_them(minimal_project: ProjectPaths) -> None:
    first = run(minimal_project, jobs=2)
    assert statuses(first) == {
        "2022-08/bun": "klar",
        "2022-08/sn": "klar",
        "2022-08/kommun": "klar",
    }
    for job in ("bun", "sn", "kommun"):
        nb_path = minimal_project.executed_notebook("2022-08", job)
        assert not [o for o in outputs(nb_path) if o["output_type"] == "error"]
        meta = json.loads(nb_path.read_text(encoding="utf-8"))["metadata"]["kommunrapport"]
        assert meta["parametrar"]["period"] == "2022-08"
        assert len(meta["fingeravtryck"]) == 64
        assert meta["sekunder"] > 0
        figures = minimal_project.key_figures_file("2022-08", job).read_text(encoding="utf-8")
        assert figures.startswith("# Genererad av kommunrapport build")
        assert "nyckeltal:" in figures
        open_data = minimal_project.open_data_dir("2022-08", job)
        columns = (open_data / "kolumner.csv").read_text(encoding="utf-8")
        assert columns.startswith("tabell,kolumn,beskrivning")
        assert len(list(open_data.glob("*.csv"))) >= 2
    bun = minimal_project.executed_notebook("2022-08", "bun")
    assert "Grundskola" in text_of(bun)
    assert "injected-parameters" in bun.read_text(encoding="utf-8")
    cache = json.loads(minimal_project.build_cache_file.read_text(encoding="utf-8"))
    assert all(entry["topp_minne_mb"] > 10 for entry in cache.values())
    second = run(minimal_project, jobs=2)
    assert set(statuses(second).values()) == {"cachad"}


def test_no_state_leaks_between_jobs(minimal_project: ProjectPaths) -> None:
    # One worker: every job runs after another in the same pool.
    report = run(minimal_project, jobs=1)
    assert report.ok
    for job in ("bun", "sn", "kommun"):
        text = text_of(minimal_project.executed_notebook("2022-08", job))
        assert "läckage: (None, None)" in text, text
    kommun = text_of(minimal_project.executed_notebook("2022-08", "kommun"))
    assert "namnd finns: False" in kommun


def _set_budget(paths: ProjectPaths, namnd: str, value: str) -> None:
    path = paths.data_dir / "driftredovisning.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    for row in rows[1:]:
        if row[0] == namnd:
            row[3] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def test_one_failing_namnd_does_not_stop_the_others(minimal_project: ProjectPaths) -> None:
    assert run(minimal_project).ok
    sn_path = minimal_project.executed_notebook("2022-08", "sn")
    good_sn = sn_path.read_bytes()
    _set_budget(minimal_project, "sn", "-1")
    result = CliRunner().invoke(
        app, ["build", "--rot", str(minimal_project.root), "--no-render", "--jobs", "2"]
    )
    assert result.exit_code == ExitCode.BUILD_FAILED, result.output
    assert "misslyckad" in result.output
    assert "AssertionError: negativ budget" in result.output
    assert "öppna reports/2022-08/_executed/sn.failed.ipynb" in result.output
    assert sn_path.read_bytes() == good_sn  # the previous good output stays
    failed = minimal_project.failed_notebook("2022-08", "sn")
    assert any(o["output_type"] == "error" for o in outputs(failed))
    report = run(minimal_project)
    assert statuses(report) == {
        "2022-08/bun": "cachad",
        "2022-08/sn": "misslyckad",
        "2022-08/kommun": "cachad",
    }


def test_fail_fast_stops_before_the_rest(minimal_project: ProjectPaths) -> None:
    _set_budget(minimal_project, "bun", "-1")
    report = run(minimal_project, jobs=1, fail_fast=True)
    got = statuses(report)
    assert got["2022-08/bun"] == "misslyckad"
    assert "ej körd" in got.values()
    assert not report.ok


def test_what_invalidates_a_job(minimal_project: ProjectPaths) -> None:
    assert run(minimal_project).ok

    # Another nämnd's data: only that nämnd and the kommun re-run.
    _set_budget(minimal_project, "sn", "410000")
    assert statuses(run(minimal_project)) == {
        "2022-08/bun": "cachad",
        "2022-08/sn": "klar",
        "2022-08/kommun": "klar",
    }

    # Documentation in data/ is read by no notebook: nothing re-runs.
    (minimal_project.data_dir / "README.md").write_text("# Data\n", encoding="utf-8")
    assert set(statuses(run(minimal_project)).values()) == {"cachad"}

    # A nämnd's parameters: only that nämnd.
    params = minimal_project.params_file
    params.write_text(
        params.read_text(encoding="utf-8").replace("markera: [N15419]", "markera: []"),
        encoding="utf-8",
    )
    assert statuses(run(minimal_project)) == {
        "2022-08/bun": "klar",
        "2022-08/sn": "cachad",
        "2022-08/kommun": "klar",
    }

    # The kommun's resultaträkning is read by the kommun report only.
    rr = minimal_project.data_dir / "resultatrakning.csv"
    rr.write_text(rr.read_text(encoding="utf-8").replace("300,450,455", "301,450,455"), "utf-8")
    assert statuses(run(minimal_project)) == {
        "2022-08/bun": "cachad",
        "2022-08/sn": "cachad",
        "2022-08/kommun": "klar",
    }

    # A data file the registry does not know: everything re-runs.
    (minimal_project.data_dir / "extra.yml").write_text("x: 1\n", encoding="utf-8")
    assert set(statuses(run(minimal_project)).values()) == {"klar"}

    # The template: every job of that template.
    template = minimal_project.template("namnd")
    template.write_text(template.read_text(encoding="utf-8").replace("Testmall", "Mall"), "utf-8")
    assert statuses(run(minimal_project)) == {
        "2022-08/bun": "klar",
        "2022-08/sn": "klar",
        "2022-08/kommun": "cachad",
    }

    # --force rebuilds all; a deleted output is rebuilt.
    assert set(statuses(run(minimal_project, force=True)).values()) == {"klar"}
    minimal_project.executed_notebook("2022-08", "sn").unlink()
    assert statuses(run(minimal_project))["2022-08/sn"] == "klar"


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["snabb", "kernel"])
def test_a_cell_expected_to_raise_does_not_fail_the_job(
    minimal_project: ProjectPaths, engine: Any
) -> None:
    append_template_cell(minimal_project, "1 / 0", "raises-exception")
    append_template_cell(minimal_project, "print('efter felet')")
    report = run(minimal_project, namnder=["bun"], engine=engine)
    assert statuses(report) == {"2022-08/bun": "klar"}
    executed = minimal_project.executed_notebook("2022-08", "bun")
    assert [o["ename"] for o in outputs(executed) if o["output_type"] == "error"] == [
        "ZeroDivisionError"
    ]
    assert "efter felet" in text_of(executed)
    nb = json.loads(executed.read_text(encoding="utf-8"))
    assert not any("papermill-error-cell-tag" in c["metadata"].get("tags", []) for c in nb["cells"])
    # a cell not tagged so still fails the job
    append_template_cell(minimal_project, "1 / 0")
    report = run(minimal_project, namnder=["bun"], engine=engine)
    assert [(r.cell, r.error) for r in report.failed] == [
        (f"cell {len(nb['cells'])} (In [{_count(nb) + 1}])", "ZeroDivisionError: division by zero")
    ]


def _count(nb: dict[str, Any]) -> int:
    return max(c.get("execution_count") or 0 for c in nb["cells"])


@pytest.mark.slow
def test_standard_kernel_engine_gives_the_same_report(minimal_project: ProjectPaths) -> None:
    report = run(minimal_project, namnder=["bun"], engine="kernel")
    assert statuses(report) == {"2022-08/bun": "klar"}
    text = text_of(minimal_project.executed_notebook("2022-08", "bun"))
    assert "Grundskola" in text
    assert "läckage: (None, None)" in text


def test_open_data_writes_plain_zeros_and_replaces_the_folder(tmp_path: Path) -> None:
    import pandas as pd

    from kommunrapport.batch.runner import write_open_data
    from kommunrapport.content.opendata.tabell import OpenTable

    frame = pd.DataFrame({"steg": ["a", "b"], "belopp": [-0.0, -1.5]})
    table = OpenTable(frame, "Test", {"steg": "steg", "belopp": "belopp, mnkr"})
    target = tmp_path / "kommun_data"
    target.mkdir()
    (target / "gammal.csv").write_text("x\n", encoding="utf-8")
    write_open_data(target, {"balanskrav": table})
    assert sorted(p.name for p in target.iterdir()) == ["balanskrav.csv", "kolumner.csv"]
    assert (target / "balanskrav.csv").read_text("utf-8").splitlines() == [
        "steg,belopp",
        "a,0.0",
        "b,-1.5",
    ]
    assert "balanskrav.csv,,Test" in (target / "kolumner.csv").read_text("utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
