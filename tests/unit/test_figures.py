"""Figures: alt text generated from the data, how a figure displays, the house style helpers."""

from __future__ import annotations

import html
import io
import itertools
import re
from typing import Any

import pytest
from content_project import load

from kommunrapport.content import figur, figures
from kommunrapport.content import formatting as fmt
from kommunrapport.content.rapport import KommunRapport, NamndRapport
from kommunrapport.data.model import Kommunmodell

NB, MINUS = fmt.NBSP, fmt.MINUS
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Kommunmodell:
    return load(tmp_path_factory.mktemp("fig"))


def test_indicator_alt_text_tells_the_series_in_words(model: Kommunmodell) -> None:
    mu = NamndRapport(model, "2022-08", "a", "G1", ["I1"]).maluppfyllelse_data
    i1, i2 = mu.indikatorer
    assert figures.indikator_alt(i1, 2022) == (
        f"Andel nöjda: kommunens värde ökade från 65{NB}% 2021 till 72{NB}% 2022; "
        f"målet för 2022 är 70{NB}%; riket 68{NB}% 2022; jämförelsegruppen 65{NB}% 2022."
    )
    assert figures.indikator_alt(i2, 2022) == (
        f"Väntetid: kommunens värde var 10,4{NB}dagar 2022; målet för 2022 är 10,0{NB}dagar; "
        f"2022 kvinnor 9,0{NB}dagar och män 12,0{NB}dagar."
    )


def test_alt_text_mentions_suppression(model: Kommunmodell) -> None:
    mu = NamndRapport(model, "2022-08", "b").maluppfyllelse_data
    i4 = next(o for o in mu.indikatorer if o.indikator.id == "I4")
    alt = figures.indikator_alt(i4, 2022)
    assert "för få personer" in alt and "kvinnor" not in alt


def test_indicator_figure_is_a_png_with_an_alt_text_for_every_panel(model: Kommunmodell) -> None:
    fig = NamndRapport(model, "2022-08", "a", "G1").indikatordiagram()
    assert isinstance(fig, figur.Figur)
    assert fig.png.startswith(PNG)
    assert fig.alt.startswith("Diagram med 2 indikatorer över tid")
    assert "Andel nöjda:" in fig.alt and "Väntetid:" in fig.alt


def test_drift_alt_text_gives_totals_and_the_largest_deviations(model: Kommunmodell) -> None:
    fig = NamndRapport(model, "2022-08", "a").driftdiagram()
    assert isinstance(fig, figur.Figur)
    assert fig.alt == (
        "Liggande stapeldiagram över budget och prognosen för helåret per verksamhet i tkr. "
        f"Totalt är prognosen för helåret 1{NB}550{NB}tkr mot budgeten 1{NB}500{NB}tkr, "
        f"en avvikelse på {MINUS}50{NB}tkr. Störst underskott: X ({MINUS}100{NB}tkr). "
        f"Störst överskott: Y (+50{NB}tkr)."
    )


def test_deviation_alt_text_names_surplus_and_deficit(model: Kommunmodell) -> None:
    fig = KommunRapport(model, "2022-08").avvikelsediagram()
    assert isinstance(fig, figur.Figur)
    assert f"Summan för nämnderna är {MINUS}50{NB}tkr." in fig.alt
    assert f"Underskott: Nämnd A {MINUS}50{NB}tkr." in fig.alt
    assert "Överskott" not in fig.alt  # Nämnd B is exactly on budget


def test_a_figure_displays_as_markdown_with_fig_alt_and_as_html_with_alt() -> None:
    fig = figur.Figur(PNG + b"data", 'Ett "citat" och\nen radbrytning: 12\u00a0%')
    bundle = fig._repr_mimebundle_()
    assert set(bundle) == {"text/markdown", "text/html", "text/plain"}
    md = bundle["text/markdown"]
    match = re.fullmatch(
        r'!\[\]\((data:image/png;base64,[A-Za-z0-9+/=]+)\)\{fig-alt="(.*)"\}\n', md
    )
    assert match is not None
    assert match.group(2) == 'Ett \\"citat\\" och en radbrytning: 12\u00a0%'
    alt = re.search(r'alt="([^"]*)"', bundle["text/html"])
    assert alt is not None
    assert html.unescape(alt.group(1)) == 'Ett "citat" och en radbrytning: 12\u00a0%'
    assert bundle["text/plain"].startswith("Diagram: Ett")


