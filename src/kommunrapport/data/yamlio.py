"""YAML reading that remembers line numbers, so a problem can name its line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from kommunrapport.data import limits, textenc
from kommunrapport.data.errors import Problem

# libyaml's C loader when PyYAML was built with it (the wheels are): the same documents,
# about ten times faster than the pure-Python one, which matters for a no-op build that
# reads every narrative's front matter and every key-figure file.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlDocument:
    """Parsed YAML plus the node tree, to find the line of any location."""

    def __init__(self, data: Any, node: yaml.Node | None) -> None:
        self.data = data
        self.node = node

    def line(self, loc: Sequence[int | str]) -> int | None:
        node = self.node
        best = node.start_mark.line + 1 if node is not None else None
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                found = None
                for key, value in node.value:
                    if str(key.value) == str(part):
                        found = (key, value)
                        break
                if found is None:
                    return best
                best = found[0].start_mark.line + 1
                node = found[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if part >= len(node.value):
                    return best
                node = node.value[part]
                best = node.start_mark.line + 1
            else:
                return best
        return best


TOO_DEEP = "strukturen är för djupt nästlad (listor eller avbildningar i hundratals nivåer)"


class YamlTooDeepError(yaml.MarkedYAMLError):
    """The YAML nests deeper than Python's parser can follow (a RecursionError; libyaml's
    loader stops at its own depth limit with a ScannerError instead)."""

    def __init__(self) -> None:
        super().__init__(problem=TOO_DEEP)


def parse_yaml(text: str) -> YamlDocument:
    """``text`` parsed with its node tree; raises :class:`yaml.YAMLError` when it is not YAML
    (:class:`YamlTooDeepError` when it nests too deep to parse)."""
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = load_yaml(text)
    except RecursionError:
        raise YamlTooDeepError() from None
    return YamlDocument(data, node)


def load_yaml(text: str) -> Any:
    """``yaml.safe_load`` with libyaml's loader when it is available; raises a
    :class:`yaml.YAMLError` (never a RecursionError) for any text that is not YAML."""
    try:
        return yaml.load(text, Loader=_Loader)
    except RecursionError:
        raise YamlTooDeepError() from None


def syntax_error(exc: yaml.MarkedYAMLError) -> tuple[int | None, str]:
    """(line in the parsed text, 1-based, or None; what is wrong) of a YAML syntax error."""
    mark = exc.problem_mark or exc.context_mark
    what = exc.problem or str(exc)
    if "maximum nesting depth" in what:  # libyaml's limit
        what = TOO_DEEP
    return (mark.line + 1 if mark is not None else None), what


def read_yaml(path: Path, shown: str) -> tuple[YamlDocument | None, list[Problem]]:
    try:
        size = path.stat().st_size
        if size > limits.MAX_YAML_BYTES:
            limit = limits.size_text(limits.MAX_YAML_BYTES)
            message = f"filen är för stor ({limits.size_text(size)}; högst {limit})."
            return None, [Problem(shown, None, None, message)]
        decoded = textenc.decode(path.read_bytes(), cp1252_fallback=False)
    except FileNotFoundError:
        return None, [Problem(shown, None, None, "filen saknas.")]
    except textenc.EncodingError as exc:
        return None, [Problem(shown, None, None, str(exc))]
    if decoded.encoding != "utf-8":
        name = decoded.encoding.upper().rsplit("-", 1)[0]
        message = f"filen är sparad som {name}, inte UTF-8; {textenc.SAVE_AS_UTF8}."
        return None, [Problem(shown, None, None, message)]
    text = decoded.text
    if "\x00" in text:
        nul_line = text[: text.index("\x00")].count("\n") + 1
        message = "raden innehåller ett NUL-tecken (byte 0); ta bort det."
        return None, [Problem(shown, nul_line, None, message)]
    if not text.strip():
        return None, [Problem(shown, None, None, "filen är tom.")]
    try:
        doc = parse_yaml(text)
    except yaml.MarkedYAMLError as exc:
        line, what = syntax_error(exc)
        return None, [Problem(shown, line, None, f"YAML-syntaxfel: {what}.")]
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked YAML errors are rare
        return None, [Problem(shown, None, None, f"YAML-syntaxfel: {exc}.")]
    return doc, []


_PYDANTIC_SV = {
    "missing": "fältet saknas",
    "extra_forbidden": "okänt fält",
    "string_type": "ska vara text",
    "int_type": "ska vara ett heltal",
    "int_parsing": "ska vara ett heltal",
    "float_type": "ska vara ett tal",
    "float_parsing": "ska vara ett tal",
    "bool_type": "ska vara ja/nej (true/false)",
    "bool_parsing": "ska vara ja/nej (true/false)",
    "list_type": "ska vara en lista",
    "dict_type": "ska vara en avbildning (nyckel: värde)",
    "model_type": "ska vara en avbildning (nyckel: värde)",
    "literal_error": "ogiltigt värde",
    "date_from_datetime_parsing": "ska vara ett datum ÅÅÅÅ-MM-DD",
    "date_parsing": "ska vara ett datum ÅÅÅÅ-MM-DD",
    "date_type": "ska vara ett datum ÅÅÅÅ-MM-DD",
    "string_pattern_mismatch": "har fel form",
    "string_too_short": "får inte vara tomt",
    "too_short": "får inte vara tom",
}


def pydantic_problems(err: ValidationError, doc: YamlDocument, shown: str) -> list[Problem]:
    problems = []
    for e in err.errors():
        loc = tuple(p for p in e["loc"] if isinstance(p, int | str))
        field = ".".join(str(p) for p in loc) or None
        base = _PYDANTIC_SV.get(e["type"])
        if e["type"] == "literal_error":
            expected = e.get("ctx", {}).get("expected", "")
            message = f"ogiltigt värde {e.get('input')!r}; tillåtna: {expected}"
        elif e["type"] == "value_error":
            message = str(e.get("ctx", {}).get("error", e["msg"]))
        elif base:
            message = base
        else:
            message = e["msg"]
        problems.append(Problem(shown, doc.line(loc), field, message.rstrip(".") + "."))
    return problems


M = TypeVar("M", bound=BaseModel)


def parse_model(model: type[M], doc: YamlDocument, shown: str) -> tuple[M | None, list[Problem]]:
    try:
        return model.model_validate(doc.data), []
    except ValidationError as err:
        return None, pydantic_problems(err, doc, shown)
