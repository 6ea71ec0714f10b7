"""Make the reference docx that Quarto's Word output takes its styles from.

A development tool, not part of the package: it needs pandoc (Debian: ``apt-get install
pandoc``) and python-docx (``pip install -e ".[dev]"``). The result is committed at
``src/kommunrapport/templates/projekt/assets/referens.docx`` (and copied into a project's
``assets/`` by ``kommunrapport new-period`` / ``build`` when missing)::

    python tools/make_reference_docx.py

It starts from pandoc's own reference document (which has every style pandoc uses) and
sets the kommun's styles: a sans-serif font, the kommun's blue for headings and title,
Swedish as the document language, and colours with sufficient contrast (WCAG 2.1 AA).

Tables and pages (pandoc takes the page setup, header and footer of the reference document):
- an A4 page with 2,5 cm margins, the width ``kommunrapport.content.tables`` computes
  column widths for;
- table text in 8,5 pt, set by the table style: body text takes its 11 pt from the document
  defaults, not from a paragraph style, because a paragraph style's size would override the
  table style's (Word's style hierarchy, ECMA-376 part 1, 17.7.2);
- the paragraph style ``Tabellnot`` for the notes under a table (smaller, left-aligned);
  a table's caption is kept with the table by the build (``kommunrapport.site.wordfiles``),
  not by the caption style: Quarto also uses that style inside table cells, where
  LibreOffice would push a table kept with it onto a new page;
- the styles ``TOC1`` to ``TOC3`` of the table of contents that the build writes;
- a header with the kommun's name and the report's title, as the document-property fields
  ``Kommun`` and ``Rapport`` that the build fills in (``kommunrapport.site.docx``), and
  page numbers in the footer.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "src" / "kommunrapport" / "templates" / "projekt" / "assets" / "referens.docx"

FONT = "Arial"
BLUE = RGBColor(0x1F, 0x4E, 0x79)  # 8.7:1 on white
TEXT = RGBColor(0x21, 0x25, 0x29)  # 15.4:1 on white
LANG = "sv-SE"

SIZES = {"Title": 24, "Subtitle": 14, "Heading 1": 18, "Heading 2": 14, "Heading 3": 12}
BODY_HALF_POINTS = 22  # 11 pt, from the document defaults
TABLE_HALF_POINTS = 17  # 8,5 pt: kommunrapport.content.tables.TEXT_WIDTH_EM counts in it
NOTE_HALF_POINTS = 17  # 8,5 pt, as the table
CELL_MARGIN_TWIPS = 71  # 0,125 cm: kommunrapport.content.tables.CELL_PADDING_EM

A4 = {"w:w": "11906", "w:h": "16838"}
MARGINS = {  # 2,5 cm; header and footer 1,25 cm from the edge
    "w:top": "1418",
    "w:right": "1418",
    "w:bottom": "1418",
    "w:left": "1418",
    "w:header": "709",
    "w:footer": "709",
    "w:gutter": "0",
}
NOTE_STYLE = "Tabellnot"  # kommunrapport.content.tables.NOTE_STYLE


def pandoc_binary() -> str:
    """pandoc from ``pypandoc-binary`` (the dev extras), else the one on PATH."""
    try:
        import pypandoc  # type: ignore[import-untyped]

        return str(pypandoc.get_pandoc_path())
    except (ImportError, OSError):
        return "pandoc"


def pandoc_reference() -> Path:
    out = Path(tempfile.mkdtemp()) / "reference.docx"
    subprocess.run(
        [pandoc_binary(), "-o", str(out), "--print-default-data-file", "reference.docx"],
        check=True,
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


def _element(tag: str, **attrs: str) -> Any:
    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(key), value)
    return el


def _replace(parent: Any, child: Any) -> None:
    """Put ``child`` into ``parent``, replacing an element of the same tag."""
    old = parent.find(child.tag)
    if old is not None:
        parent.remove(old)
    parent.append(child)


def set_defaults(document: Any) -> None:
    """Body text size and colour in the document defaults (see the module docstring)."""
    rpr = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    rpr = rpr.find(qn("w:rPr"))
    _replace(rpr, _element("w:sz", **{"w:val": str(BODY_HALF_POINTS)}))
    _replace(rpr, _element("w:szCs", **{"w:val": str(BODY_HALF_POINTS)}))
    _replace(rpr, _element("w:color", **{"w:val": str(TEXT)}))


def set_table_style(document: Any) -> None:
    """The table style ``Table``: 9 pt text, narrow cell margins, left-aligned table."""
    style = document.styles.element.find(f"{qn('w:style')}[@{qn('w:styleId')}='Table']")
    tblpr = style.find(qn("w:tblPr"))
    margins = tblpr.find(qn("w:tblCellMar"))
    for side in ("left", "right"):
        cell = margins.find(qn(f"w:{side}"))
        cell.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
    rpr = style.find(qn("w:rPr"))
    if rpr is None:
        rpr = _element("w:rPr")
        tblpr.addprevious(rpr)
    _replace(rpr, _element("w:sz", **{"w:val": str(TABLE_HALF_POINTS)}))
    _replace(rpr, _element("w:szCs", **{"w:val": str(TABLE_HALF_POINTS)}))


def add_note_style(document: Any) -> None:
    """``Tabellnot``: the notes under a table, smaller and left-aligned."""
    styles = document.styles  # type: ignore[attr-defined]
    if NOTE_STYLE in [s.name for s in styles]:
        return
    style = styles.add_style(NOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles["Body Text"]
    style.quick_style = True
    fmt = style.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
    fmt.space_before = Pt(2)
    fmt.space_after = Pt(2)
    style.font.size = Pt(NOTE_HALF_POINTS / 2)


def add_contents_styles(document: Any) -> None:
    """``TOC1`` … ``TOC3``: the entries of the table of contents that the build writes
    (``kommunrapport.site.wordfiles``), indented by level; Word's built-in names."""
    styles = document.styles
    names = [s.name for s in styles]
    for level in (1, 2, 3):
        name = f"toc {level}"
        if name in names:
            continue
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.element.set(qn("w:styleId"), f"TOC{level}")
        style.base_style = styles["Normal"]
        style.next_paragraph_style = styles["Normal"]
        fmt = style.paragraph_format
        fmt.left_indent = Pt(11 * (level - 1))
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(3)
        style.font.bold = level == 1


