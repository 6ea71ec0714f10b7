"""The labelled outputs of the template notebooks: the contract between the templates,
the narrative scaffold (which embeds them) and ``check`` (which verifies them).

Each label is a Quarto cell label (``#| label: …``) in the template named by the key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from kommunrapport.content.formatting import join_words
from kommunrapport.data.model import definite_plural, plural

if TYPE_CHECKING:
    from kommunrapport.data.model import Malkedja

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


@dataclass(frozen=True)
class GoalWords:
    """What the kommun calls its goals: the inriktningsmål's word and the kinds of goal of a
    nämnd (or of every nämnd), e.g. ``("Verksamhetsmål", "Nämndmål")``."""

    inriktningsmal: str = "Inriktningsmål"
    mal: tuple[str, ...] = ("Nämndmål",)

    @classmethod
    def of(cls, chain: Malkedja, namnd_id: str | None = None) -> GoalWords:
        return cls(chain.benamningar.inriktningsmal, chain.goal_words(namnd_id))

    @property
    def several(self) -> bool:
        """The goals are of more than one kind."""
        return len(self.mal) > 1

    @property
    def heading(self) -> str:
        """A column's heading: the one kind, or ``Mål`` when there are several."""
        return "Mål" if self.several else self.mal[0]

    @property
    def singular(self) -> str:
        """One goal in a sentence (``ett verksamhetsmål``): the one kind in lower case, or
        ``mål`` when there are several."""
        return "mål" if self.several else self.mal[0].lower()

    @property
    def phrase(self) -> str:
        """``verksamhetsmål och nämndmål``: the kinds in the plural."""
        return join_words([plural(w) for w in self.mal])

    @property
    def definite(self) -> str:
        """``verksamhetsmålen och nämndmålen``."""
        return join_words([definite_plural(w) for w in self.mal])


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


GOAL_CAPTIONS: Final[dict[str, dict[str, Callable[[GoalWords], str]]]] = {
    NAMND_TEMPLATE: {
        "tbl-maluppfyllelse": lambda w: f"Måluppfyllelse per {w.phrase}",
        "tbl-aktiviteter": lambda w: f"Aktiviteter per {w.phrase}",
    },
    KOMMUN_TEMPLATE: {
        "tbl-roda-traden": lambda w: (
            "Den röda tråden: "
            + join_words([plural(w.inriktningsmal), *(plural(m) for m in w.mal)])
        ),
        "tbl-inriktningsmal": lambda w: f"Bedömning per {w.inriktningsmal.lower()}",
        "tbl-maluppfyllelse-namnder": lambda w: (
            _first_upper(join_words([definite_plural(m) + "s" for m in w.mal]))
            + " bedömning per nämnd"
        ),
    },
}
"""Captions that name the goals: the kommun's and the nämnd's own words (with the default
words each gives the template's caption)."""


def captions(template: str, full_year: bool, words: GoalWords | None = None) -> dict[str, str]:
    """The captions of a report of this kind, and of these goal words, that differ from the
    template's (label → caption)."""
    out = dict(ARSREDOVISNING_CAPTIONS.get(template, {})) if full_year else {}
    defaults = TEMPLATE_LABELS.get(template, {})
    for label, caption in GOAL_CAPTIONS.get(template, {}).items():
        text = caption(words or GoalWords())
        if text != defaults.get(label):
            out[label] = text
    return out
