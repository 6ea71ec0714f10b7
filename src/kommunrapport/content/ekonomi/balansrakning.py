"""Balansräkning (mnkr, LKBR) at a period's end and at the previous year's end.

Rules:

- Pensionsförpliktelser earned before 1998 are an ansvarsförbindelse outside the balance
  sheet (blandmodellen).
- ``eget_kapital`` in the data is read as including årets resultat, unless only the other
  reading makes the sheet balance (within 0.05 mnkr).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from kommunrapport.content import formatting as fmt
from kommunrapport.content import period as per
from kommunrapport.content.ekonomi.tal import num
from kommunrapport.content.tables import Kolumn, Tabell
from kommunrapport.data.model import Kommunmodell

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
        str(r["post"]): float(r["belopp"]) for _, r in t.iterrows() if num(r["belopp"]) is not None
    }
    return las_balansrakning(period_id, posts)


def balansrakning_vid(model: Kommunmodell, period_id: str) -> Balansrakning:
    """The kommun's balance sheet at the end of ``period_id`` (any month, also one that is
    not a report period; empty when the data has none)."""
    return _br(model, period_id)


def las_balansrakning(period_id: str, posts: dict[str, float]) -> Balansrakning:
    """A balance sheet from its posts, ``eget_kapital`` read as the module docstring says."""
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


def balansrakning_tabell(
    model: Kommunmodell, now: Balansrakning, before: Balansrakning, *, decimaler: int = 1
) -> Tabell:
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
        cells = [label, fmt.number(value[0], decimaler)]
        if before.has_data():
            cells.append(fmt.number(value[1], decimaler))
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
