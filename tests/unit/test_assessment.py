"""The assessment rules: each bedömning, the margin, overrides, missing data, aggregation."""

from __future__ import annotations

import pytest

from kommunrapport.content import formatting as fmt
from kommunrapport.content.assessment import (
    Andring,
    Bedomning,
    IndikatorBedomning,
    aggregate,
    assess_indicator,
    assess_inriktningsmal,
    assess_namndmal,
    judge,
)
from kommunrapport.data.model import Bedomningsregel, Inriktningsmal, Namndmal

RULE = Bedomningsregel(marginal=5)
U, D, E, X = Bedomning.UPPFYLLT, Bedomning.DELVIS, Bedomning.EJ_UPPFYLLT, Bedomning.EJ_BEDOMBAR


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (75.0, U),  # beyond the target
        (70.0, U),  # at the target
        (66.5, D),  # exactly at the margin: 5 % of 70 = 3.5
        (68.0, D),
        (66.4, E),  # just outside the margin
        (10.0, E),
        (None, X),
    ],
)
def test_higher_is_better(value: float | None, expected: Bedomning) -> None:
    assert judge(value, 70.0, "högre", RULE) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(9.0, U), (10.0, U), (10.5, D), (10.51, E), (None, X)],
)
def test_lower_is_better(value: float | None, expected: Bedomning) -> None:
    assert judge(value, 10.0, "lägre", RULE) is expected


def test_missing_target_is_not_assessable() -> None:
    assert judge(80.0, None, "högre", RULE) is X


def test_the_margin_is_data() -> None:
    assert judge(66.0, 70.0, "högre", Bedomningsregel(marginal=10)) is D
    assert judge(69.9, 70.0, "högre", Bedomningsregel(marginal=0)) is E
    units = Bedomningsregel(marginal=0.5, marginal_enhet="enheter")
    assert judge(7.5, 7.0, "lägre", units) is D  # 0,5 procentenheter, not 5 % of 7
    assert judge(7.6, 7.0, "lägre", units) is E


def _assess(value: float | None, target: float | None = 70.0, andring: Andring | None = None):
    return assess_indicator(
        id="I",
        namn="Andel",
        year=2022,
        value=value,
        target=target,
        riktning="högre",
        rule=RULE,
        show=lambda v: fmt.percent(v),
        show_diff=lambda v: fmt.with_unit(v, "procentenheter"),
        andring=andring,
    )


def test_indicator_reasons_name_value_target_and_margin() -> None:
    assert _assess(72).skal == f"Utfallet 2022, 72{fmt.NBSP}%, når målvärdet 70{fmt.NBSP}%."
    delvis = _assess(68).skal
    assert "missar målvärdet" in delvis and "inom marginalen" in delvis
    assert f"2{fmt.NBSP}procentenheter" in delvis
    assert "mer än marginalen" in _assess(60).skal
    assert _assess(None).skal.startswith("Utfall för 2022 saknas")
    assert _assess(72, target=None).skal == "Målvärde för 2022 saknas."


def test_an_override_replaces_the_rule_and_shows_its_motivation() -> None:
    changed = _assess(60, andring=Andring(D, "Mätningen gjordes före insatsen."))
    assert changed.enligt_regel is E
    assert changed.bedomning is D
    assert "Mätningen gjordes före insatsen." in changed.skal
    assert "enligt regeln: ej uppfyllt" in changed.skal
    same = _assess(72, andring=Andring(U, "Stämmer."))
    assert same.bedomning is U and "bekräftad" in same.skal


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ([], X),
        ([X, X], X),
        ([U, U, X], U),
        ([E, E], E),
        ([U, E], D),
        ([D], D),
        ([U, D, X], D),
        ([E, D], D),
    ],
)
def test_aggregation_rule(parts: list[Bedomning], expected: Bedomning) -> None:
    assert aggregate(parts) is expected


def _ind(b: Bedomning, varde: float | None = 1.0, mal: float | None = 1.0) -> IndikatorBedomning:
    return IndikatorBedomning("I", "Ind", 2022, varde, mal, b, "skäl")


GOAL = Namndmal(id="m", namnd="n", namn="Mål", inriktningsmal=["im"])


def test_namndmal_reason_counts_indicators() -> None:
    result = assess_namndmal(GOAL, [_ind(U), _ind(U), _ind(U), _ind(D)], 2022)
    assert result.bedomning is D
    assert result.skal.startswith("3 av 4 indikatorer når målvärdet, 1 inom marginalen.")
    result = assess_namndmal(GOAL, [_ind(U), _ind(X, varde=None)], 2022)
    assert result.bedomning is U
    assert result.skal == "1 av 1 indikator når målvärdet. 1 indikator kan inte bedömas ännu."


def test_namndmal_without_assessable_indicators() -> None:
    none = assess_namndmal(GOAL, [], 2022)
    assert none.bedomning is X and "saknar indikatorer" in none.skal
    missing = assess_namndmal(GOAL, [_ind(X, varde=None), _ind(X, varde=None)], 2022)
    assert missing.bedomning is X and "utfall för 2022 saknas" in missing.skal


def test_indicator_overrides_feed_the_namndmal_and_goal_overrides_win() -> None:
    overridden = IndikatorBedomning("I", "Ind", 2022, 1.0, 2.0, E, "skäl", Andring(U, "Motiv."))
    assert assess_namndmal(GOAL, [overridden, _ind(U)], 2022).bedomning is U
    goal = assess_namndmal(GOAL, [_ind(U)], 2022, Andring(D, "Kvaliteten brister."))
    assert goal.enligt_regel is U and goal.bedomning is D
    assert "Kvaliteten brister." in goal.skal


def test_inriktningsmal_aggregates_its_namndmal() -> None:
    im = Inriktningsmal(id="im", namn="Inriktning")
    goals = [
        assess_namndmal(GOAL, [_ind(U)], 2022),
        assess_namndmal(GOAL, [_ind(E)], 2022),
        assess_namndmal(GOAL, [], 2022),
    ]
    result = assess_inriktningsmal(im, goals)
    assert result.bedomning is D
    assert result.skal == (
        "1 av 2 bedömda nämndmål är uppfyllt, 1 ej uppfyllt. 1 nämndmål kan inte bedömas."
    )
    empty = assess_inriktningsmal(im, [])
    assert empty.bedomning is X and empty.skal == "Inget nämndmål bidrar till inriktningsmålet."


def test_every_bedomning_has_a_word_and_a_signal_word() -> None:
    assert [b.text for b in Bedomning] == [
        "Uppfyllt",
        "Delvis uppfyllt",
        "Ej uppfyllt",
        "Ej bedömbar",
    ]
    assert [b.signal for b in Bedomning] == ["grön", "gul", "röd", "grå"]
