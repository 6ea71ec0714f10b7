"""The red thread (röda tråden): every nämnd's goals under the kommun's inriktningsmål.

All nämnders' assessments for a period, each inriktningsmål's assessment, the gaps in the
chain (inriktningsmål without nämndmål, nämndmål without indicator or activity), their tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from kommunrapport.content import formatting as fmt
from kommunrapport.content import period as per
from kommunrapport.content.assessment import (
    Bedomning,
    InriktningsmalBedomning,
    assess_inriktningsmal,
    counts,
)
from kommunrapport.content.indikatorer import Indikatordata
from kommunrapport.content.labels import GoalWords
from kommunrapport.content.mal import Maluppfyllelse, maluppfyllelse
from kommunrapport.content.tables import Kolumn, Tabell
from kommunrapport.data.model import Benamningar, Kommunmodell, definite, plural


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
    """Each inriktningsmål with the goals that contribute to it; goals of more than one kind
    (``benamning``) get a column that says which."""
    names = _namnd_names(model)
    chain = model.malkedja
    b = chain.benamningar
    words = GoalWords.of(chain)
    kinds = words.several
    goal = words.singular
    rows = []
    qualitative: list[str] = []
    for im in rt.inriktningsmal:
        if not im.namndmal:
            rows.append(
                (
                    im.inriktningsmal.namn,
                    fmt.MISSING,
                    f"Inget {goal}",
                    *((fmt.MISSING,) if kinds else ()),
                    "0",
                    "0",
                    fmt.MISSING,
                )
            )
        for g in im.namndmal:
            if g.namndens and g.namndmal.namn not in qualitative:
                qualitative.append(g.namndmal.namn)
            rows.append(
                (
                    im.inriktningsmal.namn,
                    names.get(g.namndmal.namnd, g.namndmal.namnd),
                    g.namndmal.namn,
                    *((chain.benamning(g.namndmal),) if kinds else ()),
                    str(len(g.indikatorer)),
                    str(rt.aktiviteter_per_mal.get(g.namndmal.id, 0)),
                    g.bedomning.text,
                )
            )
    vision = model.malkedja.vision
    notes = [
        *([f"Vision: {vision}"] if vision else []),
        f"Ett {goal} som bidrar till flera {plural(b.inriktningsmal)} visas under "
        "vart och ett av dem.",
    ]
    if qualitative:
        notes.append(f"Saknar indikator och bedöms av nämnden: {fmt.join_words(qualitative)}.")
    return Tabell(
        (
            Kolumn.text(b.inriktningsmal),
            Kolumn.text("Nämnd"),
            Kolumn.text(words.heading),
            *((Kolumn.text("Typ av mål"),) if kinds else ()),
            Kolumn.tal("Indikatorer"),
            Kolumn.tal("Aktiviteter"),
            Kolumn.text("Bedömning"),
        ),
        tuple(rows),
        noter=tuple(notes),
    )


def inriktningsmal_tabell(rt: RodaTraden, model: Kommunmodell | None = None) -> Tabell:
    rows = tuple(
        (im.inriktningsmal.namn, str(len(im.namndmal)), im.bedomning.text, im.skal)
        for im in rt.inriktningsmal
    )
    b = model.malkedja.benamningar if model is not None else Benamningar()
    words = GoalWords.of(model.malkedja) if model is not None else GoalWords()
    return Tabell(
        (
            Kolumn.text(b.inriktningsmal),
            Kolumn.tal(words.heading),
            Kolumn.text("Bedömning"),
            Kolumn.text("Skäl"),
        ),
        rows,
        noter=(
            f"Regel: ett {b.inriktningsmal.lower()} är uppfyllt när alla bedömda "
            f"{words.phrase} som bidrar till det är uppfyllda, ej uppfyllt när inget är "
            f"det, annars delvis uppfyllt; utan bedömt "
            f"{words.singular} är det ej bedömbart.",
        ),
    )


def bestamd(word: str) -> str:
    """The definite form of a goal word: Nämndmål → Nämndmålet, målområde → målområdet."""
    return word[:1] + definite(word)[1:]


@dataclass(frozen=True)
class Lucka:
    typ: str
    mal: str
    namnd: str
    beskrivning: str


def luckor(model: Kommunmodell, rt: RodaTraden) -> list[Lucka]:
    """The breaks in the chain. A nämndmål without indicators that the nämnd has assessed
    itself is not one (the red thread tells it as information)."""
    names = _namnd_names(model)
    chain = model.malkedja
    words = GoalWords.of(chain)
    im_word = chain.benamningar.inriktningsmal
    out = [
        Lucka(
            f"{im_word} utan {fmt.join_words([plural(w) for w in words.mal], 'eller')}",
            im.inriktningsmal.namn,
            fmt.MISSING,
            f"Ingen nämnd har ett {words.singular} som bidrar till {bestamd(im_word.lower())}.",
        )
        for im in rt.inriktningsmal
        if not im.namndmal
    ]
    for namnd_id, mu in rt.namnder.items():
        for g in mu.mal:
            kind = chain.benamning(g.namndmal)
            if not g.indikatorer and not g.namndens:
                out.append(
                    Lucka(
                        f"{kind} utan indikator",
                        g.namndmal.namn,
                        names.get(namnd_id, namnd_id),
                        f"{bestamd(kind)} kan inte följas upp och bedömas.",
                    )
                )
            if rt.aktiviteter_per_mal.get(g.namndmal.id, 0) == 0:
                out.append(
                    Lucka(
                        f"{kind} utan aktivitet",
                        g.namndmal.namn,
                        names.get(namnd_id, namnd_id),
                        f"Ingen aktivitet är kopplad till {bestamd(kind.lower())} under perioden.",
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
        noter=(f"Antal {GoalWords.of(model.malkedja).phrase} per bedömning {rt.year}.",),
    )
