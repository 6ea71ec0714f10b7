"""What an analyst's text may hold beyond Markdown: the two shortcodes of the project, plain
HTML comments, and nothing that reads the build machine or hides from the reviewer.

Quarto reads every ``{{<`` of a ``.qmd`` before pandoc parses it, front matter, code and HTML
comments included (quarto-cli ``lpegshortcode.lua``), and resolves ``include`` (any file of
the build machine, measured in ``shared/render/README.md``), ``env`` (any environment
variable), ``var`` and extension shortcodes. Pandoc passes raw HTML, ``{=html}`` blocks and
the front matter's ``include-in-header`` into the page, and Quarto executes code cells
(```` ```{python} ````) and Lua ``filters``. What comes out can sit in the page source,
invisible on the page that a reviewer approves. So a narrative may hold:

- ``{{< embed … >}}`` and ``{{< meta … >}}`` with plain arguments (no quotes, no nested
  shortcode); Quarto's escapes ``{{{< … >}}}`` and ``{{</* … */>}}`` print as text;
- HTML comments ``<!-- … -->`` that a browser also reads as one comment (never ``--!>``,
  ``<!--`` inside, or a start ``<!-->``), and no other raw HTML, outside code;
- front matter without the Quarto options that name files or code
  (:data:`~kommunrapport.site.frontmatter.REFUSED_KEYS`) and without HTML in any text.

:func:`review_comments` finds the colleagues' ``<!-- granskning: … -->`` notes, which no
published page may carry. Pure text in, findings out; :mod:`kommunrapport.site.checks` makes
them problems.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from kommunrapport.site.frontmatter import REFUSED_KEYS

ALLOWED_SHORTCODES: Final = ("embed", "meta")
"""The shortcodes a narrative may use (the project's own)."""

REVIEW_PREFIX: Final = "granskning:"
"""A review comment: ``<!-- granskning: … -->``."""


@dataclass(frozen=True)
class Finding:
    line: int
    """Line in the text (1-based, counted from the ``first_line`` given)."""
    snippet: str
    """The offending text, shortened to one line."""
    message: str


_ALLOWED_SC: Final = re.compile(
    r"\{\{<[ \t\r\n]*(?:" + "|".join(ALLOWED_SHORTCODES) + r")"
    r"(?:[ \t\r\n]+[^\s{}<>\"'\\]+)+[ \t\r\n]*>\}\}"
)
_FENCE: Final = re.compile(r"^[ \t]{0,3}(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>.*)$")
_CODE_SPAN: Final = re.compile(
    r"(?<![`\\])(?P<ticks>`+)(?!`)(?P<code>(?:(?!\n[ \t]*\n).)+?)(?<!`)(?P=ticks)(?!`)", re.S
)
"""A code span (never across a blank line, which ends the paragraph in pandoc)."""
_RAW_ATTR: Final = re.compile(r"\{[ \t]*=")
_EXEC_CELL: Final = re.compile(r"^\{[ \t]*[A-Za-z]")
_TAG: Final = re.compile(r"(?<!\\)<(?:/?[A-Za-z][A-Za-z0-9-]*(?=[\s/>])|[?!])")
_REVIEW: Final = re.compile(r"<!--[ \t\r\n]*granskning[ \t]*:", re.IGNORECASE)


def _short(text: str, limit: int = 60) -> str:
    one = " ".join(text.split())
    return one if len(one) <= limit else one[: limit - 1] + "…"


def _line_at(text: str, pos: int, first_line: int) -> int:
    return first_line + text.count("\n", 0, pos)


def _blank(text: str) -> str:
    """``text`` with everything but its line breaks as spaces (positions kept)."""
    return re.sub(r"[^\n]", " ", text)


def shortcode_findings(text: str, first_line: int = 1) -> list[Finding]:
    """Every ``{{<`` that does not start an allowed shortcode (see module doc), scanned
    the way Quarto's grammar does: escapes first, then shortcodes, left to right."""
    found: list[Finding] = []
    i = 0
    while True:
        i = text.find("{{", i)
        if i < 0:
            return found
        if text.startswith("{{{<", i):
            end = text.find(">}}}", i + 4)
            if end >= 0:
                i = end + 4
                continue
            i += 1  # not an escape: the "{{<" after it is judged on its own
            continue
        if text.startswith("{{</*", i):
            end = text.find("*/>}}", i + 5)
            if end >= 0:
                i = end + 5
                continue
        if not text.startswith("{{<", i):
            i += 2
            continue
        m = _ALLOWED_SC.match(text, i)
        if m:
            i = m.end()
            continue
        close = text.find(">}}", i)
        snippet = text[i : close + 3] if 0 <= close < i + 200 else text[i : i + 60]
        name = re.match(r"\{\{<\s*([^\s>]*)", text[i:])
        shown = name.group(1) if name else ""
        if shown in ALLOWED_SHORTCODES:
            why = (
                f"'{shown}' får bara ha enkla argument (inga citattecken och ingen kortkod inuti)."
            )
        else:
            why = (
                f"kortkoden '{shown}' är inte tillåten i en text"
                if shown
                else "en ofullständig kortkod är inte tillåten i en text"
            )
            why += (
                "; bara embed och meta går (include, env, var med flera kan lägga in filer "
                "och värden från datorn som bygger rapporten). Skriv {{{< … >}}} för att "
                "visa en kortkod som text."
            )
        found.append(Finding(_line_at(text, i, first_line), _short(snippet), why))
        i += 3


def _code_free(body: str, first_line: int, found: list[Finding]) -> str:
    """``body`` with code blocks and code spans blanked, finding raw blocks and executable
    cells on the way."""
    lines = body.split("\n")
    out = []
    fence: str | None = None
    for index, line in enumerate(lines):
        fm = _FENCE.match(line)
        if fence is not None:
            if (
                fm
                and fm.group("fence")[0] == fence[0]
                and len(fm.group("fence")) >= len(fence)
                and not fm.group("info").strip()
            ):
                fence = None
            out.append("")
            continue
        if fm and not (fm.group("fence")[0] == "`" and "`" in fm.group("info")):
            fence = fm.group("fence")
            info = fm.group("info").strip()
            where = first_line + index
            if _RAW_ATTR.match(info):
                found.append(
                    Finding(where, _short(line), "ett rått block ({=…}) är inte tillåtet i texten.")
                )
            elif _EXEC_CELL.match(info):
                found.append(
                    Finding(
                        where,
                        _short(line),
                        "en kodcell körs av Quarto när sidan renderas och är inte tillåten i en "
                        "text; tabeller och diagram kommer från anteckningsböckerna (embed). "
                        "Skriv ```{.python} för att bara visa kod.",
                    )
                )
            out.append("")
            continue
        out.append(line)
    text = "\n".join(out)

    def span(m: re.Match[str]) -> str:
        if _RAW_ATTR.match(text, m.end()):
            found.append(
                Finding(
                    _line_at(text, m.start(), first_line),
                    _short(m.group(0) + text[m.end() : text.find("}", m.end()) + 1]),
                    "rå kod ({=…}) är inte tillåten i en text.",
                )
            )
        return _blank(m.group(0))

    return _CODE_SPAN.sub(span, text)


def _comment_free(text: str, first_line: int, found: list[Finding]) -> str:
    """``text`` with its HTML comments blanked, finding those a browser reads otherwise."""
    out = []
    i = 0
    while True:
        start = text.find("<!--", i)
        if start < 0:
            out.append(text[i:])
            return "".join(out)
        out.append(text[i:start])
        end = text.find("-->", start + 4)
        line = _line_at(text, start, first_line)
        if end < 0:
            found.append(
                Finding(line, _short(text[start : start + 40]), "kommentaren avslutas inte (-->).")
            )
            out.append(_blank(text[start:]))
            return "".join(out)
        inner = text[start + 4 : end]
        if inner.startswith((">", "->")) or "--!>" in inner or "<!--" in inner:
            found.append(
                Finding(
                    line,
                    _short(text[start : end + 3]),
                    "kommentaren slutar i en webbläsare på ett annat ställe än i Quarto "
                    "('<!-->', '--!>' eller '<!--' inuti); skriv den som <!-- text -->.",
                )
            )
        out.append(_blank(text[start : end + 3]))
        i = end + 3


def _tag_findings(text: str, first_line: int, found: list[Finding]) -> None:
    lines = set()
    for m in _TAG.finditer(text):
        line = _line_at(text, m.start(), first_line)
        if line in lines:
            continue  # one finding per line (<b>…</b>)
        lines.add(line)
        end = text.find(">", m.start())
        snippet = text[m.start() : end + 1] if 0 <= end < m.start() + 80 else text[m.start() :]
        found.append(
            Finding(
                line,
                _short(snippet),
                "rå HTML är inte tillåten i en text; skriv texten i Markdown "
                "(en kommentar <!-- … --> går bra).",
            )
        )


def raw_html_findings(body: str, first_line: int = 1) -> list[Finding]:
    """Raw HTML (other than plain comments), raw blocks and code cells in a body."""
    found: list[Finding] = []
    text = _comment_free(_code_free(body, first_line, found), first_line, found)
    _tag_findings(text, first_line, found)
    return sorted(found, key=lambda f: f.line)


KeyPath = tuple[str | int, ...]


def _strings(value: Any, path: KeyPath = ()) -> Iterator[tuple[KeyPath, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


@dataclass(frozen=True)
class KeyFinding:
    key: KeyPath
    """The front-matter key (path) it is about."""
    message: str


def front_matter_findings(front_matter: Mapping[str, Any]) -> list[KeyFinding]:
    """Refused keys, and HTML or a shortcode in any text of the front matter (pandoc reads
    the values as Markdown; Quarto resolves shortcodes in them)."""
    found: list[KeyFinding] = []
    for key in front_matter:
        name = str(key)
        if name in REFUSED_KEYS:
            found.append(
                KeyFinding(
                    (name,),
                    f"fältet '{name}' {REFUSED_KEYS[name]} och är inte tillåtet i en text; "
                    "det hör hemma i _quarto.yml.",
                )
            )
    for path, text in _strings(front_matter):
        if path and path[0] in REFUSED_KEYS:
            continue
        shown = ".".join(str(p) for p in path)
        if shortcode_findings(text):
            found.append(
                KeyFinding(
                    path,
                    f"'{shown}' innehåller en kortkod som inte är tillåten; bara embed och "
                    "meta går.",
                )
            )
        if "<!--" in text or _TAG.search(text):
            found.append(
                KeyFinding(path, f"'{shown}' får inte innehålla HTML; skriv den som vanlig text.")
            )
    return found


def review_comments(text: str, first_line: int = 1) -> list[Finding]:
    """The review comments ``<!-- granskning: … -->`` of a text (anywhere in it)."""
    found: list[Finding] = []
    for m in _REVIEW.finditer(text):
        end = text.find("-->", m.end())
        note = text[m.end() : end if end >= 0 else m.end() + 60]
        found.append(
            Finding(_line_at(text, m.start(), first_line), _short(note), "granskningskommentar")
        )
    return found
