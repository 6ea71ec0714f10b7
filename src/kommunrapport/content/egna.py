"""The nämnd's own tables (``data/egna/<nämnd>/<namn>.csv`` + ``.yml``) in the report.

Each is rendered with the house formats (:mod:`kommunrapport.content.formatting`) as the
labelled output ``tbl-egen-<namn>`` that the analyst embeds where the text needs it, and is
published as open data. :func:`cells` gives the cells the batch runner adds to a nämnd's
notebook, one per own table; they only call :meth:`NamndRapport.egen_tabell`.
"""

from __future__ import annotations

import json
from typing import Any

from kommunrapport.content import formatting as fmt
from kommunrapport.content import suppression
from kommunrapport.content.ekonomi.tal import known_sum, num
from kommunrapport.content.labels import egen_label
from kommunrapport.content.opendata.tabell import EMPTY_NOTE, OpenTable, table
from kommunrapport.content.tables import Kolumn, Tabell
from kommunrapport.data.model import EgenKolumn, EgenTabell, Kommunmodell

_NUMBERS = ("tal", "heltal", "procent")


def _heading(k: EgenKolumn, enhet: str) -> str:
    head = k.rubrik or k.namn
    if k.typ == "tal" and enhet and f"({enhet})" not in head:
        head += f" ({enhet})"
    if k.typ == "procent" and "%" not in head:
        head += " (%)"
    return head


def _cell(k: EgenKolumn, value: object) -> str:
    if value is None or fmt.is_missing(value):
        return fmt.MISSING
    if k.typ == "år":
        return str(int(float(str(value))))
    if k.typ in _NUMBERS:
        return fmt.number(num(value), k.decimaler)
    return str(value)


def _hidden(k: EgenKolumn, value: object, threshold: int) -> bool:
    """A count of people below the threshold, in a column marked ``antal_individer``."""
    return k.antal_individer and suppression.is_small(num(value), threshold)


def _summed(k: EgenKolumn) -> bool:
    return k.typ in _NUMBERS and k.summeras and k.typ != "procent"


def egen_tabell(t: EgenTabell, threshold: int) -> Tabell:
    """The table; in a column of counts of people (``antal_individer``) a count below
    ``threshold`` shows as ``<5`` and the column's sum as ``x`` when one of its cells is
    hidden (the sum minus the shown cells would give the hidden ones back)."""
    spec = t.beskrivning
    cols = tuple(
        Kolumn.tal(_heading(k, spec.enhet)) if k.typ in _NUMBERS else Kolumn.text(_heading(k, ""))
        for k in spec.kolumner
    )
    records = t.frame.to_dict("records")
    hidden: set[str] = set()
    rows = []
    for r in records:
        row = []
        for k in spec.kolumner:
            if _hidden(k, r.get(k.namn), threshold):
                hidden.add(k.namn)
                row.append(suppression.marker(threshold))
            else:
                row.append(_cell(k, r.get(k.namn)))
        rows.append(tuple(row))
    summa: tuple[tuple[str, ...], ...] = ()
    sum_hidden = False
    if spec.summarad and rows:
        cells = []
        for i, k in enumerate(spec.kolumner):
            if i == 0:
                cells.append(spec.summarad)
            elif _summed(k) and k.namn in hidden:
                cells.append(suppression.TOTAL_MARKER)
                sum_hidden = True
            elif _summed(k):
                total = known_sum([num(r.get(k.namn)) for r in records])
                cells.append(fmt.number(total, k.decimaler))
            else:
                cells.append("")
        summa = (tuple(cells),)
    notes = list(spec.noter)
    if hidden:
        notes.append(suppression.count_note(threshold))
    if sum_hidden:
        notes.append(suppression.total_note(threshold))
    if spec.kalla:
        notes.append(f"Källa: {spec.kalla}")
    return Tabell(
        cols, tuple(rows), summa=summa, noter=tuple(notes), tom="Tabellen har inga rader."
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
            f"#| tbl-cap: {json.dumps(t.beskrivning.titel, ensure_ascii=False)}\n"
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
    """Each own table as open data (``egen_<namn>``), its columns described by the YAML."""
    out = {}
    for t in model.egna_tabeller(namnd_id):
        spec = t.beskrivning
        columns = {}
        for k in spec.kolumner:
            what = k.rubrik or k.namn
            if k.typ in ("tal",) and spec.enhet:
                what += f", {spec.enhet}"
            columns[k.namn] = what
        threshold = model.kommun.minsta_antal
        rows = [
            {
                k.namn: None if _hidden(k, r.get(k.namn), threshold) else r.get(k.namn)
                for k in spec.kolumner
            }
            for r in t.frame.to_dict("records")
        ]
        title = spec.titel
        if any(k.antal_individer for k in spec.kolumner):
            title += ". " + EMPTY_NOTE.format(n=threshold)
        open_table = table(title, columns, rows)
        for k in spec.kolumner:
            if k.typ == "heltal":  # whole numbers stay whole beside a hidden (empty) cell
                open_table.frame[k.namn] = open_table.frame[k.namn].astype("Int64")
        out[f"egen_{t.namn.replace('-', '_')}"] = open_table
    return out
