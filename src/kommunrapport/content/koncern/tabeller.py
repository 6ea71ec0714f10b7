"""The koncern's tables: the organisation, the statements with the columns Kommunen and
Koncernen (this year and the previous year), the reconciliation per post, the
eliminations and the key figures.

Rules: amounts in mnkr, income positive and costs negative as in the kommun's statements. A
column without figures (no companies' figures for the previous year) stays empty rather
than repeating the kommun. When the report does not show the koncern, each table says why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from kommunrapport.content import formatting as fmt
from kommunrapport.content.ekonomi.balansrakning import BR_AVSATTNINGAR, BR_SKULDER, BR_TILLGANGAR
from kommunrapport.content.ekonomi.kassaflode import KASSAFLODE_POSTER
from kommunrapport.content.ekonomi.resultatrakning import RR_POSTER
from kommunrapport.content.koncern.redovisning import (
    NYCKELTAL,
    Koncernredovisning,
    nyckeltal,
    nyckeltal_forra,
)
from kommunrapport.content.koncern.sammanstallning import NETTOINVESTERINGAR, Rad, Sammanstallning
from kommunrapport.content.tables import Kolumn, Tabell
from kommunrapport.data.koncerncheck import ELIMINERINGSREGLER, TOLERANS_MNKR
from kommunrapport.data.model import Kommunmodell
from kommunrapport.data.values import KASSAFLODE_DELAR, KOMMUN_PART

_RR = {post: label for post, label, _ in RR_POSTER}
_NETTO = ("verksamhetens_intakter", "verksamhetens_kostnader", "avskrivningar")
_SKATT = ("skatteintakter", "generella_statsbidrag_och_utjamning")
_FINANS = ("finansiella_intakter", "finansiella_kostnader")

Line = tuple[str, tuple[str, ...], bool]
"""(label, the posts it sums, bold)."""

RR_RADER: Final[tuple[Line, ...]] = (
    *((_RR[p], (p,), False) for p in _NETTO),
    ("Verksamhetens nettokostnader", _NETTO, True),
    *((_RR[p], (p,), False) for p in _SKATT),
    ("Verksamhetens resultat", _NETTO + _SKATT, True),
    *((_RR[p], (p,), False) for p in _FINANS),
    ("Resultat efter finansiella poster", _NETTO + _SKATT + _FINANS, True),
    (_RR["extraordinara_poster"], ("extraordinara_poster",), False),
    ("Årets resultat", _NETTO + _SKATT + _FINANS + ("extraordinara_poster",), True),
)
_ANL = tuple(p for p, _ in BR_TILLGANGAR[0][1])
_OMS = tuple(p for p, _ in BR_TILLGANGAR[1][1])
_AVS = tuple(p for p, _ in BR_AVSATTNINGAR)
_SKU = tuple(p for p, _ in BR_SKULDER)
BR_RADER: Final[tuple[Line, ...]] = (
    *((label, (p,), False) for p, label in BR_TILLGANGAR[0][1]),
    ("Summa anläggningstillgångar", _ANL, True),
    *((label, (p,), False) for p, label in BR_TILLGANGAR[1][1]),
    ("Summa omsättningstillgångar", _OMS, True),
    ("Summa tillgångar", _ANL + _OMS, True),
    ("Eget kapital", ("eget_kapital",), True),
    ("därav årets resultat", ("arets_resultat",), False),
    *((label, (p,), False) for p, label in BR_AVSATTNINGAR),
    ("Summa avsättningar", _AVS, True),
    *((label, (p,), False) for p, label in BR_SKULDER),
    ("Summa skulder", _SKU, True),
    ("Summa eget kapital, avsättningar och skulder", ("eget_kapital", *_AVS, *_SKU), True),
    (
        "Ansvarsförbindelse: pensionsförpliktelser före 1998",
        ("ansvarsforbindelse_pensioner",),
        False,
    ),
)
KF_RADER: Final[tuple[Line, ...]] = (
    *((KASSAFLODE_POSTER[p], (p,), False) for p in KASSAFLODE_DELAR),
    (KASSAFLODE_POSTER["arets_kassaflode"], KASSAFLODE_DELAR, True),
)
POST_NAMN: Final[dict[str, str]] = {
    **_RR,
    **{p: label for _, posts in BR_TILLGANGAR for p, label in posts},
    "eget_kapital": "Eget kapital",
    "arets_resultat": "därav årets resultat",
    **dict(BR_AVSATTNINGAR),
    **dict(BR_SKULDER),
    "ansvarsforbindelse_pensioner": "Ansvarsförbindelse för pensioner",
    **{p: KASSAFLODE_POSTER[p] for p in KASSAFLODE_DELAR},
    NETTOINVESTERINGAR: "Nettoinvesteringar",
}

Getter = Callable[[tuple[str, ...]], float | None]


def _columns(k: Koncernredovisning, last_year: bool) -> list[tuple[Kolumn, Getter]]:
    """Kommunen and Koncernen, this period and (``last_year``) the previous year's end."""
    p = k.period
    now = str(p.year) if k.helar else f"{p.slutdatum.isoformat()}"
    before = str(p.year - 1) if k.helar else f"{p.year - 1}-12-31"

    def get(s: Sammanstallning, koncern: bool) -> Getter:
        if koncern and not s.has_data():
            return lambda posts: None
        return lambda posts: s.summa(posts, koncern)

    cols: list[tuple[Kolumn, Getter]] = []
    for who, koncern in (("Kommunen", False), ("Koncernen", True)):
        cols.append((Kolumn.tal(f"{who} {now} (mnkr)"), get(k.nu, koncern)))
        if last_year:
            cols.append((Kolumn.tal(f"{who} {before} (mnkr)"), get(k.forra, koncern)))
    return cols


