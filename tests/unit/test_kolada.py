"""Fetching Kolada values into data/ (and importing an export) on a small project."""

from __future__ import annotations

import csv
import io
import socket
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from kolada_fake import (
    FakeKolada,
    Fault,
    Value,
    direct_to_fake,
    real_groups,
    real_kpis,
    real_values,
)
from typer.testing import CliRunner

from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.data.errors import DataValidationError
from kommunrapport.data.loader import check, load_model
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.kolada.client import (
    BASE_URL_ENV,
    KoladaNetworkError,
    KoladaResponseError,
    RetryPolicy,
)
from kommunrapport.kolada.common import KOLADA_SOURCE_NOTE, FetchPlanError
from kommunrapport.kolada.fetch import FetchReport, fetch, make_client, plan_fetch
from kommunrapport.kolada.importer import import_export
from kommunrapport.kolada.metadata import kolada_source_note, load_kpi_metadata

KPIS = {"N15419", "N20891"}
GROUP = "G36123"
YEARS = set(range(2018, 2023))
OWN_ROWS = ["EGEN1,1487,2022,T,42.5,", "N15419,1487,2015,T,61.0,"]
WHEN = datetime(2025, 5, 2, 9, 30, tzinfo=timezone(timedelta(hours=2)))


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    direct_to_fake(monkeypatch)


@pytest.fixture
def project(minimal_project: ProjectPaths) -> ProjectPaths:
    """The minimal project plus an own indicator and a row outside the fetched years."""
    chain_file = minimal_project.yaml_file("malkedja")
    chain = yaml.safe_load(chain_file.read_text(encoding="utf-8"))
    chain["namndmal"][1]["indikatorer"].append(
        {
            "id": "EGEN1",
            "namn": "Egen indikator",
            "kalla": "egen",
            "enhet": "st",
            "riktning": "högre",
            "mal": {2022: 40},
        }
    )
    chain_file.write_text(yaml.safe_dump(chain, allow_unicode=True), encoding="utf-8")
    table = minimal_project.table_csv("indikatorutfall")
    table.write_text(table.read_text(encoding="utf-8") + "\n".join(OWN_ROWS) + "\n", "utf-8")
    assert check(minimal_project) == []
    return minimal_project


def group_members() -> set[str]:
    return {m["member_id"] for m in real_groups()[GROUP]["members"]}


def served_values() -> list[Value]:
    return real_values(KPIS, {"1487", "0000"} | group_members(), YEARS)


@pytest.fixture
def server() -> Iterator[FakeKolada]:
    with FakeKolada(served_values(), page_size=40) as fake:
        yield fake


def run_fetch(paths: ProjectPaths, server: FakeKolada, **kw: object) -> FetchReport:
    sleeps: list[float] = []
    client = make_client(
        paths,
        base_url=server.base_url,
        retry=RetryPolicy(attempts=3),
        sleep=sleeps.append,
        timeout=2.0,
        refresh=bool(kw.pop("refresh", False)),
    )
    return fetch(paths, client=client, now=lambda: WHEN, **kw)  # type: ignore[arg-type]


def kolada_rows(paths: ProjectPaths) -> dict[tuple[str, str, int, str], tuple[float, str | None]]:
    frame = load_model(paths).table("indikatorutfall")
    frame = frame[frame["indikator"].isin(KPIS) & frame["ar"].isin(YEARS)]
    return {
        (r.indikator, r.omrade, int(r.ar), r.kon): (
            float(r.varde),
            r.status if isinstance(r.status, str) else None,
        )
        for r in frame.itertuples()
    }


def snapshot(paths: ProjectPaths) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(paths.data_dir.iterdir()) if p.is_file()}


# --- planning -------------------------------------------------------------------------------


def test_plan_reads_kpis_kommun_groups_and_years(project: ProjectPaths) -> None:
    plan = plan_fetch(project)
    assert plan.kpis == ("N15419", "N20891")
    assert plan.kommun == "1487"
    assert plan.groups == (GROUP,)
    assert plan.years == (2018, 2019, 2020, 2021, 2022)
    assert plan_fetch(project, 2020, 2021).years == (2020, 2021)
    with pytest.raises(FetchPlanError, match="senare än"):
        plan_fetch(project, 2022, 2020)


