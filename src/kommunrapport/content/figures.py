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


def _panel_axes(fig: Figure, n: int, ncols: int, height_in: float) -> tuple[Axes, float]:
    """Axes for panel ``n`` on a fixed grid (faster than constrained layout): room on the
    left for the y ticks, above for a three-line title, right for the direct labels; and the
    right edge of the panel's label room (a figure fraction)."""
    cell_w = WIDTH_IN / ncols
    row, col = divmod(n, ncols)
    left, label_room, title_room, bottom_room = 0.55, (1.45 if ncols > 1 else 1.6), 0.55, 0.32
    x0 = col * cell_w + left
    width = cell_w - left - label_room
    top = 0.08 + row * PANEL_H + title_room
    height = PANEL_H - title_room - bottom_room
    ax = fig.add_axes(
        (x0 / WIDTH_IN, 1 - (top + height) / height_in, width / WIDTH_IN, height / height_in)
    )
    return ax, ((col + 1) * cell_w - 0.08) / WIDTH_IN


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


def indikator_chart(mu: Maluppfyllelse) -> Figure | None:
    """The chart of :func:`indikator_figur` as a matplotlib figure (None without indicators)."""
    items = list(mu.indikatorer)
    if not items:
        return None
    ncols = 1 if len(items) == 1 else 2
    nrows = (len(items) + ncols - 1) // ncols
    wrap = 80 if ncols == 1 else 40
    height = 0.1 + PANEL_H * nrows
    fig = new_figure(height)
    for n, item in enumerate(items):
        ax, right = _panel_axes(fig, n, ncols, height)
        _indicator_panel(ax, item, wrap, right)
    return fig


def indikator_figur(mu: Maluppfyllelse) -> Figur | None:
    """Small multiples: one panel per indicator with target, kön, riket and the group."""
    items = list(mu.indikatorer)
    if not items:
        return None
    png = render(lambda: _required(indikator_chart(mu)))
    head = (
        f"Diagram med {fmt.count_noun(len(items), 'indikator', 'indikatorer')} över tid, "
        "med målvärde, riket och jämförelsegruppen där de finns."
    )
    alt = " ".join([head, *(indikator_alt(o, mu.year) for o in items)])
    return Figur(png, alt)


def _indicator_panel(ax: Axes, o: IndikatorUtfall, wrap: int, right: float) -> None:
    from kommunrapport.content.chart_axes import DirectLabel, at_least_two_ticks, direct_labels

    ind = o.indikator
    title = textwrap.fill(fmt.one_line(ind.namn), wrap)
    ax.set_title(title, fontweight="bold" if o.markerad else "normal", fontsize=8)
    labels: list[DirectLabel] = []
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
        # the unit is the axis label: the direct label names the series and its value
        labels.append(DirectLabel(s.varden[last], name, o.cell(s.varden[last]), style["color"]))
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
        labels.append(DirectLabel(targets[ty[-1]], "Mål", o.cell(targets[ty[-1]]), BLACK))
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
    at_least_two_ticks(ax, o.decimals)
    unit = "procent" if fmt.is_percent_unit(ind.enhet) else ind.enhet
    ax.set_ylabel(unit)
    direct_labels(ax, labels, right)


# --- economy ------------------------------------------------------------------------------------

BAR_LEFT_IN: Final = 2.0
"""Room for row names wrapped at 28 characters (fixed margins: faster than constrained)."""


def _bar_axes(fig: Figure, height_in: float, right_in: float) -> Axes:
    left, top, bottom = BAR_LEFT_IN, 0.1, 0.5
    return fig.add_axes(
        (
            left / WIDTH_IN,
            bottom / height_in,
            (WIDTH_IN - left - right_in) / WIDTH_IN,
            (height_in - top - bottom) / height_in,
        )
    )


def _bar_labels(fig: Figure, height_in: float, texts: list[str]) -> Axes:
    """Axes whose right margin holds the longest bar label (a label starts at the outer end
    of its bar, or at zero, so none passes the figure's edge)."""
    from kommunrapport.content.chart_axes import LABEL_OFFSET_PT, LABEL_SIZE, text_width_in

    widest = max([text_width_in(fig, t, LABEL_SIZE) for t in texts] + [0.3])
    return _bar_axes(fig, height_in, widest + LABEL_OFFSET_PT / 72 + 0.12)


def _label_bar(ax: Axes, x: float, y: float, text: str, color: str) -> None:
    from kommunrapport.content.chart_axes import LABEL_OFFSET_PT, LABEL_SIZE

    ax.annotate(
        text,
        xy=(max(x, 0.0), y),
        xytext=(LABEL_OFFSET_PT, 0),
        textcoords="offset points",
        va="center",
        ha="left",
        fontsize=LABEL_SIZE,
        color=color,
    )


def _value_axis(ax: Axes, values: list[float], label: str) -> None:
    """The value axis scaled to the data, zero marked, rows named on the other axis."""
    lo, hi = min([*values, 0.0]), max([*values, 0.0])
    pad = 0.02 * ((hi - lo) or 1.0)
    ax.set_xlim(lo - pad if lo < 0 else 0.0, hi + pad)
    ax.axvline(0, color=BLACK, linewidth=0.8)
    number_axis(ax, "x", 0)
    ax.set_xlabel(label)
    ax.grid(axis="y", visible=False)


