"""The figures' alt text in Word: pandoc 3.9 (``pypandoc-binary``) with the project's Lua
filters on the Markdown the notebooks emit writes each figure's alt text into its
``wp:docPr descr``; a decorative image (the callout icon) keeps an empty one."""

from __future__ import annotations

import re
import subprocess
import zipfile
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import yaml

from kommunrapport.batch.figure_files import externalise, output_strings
from kommunrapport.content.figur import Figur
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.site.scaffold import project_template_files

PERIOD = "2022-08"
QUARTO_STANDIN = Path(__file__).resolve().parents[1] / "e2e" / "quarto_standin.lua"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108020000009077"
    "53de0000000c4944415408d763f8ffff3f0005fe02fea7d6a1a30000000049454e44ae426082"
)
ALTS = (
    'Liggande stapeldiagram: "Turism" har en nettointäkt på 1\u00a0500\u00a0tkr.',
    "Diagram med 2 indikatorer över tid; målet för 2022 är 70\u00a0%.",
)


def pandoc() -> str:
    import pypandoc

    return str(pypandoc.get_pandoc_path())


def project_filters(tmp_path: Path) -> list[Path]:
    """The Lua filters the project's _quarto.yml lists, in Quarto's order, with the stand-in
    for Quarto's own handling of fig-alt between the plain entries and the late ones."""
    files = dict(project_template_files())
    config = yaml.safe_load(files["_quarto.yml"].read_text(encoding="utf-8"))
    early: list[Path] = []
    late: list[Path] = []
    for entry in config["filters"]:
        rel = entry if isinstance(entry, str) else entry["path"]
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(files[rel].read_bytes())
        (late if isinstance(entry, dict) and entry.get("at") == "post-render" else early).append(
            target
        )
    return [*early, QUARTO_STANDIN, *late]


def notebook_markdown(paths: ProjectPaths) -> str:
    """Two figures as a job's notebook has them after the build: Markdown with a file path."""
    cells = [
        {
            "cell_type": "code",
            "source": f"#| label: fig-{n}\nrapport.diagram()",
            "outputs": [
                {
                    "output_type": "display_data",
                    "metadata": {},
                    "data": Figur(PNG + bytes([n]), alt)._repr_mimebundle_(),
                }
            ],
        }
        for n, alt in enumerate(ALTS)
    ]
    nb: dict[str, Any] = {"cells": cells}
    externalise(nb, paths, PERIOD, "bun").commit()
    return "\n\n".join(t for _, _, _, mime, t in output_strings(nb) if mime == "text/markdown")


def docx_descriptions(docx: Path) -> list[str]:
    with zipfile.ZipFile(docx) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return [unescape(d) for d in re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', xml)]


def write_docx(tmp_path: Path, filters: list[Path]) -> Path:
    paths = ProjectPaths(tmp_path)
    page = paths.period_dir(PERIOD) / "bun.md"
    icon = paths.period_dir(PERIOD) / "ikon.png"
    icon.parent.mkdir(parents=True, exist_ok=True)
    icon.write_bytes(PNG)
    # as Quarto's callout for docx: the icon with no alt text, beside the title
    callout = "![](ikon.png){width=16 height=16} **Utkast**"
    page.write_text(
        f"---\ntitle: Nämnd\n---\n\n{callout}\n\n{notebook_markdown(paths)}\n", encoding="utf-8"
    )
    target = tmp_path / "bun.docx"
    args = [pandoc(), str(page), "-o", str(target), "--resource-path", str(page.parent)]
    for lua in filters:
        args += ["--lua-filter", str(lua)]
    done = subprocess.run(args, check=True, capture_output=True, text=True)
    assert "Could not fetch resource" not in done.stderr, done.stderr
    return target


def test_every_figure_in_word_has_its_alt_text_and_the_icon_none(tmp_path: Path) -> None:
    docx = write_docx(tmp_path, project_filters(tmp_path))
    assert docx_descriptions(docx) == ["", *ALTS]
    with zipfile.ZipFile(docx) as z:
        media = sorted(n for n in z.namelist() if n.startswith("word/media/"))
        assert len(media) == 3  # the icon and both figures were found


def test_without_the_filter_word_gets_no_alt_text(tmp_path: Path) -> None:
    """What Quarto 1.10.18 wrote (measured: descr="" on every figure)."""
    docx = write_docx(tmp_path, [QUARTO_STANDIN])
    assert docx_descriptions(docx) == ["", "", ""]


@pytest.mark.parametrize("fmt", ["html", "typst"])
def test_the_filter_leaves_html_and_typst_as_they_are(tmp_path: Path, fmt: str) -> None:
    page = tmp_path / "a.md"
    page.write_text(f'![](x.png){{fig-alt="{ALTS[1]}"}}\n', encoding="utf-8")
    filters = project_filters(tmp_path)

    def out(lua: list[Path]) -> str:
        args = [pandoc(), str(page), "-t", fmt]
        for f in lua:
            args += ["--lua-filter", str(f)]
        return subprocess.run(args, check=True, capture_output=True, text=True).stdout

    with_filter = out(filters)
    assert with_filter == out([f for f in filters if f.name != "alttext.lua"])
    if fmt == "html":
        assert f'alt="{ALTS[1]}"' in with_filter
