from __future__ import annotations

from pathlib import Path

import pytest

from kommunrapport.data.tableio import TableReadError, parse_number, read_table_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,5", 1234.5),
        ("1\u00a0234,5", 1234.5),
        ("1\u202f234", 1234.0),
        ("-12,3", -12.3),
        ("\u221212,3", -12.3),
        ("1234.5", 1234.5),
        ("0", 0.0),
        (",5", 0.5),
        ("", None),
        ("  ", None),
    ],
)
def test_parse_number_accepts_swedish_and_international(text: str, expected: float | None) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["abc", "12 kr", "1,2,3", "nan", "1.234,5", "--1"])
def test_parse_number_rejects_non_numbers(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_semicolon_bom_crlf_csv_reads_like_plain_csv(tmp_path: Path) -> None:
    plain = _write(tmp_path / "a.csv", b'namn,varde\nbun,"1 234,5"\nsn,7\n')
    excel = _write(
        tmp_path / "b.csv",
        "\ufeffnamn;varde\r\nbun;1 234,5\r\nsn;7\r\n".encode(),
    )
    a = read_table_text(plain, "a.csv")
    b = read_table_text(excel, "b.csv")
    assert list(b.columns) == ["namn", "varde"]
    assert a.equals(b)
    assert list(b.index) == [2, 3]


def test_blank_lines_keep_the_row_numbers_people_see(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", b"namn,varde\n\nbun,1\n\nsn,2\n")
    frame = read_table_text(path, "a.csv")
    assert list(frame.index) == [3, 5]


def test_empty_file_is_a_problem(tmp_path: Path) -> None:
    path = _write(tmp_path / "tom.csv", b"")
    with pytest.raises(TableReadError) as info:
        read_table_text(path, "data/tom.csv")
    assert info.value.problem.file == "data/tom.csv"
    assert "tom" in info.value.problem.message


def test_xlsx_reads_like_csv(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["namn", "varde", "datum"])
    ws.append(["bun", 1234.5, "2022-08-31"])
    ws.append([None, None, None])
    ws.append(["sn", 7, None])
    wb.save(tmp_path / "t.xlsx")
    frame = read_table_text(tmp_path / "t.xlsx", "t.xlsx")
    assert list(frame.columns) == ["namn", "varde", "datum"]
    assert frame.loc[2, "varde"] == "1234.5"
    assert frame.loc[4, "varde"] == "7"
    assert list(frame.index) == [2, 4]
