"""Sign conventions and official totals of the economy tables.

Ekonomisystem export amounts in one of two ways, and a kommun's files may use either:

- ``positiv``: net costs as positive numbers (a cost is +, an income −); our example's way;
- ``negativ``: costs as negative numbers (a cost is −, an income +), as most ekonomisystem do.

:func:`detect` finds a file's convention from the sign of its amounts as a whole (budget, utfall
and prognos together) and refuses a file that mixes the two: a nämnd and period whose
amounts, taken together, have the other sign, or whose budget and outcome disagree in sign. A
single row with the other sign (a net-income row such as tourism, or an investment grant) is
normal and is never refused. ``ekonomisk_sammanfattning`` is judged by its kostnader rows, and
its intäkter must have the other sign. A row whose budget and outcome have opposite signs and
about the same size is refused too (the same amount written both ways).

:func:`total_problems` compares a nämnd's official total (a driftredovisning row with
``radtyp`` = ``total``) with the sum of its rows: they may differ by the rounding of each
row, at most :data:`ROUNDING_PER_ROW` tkr per row (the total's own rounding included).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Final

import pandas as pd

from kommunrapport.data.errors import Problem

POSITIV: Final = "positiv"
NEGATIV: Final = "negativ"

BESKRIVNING: Final = {
    POSITIV: "nettokostnader skrivna som positiva tal (kostnad +, intäkt −)",
    NEGATIV: "kostnader skrivna som negativa tal (kostnad −, intäkt +)",
}
"""Each convention in words (for ``check``'s output and the reports' notes)."""

SIGNED_DATASETS: Final = ("driftredovisning", "investeringar", "ekonomisk_sammanfattning")
"""The datasets whose convention is detected."""

ROUNDING_PER_ROW: Final = 0.5
"""Each row rounded to a whole tkr is at most 0,5 tkr off; so is the total."""


def rounding_tolerance(figures: int, unit: float = 1.0) -> float:
    """How far a figure computed from ``figures`` rounded numbers (the parts and the official
    figure) may be off: half a ``unit`` of the last decimal for each of them."""
    return ROUNDING_PER_ROW * figures * unit


_AMOUNTS: Final = ("budget", "utfall", "prognos")


def _show(value: float) -> str:
    text = f"{value:,.1f}".replace(",", "\u00a0").replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


def sign(convention: str) -> int:
    """+1 when net costs are positive, −1 when costs are negative."""
    return -1 if convention == NEGATIV else 1


def is_total(frame: pd.DataFrame) -> pd.Series:
    """True for the rows that are a nämnd's official total (``radtyp`` = ``total``)."""
    if "radtyp" not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame["radtyp"] == "total"


def _amount(frame: pd.DataFrame) -> pd.Series:
    """Each row's weight for the sign: budget + utfall + prognos (those that are given), so
    that a negligible budget does not decide a row's sign against its outcome."""
    columns = [c for c in _AMOUNTS if c in frame.columns]
    return sum(
        (pd.to_numeric(frame[c], errors="coerce").fillna(0.0) for c in columns),
        pd.Series(0.0, index=frame.index),
    )


def _opposite(a: float, b: float) -> bool:
    """``a`` and ``b`` have opposite signs and neither is negligible beside the other."""
    return a * b < 0 and min(abs(a), abs(b)) >= 0.1 * max(abs(a), abs(b))


def _name(convention: str) -> str:
    return "positiva nettokostnader" if convention == POSITIV else "negativa kostnader"


