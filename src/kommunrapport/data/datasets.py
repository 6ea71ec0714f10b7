"""The registry of the kommun's tables: each dataset is named once, here.

A dataset has a name (what code asks for), a file stem under ``data/`` (``.csv`` or
``.xlsx``), typed columns and a key (see :mod:`kommunrapport.data.tablespec`, which
also types and checks a table against its entry). The allowed values of the columns
that have them are in :mod:`kommunrapport.data.values`.
"""

from __future__ import annotations

import pandas as pd

from kommunrapport.data.tablespec import Column, Dataset, Kind, Part
from kommunrapport.data.values import (
    AKTIVITET_STATUS,
    BALANSKRAV_POSTER,
    BALANSRAKNING_POSTER,
    BEDOMNINGAR,
    BELOPP_ENHET,
    DRIFT_RADTYP,
    ELIMINERINGSTYPER,
    INTERNKONTROLL_RESULTAT,
    INVESTERING_STATUS,
    KON,
    KONCERN_POSTER,
    RESULTATRAKNING_POSTER,
    SAMMANFATTNING_POSTER,
)

_NAMND = Column("namnd", description="nämndens id, som i data/kommun.yml")
_PERIOD = Column("period", Kind.PERIOD, description="perioden, ÅÅÅÅ-MM (t.ex. 2022-08)")
_TKR = "tkr"

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            "indikatorutfall",
            (
                Column("indikator", description="indikatorns id (Kolada-id eller eget id)"),
                Column("omrade", description="Kolada-id för kommun, 0000 för riket"),
                Column("ar", Kind.YEAR, description="år"),
                Column("kon", allowed=KON, description="T totalt, K kvinnor, M män"),
                Column("varde", Kind.NUMBER, description="värdet i indikatorns enhet"),
                Column("status", required=False, description="Koladas status, t.ex. preliminärt"),
            ),
            key=("indikator", "omrade", "ar", "kon"),
            description="Utfall för indikatorerna per år och kön, för kommunen och jämförelser",
        ),
        Dataset(
            "driftredovisning",
            (
                _NAMND,
                Column("verksamhet"),
                _PERIOD,
                Column(
                    "budget",
                    Kind.NUMBER,
                    required=False,
                    description="årsbudget, tkr (tom: ingen budget, räknas som 0)",
                ),
                Column("utfall", Kind.NUMBER, description="utfall hittills i år, tkr"),
                Column(
                    "prognos",
                    Kind.NUMBER,
                    required=False,
                    before_december=True,
                    description="prognos för helåret, tkr",
                ),
                Column(
                    "avvikelse",
                    Kind.NUMBER,
                    required=False,
                    description="avvikelsen enligt ekonomisystemet, tkr (valfri: används som den "
                    "står och kontrolleras mot budget och utfall eller prognos)",
                ),
                Column(
                    "radtyp",
                    required=False,
                    allowed=DRIFT_RADTYP,
                    description="tomt eller verksamhet; total för nämndens officiella summa",
                ),
            ),
            key=("namnd", "verksamhet", "period"),
            description="Driftredovisning per nämnd och verksamhet (nettokostnad, tkr)",
            unit=_TKR,
            namnd_column="namnd",
        ),
        Dataset(
            "investeringar",
            (
                Column("projekt"),
                _NAMND,
                _PERIOD,
                Column(
                    "budget",
                    Kind.NUMBER,
                    required=False,
                    description="årets budget, tkr eller mnkr (tom: ingen budget, räknas som 0)",
                ),
                Column("utfall", Kind.NUMBER, description="utfall hittills i år"),
                Column(
                    "prognos",
                    Kind.NUMBER,
                    required=False,
                    before_december=True,
                    description="prognos för helåret",
                ),
                Column(
                    "avvikelse",
                    Kind.NUMBER,
                    required=False,
                    description="avvikelsen enligt ekonomisystemet (valfri: används som den står "
                    "och kontrolleras mot budget och utfall eller prognos)",
                ),
                Column(
                    "status",
                    required=False,
                    allowed=INVESTERING_STATUS,
                    description="pågående eller färdigställd (fleråriga projekt)",
                ),
                Column(
                    "total_budget",
                    Kind.NUMBER,
                    required=False,
                    description="projektets hela budget över alla år",
                ),
                Column(
                    "ackumulerat_utfall",
                    Kind.NUMBER,
                    required=False,
                    description="projektets utfall från start till periodens slut",
                ),
                Column(
                    "enhet",
                    required=False,
                    allowed=BELOPP_ENHET,
                    description="tkr (standard) eller mnkr; samma på filens alla rader",
                ),
            ),
            key=("projekt", "period"),
            description="Investeringsprojekt per period (tkr eller mnkr)",
            unit=_TKR,
            namnd_column="namnd",
        ),
        Dataset(
            "aktiviteter",
            (
                Column("id"),
                _NAMND,
                Column("namndmal", description="nämndmålets id i data/malkedja.yml"),
                Column("beskrivning", multiline=True),
                Column("ansvarig", required=False, description="vem som ansvarar (valfritt)"),
                Column(
                    "slutdatum",
                    Kind.DATE,
                    required=False,
                    description="planerat slutdatum, ÅÅÅÅ-MM-DD",
                ),
                _PERIOD,
                Column("status", allowed=AKTIVITET_STATUS),
                Column("kommentar", required=False, multiline=True),
            ),
            key=("id", "period"),
            description="Aktiviteter och åtaganden med status per period",
            namnd_column="namnd",
        ),
        Dataset(
            "internkontroll",
            (
                _NAMND,
                _PERIOD,
                Column("kontrollmoment"),
                Column("resultat", allowed=INTERNKONTROLL_RESULTAT),
                Column("atgard", required=False, multiline=True),
            ),
            key=("namnd", "period", "kontrollmoment"),
            description="Internkontroll: kontrollmoment, resultat och åtgärd",
            optional=True,
            namnd_column="namnd",
        ),
        Dataset(
            "personal",
            (
                _NAMND,
                _PERIOD,
                Column("sjukfranvaro_totalt", Kind.NUMBER, minimum=0, maximum=100),
                Column("sjukfranvaro_kvinnor", Kind.NUMBER, minimum=0, maximum=100),
                Column("sjukfranvaro_man", Kind.NUMBER, minimum=0, maximum=100),
                Column("anstallda", Kind.INT, minimum=0),
                Column("anstallda_kvinnor", Kind.INT, minimum=0),
                Column("anstallda_man", Kind.INT, minimum=0),
            ),
            key=("namnd", "period"),
            description="Personal: sjukfrånvaro (%) och antal anställda per kön",
            namnd_column="namnd",
            required_for=(Part.KOMMUN,),
        ),
        Dataset(
            "resultatrakning",
            (
                _PERIOD,
                Column("post", allowed=RESULTATRAKNING_POSTER),
                Column("utfall", Kind.NUMBER, description="utfall hittills i år, mnkr"),
                Column("budget", Kind.NUMBER, required=False, description="årsbudget, mnkr"),
                Column("prognos", Kind.NUMBER, required=False, description="helårsprognos, mnkr"),
            ),
            key=("period", "post"),
            description="Kommunens resultaträkning (mnkr)",
            unit="mnkr",
            kommun_only=True,
        ),
        Dataset(
            "balansrakning",
            (
                _PERIOD,
                Column("post", allowed=BALANSRAKNING_POSTER),
                Column("belopp", Kind.NUMBER, description="mnkr vid periodens slut"),
            ),
            key=("period", "post"),
            description="Kommunens balansräkning (mnkr)",
            unit="mnkr",
            kommun_only=True,
        ),
        Dataset(
            "kassaflode",
            (
                _PERIOD,
                Column("post"),
                Column("belopp", Kind.NUMBER, description="mnkr"),
            ),
            key=("period", "post"),
            description="Kassaflödesanalys (mnkr), frivillig",
            optional=True,
            unit="mnkr",
            kommun_only=True,
        ),
        Dataset(
            "noter",
            (
                _PERIOD,
                Column("not", Kind.INT, minimum=1, description="notens nummer (1, 2, …)"),
                Column("rubrik", description="notens rubrik, samma på notens alla rader"),
                Column("post", description="raden i noten"),
                Column("belopp", Kind.NUMBER, description="årets belopp, mnkr"),
                Column(
                    "foregaende_ar",
                    Kind.NUMBER,
                    required=False,
                    description="föregående års belopp, mnkr",
                ),
                Column(
                    "koncern",
                    Kind.NUMBER,
                    required=False,
                    description="koncernens belopp i år, mnkr (tomt om noten bara gäller kommunen)",
                ),
                Column(
                    "koncern_foregaende_ar",
                    Kind.NUMBER,
                    required=False,
                    description="koncernens belopp föregående år, mnkr",
                ),
                Column(
                    "avser",
                    required=False,
                    allowed=RESULTATRAKNING_POSTER + BALANSRAKNING_POSTER,
                    description="posten i resultat- eller balansräkningen som noten specificerar",
                ),
            ),
            key=("period", "not", "post"),
            description="Noter till resultat- och balansräkningen (mnkr), frivillig",
            optional=True,
            report_kinds=("årsredovisning",),
            unit="mnkr",
            kommun_only=True,
        ),
        Dataset(
            "jamforelsegrupper",
            (
                Column("grupp", description="Kolada-gruppens id, t.ex. G36123"),
                Column("gruppnamn"),
                Column("kommun", description="medlemmens Kolada-id"),
                Column("kommunnamn"),
            ),
            key=("grupp", "kommun"),
            description="Koladas jämförelsegrupper (Liknande kommuner) och deras medlemmar",
            optional=True,
        ),
        Dataset(
            "bedomningar",
            (
                _NAMND,
                _PERIOD,
                Column("namndmal", required=False, description="nämndmålets id (eller tomt)"),
                Column("indikator", required=False, description="indikatorns id (eller tomt)"),
                Column("bedomning", allowed=BEDOMNINGAR, description="den bedömning som gäller"),
                Column(
                    "motivering",
                    description="nämndens skäl: för ett mål utan indikatorer dess bedömning, "
                    "annars varför regelns bedömning ändras (visas)",
                    multiline=True,
                ),
            ),
            key=("period", "namndmal", "indikator"),
            description="Nämndens egna och ändrade bedömningar av nämndmål och indikatorer",
            optional=True,
            namnd_column="namnd",
        ),
        Dataset(
            "ekonomisk_sammanfattning",
            (
                _NAMND,
                _PERIOD,
                Column(
                    "post",
                    allowed=SAMMANFATTNING_POSTER,
                    description="intakter, kostnader, nettokostnad (nämndens officiella, t.ex. "
                    "bara en budget för netto) eller nettoinvesteringar",
                ),
                Column("budget", Kind.NUMBER, required=False, description="årsbudget, tkr"),
                Column(
                    "utfall",
                    Kind.NUMBER,
                    required=False,
                    description="utfall hittills i år, tkr (tomt bara på en nettokostnad-rad)",
                ),
                Column("prognos", Kind.NUMBER, required=False, description="helårsprognos, tkr"),
            ),
            key=("namnd", "period", "post"),
            description="Nämndens intäkter och kostnader (tkr), frivillig",
            optional=True,
            unit=_TKR,
            namnd_column="namnd",
        ),
        Dataset(
            "malkommentarer",
            (
                _NAMND,
                _PERIOD,
                Column("namndmal", description="nämndmålets id i data/malkedja.yml"),
                Column(
                    "kommentar",
                    description="analysen av målet för perioden (visas)",
                    multiline=True,
                ),
            ),
            key=("period", "namndmal"),
            description="Kommentarer (analys) per nämndmål och period, frivillig",
            optional=True,
            namnd_column="namnd",
        ),
        Dataset(
            "balanskravsjusteringar",
            (
                _PERIOD,
                Column("post", allowed=BALANSKRAV_POSTER),
                Column("belopp", Kind.NUMBER, minimum=0, description="mnkr, positivt belopp"),
            ),
            key=("period", "post"),
            description="Justeringar från årets resultat till balanskravsresultatet (mnkr)",
            optional=True,
            unit="mnkr",
            kommun_only=True,
        ),
        Dataset(
            "koncernrakenskaper",
            (
                Column("foretag", description="företagets id i data/koncern.yml"),
                _PERIOD,
                Column("post", allowed=KONCERN_POSTER),
                Column(
                    "belopp",
                    Kind.NUMBER,
                    description="hela företagets belopp (100 %), mnkr, med samma tecken som "
                    "kommunens räkningar",
                ),
            ),
            key=("foretag", "period", "post"),
            description="Koncernföretagens resultat- och balansräkning och kassaflöde (mnkr)",
            optional=True,
            unit="mnkr",
            kommun_only=True,
        ),
        Dataset(
            "koncernelimineringar",
            (
                _PERIOD,
                Column("typ", allowed=ELIMINERINGSTYPER),
                Column("part", description="vem som bokfört posten: kommun eller företagets id"),
                Column("motpart", description="den andra parten: kommun eller företagets id"),
                Column("post", allowed=RESULTATRAKNING_POSTER + BALANSRAKNING_POSTER),
                Column(
                    "belopp",
                    Kind.NUMBER,
                    minimum=0,
                    description="beloppet i partens egna räkenskaper (100 %), mnkr, positivt",
                ),
                Column("kommentar", required=False),
            ),
            key=("period", "typ", "part", "motpart", "post"),
            description="Interna poster mellan kommunen och koncernföretagen att eliminera (mnkr)",
            optional=True,
            unit="mnkr",
            kommun_only=True,
        ),
    )
}


KOMMUN_DATA = "resultatrakning"
"""The kommun's chapter of a period is in the report when this table has rows for the
period; without them the report has only the nämnder's chapters (see :func:`parts`)."""


def kommun_periods(frame: pd.DataFrame | None) -> set[str]:
    """The periods that have a kommun chapter: those with rows in :data:`KOMMUN_DATA`."""
    if frame is None or frame.empty:
        return set()
    return {str(p) for p in frame["period"].dropna()}


def parts(kommun_chapter: bool) -> set[Part]:
    """The parts of a project: always the nämnder's chapters, and the kommun's when some
    period has kommun-level data."""
    return {Part.NAMND, Part.KOMMUN} if kommun_chapter else {Part.NAMND}


def dataset(name: str) -> Dataset:
    try:
        return DATASETS[name]
    except KeyError:
        raise KeyError(f"okänt dataset: {name}") from None
