"""The kommunal koncern on small constructed koncerns: proportional consolidation, each kind
of elimination, unbalanced eliminations refused, last year's figures, the report's tables.

The koncern (2022-12, mnkr): the kommun; Bolaget AB, 100 %; Förbundet, 40 %.
Without eliminations the koncern's result is 35 + 20 + 0,4 × 2 = 55,8 (2021: 45,4).
With every kind of elimination (see ``ELIMINERINGAR``) it is 52,8: only the dividend
(3) changes the result; the balance sheet totals 1 563 on both sides.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from content_project import PERIODER, load, write_project

from kommunrapport.content import keyfigures
from kommunrapport.content.koncern import redovisning as kr
from kommunrapport.content.koncern import tabeller as ktab
from kommunrapport.content.koncern.sammanstallning import sammanstallning
from kommunrapport.content.rapport import KommunRapport
from kommunrapport.data.loader import collect
from kommunrapport.data.model import luhn_ok

KONCERN: dict[str, Any] = {
    "foretag": [
        {
            "id": "ab",
            "namn": "Bolaget AB",
            "organisationsnummer": "556412-3817",
            "form": "aktiebolag",
            "andel_roster": 100,
            "andel_kapital": 100,
        },
        {
            "id": "kf",
            "namn": "Förbundet",
            "organisationsnummer": "2220001248",
            "form": "kommunalförbund",
            "andel_roster": 40,
            "andel_kapital": 40,
        },
    ]
}


def _rr(period: str, **posts: float) -> list[dict[str, Any]]:
    return [
        {"period": period, "post": p, "utfall": v, "budget": v, "prognos": v}
        for p, v in posts.items()
    ]


def _br(period: str, **posts: float) -> list[dict[str, Any]]:
    return [{"period": period, "post": p, "belopp": v} for p, v in posts.items()]


def _co(company: str, period: str, **posts: float) -> list[dict[str, Any]]:
    return [
        {"foretag": company, "period": period, "post": p, "belopp": v} for p, v in posts.items()
    ]


RESULTATRAKNING = [
    *_rr(
        "2022-12",
        verksamhetens_intakter=100,
        verksamhetens_kostnader=-900,
        avskrivningar=-50,
        skatteintakter=880,
        finansiella_intakter=10,
        finansiella_kostnader=-5,
    ),
    *_rr(
        "2021-12",
        verksamhetens_intakter=90,
        verksamhetens_kostnader=-850,
        avskrivningar=-45,
        skatteintakter=830,
        finansiella_intakter=8,
        finansiella_kostnader=-3,
    ),
]
BALANSRAKNING = [
    *_br(
        "2022-12",
        materiella_anlaggningstillgangar=900,
        finansiella_anlaggningstillgangar=100,
        fordringar=50,
        kassa_och_bank=50,
        eget_kapital=600,
        arets_resultat=35,
        avsattningar_pensioner=50,
        langfristiga_skulder=300,
        kortfristiga_skulder=150,
        ansvarsforbindelse_pensioner=100,
    ),
    *_br(
        "2021-12",
        materiella_anlaggningstillgangar=880,
        finansiella_anlaggningstillgangar=100,
        fordringar=40,
        kassa_och_bank=45,
        eget_kapital=565,
        arets_resultat=30,
        avsattningar_pensioner=50,
        langfristiga_skulder=300,
        kortfristiga_skulder=150,
        ansvarsforbindelse_pensioner=110,
    ),
]
RAKENSKAPER = [
    *_co(
        "ab",
        "2022-12",
        verksamhetens_intakter=200,
        verksamhetens_kostnader=-150,
        avskrivningar=-20,
        finansiella_kostnader=-10,
        materiella_anlaggningstillgangar=500,
        fordringar=30,
        kassa_och_bank=20,
        eget_kapital=120,
        arets_resultat=20,
        langfristiga_skulder=400,
        kortfristiga_skulder=30,
        lopande_verksamhet=40,
        investeringsverksamhet=-40,
        nettoinvesteringar=40,
    ),
    *_co(
        "ab",
        "2021-12",
        verksamhetens_intakter=190,
        verksamhetens_kostnader=-145,
        avskrivningar=-20,
        finansiella_kostnader=-10,
        materiella_anlaggningstillgangar=480,
        fordringar=25,
        kassa_och_bank=20,
        eget_kapital=105,
        arets_resultat=15,
        langfristiga_skulder=390,
        kortfristiga_skulder=30,
    ),
    *_co(
        "kf",
        "2022-12",
        verksamhetens_intakter=50,
        verksamhetens_kostnader=-48,
        avskrivningar=-5,
        finansiella_intakter=5,
        materiella_anlaggningstillgangar=20,
        kassa_och_bank=10,
        eget_kapital=10,
        arets_resultat=2,
        avsattningar_pensioner=10,
        kortfristiga_skulder=10,
        ansvarsforbindelse_pensioner=5,
        nettoinvesteringar=5,
    ),
    *_co(
        "kf",
        "2021-12",
        verksamhetens_intakter=48,
        verksamhetens_kostnader=-42,
        avskrivningar=-5,
        materiella_anlaggningstillgangar=19,
        kassa_och_bank=9,
        eget_kapital=8,
        arets_resultat=1,
        avsattningar_pensioner=10,
        kortfristiga_skulder=10,
    ),
]


def _pair(
    typ: str, a: str, b: str, a_post: str, b_post: str, a_amount: float, b_amount: float
) -> list[dict[str, Any]]:
    return [
        {
            "period": "2022-12",
            "typ": typ,
            "part": a,
            "motpart": b,
            "post": a_post,
            "belopp": a_amount,
        },
        {
            "period": "2022-12",
            "typ": typ,
            "part": b,
            "motpart": a,
            "post": b_post,
            "belopp": b_amount,
        },
    ]


ELIMINERINGAR = [
    *_pair(
        "försäljning", "ab", "kommun", "verksamhetens_intakter", "verksamhetens_kostnader", 30, 30
    ),
    *_pair(
        "försäljning", "kf", "kommun", "verksamhetens_intakter", "verksamhetens_kostnader", 20, 20
    ),
    *_pair("fordran", "kommun", "ab", "fordringar", "kortfristiga_skulder", 5, 5),
    *_pair("ränta", "kommun", "ab", "finansiella_intakter", "finansiella_kostnader", 2, 2),
    *_pair("koncernbidrag", "kf", "ab", "finansiella_intakter", "finansiella_kostnader", 5, 5),
    *_pair("aktier", "kommun", "ab", "finansiella_anlaggningstillgangar", "eget_kapital", 90, 90),
    *_pair("aktier", "kommun", "kf", "finansiella_anlaggningstillgangar", "eget_kapital", 4, 10),
    *_pair("utdelning", "kommun", "ab", "finansiella_intakter", "eget_kapital", 3, 3),
]


def _project(root: Path, eliminations: list[dict[str, Any]] | None = None, **changes: Any) -> Any:
    tables: dict[str, Any] = {
        "resultatrakning": RESULTATRAKNING,
        "balansrakning": BALANSRAKNING,
        "koncernrakenskaper": RAKENSKAPER,
    }
    if eliminations:
        tables["koncernelimineringar"] = eliminations
    tables.update(changes)
    koncern = tables.pop("koncern", KONCERN)
    perioder = tables.pop("perioder", None)
    return write_project(root, koncern=koncern, perioder=perioder, **tables)


def _problems(root: Path, eliminations: list[dict[str, Any]] | None = None, **changes: Any) -> str:
    _, problems = collect(_project(root, eliminations, **changes))
    return "\n".join(str(p) for p in problems)


def _model(root: Path, eliminations: list[dict[str, Any]] | None = None, **changes: Any) -> Any:
    model, problems = collect(_project(root, eliminations, **changes))
    assert problems == []
    return model


# --- proportional consolidation -------------------------------------------------------------


def test_proportional_consolidation_takes_the_owned_share_of_each_company(tmp_path: Path) -> None:
    s = sammanstallning(_model(tmp_path), "2022-12")
    r = s.rr["verksamhetens_intakter"]
    assert (r.kommun, r.foretag, r.eliminering) == (100, (200, 20), 0)
    assert r.koncern == pytest.approx(320)
    assert s.rr["verksamhetens_kostnader"].koncern == pytest.approx(-900 - 150 - 0.4 * 48)
    assert s.arets_resultat(True) == pytest.approx(55.8)
    assert s.arets_resultat(False) == pytest.approx(35)
    br = s.balansrakning(True)
    assert br.tillgangar == pytest.approx(1100 + 550 + 0.4 * 30)
    assert br.differens == pytest.approx(0)
    assert s.br["ansvarsforbindelse_pensioner"].koncern == pytest.approx(102)


def test_last_years_figures_are_consolidated_the_same_way(tmp_path: Path) -> None:
    k = kr.koncernredovisning(_model(tmp_path), "2022-12")
    assert k.visas
    assert k.forra.arets_resultat(True) == pytest.approx(30 + 15 + 0.4 * 1)
    table = ktab.resultatrakning_tabell(k)
    assert table.headings[1:] == [
        "Kommunen 2022 (mnkr)",
        "Kommunen 2021 (mnkr)",
        "Koncernen 2022 (mnkr)",
        "Koncernen 2021 (mnkr)",
    ]
    last = table.rader[-1]
    assert last[0] == "Årets resultat"
    assert last[1:] == ("35,0", "30,0", "55,8", "45,4")
    br = ktab.balansrakning_tabell(k)
    total = next(r for r in br.rader if r[0] == "Summa tillgångar")
    assert total[1:] == ("1\u00a0100,0", "1\u00a0065,0", "1\u00a0662,0", "1\u00a0601,2")


def test_without_last_years_company_figures_the_koncern_column_stays_empty(
    tmp_path: Path,
) -> None:
    this_year = [r for r in RAKENSKAPER if r["period"] == "2022-12"]
    k = kr.koncernredovisning(_model(tmp_path, koncernrakenskaper=this_year), "2022-12")
    last = ktab.resultatrakning_tabell(k).rader[-1]
    assert last[1:] == ("35,0", "30,0", "55,8", "–")
    assert kr.nyckeltal_forra(k)["arets_resultat"] is None


# --- eliminations ----------------------------------------------------------------------------


@pytest.fixture
def eliminated(tmp_path: Path) -> Any:
    return sammanstallning(_model(tmp_path, ELIMINERINGAR), "2022-12")


def test_internal_sales_are_eliminated_at_the_lower_share(eliminated: Any) -> None:
    intakter = eliminated.rr["verksamhetens_intakter"]
    assert intakter.eliminering == pytest.approx(30 + 0.4 * 20)
    assert intakter.koncern == pytest.approx(282)
    kostnader = eliminated.rr["verksamhetens_kostnader"]
    assert kostnader.eliminering == pytest.approx(-38)
    assert kostnader.koncern == pytest.approx(-1031.2)


def test_interest_and_group_contributions_leave_both_financial_lines(eliminated: Any) -> None:
    # ränta 2 (100 %) + koncernbidrag 5 × 0,4 + utdelning 3
    assert eliminated.rr["finansiella_intakter"].eliminering == pytest.approx(2 + 2 + 3)
    assert eliminated.rr["finansiella_intakter"].koncern == pytest.approx(5)
    assert eliminated.rr["finansiella_kostnader"].eliminering == pytest.approx(-4)
    assert eliminated.rr["finansiella_kostnader"].koncern == pytest.approx(-11)


def test_receivables_and_liabilities_are_eliminated_together(eliminated: Any) -> None:
    assert eliminated.br["fordringar"].koncern == pytest.approx(75)
    assert eliminated.br["kortfristiga_skulder"].koncern == pytest.approx(179)


def test_shares_are_eliminated_against_the_equity_they_bought(eliminated: Any) -> None:
    assert eliminated.br["finansiella_anlaggningstillgangar"].koncern == pytest.approx(6)
    assert eliminated.br["eget_kapital"].koncern == pytest.approx(630)


def test_an_internal_dividend_lowers_the_result_but_not_the_equity(eliminated: Any) -> None:
    assert eliminated.arets_resultat(True) == pytest.approx(52.8)
    assert eliminated.br["arets_resultat"].koncern == pytest.approx(52.8)
    br = eliminated.balansrakning(True)
    assert br.tillgangar == pytest.approx(1563)
    assert br.ek_och_skulder == pytest.approx(1563)
    assert eliminated.kf["lopande_verksamhet"].eliminering == pytest.approx(3)
    assert eliminated.kf["finansieringsverksamhet"].eliminering == pytest.approx(-3)


def test_every_line_reconciles_kommun_plus_shares_minus_eliminations(eliminated: Any) -> None:
    for part in (eliminated.rr, eliminated.br, eliminated.kf):
        for r in part.values():
            if r.koncern is None:
                continue
            parts = (r.kommun or 0) + sum(v or 0 for v in r.foretag)
            assert r.koncern == pytest.approx(parts - r.eliminering), r.post
    assert eliminated.nettoinvesteringar.foretag == (40, 2)


def test_reconciliation_and_elimination_tables(tmp_path: Path) -> None:
    model = _model(tmp_path, ELIMINERINGAR)
    k = kr.koncernredovisning(model, "2022-12")
    recon = ktab.avstamning_tabell(k)
    assert recon.headings == [
        "Post",
        "Kommunen",
        "Bolaget AB (100\u00a0%)",
        "Förbundet (40\u00a0%)",
        "Elimineringar",
        "Koncernen",
    ]
    first = recon.rader[0]
    assert first == ("Verksamhetens intäkter", "100,0", "200,0", "20,0", "38,0", "282,0")
    elims = ktab.elimineringar_tabell(model, k)
    assert len(elims.rader) == len(ELIMINERINGAR)
    row = next(r for r in elims.rader if r[1] == "Förbundet" and r[3] == "Eget kapital")
    assert row[4:] == ("10,0", "40\u00a0%", "4,0")


# --- refused eliminations -----------------------------------------------------------------


def test_a_sale_without_its_purchase_is_refused_naming_the_row(tmp_path: Path) -> None:
    rows = ELIMINERINGAR[:1]
    problems = _problems(tmp_path, rows)
    assert "data/koncernelimineringar.csv, rad 2" in problems
    assert "försäljning (ab mot kommun, 2022-12) utan motsvarande inköp hos kommun" in problems


def test_a_receivable_without_its_liability_is_refused(tmp_path: Path) -> None:
    rows = [r for r in ELIMINERINGAR if r["typ"] == "fordran" and r["part"] == "kommun"]
    problems = _problems(tmp_path, rows)
    assert "fordran (kommun mot ab, 2022-12) utan motsvarande skuld hos ab" in problems


def test_sides_that_differ_are_refused_with_both_rows(tmp_path: Path) -> None:
    rows = copy.deepcopy(ELIMINERINGAR[4:6])  # fordran kommun/ab: rows 2 and 3
    rows[1]["belopp"] = 4
    problems = _problems(tmp_path, rows)
    assert "fordran och skuld mellan kommun och ab 2022-12 balanserar inte: 5,0 mot 4,0" in problems
    assert "rad 2, 3" in problems


def test_shares_are_weighed_by_the_owned_share(tmp_path: Path) -> None:
    rows = copy.deepcopy(ELIMINERINGAR[12:14])  # aktier kommun 4 / kf 10 × 40 %
    assert _problems(tmp_path, rows) == ""
    rows[0]["belopp"] = 10  # the kommun's holding is not 100 % of the förbund
    problems = _problems(tmp_path, rows)
    assert "(vägt med ägarandelen): 10,0 mot 4,0" in problems


def test_a_post_of_another_kind_and_unknown_parties_are_refused(tmp_path: Path) -> None:
    rows = copy.deepcopy(ELIMINERINGAR[:2])
    rows[0]["post"] = "fordringar"
    rows[1]["part"] = "okand"
    problems = _problems(tmp_path, rows)
    assert "koncernelimineringar.csv, rad 2, kolumn 'post'" in problems
    assert "posten 'fordringar' hör inte till typen försäljning" in problems
    assert "'okand' är varken kommun eller ett företag som ingår i koncernen" in problems


# --- data/koncern.yml and the companies' statements ------------------------------------------


def test_luhn_check_digit() -> None:
    assert luhn_ok("5564123817")
    assert not luhn_ok("5564123818")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"organisationsnummer": "556412-3818"}, "har fel kontrollsiffra"),
        ({"andel_kapital": 120}, "andel_kapital"),
        ({"ingar": False}, "ange varför i skal"),
        ({"andel_roster": 10}, "under 20 % finns inget betydande inflytande"),
        ({"form": "handelsbolag"}, "ogiltigt värde 'handelsbolag'"),
    ],
)
def test_koncern_yml_is_validated(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    koncern = copy.deepcopy(KONCERN)
    koncern["foretag"][0].update(change)
    assert message in _problems(tmp_path, koncern=koncern)


def test_companies_are_unique(tmp_path: Path) -> None:
    koncern = copy.deepcopy(KONCERN)
    koncern["foretag"].append({**koncern["foretag"][0]})
    problems = _problems(tmp_path, koncern=koncern)
    assert "företaget 'ab' finns flera gånger" in problems
    assert "organisationsnumret 556412-3817 finns redan för 'ab'" in problems


def test_a_company_balance_sheet_must_balance_and_end_in_its_result(tmp_path: Path) -> None:
    rows = copy.deepcopy(RAKENSKAPER)
    rows[4]["belopp"] = 510  # ab 2022-12 materiella anläggningstillgångar
    rows[0]["belopp"] = 210  # ab 2022-12 verksamhetens intäkter
    problems = _problems(tmp_path, koncernrakenskaper=rows)
    assert "balansräkningen för 'ab' 2022-12 balanserar inte" in problems
    assert "årets resultat för 'ab' 2022-12 är 20,0 mnkr i balansräkningen men 30,0" in problems


def test_a_period_that_shows_the_koncern_needs_every_companys_rows(tmp_path: Path) -> None:
    rows = [r for r in RAKENSKAPER if r["foretag"] != "kf" or r["period"] != "2022-12"]
    problems = _problems(tmp_path, koncernrakenskaper=rows)
    assert "'kf' ingår i koncernen men har inga rader för perioden 2022-12" in problems


# --- the report -------------------------------------------------------------------------------


def _delar(koncern: bool | None) -> dict[str, Any]:
    perioder = copy.deepcopy(PERIODER)
    if koncern is not None:
        perioder["perioder"][0]["koncern"] = koncern
    return perioder


def test_the_delarsrapport_shows_the_koncern_only_when_params_say_so(tmp_path: Path) -> None:
    rows = RAKENSKAPER + [
        {**r, "period": "2022-08"} for r in RAKENSKAPER if r["period"] == "2022-12"
    ]
    for flag, shown in ((None, False), (True, True)):
        root = tmp_path / str(flag)
        paths = write_project(
            root,
            koncern=KONCERN,
            perioder=_delar(flag),
            resultatrakning=RESULTATRAKNING + RESULTATRAKNING_AUG,
            balansrakning=BALANSRAKNING + BALANSRAKNING_AUG,
            koncernrakenskaper=rows,
        )
        model, problems = collect(paths)
        assert problems == [], problems
        assert model is not None
        r = KommunRapport(model, "2022-08")
        table = r.koncern_resultatrakning()
        assert (not table.is_empty()) is shown
        figures = keyfigures.compute(model, "2022-08", None)
        if shown:
            assert table.headings[1:] == [
                "Kommunen 2022-08-31 (mnkr)",
                "Koncernen 2022-08-31 (mnkr)",
            ]
            assert figures["koncern_arets_resultat_mnkr"].value == pytest.approx(55.8)
        else:
            assert table.tom == "Den kommunala koncernen redovisas i årsredovisningen."
            assert figures["koncern_arets_resultat_mnkr"].value is None


RESULTATRAKNING_AUG = _rr(
    "2022-08",
    verksamhetens_intakter=100,
    verksamhetens_kostnader=-900,
    avskrivningar=-50,
    skatteintakter=880,
    finansiella_intakter=10,
    finansiella_kostnader=-5,
)
BALANSRAKNING_AUG = [{**r, "period": "2022-08"} for r in BALANSRAKNING if r["period"] == "2022-12"]


def test_key_figures_of_the_koncern(tmp_path: Path) -> None:
    model = _model(tmp_path, ELIMINERINGAR)
    figures = keyfigures.compute(model, "2022-12", None)
    assert figures["koncern_arets_resultat_mnkr"].value == pytest.approx(52.8)
    assert figures["koncern_arets_resultat_foregaende_ar_mnkr"].value == pytest.approx(45.4)
    assert figures["koncern_soliditet_procent"].value == pytest.approx(round(630 / 1563 * 100, 1))
    assert figures["koncern_soliditet_inkl_pension_procent"].value == pytest.approx(
        round((630 - 102) / 1563 * 100, 1)
    )
    # the kommun's investments (P1, P2 are 2022-08 only: none for 2022-12) are unknown
    assert figures["koncern_investeringar_mnkr"].value is None
    assert figures["koncern_antal_foretag"].value == 2


def test_every_koncern_key_figure_is_present_without_a_koncern(tmp_path: Path) -> None:
    model = load(tmp_path)
    figures = keyfigures.compute(model, "2022-12", None)
    keys = [k for k in keyfigures.KEYS_KOMMUN if k.startswith("koncern_")]
    assert len(keys) == 6
    assert all(figures[k].text == keyfigures.MISSING_TEXT for k in keys)
    table = KommunRapport(model, "2022-12").koncern_organisation()
    assert table.tom in table.to_markdown()
