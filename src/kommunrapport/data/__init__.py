"""The data part: the kommun's input read, validated and held as one model.

The lowest layer; it imports no other part. What it offers:

- :mod:`.paths`: ``ProjectPaths``, the one place that names every path.
- :mod:`.errors`: the exception family and ``Problem`` (file, row, column, Swedish message).
- :mod:`.loader`: ``collect`` (every problem at once), ``load_model``, ``load_model_cached``.
- :mod:`.model`: the pydantic models and the frozen ``Kommunmodell``.
- :mod:`.datasets` and :mod:`.tablespec`: the registry of tables and how a table is typed.
- :mod:`.crosscheck` and :mod:`.koncerncheck`: the rules that span files, and the koncern's.
- :mod:`.tableio`, :mod:`.yamlio`, :mod:`.fsutil`: reading tables and YAML, atomic writes.
- :mod:`.registrydoc`: the registry as Swedish Markdown, and the data folder's guide (one source).
- :mod:`.excelmall`: one Excel workbook for every table; :mod:`.kommuner`: the kommuner by
  Kolada id; :mod:`.notices`: warnings that do not fail ``check``.
"""
