"""The report's charts, each with an alt text generated from its data.

Indicator small multiples and the economy's bar charts, drawn in the house style of
:mod:`kommunrapport.content.figur` and returned as a :class:`~kommunrapport.content.figur.Figur`
(why a figure displays as a Markdown image with ``fig-alt`` is explained there).
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any, Final

from kommunrapport.content import formatting as fmt
from kommunrapport.content.figur import (
    BLACK,
    BLUE,
    GREEN,
    GREY,
    LIGHT,
    PURPLE,
    VERMILLION,
    WIDTH_IN,
    Figur,
    new_figure,
    number_axis,
    render,
    spread,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from kommunrapport.content.ekonomi.drift import Drift
    from kommunrapport.content.indikatorer import IndikatorUtfall
    from kommunrapport.content.mal import Maluppfyllelse

SERIES_STYLE: Final[dict[str, dict[str, Any]]] = {
    "kommun": {"color": BLUE, "marker": "o", "linestyle": "-", "linewidth": 2.2},
    "kvinnor": {"color": VERMILLION, "marker": "^", "linestyle": "-", "linewidth": 1.3},
    "man": {"color": GREEN, "marker": "v", "linestyle": "-", "linewidth": 1.3},
    "riket": {"color": GREY, "marker": "s", "linestyle": "--", "linewidth": 1.2},
    "grupp": {"color": PURPLE, "marker": "D", "linestyle": ":", "linewidth": 1.5},
}


PANEL_H: Final = 2.7
"""Height of one indicator panel (inches): title, axes and year ticks."""


def _panel_axes(fig: Figure, n: int, ncols: int, height_in: float) -> Axes:
    """Axes for panel ``n`` on a fixed grid (faster than constrained layout): room on the
    left for the y ticks, above for a three-line title, right for the direct labels."""
    cell_w = WIDTH_IN / ncols
    row, col = divmod(n, ncols)
    left, label_room, title_room, bottom_room = 0.55, (1.45 if ncols > 1 else 1.6), 0.55, 0.32
    x0 = col * cell_w + left
    width = cell_w - left - label_room
    top = 0.08 + row * PANEL_H + title_room
    height = PANEL_H - title_room - bottom_room
    return fig.add_axes(
        (x0 / WIDTH_IN, 1 - (top + height) / height_in, width / WIDTH_IN, height / height_in)
    )


# --- indicators -------------------------------------------------------------------------------

SHORT_NAMES: Final = {"kommun": "Kommunen", "grupp": "Jämförelsegrupp"}
"""Direct labels are short so the panels keep their width."""


def year_ticks(first: int, last: int) -> list[int]:
    """Year ticks that fit a narrow panel: every year, or every second or fifth, always
    including the latest year."""
    span = last - first
    step = 1 if span <= 3 else 2 if span <= 8 else 5
    return sorted(range(last, first - 1, -step))


def _change_words(o: IndikatorUtfall, s_values: dict[int, float]) -> str:
    years = sorted(s_values)
    first, last = years[0], years[-1]
    v0, v1 = s_values[first], s_values[last]
    if first == last:
        return f"var {o.show(v1)} {last}"
    if fmt.rounded(v1, o.decimals) > fmt.rounded(v0, o.decimals):
        verb = "ökade"
    elif fmt.rounded(v1, o.decimals) < fmt.rounded(v0, o.decimals):
        verb = "minskade"
    else:
        return f"var oförändrat {o.show(v1)} från {first} till {last}"
    return f"{verb} från {o.show(v0)} {first} till {o.show(v1)} {last}"


def indikator_alt(o: IndikatorUtfall, year: int) -> str:
    """One indicator's chart in words, from its data."""
    ind = o.indikator
    name = fmt.one_line(ind.namn)
    parts: list[str] = []
    kommun = o.serie("kommun")
    if kommun and kommun.varden:
        parts.append(f"{name}: kommunens värde {_change_words(o, kommun.varden)}")
    else:
        parts.append(f"{name}: kommunens värden saknas")
    target = ind.mal.get(year)
    if target is not None:
        parts.append(f"målet för {year} är {o.show(target)}")
    latest = kommun.latest() if kommun else None
    if latest is not None:
        y = latest[0]
        k, m = o.serie("kvinnor"), o.serie("man")
        if k and m and y in k.varden and y in m.varden:
            parts.append(f"{y} kvinnor {o.show(k.varden[y])} och män {o.show(m.varden[y])}")
        for roll, name in (("riket", "riket"), ("grupp", "jämförelsegruppen")):
            s = o.serie(roll)  # type: ignore[arg-type]
            if s and y in s.varden:
                parts.append(f"{name} {o.show(s.varden[y])} {y}")
    if o.undertryckt:
        parts.append("vissa värden visas inte eftersom de gäller för få personer")
    return "; ".join(parts) + "."


