"""The figure machinery: the house style, rendering to PNG, and :class:`Figur` with its alt text.

The charts themselves are built in :mod:`kommunrapport.content.figures`.

House style: matplotlib's object API (``matplotlib.figure.Figure`` on the Agg canvas, never
``pyplot``, so no figure is kept in global state and nothing leaks between jobs); Okabe–Ito
colours (colour-blind safe) chosen or darkened for at least 3:1 contrast against white
(WCAG 2.1, 1.4.11); series are told apart by marker and line style too, and named by direct
labels at their ends, never by colour alone; axes use Swedish number formats
(:mod:`kommunrapport.content.formatting`).

How the alt text reaches the documents. Quarto's ``fig-alt`` cell option is static, and for
an ``image/png`` output Quarto writes ``![caption](file)`` with only the cell's options
(quarto-cli ``src/core/jupyter/jupyter.ts``, ``mdImageOutput``), so the alt text cannot come
from display metadata. A :class:`Figur` therefore displays as Markdown: an image (PNG as a
``data:`` URI) with the documented ``fig-alt`` attribute, ``![](data:…){fig-alt="…"}``
(quarto.org/docs/authoring/figures.html, "Alt Text"; Markdown output from a cell:
quarto.org/docs/authoring/tables.html, "Computations"). Quarto prefers ``text/markdown`` for
docx and typst; in the labelled ``fig-`` cell it becomes a cross-referenced figure, the case
in which ``fig-alt`` reaches HTML ``<img alt>`` and the typst PDF's ``/Alt`` (quarto-cli
issue #14348 tabulates this). Not docx: measured with Quarto 1.10.18, every ``wp:docPr``
has ``descr=""``, so the project's filter ``assets/alttext.lua`` gives Word the alt text.
For HTML a ``text/html`` ``<img alt="…">`` is also given: Quarto and nbconvert both prefer
it there, and it is what an nbconvert preview or JupyterLab shows.

The ``data:`` URI is what a notebook run by hand shows; a build then writes each image to a
file beside the executed notebook and puts its path in the URI's place
(:mod:`kommunrapport.batch.figure_files`), so no page of the site carries base64.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, cast

import numpy as np

from kommunrapport.content import markup

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# --- palette and style --------------------------------------------------------------------

BLUE: Final = "#0072B2"  # Okabe-Ito blue, 5.2:1 on white
VERMILLION: Final = "#C0510A"  # Okabe-Ito vermillion, darkened to 4.7:1
GREEN: Final = "#007A5A"  # Okabe-Ito bluish green, darkened to 5.3:1
PURPLE: Final = "#8E4585"  # Okabe-Ito reddish purple, darkened to 6.3:1
GREY: Final = "#595959"  # 7.0:1
BLACK: Final = "#000000"
LIGHT: Final = "#C8C8C8"  # fills only, always with a dark edge and a label

DPI: Final = 150
WIDTH_IN: Final = 6.5

STYLE: Final[dict[str, Any]] = {
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.titlesize": 9,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": GREY,
    "axes.labelcolor": BLACK,
    "axes.grid": True,
    "grid.color": "#E0E0E0",
    "grid.linewidth": 0.6,
    "xtick.color": GREY,
    "ytick.color": GREY,
    "xtick.labelcolor": BLACK,
    "ytick.labelcolor": BLACK,
    "legend.frameon": False,
    "svg.fonttype": "none",
    # every text is drawn as written: a name from the data such as "Kommunstyrelsen $$" or
    # "Kostnad $5 och $10" is never read as mathtext (which fails, or drops the dollars)
    "text.parse_math": False,
}


# --- the display object ----------------------------------------------------------------------


@dataclass(frozen=True)
class Figur:
    """A rendered chart (PNG) and its alt text; displays as Markdown (+ HTML)."""

    png: bytes
    alt: str

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")

    def to_markdown(self) -> str:
        return f'![]({self.data_uri}){{fig-alt="{markup.md_attr(self.alt)}"}}\n'

    def to_html(self) -> str:
        alt = markup.html_attr(self.alt)
        return f'<img src="{self.data_uri}" alt="{alt}" style="max-width:100%;height:auto">'

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        return {
            "text/markdown": self.to_markdown(),
            "text/html": self.to_html(),
            "text/plain": f"Diagram: {self.alt}",
        }

    def __repr__(self) -> str:
        return f"Diagram: {self.alt}"


def render(draw: Callable[[], Figure]) -> bytes:
    """Draw a figure in the house style and return it as PNG bytes (deterministic)."""
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    with mpl.rc_context(cast(Any, STYLE)):
        fig = draw()
        canvas = fig.canvas
        assert isinstance(canvas, FigureCanvasAgg)
        canvas.draw()  # type: ignore[no-untyped-call]  # pixels only: no PNG encoded twice
        # The array carries its own shape, so size and pixels can never disagree.
        image = Image.fromarray(np.asarray(canvas.buffer_rgba()))  # type: ignore[no-untyped-call]
        # a 256-colour palette keeps the PNG about four times smaller
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE)
    fig.clear()
    out = io.BytesIO()
    small.save(out, format="PNG", dpi=(DPI, DPI))
    return out.getvalue()


def new_figure(height_in: float) -> Figure:
    """A figure on its own Agg canvas (no pyplot); axes are placed with fixed margins, which
    is several times faster than constrained layout."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def number_axis(ax: Axes, axis: str, decimals: int) -> None:
    """Distinct ticks in Swedish, with at most ``decimals`` decimals
    (:mod:`kommunrapport.content.chart_axes`)."""
    from kommunrapport.content import chart_axes

    chart_axes.number_axis(ax, axis, decimals)


def spread(
    positions: Sequence[float],
    gap: float,
    low: float = 0.0,
    high: float = 1.0,
    sizes: Sequence[float] | None = None,
) -> list[float]:
    """Nudge label positions (axis fractions) apart, keeping order and staying within
    [low, high] where possible; returns positions in the input order.

    Neighbours end up at least ``gap`` apart, plus half of each one's size (its height as
    an axis fraction) when ``sizes`` are given, so that labels of any height never overlap.
    """
    n = len(positions)
    half = [s / 2 for s in sizes] if sizes is not None else [0.0] * n
    order = sorted(range(n), key=lambda i: positions[i])
    ys = [positions[i] for i in order]
    hs = [half[i] for i in order]
    if not ys:
        return []
    ys[0] = max(ys[0], low + hs[0])
    for i in range(1, n):
        ys[i] = max(ys[i], ys[i - 1] + gap + hs[i - 1] + hs[i])
    overflow = ys[-1] - (high - hs[-1])
    if overflow > 0:
        ys[-1] -= overflow
        for i in range(n - 2, -1, -1):
            ys[i] = min(ys[i], ys[i + 1] - gap - hs[i] - hs[i + 1])
        under = low + hs[0] - ys[0]
        if under > 0:
            ys = [y + under for y in ys]
    out = [0.0] * n
    for k, i in enumerate(order):
        out[i] = ys[k]
    return out
