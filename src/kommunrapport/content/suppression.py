"""Suppression of small counts of individuals in published tables, charts and open data.

Statistics must not reveal individuals: a count of individuals from 1 up to (not including)
the kommun's threshold (``minsta_antal`` in ``data/kommun.yml``, default 5) is not shown.
Zero is shown (it reveals no one). When one kön is suppressed the other kön is suppressed too
(secondary suppression), because totalt − kvinnor would otherwise give män back; a rate
computed over a suppressed group (e.g. sjukfrånvaro for 3 men) is suppressed with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from kommunrapport.content import formatting as fmt

DEFAULT_THRESHOLD = 5


def is_small(count: float | None, threshold: int) -> bool:
    """True when ``count`` individuals must not be shown."""
    if count is None or fmt.is_missing(count):
        return False
    return 0 < float(count) < threshold


def marker(threshold: int) -> str:
    """What a table shows instead of a suppressed value."""
    return f"<{threshold}"


def note(threshold: int) -> str:
    return (
        f"Antal under {threshold} personer redovisas inte (visas som {marker(threshold)}) "
        "för att inte röja enskilda; då döljs också motsvarande uppgift för det andra könet."
    )


@dataclass(frozen=True)
class KonUrval:
    """Which of totalt / kvinnor / män may be shown, given their head counts."""

    totalt: bool
    kvinnor: bool
    man: bool

    @property
    def any_hidden(self) -> bool:
        return not (self.totalt and self.kvinnor and self.man)


def by_kon(
    totalt: float | None, kvinnor: float | None, man: float | None, threshold: int
) -> KonUrval:
    """Primary and secondary suppression for a totalt/kvinnor/män triple of head counts."""
    show_total = not is_small(totalt, threshold)
    hide_k = is_small(kvinnor, threshold)
    hide_m = is_small(man, threshold)
    hide_both = hide_k or hide_m or not show_total
    return KonUrval(show_total, not hide_both, not hide_both)


def count_text(count: float | None, shown: bool, threshold: int) -> str:
    """A head count for a table: the number, or the suppression marker."""
    if count is None or fmt.is_missing(count):
        return fmt.MISSING
    if not shown or is_small(count, threshold):
        return marker(threshold)
    return fmt.number(count)


def value_or_none(value: float | None, shown: bool) -> float | None:
    """For open data and charts: the value, or None where it is suppressed."""
    if not shown or value is None or fmt.is_missing(value):
        return None
    return float(value)