def test_plan_needs_no_outcome_table(project: ProjectPaths) -> None:
    project.table_csv("indikatorutfall").unlink()
    assert plan_fetch(project).kpis == ("N15419", "N20891")


# --- fetching -------------------------------------------------------------------------------


def test_fetch_writes_the_values_exactly(project: ProjectPaths, server: FakeKolada) -> None:
    report = run_fetch(project, server)
    expected = {
        (v.kpi, v.municipality, v.period, v.gender): (v.value, None) for v in served_values()
    }
    assert kolada_rows(project) == expected
    assert report.values == len(expected)
    assert check(project) == []
    lines = project.table_csv("indikatorutfall").read_text(encoding="utf-8").splitlines()
    for row in OWN_ROWS:
        assert row in lines
    # the group's members come from Kolada now, not from the old file
    groups = load_model(project).table("jamforelsegrupper")
    assert set(groups[groups["grupp"] == GROUP]["kommun"]) == group_members()
    assert set(report.areas) == {"1487", "0000"} | group_members()


def test_fetch_writes_metadata_and_provenance(project: ProjectPaths, server: FakeKolada) -> None:
    run_fetch(project, server)
    meta = load_kpi_metadata(project)
    assert set(meta) == KPIS
    assert meta["N15419"].is_divided_by_gender is True
    assert meta["N15419"].title.startswith("Elever i åk 9")
    assert meta["N15419"].unit == "andel (%)"
    provenance = yaml.safe_load(project.kolada_provenance_file.read_text(encoding="utf-8"))
    latest = provenance["hamtningar"][0]
    assert latest["bas_url"] == server.base_url
    assert latest["tid"] == WHEN.isoformat(timespec="seconds")
    assert latest["kpi"] == sorted(KPIS)
    assert latest["ar"] == sorted(YEARS)
    assert latest["antal_varden"] == len(served_values())
    asked = [a["url"] for a in latest["anrop"]]
    assert len(asked) == len(server.requests)
    assert all(u.startswith(server.base_url) for u in asked)


def test_deleted_values_are_dropped_and_status_kept(project: ProjectPaths) -> None:
    values = [
        v for v in served_values() if (v.kpi, v.municipality, v.period) != ("N20891", "1487", 2022)
    ]
    values.append(Value("N20891", "1487", 2022, "T", 11.9, isdeleted=True))
    values = [
        Value(v.kpi, v.municipality, v.period, v.gender, v.value, status="Preliminär")
        if (v.kpi, v.municipality, v.period) == ("N15419", "1487", 2022)
        else v
        for v in values
    ]
    with FakeKolada(values) as fake:
        report = run_fetch(project, fake)
    rows = kolada_rows(project)
    # the old hand-written 11.5 is gone: Kolada marked the value deleted
    assert not any(k[:3] == ("N20891", "1487", 2022) for k in rows)
    assert report.deleted == 1
    assert {rows[("N15419", "1487", 2022, g)][1] for g in "TKM"} == {"Preliminär"}
    assert rows[("N15419", "0000", 2022, "T")][1] is None


def test_year_without_values_keeps_the_old_rows(project: ProjectPaths) -> None:
    values = [v for v in served_values() if v.period != 2022]
    with FakeKolada(values) as fake:
        run_fetch(project, fake)
    rows = kolada_rows(project)
    assert rows[("N20891", "1487", 2022, "T")] == (11.5, None)
    assert rows[("N15419", "1487", 2022, "K")] == (78.2, None)


def test_many_areas_and_years_are_batched_and_paginated(project: ProjectPaths) -> None:
    groups = dict(real_groups())
    members = [{"member_id": f"{i:04d}", "member_title": f"K{i}"} for i in range(100, 130)]
    groups[GROUP] = {"id": GROUP, "title": "Stor grupp", "members": members}
    values = [Value("N20891", f"{i:04d}", 1995 + i % 28, "T", float(i)) for i in range(100, 130)]
    with FakeKolada(values, groups=groups, page_size=3) as fake:
        report = run_fetch(project, fake, year_from=1990, year_to=2022)
        data_requests = fake.data_requests()
    first_pages = [r for r in data_requests if "?page=" not in r]
    assert len(first_pages) == 4  # 32 areas x 33 years: 2 x 2 batches of at most 25
    assert len(data_requests) > len(first_pages)  # and several pages
    assert report.values == 30
    frame = load_model(project).table("indikatorutfall")
    got = {
        (r.omrade, int(r.ar), float(r.varde))
        for r in frame.itertuples()
        if r.indikator == "N20891" and r.omrade not in ("1487", "0000")
    }
    assert got == {(f"{i:04d}", 1995 + i % 28, float(i)) for i in range(100, 130)}


