"""Ekonomi: driftredovisning, investeringar, resultat- och balansräkning, balanskravet,
finansiella mål for god ekonomisk hushållning and key ratios (LKBR, RKR R15/R17).

Conventions:

- Driftredovisning and investeringar are in tkr; the kommun's statements in mnkr.
- *Avvikelse* is positive when the outcome is better than budget (a surplus): budget −
  prognos for costs stored as positive numbers, prognos − budget when a kommun stores net
  costs as negative numbers (detected from the sign of the nämnd's total budget).
- In the delårsrapport (and the tertialrapport) the full-year figures are the prognos; in the
  årsredovisning they are the outcome (RKR R17: balanskravsresultat on the full-year prognos).
- Resultaträkning: each post's sign follows from the post (income +, costs −), whichever sign
  the data uses, so that sums are right.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import pandas as pd

from kommunrapport.content import formatting as fmt
from kommunrapport.content import period as per
from kommunrapport.content.assessment import Bedomning
from kommunrapport.content.tables import Kolumn, Tabell
from kommunrapport.data.model import FinansielltMal, Kommunmodell, Period

TKR_PER_MNKR: Final = 1000.0


def _num(value: object) -> float | None:
    if value is None or fmt.is_missing(value):
        return None
    return float(value)  # type: ignore[arg-type]


def _sum(values: list[float | None]) -> float | None:
    real = [v for v in values if v is not None]
    return sum(real) if real else None


def _sub(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


# --- driftredovisning ---------------------------------------------------------------------


@dataclass(frozen=True)
class DriftRad:
    namn: str
    budget: float | None
    utfall: float | None
    prognos: float | None
    avvikelse: float | None
    forbrukat: float | None
    """Utfall as a share of the budget (percent)."""


@dataclass(frozen=True)
class Drift:
    """Driftredovisning (tkr): one row per verksamhet (or per nämnd) and the total."""

    period: Period
    rader: tuple[DriftRad, ...]
    summa: DriftRad
    kostnad_negativ: bool = False

    @property
    def full_year(self) -> bool:
        return per.is_full_year(self.period)


def _drift_rad(namn: str, b: float | None, u: float | None, p: float | None, sign: int) -> DriftRad:
    return DriftRad(
        namn, b, u, p, None if b is None or p is None else sign * (b - p), fmt.share(u, b)
    )


def _drift(p: Period, frame: pd.DataFrame, by: str, names: dict[str, str]) -> Drift:
    full_year = per.is_full_year(p)
    total_budget = float(frame["budget"].sum()) if not frame.empty else 0.0
    sign = -1 if total_budget < 0 else 1
    rows = []
    for key, group in frame.groupby(by, sort=False):
        b = _num(group["budget"].sum(min_count=1))
        u = _num(group["utfall"].sum(min_count=1))
        pr = u if full_year else _num(group["prognos"].sum(min_count=1))
        rows.append(_drift_rad(names.get(str(key), str(key)), b, u, pr, sign))
    summa = _drift_rad(
        "Summa",
        _sum([r.budget for r in rows]),
        _sum([r.utfall for r in rows]),
        _sum([r.prognos for r in rows]),
        sign,
    )
    return Drift(p, tuple(rows), summa, sign < 0)


def drift_namnd(model: Kommunmodell, period_id: str, namnd_id: str) -> Drift:
    """The nämnd's driftredovisning per verksamhet."""
    p = per.period(model, period_id)
    t = model.table("driftredovisning")
    t = t[(t["period"] == period_id) & (t["namnd"] == namnd_id)]
    return _drift(p, t, "verksamhet", {})


def drift_kommun(model: Kommunmodell, period_id: str) -> Drift:
    """The driftredovisning per nämnd (sum of verksamheter), in params order."""
    p = per.period(model, period_id)
    order = [n.id for n in p.namnder]
    t = model.table("driftredovisning")
    t = t[(t["period"] == period_id) & (t["namnd"].isin(order))].copy()
    t["_order"] = t["namnd"].map({n: i for i, n in enumerate(order)})
    t = t.sort_values("_order", kind="stable")
    names = {n.id: n.namn for n in model.organisation.namnder}
    return _drift(p, t, "namnd", names)


