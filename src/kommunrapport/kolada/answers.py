"""Reading the Kolada API v3 answers: KPI metadata (``/kpi``), municipality groups
(``/municipality_groups``) and data items (``/data/kpi/.../municipality/.../year/...``).

An answer that lacks a field, has a value that is not a number or a kön Kolada does not
use raises :class:`KoladaResponseError` naming the URL, so nothing is written. Items
for a KPI, område or year that was not asked for are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kommunrapport.kolada.client import JsonObject, KoladaResponseError
from kommunrapport.kolada.common import GENDERS, Group, Outcome, Triple, area_id, opt_text
from kommunrapport.kolada.metadata import KpiMetadata

__all__ = ["ParsedData", "parse_group", "parse_kpi"]


def _need(item: JsonObject, key: str, url: str) -> object:
    if key not in item:
        raise KoladaResponseError(f"Ett värde i svaret från {url} saknar fältet '{key}'.")
    return item[key]


def parse_kpi(item: JsonObject, url: str) -> KpiMetadata:
    period = item.get("publ_period")
    return KpiMetadata(
        id=str(_need(item, "id", url)),
        title=str(item.get("title") or ""),
        description=str(item.get("description") or ""),
        is_divided_by_gender=bool(item.get("is_divided_by_gender")),
        prel_publication_date=opt_text(item.get("prel_publication_date")),
        publication_date=opt_text(item.get("publication_date")),
        publ_period=int(str(period)) if str(period).isdigit() else None,
    )


def parse_group(item: JsonObject, url: str) -> Group:
    members = _need(item, "members", url)
    if not isinstance(members, list):
        raise KoladaResponseError(f"Gruppen i svaret från {url} har ingen lista 'members'.")
    pairs: list[tuple[str, str]] = []
    for m in members:
        if not isinstance(m, dict) or "member_id" not in m:
            raise KoladaResponseError(f"En medlem i svaret från {url} saknar 'member_id'.")
        pairs.append((area_id(str(m["member_id"])), str(m.get("member_title") or "")))
    return Group(str(_need(item, "id", url)), str(item.get("title") or ""), tuple(sorted(pairs)))


class ParsedData:
    """Data items collected across requests: outcomes by key, and the triples touched."""

    def __init__(self) -> None:
        self.outcomes: dict[tuple[str, str, int, str], Outcome] = {}
        self.scope: set[Triple] = set()
        self.deleted = 0
        self.missing = 0
        self.cells: list[tuple[str, str, int, str, bool]] = []
        """Every value read, deleted ones aside: (kpi, area, year, kön, has a value)."""

    def add(
        self,
        items: Iterable[JsonObject],
        url: str,
        kpis: set[str],
        areas: set[str],
        years: Sequence[int],
    ) -> None:
        wanted_years = set(years)
        for item in items:
            kpi = str(_need(item, "kpi", url))
            area = area_id(str(_need(item, "municipality", url)))
            period = _need(item, "period", url)
            try:
                year = int(str(period))
            except ValueError:
                raise KoladaResponseError(
                    f"Perioden '{period}' i svaret från {url} är inget år."
                ) from None
            values = _need(item, "values", url)
            if not isinstance(values, list):
                raise KoladaResponseError(f"Fältet 'values' i svaret från {url} är ingen lista.")
            if kpi not in kpis or area not in areas or year not in wanted_years:
                continue
            for v in values:
                self._add_value(v, kpi, area, year, url)

    def _add_value(self, v: object, kpi: str, area: str, year: int, url: str) -> None:
        if not isinstance(v, dict):
            raise KoladaResponseError(f"Ett värde i svaret från {url} är inget objekt.")
        gender = str(v.get("gender") or "T").upper()
        if gender not in GENDERS:
            raise KoladaResponseError(
                f"Okänt kön '{gender}' i svaret från {url} (Kolada använder T, K och M)."
            )
        if v.get("isdeleted") is True:
            self.deleted += 1
            self.scope.add((kpi, area, year))
            return
        value = v.get("value")
        self.cells.append((kpi, area, year, gender, value is not None))
        if value is None:
            self.missing += 1
            return
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise KoladaResponseError(f"Värdet {value!r} i svaret från {url} är inget tal.")
        status = opt_text(v.get("status"))
        self.outcomes[(kpi, area, year, gender)] = Outcome(
            kpi, area, year, gender, float(value), status
        )
        self.scope.add((kpi, area, year))
