"""The open-data table and the parts the nämnd's and the kommun's tables share.

An :class:`OpenTable` is a frame plus a Swedish description of the table and of each column
(every column, in order, or it is refused). Amounts are raw: not formatted, full precision, in
the unit the column name says; small counts of individuals are left empty exactly as in the
report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from kommunrapport.content import suppression
from kommunrapport.content.ekonomi.drift import Drift, DriftRad
from kommunrapport.content.ekonomi.investeringar import InvesteringRad
from kommunrapport.content.personal import Personaldata, total_urval
from kommunrapport.data.model import Kommunmodell

EMPTY_NOTE = (
    "Tom cell: uppgift saknas eller redovisas inte (färre än {n} personer, eller en summa "
    "som skulle röja en sådan uppgift)."
)


@dataclass(frozen=True)
class OpenTable:
    frame: pd.DataFrame
    description: str
    columns: dict[str, str]
    """Column name → Swedish description (every column of ``frame``, in order)."""

    def __post_init__(self) -> None:
        if list(self.columns) != [str(c) for c in self.frame.columns]:
            raise ValueError(
                f"kolumnbeskrivningarna {list(self.columns)} matchar inte tabellens "
                f"kolumner {list(self.frame.columns)}"
            )


def table(description: str, columns: dict[str, str], rows: list[dict[str, Any]]) -> OpenTable:
    """An open table of ``rows``, with exactly the columns of ``columns`` in their order."""
    frame = pd.DataFrame(rows, columns=list(columns))
    return OpenTable(frame, description, columns)


def _amount_cols(full_year: bool, budget: str, full_year_word: str, gain: str) -> dict[str, str]:
    """The amount columns of a drift or investment table: an årsredovisning has no prognos,
    and its avvikelse is budget − utfall, or the ekonomisystem's where the file gives it."""
    cols = {
        "budget_tkr": budget,
        "utfall_tkr": "årets utfall, tkr" if full_year else "utfall hittills i år, tkr",
    }
    if not full_year:
        cols["prognos_tkr"] = "prognos för helåret, tkr"
    word = "utfall" if full_year else full_year_word
    cols["avvikelse_tkr"] = (
        f"budget − {word}, positivt = {gain}, tkr; på en rad med ekonomisystemets egen "
        "avvikelse (kolumnen avvikelse i data) den"
    )
    return cols


def drift_cols(full_year: bool) -> dict[str, str]:
    """The amount columns of a driftredovisning."""
    return _amount_cols(
        full_year, "årsbudget (nettokostnad), tkr", "prognos för helåret", "överskott"
    )


def inv_cols(full_year: bool) -> dict[str, str]:
    """The amount columns of an investment table."""
    return _amount_cols(full_year, "årsbudget, tkr", "prognos", "lägre utgift än budgeterat")


FLERARIG_COLS = {
    "status": "pågående eller färdigställd",
    "total_budget_tkr": "projektets hela budget, tkr",
    "ackumulerat_utfall_tkr": "projektets utfall från start till periodens slut, tkr",
    "ackumulerad_avvikelse_tkr": "projektbudget − ackumulerat utfall, tkr",
}


def tkr(row: DriftRad | InvesteringRad, full_year: bool) -> dict[str, float | None]:
    """The amounts of a drift or investment row, in the columns of :func:`drift_cols` and
    :func:`inv_cols`."""
    amounts = {"budget_tkr": row.budget, "utfall_tkr": row.utfall}
    if not full_year:
        amounts["prognos_tkr"] = row.helar
    amounts["avvikelse_tkr"] = row.avvikelse
    return amounts


def drift_table(description: str, key: str, key_text: str, drift: Drift) -> OpenTable:
    """A driftredovisning: one row per line of ``drift``, named in column ``key``, and its
    total (``radtyp`` says which row is which: the nämnd's official total is ``total``)."""
    if drift.kostnad_negativ:
        description += " Kostnader är negativa tal och intäkter positiva, som i filen."
    rows = [{key: d.namn, "radtyp": key, **tkr(d, drift.full_year)} for d in drift.rader]
    if drift.rader:
        kind = "total" if drift.officiell else "summa"
        rows.append({key: drift.summa.namn, "radtyp": kind, **tkr(drift.summa, drift.full_year)})
    return table(
        description,
        {
            key: key_text,
            "radtyp": f"{key}: en rad; summa: radernas summa; total: nämndens officiella summa",
            **drift_cols(drift.full_year),
        },
        rows,
    )


def personal_table(
    model: Kommunmodell, rows: list[Personaldata], total: Personaldata | None = None
) -> OpenTable:
    n = model.kommun.minsta_antal
    rate = suppression.RATE_DECIMALS
    records = []
    for p in [*rows, *([total] if total is not None else [])]:
        sel = total_urval(rows, p, n) if p is total else p.urval(n)
        records.append(
            {
                "namnd": p.namn,
                "anstallda": suppression.value_or_none(p.anst_t, sel.totalt, 0),
                "anstallda_kvinnor": suppression.value_or_none(p.anst_k, sel.kvinnor, 0),
                "anstallda_man": suppression.value_or_none(p.anst_m, sel.man, 0),
                "sjukfranvaro_procent": suppression.value_or_none(p.sjuk_t, sel.totalt, rate),
                "sjukfranvaro_kvinnor_procent": suppression.value_or_none(
                    p.sjuk_k, sel.kvinnor, rate
                ),
                "sjukfranvaro_man_procent": suppression.value_or_none(p.sjuk_m, sel.man, rate),
            }
        )
    return table(
        "Personal: antal anställda och sjukfrånvaro per kön. " + EMPTY_NOTE.format(n=n),
        {
            "namnd": "nämnd",
            "anstallda": "antal anställda",
            "anstallda_kvinnor": "antal anställda kvinnor",
            "anstallda_man": "antal anställda män",
            "sjukfranvaro_procent": "sjukfrånvaro i procent av ordinarie arbetstid",
            "sjukfranvaro_kvinnor_procent": "sjukfrånvaro bland kvinnor, %",
            "sjukfranvaro_man_procent": "sjukfrånvaro bland män, %",
        },
        records,
    )
