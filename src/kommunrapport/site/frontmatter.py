"""What a narrative's front matter may hold: kommunrapport's own keys, Quarto's document
options, no option that brings in files or code, and no YAML anchors or aliases.

An unknown key is most often a typo (``stauts: klar``) that would otherwise pass unseen:
``check`` warns and names the nearest known key. Anchors and aliases let a few lines expand
to gigabytes where Quarto reads the metadata ("billion laughs"), and a narrative never needs
them: the file is refused.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any, Final

import yaml

OWN_KEYS: Final = ("title", "status", "ansvarig", "metadata-files")
"""The front-matter keys kommunrapport reads (the scaffold writes them)."""

REFUSED_KEYS: Final = {
    "include-in-header": "lägger in en fil eller rå HTML i sidan",
    "include-before-body": "lägger in en fil eller rå HTML i sidan",
    "include-after-body": "lägger in en fil eller rå HTML i sidan",
    "header-includes": "lägger in rå HTML i sidan",
    "filters": "kör Lua-kod när sidan renderas",
    "shortcodes": "kör Lua-kod när sidan renderas",
    "css": "läser en fil utanför texten",
    "resources": "publicerar filer bredvid sidan",
    "resource-path": "låter sidan läsa filer utanför projektet",
    "template": "byter sidans mall",
    "template-partials": "byter delar av sidans mall",
    "format": "ändrar formaten, och kan lägga in filer och kod",
    "engine": "kör kod när sidan renderas",
    "jupyter": "kör kod när sidan renderas",
    "knitr": "kör kod när sidan renderas",
    "execute": "kör kod när sidan renderas",
    "bibliography": "läser en fil utanför texten",
    "csl": "läser en fil utanför texten",
    "brand": "läser en fil utanför texten",
    "reference-doc": "läser en fil utanför texten",
}
"""Front-matter keys a narrative may not set, with what they would do (the project's
``_quarto.yml`` is where formats, filters and styles belong)."""

_QUARTO_OPTIONS = """
    subtitle author authors date date-format date-modified abstract abstract-title description
    keywords subject lang language institute affiliations copyright license citation doi
    pagetitle title-prefix author-title published-title title-block-banner title-block-style
    image categories order draft notes thanks metadata toc toc-depth toc-title toc-location
    toc-expand number-sections number-depth number-offset page-layout sidebar appendix-style
    reference-location citation-location crossref lightbox anchor-sections smooth-scroll css
    include-in-header include-before-body include-after-body link-external-icon
    link-external-newwindow other-links code-links footnotes-hover citations-hover search
    comments fig-cap-location tbl-cap-location fig-align fig-width fig-height fig-dpi
    fig-format fig-responsive tbl-colwidths format output-file reference-doc papersize mainfont
    sansfont fontsize linestretch margin keep-md keep-typ execute echo warning engine jupyter
    freeze filters shortcodes params bibliography csl nocite editor resource-path brand
"""
QUARTO_KEYS: Final = frozenset(_QUARTO_OPTIONS.split()) - REFUSED_KEYS.keys()
"""Quarto's document options a narrative may sensibly set: the title block and metadata,
layout and numbering, figures and tables (a curated part of Quarto's schema; a key
outside it only gives a warning, a key of :data:`REFUSED_KEYS` is a problem)."""


def unknown_keys(front_matter: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    """(key, the nearest known key or None) for each front-matter key that is neither
    kommunrapport's nor a Quarto option."""
    known = [*OWN_KEYS, *sorted(QUARTO_KEYS), *REFUSED_KEYS]
    out = []
    for key in front_matter:
        name = str(key)
        if name in OWN_KEYS or name in QUARTO_KEYS or name in REFUSED_KEYS:
            continue
        near = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        out.append((name, near[0] if near else None))
    return out


def anchor_or_alias(front: str) -> int | None:
    """The front-matter line (1-based) of the first YAML anchor (``&a``) or alias (``*a``),
    or None (also for text that is not YAML: the parse names that)."""
    try:
        for token in yaml.scan(front):
            if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
                line: int = token.start_mark.line
                return line + 1
    except yaml.YAMLError:
        return None
    return None
