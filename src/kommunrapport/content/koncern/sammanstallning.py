"""Sammanställda räkenskaper (LKBR 12 kap., RKR R16): the kommun and the owned share of
each included koncernföretag, then the eliminations, post by post.

Rules:

- **Proportional consolidation.** Each included company's lines (``koncernrakenskaper``,
  100 % of the company) are taken in times the kommun's share of the capital
  (``andel_kapital`` in data/koncern.yml). Resultaträkning lines get their post's sign
  (income +, costs −), as in the kommun's own statements; ``eget_kapital`` is read as
  including årets resultat unless only the other reading balances.
- **Eliminations.** Each row of ``koncernelimineringar`` is one side of an internal
  transaction or balance (see :mod:`kommunrapport.data.koncerncheck`). The amount taken out
  is the row's amount times the lower of the two parties' shares (the kommun's is 100 %),
  or, for shares against equity and dividends, times the booking party's own share. It is
  taken out of the row's post with that post's sign: an internal sale lowers the income and
  the cost alike; a receivable and its liability go together; the shares leave the
  financial assets and the equity they bought leaves the equity.
- An elimination that changes the result (a dividend) also changes ``arets_resultat`` and
  ``eget_kapital`` in the balansräkning; the dividend's payer gets its equity back, so the
  koncern's equity is unchanged. In the kassaflödesanalys a dividend inside the koncern
  leaves the löpande verksamhet (received) and the finansieringsverksamhet (paid).
- Every line reconciles: ``kommun + sum of the companies' shares − elimination = koncern``
  (:class:`Rad`). The koncern's investments are the kommun's nettoinvesteringar (the
  investment projects' outcome) plus the companies' shares of theirs.
- The companies and shares of data/koncern.yml apply to every year shown, this year's and
  the previous year's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Final

from kommunrapport.content.ekonomi.balansrakning import (
    Balansrakning,
    balansrakning_vid,
    las_balansrakning,
)
from kommunrapport.content.ekonomi.investeringar import investeringar
from kommunrapport.content.ekonomi.nyckeltal import TKR_PER_MNKR
from kommunrapport.content.ekonomi.resultatrakning import RR_POSTER, resultatrakning_poster
from kommunrapport.content.ekonomi.tal import known_sum, num
from kommunrapport.data.koncerncheck import ELIMINERINGSREGLER
from kommunrapport.data.model import Kommunmodell, Koncernforetag
from kommunrapport.data.values import (
    BALANSRAKNING_POSTER,
    KASSAFLODE_DELAR,
    KOMMUN_PART,
    RESULTATRAKNING_POSTER,
)

RR_TECKEN: Final[dict[str, int]] = {post: sign for post, _, sign in RR_POSTER}
NETTOINVESTERINGAR: Final = "nettoinvesteringar"


@dataclass(frozen=True)
class Rad:
    """One post: the kommun, each company's share, the elimination and the koncern (mnkr).

    ``eliminering`` is the amount taken out, with the post's sign, so that
    ``koncern = kommun + sum(foretag) − eliminering``."""

    post: str
    kommun: float | None
    foretag: tuple[float | None, ...]
    eliminering: float = 0.0

    @property
    def andel_foretag(self) -> float | None:
        return known_sum(list(self.foretag))

    @property
    def koncern(self) -> float | None:
        parts = [self.kommun, *self.foretag]
        if all(v is None for v in parts) and not self.eliminering:
            return None
        return sum(v for v in parts if v is not None) - self.eliminering


@dataclass(frozen=True)
class Eliminering:
    """One row of the eliminations as computed: what was taken out of which post."""

    typ: str
    part: str
    motpart: str
    post: str
    belopp: float
    """The amount in the party's own books (100 %), mnkr."""
    andel: float
    """The share eliminated (a fraction)."""

    @property
    def eliminerat(self) -> float:
        return self.belopp * self.andel


@dataclass(frozen=True)
class Sammanstallning:
    """The kommun and the koncern at one period's end (resultaträkning: the period so far)."""

    period_id: str
    foretag: tuple[Koncernforetag, ...]
    rr: dict[str, Rad]
    br: dict[str, Rad]
    kf: dict[str, Rad]
    nettoinvesteringar: Rad
    elimineringar: tuple[Eliminering, ...] = ()
    foretag_med_data: frozenset[str] = field(default_factory=frozenset)

    def has_data(self) -> bool:
        """Whether any company has figures for the period (else there is no koncern to show)."""
        return bool(self.foretag_med_data)

    def rad(self, post: str) -> Rad:
        if post == NETTOINVESTERINGAR:
            return self.nettoinvesteringar
        for part in (self.rr, self.br, self.kf):
            if post in part:
                return part[post]
        raise KeyError(post)

    def belopp(self, post: str, koncern: bool) -> float | None:
        """The kommun's or the koncern's amount of one post."""
        r = self.rad(post)
        return r.koncern if koncern else r.kommun

    def summa(self, posts: tuple[str, ...], koncern: bool) -> float | None:
        return known_sum([self.belopp(p, koncern) for p in posts])

    def balansrakning(self, koncern: bool) -> Balansrakning:
        """The kommun's or the koncern's balance sheet (``eget_kapital`` including the
        result)."""
        posts = {p: v for p in self.br if (v := self.belopp(p, koncern)) is not None}
        return Balansrakning(self.period_id, posts, True)

    def arets_resultat(self, koncern: bool) -> float | None:
        return self.summa(RESULTATRAKNING_POSTER, koncern)