def drift_tabell(d: Drift, forsta: str = "Verksamhet") -> Tabell:
    p = d.period
    what = "utfall" if d.full_year else "prognos för helåret"
    formula = f"budget − {what}"
    if d.kostnad_negativ:
        formula = f"{what} − budget (nettokostnaderna är negativa tal)"
    notes = [f"Avvikelse = {formula}; positivt tal är ett överskott mot budget."]
    cols: tuple[Kolumn, ...]
    if d.full_year:
        cols = (
            Kolumn.text(forsta),
            Kolumn.tal("Budget (tkr)"),
            Kolumn.tal("Utfall (tkr)"),
            Kolumn.tal("Avvikelse (tkr)"),
            Kolumn.tal("Utfall av budget (%)"),
        )
    else:
        cols = (
            Kolumn.text(forsta),
            Kolumn.tal("Budget helår (tkr)"),
            Kolumn.tal(f"Utfall {fmt.month_span(p.month)} (tkr)"),
            Kolumn.tal("Prognos helår (tkr)"),
            Kolumn.tal("Avvikelse (tkr)"),
            Kolumn.tal("Förbrukat av budget (%)"),
        )
        notes.append(
            f"Perioden omfattar {p.month} av 12 månader "
            f"({fmt.percent(per.share_of_year(p))} av året): jämför med andelen förbrukad budget."
        )

    def cells(r: DriftRad) -> tuple[str, ...]:
        middle = (
            (fmt.number(r.utfall),)
            if d.full_year
            else (
                fmt.number(r.utfall),
                fmt.number(r.prognos),
            )
        )
        return (
            r.namn,
            fmt.number(r.budget),
            *middle,
            fmt.number(r.avvikelse, sign=True),
            fmt.number(r.forbrukat),
        )

    return Tabell(
        cols,
        tuple(cells(r) for r in d.rader),
        summa=(cells(d.summa),) if d.rader else (),
        noter=tuple(notes),
        tom="Driftredovisning saknas för perioden.",
    )


# --- investeringar ------------------------------------------------------------------------


@dataclass(frozen=True)
class InvesteringRad:
    namn: str
    namnd: str
    budget: float | None
    utfall: float | None
    prognos: float | None

    @property
    def avvikelse(self) -> float | None:
        return _sub(self.budget, self.prognos)


@dataclass(frozen=True)
class Investeringar:
    period: Period
    rader: tuple[InvesteringRad, ...]

    @property
    def summa(self) -> InvesteringRad:
        return InvesteringRad(
            "Summa",
            "",
            _sum([r.budget for r in self.rader]),
            _sum([r.utfall for r in self.rader]),
            _sum([r.prognos for r in self.rader]),
        )


def investeringar(model: Kommunmodell, period_id: str, namnd_id: str | None) -> Investeringar:
    """Investment projects of a nämnd (or of every reporting nämnd when ``namnd_id`` is None)."""
    p = per.period(model, period_id)
    t = model.table("investeringar")
    t = t[t["period"] == period_id]
    if namnd_id is not None:
        t = t[t["namnd"] == namnd_id]
    else:
        t = t[t["namnd"].isin([n.id for n in p.namnder])]
    full_year = per.is_full_year(p)
    rows = tuple(
        InvesteringRad(
            str(r["projekt"]),
            str(r["namnd"]),
            _num(r["budget"]),
            _num(r["utfall"]),
            _num(r["utfall"]) if full_year else _num(r["prognos"]),
        )
        for _, r in t.iterrows()
    )
    return Investeringar(p, rows)


