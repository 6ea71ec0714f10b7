"""On the example kommun: a fetch from a Kolada that serves the real values reproduces
the Kolada figures the example ships in data/indikatorutfall.csv."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest
from kolada_fake import FakeKolada, direct_to_fake, real_groups, real_kpis, real_values

from kommunrapport.data.datasets import DATASETS
from kommunrapport.data.loader import check
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.data.tableio import read_table_text
from kommunrapport.data.tablespec import type_table
from kommunrapport.kolada.client import RetryPolicy
from kommunrapport.kolada.fetch import fetch, make_client, plan_fetch
from kommunrapport.kolada.metadata import load_kpi_metadata


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    direct_to_fake(monkeypatch)


def outcomes(paths: ProjectPaths) -> pd.DataFrame:
    path = paths.table_csv("indikatorutfall")
    frame, problems = type_table(
        DATASETS["indikatorutfall"], read_table_text(path, path.name), path.name
    )
    assert problems == []
    assert frame is not None
    if "status" not in frame:
        frame["status"] = None
    frame["status"] = frame["status"].where(frame["status"].notna(), None)
    return frame


def as_rows(frame: pd.DataFrame) -> dict[tuple[str, str, int, str], tuple[float, object]]:
    return {
        (r.indikator, r.omrade, int(r.ar), r.kon): (float(r.varde), r.status)
        for r in frame.itertuples()
    }


def test_fetch_reproduces_the_shipped_example_values(
    example_project: Callable[[], ProjectPaths],
) -> None:
    paths = example_project()
    assert paths.table_csv("indikatorutfall").exists(), "the example ships no indikatorutfall"
    plan = plan_fetch(paths)
    missing = set(plan.kpis) - set(real_kpis())
    assert not missing, (
        f"tests/fixtures/kolada lacks {sorted(missing)}: add them in make_fixture.py and rerun it"
    )
    assert set(plan.groups) <= set(real_groups())
    members = {m["member_id"] for g in plan.groups for m in real_groups()[g]["members"]}
    areas = {plan.kommun, "0000"} | members
    before = outcomes(paths)
    shipped_bytes = {
        name: paths.table_csv(name).read_bytes()
        for name in ("indikatorutfall", "jamforelsegrupper")
    }
    problems_before = check(paths)

    with FakeKolada(real_values(set(plan.kpis), areas)) as server:
        client = make_client(paths, base_url=server.base_url, retry=RetryPolicy(attempts=1))
        report = fetch(paths, client=client)
        asked = len(server.requests)
        # a second run within the day is answered from the cache
        again = fetch(paths, client=make_client(paths, base_url=server.base_url))
        assert len(server.requests) == asked
        assert again.http_requests == 0

    after = outcomes(paths)
    is_kolada = before["indikator"].isin(plan.kpis)
    shipped = as_rows(before[is_kolada])
    fetched = as_rows(after[after["indikator"].isin(plan.kpis)])
    assert shipped, "the example ships no Kolada values"
    assert fetched == shipped
    assert report.values == len(shipped)
    # the kommun's own indicators are untouched
    assert as_rows(after[~after["indikator"].isin(plan.kpis)]) == as_rows(before[~is_kolada])
    assert check(paths) == problems_before
    # same values: the files are not even rewritten
    for name, data in shipped_bytes.items():
        assert paths.table_csv(name).read_bytes() == data
    assert report.written == [paths.kolada_kpi_file, paths.kolada_provenance_file]
    assert report.changed_rows == 0
    assert set(load_kpi_metadata(paths)) == set(plan.kpis)
