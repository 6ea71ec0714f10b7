"""Axes and direct labels of the house style: distinct ticks, decimals that follow the unit,
and labels that are never clipped and never overlap.

- **Ticks.** A tick falls on a multiple of the unit's smallest step (``10**-decimals``), so
  an axis in whole kronor never shows ``1 800,0`` and a series with one point never gets
  the same label on several ticks; each tick is written with the fewest decimals that
  write it exactly (:func:`tick_decimals`).
- **Direct labels.** A label that would pass the room it has (the edge of the figure or of
  the next panel) is wrapped onto two lines and, if need be, set smaller; labels are then
  spread apart by their measured heights (:func:`kommunrapport.content.figur.spread`).

Imports matplotlib at the top: :mod:`kommunrapport.content.figur` imports this module only
when a chart is drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import numpy as np
from matplotlib.ticker import Formatter, MaxNLocator
from matplotlib.transforms import ScaledTranslation

from kommunrapport.content import formatting as fmt
from kommunrapport.content.figur import spread

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.text import Text

LABEL_SIZE: Final = 7.5
SMALLEST_LABEL_SIZE: Final = 6.0
LABEL_OFFSET_PT: Final = 4.0


def tick_decimals(locs: Sequence[float], most: int) -> int:
    """The fewest decimals (at most ``most``) that write every tick in ``locs`` exactly."""
    for d in range(most + 1):
        if all(abs(v - round(v, d)) <= 1e-9 * max(1.0, abs(v)) for v in locs):
            return d
    return most


class UnitTicks(MaxNLocator):
    """At most six ticks at 1, 2 or 5 times a power of ten, never finer than the unit's
    step ``10**-decimals`` (so never two ticks that would be written alike)."""

    def __init__(self, decimals: int) -> None:
        super().__init__(nbins=5, steps=[1, 2, 5, 10], min_n_ticks=2)
        self.quantum = 10.0**-decimals

    def tick_values(self, vmin: float, vmax: float) -> Any:
        ticks: Any = super().tick_values(vmin, vmax)
        q = self.quantum
        if len(ticks) > 1 and ticks[1] - ticks[0] < q * (1 - 1e-9):
            lo, hi = sorted((vmin, vmax))
            ticks = np.arange(np.floor(lo / q), np.ceil(hi / q) + 1) * q
        return ticks


class UnitTickLabels(Formatter):
    """Swedish tick labels with the decimals the ticks need, at most the unit's."""

    def __init__(self, decimals: int) -> None:
        self.decimals = decimals
        self.shown = decimals

    def set_locs(self, locs: Any) -> None:
        self.shown = tick_decimals([float(v) for v in locs], self.decimals)

    def __call__(self, x: float, pos: int | None = None) -> str:
        return fmt.axis_tick(x, self.shown)


def number_axis(ax: Axes, axis: str, decimals: int) -> None:
    """Ticks and tick labels for an axis of numbers with ``decimals`` decimals at most."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(UnitTicks(decimals))
    target.set_major_formatter(UnitTickLabels(decimals))


def at_least_two_ticks(ax: Axes, decimals: int) -> None:
    """Widen a y range narrower than two of the unit's steps (a series with one point)."""
    q = 10.0**-decimals
    lo, hi = ax.get_ylim()
    if hi - lo < 2 * q:
        mid = (lo + hi) / 2
        ax.set_ylim(mid - q, mid + q)


def _renderer(fig: Figure) -> RendererBase:
    canvas: Any = fig.canvas
    return canvas.get_renderer()  # type: ignore[no-any-return]


def text_width_in(fig: Figure, text: str, fontsize: float) -> float:
    """The width of ``text`` in inches, measured by the figure's renderer."""
    probe = fig.text(0, 0, text, fontsize=fontsize)
    width = probe.get_window_extent(_renderer(fig)).width / fig.dpi
    probe.remove()
    return float(width)


@dataclass(frozen=True)
class DirectLabel:
    """A series named at its end: at the height of ``value`` (data), ``name`` then ``text``."""

    value: float
    name: str
    text: str
    color: str


def direct_labels(ax: Axes, labels: Sequence[DirectLabel], right: float) -> list[Text]:
    """Place ``labels`` right of ``ax`` at their values' heights; none passes ``right`` (a
    figure fraction) and none overlaps another."""
    fig: Any = ax.get_figure()
    renderer = _renderer(fig)
    box = ax.get_window_extent(renderer)
    shift = ScaledTranslation(LABEL_OFFSET_PT / 72, 0, fig.dpi_scale_trans)
    room = right * fig.bbox.width - box.x1 - LABEL_OFFSET_PT / 72 * fig.dpi - 1
    texts: list[Text] = []
    for label in labels:
        t = ax.text(
            1.0,
            0.5,
            f"{label.name} {label.text}",
            transform=ax.transAxes + shift,
            color=label.color,
            va="center",
            ha="left",
            fontsize=LABEL_SIZE,
        )
        if t.get_window_extent(renderer).width > room:
            t.set_text(f"{label.name}\n{label.text}")
        size = LABEL_SIZE
        while t.get_window_extent(renderer).width > room and size > SMALLEST_LABEL_SIZE:
            size -= 0.5
            t.set_fontsize(size)
        texts.append(t)
    heights = [t.get_window_extent(renderer).height / box.height for t in texts]
    y0, y1 = ax.get_ylim()
    span = (y1 - y0) or 1.0
    wanted = [(label.value - y0) / span for label in labels]
    for t, y in zip(texts, spread(wanted, gap=0.01, sizes=heights), strict=True):
        t.set_y(y)
    return texts
