"""Text files in other encodings (issue 29, item 3): UTF-16 with or without BOM is read as
what it is, Windows-1252 is read and named by ``check``, a file in no encoding we know is
refused with the way to save it as UTF-8, and a YAML file must be UTF-8."""

from __future__ import annotations

import codecs

import pytest
from typer.testing import CliRunner

from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.data import textenc
from kommunrapport.data.loader import collect_all, load_model
from kommunrapport.data.paths import ProjectPaths

TEXT = "Äldreomsorg 500 € per 中文"


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        ("namnd;år\nÅsa;2022\n".encode(), "utf-8"),
        (codecs.BOM_UTF8 + "namnd\nÅsa\n".encode(), "utf-8"),
        (codecs.BOM_UTF16_LE + "namnd\nÅsa 中文\n".encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + "namnd\nÅsa 中文\n".encode("utf-16-be"), "utf-16-be"),
        ("namnd\nÅsa 中文\n".encode("utf-16-le"), "utf-16-le"),
        ("namnd\nÅsa 中文\n".encode("utf-16-be"), "utf-16-be"),
        ("namnd\nÅsa 500 €\n".encode("cp1252"), "cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "cp1252"],
)
def test_each_encoding_is_read_as_what_it_is(raw: bytes, encoding: str) -> None:
    decoded = textenc.decode(raw, cp1252_fallback=True)
    assert decoded.encoding == encoding
    assert decoded.text.startswith("namnd") and "Åsa" in decoded.text
    assert (decoded.note is None) is (encoding == "utf-8")


def test_bytes_in_no_known_encoding_are_refused() -> None:
    with pytest.raises(textenc.EncodingError, match="CSV UTF-8"):
        textenc.decode(b"namnd\n\x81\x8d\x90\n", cp1252_fallback=True)
    with pytest.raises(textenc.EncodingError, match="inte UTF-8"):
        textenc.decode("Åsa".encode("cp1252"), cp1252_fallback=False)


def _drift_with(paths: ProjectPaths, text: str, encoding: str, bom: bytes = b"") -> None:
    table = paths.table_csv("driftredovisning")
    content = table.read_text(encoding="utf-8").replace("sn,Äldreomsorg", f"sn,{text}")
    table.write_bytes(bom + content.encode(encoding))


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-16-le", b""), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE)],
    ids=["no-bom", "bom-le", "bom-be"],
)
def test_a_utf16_csv_keeps_its_text_and_check_says_so(
    minimal_project: ProjectPaths, encoding: str, bom: bytes
) -> None:
    _drift_with(minimal_project, TEXT, encoding, bom)
    found = collect_all(minimal_project)
    assert found.problems == [], found.problems
    assert found.model is not None
    assert TEXT in set(found.model.table("driftredovisning")["verksamhet"])
    assert found.warnings == [
        "data/driftredovisning.csv: filen är sparad som UTF-16"
        + (" och lästes som det." if bom else " (little endian, utan BOM) och lästes som det.")
    ]
    result = CliRunner().invoke(app, ["check", "--rot", str(minimal_project.root)])
    assert result.exit_code == ExitCode.OK, result.output
    assert "Varning: data/driftredovisning.csv: filen är sparad som UTF-16" in result.output


def test_a_windows_1252_csv_is_named_by_check(minimal_project: ProjectPaths) -> None:
    _drift_with(minimal_project, "Äldreomsorg 500 €", "cp1252")
    assert "Äldreomsorg 500 €" in set(
        load_model(minimal_project).table("driftredovisning")["verksamhet"]
    )
    result = CliRunner().invoke(app, ["check", "--rot", str(minimal_project.root)])
    assert result.exit_code == ExitCode.OK, result.output
    assert "data/driftredovisning.csv: filen är inte UTF-8 och lästes som Windows-1252" in (
        result.output.replace("\n", " ")
    )


def test_the_warning_comes_with_the_problems_too(minimal_project: ProjectPaths) -> None:
    """A garbled name is what makes a later check fail: the encoding is said beside it."""
    _drift_with(minimal_project, "Äldreomsorg", "cp1252")
    table = minimal_project.table_csv("driftredovisning")
    table.write_bytes(table.read_bytes().replace(b"sn,", b"okand,", 1))
    result = CliRunner().invoke(app, ["check", "--rot", str(minimal_project.root)])
    assert result.exit_code == ExitCode.DATA_INVALID
    assert "Windows-1252" in result.output and "okand" in result.output


def test_a_yaml_file_in_utf16_is_refused_by_name(minimal_project: ProjectPaths) -> None:
    kommun = minimal_project.yaml_file("kommun")
    kommun.write_bytes(codecs.BOM_UTF16_LE + kommun.read_text("utf-8").encode("utf-16-le"))
    result = CliRunner().invoke(app, ["check", "--rot", str(minimal_project.root)])
    assert result.exit_code == ExitCode.DATA_INVALID
    text = result.output.replace("\n", " ")
    assert "data/kommun.yml" in text and "sparad som UTF-16, inte UTF-8" in text
    assert "Traceback" not in result.output
