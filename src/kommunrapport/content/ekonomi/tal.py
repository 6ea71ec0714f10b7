"""Amounts in the economy tables: a missing amount stays ``None`` through sums and
differences, so a gap in the data shows as an empty cell, never as a zero.
"""

from __future__ import annotations

from kommunrapport.content import formatting as fmt


def num(value: object) -> float | None:
    if value is None or fmt.is_missing(value):
        return None
    return float(value)  # type: ignore[arg-type]


def known_sum(values: list[float | None]) -> float | None:
    real = [v for v in values if v is not None]
    return sum(real) if real else None


def diff(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def no_budget_note(names: list[str]) -> list[str]:
    """The note under a table whose rows ``names`` have no budget (an empty cell), if any."""
    if not names:
        return []
    return [
        f"{fmt.join_words(names)} saknar budget; avvikelsen räknas mot budgeten 0 och summan med 0."
    ]


def given_avvikelse_note(given: bool, full_year: bool, per_what: str) -> list[str]:
    """The note under a table whose rows (``per_what``: ``rad``, ``projekt``) carry the
    ekonomisystem's own avvikelse, if any does."""
    if not given:
        return []
    what = "utfall" if full_year else "prognos"
    return [
        f"Avvikelsen är den som ekonomisystemet anger per {per_what}; den kan skilja sig från "
        f"budget och {what} i tabellen med avrundningen."
    ]
