"""The ekonomisk sammanfattning as real reports print it (issue 22, point 9): a budget for
the net only, the previous year's budget and avvikelse in the årsredovisning, and the
nettoinvesteringar, each optional."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from content_project import load, write_project

from kommunrapport.content import opendata
from kommunrapport.content.rapport import NamndRapport
from kommunrapport.data.loader import check

NB = "\u00a0"
M = "\u2212"


def _row(period: str, post: str, **amounts: float | None) -> dict[str, Any]:
    row: dict[str, Any] = {"namnd": "a", "period": period, "post": post}
    row.update({k: amounts.get(k) for k in ("budget", "utfall", "prognos")})
    return row


NET_ONLY = [
    _row("2022-12", "intakter", utfall=-300),
    _row("2022-12", "kostnader", utfall=1350),
    _row("2022-12", "nettokostnad", budget=1000),
]


def test_a_budget_for_the_net_only(tmp_path: Path) -> None:
    model = load(tmp_path, ekonomisk_sammanfattning=NET_ONLY)
    assert check(model.paths) == []
    t = NamndRapport.from_params(model, "2022-12", "a").ekonomisk_sammanfattning()
    assert t.headings == [
        "Post",
        "Budget (tkr)",
        "Utfall (tkr)",
        "Avvikelse (tkr)",
        "Utfall 2021 (tkr)",
    ]
    assert t.rader == (
        ("Intäkter", "–", f"{M}300", "–", "–"),
        ("Kostnader", "–", f"1{NB}350", "–", "–"),
        ("Nettokostnad", f"1{NB}000", f"1{NB}050", f"{M}50", "–"),
    )
    assert t.markerade == frozenset({2})
    assert any("budgeten är nämndens budget för netto" in n for n in t.noter)


def test_only_the_net(tmp_path: Path) -> None:
    rows = [_row("2022-12", "nettokostnad", budget=1000, utfall=990)]
    model = load(tmp_path, ekonomisk_sammanfattning=rows)
    t = NamndRapport.from_params(model, "2022-12", "a").ekonomisk_sammanfattning()
    assert t.rader == (("Nettokostnad", f"1{NB}000", "990", "+10", "–"),)
    assert not any("summan av intäkter" in n for n in t.noter)


def test_last_years_budget_and_avvikelse_in_the_arsredovisning_only(tmp_path: Path) -> None:
    rows = [
        _row("2022-12", "intakter", budget=-300, utfall=-320),
        _row("2022-12", "kostnader", budget=1300, utfall=1310),
        _row("2021-12", "intakter", budget=-280, utfall=-290),
        _row("2021-12", "kostnader", budget=1250, utfall=1300),
        _row("2022-08", "intakter", budget=-300, utfall=-200, prognos=-310),
        _row("2022-08", "kostnader", budget=1300, utfall=850, prognos=1300),
        _row("2021-08", "intakter", budget=-280, utfall=-190),
        _row("2021-08", "kostnader", budget=1250, utfall=840),
    ]
    model = load(tmp_path, ekonomisk_sammanfattning=rows)
    t = NamndRapport.from_params(model, "2022-12", "a").ekonomisk_sammanfattning()
    assert t.headings[4:] == ["Budget 2021 (tkr)", "Utfall 2021 (tkr)", "Avvikelse 2021 (tkr)"]
    assert t.rader[-1] == (
        "Nettokostnad",
        f"1{NB}000",
        "990",
        "+10",
        "970",
        f"1{NB}010",
        f"{M}40",
    )
    frame = opendata.tables(model, "2022-12", "a")["ekonomisk_sammanfattning"].frame
    assert frame["foregaende_ar_avvikelse_tkr"].tolist() == [10, -50, -40]
    delar = NamndRapport.from_params(model, "2022-08", "a").ekonomisk_sammanfattning()
    assert delar.headings[-1] == "Utfall jan–aug 2021 (tkr)"
    assert not any("Budget 2021" in h for h in delar.headings)


def test_nettoinvesteringar_are_a_row_of_their_own(tmp_path: Path) -> None:
    rows = [*NET_ONLY, _row("2022-12", "nettoinvesteringar", budget=500, utfall=420)]
    model = load(tmp_path, ekonomisk_sammanfattning=rows)
    t = NamndRapport.from_params(model, "2022-12", "a").ekonomisk_sammanfattning()
    assert t.rader[-1] == ("Nettoinvesteringar", "500", "420", "+80", "–")
    assert t.rader[-2][0] == "Nettokostnad" and t.rader[-2][2] == f"1{NB}050"  # not in the net
    assert t.markerade == frozenset({2})
    assert any("ingår inte i nettokostnaden" in n for n in t.noter)
    frame = opendata.tables(model, "2022-12", "a")["ekonomisk_sammanfattning"].frame
    assert frame["post"].tolist()[-1] == "Nettoinvesteringar"


def test_costs_as_negative_numbers_are_seen_from_the_net_alone(tmp_path: Path) -> None:
    rows = [
        _row("2022-12", "nettokostnad", budget=-1000, utfall=-900),
        _row("2022-12", "nettoinvesteringar", budget=-500, utfall=-420),
    ]
    model = load(tmp_path, ekonomisk_sammanfattning=rows)
    t = NamndRapport.from_params(model, "2022-12", "a").ekonomisk_sammanfattning()
    assert [r[3] for r in t.rader] == ["+100", "+80"]  # less spent than budgeted, both


def test_a_net_that_the_parts_do_not_add_up_to_is_refused(tmp_path: Path) -> None:
    ok = [
        _row("2022-12", "intakter", utfall=-300),
        _row("2022-12", "kostnader", utfall=1350),
        _row("2022-12", "nettokostnad", budget=1000, utfall=1051),  # within rounding
    ]
    assert check(write_project(tmp_path / "ok", ekonomisk_sammanfattning=ok)) == []
    ok[2]["utfall"] = 1060
    problems = check(write_project(tmp_path / "bad", ekonomisk_sammanfattning=ok))
    assert len(problems) == 1, problems
    p = problems[0]
    assert p.file.endswith("ekonomisk_sammanfattning.csv") and p.row == 4
    assert p.column == "utfall"
    assert f"nettokostnaden 1{NB}060 tkr" in p.message and f"1{NB}050 tkr" in p.message


def test_only_the_net_may_leave_utfall_empty(tmp_path: Path) -> None:
    rows = [*NET_ONLY, _row("2022-12", "nettoinvesteringar", budget=500)]
    problems = check(write_project(tmp_path, ekonomisk_sammanfattning=rows))
    assert [(p.row, p.column) for p in problems] == [(5, "utfall")], problems
    assert "utfall krävs för nettoinvesteringar" in problems[0].message