def _company_lines(model: Kommunmodell, period_id: str) -> dict[str, dict[str, float]]:
    t = model.table("koncernrakenskaper")
    t = t[t["period"] == period_id]
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for _, r in t.iterrows():
        value = num(r["belopp"])
        if value is not None:
            out[str(r["foretag"])][str(r["post"])] = value
    return out


def _signed_rr(post: str, value: float) -> float:
    sign = RR_TECKEN[post]
    return value if sign == 0 else sign * abs(value)


def _br_values(period_id: str, posts: dict[str, float]) -> dict[str, float]:
    """Balance-sheet posts with ``eget_kapital`` including årets resultat."""
    br_posts = {p: v for p, v in posts.items() if p in BALANSRAKNING_POSTER}
    if not br_posts:
        return {}
    br = las_balansrakning(period_id, br_posts)
    return {**br_posts, "eget_kapital": br.eget_kapital}


def _kommun_values(model: Kommunmodell, period_id: str, report: bool) -> dict[str, float]:
    values: dict[str, float] = {}
    for post, b in resultatrakning_poster(model, period_id).items():
        if b.utfall is not None:
            values[post] = b.utfall
    values.update(_br_values(period_id, balansrakning_vid(model, period_id).poster))
    t = model.table("kassaflode")
    for _, r in t[t["period"] == period_id].iterrows():
        v = num(r["belopp"])
        if str(r["post"]) in KASSAFLODE_DELAR and v is not None:
            values[str(r["post"])] = v
    if report:
        total = investeringar(model, period_id, None).summa.utfall
        if total is not None:
            values[NETTOINVESTERINGAR] = total / TKR_PER_MNKR
    return values


def _eliminations(
    model: Kommunmodell, period_id: str, shares: dict[str, float]
) -> tuple[list[Eliminering], dict[str, float]]:
    """The period's eliminations and the amount taken out of each post (post's sign)."""
    t = model.table("koncernelimineringar")
    t = t[t["period"] == period_id]
    rows: list[Eliminering] = []
    taken: dict[str, float] = defaultdict(float)
    for _, r in t.iterrows():
        typ, part, motpart, post = (str(r[c]) for c in ("typ", "part", "motpart", "post"))
        amount = num(r["belopp"])
        if amount is None or part not in shares or motpart not in shares:
            continue
        rule = ELIMINERINGSREGLER[typ]
        share = shares[part] if rule.agarandel else min(shares[part], shares[motpart])
        e = Eliminering(typ, part, motpart, post, abs(amount), share)
        rows.append(e)
        if post in RR_TECKEN:
            taken[post] += _signed_rr(post, e.eliminerat)
        elif post == "eget_kapital":
            taken[post] += -rule.eget_kapital_tecken * e.eliminerat
        else:
            taken[post] += e.eliminerat
        if typ == "utdelning" and post in rule.a_poster:
            taken["lopande_verksamhet"] += e.eliminerat
            taken["finansieringsverksamhet"] -= e.eliminerat
    result_change = -sum(taken.get(p, 0.0) for p in RESULTATRAKNING_POSTER)
    if result_change:
        taken["arets_resultat"] -= result_change
        taken["eget_kapital"] -= result_change
    return rows, dict(taken)


def sammanstallning(model: Kommunmodell, period_id: str, *, report: bool = True) -> Sammanstallning:
    """The sammanställda räkenskaper at the end of ``period_id`` (``report``: a period of
    the report, whose kommun investments are known; False for the previous year)."""
    companies = tuple(model.koncern.ingaende()) if model.koncern else ()
    shares = {f.id: f.andel for f in companies}
    shares[KOMMUN_PART] = 1.0
    kommun = _kommun_values(model, period_id, report)
    lines = _company_lines(model, period_id)
    weighted: list[dict[str, float]] = []
    for f in companies:
        own = lines.get(f.id, {})
        values = {p: _signed_rr(p, v) for p, v in own.items() if p in RR_TECKEN}
        values.update(_br_values(period_id, own))
        values.update(
            {p: v for p, v in own.items() if p in (*KASSAFLODE_DELAR, NETTOINVESTERINGAR)}
        )
        weighted.append({p: v * f.andel for p, v in values.items()})
    rows, taken = _eliminations(model, period_id, shares)

    def rad(post: str) -> Rad:
        return Rad(
            post,
            kommun.get(post),
            tuple(w.get(post) for w in weighted),
            taken.get(post, 0.0),
        )

    return Sammanstallning(
        period_id,
        companies,
        {p: rad(p) for p in RESULTATRAKNING_POSTER},
        {p: rad(p) for p in BALANSRAKNING_POSTER},
        {p: rad(p) for p in KASSAFLODE_DELAR},
        rad(NETTOINVESTERINGAR),
        tuple(rows),
        frozenset(f.id for f in companies if lines.get(f.id)),
    )
