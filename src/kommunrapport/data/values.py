"""The fixed values of the kommun's tables: allowed values of columns, and the posts of the
statements, named once for the dataset registry (:mod:`kommunrapport.data.datasets`) and for the
code that reads them."""

from __future__ import annotations

AKTIVITET_STATUS = ("ej påbörjad", "pågår", "klar", "försenad", "avbruten")
INTERNKONTROLL_RESULTAT = (
    "inga avvikelser",
    "mindre avvikelser",
    "väsentliga avvikelser",
    "ej genomförd",
)
KON = ("T", "K", "M")
DRIFT_RADTYP = ("verksamhet", "total")
"""``total``: the nämnd's official total for the period (compared with the sum of its rows)."""
INVESTERING_STATUS = ("pågående", "färdigställd")
BELOPP_ENHET = ("tkr", "mnkr")
SAMMANFATTNING_POSTER = ("intakter", "kostnader", "nettokostnad", "nettoinvesteringar")
BEDOMNINGAR = ("uppfyllt", "delvis uppfyllt", "ej uppfyllt", "ej bedömbar")
BALANSKRAV_POSTER = (
    "realisationsvinster",
    "realisationsvinster_undantag",
    "realisationsforluster_undantag",
    "orealiserade_forluster_vardepapper",
    "aterforing_orealiserade_forluster",
    "reservering_rur",
    "anvandning_rur",
)
"""Balanskravsutredning (KL 11 kap., LKBR 4 kap. 3 a §): the sign follows from the post."""

RESULTATRAKNING_POSTER = (
    "verksamhetens_intakter",
    "verksamhetens_kostnader",
    "avskrivningar",
    "skatteintakter",
    "generella_statsbidrag_och_utjamning",
    "finansiella_intakter",
    "finansiella_kostnader",
    "extraordinara_poster",
)
BALANSRAKNING_TILLGANGAR = (
    "immateriella_anlaggningstillgangar",
    "materiella_anlaggningstillgangar",
    "finansiella_anlaggningstillgangar",
    "forrad_och_exploatering",
    "fordringar",
    "kortfristiga_placeringar",
    "kassa_och_bank",
)
"""The asset posts of a balansräkning (their sum is the balance sheet total)."""
BALANSRAKNING_EGET_KAPITAL_OCH_SKULDER = (
    "eget_kapital",
    "avsattningar_pensioner",
    "andra_avsattningar",
    "langfristiga_skulder",
    "kortfristiga_skulder",
)
"""The posts on the other side, whose sum equals the assets (årets resultat is part of eget
kapital)."""
BALANSRAKNING_POSTER = (
    *BALANSRAKNING_TILLGANGAR,
    "eget_kapital",
    "arets_resultat",
    *BALANSRAKNING_EGET_KAPITAL_OCH_SKULDER[1:],
    "ansvarsforbindelse_pensioner",
)

KASSAFLODE_DELAR = ("lopande_verksamhet", "investeringsverksamhet", "finansieringsverksamhet")
"""The three parts of a kassaflödesanalys, the lines a koncernföretag reports."""
KONCERN_POSTER = (
    RESULTATRAKNING_POSTER + BALANSRAKNING_POSTER + KASSAFLODE_DELAR + ("nettoinvesteringar",)
)
"""The lines of a koncernföretag's räkenskaper: the kommun's resultat- and balansräkning
posts, the kassaflöde's three parts and the year's nettoinvesteringar."""
ELIMINERINGSTYPER = ("försäljning", "fordran", "ränta", "koncernbidrag", "aktier", "utdelning")
"""The kinds of internal transactions and balances eliminated in the sammanställda
räkenskaper (RKR R16); each kind's posts are in kommunrapport.data.koncerncheck."""
KOMMUN_PART = "kommun"
"""How the kommun itself is named as a party in data/koncernelimineringar."""