def _net_convention(
    name: str, frame: pd.DataFrame, shown: str, what: str
) -> tuple[str, list[Problem]]:
    rows = frame[~is_total(frame)]
    amount = _amount(rows)
    convention = NEGATIV if float(amount.sum()) < 0 else POSITIV
    problems: list[Problem] = []
    if rows.empty:
        return convention, problems
    problems.extend(_row_problems(rows, shown))
    for key, group in rows.groupby(["namnd", "period"], sort=False):
        namnd, period = _key(key)
        first = int(str(group.index[0]))
        total = float(_amount(group).sum())
        if total != 0 and (total < 0) != (convention == NEGATIV):
            problems.append(
                Problem(
                    shown,
                    first,
                    "budget",
                    f"filen blandar teckenkonventionerna: {what} för nämnden '{namnd}' "
                    f"{period} är skrivna som {_name(NEGATIV if total < 0 else POSITIV)}, "
                    f"men resten av filen som {_name(convention)}. Skriv alla rader på samma "
                    "sätt (se data/README.md, Tecken på belopp).",
                )
            )
            continue
        budget = pd.to_numeric(group["budget"], errors="coerce").sum()
        for column in ("utfall", "prognos"):
            other = pd.to_numeric(group[column], errors="coerce").sum()
            if _opposite(float(budget), float(other)):
                problems.append(
                    Problem(
                        shown,
                        first,
                        column,
                        f"filen blandar teckenkonventionerna: för nämnden '{namnd}' {period} "
                        f"har budgeten ett tecken och {column} det motsatta. Skriv budget, "
                        "utfall och prognos med samma konvention (se data/README.md).",
                    )
                )
                break
    return convention, problems


def _row_problems(rows: pd.DataFrame, shown: str) -> list[Problem]:
    """A row whose budget and outcome have opposite signs and about the same size: the same
    amount written in both conventions (a net-income row that turned into a small cost is not
    refused)."""
    problems = []
    for row, rec in rows.iterrows():
        budget = rec["budget"]
        for column in ("utfall", "prognos"):
            other = rec[column]
            if pd.isna(budget) or pd.isna(other) or budget * other >= 0:
                continue
            if min(abs(budget), abs(other)) >= 0.5 * max(abs(budget), abs(other)):
                problems.append(
                    Problem(
                        shown,
                        int(str(row)),
                        column,
                        f"filen blandar teckenkonventionerna: budgeten {_show(float(budget))} "
                        f"och {column} {_show(float(other))} har motsatta tecken. Skriv budget, "
                        "utfall och prognos med samma konvention (se data/README.md).",
                    )
                )
                break
    return problems


def _key(key: Hashable) -> tuple[str, str]:
    parts = key if isinstance(key, tuple) else (key,)
    return str(parts[0]), str(parts[-1])


def _summary_convention(frame: pd.DataFrame, shown: str) -> tuple[str, list[Problem]]:
    costs = frame[frame["post"] == "kostnader"]
    for fallback in ("nettokostnad", "nettoinvesteringar"):  # a file without kostnader rows
        if costs.empty:
            costs = frame[frame["post"] == fallback]
    total = float(_amount(costs).sum())
    convention = NEGATIV if total < 0 else POSITIV
    cost_sign = -1 if convention == NEGATIV else 1
    problems: list[Problem] = []
    for row, rec in frame.iterrows():
        value = rec["utfall"] if not pd.isna(rec["utfall"]) else rec["budget"]
        if value is None or pd.isna(value) or value == 0:
            continue
        same = (value > 0) == (cost_sign > 0)
        if rec["post"] == "kostnader" and not same:
            problems.append(
                Problem(
                    shown,
                    int(str(row)),
                    "utfall",
                    f"filen blandar teckenkonventionerna: kostnaderna här har motsatt tecken mot "
                    f"filens övriga kostnader ({_name(convention)}).",
                )
            )
        elif rec["post"] == "intakter" and same:
            problems.append(
                Problem(
                    shown,
                    int(str(row)),
                    "utfall",
                    "filen blandar teckenkonventionerna: intäkterna har samma tecken som "
                    f"kostnaderna ({_name(convention)}); intäkter och kostnader ska ha "
                    "motsatta tecken.",
                )
            )
    return convention, problems


def detect(name: str, frame: pd.DataFrame, shown: str) -> tuple[str, list[Problem]]:
    """The convention of the file ``shown`` holding dataset ``name``, and a problem for each
    place that mixes the two conventions."""
    if name == "ekonomisk_sammanfattning":
        return _summary_convention(frame, shown)
    what = "investeringarna" if name == "investeringar" else "nettokostnaderna"
    return _net_convention(name, frame, shown, what)


