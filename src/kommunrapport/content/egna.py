"""The nämnd's own tables (``data/egna/<nämnd>/<namn>.csv`` + ``.yml``) in the report.

Each is rendered with the house formats (:mod:`kommunrapport.content.formatting`) as the
labelled output ``tbl-egen-<namn>`` that the analyst embeds where the text needs it, and is
published as open data. :func:`cells` gives the cells the batch runner adds to a nämnd's
notebook, one per own table; they only call :meth:`NamndRapport.egen_tabell`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kommunrapport.content import formatting as fmt
from kommunrapport.content import suppression
from kommunrapport.content.ekonomi.tal import known_sum, num
from kommunrapport.content.labels import egen_label
from kommunrapport.content.markup import md_text
from kommunrapport.content.opendata.tabell import EMPTY_NOTE, OpenTable, table
from kommunrapport.content.tables import Kolumn, Tabell
from kommunrapport.data.model import (
    EgenKolumn,
    EgenTabell,
    Kommun,
    Kommunmodell,
)

_NUMBERS = ("tal", "heltal", "procent")


def _heading(k: EgenKolumn, enhet: str) -> str:
    head = k.rubrik or k.namn
    if k.typ == "tal" and enhet and f"({enhet})" not in head:
        head += f" ({enhet})"
    if k.typ == "procent" and "%" not in head:
        head += " (%)"
    return head


def _cell(k: EgenKolumn, value: object, decimals: int) -> str:
    if value is None or fmt.is_missing(value):
        return fmt.MISSING
    if k.typ == "år":
        return str(int(float(str(value))))
    if k.typ in _NUMBERS:
        return fmt.number(num(value), decimals)
    return str(value)


def _hidden(k: EgenKolumn, value: object, threshold: int) -> bool:
    """A count of people below the threshold, in a column marked ``antal_individer``."""
    return k.antal_individer and suppression.is_small(num(value), threshold)


def _summed(k: EgenKolumn) -> bool:
    return k.typ in _NUMBERS and k.summeras and k.typ != "procent"


def subtotal_label(template: str, group: str) -> str:
    """``Summa {grupp}`` for the group ``Skatteintäkter`` → ``Summa skatteintäkter``; an
    abbreviation (``LSS``, ``IFO``) keeps its capitals."""
    word = group
    if len(word) > 1 and word[0].isupper() and word[1].islower():
        word = word[0].lower() + word[1:]
    return template.replace("{grupp}", word)


@dataclass(frozen=True)
class _Part:
    """A run of the table: a group (its name and rows) or, without groups, all rows."""

    namn: str | None
    rows: list[dict[str, Any]]


def _records(t: EgenTabell) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in r.items()} for r in t.frame.to_dict("records")]


def _parts(t: EgenTabell) -> list[_Part]:
    """The rows by group, groups in the order they first appear (rows in file order)."""
    records = _records(t)
    group = t.beskrivning.grupp
    if group is None:
        return [_Part(None, records)]
    parts: dict[str, _Part] = {}
    for r in records:
        name = str(r.get(group))
        parts.setdefault(name, _Part(name, [])).rows.append(r)
    return list(parts.values())


def _total(k: EgenKolumn, rows: list[dict[str, Any]], threshold: int) -> float | None:
    """The column's sum over ``rows`` from the unrounded values; None (shown as ``x``) when
    one of the cells is a hidden count."""
    if any(_hidden(k, r.get(k.namn), threshold) for r in rows):
        return None
    return known_sum([num(r.get(k.namn)) for r in rows])


def _shown(t: EgenTabell) -> list[EgenKolumn]:
    return [k for k in t.beskrivning.kolumner if k.namn != t.beskrivning.grupp]


def _sums(t: EgenTabell, rows: list[dict[str, Any]], threshold: int) -> dict[str, float | None]:
    """The sum rows' sums over ``rows``, per summed column (numbers after the first shown
    column, which holds the row's label); None where one of the cells is a hidden count."""
    return {k.namn: _total(k, rows, threshold) for k in _shown(t)[1:] if _summed(k)}


