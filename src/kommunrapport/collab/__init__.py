"""The collaboration part: writing together and keeping git clean.

Uses only the data part. What it offers:

- :mod:`.lab`: ``kommunrapport lab``, JupyterLab with real-time collaboration.
- :mod:`.nbhygiene`: notebooks in git without outputs (git filter, ``check-notebooks``).
"""
