"""The charts as matplotlib figures: signs of bars, distinct ticks with the unit's decimals,
and every text inside the figure and clear of every other text, after ``draw``."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib as mpl
import pytest
from content_project import load
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from kommunrapport.content import figur, figures
from kommunrapport.content import formatting as fmt
from kommunrapport.content.chart_axes import number_axis, tick_decimals
from kommunrapport.content.ekonomi.drift import Drift, DriftRad
from kommunrapport.content.rapport import KommunRapport, NamndRapport
from kommunrapport.data.model import Kommunmodell

MINUS = fmt.MINUS


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Kommunmodell:
    return load(tmp_path_factory.mktemp("charts"))


@contextmanager
def drawn(fig: Figure | None) -> Iterator[Figure]:
    """The figure drawn in the house style, as :func:`figur.render` draws it."""
    assert fig is not None
    with mpl.rc_context(figur.STYLE):
        fig.canvas.draw()
        yield fig
    fig.clear()


def chart(make: Any, *args: Any) -> Figure:
    with mpl.rc_context(figur.STYLE):
        fig = make(*args)
    assert isinstance(fig, Figure)
    return fig


def shown_ticks(axis: Any) -> list[str]:
    """The tick labels matplotlib draws (ticks within the view)."""
    return [t.label1.get_text() for t in axis._update_ticks() if t.label1.get_visible()]


def shown_texts(fig: Figure) -> list[Text]:
    texts: list[Text] = []
    for ax in fig.axes:
        texts += [t for t in ax.texts if t.get_text().strip()]
        texts += [t for t in (ax.title, ax.xaxis.label, ax.yaxis.label) if t.get_text().strip()]
        for axis in (ax.xaxis, ax.yaxis):
            texts += [t.label1 for t in axis._update_ticks() if t.label1.get_text().strip()]
    return texts


def assert_readable(fig: Figure) -> None:
    """Every text inside the figure, none overlapping another, ticks distinct."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    frame = fig.bbox
    texts = shown_texts(fig)
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    for text, box in boxes:
        assert box.x0 >= frame.x0 - 0.5 and box.x1 <= frame.x1 + 0.5, f"clipped: {text!r}"
        assert box.y0 >= frame.y0 - 0.5 and box.y1 <= frame.y1 + 0.5, f"clipped: {text!r}"
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        overlap_x = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        overlap_y = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        assert overlap_x <= 0.5 or overlap_y <= 0.5, f"overlap: {a!r} / {b!r}"
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            ticks = shown_ticks(axis)
            assert len(ticks) == len(set(ticks)), ticks


def rad(namn: str, budget: float, prognos: float) -> DriftRad:
    return DriftRad(namn, budget, prognos, prognos, budget - prognos, None)


def test_a_net_income_keeps_its_sign_left_of_a_marked_zero(model: Kommunmodell) -> None:
    period = model.period("2022-08")
    rows = (rad("Skola", 500_000, 533_400), rad("Turism", -1_200, -1_500))
    d = Drift(period, rows, rad("Summa", 498_800, 531_900))
    with drawn(chart(figures.drift_chart, d)) as fig:
        (ax,) = fig.axes
        widths = [p.get_width() for p in ax.patches if isinstance(p, Rectangle)]
        assert sorted(w > 0 for w in widths) == [False, False, True, True]
        assert [line.get_xdata()[0] for line in ax.lines] == [0]  # zero is marked
        labels = [t.get_text() for t in ax.texts]
        assert labels == [
            "Budget 500\u00a0000",
            "Prognos 533\u00a0400",
            "Budget 1\u00a0200 (intäkt)",
            "Prognos 1\u00a0500 (intäkt)",
        ]
        low, high = ax.get_xlim()
        assert low < -1_500 and 533_400 < high <= 533_400 * 1.05  # scaled to the data
        assert "intäkt" in ax.get_xlabel()
        assert_readable(fig)
    alt = figures.drift_figur(d)
    assert alt is not None and "Nettointäkt" in alt.alt and "Turism" in alt.alt


def test_with_costs_stored_as_negative_numbers_an_income_is_positive(
    model: Kommunmodell,
) -> None:
    period = model.period("2022-08")
    rows = (rad("Skola", -500, -520), rad("Bygglov", 80, 95))
    d = Drift(period, rows, rad("Summa", -420, -425), kostnad_negativ=True)
    with drawn(chart(figures.drift_chart, d)) as fig:
        (ax,) = fig.axes
        widths = [p.get_width() for p in ax.patches if isinstance(p, Rectangle)]
        assert [w > 0 for w in widths] == [True, False, True, False]  # budget, then prognos
        assert [t.get_text().endswith("(intäkt)") for t in ax.texts] == [
            False,
            False,
            True,
            True,
        ]
        assert_readable(fig)


