"""Sweden's 290 kommuner by Kolada id, shipped with the package so that ``init`` works
offline.

``kommuner.csv`` (id, namn) is the kommuner (type K) of Kolada's municipality list as
rKolada ships it (github.com/LCHansson/rKolada, ``R/sysdata.rda``, object ``munic``, HEAD
8afe11f93bc8d931f808befe90dd6dfd85db4593, a v3 pull of about March 2026), via the
project's shared real data (``shared/realdata/kolada/municipalities_2026.csv``).
Källa: Kolada.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources

from kommunrapport.data.errors import KommunrapportError

_VOWELS = set("aeiouyåäöé")


class UnknownKommunError(KommunrapportError):
    """The Kolada id is not one of the kommuner."""


@cache
def kommuner() -> dict[str, str]:
    """Kolada id → the kommun's short name as Kolada writes it (e.g. ``1487`` → Vänersborg)."""
    text = resources.files("kommunrapport").joinpath("data", "kommuner.csv").read_text("utf-8")
    return {row["id"]: row["namn"] for row in csv.DictReader(io.StringIO(text))}


def kommun_name(short: str) -> str:
    """The usual name of the kommun: ``Vänersborg`` → ``Vänersborgs kommun``; no genitive
    s after a vowel or an s, x or z (``Ale kommun``, ``Borås kommun``). Some kommuner call
    themselves stad or region; the analyst corrects that in data/kommun.yml."""
    last = short[-1].lower()
    genitive = short if last in _VOWELS or last in "sxz" else f"{short}s"
    return f"{genitive} kommun"


def lookup(kolada_id_or_name: str) -> tuple[str, str]:
    """(Kolada id, name as in data/kommun.yml) of a kommun given by its id (``1487``, also
    ``487``) or its short name (``Vänersborg``); a Swedish error when there is none."""
    table = kommuner()
    given = kolada_id_or_name.strip()
    if given.isdigit():
        kid = given.zfill(4)
        if kid in table:
            return kid, kommun_name(table[kid])
        raise UnknownKommunError(
            f"{given} är inget Kolada-id för en kommun (fyra siffror, t.ex. 1487 för "
            "Vänersborg; se kolada.se)."
        )
    by_name = {n.lower(): k for k, n in table.items()}
    folded = given.lower().removesuffix(" kommun").removesuffix("s")
    for candidate in (given.lower(), folded, given.lower().removesuffix(" kommun")):
        if candidate in by_name:
            kid = by_name[candidate]
            return kid, kommun_name(table[kid])
    import difflib

    close = difflib.get_close_matches(given, list(table.values()), n=3, cutoff=0.6)
    hint = f" Menade du {', '.join(close)}?" if close else ""
    raise UnknownKommunError(f"Hittar ingen kommun som heter '{given}'.{hint}")
