"""A small, fully known project for the report-content tests (two nämnder, two periods).

``write_project(root, **changes)`` writes it; each keyword replaces one YAML document or one
table (a list of row dicts), so a test states exactly the data it depends on.

What the default data gives (period 2022-08, kommun 9999, group G1 = 1111, 2222, 9999):
  a1 (nämnd a): I1 72 vs ≥70 → uppfyllt; I2 10,4 vs ≤10 (margin 5 % = 0,5) → delvis
                → a1 delvis uppfyllt
  a2 (nämnd a): no indicator → ej bedömbar (a gap)
  b1 (nämnd b): I3 has no 2022 value → ej bedömbar
  b2 (nämnd b): I4 12 vs ≥20 → ej uppfyllt; I4 counts individuals and K = 3 < 5
  im3: no nämndmål (a gap)
"""

from __future__ import annotations

import copy
import csv
import io
from pathlib import Path
from typing import Any

import yaml

from kommunrapport.data.loader import load_model
from kommunrapport.data.model import Kommunmodell
from kommunrapport.data.paths import ProjectPaths

KOMMUN: dict[str, Any] = {
    "kommun": {"namn": "Testby kommun", "kolada_id": "9999"},
    "namnder": [
        {"id": "a", "namn": "Nämnd A", "forvaltning": "Förvaltning A"},
        {"id": "b", "namn": "Nämnd B", "forvaltning": "Förvaltning B"},
    ],
}

MALKEDJA: dict[str, Any] = {
    "vision": "Testby växer.",
    "mandatperiod": "2019–2022",
    "bedomning": {"marginal": 5},
    "inriktningsmal": [
        {"id": "im1", "namn": "Inriktning ett"},
        {"id": "im2", "namn": "Inriktning två"},
        {"id": "im3", "namn": "Inriktning tre"},
    ],
    "namndmal": [
        {
            "id": "a1",
            "namnd": "a",
            "namn": "Mål A1",
            "inriktningsmal": ["im1"],
            "indikatorer": [
                {
                    "id": "I1",
                    "namn": "Andel nöjda",
                    "kalla": "kolada",
                    "enhet": "%",
                    "riktning": "högre",
                    "mal": {2022: 70},
                },
                {
                    "id": "I2",
                    "namn": "Väntetid",
                    "kalla": "egen",
                    "enhet": "dagar",
                    "riktning": "lägre",
                    "kon": True,
                    "mal": {2022: 10},
                },
            ],
        },
        {"id": "a2", "namnd": "a", "namn": "Mål A2", "inriktningsmal": ["im1", "im2"]},
        {
            "id": "b1",
            "namnd": "b",
            "namn": "Mål B1",
            "inriktningsmal": ["im2"],
            "indikatorer": [
                {
                    "id": "I3",
                    "namn": "Besök",
                    "kalla": "egen",
                    "enhet": "antal",
                    "riktning": "högre",
                    "mal": {2022: 50},
                }
            ],
        },
        {
            "id": "b2",
            "namnd": "b",
            "namn": "Mål B2",
            "inriktningsmal": ["im2"],
            "indikatorer": [
                {
                    "id": "I4",
                    "namn": "Deltagare",
                    "kalla": "egen",
                    "enhet": "personer",
                    "riktning": "högre",
                    "kon": True,
                    "antal_individer": True,
                    "mal": {2022: 20},
                }
            ],
        },
    ],
}

PERIODER: dict[str, Any] = {
    "perioder": [
        {
            "id": "2022-08",
            "typ": "delårsrapport",
            "slutdatum": "2022-08-31",
            "titel": "Delårsrapport augusti 2022",
            "namnder": [{"id": "a", "jamforelsegrupp": "G1", "markera": ["I1"]}, {"id": "b"}],
        },
        {
            "id": "2022-12",
            "typ": "årsredovisning",
            "slutdatum": "2022-12-31",
            "titel": "Årsredovisning 2022",
            "namnder": [{"id": "a"}, {"id": "b"}],
        },
    ]
}


def _ind(ind: str, omr: str, ar: int, kon: str, varde: float) -> dict[str, Any]:
    return {"indikator": ind, "omrade": omr, "ar": ar, "kon": kon, "varde": varde}


