"""Noter: the notes to the kommun's financial statements in the årsredovisning (RKR R15).

Rules:

- The notes come from the optional dataset ``noter`` (mnkr): one row per line of a note,
  numbered by ``not``, with the note's ``rubrik`` on every row, this year's ``belopp`` and
  optionally ``foregaende_ar``. Notes are shown in number order, their lines in the data's
  order, amounts with the sign the data gives them.
- Notes belong to the årsredovisning: for any other kind of period there are none (the
  report says where they are), and the loader rejects rows for such a period.
- A note may name the resultat- or balansräkning post it specifies (``avser``). Its sum is
  then reconciled with that post, this year and (when both are given) the year before.
  Amounts are compared without sign, because notes often show costs as positive numbers
  while the resultaträkning stores them as negative; a difference above 0,05 mnkr is
  stated below the table, the way the balansräkning states an imbalance.
- A note line may also give the koncern's amounts (``koncern``, ``koncern_foregaende_ar``);
  the tables then show the columns Kommunen and Koncernen, and a note that names its post
  is reconciled with the koncern's post in the sammanställda räkenskaper too.
- :func:`not_tabell` is one note as a table of its own; :func:`noter_tabell` stacks every
  note into one table (heading row, lines, sum row per note) for the labelled output
  ``tbl-noter``, because one labelled cell is one table with one caption in every format
  (several tables in one captioned cell become sub-tables in some formats only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from kommunrapport.content import formatting as fmt
from kommunrapport.content import period as per
from kommunrapport.content.ekonomi.balansrakning import BR_AVSATTNINGAR, BR_SKULDER, BR_TILLGANGAR
from kommunrapport.content.ekonomi.nyckeltal import Ekonomi, ekonomi
from kommunrapport.content.ekonomi.resultatrakning import RR_POSTER
from kommunrapport.content.koncern.redovisning import Koncernredovisning
from kommunrapport.content.tables import Kolumn, Tabell
from kommunrapport.data.model import Kommunmodell, Period

ARSREDOVISNING: Final = "årsredovisning"
TOLERANS_MNKR: Final = 0.05
"""Largest difference (mnkr) between a note's sum and its statement post that is rounding."""

RESULTATRAKNINGEN: Final = "resultaträkningen"
BALANSRAKNINGEN: Final = "balansräkningen"

BR_BENAMNING: Final[dict[str, str]] = {
    **{post: label for _, posts in BR_TILLGANGAR for post, label in posts},
    "eget_kapital": "Eget kapital",
    "arets_resultat": "Årets resultat",
    **dict(BR_AVSATTNINGAR),
    **dict(BR_SKULDER),
    "ansvarsforbindelse_pensioner": "Ansvarsförbindelse för pensioner",
}
RR_BENAMNING: Final[dict[str, str]] = {post: label for post, label, _ in RR_POSTER}


@dataclass(frozen=True)
class NotRad:
    post: str
    belopp: float | None
    foregaende_ar: float | None = None
    koncern: float | None = None
    koncern_foregaende_ar: float | None = None


@dataclass(frozen=True)
class Avstamning:
    """The statement post a note specifies, with its figures (mnkr) to reconcile against."""

    post: str
    benamning: str
    rakning: str
    """``resultaträkningen`` or ``balansräkningen`` (+ ``s`` is the genitive)."""
    belopp: float | None
    foregaende_ar: float | None
    koncern: float | None = None
    koncern_foregaende_ar: float | None = None


@dataclass(frozen=True)
class Avvikelse:
    """A note whose sum differs from its statement post in one year."""

    ar: int
    summa: float
    rakning: float
    koncern: bool = False


@dataclass(frozen=True)
class Not:
    nummer: int
    rubrik: str
    rader: tuple[NotRad, ...]
    avser: Avstamning | None = None

    @property
    def summa(self) -> float | None:
        return _sum([r.belopp for r in self.rader])

    @property
    def summa_foregaende_ar(self) -> float | None:
        return _sum([r.foregaende_ar for r in self.rader])

    @property
    def summa_koncern(self) -> float | None:
        return _sum([r.koncern for r in self.rader])

    @property
    def summa_koncern_foregaende_ar(self) -> float | None:
        return _sum([r.koncern_foregaende_ar for r in self.rader])

    def avvikelser(self, year: int) -> list[Avvikelse]:
        """The years in which the sum differs from the statement post (none without a post)."""
        if self.avser is None:
            return []
        out = []
        a = self.avser
        for ar, summa, rakning, koncern in (
            (year, self.summa, a.belopp, False),
            (year - 1, self.summa_foregaende_ar, a.foregaende_ar, False),
            (year, self.summa_koncern, a.koncern, True),
            (year - 1, self.summa_koncern_foregaende_ar, a.koncern_foregaende_ar, True),
        ):
            if (
                summa is not None
                and rakning is not None
                and abs(abs(summa) - abs(rakning)) > TOLERANS_MNKR
            ):
                out.append(Avvikelse(ar, summa, rakning, koncern))
        return out