def egen_tabell(t: EgenTabell, kommun: Kommun) -> Tabell:
    """The table. In a column of counts of people (``antal_individer``) a count below the
    kommun's ``minsta_antal`` shows as ``<5``, and a sum (a group's subtotal, the total) as
    ``x`` when one of its cells is hidden: the sum minus the shown cells would give the hidden
    ones back. With ``grupp``, each group has a heading row and a subtotal row (in bold).
    Sums are of the unrounded values, rounded once."""
    spec = t.beskrivning
    threshold = kommun.minsta_antal
    shown = _shown(t)
    decimals = {k.namn: spec.decimals(k, kommun) for k in shown}
    cols = tuple(
        Kolumn.tal(_heading(k, spec.enhet)) if k.typ in _NUMBERS else Kolumn.text(_heading(k, ""))
        for k in shown
    )
    summed = bool(_sums(t, [], threshold))
    hidden: set[str] = set()
    sum_hidden = False

    def sum_row(label: str, rows: list[dict[str, Any]]) -> tuple[str, ...]:
        nonlocal sum_hidden
        sums = _sums(t, rows, threshold)
        cells = [label]
        for k in shown[1:]:
            if k.namn not in sums:
                cells.append("")
            elif sums[k.namn] is None:
                sum_hidden = True
                cells.append(suppression.TOTAL_MARKER)
            else:
                cells.append(fmt.number(sums[k.namn], decimals[k.namn]))
        return tuple(cells)

    body: list[tuple[str, ...]] = []
    bold: set[int] = set()
    parts = _parts(t)
    for part in parts:
        if part.namn is not None:
            bold.add(len(body))
            body.append((part.namn, *("" for _ in shown[1:])))
        for r in part.rows:
            row = []
            for k in shown:
                if _hidden(k, r.get(k.namn), threshold):
                    hidden.add(k.namn)
                    row.append(suppression.marker(threshold))
                else:
                    row.append(_cell(k, r.get(k.namn), decimals[k.namn]))
            body.append(tuple(row))
        if part.namn is not None and summed:
            bold.add(len(body))
            body.append(sum_row(subtotal_label(spec.delsumma, part.namn), part.rows))
    records = [r for part in parts for r in part.rows]
    summa = (sum_row(spec.summarad, records),) if spec.summarad and records else ()
    notes = list(spec.noter)
    if hidden:
        notes.append(suppression.count_note(threshold))
    if sum_hidden:
        notes.append(suppression.total_note(threshold))
    if spec.kalla:
        notes.append(f"Källa: {spec.kalla}")
    return Tabell(
        cols,
        tuple(body),
        summa=summa,
        noter=tuple(notes),
        tom="Tabellen har inga rader.",
        markerade=frozenset(bold),
    )


def find(model: Kommunmodell, namnd_id: str, name: str) -> EgenTabell:
    from kommunrapport.data.errors import ParameterError

    for t in model.egna_tabeller(namnd_id):
        if t.namn == name:
            return t
    known = ", ".join(t.namn for t in model.egna_tabeller(namnd_id)) or "inga"
    raise ParameterError(
        f"nämnden '{namnd_id}' har ingen egen tabell '{name}' i data/egna/{namnd_id}/ "
        f"(tabeller: {known})."
    )


def cells(model: Kommunmodell, namnd_id: str) -> list[dict[str, Any]]:
    """The notebook cells (nbformat 4) that show the nämnd's own tables, one per table."""
    out: list[dict[str, Any]] = []
    for t in model.egna_tabeller(namnd_id):
        source = (
            f"#| label: {egen_label(t.namn)}\n"
            f"#| tbl-cap: {json.dumps(md_text(t.beskrivning.titel), ensure_ascii=False)}\n"
            f"rapport.egen_tabell({t.namn!r})"
        )
        out.append(
            {
                "cell_type": "code",
                "id": egen_label(t.namn),
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": source,
            }
        )
    return out


def open_tables(model: Kommunmodell, namnd_id: str) -> dict[str, OpenTable]:
    """Each own table as open data (``egen_<namn>``), its columns described by the YAML,
    amounts unrounded. A table with a sum row or groups has a ``radtyp`` column, and its
    subtotals (``delsumma``, the group's name in the group column) and total (``summa``)
    are rows of their own; a hidden count, and a sum over one, is an empty cell."""
    out = {}
    threshold = model.kommun.minsta_antal
    for t in model.egna_tabeller(namnd_id):
        spec = t.beskrivning
        columns = {}
        for k in spec.kolumner:
            what = k.rubrik or k.namn
            if k.typ in ("tal",) and spec.enhet:
                what += f", {spec.enhet}"
            columns[k.namn] = what
        first = _shown(t)[0].namn
        subtotals = spec.grupp is not None and bool(_sums(t, [], threshold))
        typed = subtotals or spec.summarad is not None
        if typed:
            kinds = ["rad: en rad"]
            if subtotals:
                kinds.append("delsumma: gruppens summa")
            if spec.summarad is not None:
                kinds.append("summa: tabellens summa")
            columns["radtyp"] = "; ".join(kinds)

        rows: list[dict[str, Any]] = []
        parts = _parts(t)
        for part in parts:
            for r in part.rows:
                row = {
                    k.namn: None if _hidden(k, r.get(k.namn), threshold) else r.get(k.namn)
                    for k in spec.kolumner
                }
                rows.append({**row, "radtyp": "rad"} if typed else row)
            if subtotals and part.namn is not None and spec.grupp is not None:
                label = subtotal_label(spec.delsumma, part.namn)
                rows.append(
                    {
                        spec.grupp: part.namn,
                        first: label,
                        **_sums(t, part.rows, threshold),
                        "radtyp": "delsumma",
                    }
                )
        records = [r for part in parts for r in part.rows]
        if spec.summarad and records:
            rows.append({first: spec.summarad, **_sums(t, records, threshold), "radtyp": "summa"})
        title = spec.titel
        if any(k.antal_individer for k in spec.kolumner):
            title += ". " + EMPTY_NOTE.format(n=threshold)
        open_table = table(title, columns, rows)
        for k in spec.kolumner:
            if k.typ == "heltal":  # whole numbers stay whole beside a hidden (empty) cell
                open_table.frame[k.namn] = open_table.frame[k.namn].astype("Int64")
        out[f"egen_{t.namn.replace('-', '_')}"] = open_table
    return out
