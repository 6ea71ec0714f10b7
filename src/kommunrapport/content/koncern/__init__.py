"""The kommunal koncern (LKBR 11–12 kap., RKR R16): the kommun with the owned share of its
companies and kommunalförbund, after eliminating what passes between them.

- ``sammanstallning``: proportional consolidation and eliminations, post by post.
- ``redovisning``: the koncern in one report (this period and the previous year), whether
  it is shown, and its key figures.
- ``tabeller``: the organisation, the statements side by side with the kommun's, the
  reconciliation, the eliminations and the key figures as tables.
"""
