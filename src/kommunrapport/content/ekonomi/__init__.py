"""The economy in a report: driftredovisning and investeringar (tkr), the kommun's
statements (mnkr), the balanskrav, key ratios and the financial goals.

Common rules: driftredovisning and investeringar are in tkr, the kommun's statements in mnkr.
In the delårsrapport (and the tertialrapport) the full-year figures are the prognos; in the
årsredovisning they are the outcome. A missing amount stays missing, never zero.

- ``drift``: driftredovisning per verksamhet or per nämnd.
- ``investeringar``: investment projects and their sum per nämnd.
- ``resultatrakning``, ``balansrakning``, ``kassaflode``: the statements.
- ``balanskrav``: the balanskravsutredning.
- ``nyckeltal``: the period's economy, key ratios and the financial goals.
- ``tal``: amounts that may be missing.
"""
