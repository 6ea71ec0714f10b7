"""The assessment rules: indicator → nämndmål → inriktningsmål, each with its reason.

The rule's settings are data (:class:`~kommunrapport.data.model.Bedomningsregel`: the kommun's
default in ``data/malkedja.yml``, an indicator may set its own); an analyst may override any
bedömning with a required motivation (dataset ``bedomningar``), and the report shows both.
A nämndmål without indicators is assessed by the nämnd itself (a ``bedomningar`` row for the
goal): that is its bedömning, shown as the nämnd's, not as a change of the rule's.

Indicator (for the report year):
  *uppfyllt* when the value is at or beyond the target in the right direction;
  *delvis uppfyllt* when it misses by at most the margin (``marginal`` percent of the target,
  or ``marginal`` units when ``marginal_enhet: enheter``); *ej uppfyllt* otherwise;
  *ej bedömbar* when the year has no value or no target.
Nämndmål, from its indicators (and inriktningsmål, from its nämndmål) by :func:`aggregate`:
  *ej bedömbar* if none is assessable; *uppfyllt* if all assessable are uppfyllt;
  *ej uppfyllt* if all assessable are ej uppfyllt; else *delvis uppfyllt*.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Literal

from kommunrapport.content import formatting as fmt
from kommunrapport.data.model import Bedomningsregel, Inriktningsmal, Namndmal


class Bedomning(StrEnum):
    """The four-step scale of the goals (and of internkontroll)."""

    UPPFYLLT = "uppfyllt"
    DELVIS = "delvis uppfyllt"
    EJ_UPPFYLLT = "ej uppfyllt"
    EJ_BEDOMBAR = "ej bedömbar"

    @property
    def text(self) -> str:
        """As shown in a table cell: ``Delvis uppfyllt``."""
        return self.value[:1].upper() + self.value[1:]

    @property
    def signal(self) -> str:
        """The traffic-light colour as a word (never colour alone)."""
        return _SIGNAL[self]

    @property
    def assessable(self) -> bool:
        return self is not Bedomning.EJ_BEDOMBAR


_SIGNAL: Final = {
    Bedomning.UPPFYLLT: "grön",
    Bedomning.DELVIS: "gul",
    Bedomning.EJ_UPPFYLLT: "röd",
    Bedomning.EJ_BEDOMBAR: "grå",
}

ORDER: Final = (Bedomning.UPPFYLLT, Bedomning.DELVIS, Bedomning.EJ_UPPFYLLT, Bedomning.EJ_BEDOMBAR)

INTERNKONTROLL: Final = {
    "inga avvikelser": Bedomning.UPPFYLLT,
    "mindre avvikelser": Bedomning.DELVIS,
    "väsentliga avvikelser": Bedomning.EJ_UPPFYLLT,
    "ej genomförd": Bedomning.EJ_BEDOMBAR,
}
"""Internkontroll results on the same scale as the goals."""


@dataclass(frozen=True)
class Andring:
    """An analyst's override of a rule's bedömning, with its required motivation."""

    bedomning: Bedomning
    motivering: str


def _with_override(rule: Bedomning, reason: str, andring: Andring | None) -> tuple[Bedomning, str]:
    if andring is None or andring.bedomning is rule:
        if andring is not None:
            return rule, f"{reason} Bedömningen är bekräftad: {andring.motivering}"
        return rule, reason
    return (
        andring.bedomning,
        f"Ändrad bedömning (enligt regeln: {rule.value}): {andring.motivering} "
        f"Regelns skäl: {reason}",
    )


class _Overridable:
    """A rule's bedömning and reason (``enligt_regel``, ``skal_regel``) with an analyst's
    optional override (``andring``); the subclass dataclasses declare the three fields."""

    enligt_regel: Bedomning
    skal_regel: str
    andring: Andring | None

    @property
    def bedomning(self) -> Bedomning:
        return _with_override(self.enligt_regel, self.skal_regel, self.andring)[0]

    @property
    def skal(self) -> str:
        return _with_override(self.enligt_regel, self.skal_regel, self.andring)[1]


# --- indicators ---------------------------------------------------------------------------


def margin_for(target: float, rule: Bedomningsregel) -> float:
    """How far (in the indicator's unit) a value may miss the target and be delvis uppfyllt."""
    if rule.marginal_enhet == "enheter":
        return rule.marginal
    return abs(target) * rule.marginal / 100.0


def judge(
    value: float | None,
    target: float | None,
    riktning: Literal["högre", "lägre"],
    rule: Bedomningsregel,
) -> Bedomning:
    """The rule for one indicator value against its target."""
    if value is None or target is None or fmt.is_missing(value) or fmt.is_missing(target):
        return Bedomning.EJ_BEDOMBAR
    shortfall = (target - value) if riktning == "högre" else (value - target)
    eps = 1e-9 * max(1.0, abs(target))
    if shortfall <= eps:
        return Bedomning.UPPFYLLT
    if shortfall <= margin_for(target, rule) + eps:
        return Bedomning.DELVIS
    return Bedomning.EJ_UPPFYLLT


Formatter = Callable[[float | None], str]


@dataclass(frozen=True)
class IndikatorBedomning(_Overridable):
    """One indicator's assessment for the report year."""

    id: str
    namn: str
    ar: int
    varde: float | None
    mal: float | None
    enligt_regel: Bedomning
    skal_regel: str
    andring: Andring | None = None


def assess_indicator(
    *,
    id: str,
    namn: str,
    year: int,
    value: float | None,
    target: float | None,
    riktning: Literal["högre", "lägre"],
    rule: Bedomningsregel,
    show: Formatter,
    show_diff: Formatter,
    andring: Andring | None = None,
) -> IndikatorBedomning:
    """Judge ``value`` against ``target`` and say why (``show`` formats a value with unit)."""
    result = judge(value, target, riktning, rule)
    if target is None or fmt.is_missing(target):
        reason = f"Målvärde för {year} saknas."
    elif value is None or fmt.is_missing(value):
        reason = f"Utfall för {year} saknas ännu (målvärde {show(target)})."
    else:
        shortfall = abs(value - target)
        if rule.marginal_enhet == "enheter":
            margin_text = f"{fmt.number(rule.marginal, fmt.decimals_for([rule.marginal]))} enheter"
        else:
            margin_text = (
                f"{fmt.percent(rule.marginal, fmt.decimals_for([rule.marginal]))} av målvärdet"
            )
        if result is Bedomning.UPPFYLLT:
            reason = f"Utfallet {year}, {show(value)}, når målvärdet {show(target)}."
        elif result is Bedomning.DELVIS:
            reason = (
                f"Utfallet {year}, {show(value)}, missar målvärdet {show(target)} med "
                f"{show_diff(shortfall)}, inom marginalen {margin_text}."
            )
        else:
            reason = (
                f"Utfallet {year}, {show(value)}, missar målvärdet {show(target)} med "
                f"{show_diff(shortfall)}, mer än marginalen {margin_text}."
            )
    return IndikatorBedomning(id, namn, year, value, target, result, reason, andring)


# --- aggregation ----------------------------------------------------------------------------


def aggregate(parts: Sequence[Bedomning]) -> Bedomning:
    """A goal's bedömning from its parts' bedömningar (the stated rule, see module doc)."""
    assessable = [b for b in parts if b.assessable]
    if not assessable:
        return Bedomning.EJ_BEDOMBAR
    if all(b is Bedomning.UPPFYLLT for b in assessable):
        return Bedomning.UPPFYLLT
    if all(b is Bedomning.EJ_UPPFYLLT for b in assessable):
        return Bedomning.EJ_UPPFYLLT
    return Bedomning.DELVIS


def counts(parts: Sequence[Bedomning]) -> dict[Bedomning, int]:
    """How many of each bedömning, in scale order (zeros included)."""
    return {b: sum(1 for p in parts if p is b) for b in ORDER}


@dataclass(frozen=True)
class NamndmalBedomning(_Overridable):
    """A nämndmål's assessment: its indicators, the rule's result and any override."""

    namndmal: Namndmal
    indikatorer: tuple[IndikatorBedomning, ...]
    enligt_regel: Bedomning
    skal_regel: str
    andring: Andring | None = None
    kommentar: str = ""
    """The analyst's comment on the goal for the period (dataset ``malkommentarer``)."""

    @property
    def namndens(self) -> bool:
        """A goal without indicators that the nämnd assesses itself: its bedömning is the
        nämnd's own (first-class), not a change of the rule's."""
        return not self.indikatorer and self.andring is not None

    @property
    def bedomning(self) -> Bedomning:
        if self.namndens and self.andring is not None:
            return self.andring.bedomning
        return _with_override(self.enligt_regel, self.skal_regel, self.andring)[0]

    @property
    def skal(self) -> str:
        if self.namndens and self.andring is not None:
            return f"Nämndens bedömning: {self.andring.motivering}"
        return _with_override(self.enligt_regel, self.skal_regel, self.andring)[1]

    @property
    def grund(self) -> str:
        """What the bedömning rests on: ``indikatorer``, ``nämndens bedömning`` or
        ``ändrad bedömning``."""
        if self.namndens:
            return "nämndens bedömning"
        if self.andring is not None and self.andring.bedomning is not self.enligt_regel:
            return "ändrad bedömning"
        return "indikatorer"


def _summary(
    head: str,
    c: dict[Bedomning, int],
    *,
    delvis: Callable[[int], str],
    ej_uppfyllt: Callable[[int], str],
    ej_bedombar: Callable[[int], str],
) -> str:
    """A goal's reason from its parts' counts ``c``: ``head``, then the delvis and ej
    uppfyllt parts (``2 inom marginalen och 1 utanför marginalen``), then the parts that
    cannot be assessed; each callable words its (non-zero) count."""
    extra = []
    if c[Bedomning.DELVIS]:
        extra.append(delvis(c[Bedomning.DELVIS]))
    if c[Bedomning.EJ_UPPFYLLT]:
        extra.append(ej_uppfyllt(c[Bedomning.EJ_UPPFYLLT]))
    text = head
    if extra:
        text += ", " + fmt.join_words(extra)
    text += "."
    if c[Bedomning.EJ_BEDOMBAR]:
        text += " " + ej_bedombar(c[Bedomning.EJ_BEDOMBAR])
    return text


def namndmal_reason(parts: Sequence[IndikatorBedomning], year: int) -> str:
    """``3 av 4 indikatorer når målvärdet.`` and what else the reader needs to know."""
    if not parts:
        return "Nämndmålet saknar indikatorer och kan inte bedömas."
    c = counts([p.bedomning for p in parts])
    assessable = len(parts) - c[Bedomning.EJ_BEDOMBAR]
    if assessable == 0:
        missing_value = sum(1 for p in parts if p.varde is None and p.mal is not None)
        why = f"utfall för {year} saknas" if missing_value else f"målvärde för {year} saknas"
        n = len(parts)
        noun = "indikatorn" if n == 1 else f"de {fmt.number(n)} indikatorerna"
        return f"Ingen bedömning är möjlig: {why} för {noun}."
    noun = "indikator" if assessable == 1 else "indikatorer"
    return _summary(
        f"{c[Bedomning.UPPFYLLT]} av {assessable} {noun} når målvärdet",
        c,
        delvis=lambda n: f"{n} inom marginalen",
        ej_uppfyllt=lambda n: f"{n} utanför marginalen",
        ej_bedombar=lambda n: (
            f"{n} {'indikator' if n == 1 else 'indikatorer'} kan inte bedömas ännu."
        ),
    )


def assess_namndmal(
    namndmal: Namndmal,
    parts: Sequence[IndikatorBedomning],
    year: int,
    andring: Andring | None = None,
    kommentar: str = "",
) -> NamndmalBedomning:
    rule = aggregate([p.bedomning for p in parts])
    return NamndmalBedomning(
        namndmal, tuple(parts), rule, namndmal_reason(parts, year), andring, kommentar
    )


@dataclass(frozen=True)
class InriktningsmalBedomning:
    inriktningsmal: Inriktningsmal
    namndmal: tuple[NamndmalBedomning, ...]
    bedomning: Bedomning
    skal: str


def _uppfyllt(n: int) -> str:
    return "uppfyllt" if n == 1 else "uppfyllda"


def inriktningsmal_reason(parts: Sequence[NamndmalBedomning]) -> str:
    if not parts:
        return "Inget nämndmål bidrar till inriktningsmålet."
    c = counts([p.bedomning for p in parts])
    assessable = len(parts) - c[Bedomning.EJ_BEDOMBAR]
    if assessable == 0:
        return f"Inget av {len(parts)} nämndmål kan bedömas."
    up = c[Bedomning.UPPFYLLT]
    return _summary(
        f"{up} av {assessable} bedömda nämndmål är {_uppfyllt(up)}",
        c,
        delvis=lambda n: f"{n} delvis {_uppfyllt(n)}",
        ej_uppfyllt=lambda n: f"{n} ej {_uppfyllt(n)}",
        ej_bedombar=lambda n: f"{n} nämndmål kan inte bedömas.",
    )


def assess_inriktningsmal(
    inriktningsmal: Inriktningsmal, parts: Sequence[NamndmalBedomning]
) -> InriktningsmalBedomning:
    return InriktningsmalBedomning(
        inriktningsmal,
        tuple(parts),
        aggregate([p.bedomning for p in parts]),
        inriktningsmal_reason(parts),
    )