def test_the_drift_and_deviation_charts_of_the_sample_are_readable(
    model: Kommunmodell,
) -> None:
    with drawn(chart(figures.drift_chart, NamndRapport(model, "2022-08", "a").drift_data)) as fig:
        assert_readable(fig)
    kommun = KommunRapport(model, "2022-08")
    with drawn(chart(figures.avvikelse_chart, kommun.drift_data)) as fig:
        (ax,) = fig.axes
        values = [p.get_width() for p in ax.patches if isinstance(p, Rectangle)]
        assert any(v < 0 for v in values)
        assert_readable(fig)


def test_indicator_panels_with_one_point_have_distinct_ticks(model: Kommunmodell) -> None:
    mu = NamndRapport(model, "2022-08", "a", "G1").maluppfyllelse_data
    with drawn(chart(figures.indikator_chart, mu)) as fig:
        assert_readable(fig)
        ticks = [shown_ticks(ax.yaxis) for ax in fig.axes]
        assert all(len(t) >= 2 for t in ticks), ticks


@pytest.mark.parametrize(
    ("values", "decimals", "expected"),
    [
        ([1812.4, 1890.7], 1, None),  # kr/inv with a decimal in the data: whole ticks
        ([5.0, 5.0], 0, None),  # one point
        ([4.2, 4.9], 1, None),
    ],
)
def test_ticks_are_distinct_and_have_only_the_decimals_they_need(
    values: list[float], decimals: int, expected: Any
) -> None:
    fig = figur.new_figure(2.0)
    ax = fig.add_axes((0.2, 0.2, 0.7, 0.7))
    ax.plot([2021, 2022], values)
    number_axis(ax, "y", decimals)
    from kommunrapport.content.chart_axes import at_least_two_ticks

    at_least_two_ticks(ax, decimals)
    fig.canvas.draw()
    ticks = shown_ticks(ax.yaxis)
    assert len(ticks) >= 2 and len(ticks) == len(set(ticks)), ticks
    if values[0] > 1000:
        assert not [t for t in ticks if "," in t], ticks  # no "1 800,0"


def test_tick_decimals() -> None:
    assert tick_decimals([1800.0, 1850.0], 1) == 0
    assert tick_decimals([4.5, 5.0], 1) == 1
    assert tick_decimals([0.25], 1) == 1  # never more than the unit's


def test_long_direct_labels_are_wrapped_not_clipped(model: Kommunmodell) -> None:
    from kommunrapport.content.chart_axes import DirectLabel, direct_labels

    fig = figur.new_figure(2.7)
    ax = fig.add_axes((0.1, 0.2, 0.25, 0.6))
    ax.plot([2018, 2022], [200, 224])
    labels = [
        DirectLabel(211.5, "Jämförelsegrupp", "211,5", figur.PURPLE),
        DirectLabel(210.0, "Kommunen", "210,0", figur.BLUE),
        DirectLabel(215.0, "Mål", "215,0", figur.BLACK),
    ]
    with mpl.rc_context(figur.STYLE):
        texts = direct_labels(ax, labels, right=0.5)
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [t.get_window_extent(renderer) for t in texts]
    assert all(b.x1 <= 0.5 * fig.bbox.width + 0.5 for b in boxes)
    for a, b in itertools.combinations(boxes, 2):
        assert min(a.y1, b.y1) <= max(a.y0, b.y0) + 0.5  # spread apart
    assert MINUS not in "".join(t.get_text() for t in texts)


@pytest.fixture(scope="module")
def example() -> Kommunmodell:
    from tests_support import REPO_ROOT

    from kommunrapport.data.loader import load_model
    from kommunrapport.data.paths import ProjectPaths

    return load_model(ProjectPaths(REPO_ROOT))


def test_every_chart_of_the_example_is_readable(example: Kommunmodell) -> None:
    """The example's årsbokslut: meritvärde, kr/inv and per-100 000 labels were clipped."""
    period = example.period("2022-12")
    for namnd in period.namnder:
        report = NamndRapport.from_params(example, period.id, namnd.id)
        with drawn(chart(figures.indikator_chart, report.maluppfyllelse_data)) as fig:
            assert_readable(fig)
        with drawn(chart(figures.drift_chart, report.drift_data)) as fig:
            assert_readable(fig)
    with drawn(chart(figures.avvikelse_chart, KommunRapport(example, period.id).drift_data)) as fig:
        assert_readable(fig)
