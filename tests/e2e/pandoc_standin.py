"""A stand-in for the part of ``quarto render`` that matters to the content, for machines
without Quarto: expand ``embed`` (the labelled cell's Markdown output) and ``meta`` (the
value from the page's metadata files) the way Quarto documents them, then let plain pandoc
(which Quarto runs underneath) write HTML and docx with the project's reference document.

It is not Quarto (no website chrome, no cross-reference numbering, no callouts); it lets
the tests check what the content brings to the documents: Swedish language, tables with
header cells, figures with alt text, headings in the kommun's Word styles.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import yaml

from kommunrapport.site.narrative import split_front_matter

_SHORTCODE = re.compile(r"(?<!\{)\{\{<\s*(embed|meta)\s+([^\s>]+)[^>]*>\}\}(?!\})")
_FIG_ALT = re.compile(r'!\[\]\((data:[^)]+)\)\{fig-alt="([^"]*)"\}')


def _cell_markdown(notebook: Path, label: str) -> str:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell.get("id") == label or re.search(rf"^#\| label: {re.escape(label)}$", source, re.M):
            parts = []
            for output in cell.get("outputs", []):
                md = output.get("data", {}).get("text/markdown")
                if md:
                    parts.append("".join(md) if isinstance(md, list) else md)
            # Quarto turns fig-alt into the image's alt text.
            return _FIG_ALT.sub(lambda m: f"![{m.group(2)}]({m.group(1)})", "\n\n".join(parts))
    raise KeyError(f"{notebook}#{label}")


def _lookup(data: Any, dotted: str) -> str:
    for part in dotted.split("."):
        data = data[part]
    return str(data)


def expand(page: Path) -> tuple[dict[str, Any], str]:
    """(metadata, Markdown body) of a page with its shortcodes expanded."""
    front, body, _ = split_front_matter(page.read_text(encoding="utf-8"))
    meta: dict[str, Any] = yaml.safe_load(front or "") or {}
    for rel in meta.get("metadata-files", []):
        meta.update(yaml.safe_load((page.parent / rel).read_text(encoding="utf-8")) or {})

    def replace(m: re.Match[str]) -> str:
        if m.group(1) == "meta":
            return _lookup(meta, m.group(2))
        target, _, label = m.group(2).partition("#")
        return "\n\n" + _cell_markdown(page.parent / target, label) + "\n\n"

    return meta, _SHORTCODE.sub(replace, body)


def convert(
    page: Path,
    target: Path,
    reference_doc: Path | None = None,
    include_after_body: Path | None = None,
) -> Path:
    """Write ``target`` (.html or .docx) from ``page`` with pandoc."""
    meta, body = expand(page)
    source = target.with_suffix(".md")
    header = {"title": meta.get("title", page.stem), "lang": "sv-SE"}
    source.write_text(
        "---\n" + yaml.safe_dump(header, allow_unicode=True) + "---\n\n" + body, encoding="utf-8"
    )
    args = ["pandoc", str(source), "-s", "-o", str(target)]
    if reference_doc is not None:
        args += ["--reference-doc", str(reference_doc)]
    if include_after_body is not None:
        args += ["--include-after-body", str(include_after_body)]
    subprocess.run(args, check=True, capture_output=True, text=True)
    return target
