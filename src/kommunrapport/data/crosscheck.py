"""The rules that span files: every id a file names must exist in the file that owns it.

A nämndmål belongs to a known nämnd and links to known inriktningsmål; an indicator id
is unique in the goal chain and has a target for every report year; a period in
params/perioder.yml names known nämnder, comparison groups and indicators and has rows
in the tables (``personal`` only where the period has the kommun's chapter); table rows
name known nämnder, indicators and nämndmål; an override names exactly one goal or
indicator of its own nämnd; a note has one heading. Each
broken rule is one :class:`Problem` added to the :class:`Collector`; nothing is raised.
"""

from __future__ import annotations

import pandas as pd

from kommunrapport.data.collector import MALKEDJA, ORGANISATION, Collector
from kommunrapport.data.datasets import DATASETS, KOMMUN_DATA, kommun_periods
from kommunrapport.data.errors import Problem
from kommunrapport.data.model import Indikator, Malkedja, Organisation, Perioder
from kommunrapport.data.paths import ProjectPaths

__all__ = ["cross_check"]


def cross_check(
    c: Collector,
    org: Organisation | None,
    chain: Malkedja | None,
    params: Perioder | None,
    tables: dict[str, tuple[pd.DataFrame, str]],
) -> None:
    org_file = c.paths.yaml_file(ORGANISATION)
    chain_file = c.paths.yaml_file(MALKEDJA)
    params_file = c.paths.params_file
    namnd_ids: set[str] = set()
    if org is not None:
        namnd_ids = {n.id for n in org.namnder}
        c.repeated_ids(org_file, "namnder", [n.id for n in org.namnder], "nämnden")
    indicators: dict[str, list[str]] = {}
    """Indicator id → the nämndmål it follows (one may follow several)."""
    definitions: dict[str, Indikator] = {}
    goals: dict[str, str] = {}
    if chain is not None:
        im_ids = {m.id for m in chain.inriktningsmal}
        c.repeated_ids(
            chain_file, "inriktningsmal", [m.id for m in chain.inriktningsmal], "inriktningsmålet"
        )
        for i, nm in enumerate(chain.namndmal):
            loc: tuple[int | str, ...] = ("namndmal", i)
            if nm.id in goals:
                c.add(
                    chain_file,
                    c.line(chain_file, (*loc, "id")),
                    "id",
                    f"{chain.the_goal(nm.id)} finns flera gånger.",
                )
            goals[nm.id] = nm.namnd
            if org is not None and nm.namnd not in namnd_ids:
                c.add(
                    chain_file,
                    c.line(chain_file, (*loc, "namnd")),
                    "namnd",
                    f"okänd nämnd '{nm.namnd}' (finns inte i data/kommun.yml).",
                )
            for j, link in enumerate(nm.inriktningsmal):
                if link not in im_ids:
                    c.add(
                        chain_file,
                        c.line(chain_file, (*loc, "inriktningsmal", j)),
                        "inriktningsmal",
                        f"{chain.the_goal(nm.id)} länkar till okänt "
                        f"{chain.benamningar.inriktningsmal.lower()} '{link}'.",
                    )
            for j, ind in enumerate(nm.indikatorer):
                owners = indicators.setdefault(ind.id, [])
                first = definitions.setdefault(ind.id, ind)
                if nm.id in owners or first != ind:
                    again = nm.id in owners
                    c.add(
                        chain_file,
                        c.line(chain_file, (*loc, "indikatorer", j, "id")),
                        "id",
                        f"indikatorn '{ind.id}' finns redan under {chain.the_goal(owners[0])}"
                        + (
                            "."
                            if again
                            else " med en annan beskrivning; en indikator som följer flera "
                            "mål ska vara likadan under alla (skriv den en gång med ett "
                            "YAML-ankare, &namn, och hänvisa till den med *namn)."
                        ),
                    )
                owners.append(nm.id)
                if params is not None:
                    for year in sorted({p.year for p in params.perioder}):
                        if year not in ind.mal:
                            c.add(
                                chain_file,
                                c.line(chain_file, (*loc, "indikatorer", j, "mal"))
                                or c.line(chain_file, (*loc, "indikatorer", j, "id")),
                                "mal",
                                f"indikatorn '{ind.id}' saknar målvärde för rapportåret {year}.",
                            )
    groups: set[str] = set()
    if "jamforelsegrupper" in tables:
        groups = set(tables["jamforelsegrupper"][0]["grupp"].dropna())
    if params is not None:
        c.repeated_ids(params_file, "perioder", [p.id for p in params.perioder], "perioden")
        for i, p in enumerate(params.perioder):
            for j, n in enumerate(p.namnder):
                loc = ("perioder", i, "namnder", j)
                if org is not None and n.id not in namnd_ids:
                    c.add(
                        params_file,
                        c.line(params_file, (*loc, "id")),
                        "id",
                        f"okänd nämnd '{n.id}' (finns inte i data/kommun.yml).",
                    )
                if n.jamforelsegrupp and "jamforelsegrupper" not in tables:
                    c.add(
                        params_file,
                        c.line(params_file, (*loc, "jamforelsegrupp")),
                        "jamforelsegrupp",
                        f"jämförelsegruppen '{n.jamforelsegrupp}' anges men "
                        "data/jamforelsegrupper.csv saknas (kommunrapport kolada fetch "
                        "skriver den).",
                    )
                if (
                    n.jamforelsegrupp
                    and "jamforelsegrupper" in tables
                    and (n.jamforelsegrupp not in groups)
                ):
                    c.add(
                        params_file,
                        c.line(params_file, (*loc, "jamforelsegrupp")),
                        "jamforelsegrupp",
                        f"okänd jämförelsegrupp '{n.jamforelsegrupp}' "
                        "(finns inte i data/jamforelsegrupper.csv).",
                    )
                for k, ind_id in enumerate(n.markera):
                    if chain is not None and ind_id not in indicators:
                        c.add(
                            params_file,
                            c.line(params_file, (*loc, "markera", k)),
                            "markera",
                            f"okänd indikator '{ind_id}'.",
                        )
            kommun = p.id in kommun_periods(tables.get(KOMMUN_DATA, (None, ""))[0])
            for ds_name in ("driftredovisning", "personal"):
                if ds_name not in tables or (ds_name == "personal" and not kommun):
                    continue
                frame, shown = tables[ds_name]
                for j, n in enumerate(p.namnder):
                    if n.id not in namnd_ids:
                        continue
                    rows = frame[(frame["period"] == p.id) & (frame["namnd"] == n.id)]
                    if rows.empty:
                        c.add(
                            params_file,
                            c.line(params_file, ("perioder", i, "namnder", j, "id")),
                            "id",
                            f"perioden {p.id} finns inte i datat: {shown} har inga rader för "
                            f"nämnden '{n.id}' och perioden {p.id}.",
                        )
    for name, (frame, shown) in tables.items():
        ds = DATASETS[name]
        if ds.namnd_column and org is not None:
            for row, value in frame[ds.namnd_column].items():
                # An empty cell is already "värde saknas" (pandas holds it as NaN).
                if isinstance(value, str) and value not in namnd_ids:
                    c.problems.append(
                        Problem(
                            shown,
                            int(str(row)),
                            ds.namnd_column,
                            f"okänd nämnd '{value}' (finns inte i data/kommun.yml).",
                        )
                    )
        if name == "indikatorutfall" and chain is not None:
            for row, value in frame["indikator"].items():
                if value is not None and value not in indicators:
                    c.problems.append(
                        Problem(
                            shown,
                            int(str(row)),
                            "indikator",
                            f"okänd indikator '{value}' (finns inte i data/malkedja.yml).",
                        )
                    )
        if name in ("aktiviteter", "malkommentarer") and chain is not None:
            for row, rec in frame.iterrows():
                goal = rec["namndmal"]
                if goal is None:
                    continue
                if goal not in goals:
                    c.problems.append(
                        Problem(
                            shown,
                            int(str(row)),
                            "namndmal",
                            f"okänt {chain.benamningar.namndmal.lower()} '{goal}'.",
                        )
                    )
                elif rec["namnd"] is not None and goals[goal] != rec["namnd"]:
                    c.problems.append(
                        Problem(
                            shown,
                            int(str(row)),
                            "namndmal",
                            f"{chain.the_goal(goal)} hör till nämnden "
                            f"'{goals[goal]}', inte '{rec['namnd']}'.",
                        )
                    )
        if name == "bedomningar" and chain is not None:
            c.problems.extend(
                _override_problems(
                    frame, shown, goals, indicators, chain.benamningar.namndmal.lower()
                )
            )
        if name == "noter":
            c.problems.extend(_note_problems(frame, shown, params, c.paths))


