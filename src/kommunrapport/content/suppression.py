"""Suppression of small counts of individuals in published tables, charts and open data.

Statistics must not reveal individuals: a count of individuals from 1 up to (not including)
the kommun's threshold (``minsta_antal`` in ``data/kommun.yml``, default 5) is not shown.
Zero is shown (it reveals no one). When one kön is suppressed the other kön is suppressed too
(secondary suppression), because totalt − kvinnor would otherwise give män back; a rate
computed over a suppressed group (e.g. sjukfrånvaro for 3 men) is suppressed with it.

A kön that the source leaves out beside a given total (no row, or an empty value) counts as
withheld, i.e. small: the source hides small cells that way (Kolada and the registers give
the total and one kön), so the kön it does give is hidden too, and the total stays.

The rule behind all of it, for every published group of parts and their total: when one
part is hidden, a second part or the total is hidden too, so that no difference gives it
back. Where it applies is listed in ``data/README.md`` ("Små tal").

The same holds across outputs: a total over parts one of which is hidden is hidden too
(the kommun's total minus the other nämnder would give the hidden part back; shown as
:data:`TOTAL_MARKER`), a change is never computed from a hidden value (the current value
minus the change would give it back), and open data carry values rounded as the report
shows them (:data:`RATE_DECIMALS`), never more precise ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from kommunrapport.content import formatting as fmt

DEFAULT_THRESHOLD = 5
TOTAL_MARKER = "x"
"""What a table shows instead of a total hidden because one of its parts is hidden."""
RATE_DECIMALS = 1
"""Sjukfrånvaro is shown with one decimal everywhere, open data included."""


def _absent(value: float | None) -> bool:
    return value is None or fmt.is_missing(value)


def is_small(count: float | None, threshold: int) -> bool:
    """True when ``count`` individuals must not be shown."""
    if count is None or fmt.is_missing(count):
        return False
    return 0 < float(count) < threshold


def marker(threshold: int) -> str:
    """What a table shows instead of a suppressed value."""
    return f"<{threshold}"


def _not_shown(threshold: int) -> str:
    return (
        f"Antal under {threshold} personer redovisas inte (visas som {marker(threshold)}) "
        "för att inte röja enskilda"
    )


def note(threshold: int) -> str:
    """The note under a table of counts split by kön."""
    return (
        f"{_not_shown(threshold)}; då döljs också motsvarande uppgift för det andra könet. "
        "Ett kön som källan inte redovisar räknas som ett litet antal."
    )


def count_note(threshold: int) -> str:
    """The note under a table of counts of people that are not split by kön."""
    return f"{_not_shown(threshold)}."


def total_note(threshold: int) -> str:
    return (
        f"{TOTAL_MARKER}: summan redovisas inte, eftersom den tillsammans med de andra "
        f"delarna skulle röja en uppgift om färre än {threshold} personer."
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


def withheld_kon(totalt: float | None, kvinnor: float | None, man: float | None) -> bool:
    """True when the total is given and exactly one kön is not: the source withheld that
    kön (a small count), and the total minus the other kön would give it back."""
    return not _absent(totalt) and _absent(kvinnor) != _absent(man)


def by_kon(
    totalt: float | None, kvinnor: float | None, man: float | None, threshold: int
) -> KonUrval:
    """Primary and secondary suppression for a totalt/kvinnor/män triple of head counts.
    A kön missing beside a given total counts as withheld (small), see :func:`withheld_kon`."""
    show_total = not is_small(totalt, threshold)
    hide_k = is_small(kvinnor, threshold)
    hide_m = is_small(man, threshold)
    withheld = withheld_kon(totalt, kvinnor, man)
    hide_both = hide_k or hide_m or withheld or not show_total
    return KonUrval(show_total, not hide_both, not hide_both)


def count_text(count: float | None, shown: bool, threshold: int, *, total: bool = False) -> str:
    """A head count for a table: the number, or the suppression marker (for a ``total``
    hidden because of a part, :data:`TOTAL_MARKER`)."""
    if count is None or fmt.is_missing(count):
        return fmt.MISSING
    if is_small(count, threshold):
        return marker(threshold)
    if not shown:
        return TOTAL_MARKER if total else marker(threshold)
    return fmt.number(count)


def value_or_none(value: float | None, shown: bool, decimals: int | None = None) -> float | None:
    """For open data and charts: the value (rounded to ``decimals`` as the report shows
    it), or None where it is suppressed."""
    if not shown or value is None or fmt.is_missing(value):
        return None
    if decimals is not None:
        return float(fmt.rounded(value, decimals))
    return float(value)


def change(
    now: float | None, before: float | None, shown_now: bool, shown_before: bool
) -> float | None:
    """``now − before``, or None when either is hidden or missing: a change computed from a
    hidden value would give that value back (the current value minus the change)."""
    if not (shown_now and shown_before) or now is None or before is None:
        return None
    if fmt.is_missing(now) or fmt.is_missing(before):
        return None
    return float(now) - float(before)
