"""Swedish number formatting: the one module that tables, figures and key figures use.

Rules (Språkrådet, and the habit of Swedish kommuner's reports):

- thousands separator: a non-breaking space (U+00A0), so ``12 345`` never breaks across lines;
- decimal comma: ``1 234,5``;
- negative numbers carry a real minus sign (U+2212): ``−12 345``;
- a space (non-breaking) between a number and its unit: ``67 %``, ``−12 345 tkr``;
- rounding is half away from zero (``2,5`` → ``3``), not Python's banker's rounding;
- a missing value is shown as an en dash ``–`` (:data:`MISSING`).

Everything here is pure and cheap to import (no pandas, no matplotlib).
"""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

NBSP: Final = "\u00a0"
MINUS: Final = "\u2212"
MISSING: Final = "–"
"""What a table shows where a value is missing (en dash)."""

MONTHS: Final = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
MONTHS_LONG: Final = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)

Number = float | int


def is_missing(value: object) -> bool:
    """True for None and NaN (also pandas' NA)."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN and pd.NA are not equal to themselves
    except TypeError:  # pd.NA raises on bool()
        return True


def rounded(value: Number, decimals: int = 0) -> Decimal:
    """``value`` rounded half away from zero to ``decimals`` places, as a Decimal."""
    quantum = Decimal(1).scaleb(-decimals)
    return Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)


def number(value: Number | None, decimals: int = 0, *, sign: bool = False) -> str:
    """``1234.5`` → ``1 234,5`` (with ``decimals=1``); ``-12345`` → ``−12 345``.

    ``sign=True`` also writes ``+`` before a positive number (for changes and deviations).
    A value that rounds to zero is written without a sign. None/NaN → ``–``.
    """
    if value is None or is_missing(value):
        return MISSING
    if isinstance(value, float) and math.isinf(value):
        return MISSING
    r = rounded(value, decimals)
    if r == 0:
        r = abs(r)
    negative = r < 0
    digits = f"{abs(r):.{decimals}f}"
    whole, _, frac = digits.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = NBSP.join(groups)
    if frac:
        text += "," + frac
    if negative:
        return MINUS + text
    if sign and r > 0:
        return "+" + text
    return text


def with_unit(value: Number | None, unit: str, decimals: int = 0, *, sign: bool = False) -> str:
    """``number`` followed by a non-breaking space and ``unit`` (no unit for a missing value)."""
    text = number(value, decimals, sign=sign)
    if text == MISSING or not unit:
        return text
    return f"{text}{NBSP}{unit}"


def tkr(value: Number | None, *, sign: bool = False) -> str:
    """``-12345`` → ``−12 345 tkr``."""
    return with_unit(value, "tkr", 0, sign=sign)


def mnkr(value: Number | None, decimals: int = 1, *, sign: bool = False) -> str:
    """``123.45`` → ``123,5 mnkr``."""
    return with_unit(value, "mnkr", decimals, sign=sign)


def percent(value: Number | None, decimals: int = 0, *, sign: bool = False) -> str:
    """``67`` → ``67 %`` (the value is already in percent)."""
    return with_unit(value, "%", decimals, sign=sign)


def percentage_points(value: Number | None, decimals: int = 1) -> str:
    """A change of a percentage: ``-0.4`` → ``−0,4 procentenheter``."""
    return with_unit(value, "procentenheter", decimals, sign=True)


def share(part: Number | None, whole: Number | None) -> float | None:
    """``part`` as a percentage of ``whole``; None when it cannot be computed."""
    if part is None or whole is None or is_missing(part) or is_missing(whole) or whole == 0:
        return None
    return 100.0 * float(part) / float(whole)


PERCENT_UNITS: Final = frozenset({"%", "procent", "andel (%)", "andel", "andel %"})


def is_percent_unit(unit: str) -> bool:
    return unit.strip().lower() in PERCENT_UNITS


def decimals_for(values: list[float]) -> int:
    """0 when every value is whole, else 1: one precision for a whole series."""
    real = [v for v in values if not is_missing(v)]
    if all(float(v).is_integer() for v in real):
        return 0
    return 1


def indicator_value(value: Number | None, unit: str, decimals: int = 0) -> str:
    """An indicator's value with its unit: ``65 %``, ``5,3 barn/årsarbetare``."""
    if is_percent_unit(unit):
        return percent(value, decimals)
    return with_unit(value, unit, decimals)


def month_span(month: int) -> str:
    """The part of the year a period covers: ``8`` → ``jan–aug``; ``12`` → ``helår``."""
    if month == 12:
        return "helår"
    if month == 1:
        return "jan"
    return f"jan–{MONTHS[month - 1]}"


def long_date(day: date) -> str:
    """A date as written in running text: ``2022-08-31`` → ``31 augusti 2022``."""
    return f"{day.day} {MONTHS_LONG[day.month - 1]} {day.year}"


def axis_tick(value: float, decimals: int = 0) -> str:
    """A chart axis tick label: Swedish digits, real minus sign, no unit."""
    return number(value, decimals)


_ASCII_SPACE = re.compile(r"[ \t\r\n\f\v]+")


def one_line(text: str) -> str:
    """Collapse runs of ASCII white space (not the no-break spaces of numbers) to one space."""
    return _ASCII_SPACE.sub(" ", str(text)).strip()


def join_words(items: list[str], last: str = "och") -> str:
    """``["a", "b", "c"]`` → ``a, b och c``."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def count_noun(n: int, singular: str, plural: str) -> str:
    """``1 indikator``, ``3 indikatorer``."""
    return f"{number(n)} {singular if n == 1 else plural}"