def _statement(
    k: Koncernredovisning,
    lines: tuple[Line, ...],
    last_year: bool,
    notes: list[str],
    decimaler: int,
) -> Tabell:
    cols = _columns(k, last_year)
    rows = tuple(
        (label, *(fmt.number(get(posts), decimaler) for _, get in cols))
        for label, posts, _ in lines
    )
    bold = frozenset(i for i, (_, _, strong) in enumerate(lines) if strong)
    return Tabell(
        (Kolumn.text("Post"), *(c for c, _ in cols)),
        rows if k.visas else (),
        noter=tuple(notes) if k.visas else (),
        markerade=bold,
        tom=k.tom_text(),
    )


def resultatrakning_tabell(k: Koncernredovisning, *, decimaler: int = 1) -> Tabell:
    what = "året" if k.helar else "perioden"
    return _statement(
        k,
        RR_RADER,
        k.helar,
        [
            f"Utfall för {what}. Koncernen: kommunen och ägd andel av koncernföretagen, efter "
            "eliminering av interna poster. Intäkter är positiva och kostnader negativa tal."
        ],
        decimaler,
    )


def balansrakning_tabell(k: Koncernredovisning, *, decimaler: int = 1) -> Tabell:
    notes = [
        "Koncernen: kommunen och ägd andel av koncernföretagen, efter eliminering av interna "
        "fordringar och skulder och av aktier mot eget kapital."
    ]
    if k.visas:
        br = k.nu.balansrakning(True)
        if abs(br.differens) > TOLERANS_MNKR:
            notes.append(
                f"Obs: koncernens tillgångar och eget kapital, avsättningar och skulder skiljer "
                f"sig åt med {fmt.mnkr(br.differens)}; kontrollera elimineringarna."
            )
    return _statement(k, BR_RADER, True, notes, decimaler)


def kassaflode_tabell(k: Koncernredovisning, *, decimaler: int = 1) -> Tabell:
    return _statement(
        k,
        KF_RADER,
        k.helar,
        [
            "Inbetalningar är positiva och utbetalningar negativa tal. Utdelningar inom "
            "koncernen är eliminerade."
        ],
        decimaler,
    )


def _share_text(share: float) -> str:
    return fmt.percent(share * 100, 0 if float(share * 100).is_integer() else 1)


def organisation_tabell(
    model: Kommunmodell, k: Koncernredovisning, *, decimaler: int = 1
) -> Tabell:
    """Every company in data/koncern.yml: kind, shares, the year's result, included or not."""
    companies = model.koncern.foretag if model.koncern else []
    lines = {f.id: i for i, f in enumerate(k.nu.foretag)}
    rows = []
    notes = []
    for f in companies:
        result = None
        if f.id in lines:
            result = known_rr(k.nu, lines[f.id])
        rows.append(
            (
                f.namn,
                f.orgnr,
                f"{f.form}, {f.relation}",
                fmt.percent(f.andel_roster, 0 if f.andel_roster.is_integer() else 1),
                fmt.percent(f.andel_kapital, 0 if f.andel_kapital.is_integer() else 1),
                fmt.number(None if result is None else result / f.andel, decimaler)
                if f.andel
                else "",
                fmt.number(result, decimaler),
                "ja" if f.ingar else "nej",
            )
        )
        if f.verksamhet:
            notes.append(f"{f.namn}: {f.verksamhet}")
        if not f.ingar:
            notes.append(f"{f.namn} ingår inte i de sammanställda räkenskaperna: {f.skal}.")
    what = "årets" if k.helar else "periodens"
    notes.append(
        "Dotterföretag: kommunen har mer än 50 % av rösterna; intresseföretag: 20–50 %. "
        f"Resultatet är {what} resultat i mnkr, för hela företaget och kommunens andel."
    )
    return Tabell(
        (
            Kolumn.text("Företag"),
            Kolumn.text("Organisationsnummer"),
            Kolumn.text("Form"),
            Kolumn.tal("Röster"),
            Kolumn.tal("Kapital"),
            Kolumn.tal("Resultat (mnkr)"),
            Kolumn.tal("Kommunens andel (mnkr)"),
            Kolumn.text("Ingår"),
        ),
        tuple(rows),
        noter=tuple(notes) if rows else (),
        tom="Kommunen har inga koncernföretag i data/koncern.yml.",
    )