def _investering_cols(p: Period, first: str) -> tuple[Kolumn, ...]:
    if per.is_full_year(p):
        return (
            Kolumn.text(first),
            Kolumn.tal("Budget (tkr)"),
            Kolumn.tal("Utfall (tkr)"),
            Kolumn.tal("Avvikelse (tkr)"),
        )
    return (
        Kolumn.text(first),
        Kolumn.tal("Budget helår (tkr)"),
        Kolumn.tal(f"Utfall {fmt.month_span(p.month)} (tkr)"),
        Kolumn.tal("Prognos helår (tkr)"),
        Kolumn.tal("Avvikelse (tkr)"),
    )


def _investering_cells(p: Period, r: InvesteringRad) -> tuple[str, ...]:
    if per.is_full_year(p):
        return (
            r.namn,
            fmt.number(r.budget),
            fmt.number(r.utfall),
            fmt.number(r.avvikelse, sign=True),
        )
    return (
        r.namn,
        fmt.number(r.budget),
        fmt.number(r.utfall),
        fmt.number(r.prognos),
        fmt.number(r.avvikelse, sign=True),
    )


_INV_NOTE = "Avvikelse = budget − {what}; positivt tal betyder lägre utgift än budgeterat."


def investering_tabell(inv: Investeringar) -> Tabell:
    p = inv.period
    what = "utfall" if per.is_full_year(p) else "prognos för helåret"
    return Tabell(
        _investering_cols(p, "Projekt"),
        tuple(_investering_cells(p, r) for r in inv.rader),
        summa=(_investering_cells(p, inv.summa),) if inv.rader else (),
        noter=(_INV_NOTE.format(what=what),),
        tom="Nämnden har inga investeringsprojekt under perioden.",
    )


def investering_per_namnd_tabell(model: Kommunmodell, inv: Investeringar) -> Tabell:
    """The kommun's investeringsredovisning summed per nämnd."""
    p = inv.period
    names = {n.id: n.namn for n in model.organisation.namnder}
    rows = []
    for n in p.namnder:
        mine = [r for r in inv.rader if r.namnd == n.id]
        if not mine:
            continue
        rows.append(
            InvesteringRad(
                names[n.id],
                n.id,
                _sum([r.budget for r in mine]),
                _sum([r.utfall for r in mine]),
                _sum([r.prognos for r in mine]),
            )
        )
    what = "utfall" if per.is_full_year(p) else "prognos för helåret"
    return Tabell(
        _investering_cols(p, "Nämnd"),
        tuple(_investering_cells(p, r) for r in rows),
        summa=(_investering_cells(p, inv.summa),) if rows else (),
        noter=(
            _INV_NOTE.format(what=what),
            f"Summan av {fmt.number(len(inv.rader))} investeringsprojekt.",
        ),
        tom="Inga investeringar redovisas för perioden.",
    )


# --- resultaträkning ------------------------------------------------------------------------

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
    v = _num(value)
    if v is None or post_sign == 0:
        return v
    return post_sign * abs(v)


def _rr_frame(model: Kommunmodell, period_id: str) -> dict[str, Belopp]:
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
    previous = _rr_frame(model, per.last_year_end(period_id)) if per.is_full_year(p) else {}
    return Resultatrakning(p, _rr_frame(model, period_id), previous)