def test_500_that_stays_leaves_data_unchanged(project: ProjectPaths, server: FakeKolada) -> None:
    before = snapshot(project)
    server.fault(Fault("/data/", status=500, times=99))
    with pytest.raises(KoladaNetworkError) as info:
        run_fetch(project, server)
    assert server.base_url + "/data/kpi/" in str(info.value)
    assert snapshot(project) == before


def test_malformed_page_leaves_data_unchanged(project: ProjectPaths) -> None:
    with FakeKolada(served_values(), page_size=10) as fake:
        fake.fault(Fault("page=3", status=200, body=b'{"values": [}'))
        before = snapshot(project)
        with pytest.raises(KoladaResponseError) as info:
            run_fetch(project, fake)
    assert "page=3" in str(info.value)
    assert snapshot(project) == before


def test_rerun_within_a_day_asks_nothing(project: ProjectPaths, server: FakeKolada) -> None:
    run_fetch(project, server)
    asked = len(server.requests)
    table = project.table_csv("indikatorutfall").read_bytes()
    report = run_fetch(project, server)
    assert len(server.requests) == asked
    assert report.http_requests == 0
    assert project.table_csv("indikatorutfall").read_bytes() == table
    assert project.table_csv("indikatorutfall") not in report.written
    run_fetch(project, server, refresh=True)
    assert len(server.requests) == 2 * asked


def test_cache_lives_in_the_state_dir(project: ProjectPaths, server: FakeKolada) -> None:
    run_fetch(project, server)
    assert any(project.kolada_cache_dir.glob("*.json"))
    assert not list(project.data_dir.glob(".*tmp"))


def test_semicolon_file_keeps_its_style(project: ProjectPaths, server: FakeKolada) -> None:
    table = project.table_csv("indikatorutfall")
    text = table.read_text(encoding="utf-8").replace(",", ";")
    table.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    run_fetch(project, server)
    raw = table.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert "EGEN1;1487;2022;T;42.5;" in raw.decode("utf-8-sig")
    assert check(project) == []
    expected = {
        (v.kpi, v.municipality, v.period, v.gender): (v.value, None) for v in served_values()
    }
    assert kolada_rows(project) == expected


def test_excel_outcome_table_is_refused(project: ProjectPaths, server: FakeKolada) -> None:
    (project.data_dir / "indikatorutfall.xlsx").write_bytes(b"")
    with pytest.raises(FetchPlanError, match=r"indikatorutfall\.xlsx"):
        run_fetch(project, server)
    assert server.requests == []


def test_source_note(project: ProjectPaths, server: FakeKolada) -> None:
    assert kolada_source_note(load_model(project)) == KOLADA_SOURCE_NOTE
    run_fetch(project, server)
    model = load_model(project)
    assert kolada_source_note(model) == "Källa: Kolada (hämtat 2025-05-02)"
    assert kolada_source_note(model, with_date=False) == "Källa: Kolada"


# --- the command line ----------------------------------------------------------------------


def test_cli_fetch(project: ProjectPaths, server: FakeKolada) -> None:
    result = CliRunner().invoke(
        app, ["kolada", "fetch", "--rot", str(project.root), "--bas-url", server.base_url]
    )
    assert result.exit_code == ExitCode.OK, result.output
    assert "Källa: Kolada" in result.output
    assert "Hämtade" in result.output
    assert server.data_requests()


