"""Kassaflödesanalys (mnkr): the lines as the data gives them, in the data's order.

Rules: inbetalningar are positive and utbetalningar negative; a post without a known label
is shown as its id in words. In a delårsrapport without data the table says that the
kassaflödesanalys comes with the årsredovisning.
"""

from __future__ import annotations

from typing import Final

from kommunrapport.content import formatting as fmt
from kommunrapport.content import period as per
from kommunrapport.content.ekonomi.tal import num
from kommunrapport.content.tables import Kolumn, Tabell
from kommunrapport.data.model import Kommunmodell, Period

KASSAFLODE_POSTER: Final = {
    "lopande_verksamhet": "Kassaflöde från den löpande verksamheten",
    "investeringsverksamhet": "Kassaflöde från investeringsverksamheten",
    "finansieringsverksamhet": "Kassaflöde från finansieringsverksamheten",
    "arets_kassaflode": "Årets kassaflöde",
    "likvida_medel_vid_arets_borjan": "Likvida medel vid årets början",
    "likvida_medel_vid_arets_slut": "Likvida medel vid årets slut",
}


def _post_label(post: str) -> str:
    if post in KASSAFLODE_POSTER:
        return KASSAFLODE_POSTER[post]
    text = post.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def kassaflode(model: Kommunmodell, period_id: str) -> list[tuple[str, str, float | None]]:
    """The kassaflödesanalys as given: (post, label, mnkr), in the data's order."""
    t = model.table("kassaflode")
    t = t[t["period"] == period_id]
    return [
        (str(r["post"]), _post_label(str(r["post"])), num(r["belopp"])) for _, r in t.iterrows()
    ]


def kassaflode_tabell(model: Kommunmodell, period_id: str, *, decimaler: int = 1) -> Tabell:
    p = per.period(model, period_id)
    lines = kassaflode(model, period_id)
    rows = tuple((label, fmt.number(value, decimaler)) for _, label, value in lines)
    bold = frozenset(i for i, (post, _, _) in enumerate(lines) if post == "arets_kassaflode")
    if per.is_full_year(p):
        empty = "Kassaflödesanalys saknas i data/kassaflode för perioden."
    else:
        empty = "Kassaflödesanalysen redovisas i årsredovisningen."
    return Tabell(
        (Kolumn.text("Post"), Kolumn.tal(f"{span_label(p)} (mnkr)")),
        rows,
        noter=("Inbetalningar är positiva och utbetalningar negativa tal.",) if rows else (),
        markerade=bold,
        tom=empty,
    )


def span_label(p: Period) -> str:
    return str(p.year) if per.is_full_year(p) else f"{fmt.month_span(p.month)} {p.year}"
