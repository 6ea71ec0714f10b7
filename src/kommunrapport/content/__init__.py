"""The content part: what a report says, as pure functions of the validated model.

Uses only the data part. What it offers:

- :mod:`.rapport`: ``NamndRapport`` and ``KommunRapport``, the objects the template
  notebooks call, one method per labelled output (:mod:`.labels` names the labels).
- The domain rules: :mod:`.assessment`, :mod:`.indikatorer`, :mod:`.mal`,
  :mod:`.roda_traden`, :mod:`.ekonomi`, :mod:`.noter`, :mod:`.aktiviteter`,
  :mod:`.internkontroll`, :mod:`.personal`, :mod:`.suppression`, :mod:`.period`.
- The forms: :mod:`.tables` (``Tabell``), :mod:`.figur` and :mod:`.figures` (charts with alt
  text), :mod:`.formatting` (Swedish numbers), :mod:`.keyfigures` (the narrative's named
  numbers), :mod:`.opendata` (the tables behind a report as CSV).
"""
