"""Report tables: the Markdown they emit, and what pandoc makes of it (header row, text)."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from kommunrapport.content import formatting as fmt
from kommunrapport.content.tables import (
    CELL_PADDING_EM,
    NOTE_DIV_OPEN,
    NOTE_TYPST,
    NOTE_TYPST_END,
    TEXT_WIDTH_EM,
    Kolumn,
    Tabell,
    Text,
    column_widths,
    text_width,
)

NB, MINUS = fmt.NBSP, fmt.MINUS

TABLE = Tabell(
    (Kolumn.text("Verksamhet"), Kolumn.tal("Avvikelse (tkr)")),
    (("Grundskola", fmt.number(-12345)), ("A|B <5 *x*", fmt.number(1234.5, 1, sign=True))),
    summa=(("Summa", fmt.number(-11110.5, 1)),),
    noter=("Avvikelse = budget − prognos.", "# inte en rubrik"),
)


def test_pipe_table_golden() -> None:
    assert TABLE.to_markdown() == (
        "| Verksamhet | Avvikelse (tkr) |\n"
        f"|:{'-' * 88}|{'-' * 10}:|\n"
        f"| Grundskola | {MINUS}12{NB}345 |\n"
        f"| A\\|B \\<5 \\*x\\* | +1{NB}234,5 |\n"
        f"| **Summa** | **{MINUS}11{NB}110,5** |\n"
        "\n"
        f"{NOTE_DIV_OPEN}\n"
        f"{NOTE_TYPST}\n"
        "\n"
        "Avvikelse = budget − prognos.\n"
        "\n"
        "\\# inte en rubrik\n"
        "\n"
        f"{NOTE_TYPST_END}\n"
        ":::\n"
    )


def _parse(markdown: str) -> tuple[list[str], list[list[str]], list[str]]:
    """Headings, body rows and paragraphs as a CommonMark+GFM reader sees them."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    heads: list[str] = []
    rows: list[list[str]] = []
    paragraphs: list[str] = []
    cell: str | None = None
    in_head = in_para = False
    for t in tokens:
        if t.type == "thead_open":
            in_head = True
        elif t.type == "thead_close":
            in_head = False
        elif t.type == "tr_open" and not in_head:
            rows.append([])
        elif t.type in ("th_open", "td_open"):
            cell = ""
        elif t.type == "inline" and cell is not None:
            cell = "".join(c.content for c in (t.children or []) if c.type == "text")
        elif t.type in ("th_close", "td_close"):
            (heads if in_head else rows[-1]).append(cell or "")
            cell = None
        elif t.type == "paragraph_open":
            in_para = True
        elif t.type == "inline" and in_para:
            paragraphs.append(t.content)
        elif t.type == "paragraph_close":
            in_para = False
    return heads, rows, paragraphs


def test_a_markdown_reader_sees_a_header_row_and_the_exact_cells() -> None:
    heads, rows, paragraphs = _parse(TABLE.to_markdown())
    assert heads == ["Verksamhet", "Avvikelse (tkr)"]
    assert rows == [
        ["Grundskola", f"{MINUS}12{NB}345"],
        ["A|B <5 *x*", f"+1{NB}234,5"],
        ["Summa", f"{MINUS}11{NB}110,5"],
    ]
    assert "Avvikelse = budget − prognos." in paragraphs


def test_the_table_displays_as_markdown_only() -> None:
    """text/markdown only: Quarto then uses the same table for HTML, docx and typst."""
    assert TABLE._repr_markdown_() == TABLE.to_markdown()
    assert not hasattr(TABLE, "_repr_html_")
    assert "Grundskola" in repr(TABLE)


def test_the_separator_is_always_wider_than_pandocs_72_columns() -> None:
    """So pandoc always takes the relative widths from it and the table spans the page."""
    t = Tabell((Kolumn.text("A"), Kolumn.tal("B")), (("x", "1"),))
    assert len(t.to_markdown().splitlines()[1]) > 72


