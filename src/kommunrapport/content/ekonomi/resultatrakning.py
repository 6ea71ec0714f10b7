"""Resultaträkning (mnkr, LKBR): the kommun's income statement for a period.

Rules:

- Each post's sign follows from the post (income +, costs −), whichever sign the data uses,
  so that sums are right.
- In the delårsrapport a line's full-year figure is the prognos; in the årsredovisning it is
  the outcome, shown beside the previous year's outcome.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from kommunrapport.content import formatting as fmt
from kommunrapport.content import period as per
from kommunrapport.content.ekonomi.tal import diff, num
from kommunrapport.content.tables import Kolumn, Tabell
from kommunrapport.data.model import Kommunmodell, Period

RR_POSTER: Final = (
    ("verksamhetens_intakter", "Verksamhetens intäkter", 1),
    ("verksamhetens_kostnader", "Verksamhetens kostnader", -1),
    ("avskrivningar", "Avskrivningar", -1),
    ("skatteintakter", "Skatteintäkter", 1),
    ("generella_statsbidrag_och_utjamning", "Generella statsbidrag och utjämning", 1),
    ("finansiella_intakter", "Finansiella intäkter", 1),
    ("finansiella_kostnader", "Finansiella kostnader", -1),
    ("extraordinara_poster", "Extraordinära poster", 0),
)
"""(post, label, sign): 1 income, −1 cost, 0 as given."""


@dataclass(frozen=True)
class Belopp:
    """One line of a statement: outcome so far, full-year prognos, budget (mnkr)."""

    utfall: float | None = None
    prognos: float | None = None
    budget: float | None = None

    def __add__(self, other: Belopp) -> Belopp:
        def add(a: float | None, b: float | None) -> float | None:
            return None if a is None or b is None else a + b

        return Belopp(
            add(self.utfall, other.utfall),
            add(self.prognos, other.prognos),
            add(self.budget, other.budget),
        )


@dataclass(frozen=True)
class Resultatrakning:
    period: Period
    poster: dict[str, Belopp]
    foregaende_ar: dict[str, Belopp] = field(default_factory=dict)

    def has_data(self) -> bool:
        return bool(self.poster)

    def post(self, name: str) -> Belopp:
        return self.poster.get(name, Belopp(0.0, 0.0, 0.0))

    def _sum(self, names: list[str], source: dict[str, Belopp] | None = None) -> Belopp:
        src = self.poster if source is None else source
        total = Belopp(0.0, 0.0, 0.0)
        for n in names:
            total = total + src.get(n, Belopp(0.0, 0.0, 0.0))
        return total

    def verksamhetens_nettokostnader(self) -> Belopp:
        return self._sum(["verksamhetens_intakter", "verksamhetens_kostnader", "avskrivningar"])

    def skatter_och_bidrag(self) -> Belopp:
        return self._sum(["skatteintakter", "generella_statsbidrag_och_utjamning"])

    def finansnetto(self) -> Belopp:
        return self._sum(["finansiella_intakter", "finansiella_kostnader"])

    def resultat_efter_finansiella_poster(self) -> Belopp:
        return self.verksamhetens_nettokostnader() + self.skatter_och_bidrag() + self.finansnetto()

    def arets_resultat(self) -> Belopp:
        return self.resultat_efter_finansiella_poster() + self.post("extraordinara_poster")

    def helar(self, b: Belopp) -> float | None:
        """The full-year figure of a line: utfall in the årsredovisning, else prognos."""
        return b.utfall if per.is_full_year(self.period) else b.prognos


def _signed(post_sign: int, value: object) -> float | None:
    v = num(value)
    if v is None or post_sign == 0:
        return v
    return post_sign * abs(v)


def resultatrakning_poster(model: Kommunmodell, period_id: str) -> dict[str, Belopp]:
    """The period's lines as given, each with its post's sign (empty when there are none)."""
    t = model.table("resultatrakning")
    t = t[t["period"] == period_id]
    signs = {post: s for post, _, s in RR_POSTER}
    out: dict[str, Belopp] = {}
    for _, r in t.iterrows():
        s = signs[str(r["post"])]
        out[str(r["post"])] = Belopp(
            _signed(s, r["utfall"]),
            _signed(s, r.get("prognos")),
            _signed(s, r.get("budget")),
        )
    return out


def resultatrakning(model: Kommunmodell, period_id: str) -> Resultatrakning:
    p = per.period(model, period_id)
    previous = (
        resultatrakning_poster(model, per.last_year_end(period_id)) if per.is_full_year(p) else {}
    )
    return Resultatrakning(p, resultatrakning_poster(model, period_id), previous)


def resultatrakning_tabell(rr: Resultatrakning, *, decimaler: int = 1) -> Tabell:
    p = rr.period
    full_year = per.is_full_year(p)
    prev = rr.foregaende_ar
    if full_year:
        cols = [Kolumn.text("Post"), Kolumn.tal(f"Utfall {p.year} (mnkr)")]
        cols.append(Kolumn.tal(f"Budget {p.year} (mnkr)"))
        cols.append(Kolumn.tal("Avvikelse (mnkr)"))
        if prev:
            cols.append(Kolumn.tal(f"Utfall {p.year - 1} (mnkr)"))
    else:
        cols = [
            Kolumn.text("Post"),
            Kolumn.tal(f"Utfall {fmt.month_span(p.month)} (mnkr)"),
            Kolumn.tal("Prognos helår (mnkr)"),
            Kolumn.tal("Budget helår (mnkr)"),
            Kolumn.tal("Avvikelse (mnkr)"),
        ]

    def cells(label: str, b: Belopp, prev_b: Belopp | None) -> tuple[str, ...]:
        if full_year:
            row = [label, fmt.number(b.utfall, decimaler), fmt.number(b.budget, decimaler)]
            row.append(fmt.number(diff(b.utfall, b.budget), decimaler, sign=True))
            if prev:
                row.append(fmt.number(prev_b.utfall if prev_b else None, decimaler))
            return tuple(row)
        return (
            label,
            fmt.number(b.utfall, decimaler),
            fmt.number(b.prognos, decimaler),
            fmt.number(b.budget, decimaler),
            fmt.number(diff(b.prognos, b.budget), decimaler, sign=True),
        )

    prev_rr = Resultatrakning(p, prev)
    body: list[tuple[str, ...]] = []
    bold: set[int] = set()

    def post(name: str, label: str) -> None:
        body.append(cells(label, rr.post(name), prev.get(name)))

    def total(label: str, b: Belopp, prev_b: Belopp) -> None:
        bold.add(len(body))
        body.append(cells(label, b, prev_b if prev else None))

    labels = {p_: lbl for p_, lbl, _ in RR_POSTER}
    for name in ("verksamhetens_intakter", "verksamhetens_kostnader", "avskrivningar"):
        post(name, labels[name])
    total(
        "Verksamhetens nettokostnader",
        rr.verksamhetens_nettokostnader(),
        prev_rr.verksamhetens_nettokostnader(),
    )
    for name in ("skatteintakter", "generella_statsbidrag_och_utjamning"):
        post(name, labels[name])
    total(
        "Verksamhetens resultat",
        rr.verksamhetens_nettokostnader() + rr.skatter_och_bidrag(),
        prev_rr.verksamhetens_nettokostnader() + prev_rr.skatter_och_bidrag(),
    )
    for name in ("finansiella_intakter", "finansiella_kostnader"):
        post(name, labels[name])
    total(
        "Resultat efter finansiella poster",
        rr.resultat_efter_finansiella_poster(),
        prev_rr.resultat_efter_finansiella_poster(),
    )
    post("extraordinara_poster", labels["extraordinara_poster"])
    total("Årets resultat", rr.arets_resultat(), prev_rr.arets_resultat())
    what = "utfall − budget" if full_year else "prognos − budget"
    notes = [f"Avvikelse = {what}; intäkter är positiva och kostnader negativa tal."]
    return Tabell(
        tuple(cols),
        tuple(body) if rr.has_data() else (),
        noter=tuple(notes),
        markerade=frozenset(bold),
        tom="Resultaträkning saknas för perioden.",
    )
