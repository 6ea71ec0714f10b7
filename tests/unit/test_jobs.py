"""Job planning and parameter validation (before anything is injected)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kommunrapport.batch.jobs import (
    KommunParameters,
    NamndParameters,
    declared_parameters,
    plan,
    validate_jobs,
    validate_parameters,
)
from kommunrapport.data.errors import ParameterError
from kommunrapport.data.loader import load_model
from kommunrapport.data.paths import ProjectPaths


def test_plan_has_a_job_per_namnd_and_one_for_the_kommun(minimal_project: ProjectPaths) -> None:
    model = load_model(minimal_project)
    jobs = plan(model)
    assert [j.key for j in jobs] == ["2022-08/bun", "2022-08/sn", "2022-08/kommun"]
    bun = jobs[0]
    assert bun.parameters == {
        "period": "2022-08",
        "namnd": "bun",
        "jamforelsegrupp": "G36123",
        "markera": ["N15419"],
    }
    assert jobs[2].parameters == {"period": "2022-08"}
    validate_jobs(model, jobs)


def test_plan_filters_and_rejects_unknown_names(minimal_project: ProjectPaths) -> None:
    model = load_model(minimal_project)
    assert [j.key for j in plan(model, namnder=["sn"])] == ["2022-08/sn"]
    with pytest.raises(ParameterError, match="Okänd period"):
        plan(model, periods=["2031-04"])
    with pytest.raises(ParameterError, match="ingår inte"):
        plan(model, namnder=["xyz"])


def test_declared_parameters_read_annotations_papermill_cannot(
    minimal_project: ProjectPaths,
) -> None:
    declared = declared_parameters(minimal_project.template("namnd"))
    assert declared["period"].type_name == "str"
    assert declared["jamforelsegrupp"].type_name == "str | None"
    assert declared["markera"].type_name == "list[str]"


def test_unknown_parameter_is_an_error(minimal_project: ProjectPaths) -> None:
    template = minimal_project.template("kommun")
    with pytest.raises(ParameterError) as info:
        validate_parameters(template, KommunParameters, {"period": "2022-08", "namnd": "bun"})
    assert "okänd parameter 'namnd'" in str(info.value)
    assert "deklareras inte i mallen kommun.ipynb" in str(info.value)


@pytest.mark.parametrize(
    ("key", "value"),
    [("period", 202208), ("period", "augusti"), ("markera", "N15419"), ("jamforelsegrupp", 5)],
)
def test_wrong_type_is_an_error(minimal_project: ProjectPaths, key: str, value: object) -> None:
    params: dict[str, object] = {
        "period": "2022-08",
        "namnd": "bun",
        "jamforelsegrupp": None,
        "markera": [],
    }
    params[key] = value
    with pytest.raises(ParameterError, match=key):
        validate_parameters(minimal_project.template("namnd"), NamndParameters, params)


def test_template_type_is_checked_even_when_the_schema_allows(
    minimal_project: ProjectPaths, tmp_path: Path
) -> None:
    nb = json.loads(minimal_project.template("kommun").read_text(encoding="utf-8"))
    nb["cells"][0]["source"] = "period: int = 2022"
    template = tmp_path / "kommun.ipynb"
    template.write_text(json.dumps(nb), encoding="utf-8")
    with pytest.raises(ParameterError, match="ska vara int enligt mallen"):
        validate_parameters(template, KommunParameters, {"period": "2022-08"})


def test_template_without_parameters_cell_is_an_error(
    minimal_project: ProjectPaths, tmp_path: Path
) -> None:
    nb = json.loads(minimal_project.template("kommun").read_text(encoding="utf-8"))
    nb["cells"][0]["metadata"]["tags"] = []
    template = tmp_path / "kommun.ipynb"
    template.write_text(json.dumps(nb), encoding="utf-8")
    with pytest.raises(ParameterError, match="parameters"):
        validate_parameters(template, KommunParameters, {"period": "2022-08"})
