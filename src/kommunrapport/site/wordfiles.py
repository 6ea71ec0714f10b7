"""Finishing the Word files after Quarto has written them (a step of ``kommunrapport build``).

Pandoc writes each docx from ``assets/referens.docx``; three things can only be done after:

- **Table of contents.** Pandoc writes the contents as an empty TOC field that only Word
  fills in. The field's result is written here: one linked entry per heading of the
  levels the field asks for (styles ``TOC1``, ``TOC2`` …), without page numbers, which
  need a layout. ``w:updateFields`` in ``word/settings.xml`` makes Word update the fields
  when the file is opened (ECMA-376 part 1, 17.15.1.90), which adds the page numbers.
- **Header.** The reference document's header holds the document-property fields
  ``Kommun`` and ``Rapport``. Their values are written here as custom properties
  (``docProps/custom.xml``, which pandoc always writes): the kommun's name, and the
  report's title from the document's title and subtitle. The fields' shown text is filled
  in too, so the header is right in any program, also one that does not update fields.
- **Tables.** Quarto lays out a captioned table (a float) as a one-cell table around the
  caption, the table and its notes, centred (quarto-cli ``floatreftarget.lua``). That cell
  is unwrapped: the caption, the table and the notes become ordinary body content, so the
  table spans the text width and the caption is kept with the table's first row
  (``w:keepNext``; inside a table cell it is not kept, and in LibreOffice it even pushes
  the table onto a new page). Pandoc has also given every paragraph in the inner table a
  second ``w:jc`` (the centring) after the cell's own alignment, and the centring wins. The
  first ``w:jc`` (the column's own alignment) is kept, and the notes (style ``Tabellnot``)
  get no alignment of their own, so their style's (left) applies.

Every step is idempotent: finishing a finished file changes nothing.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Final

from kommunrapport.content.tables import NOTE_STYLE
from kommunrapport.data.fsutil import write_atomic

KOMMUN_PROPERTY: Final = "Kommun"
REPORT_PROPERTY: Final = "Rapport"
SEPARATOR: Final = " · "

_SETTINGS: Final = "word/settings.xml"
_DOCUMENT: Final = "word/document.xml"
_CORE: Final = "docProps/core.xml"
_CUSTOM: Final = "docProps/custom.xml"

_UPDATE_FIELDS: Final = '<w:updateFields w:val="true" />'
_AFTER_UPDATE_FIELDS: Final = (
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "m:mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "sl:schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
)
"""Elements that follow ``w:updateFields`` in ``CT_Settings`` (its sequence is ordered)."""

_PPR = re.compile(r"<w:pPr>(.*?)</w:pPr>", re.S)
_JC = re.compile(r"<w:jc\b[^>]*/>")
_FMTID: Final = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def with_update_fields(settings: str) -> str:
    """``settings.xml`` with ``<w:updateFields w:val="true"/>`` in its place."""
    if re.search(r"<w:updateFields\b", settings):
        return re.sub(r"<w:updateFields\b[^>]*/>", _UPDATE_FIELDS, settings)
    for name in _AFTER_UPDATE_FIELDS:
        tag = name if ":" in name else f"w:{name}"
        m = re.search(rf"<{re.escape(tag)}[\s/>]", settings)
        if m:
            return settings[: m.start()] + _UPDATE_FIELDS + settings[m.start() :]
    return settings.replace("</w:settings>", _UPDATE_FIELDS + "</w:settings>")


def _fix_ppr(m: re.Match[str]) -> str:
    inner = m.group(1)
    if f'w:val="{NOTE_STYLE}"' in inner:
        inner = _JC.sub("", inner)
    else:
        alignments = _JC.findall(inner)
        if len(alignments) > 1:
            first = True

            def keep_first(j: re.Match[str]) -> str:
                nonlocal first
                keep = first
                first = False
                return j.group(0) if keep else ""

            inner = _JC.sub(keep_first, inner)
    return f"<w:pPr>{inner}</w:pPr>"


def with_own_alignment(document: str) -> str:
    """``document.xml`` where each paragraph keeps its first alignment, notes none."""
    return _PPR.sub(_fix_ppr, document)


_TABLE_TAG = re.compile(r"<w:tbl>|</w:tbl>")
_ROW = re.compile(r"<w:tr[ >]")
_CELL_OPEN = re.compile(r"<w:tc>(?:<w:tcPr\s*/>|<w:tcPr>.*?</w:tcPr>)?", re.S)
_CAPTION_STYLE: Final = "ImageCaption"
_FIRST_PARAGRAPH = re.compile(r"\s*<w:p>((?:<w:pPr>.*?</w:pPr>)+)", re.S)
_CAPTION_PPR: Final = (
    f'<w:pPr><w:pStyle w:val="{_CAPTION_STYLE}" /><w:keepNext />'
    '<w:spacing w:before="200" /><w:jc w:val="left" /></w:pPr>'
)


def _table_spans(xml: str) -> list[tuple[int, int, int]]:
    """(start, end, depth) of every ``w:tbl`` element, outermost first."""
    spans: list[tuple[int, int, int]] = []
    stack: list[int] = []
    for m in _TABLE_TAG.finditer(xml):
        if m.group(0) == "<w:tbl>":
            stack.append(m.start())
        elif stack:
            start = stack.pop()
            spans.append((start, m.end(), len(stack)))
    return sorted(spans)


def _float_cell(table: str, nested: list[tuple[int, int]]) -> str | None:
    """The content of Quarto's one-cell layout table around a captioned table, or None when
    ``table`` is something else (a data table, a figure's layout)."""
    if not nested:
        return None
    masked = list(table)
    for start, end in nested:
        masked[start:end] = " " * (end - start)
    outer = "".join(masked)
    cells = list(_CELL_OPEN.finditer(outer))
    if len(_ROW.findall(outer)) != 1 or len(cells) != 1:
        return None
    content = table[cells[0].end() : outer.rindex("</w:tc>")]
    first = _FIRST_PARAGRAPH.match(content)
    if first is None or f'w:val="{_CAPTION_STYLE}"' not in first.group(1):
        return None
    return content[: first.start(1)] + _CAPTION_PPR + content[first.end(1) :]


def without_float_tables(document: str) -> str:
    """``document.xml`` with Quarto's layout tables around captioned tables unwrapped."""
    spans = _table_spans(document)
    out: list[str] = []
    done = 0
    for start, end, depth in spans:
        if depth != 0:
            continue
        nested = [(s - start, e - start) for s, e, d in spans if d == 1 and start < s < end]
        cell = _float_cell(document[start:end], nested)
        if cell is not None:
            out.append(document[done:start])
            out.append(cell)
            done = end
    out.append(document[done:])
    return "".join(out)


_EMPTY_TOC = re.compile(
    r"(<w:instrText[^>]*>\s*TOC\s+\\o\s+&quot;(\d)-(\d)&quot;[^<]*</w:instrText>"
    r'\s*<w:fldChar w:fldCharType="separate"\s*/>)\s*'
    r'<w:fldChar w:fldCharType="end"\s*/>\s*</w:r>\s*</w:p>',
    re.S,
)
_HEADING = re.compile(
    r'<w:bookmarkStart w:id="\d+" w:name="([^"]+)"\s*/>\s*'
    r'<w:p>\s*<w:pPr>\s*<w:pStyle w:val="Heading(\d)"\s*/>.*?</w:pPr>(.*?)</w:p>',
    re.S,
)
_TEXT = re.compile(r"<w:t(?:\s[^>]*)?>(.*?)</w:t>", re.S)


def with_contents(document: str) -> str:
    """``document.xml`` whose empty TOC field shows the headings it lists (see above)."""
    m = _EMPTY_TOC.search(document)
    if m is None:
        return document
    low, high = int(m.group(2)), int(m.group(3))
    entries = []
    for h in _HEADING.finditer(document, m.end()):
        level = int(h.group(2))
        text = "".join(_TEXT.findall(h.group(3))).strip()
        if low <= level <= high and text:
            entries.append(
                f'<w:p><w:pPr><w:pStyle w:val="TOC{level}" /></w:pPr>'
                f'<w:hyperlink w:anchor="{h.group(1)}" w:history="1"><w:r>'
                f'<w:t xml:space="preserve">{text}</w:t></w:r></w:hyperlink></w:p>'
            )
    end = '<w:p><w:r><w:fldChar w:fldCharType="end" /></w:r></w:p>'
    return (
        document[: m.start()]
        + m.group(1)
        + "</w:r></w:p>"
        + "".join(entries)
        + end
        + document[m.end() :]
    )


def _text_of(xml: str, tag: str) -> str:
    m = re.search(rf"<{tag}>(.*?)</{tag}>", xml, re.S)
    return html.unescape(m.group(1)).strip() if m else ""


def _custom_value(custom: str, name: str) -> str:
    m = re.search(
        rf'<property\b[^>]*\bname="{re.escape(name)}"[^>]*>\s*<vt:lpwstr>(.*?)</vt:lpwstr>',
        custom,
        re.S,
    )
    return html.unescape(m.group(1)).strip() if m else ""


def report_title(core: str, custom: str, kommun: str) -> str:
    """The report's title for the header: subtitle and title, without the kommun's name.

    A nämnd's page has the title "Kultur- och fritidsnämnden" and the subtitle
    "Årsredovisning 2022"; a period's report has the title "Årsredovisning 2022" and the
    kommun's name as subtitle.
    """
    parts: list[str] = []
    for part in (_custom_value(custom, "subtitle"), _text_of(core, "dc:title")):
        if part and part != kommun and part not in parts:
            parts.append(part)
    return SEPARATOR.join(parts)


def with_property(custom: str, name: str, value: str) -> str:
    """``custom.xml`` with the text property ``name`` set to ``value``."""
    escaped = html.escape(value, quote=False)
    pattern = re.compile(
        rf'(<property\b[^>]*\bname="{re.escape(name)}"[^>]*>\s*<vt:lpwstr>)(.*?)(</vt:lpwstr>)',
        re.S,
    )
    if pattern.search(custom):
        return pattern.sub(lambda m: m.group(1) + escaped + m.group(3), custom)
    pids = [int(p) for p in re.findall(r'\bpid="(\d+)"', custom)]
    pid = max(pids, default=1) + 1
    prop = (
        f'<property fmtid="{_FMTID}" pid="{pid}" name="{name}">'
        f"<vt:lpwstr>{escaped}</vt:lpwstr></property>"
    )
    return custom.replace("</Properties>", prop + "</Properties>")


def with_field_results(part: str, values: dict[str, str]) -> str:
    """A header or footer part whose ``DOCPROPERTY`` fields show ``values``."""
    for name, value in values.items():
        pattern = re.compile(
            rf'(DOCPROPERTY\s+"?{re.escape(name)}"?[^<]*</w:instrText>.*?'
            r'w:fldCharType="separate"\s*/>.*?<w:t(?:\s[^>]*)?>)(.*?)(</w:t>)',
            re.S,
        )
        escaped = html.escape(value, quote=False)

        def shown(m: re.Match[str], text: str = escaped) -> str:
            return m.group(1) + text + m.group(3)

        part = pattern.sub(shown, part)
    return part


def _rewrite_zip(path: Path, change: Callable[[str, bytes], bytes]) -> bool:
    """Rewrite the docx at ``path`` through ``change(name, data)``; atomically, and only
    when something changed. Returns whether it did."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    changed = [(info, change(info.filename, data)) for info, data in entries]
    if all(new == old for (_, new), (_, old) in zip(changed, entries, strict=True)):
        return False
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in changed:
            target.writestr(info, data)
    write_atomic(path, buffer.getvalue())
    return True


def finish_docx(path: Path, kommun: str) -> bool:
    """Finish one Word file (see the module docstring). Returns whether it changed."""
    with zipfile.ZipFile(path) as source:
        names = set(source.namelist())
        core = source.read(_CORE).decode("utf-8") if _CORE in names else ""
        custom = source.read(_CUSTOM).decode("utf-8") if _CUSTOM in names else ""
    values = {KOMMUN_PROPERTY: kommun, REPORT_PROPERTY: report_title(core, custom, kommun)}

    def change(name: str, data: bytes) -> bytes:
        if name == _SETTINGS:
            return with_update_fields(data.decode("utf-8")).encode("utf-8")
        if name == _DOCUMENT:
            text = with_contents(without_float_tables(data.decode("utf-8")))
            return with_own_alignment(text).encode("utf-8")
        if name == _CUSTOM:
            text = data.decode("utf-8")
            for key, value in values.items():
                text = with_property(text, key, value)
            return text.encode("utf-8")
        if re.fullmatch(r"word/(header|footer)\d*\.xml", name):
            return with_field_results(data.decode("utf-8"), values).encode("utf-8")
        return data

    return _rewrite_zip(path, change)


def finish_word_files(site_dir: Path, kommun: str) -> list[Path]:
    """Finish every ``.docx`` under ``site_dir``; the files that changed."""
    return [p for p in sorted(site_dir.rglob("*.docx")) if finish_docx(p, kommun)]
