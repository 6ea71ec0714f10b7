"""The rules of the kommunal koncern's data (data/koncern.yml, data/koncernrakenskaper,
data/koncernelimineringar), and how each kind of elimination pairs its two sides.

- A company is listed once (id and organisationsnummer unique); rows name known companies.
- A company's balansräkning balances, and its resultaträkning ends in the balansräkning's
  ``arets_resultat`` (within :data:`TOLERANS_MNKR`).
- Every report that shows the koncern has rows for each included company.
- An elimination row is one side of an internal transaction or balance, as the party
  (``part``) booked it against the other (``motpart``), 100 % in the party's own books.
  Each kind (:data:`ELIMINERINGSREGLER`) has two sides, each with its posts: a sale and its
  purchase, a receivable and its liability, and so on. The two sides of a pair must balance:
  for transactions and balances the two parties' amounts are equal; for shares against
  equity and for dividends the owner's amount equals the owned company's amount times the
  kommun's share (each side weighed by its party's share). A side without its counterpart,
  or sides that differ, is refused, naming the rows.

Every broken rule is one :class:`Problem` added to the :class:`Collector`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Final

import pandas as pd

from kommunrapport.data import values
from kommunrapport.data.collector import KONCERN, Collector
from kommunrapport.data.errors import Problem
from kommunrapport.data.model import Koncern, Perioder
from kommunrapport.data.values import KOMMUN_PART

__all__ = ["ELIMINERINGSREGLER", "TOLERANS_MNKR", "Elimineringsregel", "koncern_check"]

TOLERANS_MNKR: Final = 0.05
"""Largest difference (mnkr) that is rounding."""


@dataclass(frozen=True)
class Elimineringsregel:
    """One kind of elimination: side A (the selling, lending, owning or receiving party's
    posts) against side B (the buying, borrowing, owned or paying party's posts)."""

    a_poster: tuple[str, ...]
    b_poster: tuple[str, ...]
    a_namn: str
    b_namn: str
    agarandel: bool = False
    """True: the sides balance weighed by each party's share (shares against equity,
    dividends). False: the 100 % amounts balance and the lower share is eliminated."""
    eget_kapital_tecken: int = -1
    """How an eliminated ``eget_kapital`` on side B changes the koncern's equity: −1 removes
    it (the equity bought with the shares), +1 restores it (a dividend paid inside the
    koncern lowered the payer's equity)."""


ELIMINERINGSREGLER: Final[dict[str, Elimineringsregel]] = {
    "försäljning": Elimineringsregel(
        ("verksamhetens_intakter",), ("verksamhetens_kostnader",), "försäljning", "inköp"
    ),
    "fordran": Elimineringsregel(
        ("fordringar", "finansiella_anlaggningstillgangar"),
        ("kortfristiga_skulder", "langfristiga_skulder"),
        "fordran",
        "skuld",
    ),
    "ränta": Elimineringsregel(
        ("finansiella_intakter",), ("finansiella_kostnader",), "ränteintäkt", "räntekostnad"
    ),
    "koncernbidrag": Elimineringsregel(
        ("finansiella_intakter",),
        ("finansiella_kostnader",),
        "mottaget koncernbidrag",
        "lämnat koncernbidrag",
    ),
    "aktier": Elimineringsregel(
        ("finansiella_anlaggningstillgangar",),
        ("eget_kapital",),
        "aktier och andelar",
        "förvärvat eget kapital",
        agarandel=True,
    ),
    "utdelning": Elimineringsregel(
        ("finansiella_intakter",),
        ("eget_kapital",),
        "mottagen utdelning",
        "lämnad utdelning",
        agarandel=True,
        eget_kapital_tecken=1,
    ),
}


def _line(row: object) -> int:
    return int(str(row))


def koncern_check(
    c: Collector,
    koncern: Koncern | None,
    file_exists: bool,
    params: Perioder | None,
    tables: dict[str, tuple[pd.DataFrame, str]],
) -> None:
    path = c.paths.yaml_file(KONCERN)
    shown_yml = c.shown(path)
    if koncern is not None:
        c.repeated_ids(path, "foretag", [f.id for f in koncern.foretag], "företaget")
        seen: dict[str, str] = {}
        for i, f in enumerate(koncern.foretag):
            if f.orgnr in seen:
                c.add(
                    path,
                    c.line(path, ("foretag", i, "organisationsnummer")),
                    "organisationsnummer",
                    f"organisationsnumret {f.orgnr} finns redan för '{seen[f.orgnr]}'.",
                )
            seen.setdefault(f.orgnr, f.id)
    for name in ("koncernrakenskaper", "koncernelimineringar"):
        if name in tables and not file_exists:
            frame, shown = tables[name]
            if not frame.empty:
                c.problems.append(
                    Problem(shown, None, None, f"{shown_yml} saknas; ange koncernens företag där.")
                )
    if koncern is None:
        return
    known = {f.id: f for f in koncern.foretag}
    shares = {f.id: f.andel for f in koncern.foretag if f.ingar}
    shares[KOMMUN_PART] = 1.0
    if "koncernrakenskaper" in tables:
        frame, shown = tables["koncernrakenskaper"]
        for row, value in frame["foretag"].items():
            if value is not None and value not in known:
                c.problems.append(
                    Problem(shown, _line(row), "foretag", f"okänt företag '{value}' ({shown_yml}).")
                )
        c.problems.extend(_statement_problems(frame, shown))
        if params is not None:
            c.problems.extend(_period_problems(koncern, params, frame, shown))
    if "koncernelimineringar" in tables:
        frame, shown = tables["koncernelimineringar"]
        c.problems.extend(_elimination_problems(frame, shown, shares, shown_yml))


def _statement_problems(frame: pd.DataFrame, shown: str) -> list[Problem]:
    """Each company's balansräkning balances and its result is the balance sheet's."""
    assets = values.BALANSRAKNING_TILLGANGAR
    claims = values.BALANSRAKNING_EGET_KAPITAL_OCH_SKULDER

    problems: list[Problem] = []
    valid = frame.dropna(subset=["foretag", "period", "post", "belopp"])
    for (company, period), group in valid.groupby(["foretag", "period"], sort=True):
        amounts = dict(zip(group["post"], group["belopp"], strict=True))
        lines = dict(zip(group["post"], group.index, strict=True))
        first = _line(min(group.index))
        if any(p in amounts for p in assets):
            diff = sum(amounts.get(p, 0.0) for p in assets) - sum(
                amounts.get(p, 0.0) for p in claims
            )
            if abs(diff) > TOLERANS_MNKR:
                problems.append(
                    Problem(
                        shown,
                        first,
                        "belopp",
                        f"balansräkningen för '{company}' {period} balanserar inte: "
                        f"tillgångarna minus eget kapital (inklusive årets resultat), "
                        f"avsättningar och skulder är {_mnkr(diff)} mnkr.",
                    )
                )
        rr = [p for p in values.RESULTATRAKNING_POSTER if p in amounts]
        if rr and "arets_resultat" in amounts:
            result = sum(_signed(p, amounts[p]) for p in rr)
            if abs(result - amounts["arets_resultat"]) > TOLERANS_MNKR:
                problems.append(
                    Problem(
                        shown,
                        _line(lines["arets_resultat"]),
                        "belopp",
                        f"årets resultat för '{company}' {period} är "
                        f"{_mnkr(amounts['arets_resultat'])} mnkr i balansräkningen men "
                        f"{_mnkr(result)} mnkr enligt resultaträkningens poster.",
                    )
                )
    return problems


def _signed(post: str, value: float) -> float:
    """A resultaträkning line with its post's sign (income +, costs −, else as given)."""
    if post == "extraordinara_poster":
        return value
    cost = post.endswith("kostnader") or post == "avskrivningar"
    return -abs(value) if cost else abs(value)


def _mnkr(value: float) -> str:
    return f"{value:.1f}".replace(".", ",").replace("-", "−")


def _period_problems(
    koncern: Koncern, params: Perioder, frame: pd.DataFrame, shown: str
) -> list[Problem]:
    """Every report that shows the koncern has rows for every included company."""
    problems = []
    have = {(str(f), str(p)) for f, p in zip(frame["foretag"], frame["period"], strict=True)}
    for p in params.perioder:
        if not p.visar_koncern:
            continue
        for f in koncern.ingaende():
            if (f.id, p.id) not in have:
                problems.append(
                    Problem(
                        shown,
                        None,
                        "foretag",
                        f"'{f.id}' ingår i koncernen men har inga rader för perioden {p.id} "
                        "(som visar koncernen enligt params/perioder.yml).",
                    )
                )
    return problems


def _elimination_problems(
    frame: pd.DataFrame, shown: str, shares: dict[str, float], shown_yml: str
) -> list[Problem]:
    problems: list[Problem] = []
    # (period, typ, a-party, b-party) -> side -> [(line, amount)]
    pairs: dict[tuple[str, str, str, str], dict[str, list[tuple[int, float]]]] = defaultdict(
        lambda: {"a": [], "b": []}
    )
    for row, rec in frame.iterrows():
        line = _line(row)
        period, typ, part, motpart, post, amount = (
            rec["period"],
            rec["typ"],
            rec["part"],
            rec["motpart"],
            rec["post"],
            rec["belopp"],
        )
        if any(v is None for v in (period, typ, part, motpart, post)) or pd.isna(amount):
            continue
        broken = False
        for column, party in (("part", part), ("motpart", motpart)):
            if party not in shares:
                problems.append(
                    Problem(
                        shown,
                        line,
                        column,
                        f"'{party}' är varken kommun eller ett företag som ingår i koncernen "
                        f"enligt {shown_yml}.",
                    )
                )
                broken = True
        if part == motpart:
            problems.append(Problem(shown, line, "motpart", "part och motpart är samma."))
            broken = True
        rule = ELIMINERINGSREGLER[str(typ)]
        if post in rule.a_poster:
            side, key = "a", (str(period), str(typ), str(part), str(motpart))
        elif post in rule.b_poster:
            side, key = "b", (str(period), str(typ), str(motpart), str(part))
        else:
            allowed = ", ".join(rule.a_poster + rule.b_poster)
            problems.append(
                Problem(
                    shown,
                    line,
                    "post",
                    f"posten '{post}' hör inte till typen {typ} (tillåtna: {allowed}).",
                )
            )
            continue
        if not broken:
            pairs[key][side].append((line, float(amount)))
    for (period, typ, a_party, b_party), sides in sorted(pairs.items()):
        rule = ELIMINERINGSREGLER[typ]
        rows = sorted(line for lst in sides.values() for line, _ in lst)
        where = "rad " + ", ".join(str(r) for r in rows)
        if not sides["a"] or not sides["b"]:
            have, lack = (rule.a_namn, rule.b_namn) if sides["a"] else (rule.b_namn, rule.a_namn)
            owner, other = (a_party, b_party) if sides["a"] else (b_party, a_party)
            problems.append(
                Problem(
                    shown,
                    rows[0],
                    "motpart",
                    f"{have} ({owner} mot {other}, {period}) utan motsvarande {lack} hos "
                    f"{other} ({where}); båda sidor ska finnas för att kunna elimineras.",
                )
            )
            continue
        sum_a = sum(v for _, v in sides["a"])
        sum_b = sum(v for _, v in sides["b"])
        weigh_a, weigh_b = (shares[a_party], shares[b_party]) if rule.agarandel else (1.0, 1.0)
        if abs(sum_a * weigh_a - sum_b * weigh_b) > TOLERANS_MNKR:
            basis = " (vägt med ägarandelen)" if rule.agarandel else ""
            problems.append(
                Problem(
                    shown,
                    rows[0],
                    "belopp",
                    f"{rule.a_namn} och {rule.b_namn} mellan {a_party} och {b_party} {period} "
                    f"balanserar inte{basis}: {_mnkr(sum_a * weigh_a)} mot "
                    f"{_mnkr(sum_b * weigh_b)} mnkr ({where}).",
                )
            )
    return problems