@dataclass(frozen=True)
class Noter:
    period: Period
    noter: tuple[Not, ...]

    @property
    def arsredovisning(self) -> bool:
        return self.period.typ == ARSREDOVISNING

    @property
    def foregaende_ar(self) -> bool:
        """Whether any line gives last year's amount (then the tables show that column)."""
        return any(r.foregaende_ar is not None for n in self.noter for r in n.rader)

    @property
    def koncern(self) -> bool:
        """Whether any line gives the koncern's amount (then the tables show Koncernen)."""
        return any(r.koncern is not None for n in self.noter for r in n.rader)

    @property
    def koncern_foregaende_ar(self) -> bool:
        return any(r.koncern_foregaende_ar is not None for n in self.noter for r in n.rader)


def _num(value: object) -> float | None:
    return None if fmt.is_missing(value) else float(value)  # type: ignore[arg-type]


def _sum(values: list[float | None]) -> float | None:
    real = [v for v in values if v is not None]
    return sum(real) if real else None


def _avstamning(post: str, e: Ekonomi, k: Koncernredovisning | None) -> Avstamning:
    koncern: tuple[float | None, float | None] = (None, None)
    if k is not None and k.visas:
        koncern = (
            k.nu.belopp(post, True),
            k.forra.belopp(post, True) if k.forra.has_data() else None,
        )
    if post in RR_BENAMNING:
        now = e.rr.poster.get(post)
        before = e.rr.foregaende_ar.get(post)
        return Avstamning(
            post,
            RR_BENAMNING[post],
            RESULTATRAKNINGEN,
            now.utfall if now else None,
            before.utfall if before else None,
            *koncern,
        )
    return Avstamning(
        post,
        BR_BENAMNING.get(post, post),
        BALANSRAKNINGEN,
        e.br.poster.get(post),
        e.br_forra.poster.get(post),
        *koncern,
    )


def noter(
    model: Kommunmodell,
    period_id: str,
    e: Ekonomi | None = None,
    k: Koncernredovisning | None = None,
) -> Noter:
    """The period's notes (none unless the period is an årsredovisning). ``e`` is the period's
    :class:`~kommunrapport.content.ekonomi.nyckeltal.Ekonomi` when the caller already has it;
    ``k`` the koncern, to reconcile the notes' koncern columns with."""
    p = per.period(model, period_id)
    if p.typ != ARSREDOVISNING:
        return Noter(p, ())
    t = model.table("noter")
    t = t[t["period"] == period_id]
    if t.empty:
        return Noter(p, ())
    e = e or ekonomi(model, period_id)
    out = []
    for number, group in t.groupby("not", sort=True):
        avser = next((str(v) for v in group["avser"] if not fmt.is_missing(v)), None)
        out.append(
            Not(
                int(str(number)),
                str(group["rubrik"].iloc[0]),
                tuple(
                    NotRad(
                        str(r["post"]),
                        _num(r["belopp"]),
                        _num(r["foregaende_ar"]),
                        _num(r["koncern"]),
                        _num(r["koncern_foregaende_ar"]),
                    )
                    for _, r in group.iterrows()
                ),
                _avstamning(avser, e, k) if avser else None,
            )
        )
    return Noter(p, tuple(out))


# --- tables ---------------------------------------------------------------------------------


def _amount_columns(noter: Noter) -> list[Kolumn]:
    year = noter.period.year
    who = "Kommunen " if noter.koncern else ""
    cols = [Kolumn.tal(f"{who}{year} (mnkr)")]
    if noter.foregaende_ar:
        cols.append(Kolumn.tal(f"{who}{year - 1} (mnkr)"))
    if noter.koncern:
        cols.append(Kolumn.tal(f"Koncernen {year} (mnkr)"))
        if noter.koncern_foregaende_ar:
            cols.append(Kolumn.tal(f"Koncernen {year - 1} (mnkr)"))
    return cols


