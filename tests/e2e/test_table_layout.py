"""The example's tables laid out by the real engines: Word files (pandoc 3.9 with the
project's reference document, then LibreOffice as a stand-in for Word) and PDF (typst).

Quarto's own part is emulated by ``quarto_floats.lua``: it renders a table float as Quarto
1.10 does (``floatreftarget.lua``: for docx a one-cell layout table, centred, around the
caption, the table and the notes; for typst a ``#figure`` of kind ``quarto-float-tbl``).
The tables are the ones the notebooks emit (``Tabell.to_markdown``), from the example's
data. Word boxes come from poppler's ``pdftotext -bbox-layout``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest

from kommunrapport.content.rapport import KommunRapport, NamndRapport
from kommunrapport.content.tables import Tabell
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.site.wordfiles import finish_docx

pypandoc = pytest.importorskip("pypandoc", reason="pypandoc-binary saknas (pip install -e .[dev])")

HERE = Path(__file__).parent
FLOATS = HERE / "quarto_floats.lua"
ROOT = HERE.parent.parent
TEMPLATE_ASSETS = ROOT / "src" / "kommunrapport" / "templates" / "projekt" / "assets"
SOFFICE = shutil.which("soffice")
PDFTOTEXT = shutil.which("pdftotext")
REQUIRE_TOOLS = os.environ.get("KOMMUNRAPPORT_REQUIRE_LAYOUT_TOOLS") == "1"
"""Set by .ci/run: in CI these tests must run, so a missing tool is a failure there."""


def _needs(tool: str | None, reason: str) -> pytest.MarkDecorator:
    """Skip without the tool, except in CI, where the test runs (and fails)."""
    return pytest.mark.skipif(tool is None and not REQUIRE_TOOLS, reason=reason)


needs_pdftotext = _needs(
    PDFTOTEXT, "pdftotext saknas (apt-get install poppler-utils; .ci/run gör det)"
)
needs_soffice = _needs(
    SOFFICE, "LibreOffice saknas (apt-get install libreoffice-writer-nogui; .ci/run gör det)"
)

A4_WIDTH = 595.3
MARGIN = 70.9  # 2,5 cm in points
NBSP = "\u00a0"
SOFT = "\u00ad"
HYPHENS = frozenset("-\u00ad\u2010")
"""What ends a hyphenated word's first part in pdftotext's words (typst writes U+00AD)."""


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def _visible(text: str) -> str:
    """A word as printed: soft hyphens that did not break it are left out (typst keeps
    them in the PDF's text); one that ends a line stays, as the hyphen printed there."""
    if text.endswith(SOFT):
        return text[:-1].replace(SOFT, "") + SOFT
    return text.replace(SOFT, "")


def word_boxes(pdf: Path) -> list[Word]:
    out = subprocess.run(
        [str(PDFTOTEXT), "-bbox-layout", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    out = re.sub(r"<!DOCTYPE[^>]*>", "", out)
    root = ElementTree.fromstring(out)
    words: list[Word] = []
    for n, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page"), start=1):
        for w in page.iter("{http://www.w3.org/1999/xhtml}word"):
            a = w.attrib
            words.append(
                Word(
                    n,
                    float(a["xMin"]),
                    float(a["yMin"]),
                    float(a["xMax"]),
                    float(a["yMax"]),
                    _visible((w.text or "").strip()),
                )
            )
    return words


def _example(paths: ProjectPaths) -> tuple[NamndRapport, KommunRapport]:
    cwd = Path.cwd()
    os.chdir(paths.root)
    try:
        return (
            NamndRapport.load("2022-12", "kfn", "G176453", []),
            KommunRapport.load("2022-12"),
        )
    finally:
        os.chdir(cwd)


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Tabell]:
    from tests_support import make_example_copy

    paths = make_example_copy(tmp_path_factory.mktemp("exempel"))
    namnd, kommun = _example(paths)
    return {
        "indikatorer": namnd.indikatorer(),
        "drift": namnd.drift(),
        "roda-traden": kommun.roda_traden(),
    }


def page_markdown(title: str, parts: list[tuple[str, str, Tabell]]) -> str:
    body = [f"---\ntitle: {title}\nsubtitle: Årsredovisning 2022\nlang: sv-SE\n---\n"]
    for label, caption, table in parts:
        body.append(f"## {caption}\n")
        body.append(f'::: {{#tbl-{label} tbl-cap="{caption}"}}\n{table.to_markdown()}\n:::\n')
    return "\n".join(body)


def pandoc(args: list[str]) -> None:
    subprocess.run([pypandoc.get_pandoc_path(), *args], check=True, capture_output=True)


# --- Word --------------------------------------------------------------------------------


def expected_words(tables: dict[str, Tabell]) -> set[str]:
    words: set[str] = set()
    for table in tables.values():
        for row in table.rader:
            for cell in row:
                words.update(re.split(rf"[ {NBSP}]+", cell))
    return words


def _cell_parts(cell: str) -> list[list[str]]:
    """The parts of a number cell that must stay on one line: each run of text between
    ordinary spaces, as the words pdftotext splits it into (it splits at NBSP too)."""
    return [p.split(NBSP) for p in cell.replace("**", "").split(" ") if p]


def _find_on_one_line(words: list[Word], pieces: list[str]) -> bool:
    texts = [w.text for w in words]
    for i in range(len(texts) - len(pieces) + 1):
        if texts[i : i + len(pieces)] == pieces:
            run = words[i : i + len(pieces)]
            if all(abs(w.y0 - run[0].y0) < 1.0 for w in run):
                return True
    return False


@pytest.fixture(scope="module")
def docx_words(tables: dict[str, Tabell], tmp_path_factory: pytest.TempPathFactory) -> list[Word]:
    if SOFFICE is None or PDFTOTEXT is None:
        message = "LibreOffice eller pdftotext saknas (.ci/run installerar dem)"
        if REQUIRE_TOOLS:
            pytest.fail(message)
        pytest.skip(message)
    out = tmp_path_factory.mktemp("docx")
    source = out / "kfn.md"
    source.write_text(
        page_markdown(
            "Kultur- och fritidsnämnden",
            [
                ("indikatorer", "Indikatorer: utfall mot målvärde", tables["indikatorer"]),
                ("drift", "Driftredovisning per verksamhet", tables["drift"]),
            ],
        ),
        encoding="utf-8",
    )
    docx = out / "kfn.docx"
    pandoc(
        [
            "-L",
            str(FLOATS),
            "--toc",
            "--reference-doc",
            str(TEMPLATE_ASSETS / "referens.docx"),
            "-o",
            str(docx),
            str(source),
        ]
    )
    finish_docx(docx, "Vänersborgs kommun")
    subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation={(out / 'lo-profil').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return word_boxes(out / "kfn.pdf")


@pytest.mark.slow
@needs_soffice
@needs_pdftotext
def test_word_number_cells_stay_whole_on_one_line(
    tables: dict[str, Tabell], docx_words: list[Word]
) -> None:
    for name in ("indikatorer", "drift"):
        table = tables[name]
        for i, k in enumerate(table.kolumner):
            if k.align != "right":
                continue
            for row in (*table.rader, *table.summa):
                for pieces in _cell_parts(row[i]):
                    assert _find_on_one_line(docx_words, pieces), (name, k.rubrik, row[i])


@pytest.mark.slow
@needs_soffice
@needs_pdftotext
def test_word_headings_and_cells_keep_their_words_whole(
    tables: dict[str, Tabell], docx_words: list[Word]
) -> None:
    found = Counter(w.text for w in docx_words)
    heads = [w.text[:-1] for w in docx_words if w.text[-1:] in HYPHENS and len(w.text) > 1]
    for head in heads:  # a long word broken at its soft hyphen counts as whole
        found.update(
            w for w in expected_words(tables) if w.startswith(head) and found[w[len(head) :]]
        )
    for name in ("indikatorer", "drift"):
        table = tables[name]
        expected: Counter[str] = Counter()
        for text in (*table.headings, *(c for r in (*table.rader, *table.summa) for c in r)):
            expected.update(p for p in re.split(rf"[ {NBSP}]+", text.replace("**", "")) if p)
        missing = {w: n for w, n in expected.items() if found[w] < n}
        assert not missing, (name, missing)


@pytest.mark.slow
@needs_soffice
@needs_pdftotext
def test_word_table_spans_the_text_width_and_notes_start_at_the_margin(
    tables: dict[str, Tabell], docx_words: list[Word]
) -> None:
    page = [w for w in docx_words if w.page == 1]
    margin = min(w.x0 for w in page if w.text == "Driftredovisning")  # the section heading
    assert abs(margin - MARGIN) < 2
    # The drift table's last column is right-aligned: its numbers end at the right margin.
    last = tables["drift"].rader[0][-1]
    right = max(w.x1 for w in page if w.text == last)
    # Word's tables (and LibreOffice's) hang their cell margin out into the page margin, so
    # the text of the first column starts at the margin, the last ends a cell margin short.
    assert A4_WIDTH - MARGIN - 8 < right <= A4_WIDTH - MARGIN
    first = min(w.x0 for w in page if w.text == "Verksamhet")
    assert abs(first - margin) < 1.5
    # The notes: left-aligned, at the margin.
    for note_start in ("Utfall:", "Källa:", "Avvikelse"):
        xs = [w.x0 for w in page if w.text == note_start]
        assert xs and min(abs(x - margin) for x in xs) < 1.5, (note_start, xs)


@pytest.mark.slow
@needs_soffice
@needs_pdftotext
def test_word_contents_list_the_headings_without_word(docx_words: list[Word]) -> None:
    """Before any field update: the contents field already shows the headings."""
    first = [w for w in docx_words if w.page == 1]
    title_y = min(w.y0 for w in first if w.text == "Contents")  # pandoc's "Table of Contents"
    heading_y = max(w.y0 for w in first if w.text == "Driftredovisning" and w.x0 < MARGIN + 2)
    listed = [w for w in first if w.text == "Driftredovisning" and title_y < w.y0 < heading_y]
    assert listed, "innehållsförteckningen är tom"


@pytest.mark.slow
@needs_soffice
@needs_pdftotext
def test_word_captions_sit_right_above_their_tables(docx_words: list[Word]) -> None:
    for caption, first_heading in (
        ("Indikatorer:", "Indikator"),
        ("Driftredovisning", "Verksamhet"),
    ):
        cap = [w for w in docx_words if w.text == caption and w.x0 > MARGIN + 20]
        head = [w for w in docx_words if w.text == first_heading]
        assert cap and head
        gap = min(h.y0 - c.y1 for c in cap for h in head if h.page == c.page and h.y0 > c.y1)
        assert gap < 40, (caption, gap)


@pytest.mark.slow
@needs_soffice
@needs_pdftotext
def test_word_page_has_the_kommun_and_report_in_the_header_and_page_numbers(
    docx_words: list[Word],
) -> None:
    top = " ".join(w.text for w in docx_words if w.page == 1 and w.y1 < MARGIN)
    assert "Vänersborgs kommun · Årsredovisning 2022 · Kultur- och fritidsnämnden" in top
    bottom = " ".join(w.text for w in docx_words if w.page == 1 and w.y0 > 842 - MARGIN)
    assert re.search(r"Sida 1 av \d+", bottom), bottom


# --- PDF (typst) -------------------------------------------------------------------------


def _overlapping(words: list[Word]) -> list[tuple[str, str]]:
    hits = []
    for i, a in enumerate(words):
        for b in words[i + 1 :]:
            if a.page != b.page:
                continue
            dx = min(a.x1, b.x1) - max(a.x0, b.x0)
            dy = min(a.y1, b.y1) - max(a.y0, b.y0)
            if dx > 0.5 and dy > 0.5:
                hits.append((a.text, b.text))
    return hits


@pytest.fixture(scope="module")
def typst_pdf(tables: dict[str, Tabell], tmp_path_factory: pytest.TempPathFactory) -> Path:
    typst = pytest.importorskip("typst", reason="typst saknas (pip install -e .[dev])")
    out = tmp_path_factory.mktemp("typst")
    source = out / "rapport.md"
    source.write_text(
        page_markdown(
            "Årsredovisning 2022",
            [
                ("indikatorer", "Indikatorer: utfall mot målvärde", tables["indikatorer"]),
                ("roda-traden", "Den röda tråden", tables["roda-traden"]),
            ],
        ),
        encoding="utf-8",
    )
    typ = out / "rapport.typ"
    pandoc(
        [
            "-L",
            str(FLOATS),
            "-s",
            "-t",
            "typst",
            "-V",
            "papersize=a4",
            "--include-in-header",
            str(TEMPLATE_ASSETS / "tabeller.typ"),
            "-o",
            str(typ),
            str(source),
        ]
    )
    pdf = out / "rapport.pdf"
    typst.compile(str(typ), output=str(pdf))
    return pdf


@pytest.mark.slow
@needs_pdftotext
def test_pdf_long_table_breaks_across_pages_with_its_header_and_every_row(
    tables: dict[str, Tabell], typst_pdf: Path
) -> None:
    words = word_boxes(typst_pdf)
    table = tables["roda-traden"]
    pages_with_rows = {
        w.page for w in words if w.text in {"Kommunstyrelsen", "Socialnämnden", "Näringslivet"}
    }
    assert len(pages_with_rows) > 1
    # The header row is repeated at the top of every page the table runs onto.
    for page in sorted(pages_with_rows):
        on_page = [w for w in words if w.page == page]
        heading = [w for w in on_page if w.text == "Inriktningsmål"]
        assert heading, f"sidan {page} saknar tabellens rubrikrad"
    # Every row's text is there; a word hyphenated at a line end counts as its two parts.
    found = Counter(w.text for w in words)
    heads = [w.text[:-1] for w in words if w.text[-1:] in HYPHENS and len(w.text) > 1]

    def present(word: str) -> bool:
        return found[word] > 0 or any(
            word.startswith(h) and found[word[len(h) :]] > 0 for h in heads
        )

    for row in table.rader:
        for cell in row:
            for word in re.split(rf"[ {NBSP}]+", cell):
                assert present(word), (row, word)


@pytest.mark.slow
@needs_pdftotext
def test_pdf_tables_have_no_overprinted_text_and_whole_headings(
    tables: dict[str, Tabell], typst_pdf: Path
) -> None:
    words = word_boxes(typst_pdf)
    assert _overlapping(words) == []
    found = {w.text for w in words}
    for name in ("indikatorer", "roda-traden"):
        for heading in tables[name].headings:
            for word in heading.split(" "):
                assert word in found, (name, heading)
