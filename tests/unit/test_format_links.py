"""The "Andra format" links of every HTML page: exactly Word and PDF.

Quarto builds the list in ``alternateLinks`` (quarto-cli, ``src/format/html/
format-html-links.ts``, as in Quarto 1.10): each ``format-links`` entry is taken in order
(a plain format name gives that format's default link, ``{format, text, icon}`` gives the
format's file under the given text, ``{text, href}`` an explicit link); then, unless at
least one entry is a plain string, a default link is appended for EVERY rendered format
other than HTML. The test below follows those rules step by step on the project's
``_quarto.yml`` and on the formats Quarto renders (html, docx, typst).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kommunrapport.site.scaffold import project_template_files

REPO = Path(__file__).resolve().parents[2]

# Quarto's display names of the formats a page is rendered to (the default link titles).
_DISPLAY_NAME = {"docx": "MS Word", "typst": "Typst"}


def alternate_links(user_links: list[Any] | None, rendered: list[str]) -> list[tuple[str, str]]:
    """(title, href) of each link, as Quarto's alternateLinks makes them for ``page.qmd``."""
    formats = [f for f in rendered if f != "html"]  # otherFormatLinks drops HTML output
    ext = {"docx": "docx", "typst": "pdf"}
    links: list[tuple[str, str]] = []
    for link in user_links or []:
        if isinstance(link, str):
            if link in formats:
                links.append((_DISPLAY_NAME[link], f"page.{ext[link]}"))
        elif "format" in link:
            if link["format"] in formats:
                title = link.get("text") or _DISPLAY_NAME[link["format"]]
                links.append((title, f"page.{ext[link['format']]}"))
        else:
            links.append((link["text"], link["href"]))
    if not any(isinstance(link, str) for link in user_links or []):
        links.extend((_DISPLAY_NAME[f], f"page.{ext[f]}") for f in formats)
    return links


def test_the_model_of_quartos_rule_reproduces_the_reported_defect() -> None:
    # The configuration before the fix: two {format, text} entries and no plain name.
    before = [{"format": "docx", "text": "Word"}, {"format": "typst", "text": "PDF"}]
    titles = [t for t, _ in alternate_links(before, ["html", "docx", "typst"])]
    assert titles == ["Word", "PDF", "MS Word", "Typst"]


@pytest.mark.parametrize("source", ["template", "repository"])
def test_every_page_links_exactly_word_and_pdf(source: str) -> None:
    if source == "template":
        text = dict(project_template_files())["_quarto.yml"].read_text(encoding="utf-8")
    else:
        text = (REPO / "_quarto.yml").read_text(encoding="utf-8")
    config = yaml.safe_load(text)
    rendered = list(config["format"])
    assert rendered == ["html", "docx", "typst"]
    links = alternate_links(config["format"]["html"]["format-links"], rendered)
    assert links == [("Word", "page.docx"), ("PDF", "page.pdf")]
