"""The registry in Swedish Markdown, and the guide to the data folder, ``data/README.md``.

The guide has one source, ``templates/datamapp/README.md``: the example's ``data/README.md``
and the one ``init`` writes for a new project are both made from it by :func:`data_readme`
(a test keeps the example's file equal to it; ``tools/write_data_readme.py`` writes it). In the
source, ``<!-- exempel -->…<!-- /exempel -->`` holds what only the example says (what is real
and what is invented, the example's own figures) and ``<!-- projekt -->…<!-- /projekt -->``
what only a new project's guide says; ``{{tabellkrav}}`` is :func:`section` (which tables each
part of the report needs) and ``{{kolumner}}`` :func:`tables_markdown` (each table's columns),
both from the registry, and ``{{kommun}}`` the kommun's name."""

from __future__ import annotations

import re
from importlib import resources

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
    """Each table with its columns, key and unit, from the registry."""
    out = [
        "## Kolumnerna, tabell för tabell",
        "",
        "Listan skrivs ur tabellregistret (`src/kommunrapport/data/datasets.py`), så den följer "
        "alltid det som `kommunrapport check` kräver.",
        "",
    ]
    for ds in DATASETS.values():
        out += [f"**{ds.stem}.csv** – {ds.description}. Nyckel: {', '.join(ds.key)}.", ""]
        for col in ds.columns:
            what = col.description or col.kind.value
            if col.allowed:
                what += f" ({', '.join(col.allowed)})"
            optional = f"{col.when_required}; " if col.when_required else ""
            out.append(f"- `{col.name}`: {optional}{what}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


_GUIDE = ("templates", "datamapp", "README.md")
_KINDS = ("exempel", "projekt")


def guide_source() -> str:
    """The one source of both data guides (see the module's docstring)."""
    return resources.files("kommunrapport").joinpath(*_GUIDE).read_text(encoding="utf-8")


def data_readme(kommun: str | None = None) -> str:
    """``data/README.md``: the example's when ``kommun`` is None, else a new project's for the
    kommun of that name."""
    keep = "exempel" if kommun is None else "projekt"
    text = guide_source()
    for kind in _KINDS:
        start, end = f"<!-- {kind} -->", f"<!-- /{kind} -->"
        if kind == keep:
            text = text.replace(start, "").replace(end, "")
        else:
            text = re.sub(re.escape(start) + ".*?" + re.escape(end), _CUT, text, flags=re.S)
    text = text.replace("{{tabellkrav}}", section())
    text = text.replace("{{kolumner}}", tables_markdown().rstrip("\n"))
    text = text.replace("{{kommun}}", kommun or "")
    lines = []
    for line in text.split("\n"):
        if _CUT in line:  # where a sentence was taken out: one space between the rest
            line = re.sub(r"(?<=\S) {2,}(?=\S)", " ", line.replace(_CUT, "")).rstrip()
        lines.append(line)
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return text.rstrip("\n") + "\n"


_CUT = "\x00"
"""Marks where a span of the other kind was taken out (no guide text has a NUL)."""
