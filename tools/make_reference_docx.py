"""Make the reference docx that Quarto's Word output takes its styles from.

A development tool, not part of the package: it needs pandoc (Debian: ``apt-get install
pandoc``) and python-docx (``pip install -e ".[dev]"``). The result is committed at
``src/kommunrapport/templates/projekt/assets/referens.docx`` (and copied into a project's
``assets/`` by ``kommunrapport new-period`` / ``build`` when missing)::

    python tools/make_reference_docx.py

It starts from pandoc's own reference document (which has every style pandoc uses) and
sets the kommun's styles: a sans-serif font, the kommun's blue for headings and title,
Swedish as the document language, and colours with sufficient contrast (WCAG 2.1 AA).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "src" / "kommunrapport" / "templates" / "projekt" / "assets" / "referens.docx"

FONT = "Arial"
BLUE = RGBColor(0x1F, 0x4E, 0x79)  # 8.7:1 on white
TEXT = RGBColor(0x21, 0x25, 0x29)  # 15.4:1 on white
LANG = "sv-SE"

SIZES = {"Title": 24, "Subtitle": 14, "Heading 1": 18, "Heading 2": 14, "Heading 3": 12}


def pandoc_reference() -> Path:
    out = Path(tempfile.mkdtemp()) / "reference.docx"
    subprocess.run(
        ["pandoc", "-o", str(out), "--print-default-data-file", "reference.docx"], check=True
    )
    return out


def set_language(document: Document) -> None:  # type: ignore[valid-type]
    """Swedish for spelling and for screen readers: w:lang in the default run properties."""
    styles = document.styles.element  # type: ignore[attr-defined]
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr = rpr_default.find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    for attr in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attr), LANG)


def main() -> int:
    document = Document(str(pandoc_reference()))
    set_language(document)
    for style in document.styles:  # type: ignore[attr-defined]
        if style.type not in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER):
            continue
        font = style.font
        if style.name in ("Source Code", "Verbatim Char"):
            continue
        font.name = FONT
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is not None:
            for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                fonts.set(qn(attr), FONT)
            for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
                fonts.attrib.pop(qn(attr), None)
        if style.name in SIZES:
            font.size = Pt(SIZES[style.name])
            font.color.rgb = BLUE
            font.bold = style.name != "Subtitle"
        elif style.name.startswith("Heading") or style.name == "TOC Heading":
            font.color.rgb = BLUE
        elif style.name in ("Normal", "Body Text", "First Paragraph", "Compact"):
            font.size = Pt(11)
            font.color.rgb = TEXT
        elif style.name == "Hyperlink":
            font.color.rgb = BLUE
            font.underline = True
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(TARGET))
    print(f"Skrev {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
