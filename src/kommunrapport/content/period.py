"""What a report period means for the content: which months, which comparisons."""

from __future__ import annotations

from kommunrapport.content import formatting as fmt
from kommunrapport.data.errors import ParameterError
from kommunrapport.data.model import Kommunmodell, Namnd, Period


def period(model: Kommunmodell, period_id: str) -> Period:
    """The period ``period_id`` from params/perioder.yml, or a Swedish error."""
    try:
        return model.period(period_id)
    except KeyError:
        known = ", ".join(p.id for p in model.perioder.perioder)
        raise ParameterError(
            f"Perioden '{period_id}' finns inte i params/perioder.yml (kända: {known})."
        ) from None


def namnd(model: Kommunmodell, period_id: str, namnd_id: str) -> Namnd:
    """The nämnd ``namnd_id``, which must report in the period."""
    p = period(model, period_id)
    try:
        n = model.namnd(namnd_id)
    except KeyError:
        known = ", ".join(x.id for x in model.organisation.namnder)
        raise ParameterError(
            f"Nämnden '{namnd_id}' finns inte i data/kommun.yml (kända: {known})."
        ) from None
    if namnd_id not in {x.id for x in p.namnder}:
        raise ParameterError(
            f"Nämnden '{namnd_id}' rapporterar inte i perioden {period_id} (params/perioder.yml)."
        )
    return n


def is_full_year(p: Period) -> bool:
    """True for the årsredovisning (the period ends in December)."""
    return p.month == 12


def same_month_last_year(period_id: str) -> str:
    return f"{int(period_id[:4]) - 1}{period_id[4:]}"


def last_year_end(period_id: str) -> str:
    return f"{int(period_id[:4]) - 1}-12"


def span(p: Period) -> str:
    """``jan–aug 2022`` or ``2022`` for a full year."""
    return str(p.year) if is_full_year(p) else f"{fmt.month_span(p.month)} {p.year}"


def share_of_year(p: Period) -> float:
    """The share of the year the period covers, in percent."""
    return 100.0 * p.month / 12.0


def reporting_namnder(model: Kommunmodell, p: Period) -> list[Namnd]:
    """The nämnder that report in the period, in params order."""
    return [model.namnd(n.id) for n in p.namnder]