TABLES: dict[str, list[dict[str, Any]]] = {
    "indikatorutfall": [
        _ind("I1", "9999", 2021, "T", 65),
        _ind("I1", "9999", 2022, "T", 72),
        _ind("I1", "0000", 2022, "T", 68),
        _ind("I1", "1111", 2022, "T", 60),
        _ind("I1", "2222", 2022, "T", 70),
        _ind("I2", "9999", 2022, "T", 10.4),
        _ind("I2", "9999", 2022, "K", 9),
        _ind("I2", "9999", 2022, "M", 12),
        _ind("I3", "9999", 2021, "T", 40),
        _ind("I4", "9999", 2022, "T", 12),
        _ind("I4", "9999", 2022, "K", 3),
        _ind("I4", "9999", 2022, "M", 9),
    ],
    "jamforelsegrupper": [
        {"grupp": "G1", "gruppnamn": "Liknande kommuner", "kommun": k, "kommunnamn": n}
        for k, n in (("1111", "Ettby"), ("2222", "Tvåby"), ("9999", "Testby"))
    ],
    "driftredovisning": [
        {"namnd": "a", "verksamhet": "X", "period": p, "budget": 1000, "utfall": u, "prognos": pr}
        for p, u, pr in (("2022-08", 600, 1100), ("2022-12", 1080, 1080))
    ]
    + [
        {"namnd": "a", "verksamhet": "Y", "period": p, "budget": 500, "utfall": u, "prognos": pr}
        for p, u, pr in (("2022-08", 300, 450), ("2022-12", 460, 460))
    ]
    + [
        {"namnd": "b", "verksamhet": "Z", "period": p, "budget": 2000, "utfall": u, "prognos": pr}
        for p, u, pr in (("2022-08", 1400, 2000), ("2022-12", 1990, 1990))
    ],
    "investeringar": [
        {
            "projekt": "P1",
            "namnd": "a",
            "period": "2022-08",
            "budget": 100,
            "utfall": 40,
            "prognos": 90,
        },
        {
            "projekt": "P2",
            "namnd": "b",
            "period": "2022-08",
            "budget": 50,
            "utfall": 10,
            "prognos": 60,
        },
    ],
    "aktiviteter": [
        {
            "id": "akt1",
            "namnd": "a",
            "namndmal": "a1",
            "beskrivning": "Göra ett",
            "ansvarig": "Ann",
            "slutdatum": "2022-12-31",
            "period": "2022-08",
            "status": "pågår",
            "kommentar": "På väg",
        },
        {
            "id": "akt2",
            "namnd": "a",
            "namndmal": "a1",
            "beskrivning": "Göra två",
            "ansvarig": "Bo",
            "slutdatum": "2022-06-30",
            "period": "2022-08",
            "status": "klar",
            "kommentar": "",
        },
        {
            "id": "akt3",
            "namnd": "b",
            "namndmal": "b2",
            "beskrivning": "Göra tre",
            "ansvarig": "Cia",
            "slutdatum": "2022-09-30",
            "period": "2022-08",
            "status": "försenad",
            "kommentar": "",
        },
    ],
    "internkontroll": [
        {
            "namnd": "a",
            "period": "2022-08",
            "kontrollmoment": "K1",
            "resultat": "inga avvikelser",
            "atgard": "",
        },
        {
            "namnd": "a",
            "period": "2022-08",
            "kontrollmoment": "K2",
            "resultat": "väsentliga avvikelser",
            "atgard": "Ny rutin",
        },
    ],
    "personal": [
        {
            "namnd": "a",
            "period": "2021-08",
            "sjukfranvaro_totalt": 6.0,
            "sjukfranvaro_kvinnor": 6.5,
            "sjukfranvaro_man": 5.0,
            "anstallda": 98,
            "anstallda_kvinnor": 58,
            "anstallda_man": 40,
        },
        {
            "namnd": "a",
            "period": "2022-08",
            "sjukfranvaro_totalt": 5.5,
            "sjukfranvaro_kvinnor": 6.0,
            "sjukfranvaro_man": 4.0,
            "anstallda": 100,
            "anstallda_kvinnor": 60,
            "anstallda_man": 40,
        },
        {
            "namnd": "b",
            "period": "2022-08",
            "sjukfranvaro_totalt": 4.0,
            "sjukfranvaro_kvinnor": 4.5,
            "sjukfranvaro_man": 3.0,
            "anstallda": 10,
            "anstallda_kvinnor": 7,
            "anstallda_man": 3,
        },
        {
            "namnd": "a",
            "period": "2022-12",
            "sjukfranvaro_totalt": 5.0,
            "sjukfranvaro_kvinnor": 5.5,
            "sjukfranvaro_man": 4.0,
            "anstallda": 100,
            "anstallda_kvinnor": 60,
            "anstallda_man": 40,
        },
        {
            "namnd": "b",
            "period": "2022-12",
            "sjukfranvaro_totalt": 4.0,
            "sjukfranvaro_kvinnor": 4.5,
            "sjukfranvaro_man": 3.0,
            "anstallda": 10,
            "anstallda_kvinnor": 7,
            "anstallda_man": 3,
        },
    ],
    "resultatrakning": [
        {"period": "2022-08", "post": post, "utfall": u, "budget": b, "prognos": p}
        for post, u, b, p in (
            ("verksamhetens_intakter", 400, 600, 610),
            ("verksamhetens_kostnader", -2000, -3000, -3050),
            ("avskrivningar", -70, -100, -100),
            ("skatteintakter", 1700, 2550, 2560),
            ("generella_statsbidrag_och_utjamning", 20, 30, 30),
            ("finansiella_intakter", 10, 15, 15),
            ("finansiella_kostnader", -5, -10, -8),
            ("extraordinara_poster", 0, 0, 0),
        )
    ],
    "balansrakning": [
        {"period": p, "post": post, "belopp": v}
        for p, rows in (
            (
                "2022-08",
                (
                    ("materiella_anlaggningstillgangar", 900),
                    ("fordringar", 80),
                    ("kassa_och_bank", 20),
                    ("eget_kapital", 450),
                    ("arets_resultat", 55),
                    ("avsattningar_pensioner", 50),
                    ("langfristiga_skulder", 300),
                    ("kortfristiga_skulder", 200),
                    ("ansvarsforbindelse_pensioner", 150),
                ),
            ),
            (
                "2021-12",
                (
                    ("materiella_anlaggningstillgangar", 880),
                    ("fordringar", 90),
                    ("kassa_och_bank", 30),
                    ("eget_kapital", 400),
                    ("arets_resultat", 20),
                    ("avsattningar_pensioner", 50),
                    ("langfristiga_skulder", 320),
                    ("kortfristiga_skulder", 230),
                    ("ansvarsforbindelse_pensioner", 160),
                ),
            ),
        )
        for post, v in rows
    ],
}


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    if not rows:
        return ""
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_project(
    root: Path,
    *,
    kommun: dict[str, Any] | None = None,
    malkedja: dict[str, Any] | None = None,
    perioder: dict[str, Any] | None = None,
    finansiella_mal: dict[str, Any] | None = None,
    koncern: dict[str, Any] | None = None,
    **tables: list[dict[str, Any]],
) -> ProjectPaths:
    """Write the project under ``root``; a keyword replaces a document or a table."""
    paths = ProjectPaths(root)
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    paths.params_dir.mkdir(parents=True, exist_ok=True)

    def dump(path: Path, doc: dict[str, Any]) -> None:
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")

    dump(paths.yaml_file("kommun"), kommun or copy.deepcopy(KOMMUN))
    dump(paths.yaml_file("malkedja"), malkedja or copy.deepcopy(MALKEDJA))
    dump(paths.params_file, perioder or copy.deepcopy(PERIODER))
    if finansiella_mal is not None:
        dump(paths.yaml_file("finansiella_mal"), finansiella_mal)
    if koncern is not None:
        dump(paths.yaml_file("koncern"), koncern)
    all_tables = {**copy.deepcopy(TABLES), **tables}
    for name, rows in all_tables.items():
        if rows:
            (paths.data_dir / f"{name}.csv").write_text(_csv(rows), "utf-8")
    return paths


def load(root: Path, **changes: Any) -> Kommunmodell:
    return load_model(write_project(root, **changes))


def malkedja_with(**indicator_changes: dict[str, Any]) -> dict[str, Any]:
    """The default goal chain with some indicators' fields changed (by indicator id)."""
    chain = copy.deepcopy(MALKEDJA)
    for goal in chain["namndmal"]:
        for ind in goal.get("indikatorer", []):
            ind.update(indicator_changes.get(ind["id"], {}))
    return chain


def caption(source: Any, label: str) -> str:
    """The caption of the cell labelled ``label`` in a notebook (or a notebook's path), as
    ``batch.jobs.notebook_source`` gives it."""
    import json

    import nbformat

    nb = source if not isinstance(source, str) else nbformat.read(source, as_version=4)  # type: ignore[no-untyped-call]
    for cell in nb.cells:
        text = str(cell.source)
        if f"#| label: {label}\n" in text:
            line = next(x for x in text.split("\n") if "-cap:" in x)
            return str(json.loads(line.split("-cap:", 1)[1]))
    raise AssertionError(label)
