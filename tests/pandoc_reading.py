"""Reading generated Markdown as pandoc 3.9 (the version Quarto uses) does, to tell literal
text from markup: shared by the escaping tests."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from typing import Any

PAYLOAD = (
    "BUN --> {{< include /etc/passwd >}} <script>alert(2)</script> <!-- {{< env HOME >}} "
    "[x](javascript:alert(1)) <img src=x onerror=alert(1)> @fig-x *y* a: b - c: \"d' "
    "Kostnad $5 och $10 $$"
)
"""One line, so that ``check`` lets it through: what a careless or hostile user can do."""
MULTILINE = (
    "BUN -->\n{{< include /etc/passwd >}}\n<script>alert(2)</script> <!-- {{< env HOME >}} "
    "[x](javascript:alert(1)) <img src=x onerror=alert(1)>\na: b\n- c: \"d'"
)


def pandoc(text: str, to: str) -> str:
    import pypandoc

    done = subprocess.run(
        [pypandoc.get_pandoc_path(), "-f", "markdown", "-t", to, "--wrap=none"],
        input=text,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def walk_ast(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "t" in node:
            yield node
        for v in node.values():
            yield from walk_ast(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk_ast(v)


COMMENT = re.compile(r"<!--(?:(?!-->).)*-->\s*", re.DOTALL)
OUR_SHORTCODE = re.compile(r"\{\{<\s*(?:embed|meta)\s")


def markdown_problems(text: str, where: str) -> list[str]:
    """What in a Markdown text (a .qmd, .md or notebook output) is not literal text: a
    shortcode other than our own embed/meta, raw HTML other than whole comments, a
    javascript: link."""
    problems = []
    for m in re.finditer(r"\{\{<", text):
        if not OUR_SHORTCODE.match(text, m.start()):
            problems.append(f"{where}: shortcode {text[m.start() : m.start() + 40]!r}")
    ast = json.loads(pandoc(text, "json"))
    for el in walk_ast(ast):
        if el["t"] in ("RawBlock", "RawInline"):
            kind, raw = el["c"]
            if kind not in ("html", "html5"):  # our own raw typst or LaTeX, never data
                if "alert" in raw:
                    problems.append(f"{where}: raw {kind} {raw[:80]!r}")
                continue
            if not COMMENT.fullmatch(raw) or ("alert" in raw and "\\" not in raw):
                problems.append(f"{where}: raw {raw[:80]!r}")
        if el["t"] == "Link" and el["c"][2][0].strip().lower().startswith("javascript:"):
            problems.append(f"{where}: link {el['c'][2][0]!r}")
    return problems