def known_rr(s: Sammanstallning, index: int) -> float | None:
    """One company's share of the result (sum of its resultaträkning lines)."""
    values = [r.foretag[index] for r in s.rr.values()]
    real = [v for v in values if v is not None]
    return sum(real) if real else None


def _recon_row(label: str, r: Rad, decimaler: int) -> tuple[str, ...]:
    return (
        label,
        fmt.number(r.kommun, decimaler),
        *(fmt.number(v, decimaler) for v in r.foretag),
        fmt.number(r.eliminering or None, decimaler),
        fmt.number(r.koncern, decimaler),
    )


def avstamning_tabell(k: Koncernredovisning, *, decimaler: int = 1) -> Tabell:
    """Per post: kommunen + each company's share − eliminations = koncernen (this period)."""
    s = k.nu
    rows = [
        _recon_row(POST_NAMN[post], r, decimaler)
        for part in (s.rr, s.br, s.kf)
        for post, r in part.items()
        if r.koncern is not None or r.kommun is not None
    ]
    rows.append(_recon_row(POST_NAMN[NETTOINVESTERINGAR], s.nettoinvesteringar, decimaler))
    return Tabell(
        (
            Kolumn.text("Post"),
            Kolumn.tal("Kommunen"),
            *(Kolumn.tal(f"{f.namn} ({_share_text(f.andel)})") for f in s.foretag),
            Kolumn.tal("Elimineringar"),
            Kolumn.tal("Koncernen"),
        ),
        tuple(rows) if k.visas else (),
        noter=(
            "Koncernen = kommunen + ägd andel av varje koncernföretag − elimineringar, mnkr. "
            "Elimineringarna har postens tecken: en eliminerad intern intäkt är positiv, en "
            "intern kostnad negativ.",
        )
        if k.visas
        else (),
        tom=k.tom_text(),
    )


def elimineringar_tabell(
    model: Kommunmodell, k: Koncernredovisning, *, decimaler: int = 1
) -> Tabell:
    """Each internal post eliminated: kind, parties, post, booked amount and amount taken out."""
    names = {f.id: f.namn for f in k.nu.foretag}
    names[KOMMUN_PART] = model.kommun.namn

    def side(typ: str, post: str) -> str:
        rule = ELIMINERINGSREGLER[typ]
        return rule.a_namn if post in rule.a_poster else rule.b_namn

    rows = tuple(
        (
            f"{e.typ} ({side(e.typ, e.post)})",
            names.get(e.part, e.part),
            names.get(e.motpart, e.motpart),
            POST_NAMN.get(e.post, e.post),
            fmt.number(e.belopp, decimaler),
            _share_text(e.andel),
            fmt.number(e.eliminerat, decimaler),
        )
        for e in k.nu.elimineringar
    )
    return Tabell(
        (
            Kolumn.text("Typ"),
            Kolumn.text("Part"),
            Kolumn.text("Motpart"),
            Kolumn.text("Post"),
            Kolumn.tal("Belopp (mnkr)"),
            Kolumn.tal("Andel"),
            Kolumn.tal("Eliminerat (mnkr)"),
        ),
        rows if k.visas else (),
        noter=(
            "Belopp: i partens egna räkenskaper. Andel: den lägsta av parternas ägarandelar "
            "(för aktier och utdelning partens egen andel).",
        )
        if k.visas and rows
        else (),
        tom=k.tom_text() if not k.visas else "Inga interna poster att eliminera för perioden.",
    )


def nyckeltal_tabell(k: Koncernredovisning) -> Tabell:
    now, before = nyckeltal(k), nyckeltal_forra(k)
    kommun = nyckeltal(k, koncern=False)
    year = k.period.year

    def text(key: str, value: float | None) -> str:
        return fmt.mnkr(value) if NYCKELTAL[key][1] == "mnkr" else fmt.percent(value, 1)

    rows = tuple(
        (name, text(key, kommun[key]), text(key, now[key]), text(key, before[key]))
        for key, (name, _) in NYCKELTAL.items()
    )
    return Tabell(
        (
            Kolumn.text("Nyckeltal"),
            Kolumn.tal(f"Kommunen {year}"),
            Kolumn.tal(f"Koncernen {year}"),
            Kolumn.tal(f"Koncernen {year - 1}"),
        ),
        rows if k.visas else (),
        noter=(
            "Soliditet: eget kapital i procent av tillgångarna; inklusive "
            "pensionsförpliktelser: med ansvarsförbindelsen för pensioner före 1998 avräknad.",
        )
        if k.visas
        else (),
        tom=k.tom_text(),
    )