def test_cli_fetch_uses_the_env_base_url(
    project: ProjectPaths, server: FakeKolada, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(BASE_URL_ENV, server.base_url)
    result = CliRunner().invoke(app, ["kolada", "fetch", "--rot", str(project.root)])
    assert result.exit_code == ExitCode.OK, result.output
    assert server.requests


def test_cli_offline_exits_network(project: ProjectPaths) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    before = snapshot(project)
    url = f"http://127.0.0.1:{port}/v3"
    result = CliRunner().invoke(
        app, ["kolada", "fetch", "--rot", str(project.root), "--bas-url", url]
    )
    assert result.exit_code == ExitCode.NETWORK
    assert "Kan inte nå Kolada" in result.output
    assert url + "/kpi/" in result.output.replace("\n", "")
    assert "Traceback" not in result.output
    assert snapshot(project) == before


# --- importing an export -------------------------------------------------------------------


def write_export(path: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def test_import_long_format(project: ProjectPaths, tmp_path: Path) -> None:
    served = served_values()
    rows = [["kpi", "municipality_id", "period", "gender", "value"]]
    rows += [[v.kpi, v.municipality, str(v.period), v.gender, repr(v.value)] for v in served]
    rows.append(["N00945", "1487", "2022", "T", "12.0"])  # not in the goal chain
    report = import_export(project, write_export(tmp_path / "export.csv", rows))
    # kept as a fetch would: the kommun, riket and G36123's members in jamforelsegrupper.csv
    keep = {"1487", "0000", "1490"}
    expected = {
        (v.kpi, v.municipality, v.period, v.gender): (v.value, None)
        for v in served
        if v.municipality in keep
    }
    assert kolada_rows(project) == expected
    assert report.dropped == sum(1 for v in served if v.municipality not in keep) > 0
    assert "släppte" in report.summary(project)
    assert report.skipped_kpis == ("N00945",)
    assert check(project) == []
    provenance = yaml.safe_load(project.kolada_provenance_file.read_text(encoding="utf-8"))
    assert provenance["hamtningar"][0]["metod"] == "import"
    assert provenance["hamtningar"][0]["antal_varden"] == len(expected)


def test_import_keeps_the_kommun_riket_and_groups_and_warns_about_years(
    project: ProjectPaths, tmp_path: Path
) -> None:
    """An export of every kommun: only 1487, 0000 and the group's member 1490 are kept;
    N20891 has no 2022 value for the kommun, so the import warns (it will be ej bedömbar)."""
    outcomes = project.table_csv("indikatorutfall")
    kept = [x for x in outcomes.read_text("utf-8").splitlines() if not x.startswith("N20891")]
    outcomes.write_text("\n".join(kept) + "\n", encoding="utf-8")
    rows = [["kpi", "municipality_id", "period", "gender", "value"]]
    for area in ("1487", "0000", "1490", "0180", "1280", "2480"):
        rows.append(["N15419", area, "2022", "T", "70"])
        rows.append(["N20891", area, "2021", "T", "10"])
    report = import_export(project, write_export(tmp_path / "alla.csv", rows))
    areas = {k[1] for k in kolada_rows(project)}
    assert {"0180", "1280", "2480"}.isdisjoint(areas)
    assert {"1487", "0000", "1490"} <= areas
    assert report.values == 6
    assert report.dropped == 6
    assert report.dropped_areas == ("0180", "1280", "2480")
    text = report.summary(project)
    assert "släppte 6 rader för 3 andra områden" in text
    assert any(
        w.startswith("N20891 saknar värde för kommunen (1487) 2022") for w in report.warnings
    )
    assert not any(w.startswith("N15419") for w in report.warnings)


def test_import_semicolon_decimal_comma(project: ProjectPaths, tmp_path: Path) -> None:
    rows = [
        ["Kpi", "Municipality_id", "Municipality", "Period", "Gender", "Value", "Status"],
        ["N15419", "1487", "Vänersborg", "2022", "K", "79,3", "Preliminär"],
        ["N15419", "1487", "Vänersborg", "2022", "T", "74,1", ""],
        ["N20891", "0", "Riket", "2021", "T", "12,5", ""],
    ]
    export = write_export(tmp_path / "export.csv", rows, delimiter=";")
    export.write_bytes(b"\xef\xbb\xbf" + export.read_bytes())
    import_export(project, export)
    rows_now = kolada_rows(project)
    assert rows_now[("N15419", "1487", 2022, "K")] == (79.3, "Preliminär")
    assert rows_now[("N15419", "1487", 2022, "T")] == (74.1, None)
    # the whole (kpi, område, år) is replaced: the old M row is gone
    assert ("N15419", "1487", 2022, "M") not in rows_now
    assert rows_now[("N20891", "0000", 2021, "T")] == (12.5, None)
    assert rows_now[("N15419", "1487", 2021, "T")] == (72.1, None)


def test_import_bad_cells_name_row_and_column(project: ProjectPaths, tmp_path: Path) -> None:
    rows = [
        ["kpi", "municipality_id", "period", "gender", "value"],
        ["N15419", "1487", "2022", "T", "74,1"],
        ["N15419", "1487", "tjugo", "T", "1"],
        ["N15419", "1487", "2021", "X", "abc"],
        ["N15419", "Vänersborg", "2021", "T", "1"],
    ]
    before = snapshot(project)
    with pytest.raises(DataValidationError) as info:
        import_export(project, write_export(tmp_path / "bad.csv", rows))
    text = str(info.value)
    assert "rad 3, kolumn 'period'" in text
    assert "rad 4, kolumn 'gender'" in text
    assert "rad 4, kolumn 'value'" in text
    assert "rad 5, kolumn 'municipality_id'" in text
    assert snapshot(project) == before


def test_import_missing_columns(project: ProjectPaths, tmp_path: Path) -> None:
    export = write_export(tmp_path / "x.csv", [["kpi", "year", "value"], ["N15419", "2022", "1"]])
    with pytest.raises(DataValidationError, match="municipality_id"):
        import_export(project, export)


def test_cli_import(project: ProjectPaths, tmp_path: Path) -> None:
    export = write_export(
        tmp_path / "export.csv",
        [
            ["kpi", "municipality_id", "period", "gender", "value"],
            ["N20891", "1487", "2020", "T", "9.5"],
        ],
    )
    result = CliRunner().invoke(app, ["kolada", "import", str(export), "--rot", str(project.root)])
    assert result.exit_code == ExitCode.OK, result.output
    assert "Importerade 1 värden" in result.output
    assert kolada_rows(project)[("N20891", "1487", 2020, "T")] == (9.5, None)
    bad = write_export(tmp_path / "bad.csv", [["kpi"], ["N20891"]])
    result = CliRunner().invoke(app, ["kolada", "import", str(bad), "--rot", str(project.root)])
    assert result.exit_code == ExitCode.DATA_INVALID
    assert "Traceback" not in result.output


def test_refetch_changes_only_changed_lines(project: ProjectPaths) -> None:
    with FakeKolada(served_values()) as fake:
        run_fetch(project, fake)
    table = project.table_csv("indikatorutfall")
    before = table.read_text(encoding="utf-8").splitlines()
    revised = [
        Value(v.kpi, v.municipality, v.period, v.gender, v.value + 1.25)
        if (v.kpi, v.municipality, v.period, v.gender) == ("N15419", "1487", 2021, "T")
        else v
        for v in served_values()
    ]
    with FakeKolada(revised) as fake:
        report = run_fetch(project, fake)
    after = table.read_text(encoding="utf-8").splitlines()
    assert len(after) == len(before)
    changed = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    old_value = next(
        v.value
        for v in served_values()
        if (v.kpi, v.municipality, v.period, v.gender) == ("N15419", "1487", 2021, "T")
    )
    assert changed == [
        (f"N15419,1487,2021,T,{old_value:g},", f"N15419,1487,2021,T,{old_value + 1.25:g},")
    ]
    assert report.changed_rows == 1


def test_unknown_group_and_kpi_are_reported(project: ProjectPaths) -> None:
    kpis = {k: v for k, v in real_kpis().items() if k != "N20891"}
    with FakeKolada(served_values(), kpis=kpis, groups={}) as fake:
        report = run_fetch(project, fake)
    warnings = " ".join(report.warnings)
    assert "N20891" in warnings
    assert GROUP in warnings
    # without Kolada's answer the members in data/jamforelsegrupper.csv are used
    assert "1490" in report.areas
    assert not set(report.areas) & (group_members() - {"1487"})


def test_timeout_leaves_data_unchanged(project: ProjectPaths, server: FakeKolada) -> None:
    before = snapshot(project)
    server.fault(Fault("/municipality_groups/", hang=True, times=99))
    client = make_client(
        project,
        base_url=server.base_url,
        retry=RetryPolicy(attempts=2),
        sleep=lambda _: None,
        timeout=0.2,
    )
    with pytest.raises(KoladaNetworkError, match=r"svarade inte inom 0\.2 s") as info:
        fetch(project, client=client)
    assert f"{server.base_url}/municipality_groups/{GROUP}" in str(info.value)
    assert snapshot(project) == before


# --- What the source withholds (issue 29, item 1) -------------------------------------------

STORFORS_N15419 = [
    # Storfors (1760), N15419, as Kolada publishes it: 2022 has totalt and män, no kvinnor;
    # given here to the test project's kommun (1487). 2020's män row is kept with an empty
    # value, the other form a withheld value takes in an export.
    ["N15419", "1487", "2020", "K", "77.8"],
    ["N15419", "1487", "2020", "M", ""],
    ["N15419", "1487", "2020", "T", "84.8"],
    ["N15419", "1487", "2021", "K", "71.4"],
    ["N15419", "1487", "2021", "M", "82.8"],
    ["N15419", "1487", "2021", "T", "78.0"],
    ["N15419", "1487", "2022", "M", "72.7"],
    ["N15419", "1487", "2022", "T", "69.4"],
]


def test_import_names_what_the_export_withholds(project: ProjectPaths, tmp_path: Path) -> None:
    rows = [["kpi", "municipality_id", "period", "gender", "value"], *STORFORS_N15419]
    rows.append(["N15419", "0000", "2022", "M", ""])  # riket: not the kommun's, not named
    report = import_export(project, write_export(tmp_path / "storfors.csv", rows))
    assert report.values == 7 and report.missing == 2
    (line,) = report.withheld
    assert line == (
        "indikatorn 'N15419': källan redovisar inte 2 värden för kommunen (1487): "
        "2020 män; 2022 kvinnor."
    )
    assert f"Obs: {line}" in report.summary(project)
    # check says the same of the data now in data/ (the empty value is no row there)
    model = load_model(project)
    assert any("'N15419'" in n and "2022 kvinnor" in n for n in model.upplysningar)
    result = CliRunner().invoke(app, ["check", "--rot", str(project.root)])
    assert result.exit_code == ExitCode.OK, result.output
    assert "källan redovisar inte" in result.output and "2022 kvinnor" in result.output


def test_a_withheld_count_says_the_report_hides_the_other_kon(
    project: ProjectPaths, tmp_path: Path
) -> None:
    chain_file = project.yaml_file("malkedja")
    chain = yaml.safe_load(chain_file.read_text(encoding="utf-8"))
    n15419 = next(i for g in chain["namndmal"] for i in g["indikatorer"] if i["id"] == "N15419")
    n15419["antal_individer"] = True  # as if it counted pupils, not a share
    chain_file.write_text(yaml.safe_dump(chain, allow_unicode=True), encoding="utf-8")
    rows = [["kpi", "municipality_id", "period", "gender", "value"], *STORFORS_N15419]
    (line,) = import_export(project, write_export(tmp_path / "s.csv", rows)).withheld
    # both years give the total and one kön: the report shows only the total
    assert line.endswith(
        "rapporten döljer också det andra könet (2020, 2022) och visar bara totalen."
    )


def test_fetch_names_what_kolada_withholds(project: ProjectPaths) -> None:
    served = [v for v in served_values() if not (v.municipality == "1487" and v.period == 2022)]
    served += [
        Value("N15419", "1487", 2022, "T", 69.4),
        Value("N15419", "1487", 2022, "M", 72.7),
        Value("N15419", "1487", 2022, "K", None),
    ]
    with FakeKolada(served) as fake:
        report = run_fetch(project, fake)
    assert report.withheld == [
        "indikatorn 'N15419': källan redovisar inte 1 värde för kommunen (1487): 2022 kvinnor."
    ]
    assert "Obs: indikatorn 'N15419'" in report.summary(project)


def test_import_reads_a_utf16_export_and_says_so(project: ProjectPaths, tmp_path: Path) -> None:
    export = write_export(
        tmp_path / "unicode.txt.csv",
        [["kpi", "municipality_id", "period", "gender", "value"], *STORFORS_N15419[3:6]],
        delimiter=";",
    )
    export.write_bytes(export.read_text(encoding="utf-8").encode("utf-16-le"))  # no BOM
    report = import_export(project, export)
    assert report.values == 3
    assert any("sparad som UTF-16" in w for w in report.warnings), report.warnings