def resultatrakning_tabell(rr: Resultatrakning) -> Tabell:
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
            row = [label, fmt.number(b.utfall, 1), fmt.number(b.budget, 1)]
            row.append(fmt.number(_sub(b.utfall, b.budget), 1, sign=True))
            if prev:
                row.append(fmt.number(prev_b.utfall if prev_b else None, 1))
            return tuple(row)
        return (
            label,
            fmt.number(b.utfall, 1),
            fmt.number(b.prognos, 1),
            fmt.number(b.budget, 1),
            fmt.number(_sub(b.prognos, b.budget), 1, sign=True),
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


# --- balansräkning ------------------------------------------------------------------------

BR_TILLGANGAR: Final = (
    (
        "Anläggningstillgångar",
        (
            ("immateriella_anlaggningstillgangar", "Immateriella anläggningstillgångar"),
            ("materiella_anlaggningstillgangar", "Materiella anläggningstillgångar"),
            ("finansiella_anlaggningstillgangar", "Finansiella anläggningstillgångar"),
        ),
    ),
    (
        "Omsättningstillgångar",
        (
            ("forrad_och_exploatering", "Förråd och exploateringsfastigheter"),
            ("fordringar", "Fordringar"),
            ("kortfristiga_placeringar", "Kortfristiga placeringar"),
            ("kassa_och_bank", "Kassa och bank"),
        ),
    ),
)
BR_AVSATTNINGAR: Final = (
    ("avsattningar_pensioner", "Avsättningar för pensioner"),
    ("andra_avsattningar", "Andra avsättningar"),
)
BR_SKULDER: Final = (
    ("langfristiga_skulder", "Långfristiga skulder"),
    ("kortfristiga_skulder", "Kortfristiga skulder"),
)


@dataclass(frozen=True)
class Balansrakning:
    """The balance sheet at a period's end (mnkr)."""

    period_id: str
    poster: dict[str, float]
    ek_inkl_arets_resultat: bool = True
    """Whether ``eget_kapital`` in the data already includes ``arets_resultat``."""

    def has_data(self) -> bool:
        return bool(self.poster)

    def get(self, post: str) -> float:
        return self.poster.get(post, 0.0)

    def summa(self, posts: tuple[tuple[str, str], ...]) -> float:
        return sum(self.get(p) for p, _ in posts)

    @property
    def anlaggningstillgangar(self) -> float:
        return self.summa(BR_TILLGANGAR[0][1])

    @property
    def omsattningstillgangar(self) -> float:
        return self.summa(BR_TILLGANGAR[1][1])

    @property
    def tillgangar(self) -> float:
        return self.anlaggningstillgangar + self.omsattningstillgangar

    @property
    def eget_kapital(self) -> float:
        ek = self.get("eget_kapital")
        return ek if self.ek_inkl_arets_resultat else ek + self.get("arets_resultat")

    @property
    def avsattningar(self) -> float:
        return self.summa(BR_AVSATTNINGAR)

    @property
    def skulder(self) -> float:
        return self.summa(BR_SKULDER)

    @property
    def ek_och_skulder(self) -> float:
        return self.eget_kapital + self.avsattningar + self.skulder

    @property
    def differens(self) -> float:
        return self.tillgangar - self.ek_och_skulder


def _br(model: Kommunmodell, period_id: str) -> Balansrakning:
    t = model.table("balansrakning")
    t = t[t["period"] == period_id]
    posts = {
        str(r["post"]): float(r["belopp"]) for _, r in t.iterrows() if _num(r["belopp"]) is not None
    }
    inclusive = Balansrakning(period_id, posts, True)
    if posts and abs(inclusive.differens) > 0.05:
        exclusive = Balansrakning(period_id, posts, False)
        if abs(exclusive.differens) <= 0.05:
            return exclusive
    return inclusive


def balansrakning(model: Kommunmodell, period_id: str) -> tuple[Balansrakning, Balansrakning]:
    """The balance sheet at the period's end, and at the previous year's end (maybe empty)."""
    per.period(model, period_id)
    return _br(model, period_id), _br(model, per.last_year_end(period_id))


def balansrakning_tabell(model: Kommunmodell, now: Balansrakning, before: Balansrakning) -> Tabell:
    p = per.period(model, now.period_id)
    cols = [Kolumn.text("Post"), Kolumn.tal(f"{p.slutdatum.isoformat()} (mnkr)")]
    if before.has_data():
        cols.append(Kolumn.tal(f"{p.year - 1}-12-31 (mnkr)"))
    rows: list[tuple[str, ...]] = []
    bold: set[int] = set()

    def add(
        label: str,
        get: str | None = None,
        value: tuple[float, float] | None = None,
        strong: bool = False,
    ) -> None:
        if value is None:
            assert get is not None
            value = (now.get(get), before.get(get))
        cells = [label, fmt.number(value[0], 1)]
        if before.has_data():
            cells.append(fmt.number(value[1], 1))
        if strong:
            bold.add(len(rows))
        rows.append(tuple(cells))

    for group, posts in BR_TILLGANGAR:
        for post, label in posts:
            add(label, post)
        add(f"Summa {group.lower()}", value=(now.summa(posts), before.summa(posts)), strong=True)
    add("Summa tillgångar", value=(now.tillgangar, before.tillgangar), strong=True)
    add("Eget kapital", value=(now.eget_kapital, before.eget_kapital), strong=True)
    add("därav årets resultat", "arets_resultat")
    for post, label in BR_AVSATTNINGAR:
        add(label, post)
    add("Summa avsättningar", value=(now.avsattningar, before.avsattningar), strong=True)
    for post, label in BR_SKULDER:
        add(label, post)
    add("Summa skulder", value=(now.skulder, before.skulder), strong=True)
    add(
        "Summa eget kapital, avsättningar och skulder",
        value=(now.ek_och_skulder, before.ek_och_skulder),
        strong=True,
    )
    add("Ansvarsförbindelse: pensionsförpliktelser före 1998", "ansvarsforbindelse_pensioner")
    notes = [
        "Pensionsförpliktelser intjänade före 1998 redovisas som ansvarsförbindelse "
        "utanför balansräkningen (blandmodellen)."
    ]
    if now.has_data() and abs(now.differens) > 0.05:
        notes.append(
            f"Obs: tillgångarna och eget kapital, avsättningar och skulder skiljer sig åt med "
            f"{fmt.mnkr(now.differens)}; kontrollera data/balansrakning."
        )
    return Tabell(
        tuple(cols),
        tuple(rows) if now.has_data() else (),
        noter=tuple(notes),
        markerade=frozenset(bold),
        tom="Balansräkning saknas för perioden.",
    )


# --- balanskravet -----------------------------------------------------------------------------

BALANSKRAV_STEG: Final = (
    ("realisationsvinster", "Samtliga realisationsvinster", -1),
    ("realisationsvinster_undantag", "Realisationsvinster enligt undantagsmöjlighet", 1),
    ("realisationsforluster_undantag", "Realisationsförluster enligt undantagsmöjlighet", 1),
    ("orealiserade_forluster_vardepapper", "Orealiserade förluster i värdepapper", 1),
    ("aterforing_orealiserade_forluster", "Återföring av orealiserade förluster i värdepapper", -1),
)
RUR_STEG: Final = (
    ("reservering_rur", "Reservering till resultatutjämningsreserv", -1),
    ("anvandning_rur", "Användning av medel från resultatutjämningsreserv", 1),
)


@dataclass(frozen=True)
class Balanskrav:
    """Balanskravsutredning (KL 11 kap. 5 §, LKBR 4 kap. 3 a §), in mnkr."""

    period: Period
    arets_resultat: float | None
    justeringar: tuple[tuple[str, float], ...]
    rur: tuple[tuple[str, float], ...]

    @property
    def efter_justeringar(self) -> float | None:
        if self.arets_resultat is None:
            return None
        return self.arets_resultat + sum(v for _, v in self.justeringar)

    @property
    def resultat(self) -> float | None:
        after = self.efter_justeringar
        return None if after is None else after + sum(v for _, v in self.rur)

    @property
    def bedomning(self) -> Bedomning:
        r = self.resultat
        if r is None:
            return Bedomning.EJ_BEDOMBAR
        return Bedomning.UPPFYLLT if r >= 0 else Bedomning.EJ_UPPFYLLT

    @property
    def grund(self) -> str:
        return "utfall" if per.is_full_year(self.period) else "helårsprognos"


def balanskrav(
    model: Kommunmodell, period_id: str, rr: Resultatrakning | None = None
) -> Balanskrav:
    """The balanskravsresultat: on the outcome for the year, on the full-year prognos in a
    delårsrapport. Adjustments come from the dataset ``balanskravsjusteringar`` (mnkr)."""
    p = per.period(model, period_id)
    rr = rr or resultatrakning(model, period_id)
    result = rr.helar(rr.arets_resultat()) if rr.has_data() else None
    t = model.table("balanskravsjusteringar")
    t = t[t["period"] == period_id]
    given = {str(r["post"]): abs(float(r["belopp"])) for _, r in t.iterrows()}
    adj = tuple((label, sign * given.get(post, 0.0)) for post, label, sign in BALANSKRAV_STEG)
    rur = tuple((label, sign * given.get(post, 0.0)) for post, label, sign in RUR_STEG)
    return Balanskrav(p, result, adj, rur)


def balanskrav_tabell(bk: Balanskrav) -> Tabell:
    grund = "enligt resultaträkningen" if bk.grund == "utfall" else "enligt helårsprognosen"
    rows: list[tuple[str, str]] = [(f"Årets resultat {grund}", fmt.number(bk.arets_resultat, 1))]
    rows += [(label, fmt.number(v, 1, sign=True)) for label, v in bk.justeringar]
    rows.append(
        ("Årets resultat efter balanskravsjusteringar", fmt.number(bk.efter_justeringar, 1))
    )
    rows += [(label, fmt.number(v, 1, sign=True)) for label, v in bk.rur]
    rows.append(("Balanskravsresultat", fmt.number(bk.resultat, 1)))
    if bk.bedomning is Bedomning.UPPFYLLT:
        verdict = "Balanskravet är uppfyllt: balanskravsresultatet är inte negativt."
    elif bk.bedomning is Bedomning.EJ_UPPFYLLT:
        verdict = (
            "Balanskravet är inte uppfyllt: underskottet ska återställas inom tre år "
            "(kommunallagen 11 kap. 12 §)."
        )
    else:
        verdict = "Balanskravet kan inte bedömas: resultat saknas."
    if bk.grund != "utfall":
        verdict += " Bedömningen gäller prognosen för helåret."
    return Tabell(
        (Kolumn.text("Balanskravsutredning"), Kolumn.tal("mnkr")),
        tuple(rows),
        noter=(verdict,),
        markerade=frozenset({0, len(bk.justeringar) + 1, len(rows) - 1}),
    )


# --- key ratios and the financial goals --------------------------------------------------------

NYCKELTAL_NAMN: Final[dict[str, tuple[str, str]]] = {
    "resultat_andel_skatter": ("Årets resultat av skatteintäkter och generella statsbidrag", "%"),
    "nettokostnadsandel": ("Nettokostnadsandel (inklusive finansnetto)", "%"),
    "sjalvfinansieringsgrad": ("Självfinansieringsgrad av nettoinvesteringar", "%"),
    "soliditet": ("Soliditet", "%"),
    "soliditet_inkl_pension": ("Soliditet inklusive pensionsförpliktelser", "%"),
    "kassalikviditet": ("Kassalikviditet", "%"),
    "arets_resultat": ("Årets resultat", "mnkr"),
    "nettoinvesteringar": ("Nettoinvesteringar", "mnkr"),
}


@dataclass(frozen=True)
class Ekonomi:
    """Everything the kommun-level economy needs for one period, computed once."""

    period: Period
    rr: Resultatrakning
    br: Balansrakning
    br_forra: Balansrakning
    investeringar: Investeringar
    nyckeltal: dict[str, float | None]
    nyckeltal_forra: dict[str, float | None]


def _ratios(
    p: Period, rr: Resultatrakning, br: Balansrakning, inv: Investeringar | None
) -> dict[str, float | None]:
    out: dict[str, float | None] = {k: None for k in NYCKELTAL_NAMN}
    if rr.has_data():
        result = rr.helar(rr.arets_resultat())
        taxes = rr.helar(rr.skatter_och_bidrag())
        net_costs = rr.helar(rr.verksamhetens_nettokostnader())
        finance = rr.helar(rr.finansnetto())
        depreciation = rr.helar(rr.post("avskrivningar"))
        out["arets_resultat"] = result
        out["resultat_andel_skatter"] = fmt.share(result, taxes)
        if net_costs is not None and finance is not None:
            out["nettokostnadsandel"] = fmt.share(-(net_costs + finance), taxes)
        if inv is not None and inv.rader:
            total = inv.summa.utfall if per.is_full_year(p) else inv.summa.prognos
            if total is not None:
                out["nettoinvesteringar"] = total / TKR_PER_MNKR
                if result is not None and depreciation is not None:
                    out["sjalvfinansieringsgrad"] = fmt.share(
                        result + abs(depreciation), total / TKR_PER_MNKR
                    )
    if br.has_data():
        assets = br.tillgangar
        out["soliditet"] = fmt.share(br.eget_kapital, assets)
        out["soliditet_inkl_pension"] = fmt.share(
            br.eget_kapital - br.get("ansvarsforbindelse_pensioner"), assets
        )
        current_debt = br.get("kortfristiga_skulder")
        out["kassalikviditet"] = fmt.share(
            br.omsattningstillgangar - br.get("forrad_och_exploatering"), current_debt
        )
    return out


def ekonomi(model: Kommunmodell, period_id: str) -> Ekonomi:
    p = per.period(model, period_id)
    rr = resultatrakning(model, period_id)
    br, br_before = balansrakning(model, period_id)
    inv = investeringar(model, period_id, None)
    before_id = per.last_year_end(period_id)
    rr_before = Resultatrakning(
        Period(
            id=before_id,
            typ="årsredovisning",
            slutdatum=p.slutdatum.replace(year=p.year - 1, month=12, day=31),
            titel=f"Årsredovisning {p.year - 1}",
            namnder=p.namnder,
        ),
        _rr_frame(model, before_id),
    )
    return Ekonomi(
        p,
        rr,
        br,
        br_before,
        inv,
        _ratios(p, rr, br, inv),
        _ratios(rr_before.period, rr_before, br_before, None),
    )


def _ratio_text(key: str, value: float | None) -> str:
    unit = NYCKELTAL_NAMN[key][1]
    return fmt.mnkr(value) if unit == "mnkr" else fmt.percent(value, 1)


def nyckeltal_tabell(e: Ekonomi) -> Tabell:
    p = e.period
    basis = "utfall" if per.is_full_year(p) else "helårsprognos"
    cols = (
        Kolumn.text("Nyckeltal"),
        Kolumn.tal(str(p.year) if per.is_full_year(p) else f"{p.year} ({basis})"),
        Kolumn.tal(f"{p.year - 1}"),
    )
    rows = tuple(
        (name, _ratio_text(key, e.nyckeltal[key]), _ratio_text(key, e.nyckeltal_forra.get(key)))
        for key, (name, _) in NYCKELTAL_NAMN.items()
    )
    notes = (
        "Resultatmåtten och självfinansieringsgraden bygger på "
        + ("årets utfall" if basis == "utfall" else "prognosen för helåret")
        + f"; soliditet och kassalikviditet på balansräkningen per {p.slutdatum.isoformat()}.",
        "Självfinansieringsgrad = (årets resultat + avskrivningar) / nettoinvesteringar. "
        "Soliditet inklusive pensionsförpliktelser räknar av ansvarsförbindelsen för pensioner.",
    )
    return Tabell(cols, rows, noter=notes)


@dataclass(frozen=True)
class FinansielltMalUtfall:
    mal: FinansielltMal
    varde: float | None
    jamforelse: float | None
    bedomning: Bedomning
    skal: str


def _goal_outcome(goal: FinansielltMal, e: Ekonomi) -> FinansielltMalUtfall:
    value = e.nyckeltal.get(goal.matt)
    unit = NYCKELTAL_NAMN[goal.matt][1]

    def show(v: float | None) -> str:
        return fmt.mnkr(v) if unit == "mnkr" else fmt.percent(v, 1)

    year = e.period.year
    basis = "" if per.is_full_year(e.period) else " enligt helårsprognosen"
    if value is None:
        return FinansielltMalUtfall(
            goal, None, None, Bedomning.EJ_BEDOMBAR, f"Underlag för {year} saknas."
        )
    if goal.villkor in ("minst", "högst"):
        target = goal.varde
        assert target is not None
        ok = value >= target - 1e-9 if goal.villkor == "minst" else value <= target + 1e-9
        word = "minst" if goal.villkor == "minst" else "högst"
        reason = f"Utfallet{basis} är {show(value)}; målet är {word} {show(target)}."
        return FinansielltMalUtfall(
            goal, value, target, Bedomning.UPPFYLLT if ok else Bedomning.EJ_UPPFYLLT, reason
        )
    before = e.nyckeltal_forra.get(goal.matt)
    if before is None:
        before = goal.utfall_tidigare.get(year - 1)
    if before is None:
        return FinansielltMalUtfall(
            goal,
            value,
            None,
            Bedomning.EJ_BEDOMBAR,
            f"Utfallet{basis} är {show(value)}; värdet för {year - 1} saknas att jämföra med.",
        )
    up = value > before + 1e-9
    down = value < before - 1e-9
    ok = up if goal.villkor == "ökar" else down
    change = "ökat" if up else "minskat" if down else "är oförändrat"
    reason = f"Värdet har {change} från {show(before)} {year - 1} till {show(value)}{basis}."
    if not up and not down:
        reason = f"Värdet är oförändrat, {show(value)}, jämfört med {year - 1}."
    return FinansielltMalUtfall(
        goal, value, before, Bedomning.UPPFYLLT if ok else Bedomning.EJ_UPPFYLLT, reason
    )


def finansiella_mal(model: Kommunmodell, e: Ekonomi) -> list[FinansielltMalUtfall]:
    goals = model.finansiella_mal.mal if model.finansiella_mal else []
    return [_goal_outcome(g, e) for g in goals]


def finansiella_mal_tabell(outcomes: list[FinansielltMalUtfall]) -> Tabell:
    rows = tuple(
        (o.mal.namn, _ratio_text(o.mal.matt, o.varde), o.bedomning.text, o.skal) for o in outcomes
    )
    n_ok = sum(1 for o in outcomes if o.bedomning is Bedomning.UPPFYLLT)
    notes = []
    if outcomes:
        notes.append(
            f"{n_ok} av {len(outcomes)} finansiella mål är uppfyllda. Kommunfullmäktiges "
            "finansiella mål är en del av god ekonomisk hushållning (kommunallagen 11 kap. 1 §)."
        )
    return Tabell(
        (
            Kolumn.text("Finansiellt mål"),
            Kolumn.tal("Utfall"),
            Kolumn.text("Bedömning"),
            Kolumn.text("Skäl"),
        ),
        rows,
        noter=tuple(notes),
        tom="Kommunen har inga finansiella mål i data/finansiella_mal.yml.",
    )


# --- kassaflöde ------------------------------------------------------------------------------


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
        (str(r["post"]), _post_label(str(r["post"])), _num(r["belopp"])) for _, r in t.iterrows()
    ]


def kassaflode_tabell(model: Kommunmodell, period_id: str) -> Tabell:
    p = per.period(model, period_id)
    lines = kassaflode(model, period_id)
    rows = tuple((label, fmt.number(value, 1)) for _, label, value in lines)
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
