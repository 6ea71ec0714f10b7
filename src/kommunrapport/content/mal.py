"""Måluppfyllelse: the assessment of every nämndmål of a nämnd, and its tables.

A report computes its assessments once and builds its tables and figures from them; the
indicator series come from :mod:`kommunrapport.content.indikatorer`, the kommun's red thread
is in :mod:`kommunrapport.content.roda_traden`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from kommunrapport.content import formatting as fmt
from kommunrapport.content import period as per
from kommunrapport.content import suppression
from kommunrapport.content.assessment import (
    Andring,
    Bedomning,
    NamndmalBedomning,
    assess_namndmal,
    counts,
)
from kommunrapport.content.indikatorer import (
    Grupp,
    Indikatordata,
    IndikatorUtfall,
    Serie,
    indicator_outcome,
)
from kommunrapport.content.labels import GoalWords
from kommunrapport.content.tables import Kolumn, Tabell
from kommunrapport.data.errors import ParameterError
from kommunrapport.data.model import Kommunmodell


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


def kommentarer(model: Kommunmodell, period_id: str) -> dict[str, str]:
    """The analysts' comments on the goals for the period: nämndmål id → comment."""
    t = model.table("malkommentarer")
    t = t[t["period"] == period_id]
    return {str(r["namndmal"]): str(r["kommentar"]).strip() for _, r in t.iterrows()}


@dataclass(frozen=True)
class Maluppfyllelse:
    """A nämnd's goals for a period: every nämndmål with its indicators, assessed."""

    namnd_id: str
    year: int
    mal: tuple[NamndmalBedomning, ...]
    indikatorer: tuple[IndikatorUtfall, ...]
    """Each indicator once (one may follow several nämndmål)."""
    grupp: Grupp | None
    mal_per_indikator: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Indicator id → the nämnd's nämndmål that it follows."""

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
    comments = kommentarer(model, period_id)
    assessed: list[NamndmalBedomning] = []
    outcomes: list[IndikatorUtfall] = []
    followed: dict[str, tuple[str, ...]] = {}
    for goal in goals:
        mine = [
            indicator_outcome(
                model, data, goal, ind, p.year, group, ind.id in markera, ind_changes.get(ind.id)
            )
            for ind in goal.indikatorer
        ]
        for o in mine:
            if o.indikator.id not in followed:
                outcomes.append(o)
            followed[o.indikator.id] = (*followed.get(o.indikator.id, ()), goal.id)
        assessed.append(
            assess_namndmal(
                goal,
                [o.bedomning for o in mine],
                p.year,
                goal_changes.get(goal.id),
                comments.get(goal.id, ""),
            )
        )
    order = sorted(range(len(outcomes)), key=lambda i: (not outcomes[i].markerad, i))
    return Maluppfyllelse(
        namnd_id, p.year, tuple(assessed), tuple(outcomes[i] for i in order), group, followed
    )


# --- nämnd tables ---------------------------------------------------------------------------


def _inriktningsmal_names(model: Kommunmodell) -> dict[str, str]:
    return {m.id: m.namn for m in model.malkedja.inriktningsmal}


def maluppfyllelse_tabell(model: Kommunmodell, mu: Maluppfyllelse) -> Tabell:
    """Every goal of the nämnd with its inriktningsmål, bedömning and reason. Goals of more
    than one kind (``benamning``: Verksamhetsmål beside Nämndmål) are grouped under a heading
    row per kind, in the order the kinds first appear."""
    im = _inriktningsmal_names(model)
    chain = model.malkedja
    words = GoalWords.of(chain, mu.namnd_id)
    kinds = words.several
    rows: list[tuple[str, ...]] = []
    bold: set[int] = set()
    for kind in words.mal:
        goals = [m for m in mu.mal if chain.benamning(m.namndmal) == kind]
        if kinds and goals:
            bold.add(len(rows))
            rows.append((kind, "", "", ""))
        for m in goals:
            rows.append(
                (
                    m.namndmal.namn,
                    "; ".join(im.get(i, i) for i in m.namndmal.inriktningsmal),
                    m.bedomning.text,
                    m.skal,
                )
            )
            if m.kommentar:
                rows.append(("Kommentar", "", "", m.kommentar))
    c = mu.counts()
    summary = ", ".join(f"{c[b]} {b.value}" for b in c if c[b])
    goal = words.singular
    notes = [
        f"Bedömning för {mu.year}: {summary}." if rows else "",
        f"Regel: ett {goal} är uppfyllt när alla bedömbara indikatorer når målvärdet, ej "
        "uppfyllt när ingen gör det (alla utanför marginalen), annars delvis uppfyllt; utan "
        "bedömbar indikator är det ej bedömbart.",
    ]
    if any(m.namndens for m in mu.mal):
        notes.append(
            f"Ett {goal} utan indikatorer bedöms av nämnden själv; skälet är nämndens motivering."
        )
    return Tabell(
        (
            Kolumn.text(words.heading),
            Kolumn.text(chain.benamningar.inriktningsmal),
            Kolumn.text("Bedömning"),
            Kolumn.text("Skäl"),
        ),
        tuple(rows),
        noter=tuple(n for n in notes if n),
        markerade=frozenset(bold),
        tom=f"Nämnden har inga {words.phrase} i data/malkedja.yml.",
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
            if year in o.undertryckta_ar and (k is None or m is None):
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
