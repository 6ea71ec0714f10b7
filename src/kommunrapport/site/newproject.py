"""``kommunrapport init``: a new, empty project for a kommun, and what to fill in next.

:func:`init_project` writes ``data/kommun.yml`` (the kommun's name from the list shipped
with the package, a commented nämnd stub), an empty goal chain with comments, the
tables a nämnd's chapter reads with their header row only, ``params/perioder.yml``, the
template notebooks and the Quarto project's files (``_quarto.yml``, start page,
``assets/``). No logo: the kommun adds its own. Every file is created exclusively, so
nothing that exists is ever overwritten, and a directory that already holds visible
files is refused.

:func:`next_steps` reads such a project as it is (before it validates) and says, in
order, what to fill in next; ``kommunrapport check`` prints it above the problems.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from kommunrapport.data.collector import MALKEDJA, ORGANISATION
from kommunrapport.data.datasets import DATASETS
from kommunrapport.data.errors import KommunrapportError
from kommunrapport.data.fsutil import create_exclusive
from kommunrapport.data.kommuner import lookup
from kommunrapport.data.paths import WORKBOOK_NAME, ProjectPaths
from kommunrapport.data.registrydoc import data_readme
from kommunrapport.data.tableio import TableReadError, read_table_text
from kommunrapport.data.yamlio import load_yaml
from kommunrapport.site.scaffold import TEMPLATES, project_template_files

NOTEBOOK_TEMPLATES = "anteckningsbocker"

GITIGNORE = """\
# Byggresultat och verktygets tillstånd: skrivs av kommunrapport, hör inte hemma i git.
reports/*/_executed/
_site/
.quarto/
.kommunrapport/
_webbplats.yml
_perioder.md
reports/*/index.qmd
reports/*/oppna-data/
.ipynb_checkpoints/
.venv/
"""


class InitError(KommunrapportError):
    """The project cannot be created here (a directory with files, an unknown kommun)."""


@dataclass(frozen=True)
class InitResult:
    root: Path
    kommun: str
    kolada_id: str
    created: tuple[Path, ...]


def _kommun_yml(name: str, kolada_id: str) -> str:
    return f"""\
# Organisationen: kommunen, dess nämnder och vem som skriver varje nämnds text.
# Skapad av `kommunrapport init`. Kolumner och regler: se README.md, "Börja med din egen
# kommun". Kontrollera namnet: en del kommuner kallar sig stad eller region.
kommun:
  namn: {name}
  kolada_id: "{kolada_id}"
  # logotyp: logo.svg       # en bild i data/ som visas på webbplatsen (ge SVG:n en <title>)

# Nämnderna, en post per nämnd. Ta bort [] och skriv till exempel:
#
# namnder:
#   - id: kfn                                 # kort id som alla andra filer använder
#     namn: Kultur- och fritidsnämnden
#     forvaltning: Kultur- och fritidsförvaltningen
#     skribenter: [Förnamn Efternamn]         # de som skriver nämndens text
namnder: []
"""


MALKEDJA_YML = """\
# Målkedjan (den röda tråden): vision → inriktningsmål → nämndmål → indikatorer.
# Skapad av `kommunrapport init`; fyll i uppifrån och ned. Se README.md.
vision: ""            # kommunens vision, en mening (valfri: kan lämnas tom)
mandatperiod: ""      # t.ex. 2023–2026 (valfri: kan lämnas tom)

# Kommunfullmäktiges inriktningsmål. Ta bort [] och skriv till exempel:
#
# inriktningsmal:
#   - id: im1
#     namn: Ett rikt kultur- och fritidsliv för alla
inriktningsmal: []

# Nämndernas mål, med indikatorer och målvärde för varje rapportår. Till exempel:
#
# namndmal:
#   - id: kfn1
#     namnd: kfn                              # nämndens id i data/kommun.yml
#     namn: Fler besök på biblioteken
#     inriktningsmal: [im1]
#     indikatorer:
#       - id: N09801                          # ett Kolada-id, eller ett eget id
#         namn: Besök på folkbibliotek, antal/inv
#         kalla: kolada                       # kolada eller egen
#         enhet: besök/inv
#         riktning: högre                     # högre eller lägre är bättre
#         mal: {2026: 5.0}
namndmal: []
"""


def _perioder_yml(year: int) -> str:
    return f"""\
# Vilka rapporter som finns: perioderna och nämnderna i varje period.
# Skapad av `kommunrapport init`. Ta bort [] och skriv till exempel:
#
# perioder:
#   - id: "{year}-08"
#     typ: delårsrapport                      # tertialrapport, delårsrapport, årsredovisning
#     slutdatum: {year}-08-31
#     titel: Delårsrapport augusti {year}
#     namnder:
#       - id: kfn                             # nämndens id i data/kommun.yml
#         jamforelsegrupp: G...               # valfritt: en Kolada-grupp (Liknande kommuner)
#
# bygg:
#   tidsgrans: 900                            # valfritt: sekunder ett jobb får köra
perioder: []
"""


def _header_csv(name: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(c.name for c in DATASETS[name].columns)
    return buffer.getvalue().encode("utf-8")


INIT_TABLES = tuple(name for name, ds in DATASETS.items() if not ds.kommun_only)
"""The tables ``init`` writes with their header row: those a nämnd's chapter reads. The
kommun-level tables are added when the kommun's chapter is wanted (see data/README.md)."""


def planned_files(kommun: str, kolada_id: str, year: int) -> list[tuple[str, bytes]]:
    """(path relative to the project, content) of every file ``init`` writes."""
    files: list[tuple[str, bytes]] = [
        (f"data/{ORGANISATION}.yml", _kommun_yml(kommun, kolada_id).encode()),
        (f"data/{MALKEDJA}.yml", MALKEDJA_YML.encode()),
        ("params/perioder.yml", _perioder_yml(year).encode()),
        (".gitignore", GITIGNORE.encode()),
        ("data/README.md", data_readme(kommun).encode()),
    ]
    files += [(f"data/{DATASETS[n].stem}.csv", _header_csv(n)) for n in INIT_TABLES]
    notebooks = resources.files("kommunrapport").joinpath(TEMPLATES, NOTEBOOK_TEMPLATES)
    for name in ("namnd.ipynb", "kommun.ipynb"):
        files.append((f"notebooks/{name}", notebooks.joinpath(name).read_bytes()))
    files += [(rel, node.read_bytes()) for rel, node in project_template_files()]
    return files


def _visible(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if not p.name.startswith("."))


def init_project(root: Path, kommun: str, *, year: int | None = None) -> InitResult:
    """Create an empty project for ``kommun`` (Kolada id or name) in ``root``.

    ``root`` must not exist, or hold only hidden entries (``.git``, ``.venv``); files
    are created exclusively, so not even a race overwrites one."""
    kolada_id, name = lookup(kommun)
    if root.exists() and not root.is_dir():
        raise InitError(f"{root} finns redan och är ingen katalog.")
    if root.is_dir():
        visible = _visible(root)
        if visible:
            shown = ", ".join(visible[:5]) + (" …" if len(visible) > 5 else "")
            raise InitError(
                f"katalogen {root} är inte tom ({shown}). init skapar ett projekt bara i en "
                "ny eller tom katalog (dolda filer som .git går bra), så att ingen fil skrivs "
                "över. Välj en annan katalog."
            )
    files = planned_files(name, kolada_id, year or date.today().year)
    taken = [rel for rel, _ in files if (root / rel).exists()]
    if taken:
        raise InitError(
            f"{', '.join(taken)} finns redan i {root}; init skriver aldrig över en fil."
        )
    created = [root / rel for rel, data in files if create_exclusive(root / rel, data)]
    (root / "reports").mkdir(exist_ok=True)
    return InitResult(root, name, kolada_id, tuple(created))


def describe_init(result: InitResult) -> str:
    return "\n".join(
        [
            f"Skapade ett tomt projekt för {result.kommun} (Kolada-id {result.kolada_id}) "
            f"i {result.root}: {len(result.created)} filer.",
            "Gå till katalogen och kör `kommunrapport check`: den säger vad du fyller i härnäst.",
        ]
    )


# --- what to fill in next -------------------------------------------------------------------


def _yaml(path: Path) -> dict[str, Any]:
    try:
        data = load_yaml(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _rows(paths: ProjectPaths, stem: str) -> int | None:
    """Data rows of a table (in its file, or else in its sheet of the workbook: a header-only
    file gives way to the sheet, as in ``check``); None when absent or unreadable."""
    counts: list[int] = []
    files = paths.table_candidates(stem)
    if files:
        try:
            counts.append(len(read_table_text(files[0], paths.relative(files[0]))))
        except TableReadError:
            return None
    if paths.workbook_file.is_file() and not any(counts):
        from kommunrapport.data.tableio import read_workbook_text

        try:
            sheet = read_workbook_text(paths.workbook_file, WORKBOOK_NAME, {stem}).get(stem)
        except TableReadError:
            sheet = None
        if isinstance(sheet, pd.DataFrame):
            counts.append(len(sheet.index))
    return max(counts) if counts else None


def next_steps(paths: ProjectPaths) -> list[str]:
    """What is still to fill in, in the order that works: organisation, goal chain,
    periods, the nämnder's tables, Kolada, the texts. Empty when nothing is left."""
    org = _yaml(paths.yaml_file(ORGANISATION))
    chain = _yaml(paths.yaml_file(MALKEDJA))
    params = _yaml(paths.params_file)
    steps: list[str] = []
    if not org.get("namnder"):
        steps.append(
            "Skriv in nämnderna i data/kommun.yml (id, namn, förvaltning, skribenter); "
            "ett exempel står som kommentar i filen."
        )
    if not chain.get("inriktningsmal"):
        steps.append(
            "Skriv kommunfullmäktiges inriktningsmål i data/malkedja.yml, och kommunens vision "
            "och mandatperiod om rapporten ska visa dem (de får lämnas tomma)."
        )
    goals = chain.get("namndmal") or []
    if not goals:
        steps.append(
            "Skriv nämndmålen med indikatorer och målvärden för rapportåret i data/malkedja.yml."
        )
    periods = params.get("perioder") or []
    if not periods:
        steps.append("Ange perioderna och vilka nämnder som rapporterar i params/perioder.yml.")
    empty = [
        DATASETS[n].stem
        for n in ("driftredovisning", "aktiviteter")
        if _rows(paths, DATASETS[n].stem) == 0
    ]
    if empty:
        steps.append(
            "För in nämndernas siffror i "
            + ", ".join(f"data/{s}.csv" for s in empty)
            + " och, om nämnden har några, investeringar.csv (kolumnerna står i data/README.md; "
            "eller håll alla tabeller i en Excel-fil: "
            "`kommunrapport excel-mall data/kommunrapport.xlsx`)."
        )
    kolada = [
        i
        for g in goals
        if isinstance(g, dict)
        for i in g.get("indikatorer") or []
        if isinstance(i, dict) and i.get("kalla") == "kolada"
    ]
    if kolada and not _rows(paths, DATASETS["indikatorutfall"].stem):
        steps.append(
            "Hämta indikatorernas värden från Kolada: `kommunrapport kolada fetch` "
            "(utan nätverk: `kommunrapport kolada import FIL`)."
        )
    ids = [str(p.get("id")) for p in periods if isinstance(p, dict) and p.get("id")]
    unwritten = [pid for pid in ids if not any(paths.period_dir(pid).glob("*.qmd"))]
    if unwritten:
        steps.append(
            "Skapa analystexterna: "
            + ", ".join(f"`kommunrapport new-period {pid}`" for pid in unwritten)
            + "."
        )
    if steps:
        steps.append("Bygg rapporten: `kommunrapport build` (med Quarto installerat).")
    return steps


def describe_steps(steps: list[str]) -> str:
    lines = ["Att göra härnäst, i tur och ordning:"]
    lines += [f"  {i}. {s}" for i, s in enumerate(steps, start=1)]
    return "\n".join(lines)