def _cells(
    noter: Noter,
    label: str,
    now: float | None,
    before: float | None,
    k_now: float | None,
    k_before: float | None,
    decimaler: int,
) -> tuple[str, ...]:
    cells = [label, fmt.number(now, decimaler)]
    if noter.foregaende_ar:
        cells.append(fmt.number(before, decimaler))
    if noter.koncern:
        cells.append(fmt.number(k_now, decimaler))
        if noter.koncern_foregaende_ar:
            cells.append(fmt.number(k_before, decimaler))
    return tuple(cells)


def _line_cells(noter: Noter, r: NotRad, decimaler: int) -> tuple[str, ...]:
    return _cells(
        noter, r.post, r.belopp, r.foregaende_ar, r.koncern, r.koncern_foregaende_ar, decimaler
    )


def _sum_cells(noter: Noter, label: str, n: Not, decimaler: int) -> tuple[str, ...]:
    return _cells(
        noter,
        label,
        n.summa,
        n.summa_foregaende_ar,
        n.summa_koncern,
        n.summa_koncern_foregaende_ar,
        decimaler,
    )


def _avvikelse_text(n: Not, a: Avvikelse) -> str:
    assert n.avser is not None
    who = "koncernens " if a.koncern else ""
    return (
        f"Obs: summan av not {n.nummer} för {who}{a.ar} ({fmt.mnkr(a.summa)}) skiljer sig från "
        f"{who}{n.avser.rakning}s post {n.avser.benamning} ({fmt.mnkr(a.rakning)}); "
        "kontrollera data/noter."
    )


def _stammer_text(noter: Noter) -> str | None:
    """One sentence naming the notes whose sums agree with their statement posts."""
    parts = []
    for rakning in (RESULTATRAKNINGEN, BALANSRAKNINGEN):
        numbers = [
            str(n.nummer)
            for n in noter.noter
            if n.avser is not None
            and n.avser.rakning == rakning
            and n.avser.belopp is not None
            and not n.avvikelser(noter.period.year)
        ]
        if numbers:
            parts.append(f"not {fmt.join_words(numbers)} med {rakning}")
    if not parts:
        return None
    return "Summorna stämmer med räkningarna: " + ", ".join(parts) + "."


def _empty_text(noter: Noter) -> str:
    if noter.arsredovisning:
        return "Noter saknas i data/noter för perioden."
    return "Noterna redovisas i årsredovisningen."


def not_tabell(noter: Noter, n: Not, *, decimaler: int = 1) -> Tabell:
    """One note as a table of its own: its lines and their sum (mnkr)."""
    notes = [_avvikelse_text(n, a) for a in n.avvikelser(noter.period.year)]
    if n.avser is not None and n.avser.belopp is not None and not notes:
        notes.append(f"Summan stämmer med {n.avser.rakning}s post {n.avser.benamning}.")
    return Tabell(
        (Kolumn.text(f"Not {n.nummer} {n.rubrik}"), *_amount_columns(noter)),
        tuple(_line_cells(noter, r, decimaler) for r in n.rader),
        summa=(_sum_cells(noter, "Summa", n, decimaler),),
        noter=tuple(notes),
        tom=_empty_text(noter),
    )


def not_tabeller(noter: Noter, *, decimaler: int = 1) -> list[Tabell]:
    """Every note as a table of its own, in number order."""
    return [not_tabell(noter, n, decimaler=decimaler) for n in noter.noter]


def noter_tabell(noter: Noter, *, decimaler: int = 1) -> Tabell:
    """Every note in one table: a heading row, the lines and a sum row per note (mnkr)."""
    rows: list[tuple[str, ...]] = []
    bold: set[int] = set()
    width = 1 + len(_amount_columns(noter))
    for n in noter.noter:
        bold.add(len(rows))
        rows.append((f"Not {n.nummer} {n.rubrik}", *([""] * (width - 1))))
        rows.extend(_line_cells(noter, r, decimaler) for r in n.rader)
        if len(n.rader) > 1:
            bold.add(len(rows))
            rows.append(_sum_cells(noter, f"Summa not {n.nummer}", n, decimaler))
    notes: list[str] = []
    if rows:
        notes.append(
            "Noterna specificerar poster i resultat- och balansräkningen. Beloppen är i mnkr "
            "med det tecken underlaget anger."
        )
        agree = _stammer_text(noter)
        if agree:
            notes.append(agree)
        notes.extend(
            _avvikelse_text(n, a) for n in noter.noter for a in n.avvikelser(noter.period.year)
        )
    return Tabell(
        (Kolumn.text("Not och post"), *_amount_columns(noter)),
        tuple(rows),
        noter=tuple(notes),
        markerade=frozenset(bold),
        tom=_empty_text(noter),
    )
