"""Chapter coverage: does the kommun's text have every part the law asks for, with text?

The förvaltningsberättelse (LKBR 11 kap., RKR R15) has parts that must be there, the
kommunal koncern included; the årsredovisning also has the sammanställda räkenskaper
(LKBR 12 kap., RKR R16). Each part is a key of :data:`KRAV`; the kommun's narrative
template (``templates/berattelse/kommun.yml``) gives each part a heading (``krav:``).

:func:`uncovered` lists, for ``kommunrapport check``, every required heading missing from
an årsredovisning's kommun text and every heading of any text that still has only its
guiding question. It is a to-do list, not an error: ``check`` fails on unwritten headings
only when a text says ``status: klar`` (see :mod:`kommunrapport.site.checks`). Only reads.
"""

from __future__ import annotations

from typing import Final

from kommunrapport.data.errors import Problem
from kommunrapport.data.model import Kommunmodell
from kommunrapport.site.narrative import KOMMUN_JOB, period_jobs, read_narrative, template_for
from kommunrapport.site.scaffold import load_template, shows_koncern

KRAV: Final[dict[str, str]] = {
    "oversikt": (
        "översikt över utvecklingen av kommunens verksamhet, också den som bedrivs i andra "
        "juridiska personer (LKBR 11 kap.)"
    ),
    "koncern": "den kommunala koncernen: organisation och koncernföretag (LKBR 11 kap., RKR R15)",
    "viktiga_forhallanden": "viktiga förhållanden för resultat och ekonomisk ställning (RKR R15)",
    "handelser": "händelser av väsentlig betydelse under året och efter dess slut (LKBR 11 kap.)",
    "styrning": "styrning och uppföljning av den kommunala verksamheten (RKR R15)",
    "god_ekonomisk_hushallning": (
        "utvärdering av god ekonomisk hushållning och den ekonomiska ställningen, också för "
        "koncernen (LKBR 11 kap., RKR R15)"
    ),
    "balanskrav": "balanskravsresultat (LKBR 11 kap.)",
    "personal": "väsentliga personalförhållanden (LKBR 11 kap.)",
    "forvantad": "förväntad utveckling (LKBR 11 kap.)",
    "sammanstallda": "sammanställda räkenskaper för den kommunala koncernen (LKBR 12 kap.)",
}
"""The parts of the förvaltningsberättelse and årsredovisning a kommun text must cover."""

ARSREDOVISNING: Final = "årsredovisning"


def required_headings(model: Kommunmodell, period_id: str) -> dict[str, str]:
    """Heading → requirement key, for the kommun text of an årsredovisning (else empty)."""
    period = model.period(period_id)
    if period.typ != ARSREDOVISNING:
        return {}
    template = load_template(template_for(KOMMUN_JOB))
    return {
        s.heading(period.typ): s.krav
        for s in template.sections(period.typ, shows_koncern(model, period))
        if s.krav is not None
    }


def uncovered(model: Kommunmodell) -> list[Problem]:
    """Required headings that are missing, and headings without text, in every text."""
    paths = model.paths
    out: list[Problem] = []
    for period in model.perioder.perioder:
        for job in period_jobs(model, period):
            path = paths.narrative_file(period.id, job)
            if not path.is_file():
                continue
            shown = paths.relative(path)
            try:
                narrative = read_narrative(path)
            except UnicodeDecodeError:
                continue  # check reports it
            if job == KOMMUN_JOB:
                have = {h.text.strip().casefold() for h in narrative.headings}
                for heading, key in required_headings(model, period.id).items():
                    if heading.casefold() not in have:
                        out.append(
                            Problem(
                                shown,
                                None,
                                None,
                                f"rubriken '{heading}' saknas; årsredovisningen ska ha "
                                f"{KRAV[key]}.",
                            )
                        )
            for h in narrative.unwritten:
                out.append(
                    Problem(shown, h.line, None, f"rubriken '{h.text}' har ännu ingen text.")
                )
    return out
