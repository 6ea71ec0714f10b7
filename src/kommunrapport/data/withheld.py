"""Values the source withheld: what ``check``, ``kolada import`` and ``kolada hamta`` say
about them.

Kolada and the registers withhold a small cell by leaving it out: the kommun's total and
one kön are given, the other kön is an empty value or no row at all. A report that showed
the total and the given kön would give the withheld one back (totalt − kvinnor = män), so
the report hides the other kön too (``content.suppression.withheld_kon``: the rule is the
same). This module only finds and names them, per indicator and year, for the kommun.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kommunrapport.data.model import Indikator

KON_WORDS = {"T": "totalt", "K": "kvinnor", "M": "män"}
_SPLIT = ("K", "M")


@dataclass(frozen=True)
class Withheld:
    """The values of one indicator and year that the source did not give."""

    indikator: str
    ar: int
    kon: tuple[str, ...]
    """T, K and/or M, in that order."""
    hides_other: bool
    """The report hides the other kön too (a count of individuals with one kön withheld
    beside the total)."""


def _find(
    values: Iterable[tuple[str, int, str, bool]], indicators: Mapping[str, Indikator]
) -> list[Withheld]:
    """The withheld values among ``values``: (indicator, year, kön, has a value) for the
    kommun's rows. A value is withheld when its row has no value, or when it is one kön of
    an indicator split by kön that is absent while the total and the other kön are given.
    Only the indicators in ``indicators`` are considered."""
    given: dict[tuple[str, int], set[str]] = defaultdict(set)
    empty: dict[tuple[str, int], set[str]] = defaultdict(set)
    for ind_id, year, gender, has_value in values:
        if ind_id in indicators:
            (given if has_value else empty)[(ind_id, year)].add(gender)
    found = []
    for key in sorted(set(given) | set(empty)):
        ind = indicators[key[0]]
        have = given.get(key, set())
        missing = set(empty.get(key, set())) - have
        one_kon = "T" in have and len(have & set(_SPLIT)) == 1
        if ind.kon and one_kon:
            missing |= set(_SPLIT) - have
        if missing:
            kon = tuple(k for k in ("T", *_SPLIT) if k in missing)
            hides = ind.kon and ind.antal_individer and one_kon
            found.append(Withheld(key[0], key[1], kon, hides))
    return found


def withheld_lines(
    values: Iterable[tuple[str, int, str, bool]],
    indicators: Mapping[str, Indikator],
    kommun: str,
) -> list[str]:
    """One Swedish line per indicator: how many values the source withheld for the
    kommun, and which, year by year. ``values``: (indicator, year, kön, has a value) of
    the kommun's rows; see :func:`_find` for what counts as withheld."""
    by_indicator: dict[str, list[Withheld]] = defaultdict(list)
    for w in _find(values, indicators):
        by_indicator[w.indikator].append(w)
    lines = []
    for ind, items in by_indicator.items():
        count = sum(len(w.kon) for w in items)
        years = "; ".join(f"{w.ar} {' och '.join(KON_WORDS[k] for k in w.kon)}" for w in items)
        line = (
            f"indikatorn '{ind}': källan redovisar inte {count} "
            f"{'värde' if count == 1 else 'värden'} för kommunen ({kommun}): {years}."
        )
        hidden = [str(w.ar) for w in items if w.hides_other]
        if hidden:
            line += (
                f" Det räknas som ett litet antal: rapporten döljer också det andra könet "
                f"({', '.join(hidden)}) och visar bara totalen."
            )
        lines.append(line)
    return lines
