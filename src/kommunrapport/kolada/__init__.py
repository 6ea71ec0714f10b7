"""Kolada: the kommun's indicator outcomes from RKA's open KPI database.

Uses only the data part. What it offers:

- :mod:`.fetch`: ``kolada fetch``, the goal chain's Kolada KPIs from the API v3 for the
  kommun, riket and the comparison groups (``plan_fetch``, ``fetch``, ``make_client``).
- :mod:`.importer`: ``kolada import``, the same from a Kolada CSV/xlsx export
  (``import_export``).
- :mod:`.merge`: the merge into ``data/indikatorutfall.csv`` and
  ``data/jamforelsegrupper.csv`` by (KPI, område, år), written atomically.
- :mod:`.metadata`: ``data/kolada_kpi.yml``, ``data/kolada_kalla.yml`` and the source
  note "Källa: Kolada" (``kolada_source_note``, ``load_kpi_metadata``).
- :mod:`.answers`: reading the API's answers; :mod:`.client`: the HTTP client (paging,
  retries, disk cache); :mod:`.common`: what these share.
"""