def net_cost(d: Drift, value: float | None) -> float:
    """A drift value as a net cost: positive for a cost, negative for a net income, whichever
    sign the kommun stores costs with."""
    return (-1.0 if d.kostnad_negativ else 1.0) * (value or 0.0)


def _cost_label(kind: str, value: float) -> str:
    text = f"{kind} {fmt.number(abs(value))}"
    return f"{text} (intäkt)" if fmt.rounded(value) < 0 else text


def drift_chart(d: Drift) -> Figure | None:
    """The chart of :func:`drift_figur` as a matplotlib figure (None without rows)."""
    rows = [r for r in d.rader if r.budget is not None or r.helar is not None]
    if not rows:
        return None
    second = "Utfall" if d.full_year else "Prognos"
    height = 0.8 + 0.55 * len(rows)
    fig = new_figure(height)
    budget = [net_cost(d, r.budget) for r in rows]
    outcome = [net_cost(d, r.helar) for r in rows]
    texts = [_cost_label("Budget", b) for b in budget] + [_cost_label(second, p) for p in outcome]
    ax = _bar_labels(fig, height, texts)
    ys = list(range(len(rows)))[::-1]
    h = 0.38
    ax.barh([y + h / 2 for y in ys], budget, height=h, color=LIGHT, edgecolor=GREY, hatch="//")
    ax.barh([y - h / 2 for y in ys], outcome, height=h, color=BLUE, edgecolor=BLUE)
    n = len(rows)
    for i, y in enumerate(ys):
        _label_bar(ax, budget[i], y + h / 2, texts[i], BLACK)
        _label_bar(ax, outcome[i], y - h / 2, texts[n + i], BLUE)
    ax.set_yticks(ys, [textwrap.fill(r.namn, 28) for r in rows])
    income = any(fmt.rounded(v) < 0 for v in [*budget, *outcome])
    _value_axis(
        ax,
        [*budget, *outcome],
        "Nettokostnad, tkr" + (" (intäkt till vänster om noll)" if income else ""),
    )
    return fig


def drift_figur(d: Drift, what: str = "verksamhet") -> Figur | None:
    """Budget and prognos (utfall for the full year) side by side per row, in tkr, as net
    costs: a verksamhet with a net income has its bars left of zero, labelled "intäkt"."""
    rows = [r for r in d.rader if r.budget is not None or r.helar is not None]
    if not rows:
        return None
    png = render(lambda: _required(drift_chart(d)))
    s = d.summa
    basis = "utfallet" if d.full_year else "prognosen för helåret"
    alt = (
        f"Liggande stapeldiagram över budget och {basis} per {what} i tkr. "
        f"Totalt är {basis} {fmt.tkr(s.helar)} mot budgeten {fmt.tkr(s.budget)}, "
        f"en avvikelse på {fmt.tkr(s.avvikelse, sign=True)}."
    )
    devs = [r for r in rows if r.avvikelse is not None]
    neg = sorted((r for r in devs if (r.avvikelse or 0) < 0), key=lambda r: r.avvikelse or 0.0)
    pos = sorted((r for r in devs if (r.avvikelse or 0) > 0), key=lambda r: -(r.avvikelse or 0.0))
    if neg:
        alt += f" Störst underskott: {neg[0].namn} ({fmt.tkr(neg[0].avvikelse, sign=True)})."
    if pos:
        alt += f" Störst överskott: {pos[0].namn} ({fmt.tkr(pos[0].avvikelse, sign=True)})."
    incomes = [
        r.namn
        for r in rows
        if fmt.rounded(net_cost(d, r.helar if r.helar is not None else r.budget)) < 0
    ]
    if incomes:
        alt += f" Nettointäkt (intäkterna är större än kostnaderna): {fmt.join_words(incomes)}."
    return Figur(png, alt)


def _required(fig: Figure | None) -> Figure:
    assert fig is not None
    return fig


def avvikelse_chart(d: Drift) -> Figure | None:
    """The chart of :func:`avvikelse_figur` as a matplotlib figure (None without rows)."""
    rows = [r for r in d.rader if r.avvikelse is not None]
    if not rows:
        return None
    height = 0.8 + 0.45 * len(rows)
    fig = new_figure(height)
    values = [r.avvikelse or 0.0 for r in rows]
    words = ["överskott" if v > 0 else "underskott" if v < 0 else "i balans" for v in values]
    texts = [f"{fmt.number(v, sign=True)} ({w})" for v, w in zip(values, words, strict=True)]
    ax = _bar_labels(fig, height, texts)
    ys = list(range(len(rows)))[::-1]
    colors = [BLUE if v >= 0 else VERMILLION for v in values]
    bars = ax.barh(ys, values, height=0.6, color=colors, edgecolor=colors)
    for bar, v in zip(bars, values, strict=True):
        if v < 0:
            bar.set_hatch("\\\\")
            bar.set_edgecolor("white")
    # every label starts right of the bar's outer end or of zero: never over the names
    for y, v, text, color in zip(ys, values, texts, colors, strict=True):
        _label_bar(ax, v, y, text, color)
    ax.set_yticks(ys, [textwrap.fill(r.namn, 28) for r in rows])
    _value_axis(ax, values, "Avvikelse mot budget, tkr")
    return fig


def avvikelse_figur(d: Drift) -> Figur | None:
    """The deviation from budget per nämnd: surplus and deficit named in words, not colour."""
    rows = [r for r in d.rader if r.avvikelse is not None]
    if not rows:
        return None
    png = render(lambda: _required(avvikelse_chart(d)))
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
