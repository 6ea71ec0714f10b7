"""A second kommun (tests/fixtures/kommun2: one nämnd, no kommun-level tables) built for real:
its only job is the nämnd's. The build adds one
labelled cell per own table to the nämnd's notebook, publishes the table as open data, and
``check`` accepts an embed of its label (and refuses one of a table that does not exist).

A second own table counts people (``antal_individer``, issue 29 item 2): Familjehem 1 414,
HVB 2, Stödboende 1. The two small counts and the sum (1 417, which minus 1 414 would give
them back) appear in no output of the build."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path
from typing import Any

from kommunrapport.batch.runner import build
from kommunrapport.data.loader import load_model
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.site.checks import file_problems

ROOT = Path(__file__).parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "kommun2"


PLACERINGAR_YML = """\
titel: Placerade barn och unga per boendeform
kolumner:
  - {namn: boendeform, rubrik: Boendeform}
  - {namn: barn, rubrik: Placerade barn, typ: heltal, antal_individer: true}
summarad: Summa
"""
PLACERINGAR_CSV = "boendeform,barn\nFamiljehem,1414\nHVB,2\nStödboende,1\n"


def _assert_counts_hidden(paths: ProjectPaths, cells: dict[str, dict[str, Any]]) -> None:
    markdown = "".join(cells["tbl-egen-placeringar"]["outputs"][0]["data"]["text/markdown"])
    assert "| HVB | \\<5 |" in markdown and "| Stödboende | \\<5 |" in markdown
    assert "| **Summa** | **x** |" in markdown
    with (paths.open_data_dir("2025-12", "kfn") / "egen_placeringar.csv").open(
        encoding="utf-8"
    ) as f:
        rows = {r["boendeform"]: r["barn"] for r in csv.DictReader(f)}
    # the sum row (radtyp summa) is in the open data too, and hidden like in the report
    assert rows == {"Familjehem": "1414", "HVB": "", "Stödboende": "", "Summa": ""}
    outputs = [paths.executed_notebook("2025-12", "kfn")]
    outputs += sorted(paths.executed_dir("2025-12").glob("*.yml"))
    outputs += sorted(paths.open_data_dir("2025-12", "kfn").glob("*.csv"))
    for path in outputs:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(?<!\d)1[\s\u00a0]?417(?!\d)", text), path.name
    assert re.search(r"1\u00a0414", markdown)  # the shown count is where the sum would be


def test_own_table_is_a_labelled_output_of_the_nämnd(tmp_path: Path) -> None:
    target = tmp_path / "kommun2"
    shutil.copytree(FIXTURE, target)
    shutil.copytree(ROOT / "notebooks", target / "notebooks")
    paths = ProjectPaths(target)
    (paths.egna_dir / "kfn" / "placeringar.yml").write_text(PLACERINGAR_YML, encoding="utf-8")
    (paths.egna_dir / "kfn" / "placeringar.csv").write_text(PLACERINGAR_CSV, encoding="utf-8")
    model = load_model(paths)
    report = build(model, jobs=1)
    # no kommun-level tables (resultaträkning, balansräkning, ...): only the nämnd's job runs
    assert [(r.job.key, r.status, r.error) for r in report.results] == [
        ("2025-12/kfn", "klar", None)
    ]
    nb = json.loads(paths.executed_notebook("2025-12", "kfn").read_text(encoding="utf-8"))
    cells = {c["id"]: c for c in nb["cells"]}
    own = cells["tbl-egen-foreningsbidrag"]
    ids = [c["id"] for c in nb["cells"]]
    assert ids.index("tbl-egen-foreningsbidrag") == ids.index("egna-tabeller") + 1
    assert "#| label: tbl-egen-foreningsbidrag" in "".join(own["source"])
    markdown = "".join(own["outputs"][0]["data"]["text/markdown"])
    assert "| Idrott | 2\u00a0100 | 2\u00a0200 | 2\u00a0350 | 45 |" in markdown
    assert "| **Summa** | **3\u00a0200** |" in markdown
    _assert_counts_hidden(paths, cells)
    summary = "".join(cells["tbl-ekonomisk-sammanfattning"]["outputs"][0]["data"]["text/markdown"])
    assert "Nettokostnad" in summary
    open_data = paths.open_data_dir("2025-12", "kfn")
    assert (
        (open_data / "egen_foreningsbidrag.csv")
        .read_text(encoding="utf-8")
        .startswith("verksamhet,bidrag_2023")
    )

    narrative = paths.narrative_file("2025-12", "kfn")
    narrative.parent.mkdir(parents=True, exist_ok=True)
    narrative.write_text(
        "---\ntitle: Kultur- och fritidsnämnden\nstatus: utkast\n---\n\n"
        "## Bidrag\n\n{{< embed _executed/kfn.ipynb#tbl-egen-foreningsbidrag >}}\n\n"
        "{{< embed _executed/kfn.ipynb#tbl-egen-taxor >}}\n",
        encoding="utf-8",
    )
    problems = [str(p) for p in file_problems(paths, model.period("2025-12"), "kfn")]
    assert not [p for p in problems if "kfn.ipynb#tbl-egen-foreningsbidrag" in p], problems
    assert [
        p
        for p in problems
        if "etiketten 'tbl-egen-taxor' finns inte i notebooks/namnd.ipynb eller bland nämndens "
        "egna tabeller (data/egna/kfn/)" in p
    ], problems
