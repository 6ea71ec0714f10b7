"""Escaping data for every context a generated file puts it in: the one place that does it.

Names and texts come from the kommun's data (``data/*.yml``, the CSV tables, params) and
must come out of Quarto as the same text, never as markup. Quarto reads the raw ``.qmd``
for shortcodes before pandoc parses it (``{{<`` anywhere in the text, attributes and front
matter included, quarto-cli ``lpegshortcode.lua``), ``{{< include >}}`` can publish any file
and ``{{< env >}}`` any environment variable, and raw HTML passes into the page (measured in
``shared/render/README.md``). So every data string is escaped for its context:

:func:`md_text`
    Markdown text (a heading, a list item, a link text, a table cell, a note, a comment
    in a ``.qmd``, and a YAML value that Quarto or pandoc reads as Markdown: titles, menu
    texts, key figures). Every ASCII punctuation character that can start markup is
    backslash-escaped (pandoc's ``all_symbols_escapable``), so ``{{<``, ``<script>``,
    ``<!--``, ``-->``, links, emphasis, cross-references and smart quotes cannot appear; a
    block marker at the start is escaped too (a YAML value is read as a whole document);
    line breaks and control characters become spaces.
:func:`md_attr`
    a pandoc attribute value in double quotes (``fig-alt="…"``).
:func:`html_text` / :func:`html_attr`
    HTML text and attribute values (the nbconvert preview; the navbar logo's ``alt``, which
    Quarto's template inserts unescaped).
:func:`yaml_scalar` / :func:`yaml_document`
    YAML, always written by PyYAML's emitter (double-quoted scalars), never by formatting.
:func:`url_path`
    a relative link target made of ids (percent-encoded).
:func:`terminal_text`
    text for a terminal (``check``, ``status``, the build's summary): control characters
    and bidirectional controls shown escaped, so that no escape sequence from the data
    colours, moves, hides or links anything.
"""

from __future__ import annotations

import html
import re
import urllib.parse
from collections.abc import Mapping
from typing import Any, Final

import yaml

_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SPACES: Final = re.compile(r"[ \t]+")

_ALWAYS: Final = frozenset("\\`*{}[]<>|$~^&@\"'")
"""ASCII punctuation escaped wherever it stands: everything that starts inline markup,
raw HTML, shortcodes, entities, citations, math, sub/superscript and smart quotes."""
_DOUBLED: Final = frozenset("-.=")
"""Escaped when next to another of the same (``--``, ``...``: smart dashes and ellipses;
``==``: highlighting)."""
_LIST_START: Final = re.compile(r"^(\(?(?:[0-9]{1,9}|[A-Za-z]|[ivxlcdmIVXLCDM]+))([.)])(?=\s|$)")
"""An ordered-list marker at the start of a block (``1.``, ``a)``, ``(iv)``)."""
_BLOCK_START: Final = re.compile(r"^(?:[-+:](?=\s|$)|[%#])")
"""A bullet, a definition, a title block or a heading at the start of a block."""


def flat(text: object) -> str:
    """One line: line breaks, tabs and control characters become single spaces."""
    s = _CONTROL.sub(" ", str(text))
    return _SPACES.sub(" ", s).strip()


def _intraword(s: str, i: int) -> bool:
    """An underscore between two letters or digits (``finansiella_mal``), which pandoc's
    ``intraword_underscores`` never reads as emphasis."""
    return 0 < i < len(s) - 1 and s[i - 1].isalnum() and s[i + 1].isalnum()


def md_text(text: object) -> str:
    """``text`` as literal pandoc/Quarto Markdown text on one line (see module doc)."""
    s = flat(text)
    out = []
    for i, ch in enumerate(s):
        if (
            ch in _ALWAYS
            or (ch == "_" and not _intraword(s, i))
            or (
                ch in _DOUBLED
                and ((i > 0 and s[i - 1] == ch) or (i + 1 < len(s) and s[i + 1] == ch))
            )
        ):
            out.append("\\" + ch)
        else:
            out.append(ch)
    escaped = "".join(out)
    m = _LIST_START.match(escaped)
    if m:
        escaped = m.group(1) + "\\" + m.group(2) + escaped[m.end() :]
    if _BLOCK_START.match(escaped):
        escaped = "\\" + escaped
    return escaped


_BACKSLASH_ESCAPE: Final = re.compile(r"\\([!-/:-@\[-`{-~])")


def md_unescape(text: str) -> str:
    """Markdown's backslash escapes undone (``Kultur\\- och fritidsnämnden`` becomes
    ``Kultur- och fritidsnämnden``): the text of an analyst's title, which the scaffold
    writes with :func:`md_text`. Nothing else of Markdown is read; ``*x*`` stays ``*x*``."""
    return _BACKSLASH_ESCAPE.sub(r"\1", text)


def md_comment(text: object) -> str:
    """Text inside an HTML comment of a ``.qmd`` (``<!-- … -->``): never a comment end
    (``-->``, ``--!>``) nor a shortcode, which Quarto would read even there."""
    return md_text(text)


def md_attr(text: object) -> str:
    """A value for a pandoc attribute in double quotes: one line, ``\\`` and ``"``
    backslash-escaped, and ``<`` ``>`` ``{`` ``}`` as character references, so neither a
    shortcode (``{{<``) nor markup can be read from it."""
    s = flat(text).replace("\\", "\\\\").replace('"', '\\"')
    return s.replace("<", "&lt;").replace(">", "&gt;").replace("{", "&#123;").replace("}", "&#125;")


def html_text(text: object) -> str:
    """Text for an HTML element (``&``, ``<``, ``>``, quotes as character references)."""
    return html.escape(str(text), quote=True)


def html_attr(text: object) -> str:
    """A value for an HTML attribute in double quotes, on one line."""
    return html.escape(flat(text), quote=True)


_TERMINAL_UNSAFE: Final = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(text: object) -> str:
    """``text`` for a terminal: every control character but line break and tab (ESC, CR,
    BEL, backspace, C1) and every bidirectional control is shown as its escape (``\\x1b``,
    ``\\u202e``); everything else is kept."""
    return _TERMINAL_UNSAFE.sub(_escaped, str(text))


def url_path(path: str) -> str:
    """A relative link target (``reports/2022-08/bun.qmd``), percent-encoded."""
    return urllib.parse.quote(path, safe="/")


_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml's safe dumper where PyYAML has it (several times faster), else the pure one."""
_YAML_HIDDEN: Final = str.maketrans({"<": "\\x3C", ">": "\\x3E", "{": "\\x7B", "}": "\\x7D"})


def yaml_scalar(value: str) -> str:
    """``value`` as one double-quoted YAML scalar, written by PyYAML's emitter; ``<``,
    ``>``, ``{`` and ``}`` are written as escapes (``\\x3C``), so that the raw file never
    holds a shortcode (Quarto looks for them in the front matter too). The value read back
    is ``value`` exactly."""
    text = yaml.safe_dump(value, default_style='"', allow_unicode=True, width=2**31 - 1)
    return text.rstrip("\n").removesuffix("\n...").translate(_YAML_HIDDEN)


def yaml_document(data: Mapping[str, Any]) -> str:
    """A YAML document of ``data`` (keys in order), written by PyYAML's emitter."""
    return yaml.dump(dict(data), Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=100)
