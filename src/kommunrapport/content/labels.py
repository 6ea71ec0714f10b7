"""The labelled outputs of the template notebooks: the contract between the templates,
the narrative scaffold (which embeds them) and ``check`` (which verifies them).

Each label is a Quarto cell label (``#| label: …``) in the template named by the key.
"""

from __future__ import annotations

from typing import Final

NAMND_TEMPLATE: Final = "namnd"
KOMMUN_TEMPLATE: Final = "kommun"

NAMND_LABELS: Final[dict[str, str]] = {
    "tbl-maluppfyllelse": "Måluppfyllelse per nämndmål",
    "tbl-indikatorer": "Indikatorer: utfall mot målvärde",
    "fig-indikatorer": "Indikatorer över tid med målvärde och jämförelser",
    "tbl-aktiviteter": "Aktiviteter per nämndmål",
    "tbl-aktiviteter-status": "Aktiviteter per status",
    "tbl-ekonomisk-sammanfattning": "Ekonomisk sammanfattning",
    "tbl-drift": "Driftredovisning per verksamhet",
    "fig-drift": "Budget och prognos per verksamhet",
    "tbl-investeringar": "Investeringar",
    "tbl-personal": "Sjukfrånvaro och anställda",
    "tbl-internkontroll": "Internkontroll",
}

KOMMUN_LABELS: Final[dict[str, str]] = {
    "tbl-roda-traden": "Den röda tråden: inriktningsmål och nämndmål",
    "tbl-inriktningsmal": "Bedömning per inriktningsmål",
    "tbl-luckor": "Luckor i den röda tråden",
    "tbl-maluppfyllelse-namnder": "Nämndmålens bedömning per nämnd",
    "tbl-drift-namnder": "Driftredovisning per nämnd",
    "fig-drift-namnder": "Budgetavvikelse per nämnd",
    "tbl-investeringar-kommun": "Investeringsredovisning",
    "tbl-resultatrakning": "Resultaträkning",
    "tbl-balansrakning": "Balansräkning",
    "tbl-balanskrav": "Balanskravsresultat",
    "tbl-finansiella-mal": "Finansiella mål för god ekonomisk hushållning",
    "tbl-nyckeltal": "Finansiella nyckeltal",
    "tbl-kassaflode": "Kassaflödesanalys",
    "tbl-personal-kommun": "Personal i hela kommunen",
    "tbl-noter": "Noter",
    "tbl-koncern-organisation": "Den kommunala koncernen: företag och ägarandelar",
    "tbl-koncern-resultatrakning": "Resultaträkning för kommunen och koncernen",
    "tbl-koncern-balansrakning": "Balansräkning för kommunen och koncernen",
    "tbl-koncern-kassaflode": "Kassaflödesanalys för kommunen och koncernen",
    "tbl-koncern-avstamning": "Från kommunen till koncernen: avstämning per post",
    "tbl-koncern-elimineringar": "Elimineringar av interna poster i koncernen",
    "tbl-koncern-nyckeltal": "Nyckeltal för kommunen och koncernen",
}

ARSREDOVISNING_CAPTIONS: Final[dict[str, dict[str, str]]] = {
    NAMND_TEMPLATE: {"fig-drift": "Budget och utfall per verksamhet"},
    KOMMUN_TEMPLATE: {},
}
"""Captions that an årsredovisning words differently: it has no prognos. The batch runner
sets them in the executed notebook where the template's cell has the default caption."""

TEMPLATE_LABELS: Final[dict[str, dict[str, str]]] = {
    NAMND_TEMPLATE: NAMND_LABELS,
    KOMMUN_TEMPLATE: KOMMUN_LABELS,
}

EGEN_PREFIX: Final = "tbl-egen-"
"""A nämnd's own table ``data/egna/<nämnd>/<namn>.yml`` is the labelled output
``tbl-egen-<namn>`` of that nämnd's executed notebook: the batch runner adds one cell per own
table to the template, after the cell whose id is :data:`EGNA_ANCHOR`."""

EGNA_ANCHOR: Final = "egna-tabeller"


def egen_label(name: str) -> str:
    return EGEN_PREFIX + name


def captions(template: str, full_year: bool) -> dict[str, str]:
    """The captions of a report of this kind that differ from the template's (label →
    caption)."""
    return dict(ARSREDOVISNING_CAPTIONS.get(template, {})) if full_year else {}
