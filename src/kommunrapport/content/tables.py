"""Report tables as pandoc pipe tables: one representation for HTML, Word and PDF.

A :class:`Tabell` displays in a notebook as a ``text/markdown`` output only. Quarto picks
``text/markdown`` before ``text/html`` for docx and typst and uses it for HTML too when no
``text/html`` is given (quarto-cli ``src/core/jupyter/display-data.ts``), so every format
gets the same pandoc table with a real header row; the ``tbl-cap`` of the labelled cell
becomes its caption (quarto.org/docs/authoring/tables.html, "Computations").

Column widths: when any line is wider than pandoc's ``columns`` (72), pandoc makes the table
full width and takes relative widths from the dashes of the separator line (pandoc manual,
"Pipe tables"). The separator is always written that long, from :func:`column_widths`, so
HTML, Word and typst get the same widths, computed from the content: a number column is
never narrower than its widest value or its heading's longest word, and the text columns
share the rest in proportion to their content.

Notes under a table are one ``tabellnot`` div: the CSS class for the web page, the custom
style ``Tabellnot`` for Word (``assets/referens.docx``), and for typst a smaller text set
left-aligned inside the table's figure (``assets/tabeller.typ`` makes the figure breakable).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Final, Literal

import pyphen

from kommunrapport.content import markup

Align = Literal["left", "right", "center"]


@dataclass(frozen=True)
class Kolumn:
    """One column: its heading and alignment (its width follows from the content)."""

    rubrik: str
    align: Align = "left"

    @staticmethod
    def text(rubrik: str) -> Kolumn:
        return Kolumn(rubrik, "left")

    @staticmethod
    def tal(rubrik: str) -> Kolumn:
        """A number column: right-aligned, and each cell is kept whole on one line."""
        return Kolumn(rubrik, "right")


def escape_cell(text: str) -> str:
    """Make text safe inside a pipe-table cell: one line of literal text, no bare ``|``
    (:func:`kommunrapport.content.markup.md_text`)."""
    return markup.md_text(text)


def bold(text: str) -> str:
    return f"**{text}**" if text else text


@dataclass(frozen=True)
class Tabell:
    """A table for the report: headings, rows of formatted text, and notes below it.

    ``rows`` hold already formatted strings (see :mod:`kommunrapport.content.formatting`).
    ``summa`` rows are written in bold after the body. ``tom`` is the sentence shown instead
    of the table when there are no rows.
    """

    kolumner: tuple[Kolumn, ...]
    rader: tuple[tuple[str, ...], ...]
    summa: tuple[tuple[str, ...], ...] = ()
    noter: tuple[str, ...] = ()
    tom: str = "Uppgifter saknas för perioden."
    markerade: frozenset[int] = field(default_factory=frozenset)
    """Indexes of body rows to write in bold (highlighted rows)."""

    def __post_init__(self) -> None:
        width = len(self.kolumner)
        for row in (*self.rader, *self.summa):
            if len(row) != width:
                raise ValueError(f"raden har {len(row)} celler men tabellen {width} kolumner")

    @property
    def headings(self) -> list[str]:
        return [k.rubrik for k in self.kolumner]

    def is_empty(self) -> bool:
        return not self.rader and not self.summa

    def to_markdown(self) -> str:
        """The table as pandoc Markdown: a pipe table followed by its notes."""
        parts: list[str] = []
        if self.is_empty():
            parts.append(escape_paragraph(self.tom))
        else:
            parts.append(self._pipe_table())
        if self.noter:
            notes = "\n\n".join(escape_paragraph(n) for n in self.noter)
            parts.append(f"{NOTE_DIV_OPEN}\n{NOTE_TYPST}\n\n{notes}\n\n{NOTE_TYPST_END}\n:::")
        return "\n\n".join(parts) + "\n"

    def _pipe_table(self) -> str:
        def line(cells: Sequence[str]) -> str:
            return "| " + " | ".join(cells) + " |"

        lines = [line([escape_cell(h) for h in self.headings])]
        seps = []
        widths = column_widths(self.kolumner, (*self.rader, *self.summa))
        for k, width in zip(self.kolumner, widths, strict=True):
            dashes = "-" * max(3, round(width * SEPARATOR_DASHES))
            if k.align == "right":
                seps.append(dashes[:-1] + ":")
            elif k.align == "center":
                seps.append(":" + dashes[:-2] + ":")
            else:
                seps.append(":" + dashes[:-1])
        lines.append("|" + "|".join(seps) + "|")
        texts = [k.align != "right" for k in self.kolumner]
        for i, row in enumerate(self.rader):
            cells = [
                escape_cell(soft_hyphens(c) if t else c) for c, t in zip(row, texts, strict=True)
            ]
            if i in self.markerade:
                cells = [bold(c) for c in cells]
            lines.append(line(cells))
        for row in self.summa:
            lines.append(
                line(
                    [
                        bold(escape_cell(soft_hyphens(c) if t else c))
                        for c, t in zip(row, texts, strict=True)
                    ]
                )
            )
        return "\n".join(lines)

    def to_text(self) -> str:
        """A plain-text rendering (the ``text/plain`` fallback)."""
        if self.is_empty():
            return "\n".join([self.tom, *self.noter])
        rows = [self.headings, *[list(r) for r in self.rader], *[list(r) for r in self.summa]]
        widths = [max(len(r[i]) for r in rows) for i in range(len(self.kolumner))]
        out = []
        for n, r in enumerate(rows):
            cells = [
                c.rjust(w) if k.align == "right" else c.ljust(w)
                for c, w, k in zip(r, widths, self.kolumner, strict=True)
            ]
            out.append("  ".join(cells).rstrip())
            if n == 0:
                out.append("  ".join("-" * w for w in widths))
        return "\n".join([*out, *self.noter])

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def __repr__(self) -> str:
        return self.to_text()


# --- hyphenation -------------------------------------------------------------------------------

LONG_WORD_LETTERS: Final = 13
"""A word of this many letters or more in a text cell may be hyphenated."""

SOFT_HYPHEN: Final = "\u00ad"
_LONG_WORD = re.compile(rf"[^\W\d_]{{{LONG_WORD_LETTERS},}}")


@cache
def _swedish() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="sv_SE", left=3, right=3)


def soft_hyphens(text: str) -> str:
    """``text`` with soft hyphens (U+00AD) at the Swedish hyphenation points of its long
    words ("Sam­hälls­bygg­nads­nämn­den"): the only places a word in a table may break.

    Word, LibreOffice, typst and browsers break a word at a soft hyphen when they must and
    show nothing otherwise, so no program needs hyphenation of its own switched on.
    The points are those of LibreOffice's Swedish patterns (``pyphen``).
    """
    return _LONG_WORD.sub(lambda m: _swedish().inserted(m.group(0), hyphen=SOFT_HYPHEN), text)


# --- column widths ----------------------------------------------------------------------------

TEXT_WIDTH_EM: Final = 52.0
"""The text width of an A4 page with 2,5 cm margins (16 cm, less the margins of the cell
Quarto lays a Word table out in) in ems of the tables' 8,5 pt (``assets/referens.docx`` and
``assets/tabeller.typ`` set that size)."""

CELL_PADDING_EM: Final = 1.3
"""A cell's left and right padding in ems, with room to spare: 0,125 cm each side in the
reference document (Word's default is 0,19 cm), 3,5 pt in typst; and bold headings."""

LONG_WORD_EM: Final = 9.0
"""Text-column words wider than this may be hyphenated rather than widen the column."""

SEPARATOR_DASHES: Final = 100
"""Dashes of a full-width separator line: more than pandoc's 72 columns, so that pandoc
always takes the relative widths from it."""

_NARROW: Final = frozenset("il.,:;|!'ijtfr()[]/ \u00a0-–−")
_WIDE: Final = frozenset("mwMWÅÄÖ%@")
_SPACES = re.compile(r"[ \t\n]+")
"""Where a line may break: ordinary spaces only (numbers hold non-breaking spaces)."""


def text_width(text: str) -> float:
    """An estimate of ``text``'s width in ems of a proportional sans or serif font
    (digits and most letters about 0,55 em; narrow and wide letters apart; capitals wider)."""
    width = 0.0
    for ch in text:
        if ch in _NARROW:
            width += 0.3
        elif ch in _WIDE:
            width += 0.85
        elif ch.isupper():
            width += 0.68
        else:
            width += 0.56
    return width


def _plain(cell: str) -> str:
    return cell.replace("**", "").replace(SOFT_HYPHEN, "")


def _words(text: str) -> list[str]:
    return [w for w in _SPACES.split(_plain(text)) if w]


def _cell_need(cell: str) -> float:
    """The width a number column's cell needs: its widest part. A value keeps its
    non-breaking spaces ("1 405,3"); a cell wraps only at ordinary spaces, between a value
    and what follows it ("1 405,3 (2022)", "27,0 / 35,3", "ej könsuppdelad")."""
    return max((text_width(w) for w in _words(cell)), default=0.0)


def column_widths(kolumner: Sequence[Kolumn], rows: Sequence[Sequence[str]]) -> tuple[float, ...]:
    """Each column's share of the text width (they sum to 1).

    A number column gets the width of its widest value, whole, and of its heading's longest
    word (headings wrap between words only). A text column gets at least its longest word
    (up to :data:`LONG_WORD_EM`, beyond which a long word may be hyphenated), and the text
    columns share what is left in proportion to the length of their content.
    """
    need: list[float] = []
    want: list[float] = []
    for i, k in enumerate(kolumner):
        cells = [_plain(r[i]) for r in rows]
        heading_word = max((text_width(w) for w in _words(k.rubrik)), default=0.0)
        if k.align == "right":
            # A value is kept whole; a word in a number column ("ej könsuppdelad") may wrap.
            widest = max((_cell_need(c) for c in cells), default=0.0)
            need.append(max(heading_word, widest) + CELL_PADDING_EM)
            want.append(need[-1])
        else:
            words = [text_width(w) for c in cells for w in _words(c)]
            longest = min(max(words, default=0.0), LONG_WORD_EM)
            need.append(max(heading_word, longest) + CELL_PADDING_EM)
            lengths = [text_width(c) for c in cells]
            mean = sum(lengths) / len(lengths) if lengths else 0.0
            want.append(max(need[-1], mean + CELL_PADDING_EM))
    text_cols = [i for i, k in enumerate(kolumner) if k.align != "right"]
    widths = list(need)
    spare = TEXT_WIDTH_EM - sum(need)
    if spare > 0 and text_cols:
        # The spare width goes to the text columns in proportion to their content, up to
        # what they want; then what remains is shared in that proportion too.
        grow = {i: want[i] - need[i] for i in text_cols}
        total = sum(grow.values())
        if total > 0:
            share = min(1.0, spare / total)
            for i in text_cols:
                widths[i] += grow[i] * share
            spare -= total * share
        weight = sum(want[i] for i in text_cols)
        for i in text_cols:
            widths[i] += spare * want[i] / weight
    elif spare < 0 and text_cols:
        # Too wide for the page: the text columns give way (their text wraps and long words
        # hyphenate), down to half their need; the number columns keep theirs.
        give = min(-spare, sum(need[i] for i in text_cols) / 2)
        text_need = sum(need[i] for i in text_cols)
        for i in text_cols:
            widths[i] -= give * need[i] / text_need
    total_width = sum(widths)
    return tuple(w / total_width for w in widths)


NOTE_CLASS: Final = "tabellnot"
NOTE_STYLE: Final = "Tabellnot"
NOTE_DIV_OPEN: Final = f'::: {{.{NOTE_CLASS} custom-style="{NOTE_STYLE}"}}'
NOTE_TYPST: Final = (
    "```{=typst}\n#block(width: 100%)[\n#set align(left)\n#set par(justify: false)\n"
    "#set text(size: 8.5pt)\n```"
)
NOTE_TYPST_END: Final = "```{=typst}\n]\n```"
"""For typst: the notes sit inside the table's figure, whose content typst centres; they
are a full-width block of left-aligned, unjustified, smaller text. (Raw typst, which the
HTML and Word writers leave out.)"""


def escape_paragraph(text: str) -> str:
    """A note as one Markdown paragraph of literal text (a block marker at its start is
    escaped too)."""
    return markup.md_text(text)


@dataclass(frozen=True)
class Text:
    """A short Markdown paragraph for a labelled output that has nothing to tabulate."""

    text: str

    def _repr_markdown_(self) -> str:
        return escape_paragraph(self.text) + "\n"

    def __repr__(self) -> str:
        return self.text
