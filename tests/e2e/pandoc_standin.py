"""A stand-in for the part of ``quarto render`` that matters to the content, for machines
without Quarto: expand ``embed`` (the labelled cell's Markdown output, inserted as it is)
and ``meta`` (the value from the page's metadata files) the way Quarto documents them, then
let pandoc 3.9 (``pypandoc-binary``, the pandoc Quarto 1.10 runs underneath) write HTML, docx
or typst from the page's folder, with the project's Lua filters from ``_quarto.yml`` and
with ``quarto_standin.lua`` for what Quarto itself does with ``fig-alt``.

It is not Quarto (no website chrome, no cross-reference numbering, no callouts); it lets
the tests check what the content brings to the documents: Swedish language, tables with
header cells, figures that are found and carry their alt text, headings in the kommun's
Word styles.
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
QUARTO_STANDIN_FILTER = Path(__file__).with_name("quarto_standin.lua")
_LATE = {"post-quarto", "pre-render", "post-render", "pre-finalize", "post-finalize"}


def pandoc_binary() -> str:
    """The pandoc 3.9 that ``pypandoc-binary`` ships (a dev dependency)."""
    import pypandoc

    return str(pypandoc.get_pandoc_path())


def cell_markdown(notebook: Path, label: str) -> str:
    """The Markdown outputs of the cell ``label`` (its id or ``#| label:``), as Quarto
    inserts them into the page."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell.get("id") == label or re.search(rf"^#\| label: {re.escape(label)}$", source, re.M):
            parts = []
            for output in cell.get("outputs", []):
                md = output.get("data", {}).get("text/markdown")
                if md:
                    parts.append("".join(md) if isinstance(md, list) else md)
            return "\n\n".join(parts)
    raise KeyError(f"{notebook}#{label}")


def _lookup(data: Any, dotted: str) -> str:
    for part in dotted.split("."):
        data = data[part]
    return str(data)


def _quarto_divs(notebook: str, label: str, markdown: str) -> str:
    """The fenced divs Quarto puts around an embedded cell's output (quarto-cli
    ``src/core/jupyter/jupyter-embed.ts`` and ``jupyter.ts``): the embed, the cell, the output."""
    return (
        f'::: {{.quarto-embed-nb-cell notebook="{notebook}" notebook-cellId="{label}"}}\n\n'
        f"::: {{#{label} .cell}}\n::: {{.cell-output .cell-output-display}}\n"
        f"{markdown}\n:::\n:::\n\n:::"
    )


def expand(page: Path, *, quarto_divs: bool = False) -> tuple[dict[str, Any], str]:
    """(metadata, Markdown body) of a page with its shortcodes expanded; ``quarto_divs``
    wraps each embedded output in the fenced divs Quarto adds."""
    front, body, _ = split_front_matter(page.read_text(encoding="utf-8"))
    meta: dict[str, Any] = yaml.safe_load(front or "") or {}
    for rel in meta.get("metadata-files", []):
        meta.update(yaml.safe_load((page.parent / rel).read_text(encoding="utf-8")) or {})

    def replace(m: re.Match[str]) -> str:
        if m.group(1) == "meta":
            return _lookup(meta, m.group(2))
        target, _, label = m.group(2).partition("#")
        markdown = cell_markdown(page.parent / target, label)
        if quarto_divs:
            markdown = _quarto_divs(target, label, markdown)
        return "\n\n" + markdown + "\n\n"

    return meta, _SHORTCODE.sub(replace, body)


def project_root(page: Path) -> Path:
    for folder in page.resolve().parents:
        if (folder / "_quarto.yml").is_file():
            return folder
    raise FileNotFoundError(f"no _quarto.yml above {page}")


def lua_filters(page: Path) -> list[Path]:
    """The project's filters and the Quarto stand-in, in the order Quarto runs them: the
    project's plain entries first, then Quarto's own, then those placed ``at`` a later stage."""
    root = project_root(page)
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8")) or {}
    early: list[Path] = []
    late: list[Path] = []
    for entry in config.get("filters", []):
        if isinstance(entry, str):
            early.append(root / entry)
        elif isinstance(entry, dict):
            (late if entry.get("at") in _LATE else early).append(root / entry["path"])
    return [*early, QUARTO_STANDIN_FILTER, *late]


def convert(
    page: Path,
    target: Path,
    reference_doc: Path | None = None,
    include_after_body: Path | None = None,
) -> Path:
    """Write ``target`` (.html, .docx or .typ) from ``page`` with pandoc, reading images
    from the page's folder as Quarto does."""
    meta, body = expand(page)
    source = target.with_name(f".{target.name}.md")
    header = {"title": meta.get("title", page.stem), "lang": "sv-SE"}
    source.write_text(
        "---\n" + yaml.safe_dump(header, allow_unicode=True) + "---\n\n" + body, encoding="utf-8"
    )
    args = [pandoc_binary(), str(source), "-s", "-o", str(target)]
    args += ["--resource-path", str(page.parent)]
    if target.suffix == ".typ":
        args += ["-t", "typst"]
    for lua in lua_filters(page):
        args += ["--lua-filter", str(lua)]
    if reference_doc is not None:
        args += ["--reference-doc", str(reference_doc)]
    if include_after_body is not None:
        args += ["--include-after-body", str(include_after_body)]
    done = subprocess.run(args, check=False, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pandoc {done.returncode}: {done.stderr}")
    if "Could not fetch resource" in done.stderr:
        raise FileNotFoundError(done.stderr)
    return target
