"""What the template notebooks call: one object per report, one method per labelled output.

``NamndRapport.load(period, namnd, jamforelsegrupp, markera)`` loads the model once and
checks the parameters; each method returns something that displays itself (a
:class:`~kommunrapport.content.tables.Tabell`, a
:class:`~kommunrapport.content.figur.Figur` or a short
:class:`~kommunrapport.content.tables.Text`). Intermediate results are cached on the instance only,
never in the module, so nothing is shared between reports or jobs.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Final

from kommunrapport.content import aktiviteter as akt
from kommunrapport.content import egna, figures, mal
from kommunrapport.content import indikatorer as ind
from kommunrapport.content import internkontroll as ik
from kommunrapport.content import noter as nt
from kommunrapport.content import period as per
from kommunrapport.content import personal as pers
from kommunrapport.content import roda_traden as rtr
from kommunrapport.content.ekonomi import balanskrav as bk
from kommunrapport.content.ekonomi import balansrakning as br
from kommunrapport.content.ekonomi import drift as dr
from kommunrapport.content.ekonomi import investeringar as inv
from kommunrapport.content.ekonomi import kassaflode as kf
from kommunrapport.content.ekonomi import nyckeltal as nyck
from kommunrapport.content.ekonomi import resultatrakning as rr
from kommunrapport.content.ekonomi import sammanfattning as sf
from kommunrapport.content.figur import Figur
from kommunrapport.content.koncern import redovisning as kr
from kommunrapport.content.koncern import tabeller as ktab
from kommunrapport.content.labels import GoalWords
from kommunrapport.content.tables import Tabell, Text
from kommunrapport.data.errors import ParameterError
from kommunrapport.data.model import Kommunmodell, Namnd, Period

NAMND_OUTPUTS: Final[dict[str, str]] = {
    "tbl-maluppfyllelse": "maluppfyllelse",
    "tbl-indikatorer": "indikatorer",
    "fig-indikatorer": "indikatordiagram",
    "tbl-aktiviteter": "aktiviteter",
    "tbl-aktiviteter-status": "aktivitetsstatus",
    "tbl-ekonomisk-sammanfattning": "ekonomisk_sammanfattning",
    "tbl-drift": "drift",
    "fig-drift": "driftdiagram",
    "tbl-investeringar": "investeringar",
    "tbl-personal": "personal",
    "tbl-internkontroll": "internkontroll",
}
"""Label (kommunrapport.content.labels.NAMND_LABELS) → the NamndRapport method its cell calls.
A nämnd's own tables add ``tbl-egen-<namn>`` → ``egen_tabell`` (see content.egna)."""

KOMMUN_OUTPUTS: Final[dict[str, str]] = {
    "tbl-roda-traden": "roda_traden",
    "tbl-inriktningsmal": "inriktningsmal",
    "tbl-luckor": "luckor",
    "tbl-maluppfyllelse-namnder": "maluppfyllelse_namnder",
    "tbl-drift-namnder": "drift",
    "fig-drift-namnder": "avvikelsediagram",
    "tbl-investeringar-kommun": "investeringar",
    "tbl-resultatrakning": "resultatrakning",
    "tbl-balansrakning": "balansrakning",
    "tbl-balanskrav": "balanskrav",
    "tbl-finansiella-mal": "finansiella_mal",
    "tbl-nyckeltal": "nyckeltal",
    "tbl-kassaflode": "kassaflode",
    "tbl-personal-kommun": "personal",
    "tbl-noter": "noter",
    "tbl-koncern-organisation": "koncern_organisation",
    "tbl-koncern-resultatrakning": "koncern_resultatrakning",
    "tbl-koncern-balansrakning": "koncern_balansrakning",
    "tbl-koncern-kassaflode": "koncern_kassaflode",
    "tbl-koncern-avstamning": "koncern_avstamning",
    "tbl-koncern-elimineringar": "koncern_elimineringar",
    "tbl-koncern-nyckeltal": "koncern_nyckeltal",
}
"""Label (kommunrapport.content.labels.KOMMUN_LABELS) → the KommunRapport method its cell calls."""


def _check_text(name: str, value: object, optional: bool = False) -> None:
    if optional and value is None:
        return
    if not isinstance(value, str) or not value:
        raise ParameterError(
            f"Parametern {name} ska vara en text{' eller None' if optional else ''}, "
            f"inte {value!r}."
        )


def _load(model: Kommunmodell | None) -> Kommunmodell:
    if model is not None:
        return model
    from kommunrapport.data.loader import load_model

    return load_model()


