"""The site part: the analysts' text and the Quarto project around the executed notebooks.

Uses the batch, content and data parts. What it offers:

- :mod:`.narrative`, :mod:`.checks`, :mod:`.status`: reading the analysts' ``.qmd`` files
  (never writing them), what ``check`` reports about them, their status.
- :mod:`.scaffold`: ``new-period`` and the project's own files, created only when missing.
- :mod:`.newproject`: ``init`` (an empty project for a kommun) and what to fill in next.
- :mod:`.plan`, :mod:`.chapters`, :mod:`.write`: which pages the site has, the period
  report's chapters, and the one module that writes the generated files.
- :mod:`.quarto`: finding Quarto and running it.
- :mod:`.wordfiles`: finishing the rendered Word files (contents, header, table layout).
- :mod:`.incremental`, :mod:`.render`, :mod:`.render_progress`: the render step, which
  renders only the pages (and formats) whose inputs changed, with a progress bar.
- :mod:`.skriv`: ``kommunrapport skriv``, Quarto's live preview of one page.
- :mod:`.preview`: the nbconvert preview of one executed notebook, without Quarto.
"""
