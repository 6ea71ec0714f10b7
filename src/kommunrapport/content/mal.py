"""Måluppfyllelse: indicator series, the assessment of every nämndmål, and the red thread.

The data of all indicators is indexed once (:class:`Indikatordata`); a report computes its
assessments once and builds its tables and figures from them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Final, Literal

from kommunrapport.content import formatting as fmt
from kommunrapport.content import period as per
from kommunrapport.content import suppression
from kommunrapport.content.assessment import (
    Andring,
    Bedomning,
    IndikatorBedomning,
    InriktningsmalBedomning,
    NamndmalBedomning,
    assess_indicator,
    assess_inriktningsmal,
    assess_namndmal,
    counts,
)
from kommunrapport.content.tables import Kolumn, Tabell
from kommunrapport.data.errors import ParameterError
from kommunrapport.data.model import Bedomningsregel, Indikator, Kommunmodell, Namndmal

RIKET: Final = "0000"

Roll = Literal["kommun", "kvinnor", "man", "riket", "grupp"]


@dataclass(frozen=True)
class Serie:
    """One line of an indicator chart: year → value (suppressed values left out)."""

    namn: str
    roll: Roll
    varden: dict[int, float]

    def latest(self, up_to: int | None = None) -> tuple[int, float] | None:
        years = [y for y in self.varden if up_to is None or y <= up_to]
        if not years:
            return None
        y = max(years)
        return y, self.varden[y]


@dataclass(frozen=True)
class Grupp:
    id: str
    namn: str
    medlemmar: tuple[str, ...]


class Indikatordata:
    """The dataset ``indikatorutfall`` indexed by (indikator, område, kön) → {år: värde}."""

    def __init__(self, model: Kommunmodell) -> None:
        t = model.table("indikatorutfall")
        index: dict[tuple[str, str, str], dict[int, float]] = defaultdict(dict)
        for ind, omr, ar, kon, varde in zip(
            t["indikator"], t["omrade"], t["ar"], t["kon"], t["varde"], strict=True
        ):
            if varde is None or fmt.is_missing(varde):
                continue
            index[(str(ind), str(omr), str(kon))][int(ar)] = float(varde)
        self._index = dict(index)
        self.kommun_id = model.kommun.kolada_id
        self._groups: dict[str, Grupp] = {}
        g = model.table("jamforelsegrupper")
        for gid, rows in g.groupby("grupp", sort=False):
            self._groups[str(gid)] = Grupp(
                str(gid),
                str(rows["gruppnamn"].iloc[0]),
                tuple(str(k) for k in rows["kommun"]),
            )

    def series(self, indikator: str, omrade: str, kon: str = "T") -> dict[int, float]:
        return dict(self._index.get((indikator, omrade, kon), {}))

    def group(self, group_id: str | None) -> Grupp | None:
        if group_id is None:
            return None
        try:
            return self._groups[group_id]
        except KeyError:
            raise ParameterError(
                f"Jämförelsegruppen '{group_id}' finns inte i data/jamforelsegrupper."
            ) from None

    def group_series(self, indikator: str, group: Grupp) -> dict[int, float]:
        """The group's value per year: Kolada's own group value when the data holds one
        (område = the group's id), else the unweighted mean of the members (not the kommun)."""
        own = self.series(indikator, group.id)
        if own:
            return own
        by_year: dict[int, list[float]] = defaultdict(list)
        for member in group.medlemmar:
            if member == self.kommun_id:
                continue
            for year, value in self.series(indikator, member).items():
                by_year[year].append(value)
        return {y: sum(v) / len(v) for y, v in sorted(by_year.items()) if v}


@dataclass(frozen=True)
class IndikatorUtfall:
    """Everything the report shows about one indicator."""

    indikator: Indikator
    namndmal: Namndmal
    serier: tuple[Serie, ...]
    bedomning: IndikatorBedomning
    markerad: bool
    undertryckt: bool
    """Some value was suppressed (small count of individuals)."""
    decimals: int

    def serie(self, roll: Roll) -> Serie | None:
        return next((s for s in self.serier if s.roll == roll), None)

    def show(self, value: float | None) -> str:
        return fmt.indicator_value(value, self.indikator.enhet, self.decimals)

    def cell(self, value: float | None) -> str:
        """A value in a table cell: with ``%`` for shares, else the bare number (the unit
        is named with the indicator, see :meth:`name_with_unit`)."""
        if fmt.is_percent_unit(self.indikator.enhet):
            return fmt.percent(value, self.decimals)
        return fmt.number(value, self.decimals)

    def name_with_unit(self) -> str:
        name = fmt.one_line(self.indikator.namn)
        unit = self.indikator.enhet
        if fmt.is_percent_unit(unit) or unit.lower() in name.lower():
            return name
        return f"{name} ({unit})"

    def show_diff(self, value: float | None) -> str:
        return _difference(value, self.indikator.enhet, self.decimals)


def _difference(value: float | None, unit: str, decimals: int) -> str:
    """A gap between two values of an indicator: procentenheter for shares."""
    if fmt.is_percent_unit(unit):
        return fmt.with_unit(value, "procentenheter", decimals)
    return fmt.with_unit(value, unit, decimals)


def _suppress(
    ind: Indikator,
    total: dict[int, float],
    k: dict[int, float],
    m: dict[int, float],
    threshold: int,
) -> tuple[dict[int, float], dict[int, float], dict[int, float], bool]:
    if not ind.antal_individer:
        return total, k, m, False
    hidden = False
    t2: dict[int, float] = {}
    k2: dict[int, float] = {}
    m2: dict[int, float] = {}
    for year in sorted(set(total) | set(k) | set(m)):
        sel = suppression.by_kon(total.get(year), k.get(year), m.get(year), threshold)
        for src, dst, ok in ((total, t2, sel.totalt), (k, k2, sel.kvinnor), (m, m2, sel.man)):
            if year in src:
                if ok:
                    dst[year] = src[year]
                else:
                    hidden = True
    return t2, k2, m2, hidden


def overrides(model: Kommunmodell, period_id: str) -> tuple[dict[str, Andring], dict[str, Andring]]:
    """The analysts' overrides for the period: (by nämndmål, by indikator)."""
    t = model.table("bedomningar")
    t = t[t["period"] == period_id]
    goals: dict[str, Andring] = {}
    inds: dict[str, Andring] = {}
    for _, r in t.iterrows():
        change = Andring(Bedomning(str(r["bedomning"])), str(r["motivering"]).strip())
        if r["namndmal"] is not None and not fmt.is_missing(r["namndmal"]):
            goals[str(r["namndmal"])] = change
        elif r["indikator"] is not None and not fmt.is_missing(r["indikator"]):
            inds[str(r["indikator"])] = change
    return goals, inds


def indicator_outcome(
    model: Kommunmodell,
    data: Indikatordata,
    goal: Namndmal,
    ind: Indikator,
    year: int,
    group: Grupp | None,
    markerad: bool,
    andring: Andring | None,
) -> IndikatorUtfall:
    threshold = model.kommun.minsta_antal
    kommun = model.kommun.kolada_id
    total, k, m, hidden = _suppress(
        ind,
        data.series(ind.id, kommun, "T"),
        data.series(ind.id, kommun, "K") if ind.kon else {},
        data.series(ind.id, kommun, "M") if ind.kon else {},
        threshold,
    )
    series = [Serie(model.kommun.namn, "kommun", total)]
    if ind.kon:
        series += [Serie("Kvinnor", "kvinnor", k), Serie("Män", "man", m)]
    if ind.kalla == "kolada":
        series.append(Serie("Riket", "riket", data.series(ind.id, RIKET, "T")))
        if group is not None:
            series.append(Serie("Jämförelsegrupp", "grupp", data.group_series(ind.id, group)))
    all_values = [v for s in series for v in s.varden.values()] + list(ind.mal.values())
    decimals = fmt.decimals_for(all_values)
    rule: Bedomningsregel = ind.bedomning or model.malkedja.bedomning

    def show(v: float | None) -> str:
        return fmt.indicator_value(v, ind.enhet, decimals)

    def show_diff(v: float | None) -> str:
        return _difference(v, ind.enhet, decimals)

    value = total.get(year)
    assessed = assess_indicator(
        id=ind.id,
        namn=ind.namn,
        year=year,
        value=value,
        target=ind.mal.get(year),
        riktning=ind.riktning,
        rule=rule,
        show=show,
        show_diff=show_diff,
        andring=andring,
    )
    if hidden and value is None and year in data.series(ind.id, kommun, "T"):
        assessed = IndikatorBedomning(
            ind.id,
            ind.namn,
            year,
            None,
            ind.mal.get(year),
            Bedomning.EJ_BEDOMBAR,
            f"Utfallet {year} redovisas inte (färre än {threshold} personer).",
            andring,
        )
    return IndikatorUtfall(ind, goal, tuple(series), assessed, markerad, hidden, decimals)


@dataclass(frozen=True)
class Maluppfyllelse:
    """A nämnd's goals for a period: every nämndmål with its indicators, assessed."""

    namnd_id: str
    year: int
    mal: tuple[NamndmalBedomning, ...]
    indikatorer: tuple[IndikatorUtfall, ...]
    grupp: Grupp | None

    def counts(self) -> dict[Bedomning, int]:
        return counts([m.bedomning for m in self.mal])


def maluppfyllelse(
    model: Kommunmodell,
    data: Indikatordata,
    period_id: str,
    namnd_id: str,
    jamforelsegrupp: str | None = None,
    markera: list[str] | tuple[str, ...] = (),
) -> Maluppfyllelse:
    """Assess every nämndmål of the nämnd for the period's year."""
    p = per.period(model, period_id)
    goal_changes, ind_changes = overrides(model, period_id)
    group = data.group(jamforelsegrupp)
    goals = model.namndmal_for(namnd_id)
    own = {i.id for g in goals for i in g.indikatorer}
    unknown = [i for i in markera if i not in own]
    if unknown:
        raise ParameterError(
            f"markera: indikatorn {', '.join(repr(u) for u in unknown)} hör inte till "
            f"nämnden '{namnd_id}'."
        )
    assessed: list[NamndmalBedomning] = []
    outcomes: list[IndikatorUtfall] = []
    for goal in goals:
        mine = [
            indicator_outcome(
                model, data, goal, ind, p.year, group, ind.id in markera, ind_changes.get(ind.id)
            )
            for ind in goal.indikatorer
        ]
        outcomes += mine
        assessed.append(
            assess_namndmal(goal, [o.bedomning for o in mine], p.year, goal_changes.get(goal.id))
        )
    order = sorted(range(len(outcomes)), key=lambda i: (not outcomes[i].markerad, i))
    return Maluppfyllelse(
        namnd_id, p.year, tuple(assessed), tuple(outcomes[i] for i in order), group
    )


# --- nämnd tables ---------------------------------------------------------------------------


def _inriktningsmal_names(model: Kommunmodell) -> dict[str, str]:
    return {m.id: m.namn for m in model.malkedja.inriktningsmal}


def maluppfyllelse_tabell(model: Kommunmodell, mu: Maluppfyllelse) -> Tabell:
    im = _inriktningsmal_names(model)
    rows = tuple(
        (
            m.namndmal.namn,
            "; ".join(im.get(i, i) for i in m.namndmal.inriktningsmal),
            m.bedomning.text,
            m.skal,
        )
        for m in mu.mal
    )
    c = mu.counts()
    summary = ", ".join(f"{c[b]} {b.value}" for b in c if c[b])
    notes = [
        f"Bedömning för {mu.year}: {summary}." if rows else "",
        "Regel: ett nämndmål är uppfyllt när alla bedömbara indikatorer når målvärdet, ej "
        "uppfyllt när ingen gör det (alla utanför marginalen), annars delvis uppfyllt; utan "
        "bedömbar indikator är det ej bedömbart.",
    ]
    return Tabell(
        (
            Kolumn.text("Nämndmål"),
            Kolumn.text("Inriktningsmål"),
            Kolumn.text("Bedömning"),
            Kolumn.text("Skäl"),
        ),
        rows,
        noter=tuple(n for n in notes if n),
        tom="Nämnden har inga nämndmål i data/malkedja.yml.",
    )


def _change_text(o: IndikatorUtfall, year: int) -> str:
    s = o.serie("kommun")
    latest = s.latest(year) if s else None
    if s is None or latest is None:
        return fmt.MISSING
    y, v = latest
    earlier = [x for x in s.varden if x < y]
    if not earlier:
        return fmt.MISSING
    y0 = max(earlier)
    diff = v - s.varden[y0]
    rounded = float(fmt.rounded(diff, o.decimals))
    if rounded == 0:
        return f"oförändrat sedan {y0}"
    better = (diff > 0) == (o.indikator.riktning == "högre")
    amount = fmt.number(diff, o.decimals, sign=True)
    return f"{amount} sedan {y0} ({'bättre' if better else 'sämre'})"


def _at(s: Serie | None, year: int | None) -> float | None:
    if s is None or year is None:
        return None
    return s.varden.get(year)


GROUP_COLUMN: Final = 6
"""The indicator table's column for the comparison group (left out without a group)."""


def indikator_tabell(model: Kommunmodell, mu: Maluppfyllelse) -> Tabell:
    threshold = model.kommun.minsta_antal
    rows = []
    marked = set()
    notes: list[str] = []
    for i, o in enumerate(mu.indikatorer):
        s = o.serie("kommun")
        latest = s.latest(mu.year) if s else None
        year = latest[0] if latest else None
        value = f"{o.cell(latest[1])} ({latest[0]})" if latest else fmt.MISSING
        if o.indikator.kon:
            k, m = _at(o.serie("kvinnor"), year), _at(o.serie("man"), year)
            if o.undertryckt and (k is None or m is None):
                km = suppression.marker(threshold)
            else:
                km = f"{o.cell(k)} / {o.cell(m)}"
        else:
            km = "ej könsuppdelad"
        rows.append(
            (
                o.name_with_unit(),
                value,
                o.cell(o.indikator.mal.get(mu.year)),
                _change_text(o, mu.year),
                km,
                o.cell(_at(o.serie("riket"), year)),
                o.cell(_at(o.serie("grupp"), year)),
                o.bedomning.bedomning.text,
            )
        )
        if o.markerad:
            marked.add(i)
        if o.bedomning.andring is not None:
            notes.append(f"{o.indikator.namn}: {o.bedomning.skal}")
    compared = "Riket och jämförelsegruppen avser" if mu.grupp else "Riket avser"
    notes.insert(
        0,
        f"Utfall: senaste år med värde; bedömningen gäller utfallet för {mu.year} mot målvärdet "
        f"{mu.year}. {compared} samma år som utfallet.",
    )
    if marked:
        notes.append("Fetstil: indikatorer som nämnden särskilt följer.")
    if any(o.undertryckt for o in mu.indikatorer):
        notes.append(suppression.note(threshold))
    if any(o.indikator.kalla == "kolada" for o in mu.indikatorer):
        source = "Källa: Kolada (för indikatorer med Kolada-id)."
        if mu.grupp is not None:
            source += (
                f" Jämförelsegruppen är {mu.grupp.namn}; dess värde är kommunens egen beräkning "
                "(ovägt medelvärde av gruppens kommuner) av data från Kolada."
            )
        notes.append(source)
    columns = (
        Kolumn.text("Indikator"),
        Kolumn.tal("Utfall"),
        Kolumn.tal(f"Mål {mu.year}"),
        Kolumn.text("Förändring"),
        Kolumn.tal("Kvinnor / män"),
        Kolumn.tal("Riket"),
        Kolumn.tal("Jämförelsegrupp"),
        Kolumn.text("Bedömning"),
    )
    keep = [i for i in range(len(columns)) if mu.grupp is not None or i != GROUP_COLUMN]
    return Tabell(
        tuple(columns[i] for i in keep),
        tuple(tuple(row[i] for i in keep) for row in rows),
        noter=tuple(notes),
        markerade=frozenset(marked),
        tom="Nämndens mål har inga indikatorer.",
    )


# --- the kommun: the red thread -------------------------------------------------------------


@dataclass(frozen=True)
class RodaTraden:
    """All nämnders' assessments for a period, and each inriktningsmål's."""

    year: int
    namnder: dict[str, Maluppfyllelse]
    inriktningsmal: tuple[InriktningsmalBedomning, ...]
    aktiviteter_per_mal: dict[str, int]


def roda_traden(model: Kommunmodell, data: Indikatordata, period_id: str) -> RodaTraden:
    p = per.period(model, period_id)
    by_namnd = {
        n.id: maluppfyllelse(model, data, period_id, n.id, n.jamforelsegrupp, ()) for n in p.namnder
    }
    goals = [g for mu in by_namnd.values() for g in mu.mal]
    top = tuple(
        assess_inriktningsmal(im, [g for g in goals if im.id in g.namndmal.inriktningsmal])
        for im in model.malkedja.inriktningsmal
    )
    act = model.table("aktiviteter")
    act = act[act["period"] == period_id]
    per_goal = {str(k): int(v) for k, v in act.groupby("namndmal").size().items()}
    return RodaTraden(p.year, by_namnd, top, per_goal)


def _namnd_names(model: Kommunmodell) -> dict[str, str]:
    return {n.id: n.namn for n in model.organisation.namnder}


def roda_traden_tabell(model: Kommunmodell, rt: RodaTraden) -> Tabell:
    names = _namnd_names(model)
    rows = []
    for im in rt.inriktningsmal:
        if not im.namndmal:
            rows.append(
                (im.inriktningsmal.namn, fmt.MISSING, "Inget nämndmål", "0", "0", fmt.MISSING)
            )
        for g in im.namndmal:
            rows.append(
                (
                    im.inriktningsmal.namn,
                    names.get(g.namndmal.namnd, g.namndmal.namnd),
                    g.namndmal.namn,
                    str(len(g.indikatorer)),
                    str(rt.aktiviteter_per_mal.get(g.namndmal.id, 0)),
                    g.bedomning.text,
                )
            )
    vision = model.malkedja.vision
    return Tabell(
        (
            Kolumn.text("Inriktningsmål"),
            Kolumn.text("Nämnd"),
            Kolumn.text("Nämndmål"),
            Kolumn.tal("Indikatorer"),
            Kolumn.tal("Aktiviteter"),
            Kolumn.text("Bedömning"),
        ),
        tuple(rows),
        noter=(
            f"Vision: {vision}",
            "Ett nämndmål som bidrar till flera inriktningsmål visas under vart och ett av dem.",
        ),
    )


def inriktningsmal_tabell(rt: RodaTraden) -> Tabell:
    rows = tuple(
        (im.inriktningsmal.namn, str(len(im.namndmal)), im.bedomning.text, im.skal)
        for im in rt.inriktningsmal
    )
    return Tabell(
        (
            Kolumn.text("Inriktningsmål"),
            Kolumn.tal("Nämndmål"),
            Kolumn.text("Bedömning"),
            Kolumn.text("Skäl"),
        ),
        rows,
        noter=(
            "Regel: ett inriktningsmål är uppfyllt när alla bedömda nämndmål som bidrar till det "
            "är uppfyllda, ej uppfyllt när inget är det, annars delvis uppfyllt; utan bedömt "
            "nämndmål är det ej bedömbart.",
        ),
    )


@dataclass(frozen=True)
class Lucka:
    typ: str
    mal: str
    namnd: str
    beskrivning: str


def luckor(model: Kommunmodell, rt: RodaTraden) -> list[Lucka]:
    names = _namnd_names(model)
    out = [
        Lucka(
            "Inriktningsmål utan nämndmål",
            im.inriktningsmal.namn,
            fmt.MISSING,
            "Ingen nämnd har ett nämndmål som bidrar till inriktningsmålet.",
        )
        for im in rt.inriktningsmal
        if not im.namndmal
    ]
    for namnd_id, mu in rt.namnder.items():
        for g in mu.mal:
            if not g.indikatorer:
                out.append(
                    Lucka(
                        "Nämndmål utan indikator",
                        g.namndmal.namn,
                        names.get(namnd_id, namnd_id),
                        "Nämndmålet kan inte följas upp och bedömas.",
                    )
                )
            if rt.aktiviteter_per_mal.get(g.namndmal.id, 0) == 0:
                out.append(
                    Lucka(
                        "Nämndmål utan aktivitet",
                        g.namndmal.namn,
                        names.get(namnd_id, namnd_id),
                        "Ingen aktivitet är kopplad till nämndmålet under perioden.",
                    )
                )
    return out


def luckor_tabell(gaps: list[Lucka]) -> Tabell:
    return Tabell(
        (
            Kolumn.text("Lucka"),
            Kolumn.text("Mål"),
            Kolumn.text("Nämnd"),
            Kolumn.text("Följd"),
        ),
        tuple((g.typ, g.mal, g.namnd, g.beskrivning) for g in gaps),
        tom="Den röda tråden är hel: alla inriktningsmål har nämndmål och alla nämndmål har "
        "indikatorer och aktiviteter.",
    )


def maluppfyllelse_namnder_tabell(model: Kommunmodell, rt: RodaTraden) -> Tabell:
    names = _namnd_names(model)
    rows = []
    total: dict[Bedomning, int] = {b: 0 for b in counts([])}
    for namnd_id, mu in rt.namnder.items():
        c = mu.counts()
        for b in c:
            total[b] += c[b]
        rows.append((names.get(namnd_id, namnd_id), *(str(c[b]) for b in c), str(len(mu.mal))))
    summa = ("Hela kommunen", *(str(total[b]) for b in total), str(sum(total.values())))
    return Tabell(
        (
            Kolumn.text("Nämnd"),
            *(Kolumn.tal(b.text) for b in total),
            Kolumn.tal("Totalt"),
        ),
        tuple(rows),
        summa=(summa,),
        noter=(f"Antal nämndmål per bedömning {rt.year}.",),
    )
