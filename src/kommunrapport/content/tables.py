"""Report tables as pandoc pipe tables: one representation for HTML, Word and PDF.

A :class:`Tabell` displays in a notebook as a ``text/markdown`` output only. Quarto picks
``text/markdown`` before ``text/html`` for docx and typst and uses it for HTML too when no
``text/html`` is given (quarto-cli ``src/core/jupyter/display-data.ts``), so every format
gets the same pandoc table with a real header row; the ``tbl-cap`` of the labelled cell
becomes its caption (quarto.org/docs/authoring/tables.html, "Computations").

Column widths: when any line is wider than pandoc's ``columns`` (72), pandoc makes the table
full width and takes relative widths from the dashes of the separator line; we always write
the separator from each column's ``weight``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from kommunrapport.content import markup

Align = Literal["left", "right", "center"]


@dataclass(frozen=True)
class Kolumn:
    """One column: its heading, alignment and relative width."""

    rubrik: str
    align: Align = "left"
    weight: int = 2

    @staticmethod
    def text(rubrik: str, weight: int = 3) -> Kolumn:
        return Kolumn(rubrik, "left", weight)

    @staticmethod
    def tal(rubrik: str, weight: int = 1) -> Kolumn:
        return Kolumn(rubrik, "right", weight)


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
        parts.extend(escape_paragraph(n) for n in self.noter)
        return "\n\n".join(parts) + "\n"

    def _pipe_table(self) -> str:
        def line(cells: Sequence[str]) -> str:
            return "| " + " | ".join(cells) + " |"

        lines = [line([escape_cell(h) for h in self.headings])]
        seps = []
        for k in self.kolumner:
            dashes = "-" * max(3, 4 * k.weight)
            if k.align == "right":
                seps.append(dashes[:-1] + ":")
            elif k.align == "center":
                seps.append(":" + dashes[:-2] + ":")
            else:
                seps.append(":" + dashes[:-1])
        lines.append("|" + "|".join(seps) + "|")
        for i, row in enumerate(self.rader):
            cells = [escape_cell(c) for c in row]
            if i in self.markerade:
                cells = [bold(c) for c in cells]
            lines.append(line(cells))
        for row in self.summa:
            lines.append(line([bold(escape_cell(c)) for c in row]))
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
