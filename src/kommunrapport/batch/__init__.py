"""The batch part: one template notebook run per (period, nämnd) and per period's kommun.

Uses the content and data parts. What it offers:

- :mod:`.jobs`: the jobs a build has, their parameters validated before papermill sees them.
- :mod:`.cache`: job fingerprints; only jobs whose inputs changed run again.
- :mod:`.runner`: ``build``, the jobs in fresh processes, outputs written atomically.
- :mod:`.engine`: the papermill engine that runs the cells in the worker's own process.
- :mod:`.progress`: progress bars, plain lines and the summary table.
"""