class NamndRapport:
    """One nämnd's report for one period."""

    def __init__(
        self,
        model: Kommunmodell,
        period: str,
        namnd: str,
        jamforelsegrupp: str | None = None,
        markera: Sequence[str] = (),
    ) -> None:
        _check_text("period", period)
        _check_text("namnd", namnd)
        _check_text("jamforelsegrupp", jamforelsegrupp, optional=True)
        if isinstance(markera, str) or not all(isinstance(m, str) for m in markera):
            raise ParameterError(
                f"Parametern markera ska vara en lista av indikator-id, inte {markera!r}."
            )
        self.model = model
        self.period: Period = per.period(model, period)
        self.namnd: Namnd = per.namnd(model, period, namnd)
        self.jamforelsegrupp = jamforelsegrupp
        self.markera = tuple(markera)
        self.maluppfyllelse_data  # noqa: B018 - validate jamforelsegrupp and markera now

    @classmethod
    def load(
        cls,
        period: str,
        namnd: str,
        jamforelsegrupp: str | None = None,
        markera: Sequence[str] = (),
        model: Kommunmodell | None = None,
    ) -> NamndRapport:
        """Load the project's model (found from here) and prepare the report."""
        return cls(_load(model), period, namnd, jamforelsegrupp, markera)

    @classmethod
    def from_params(cls, model: Kommunmodell, period: str, namnd: str) -> NamndRapport:
        """The report as params/perioder.yml configures it (comparison group, highlights):
        what the batch runner's notebook gets, for key figures and open data."""
        p = per.period(model, period)
        options = next((n for n in p.namnder if n.id == namnd), None)
        if options is None:
            per.namnd(model, period, namnd)  # raises the Swedish error
            raise AssertionError  # pragma: no cover
        return cls(model, period, namnd, options.jamforelsegrupp, options.markera)

    # --- computed once per report ---------------------------------------------------------
    @property
    def _tkr(self) -> int:
        """Decimals of the nämnd's tables in tkr (kommun.yml ``decimaler``)."""
        return self.model.kommun.decimals("tkr")

    @cached_property
    def maluppfyllelse_data(self) -> mal.Maluppfyllelse:
        return mal.maluppfyllelse(
            self.model,
            ind.Indikatordata(self.model),
            self.period.id,
            self.namnd.id,
            self.jamforelsegrupp,
            self.markera,
        )

    @cached_property
    def aktivitet_data(self) -> list[akt.Aktivitet]:
        return akt.aktiviteter(self.model, self.period.id, self.namnd.id)

    @cached_property
    def drift_data(self) -> dr.Drift:
        return dr.drift_namnd(self.model, self.period.id, self.namnd.id)

    @cached_property
    def investering_data(self) -> inv.Investeringar:
        return inv.investeringar(self.model, self.period.id, self.namnd.id)

    @cached_property
    def sammanfattning_data(self) -> sf.Sammanfattning:
        return sf.sammanfattning(self.model, self.period.id, self.namnd.id)

    @cached_property
    def personal_data(self) -> tuple[pers.Personaldata | None, pers.Personaldata | None]:
        last = per.same_month_last_year(self.period.id)
        return (
            pers.personal(self.model, self.period.id, self.namnd.id),
            pers.personal(self.model, last, self.namnd.id),
        )

    @cached_property
    def kontroll_data(self) -> list[ik.Kontroll]:
        return ik.kontroller(self.model, self.period.id, self.namnd.id)

    # --- the labelled outputs ----------------------------------------------------------------
    def maluppfyllelse(self) -> Tabell:
        return mal.maluppfyllelse_tabell(self.model, self.maluppfyllelse_data)

    def indikatorer(self) -> Tabell:
        return mal.indikator_tabell(self.model, self.maluppfyllelse_data)

    def indikatordiagram(self) -> Figur | Text:
        fig = figures.indikator_figur(self.maluppfyllelse_data)
        return fig or Text("Nämndens mål har inga indikatorer att visa i diagram.")

    def aktiviteter(self) -> Tabell:
        words = GoalWords.of(self.model.malkedja, self.namnd.id)
        return akt.aktivitet_tabell(self.aktivitet_data, words.heading)

    def aktivitetsstatus(self) -> Tabell:
        return akt.status_tabell(self.aktivitet_data)

    def ekonomisk_sammanfattning(self) -> Tabell:
        return sf.sammanfattning_tabell(self.sammanfattning_data, decimaler=self._tkr)

    def drift(self) -> Tabell:
        return dr.drift_tabell(self.drift_data, decimaler=self._tkr)

    def driftdiagram(self) -> Figur | Text:
        fig = figures.drift_figur(self.drift_data)
        return fig or Text("Driftredovisning saknas för perioden.")

    def investeringar(self) -> Tabell:
        return inv.investering_tabell(
            self.investering_data,
            decimaler=self.model.kommun.decimals(self.investering_data.enhet),
        )

    def personal(self) -> Tabell:
        now, before = self.personal_data
        return pers.personal_tabell(self.model, self.period.id, now, before)

    def internkontroll(self) -> Tabell:
        return ik.internkontroll_tabell(self.kontroll_data)

    def egen_tabell(self, namn: str) -> Tabell:
        """The nämnd's own table ``data/egna/<nämnd>/<namn>`` (label ``tbl-egen-<namn>``)."""
        table = egna.find(self.model, self.namnd.id, namn)
        return egna.egen_tabell(table, self.model.kommun)

    def __repr__(self) -> str:
        return f"{self.namnd.namn}: {self.period.titel}"