def indikator_figur(mu: Maluppfyllelse) -> Figur | None:
    """Small multiples: one panel per indicator with target, kön, riket and the group."""
    items = list(mu.indikatorer)
    if not items:
        return None
    ncols = 1 if len(items) == 1 else 2
    nrows = (len(items) + ncols - 1) // ncols
    wrap = 80 if ncols == 1 else 40

    def draw() -> Figure:
        height = 0.1 + PANEL_H * nrows
        fig = new_figure(height)
        for n, item in enumerate(items):
            _indicator_panel(_panel_axes(fig, n, ncols, height), item, mu.year, wrap)
        return fig

    png = render(draw)
    head = (
        f"Diagram med {fmt.count_noun(len(items), 'indikator', 'indikatorer')} över tid, "
        "med målvärde, riket och jämförelsegruppen där de finns."
    )
    alt = " ".join([head, *(indikator_alt(o, mu.year) for o in items)])
    return Figur(png, alt)


def _indicator_panel(ax: Axes, o: IndikatorUtfall, year: int, wrap: int) -> None:
    ind = o.indikator
    title = textwrap.fill(fmt.one_line(ind.namn), wrap)
    ax.set_title(title, fontweight="bold" if o.markerad else "normal", fontsize=8)
    labels: list[tuple[float, str, str]] = []
    all_years: set[int] = set()
    for s in o.serier:
        if not s.varden:
            continue
        years = sorted(s.varden)
        all_years.update(years)
        style = SERIES_STYLE[s.roll]
        ax.plot(years, [s.varden[y] for y in years], markersize=4, **style)
        last = years[-1]
        name = SHORT_NAMES.get(s.roll, s.namn)
        labels.append((s.varden[last], f"{name} {o.show(s.varden[last])}", style["color"]))
    targets = {y: v for y, v in ind.mal.items() if not all_years or y >= min(all_years) - 1}
    if targets:
        ty = sorted(targets)
        ax.plot(
            ty,
            [targets[y] for y in ty],
            color=BLACK,
            linestyle=(0, (4, 2)),
            linewidth=1.0,
            marker="_",
            markersize=10,
        )
        labels.append((targets[ty[-1]], f"Mål {o.show(targets[ty[-1]])}", BLACK))
        all_years.update(ty)
    if not labels:
        ax.text(0.5, 0.5, "Uppgifter saknas", transform=ax.transAxes, ha="center", va="center")
        ax.set_xticks([])
        ax.set_yticks([])
        return
    lo, hi = min(all_years), max(all_years)
    ax.set_xlim(lo - 0.3, hi + 0.3)
    ax.set_xticks(year_ticks(lo, hi))
    ax.xaxis.set_major_formatter(lambda v, _p: str(int(v)))
    number_axis(ax, "y", o.decimals)
    unit = "procent" if fmt.is_percent_unit(ind.enhet) else ind.enhet
    ax.set_ylabel(unit)
    y0, y1 = ax.get_ylim()
    span = (y1 - y0) or 1.0
    fracs = spread([(v - y0) / span for v, _, _ in labels], gap=0.11)
    for (_, text, color), f in zip(labels, fracs, strict=True):
        ax.text(1.02, f, text, transform=ax.transAxes, color=color, va="center", fontsize=7.5)


# --- economy ------------------------------------------------------------------------------------

BAR_LEFT_IN: Final = 2.0
"""Room for row names wrapped at 28 characters (fixed margins: faster than constrained)."""


def _bar_axes(fig: Figure, height_in: float) -> Axes:
    left, right, top, bottom = BAR_LEFT_IN, 0.4, 0.1, 0.5
    return fig.add_axes(
        (
            left / WIDTH_IN,
            bottom / height_in,
            (WIDTH_IN - left - right) / WIDTH_IN,
            (height_in - top - bottom) / height_in,
        )
    )