def test_without_data_a_sentence_stands_in(tmp_path_factory: pytest.TempPathFactory) -> None:
    only_b = [
        {"projekt": "P", "namnd": "b", "period": "2022-08", "budget": 1, "utfall": 1, "prognos": 1}
    ]
    model = load(tmp_path_factory.mktemp("tom"), investeringar=only_b)
    table = NamndRapport(model, "2022-08", "a").investeringar()
    assert table.is_empty()
    assert table.to_markdown().startswith("Nämnden har inga investeringsprojekt")


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (2020, 2022, [2020, 2021, 2022]),
        (2018, 2022, [2018, 2020, 2022]),
        (2013, 2022, [2017, 2022]),
    ],
)
def test_year_ticks_always_include_the_latest_year(
    first: int, last: int, expected: list[int]
) -> None:
    assert figures.year_ticks(first, last) == expected


def test_direct_labels_are_spread_apart_in_order() -> None:
    out = figur.spread([0.50, 0.52, 0.10, 0.99], gap=0.1)
    assert out[2] == pytest.approx(0.10)
    ordered = sorted(out)
    assert all(b - a >= 0.1 - 1e-9 for a, b in itertools.pairwise(ordered))
    assert max(out) <= 1.0 + 1e-9
    assert out.index(min(out)) == 2 and out.index(max(out)) == 3  # order kept


def test_palette_meets_the_contrast_for_graphics() -> None:
    def luminance(hex_colour: str) -> float:
        def channel(c: int) -> float:
            s = c / 255
            return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

        r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)

    for colour in (figur.BLUE, figur.VERMILLION, figur.GREEN, figur.PURPLE, figur.GREY):
        assert (1.05) / (luminance(colour) + 0.05) >= 3.0, colour


@pytest.mark.parametrize("height", [1.0, 1.003, 2.4567])
def test_render_handles_any_pixel_size(height: float) -> None:
    from PIL import Image

    def draw() -> Any:
        fig = figur.new_figure(height)
        fig.add_axes((0.1, 0.1, 0.8, 0.8)).plot([1, 2], [3, 4])
        return fig

    png = figur.render(draw)
    with Image.open(io.BytesIO(png)) as image:
        assert image.size[0] == round(figur.WIDTH_IN * figur.DPI)
        assert abs(image.size[1] - height * figur.DPI) < 1
        assert image.mode == "P"  # palette: small data URIs


def test_dollar_signs_in_data_are_drawn_as_text_never_mathtext(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 24, item 5: "Kommunstyrelsen $$" fails as mathtext, and "Kostnad $5 och $10"
    loses its dollar signs; both are names from the data."""
    from content_project import KOMMUN, TABLES
    from matplotlib.text import Text

    kommun = {**KOMMUN, "namnder": [dict(n) for n in KOMMUN["namnder"]]}
    kommun["namnder"][0]["namn"] = "Kommunstyrelsen $$"
    drift = [
        {**r, "verksamhet": "Kostnad $5 och $10"} if r["verksamhet"] == "X" else r
        for r in TABLES["driftredovisning"]
    ]
    model = load(tmp_path_factory.mktemp("dollar"), kommun=kommun, driftredovisning=drift)
    drawn: list[tuple[str, bool]] = []
    original = Text.draw

    def spy(self: Text, renderer: Any) -> None:
        drawn.append((self.get_text(), self.get_parse_math()))
        original(self, renderer)

    monkeypatch.setattr(Text, "draw", spy)
    for fig in (
        NamndRapport(model, "2022-08", "a").driftdiagram(),
        KommunRapport(model, "2022-08").avvikelsediagram(),
    ):
        assert isinstance(fig, figur.Figur) and fig.png.startswith(PNG)
    texts = {t for t, _ in drawn}
    assert "Kostnad $5 och $10" in texts
    assert any("Kommunstyrelsen $$" in t for t in texts), sorted(texts)
    assert all(not parse for t, parse in drawn if "$" in t)
