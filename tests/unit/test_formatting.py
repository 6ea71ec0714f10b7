"""Swedish number formats: golden strings (U+00A0 no-break space, U+2212 minus)."""

from __future__ import annotations

import math
from datetime import date

import pytest

from kommunrapport.content import formatting as fmt

NB = "\u00a0"
MINUS = "\u2212"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0, 0, "0"),
        (7, 0, "7"),
        (999, 0, "999"),
        (1000, 0, f"1{NB}000"),
        (12345, 0, f"12{NB}345"),
        (1234567.891, 0, f"1{NB}234{NB}568"),
        (1234.5, 1, f"1{NB}234,5"),
        (-12345, 0, f"{MINUS}12{NB}345"),
        (-0.4, 1, f"{MINUS}0,4"),
        (0.05, 1, "0,1"),  # half away from zero, not banker's rounding
        (2.5, 0, "3"),
        (-2.5, 0, f"{MINUS}3"),
        (0.125, 2, "0,13"),
        (-0.004, 2, "0,00"),  # rounds to zero: no sign
        (None, 0, "–"),
        (math.nan, 1, "–"),
    ],
)
def test_number(value: float | None, decimals: int, expected: str) -> None:
    assert fmt.number(value, decimals) == expected


def test_signed_numbers_carry_plus_and_real_minus() -> None:
    assert fmt.number(1234, sign=True) == f"+1{NB}234"
    assert fmt.number(-1234, sign=True) == f"{MINUS}1{NB}234"
    assert fmt.number(0, sign=True) == "0"


def test_units_are_joined_by_a_no_break_space() -> None:
    assert fmt.tkr(-12345) == f"{MINUS}12{NB}345{NB}tkr"
    assert fmt.tkr(5300, sign=True) == f"+5{NB}300{NB}tkr"
    assert fmt.mnkr(2674) == f"2{NB}674,0{NB}mnkr"
    assert fmt.percent(67) == f"67{NB}%"
    assert fmt.percent(12.345, 1) == f"12,3{NB}%"
    assert fmt.percentage_points(-0.44) == f"{MINUS}0,4{NB}procentenheter"
    assert fmt.tkr(None) == "–"  # no unit after a missing value


def test_indicator_values_use_percent_for_shares_and_the_unit_otherwise() -> None:
    assert fmt.indicator_value(65.4, "%", 1) == f"65,4{NB}%"
    assert fmt.indicator_value(65.4, "andel (%)", 1) == f"65,4{NB}%"
    assert fmt.indicator_value(5.26, "barn/årsarbetare", 1) == f"5,3{NB}barn/årsarbetare"


def test_one_precision_per_series() -> None:
    assert fmt.decimals_for([1.0, 2.0, math.nan]) == 0
    assert fmt.decimals_for([1.0, 2.5]) == 1


def test_share_and_months() -> None:
    assert fmt.share(1, 4) == 25.0
    assert fmt.share(1, 0) is None
    assert fmt.share(None, 4) is None
    assert fmt.month_span(8) == "jan–aug"
    assert fmt.month_span(4) == "jan–apr"
    assert fmt.month_span(12) == "helår"


def test_long_date() -> None:
    assert fmt.long_date(date(2022, 8, 31)) == "31 augusti 2022"
    assert fmt.long_date(date(2023, 1, 1)) == "1 januari 2023"
    assert fmt.long_date(date(2022, 12, 31)) == "31 december 2022"


def test_axis_ticks_match_table_numbers() -> None:
    assert fmt.axis_tick(-20000.0) == f"{MINUS}20{NB}000"
    assert fmt.axis_tick(92.5, 1) == "92,5"


def test_join_words() -> None:
    assert fmt.join_words(["a"]) == "a"
    assert fmt.join_words(["a", "b", "c"]) == "a, b och c"
    assert fmt.count_noun(1, "indikator", "indikatorer") == "1 indikator"
    assert fmt.count_noun(3, "indikator", "indikatorer") == "3 indikatorer"