class KommunRapport:
    """The whole kommun's report for one period."""

    def __init__(self, model: Kommunmodell, period: str) -> None:
        _check_text("period", period)
        self.model = model
        self.period: Period = per.period(model, period)

    @classmethod
    def load(cls, period: str, model: Kommunmodell | None = None) -> KommunRapport:
        return cls(_load(model), period)

    @property
    def _mnkr(self) -> int:
        """Decimals of the kommun's tables in mnkr (kommun.yml ``decimaler``)."""
        return self.model.kommun.decimals("mnkr")

    @property
    def _tkr(self) -> int:
        return self.model.kommun.decimals("tkr")

    # --- computed once per report ---------------------------------------------------------
    @cached_property
    def roda_traden_data(self) -> rtr.RodaTraden:
        return rtr.roda_traden(self.model, ind.Indikatordata(self.model), self.period.id)

    @cached_property
    def drift_data(self) -> dr.Drift:
        return dr.drift_kommun(self.model, self.period.id)

    @cached_property
    def ekonomi_data(self) -> nyck.Ekonomi:
        return nyck.ekonomi(self.model, self.period.id)

    @cached_property
    def balanskrav_data(self) -> bk.Balanskrav:
        return bk.balanskrav(self.model, self.period.id, self.ekonomi_data.rr)

    @cached_property
    def finansiella_mal_data(self) -> list[nyck.FinansielltMalUtfall]:
        return nyck.finansiella_mal(self.model, self.ekonomi_data)

    @cached_property
    def personal_data(self) -> list[pers.Personaldata]:
        return pers.personal_kommun(self.model, self.period.id)

    @cached_property
    def noter_data(self) -> nt.Noter:
        return nt.noter(self.model, self.period.id, self.ekonomi_data, self.koncern_data)

    @cached_property
    def koncern_data(self) -> kr.Koncernredovisning:
        return kr.koncernredovisning(self.model, self.period.id)

    # --- the labelled outputs ----------------------------------------------------------------
    def roda_traden(self) -> Tabell:
        return rtr.roda_traden_tabell(self.model, self.roda_traden_data)

    def inriktningsmal(self) -> Tabell:
        return rtr.inriktningsmal_tabell(self.roda_traden_data, self.model)

    def luckor(self) -> Tabell:
        return rtr.luckor_tabell(rtr.luckor(self.model, self.roda_traden_data))

    def maluppfyllelse_namnder(self) -> Tabell:
        return rtr.maluppfyllelse_namnder_tabell(self.model, self.roda_traden_data)

    def drift(self) -> Tabell:
        return dr.drift_tabell(self.drift_data, forsta="Nämnd", decimaler=self._tkr)

    def avvikelsediagram(self) -> Figur | Text:
        fig = figures.avvikelse_figur(self.drift_data)
        return fig or Text("Driftredovisning saknas för perioden.")

    def investeringar(self) -> Tabell:
        return inv.investering_per_namnd_tabell(
            self.model,
            self.ekonomi_data.investeringar,
            decimaler=self.model.kommun.decimals(self.ekonomi_data.investeringar.enhet),
        )

    def resultatrakning(self) -> Tabell:
        return rr.resultatrakning_tabell(self.ekonomi_data.rr, decimaler=self._mnkr)

    def balansrakning(self) -> Tabell:
        e = self.ekonomi_data
        return br.balansrakning_tabell(self.model, e.br, e.br_forra, decimaler=self._mnkr)

    def balanskrav(self) -> Tabell:
        return bk.balanskrav_tabell(self.balanskrav_data, decimaler=self._mnkr)

    def finansiella_mal(self) -> Tabell:
        return nyck.finansiella_mal_tabell(self.finansiella_mal_data)

    def nyckeltal(self) -> Tabell:
        return nyck.nyckeltal_tabell(self.ekonomi_data)

    def kassaflode(self) -> Tabell:
        return kf.kassaflode_tabell(self.model, self.period.id, decimaler=self._mnkr)

    def personal(self) -> Tabell:
        return pers.personal_kommun_tabell(self.model, self.period.id, self.personal_data)

    def noter(self) -> Tabell:
        return nt.noter_tabell(self.noter_data, decimaler=self._mnkr)

    def koncern_organisation(self) -> Tabell:
        return ktab.organisation_tabell(self.model, self.koncern_data, decimaler=self._mnkr)

    def koncern_resultatrakning(self) -> Tabell:
        return ktab.resultatrakning_tabell(self.koncern_data, decimaler=self._mnkr)

    def koncern_balansrakning(self) -> Tabell:
        return ktab.balansrakning_tabell(self.koncern_data, decimaler=self._mnkr)

    def koncern_kassaflode(self) -> Tabell:
        return ktab.kassaflode_tabell(self.koncern_data, decimaler=self._mnkr)

    def koncern_avstamning(self) -> Tabell:
        return ktab.avstamning_tabell(self.koncern_data, decimaler=self._mnkr)

    def koncern_elimineringar(self) -> Tabell:
        return ktab.elimineringar_tabell(self.model, self.koncern_data, decimaler=self._mnkr)

    def koncern_nyckeltal(self) -> Tabell:
        return ktab.nyckeltal_tabell(self.koncern_data)

    def __repr__(self) -> str:
        return f"{self.model.kommun.namn}: {self.period.titel}"