def _page_style(document: Any, name: str) -> Any:
    """The header or footer paragraph style: small, in the body text's colour."""
    styles = document.styles
    if name in [s.name for s in styles]:
        return styles[name]
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles["Normal"]
    style.font.size = Pt(9)
    return style


def _field(paragraph: Paragraph, code: str, placeholder: str) -> None:
    """A complex field (``fldChar`` begin, instruction, separate, cached result, end)."""
    run = paragraph.add_run()._r
    run.append(_element("w:fldChar", **{"w:fldCharType": "begin"}))
    run = paragraph.add_run()._r
    instr = _element("w:instrText", **{"xml:space": "preserve"})
    instr.text = f" {code} "
    run.append(instr)
    paragraph.add_run()._r.append(_element("w:fldChar", **{"w:fldCharType": "separate"}))
    paragraph.add_run(placeholder)
    paragraph.add_run()._r.append(_element("w:fldChar", **{"w:fldCharType": "end"}))


def set_page(document: Any) -> None:
    """A4, margins, and the header and footer that pandoc copies into every document."""
    body = document.element.body
    sect = body.find(qn("w:sectPr"))
    if sect is None:
        sect = _element("w:sectPr")
        body.append(sect)
    _replace(sect, _element("w:pgSz", **A4))
    _replace(sect, _element("w:pgMar", **MARGINS))
    section = document.sections[0]
    header = section.header
    header.is_linked_to_previous = False
    head = header.paragraphs[0]
    head.style = _page_style(document, "Header")
    _field(head, 'DOCPROPERTY "Kommun" \\* MERGEFORMAT', "Kommunens namn")
    head.add_run(" · ")
    _field(head, 'DOCPROPERTY "Rapport" \\* MERGEFORMAT', "Rapportens titel")
    footer = section.footer
    footer.is_linked_to_previous = False
    foot = footer.paragraphs[0]
    foot.style = _page_style(document, "Footer")
    foot.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    foot.add_run("Sida ")
    _field(foot, "PAGE", "1")
    foot.add_run(" av ")
    _field(foot, "NUMPAGES", "1")


def main() -> int:
    document = Document(str(pandoc_reference()))
    set_language(document)
    set_defaults(document)
    set_table_style(document)
    add_note_style(document)
    add_contents_styles(document)
    set_page(document)
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
            # Size and colour come from the document defaults (see set_defaults).
            for tag in ("w:sz", "w:szCs", "w:color"):
                for el in rpr.findall(qn(tag)):
                    rpr.remove(el)
        elif style.name == "Hyperlink":
            font.color.rgb = BLUE
            font.underline = True
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(TARGET))
    print(f"Skrev {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