def test_a_number_column_is_never_narrower_than_its_widest_value_or_heading_word() -> None:
    big = f"1{NB}405{NB}300,5"
    cols = (Kolumn.text("Verksamhet"), Kolumn.tal("Mål"), Kolumn.tal("Jämförelsegrupp"))
    rows = (("Kultur " * 30, big, "4,7"), ("Bibliotek", "3,0", "ej könsuppdelad"))
    widths = column_widths(cols, rows)
    assert abs(sum(widths) - 1) < 1e-9
    page = TEXT_WIDTH_EM
    assert widths[1] * page >= text_width(big) + CELL_PADDING_EM - 1e-9
    assert widths[2] * page >= text_width("Jämförelsegrupp") + CELL_PADDING_EM - 1e-9
    # The text column takes the rest.
    assert widths[0] > widths[1] and widths[0] > widths[2]


def test_text_columns_share_the_rest_in_proportion_to_their_content() -> None:
    cols = (Kolumn.text("Kort"), Kolumn.text("Lång"), Kolumn.tal("Tal"))
    rows = (("ja", "en mening som är betydligt längre än den andra cellen " * 3, "1"),)
    short, long_, number = column_widths(cols, rows)
    assert long_ > 3 * short
    assert number * TEXT_WIDTH_EM < 5


def test_notes_are_one_left_aligned_block_for_every_format() -> None:
    md = TABLE.to_markdown()
    assert md.count(NOTE_DIV_OPEN) == 1 and md.rstrip().endswith(":::")
    assert 'custom-style="Tabellnot"' in NOTE_DIV_OPEN and ".tabellnot" in NOTE_DIV_OPEN
    assert "#set align(left)" in NOTE_TYPST


def test_the_notes_reach_html_as_a_classed_div_without_typst() -> None:
    pypandoc = pytest.importorskip(
        "pypandoc", reason="pypandoc-binary saknas (pip install -e .[dev])"
    )
    html = subprocess.run(
        [pypandoc.get_pandoc_path(), "-f", "markdown", "-t", "html"],
        input=TABLE.to_markdown(),
        text=True,
        capture_output=True,
        check=True,
    ).stdout
    notes = html.split('<div class="tabellnot" data-custom-style="Tabellnot">', 1)[1]
    assert "Avvikelse = budget − prognos." in notes.split("</div>", 1)[0]
    assert "typst" not in html and "#set" not in html


def test_an_empty_table_is_a_sentence_and_rows_must_fit() -> None:
    empty = Tabell((Kolumn.text("A"),), (), tom="Inga aktiviteter.", noter=("Not.",))
    assert (
        empty.to_markdown()
        == f"Inga aktiviteter.\n\n{NOTE_DIV_OPEN}\n{NOTE_TYPST}\n\nNot.\n\n{NOTE_TYPST_END}\n:::\n"
    )
    with pytest.raises(ValueError, match="2 celler"):
        Tabell((Kolumn.text("A"),), (("x", "y"),))
    assert Text("- inte en lista")._repr_markdown_() == "\\- inte en lista\n"


def test_highlighted_rows_are_bold() -> None:
    t = Tabell((Kolumn.text("A"),), (("x",), ("y",)), markerade=frozenset({1}))
    assert t.to_markdown().splitlines()[2:] == ["| x |", "| **y** |"]


PANDOC = shutil.which("pandoc")


@pytest.mark.skipif(PANDOC is None, reason="pandoc is not installed (Quarto bundles its own)")
def test_pandoc_docx_gets_a_repeating_header_row_and_swedish_numbers(tmp_path: Path) -> None:
    source = tmp_path / "t.md"
    source.write_text(TABLE.to_markdown(), encoding="utf-8")
    out = tmp_path / "t.docx"
    subprocess.run(
        [PANDOC, "-f", "markdown", "-t", "docx", str(source), "-o", str(out)], check=True
    )
    xml = zipfile.ZipFile(out).read("word/document.xml").decode("utf-8")
    assert xml.count("<w:tbl>") == 1
    header = xml.split("<w:tblHeader", 1)[1].split("</w:tr>", 1)[0]
    assert "Verksamhet" in header and "Avvikelse (tkr)" in header
    assert f"{MINUS}12{NB}345" in xml and f"+1{NB}234,5" in xml
    assert "A|B &lt;5 *x*" in xml
    html = subprocess.run(
        [PANDOC, "-f", "markdown", "-t", "html"],
        input=TABLE.to_markdown(),
        text=True,
        capture_output=True,
        check=True,
    ).stdout
    assert '<th style="text-align: left;">Verksamhet</th>' in html
    assert '<th style="text-align: right;">Avvikelse (tkr)</th>' in html
