"""The escaping primitives of :mod:`kommunrapport.content.markup`, read back by pandoc 3.9
(the version Quarto uses) and PyYAML: every data string comes out as literal text."""

from __future__ import annotations

import json

import pytest
import yaml
from pandoc_reading import MULTILINE, PAYLOAD, markdown_problems, pandoc, walk_ast

from kommunrapport.content.markup import (
    flat,
    html_attr,
    md_attr,
    md_comment,
    md_text,
    md_unescape,
    yaml_scalar,
)


@pytest.mark.parametrize("text", [PAYLOAD, MULTILINE, "1. a", "a -- b", "a\\b \\*c\\*"])
def test_unescaping_the_escaped_text_gives_the_text_back(text: str) -> None:
    assert md_unescape(md_text(text)) == flat(text)
    assert md_unescape("*x* och `y`") == "*x* och `y`"  # no other Markdown is read


@pytest.mark.parametrize(
    "text", [PAYLOAD, MULTILINE, "1. a", "- b", "a -- b ... c", "x\x00y", "a_b.yml _c_ __d__"]
)
def test_markdown_text_is_literal_forpandoc(text: str) -> None:
    escaped = md_text(text)
    assert "\n" not in escaped and "{{<" not in escaped and "-->" not in escaped
    assert markdown_problems(escaped, "md_text") == []
    assert pandoc(escaped, "plain").rstrip("\n") == flat(text)
    comment = f"<!--\n{md_comment(text)}\n-->\n"
    assert markdown_problems(comment, "md_comment") == []


def test_attribute_and_yaml_values_are_literal() -> None:
    image = f'![](x.png){{fig-alt="{md_attr(MULTILINE)}"}}\n'
    assert "{{<" not in image
    ast = json.loads(pandoc(image, "json"))
    (el,) = [e for e in walk_ast(ast) if e["t"] == "Image"]
    assert dict(el["c"][0][2])["fig-alt"] == flat(MULTILINE)
    scalar = yaml_scalar(MULTILINE)
    assert "\n" not in scalar and "{{<" not in scalar and "<" not in scalar
    assert yaml.safe_load(f"title: {scalar}\n") == {"title": MULTILINE}


def test_html_values_are_text() -> None:
    assert html_attr(MULTILINE).count("<") == 0
    assert "onerror=alert(1)&gt;" in html_attr(MULTILINE)
    assert '"' not in html_attr('a "b"')