def drift_figur(d: Drift, what: str = "verksamhet") -> Figur | None:
    """Budget and prognos (utfall for the full year) side by side per row, in tkr."""
    rows = [r for r in d.rader if r.budget is not None or r.prognos is not None]
    if not rows:
        return None
    second = "Utfall" if d.full_year else "Prognos"

    def draw() -> Figure:
        height = 0.8 + 0.55 * len(rows)
        fig = new_figure(height)
        ax = _bar_axes(fig, height)
        ys = list(range(len(rows)))[::-1]
        h = 0.38
        budget = [abs(r.budget or 0.0) for r in rows]
        outcome = [abs(r.prognos or 0.0) for r in rows]
        ax.barh([y + h / 2 for y in ys], budget, height=h, color=LIGHT, edgecolor=GREY, hatch="//")
        ax.barh([y - h / 2 for y in ys], outcome, height=h, color=BLUE, edgecolor=BLUE)
        top = max([*budget, *outcome, 1.0])
        for y, b, pr in zip(ys, budget, outcome, strict=True):
            ax.text(b + top * 0.01, y + h / 2, f"Budget {fmt.number(b)}", va="center", fontsize=7.5)
            ax.text(
                pr + top * 0.01,
                y - h / 2,
                f"{second} {fmt.number(pr)}",
                va="center",
                fontsize=7.5,
                color=BLUE,
            )
        ax.set_yticks(ys, [textwrap.fill(r.namn, 28) for r in rows])
        ax.set_xlim(0, top * 1.35)
        number_axis(ax, "x", 0)
        ax.set_xlabel("tkr")
        ax.grid(axis="y", visible=False)
        return fig

    png = render(draw)
    s = d.summa
    basis = "utfallet" if d.full_year else "prognosen för helåret"
    alt = (
        f"Liggande stapeldiagram över budget och {basis} per {what} i tkr. "
        f"Totalt är {basis} {fmt.tkr(s.prognos)} mot budgeten {fmt.tkr(s.budget)}, "
        f"en avvikelse på {fmt.tkr(s.avvikelse, sign=True)}."
    )
    devs = [r for r in rows if r.avvikelse is not None]
    neg = sorted((r for r in devs if (r.avvikelse or 0) < 0), key=lambda r: r.avvikelse or 0.0)
    pos = sorted((r for r in devs if (r.avvikelse or 0) > 0), key=lambda r: -(r.avvikelse or 0.0))
    if neg:
        alt += f" Störst underskott: {neg[0].namn} ({fmt.tkr(neg[0].avvikelse, sign=True)})."
    if pos:
        alt += f" Störst överskott: {pos[0].namn} ({fmt.tkr(pos[0].avvikelse, sign=True)})."
    return Figur(png, alt)


def avvikelse_figur(d: Drift) -> Figur | None:
    """The deviation from budget per nämnd: surplus and deficit named in words, not colour."""
    rows = [r for r in d.rader if r.avvikelse is not None]
    if not rows:
        return None

    def draw() -> Figure:
        height = 0.8 + 0.45 * len(rows)
        fig = new_figure(height)
        ax = _bar_axes(fig, height)
        ys = list(range(len(rows)))[::-1]
        values = [r.avvikelse or 0.0 for r in rows]
        colors = [BLUE if v >= 0 else VERMILLION for v in values]
        hatches = ["" if v >= 0 else "\\\\" for v in values]
        bars = ax.barh(ys, values, height=0.6, color=colors, edgecolor=colors)
        for bar, hatch in zip(bars, hatches, strict=True):
            bar.set_hatch(hatch)
            bar.set_edgecolor("white" if hatch else bar.get_facecolor())
        span = max([abs(v) for v in values] + [1.0])
        for y, v in zip(ys, values, strict=True):
            # every label starts right of the bar's outer end or of zero: never over the names
            word = "överskott" if v > 0 else "underskott" if v < 0 else "i balans"
            ax.text(
                max(v, 0.0) + span * 0.02,
                y,
                f"{fmt.number(v, sign=True)} ({word})",
                va="center",
                ha="left",
                fontsize=7.5,
                color=BLUE if v >= 0 else VERMILLION,
            )
        ax.axvline(0, color=BLACK, linewidth=0.8)
        ax.set_yticks(ys, [textwrap.fill(r.namn, 28) for r in rows])
        low = min([*values, 0.0])
        ax.set_xlim(low * 1.1 - span * 0.05, max([*values, 0.0]) + span * 0.9)
        number_axis(ax, "x", 0)
        ax.set_xlabel("Avvikelse mot budget, tkr")
        ax.grid(axis="y", visible=False)
        return fig

    png = render(draw)
    basis = "utfall" if d.full_year else "helårsprognos"
    neg = [r for r in rows if (r.avvikelse or 0) < 0]
    pos = [r for r in rows if (r.avvikelse or 0) > 0]

    def listing(rs: list[Any]) -> str:
        return fmt.join_words([f"{r.namn} {fmt.tkr(r.avvikelse, sign=True)}" for r in rs])

    alt = (
        f"Liggande stapeldiagram över avvikelsen mot budget per nämnd enligt {basis}, i tkr. "
        f"Summan för nämnderna är {fmt.tkr(d.summa.avvikelse, sign=True)}."
    )
    if neg:
        alt += f" Underskott: {listing(neg)}."
    if pos:
        alt += f" Överskott: {listing(pos)}."
    return Figur(png, alt)
