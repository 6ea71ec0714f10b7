"""The registry in Swedish Markdown: which tables each part of the report needs, and
each table's columns. ``data/README.md`` carries :func:`requirements_markdown` between
two marker lines (a test keeps it equal to the registry), and ``init`` writes a project's
``data/README.md`` from :func:`project_readme`."""

from __future__ import annotations

from kommunrapport.data.datasets import DATASETS, KOMMUN_DATA
from kommunrapport.data.tablespec import Part

BEGIN = "<!-- tabellkrav: början (skrivs från registret, data/datasets.py) -->"
END = "<!-- tabellkrav: slut -->"


def requirements_markdown() -> str:
    """Which tables each part of the report needs, as a Markdown table with a note."""
    lines = [
        "| Tabell | Nämndens kapitel | Kommunens kapitel | Tertial- och delårsrapport "
        "| Årsredovisning |",
        "|---|---|---|---|---|",
    ]
    for ds in DATASETS.values():
        cells = []
        for part in (Part.NAMND, Part.KOMMUN):
            if part in ds.required_parts:
                cells.append("**krävs**")
            elif part in ds.used_parts:
                cells.append("frivillig")
            else:
                cells.append("–")
        for kinds in (("tertialrapport", "delårsrapport"), ("årsredovisning",)):
            read = not ds.report_kinds or bool(set(kinds) & set(ds.report_kinds))
            cells.append("läses" if read else "–")
        lines.append(f"| `{ds.stem}` | {' | '.join(cells)} |")
    lines += [
        "",
        "Nämndernas kapitel finns alltid. Kommunens kapitel finns för en period när "
        f"`{KOMMUN_DATA}` har rader för perioden; utan dem består rapporten av nämndernas "
        "kapitel, och kommunens tabeller och text (`kommun.qmd`) krävs inte. **krävs**: "
        "filen måste finnas (en fil med bara rubrikraden räcker) när rapporten har den "
        "delen. frivillig: läses om filen finns. De två sista kolumnerna säger vilka "
        "rapporttyper (`typ` i params/perioder.yml) som läser tabellen.",
    ]
    return "\n".join(lines)


def section() -> str:
    """The generated section of data/README.md, marker lines included."""
    return f"{BEGIN}\n{requirements_markdown()}\n{END}"


def tables_markdown() -> str:
    """Each table with its columns, key and unit."""
    out = []
    for ds in DATASETS.values():
        out += [f"### {ds.stem}.csv – {ds.description}", ""]
        for col in ds.columns:
            what = col.description or col.kind.value
            if col.allowed:
                what += f" ({', '.join(col.allowed)})"
            optional = f"{col.when_required}; " if col.when_required else ""
            out.append(f"- `{col.name}`: {optional}{what}")
        out += ["", f"Nyckel: {', '.join(ds.key)}.", ""]
    return "\n".join(out).rstrip() + "\n"


def project_readme(kommun: str) -> str:
    """data/README.md of a new project."""
    return "\n".join(
        [
            f"# data/ – {kommun}s gemensamma data",
            "",
            "Allt som rapporterna räknas fram ur: organisationen (`kommun.yml`), målkedjan "
            "(`malkedja.yml`) och tabellerna nedan. Kör `kommunrapport check` efter varje "
            "ändring: den visar vad som återstår att fylla i och varje fel med fil, rad och "
            "kolumn. Tabellerna är CSV-filer (komma eller semikolon, en rubrikrad, tal som "
            "`1 234,5`) eller blad i en arbetsbok `kommunrapport.xlsx` "
            "(`kommunrapport excel-mall`).",
            "",
            "## Vilka tabeller som krävs",
            "",
            section(),
            "",
            "## Tabellerna",
            "",
            tables_markdown(),
        ]
    )
