"""Finishing the Word files after the render: fields updated on opening, the header's
kommun and report, and each table paragraph's own alignment."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from kommunrapport.content.tables import Kolumn, Tabell
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.site.quarto import render
from kommunrapport.site.wordfiles import (
    finish_docx,
    report_title,
    with_own_alignment,
    with_property,
    with_update_fields,
    without_float_tables,
)

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "src" / "kommunrapport" / "templates" / "projekt" / "assets" / "referens.docx"

SETTINGS = (
    '<w:settings xmlns:w="w"><w:zoom w:percent="100" /><w:defaultTabStop w:val="720" />'
    '<w:footnotePr><w:footnote w:id="-1" /></w:footnotePr><w:compat /></w:settings>'
)


def test_update_fields_goes_in_its_place_in_the_settings_once() -> None:
    once = with_update_fields(SETTINGS)
    assert once.index("<w:updateFields") < once.index("<w:footnotePr")
    assert once.index("<w:defaultTabStop") < once.index("<w:updateFields")
    assert with_update_fields(once) == once
    off = once.replace('w:val="true"', 'w:val="false"')
    assert with_update_fields(off) == once
    assert "<w:updateFields" in with_update_fields('<w:settings xmlns:w="w"></w:settings>')


def test_each_paragraph_keeps_its_own_alignment_and_notes_none() -> None:
    cell = (
        '<w:p><w:pPr><w:pStyle w:val="Compact" /><w:jc w:val="right" />'
        '<w:jc w:val="center" /></w:pPr></w:p>'
    )
    note = '<w:p><w:pPr><w:pStyle w:val="Tabellnot" /><w:jc w:val="center" /></w:pPr></w:p>'
    plain = '<w:p><w:pPr><w:jc w:val="center" /></w:pPr></w:p>'
    fixed = with_own_alignment(cell + note + plain)
    assert fixed == (
        '<w:p><w:pPr><w:pStyle w:val="Compact" /><w:jc w:val="right" /></w:pPr></w:p>'
        '<w:p><w:pPr><w:pStyle w:val="Tabellnot" /></w:pPr></w:p>' + plain
    )
    assert with_own_alignment(fixed) == fixed


def test_the_report_title_leaves_out_the_kommun() -> None:
    def core(title: str) -> str:
        return f"<cp:coreProperties><dc:title>{title}</dc:title></cp:coreProperties>"

    def custom(subtitle: str) -> str:
        return with_property("<Properties></Properties>", "subtitle", subtitle)

    kommun = "Vänersborgs kommun"
    namnd = report_title(core("Kultur- och fritidsnämnden"), custom("Årsredovisning 2022"), kommun)
    assert namnd == "Årsredovisning 2022 · Kultur- och fritidsnämnden"
    assert (
        report_title(core("Årsredovisning 2022"), custom(kommun), kommun) == "Årsredovisning 2022"
    )


def test_a_property_is_added_once_and_escaped() -> None:
    once = with_property("<Properties></Properties>", "Kommun", "A & B")
    assert "<vt:lpwstr>A &amp; B</vt:lpwstr>" in once
    twice = with_property(once, "Kommun", "C")
    assert twice.count('name="Kommun"') == 1 and "<vt:lpwstr>C</vt:lpwstr>" in twice


def _pandoc_docx(tmp_path: Path, name: str = "kfn.docx") -> Path:
    pypandoc = pytest.importorskip(
        "pypandoc", reason="pypandoc-binary saknas (pip install -e .[dev])"
    )
    source = tmp_path / "kfn.md"
    source.write_text(
        "---\ntitle: Kultur- och fritidsnämnden\nsubtitle: Årsredovisning 2022\n---\n\n"
        "## Ekonomi\n\nText.\n",
        encoding="utf-8",
    )
    out = tmp_path / name
    subprocess.run(
        [
            pypandoc.get_pandoc_path(),
            "--toc",
            "--reference-doc",
            str(REFERENCE),
            "-o",
            str(out),
            str(source),
        ],
        check=True,
    )
    return out


def _part(docx: Path, name: str) -> str:
    with zipfile.ZipFile(docx) as z:
        return z.read(name).decode("utf-8")


def test_a_pandoc_docx_gets_header_values_a4_and_updated_fields(tmp_path: Path) -> None:
    docx = _pandoc_docx(tmp_path)
    assert finish_docx(docx, "Vänersborgs kommun")
    assert '<w:updateFields w:val="true" />' in _part(docx, "word/settings.xml")
    header = _part(docx, "word/header1.xml")
    assert (
        "Vänersborgs kommun" in header
        and "Årsredovisning 2022 · Kultur- och fritidsnämnden" in header
    )
    assert "Kommunens namn" not in header
    custom = _part(docx, "docProps/custom.xml")
    assert 'name="Kommun"' in custom and 'name="Rapport"' in custom
    footer = _part(docx, "word/footer1.xml")
    assert " PAGE " in footer and " NUMPAGES " in footer
    assert re.search(r"<w:pgSz w:h=\"16838\" w:w=\"11906\" ?/>", _part(docx, "word/document.xml"))
    # The contents: the TOC field shows a linked entry per heading (Word adds page numbers).
    document = _part(docx, "word/document.xml")
    contents = document.split("TOC \\o", 1)[1].split('w:fldCharType="end"', 1)[0]
    assert '<w:pStyle w:val="TOC2" />' in contents and 'w:anchor="ekonomi"' in contents
    assert ">Ekonomi</w:t>" in contents
    # Idempotent: a second pass changes nothing.
    before = docx.read_bytes()
    assert not finish_docx(docx, "Vänersborgs kommun")
    assert docx.read_bytes() == before


def test_render_finishes_every_word_file_in_the_site(
    minimal_project: ProjectPaths, tmp_path: Path
) -> None:
    made = _pandoc_docx(tmp_path)
    target = minimal_project.site_dir / "reports" / "2022-08" / "bun.docx"
    fake = tmp_path / "bin" / "quarto"
    fake.parent.mkdir()
    fake.write_text(
        f'#!/bin/sh\nmkdir -p "{target.parent}"\ncp "{made}" "{target}"\n', encoding="utf-8"
    )
    fake.chmod(0o755)
    render(minimal_project, quarto=fake)
    assert '<w:updateFields w:val="true" />' in _part(target, "word/settings.xml")
    assert "Kommunens namn" not in _part(target, "word/header1.xml")


def test_render_finishes_only_the_word_files_it_is_given(
    minimal_project: ProjectPaths, tmp_path: Path
) -> None:
    made = _pandoc_docx(tmp_path)
    site = minimal_project.site_dir / "reports" / "2022-08"
    rendered, untouched = site / "bun.docx", site / "sn.docx"
    fake = tmp_path / "bin" / "quarto"
    fake.parent.mkdir()
    fake.write_text(
        f'#!/bin/sh\nmkdir -p "{site}"\ncp "{made}" "{rendered}"\ncp "{made}" "{untouched}"\n',
        encoding="utf-8",
    )
    fake.chmod(0o755)
    render(minimal_project, quarto=fake, word_files=[rendered], kommun="Provkommun")
    assert '<w:updateFields w:val="true" />' in _part(rendered, "word/settings.xml")
    assert "Provkommun" in _part(rendered, "docProps/custom.xml")
    assert untouched.read_bytes() == made.read_bytes()


def test_quartos_layout_cell_around_a_captioned_table_is_unwrapped(tmp_path: Path) -> None:
    pypandoc = pytest.importorskip(
        "pypandoc", reason="pypandoc-binary saknas (pip install -e .[dev])"
    )
    source = tmp_path / "t.md"
    source.write_text(
        '::: {#tbl-x tbl-cap="Drift"}\n'
        + Tabell(
            (Kolumn.text("Verksamhet"), Kolumn.tal("Utfall (tkr)")),
            (("Bibliotek", "23\u00a0700"),),
            noter=("Källa: ekonomisystemet.",),
        ).to_markdown()
        + "\n:::\n",
        encoding="utf-8",
    )
    out = tmp_path / "t.docx"
    floats = ROOT / "tests" / "e2e" / "quarto_floats.lua"
    pandoc = [pypandoc.get_pandoc_path(), "-L", str(floats), "--reference-doc", str(REFERENCE)]
    subprocess.run([*pandoc, "-o", str(out), str(source)], check=True)
    assert _part(out, "word/document.xml").count("<w:tbl>") == 2  # Quarto's cell + the table
    finish_docx(out, "K")
    xml = _part(out, "word/document.xml")
    assert xml.count("<w:tbl>") == 1
    rest = xml.split('<w:pStyle w:val="ImageCaption" />', 1)[1]
    assert rest.index("<w:keepNext />") < rest.index("Drift") < rest.index("<w:tbl>")
    assert not re.search(r"<w:pPr>(?:(?!</w:pPr>).)*<w:jc[^>]*/>(?:(?!</w:pPr>).)*<w:jc", xml)
    note = xml.split('<w:pStyle w:val="Tabellnot" />', 1)[1].split("</w:pPr>", 1)[0]
    assert "<w:jc" not in note


def test_a_table_that_is_not_a_table_float_is_left_alone() -> None:
    figure_layout = (
        '<w:tbl><w:tr><w:tc><w:p><w:pPr><w:pStyle w:val="ImageCaption" /></w:pPr></w:p>'
        "<w:p><w:r><w:drawing /></w:r></w:p></w:tc></w:tr></w:tbl>"
    )
    two_cells = (
        '<w:tbl><w:tr><w:tc><w:p><w:pPr><w:pStyle w:val="ImageCaption" /></w:pPr></w:p>'
        "<w:tbl><w:tr><w:tc><w:p /></w:tc></w:tr></w:tbl><w:p /></w:tc><w:tc><w:p /></w:tc>"
        "</w:tr></w:tbl>"
    )
    for xml in (figure_layout, two_cells):
        assert without_float_tables(xml) == xml