def _override_problems(
    frame: pd.DataFrame,
    shown: str,
    goals: dict[str, str],
    indicators: dict[str, list[str]],
    goal_word: str,
) -> list[Problem]:
    """An override names exactly one nämndmål or one indikator of its own nämnd."""
    problems: list[Problem] = []
    for row, rec in frame.iterrows():
        line = int(str(row))
        goal, ind, namnd = (
            None if pd.isna(v) else v for v in rec[["namndmal", "indikator", "namnd"]]
        )
        if (goal is None) == (ind is None):
            problems.append(
                Problem(shown, line, "namndmal", "ange antingen namndmal eller indikator.")
            )
            continue
        column, target = ("namndmal", goal) if goal is not None else ("indikator", ind)
        owner_goals = [goal] if goal is not None else indicators.get(str(ind), [])
        owners = [goals[g] for g in owner_goals if g in goals]
        if not owners:
            what = goal_word if column == "namndmal" else "indikator"
            problems.append(Problem(shown, line, column, f"okänt {what} '{target}'."))
        elif namnd is not None and namnd not in owners:
            problems.append(
                Problem(
                    shown,
                    line,
                    column,
                    f"'{target}' hör till nämnden '{owners[0]}', inte '{namnd}'.",
                )
            )
    return problems


def _note_problems(
    frame: pd.DataFrame, shown: str, params: Perioder | None, paths: ProjectPaths
) -> list[Problem]:
    """Within a period a note has one ``rubrik`` and specifies at most one statement post
    (``avser``, which may be left empty on some of its rows); notes belong to an
    årsredovisning, so rows for another kind of period would never be shown."""
    problems: list[Problem] = []
    kinds = {p.id: p.typ for p in params.perioder} if params is not None else {}
    reported_kind: set[str] = set()
    first: dict[tuple[str, int, str], tuple[int, str]] = {}
    for row, rec in frame.iterrows():
        line = int(str(row))
        period, number = rec["period"], rec["not"]
        if period is None or pd.isna(number):
            continue
        period = str(period)
        kind = kinds.get(period)
        if kind is not None and kind != "årsredovisning" and period not in reported_kind:
            reported_kind.add(period)
            problems.append(
                Problem(
                    shown,
                    line,
                    "period",
                    f"perioden {period} är en {kind} i {paths.relative(paths.params_file)}; "
                    "noter redovisas bara i årsredovisningen.",
                )
            )
        for column, what in (("rubrik", "rubriken"), ("avser", "posten")):
            value = rec[column]
            if value is None or pd.isna(value):
                continue
            key = (period, int(number), column)
            if key not in first:
                first[key] = (line, str(value))
                continue
            first_line, seen = first[key]
            if str(value) != seen:
                problems.append(
                    Problem(
                        shown,
                        line,
                        column,
                        f"not {number} i perioden {period} har {what} '{seen}' på rad "
                        f"{first_line} men '{value}' här; en not ska ha samma {column} "
                        "på alla sina rader.",
                    )
                )
    return problems