def total_problems(frame: pd.DataFrame, shown: str) -> tuple[int, int, list[Problem]]:
    """Check each official total against its rows: (totals, totals off by rounding, problems)."""
    problems: list[Problem] = []
    totals = frame[is_total(frame)]
    rows = frame[~is_total(frame)]
    count = differing = 0
    for key, group in totals.groupby(["namnd", "period"], sort=False):
        namnd, period = _key(key)
        lines = [int(str(i)) for i in group.index]
        if len(lines) > 1:
            problems.append(
                Problem(
                    shown,
                    lines[1],
                    "radtyp",
                    f"nämnden '{namnd}' har redan en total-rad för {period} (rad {lines[0]}).",
                )
            )
        mine = rows[(rows["namnd"] == namnd) & (rows["period"] == period)]
        if mine.empty:
            problems.append(
                Problem(
                    shown,
                    lines[0],
                    "radtyp",
                    f"total-raden för nämnden '{namnd}' {period} har inga verksamhetsrader.",
                )
            )
            continue
        count += 1
        tolerance = rounding_tolerance(len(mine) + 1)
        off = False
        for column in _AMOUNTS:
            official = group[column].iloc[0]
            summed = pd.to_numeric(mine[column], errors="coerce").sum(min_count=1)
            if pd.isna(official) or pd.isna(summed):
                continue
            diff = abs(float(official) - float(summed))
            if diff > tolerance + 1e-9:
                problems.append(
                    Problem(
                        shown,
                        lines[0],
                        column,
                        f"den officiella summan {_show(float(official))} tkr för nämnden "
                        f"'{namnd}' {period} skiljer sig från radernas summa "
                        f"{_show(float(summed))} tkr med {_show(diff)} tkr, mer än avrundningen "
                        f"förklarar (högst {_show(tolerance)} tkr för {len(mine)} rader och "
                        "summan).",
                    )
                )
            elif diff > 1e-9:
                off = True
        differing += off
    return count, differing, problems


def summary_net_problems(frame: pd.DataFrame, shown: str) -> list[Problem]:
    """Utfall on every row but a ``nettokostnad`` one (which may give only a budget), and a
    ``nettokostnad`` row against the sum of the nämnd's intäkter and kostnader for the same
    period: each amount both give may differ by the rounding of the three rows."""
    problems = [
        Problem(shown, int(str(index)), "utfall", f"värde saknas (utfall krävs för {r['post']}).")
        for index, r in frame.iterrows()
        if r["post"] != "nettokostnad" and pd.isna(r["utfall"])
    ]
    parts = frame[frame["post"].isin(("intakter", "kostnader"))]
    for index, net in frame[frame["post"] == "nettokostnad"].iterrows():
        mine = parts[(parts["namnd"] == net["namnd"]) & (parts["period"] == net["period"])]
        if len(mine) < 2:
            continue
        tolerance = rounding_tolerance(len(mine) + 1)
        for column in _AMOUNTS:
            if column not in frame.columns or pd.isna(net[column]):
                continue
            values = pd.to_numeric(mine[column], errors="coerce")
            if values.isna().any():
                continue
            summed = float(values.sum())
            off = abs(float(net[column]) - summed)
            if off > tolerance + 1e-9:
                problems.append(
                    Problem(
                        shown,
                        int(str(index)),
                        column,
                        f"nettokostnaden {_show(float(net[column]))} tkr för nämnden "
                        f"'{net['namnd']}' {net['period']} skiljer sig från intäkter + kostnader "
                        f"{_show(summed)} tkr med {_show(off)} tkr, mer än avrundningen "
                        f"förklarar (högst {_show(tolerance)} tkr).",
                    )
                )
    return problems


def _show_exact(value: float) -> str:
    """``value`` with the decimals it has (up to 6), Swedish style."""
    text = f"{value:,.6f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u00a0").replace(".", ",")


def _decimals(value: float) -> int:
    """The decimals a number read from a file was written with (at most 6)."""
    text = f"{abs(value):.6f}".rstrip("0")
    return len(text.partition(".")[2])


