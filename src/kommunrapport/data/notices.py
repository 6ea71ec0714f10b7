"""Warnings about sound data that will still give a weaker report.

Not problems: ``kommunrapport check`` prints each as a "Varning:" line and still exits 0.
"""

from __future__ import annotations

from kommunrapport.data.model import Kommunmodell


def missing_outcomes(model: Kommunmodell) -> list[str]:
    """An indicator with a target for a report year but no value (totalt, for the kommun)
    that year in indikatorutfall will be assessed "ej bedömbar"; one line per indicator
    and year. An indicator whose assessment is set in bedomningar for that year is not
    named (the analyst has decided)."""
    kommun = model.kommun.kolada_id
    outcomes = model.table("indikatorutfall")
    have: set[tuple[str, int]] = set()
    if not outcomes.empty:
        rows = outcomes[
            (outcomes["omrade"] == kommun) & (outcomes["kon"] == "T") & outcomes["varde"].notna()
        ]
        have = {(str(i), int(y)) for i, y in zip(rows["indikator"], rows["ar"], strict=True)}
    overrides = model.table("bedomningar")
    decided: set[tuple[str, int]] = set()
    if not overrides.empty:
        for ind, period in zip(overrides["indikator"], overrides["period"], strict=True):
            if isinstance(ind, str) and isinstance(period, str):
                decided.add((ind, int(period[:4])))
    years = sorted({p.year for p in model.perioder.perioder})
    lines = []
    for goal in model.malkedja.namndmal:
        for ind in goal.indikatorer:
            for year in years:
                if year in ind.mal and (ind.id, year) not in have | decided:
                    lines.append(
                        f"indikatorn '{ind.id}' ({model.malkedja.the_goal(goal.id)}) har "
                        f"målvärde för {year} men inget utfall för kommunen ({kommun}) {year} i "
                        "indikatorutfall; den blir ej bedömbar."
                    )
    return list(dict.fromkeys(lines))