def avvikelse_problems(frame: pd.DataFrame, shown: str, sign: int, unit: str) -> list[Problem]:
    """Each given ``avvikelse`` against the one computed from its row: ``sign`` × (budget −
    utfall) in December, × (budget − prognos) before. The source rounds each of the three
    figures, so they may differ by 1,5 units of the last decimal written; more is refused,
    naming both."""
    if "avvikelse" not in frame.columns:
        return []
    problems = []
    for index, r in frame.iterrows():
        given, budget = r.get("avvikelse"), r.get("budget")
        december = str(r["period"]).endswith("-12")
        full_year = r.get("utfall") if december else r.get("prognos")
        if pd.isna(given) or pd.isna(full_year):
            continue
        b = 0.0 if pd.isna(budget) else float(budget)
        computed = sign * (b - float(full_year))
        figures = [float(given), b, float(full_year)]
        tolerance = rounding_tolerance(len(figures), 10.0 ** -max(_decimals(v) for v in figures))
        off = abs(float(given) - computed)
        if off <= tolerance + 1e-9:
            continue
        what = "utfall" if december else "prognos"
        formula = f"budget − {what}" if sign > 0 else f"{what} − budget"
        hint = ""
        if abs(float(given) + computed) <= tolerance + 1e-9:
            hint = (
                " Avvikelsen har omvänt tecken: i rapporten är den positiv när utfallet är "
                "bättre än budgeten."
            )
        problems.append(
            Problem(
                shown,
                int(str(index)),
                "avvikelse",
                f"avvikelsen {_show_exact(float(given))} {unit} skiljer sig från den beräknade "
                f"{_show_exact(computed)} {unit} ({formula}) med {_show_exact(off)} {unit}, mer än "
                f"avrundningen förklarar (högst {_show_exact(tolerance)} {unit}).{hint}",
            )
        )
    return problems


INVESTERING_BESKRIVNING: Final = {
    POSITIV: "utgifter skrivna som positiva tal (utgift +, inkomst −)",
    NEGATIV: "utgifter skrivna som negativa tal (utgift −, inkomst +)",
}


def upplysning(name: str, shown: str, convention: str) -> str:
    """The line ``check`` prints about a file's convention."""
    words = INVESTERING_BESKRIVNING if name == "investeringar" else BESKRIVNING
    return f"{shown}: {words[convention]}."


def unit_problems(frame: pd.DataFrame, shown: str) -> list[Problem]:
    """An investment file declares one unit (``enhet``, tkr or mnkr) on all its rows."""
    if "enhet" not in frame.columns:
        return []
    units = frame["enhet"].where(frame["enhet"].notna(), "tkr")
    first = str(units.iloc[0]) if len(units) else "tkr"
    return [
        Problem(
            shown,
            int(str(row)),
            "enhet",
            f"filen anger enheten {first} på rad {int(str(units.index[0]))} men {unit} här; "
            "alla rader i en fil ska ha samma enhet (tomt betyder tkr).",
        )
        for row, unit in units.items()
        if str(unit) != first
    ]


def file_unit(frame: pd.DataFrame) -> str:
    """The unit a file declares (``tkr`` when it declares none)."""
    if "enhet" not in frame.columns:
        return "tkr"
    declared = frame["enhet"].dropna()
    return str(declared.iloc[0]) if len(declared) else "tkr"


def check_economy(
    tables: dict[str, tuple[pd.DataFrame, str]],
) -> tuple[dict[str, str], list[str], list[Problem]]:
    """Each signed file's convention, what ``check`` tells about it, and the problems."""
    conventions: dict[str, str] = {}
    notes: list[str] = []
    problems: list[Problem] = []
    for name in SIGNED_DATASETS:
        if name not in tables:
            continue
        frame, shown = tables[name]
        if frame.empty:
            continue
        convention, found = detect(name, frame, shown)
        conventions[name] = convention
        problems.extend(found)
        notes.append(upplysning(name, shown, convention))
        unit = file_unit(frame) if name == "investeringar" else "tkr"
        if name == "ekonomisk_sammanfattning":
            problems.extend(summary_net_problems(frame, shown))
        else:
            problems.extend(avvikelse_problems(frame, shown, sign(convention), unit))
        if name == "investeringar":
            problems.extend(unit_problems(frame, shown))
            notes.append(f"{shown}: beloppen är i {unit}.")
        if name == "driftredovisning":
            count, differing, found = total_problems(frame, shown)
            problems.extend(found)
            if count:
                noun = "officiell summa" if count == 1 else "officiella summor"
                notes.append(
                    f"{shown}: {count} {noun} (radtyp total) stämmer med radernas summa; "
                    f"{differing} av dem skiljer sig inom avrundningen."
                )
    return conventions, notes, problems
