"""Inputs that never crash the reader: empty, binary, non-UTF-8, odd Parquet types, bad --map."""

from __future__ import annotations

import datetime as dt
import decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from samesku import schema
from samesku.errors import InputError, MappingError, UsageError
from samesku.io import read_offers, reading_encoding
from samesku.io.encoding import decodes_as

from .helpers import assert_accounted, column, jsonl, reasons, write

KOREAN = ["삼성 갤럭시 S9 64GB 블랙", "애플 아이폰 8 실버", "엘지 그램 노트북 15인치"]
GERMAN = ["Käse Gouda 500 g", "Brot", "Größe XL Jacke", "Milch 1 l", "Äpfel 1 kg", "Tee"]


def _csv(titles: list[str]) -> str:
    return "offer_id,title,price\n" + "".join(f"{i},{t},{i + 1}\n" for i, t in enumerate(titles))


def _parquet(path: Path, table: pa.Table) -> Path:
    pq.write_table(table, path)
    return path


# --- empty inputs --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["a.csv", "a.jsonl", "a.json", "a.parquet", "a.csv.gz", "noext"])
def test_zero_byte_file_of_any_format_gives_zero_offers(tmp_path: Path, name: str) -> None:
    result = read_offers([write(tmp_path / name, b"")])
    assert result.input_rows == 0 and result.offers.num_rows == 0 and result.rejected.num_rows == 0
    assert_accounted(result)
    assert result.plans == {}


@pytest.mark.parametrize("content", [b"\n\n  \n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n"])
def test_blank_or_bom_only_file_gives_zero_offers(tmp_path: Path, content: bytes) -> None:
    result = read_offers([write(tmp_path / "a.csv", content)])
    assert result.input_rows == 0
    assert_accounted(result)


def test_header_only_csv_gives_zero_offers_and_its_column_plan(tmp_path: Path) -> None:
    path = write(tmp_path / "h.csv", "sku,title,colour\n")
    result = read_offers([path], mapping={"offer_id": "sku"})
    assert result.input_rows == 0 and result.offers.num_rows == 0
    assert_accounted(result)
    plan = result.plans[str(path)]
    assert plan.canonical == {"offer_id": "sku", "title": "title"}
    assert plan.passthrough == [("colour", "colour")]


def test_empty_parquet_file_with_columns_gives_zero_offers(tmp_path: Path) -> None:
    path = _parquet(tmp_path / "e.parquet", pa.table({"offer_id": pa.array([], pa.int64()),
                                                       "title": pa.array([], pa.string())}))
    result = read_offers([path])
    assert result.input_rows == 0
    assert_accounted(result)


# --- no input, unknown formats ---------------------------------------------------------------------
def test_folder_without_input_files_raises_naming_the_files_it_holds(tmp_path: Path) -> None:
    write(tmp_path / "d" / "book.xlsx", b"PK\x03\x04")
    write(tmp_path / "d" / "notes.txt", "hello")
    write(tmp_path / "d" / "_SUCCESS", "")
    with pytest.raises(InputError, match="holds no input file") as info:
        read_offers([tmp_path / "d"])
    assert "book.xlsx" in str(info.value) and "notes.txt" in str(info.value)
    assert "_SUCCESS" not in str(info.value)
    assert not isinstance(info.value, UsageError)


def test_empty_folder_raises_input_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="holds no input file"):
        read_offers([tmp_path / "empty"])


@pytest.mark.parametrize(
    ("name", "content", "looks_like"),
    [
        ("book.xlsx", b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4, "ZIP archive"),
        ("book.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "Excel .xls"),
        ("garbage.txt", bytes((i * 7919 + 13) % 256 for i in range(5000)), "binary data"),
        ("scan.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF"),
        ("offers.csv", b"PAR1\x15\x04\x15\x00", "Parquet file"),
        ("offers.csv", b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip"),
    ],
)
def test_file_of_unknown_format_raises_saying_what_it_looks_like(
    tmp_path: Path, name: str, content: bytes, looks_like: str
) -> None:
    path = write(tmp_path / name, content)
    with pytest.raises(InputError, match="not a CSV, JSON Lines or Parquet file") as info:
        read_offers([path])
    assert looks_like in str(info.value) and name in str(info.value)
    assert "\n" not in str(info.value)


def test_corrupt_parquet_file_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read Parquet file"):
        read_offers([write(tmp_path / "bad.parquet", b"not parquet at all")])


# --- encodings ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("titles", "encoding", "suggested"),
    [(KOREAN, "cp949", "cp949"), (KOREAN, "euc-kr", "cp949"), (GERMAN, "latin-1", "cp1252")],
)
def test_non_utf8_csv_raises_suggesting_encoding(
    tmp_path: Path, titles: list[str], encoding: str, suggested: str
) -> None:
    path = write(tmp_path / "a.csv", _csv(titles).encode(encoding))
    with pytest.raises(InputError, match="is not UTF-8") as info:
        read_offers([path])
    message = str(info.value)
    assert f"--encoding {suggested}" in message and "\n" not in message
    assert not isinstance(info.value, UsageError)


def test_non_utf8_header_raises_even_when_the_rows_are_few(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "상품번호,상품명\n1,A\n2,B\n3,C\n".encode("cp949"))
    with pytest.raises(InputError, match="the header among them"):
        read_offers([path])


@pytest.mark.parametrize(
    ("titles", "encoding", "declared"),
    [
        (KOREAN, "cp949", "cp949"),
        (KOREAN, "euc-kr", "EUC-KR"),
        (GERMAN, "latin-1", "latin-1"),
        (GERMAN, "cp1252", "cp1252"),
        (["ソニー ヘッドホン WH-1000XM4"], "shift_jis", "shift_jis"),
    ],
)
def test_declared_encoding_reads_every_record(
    tmp_path: Path, titles: list[str], encoding: str, declared: str
) -> None:
    path = write(tmp_path / "a.csv", _csv(titles).encode(encoding))
    result = read_offers([path], encoding=declared)
    assert column(result, "title") == titles
    assert_accounted(result)


def test_declared_encoding_reads_json_lines_too(tmp_path: Path) -> None:
    rows = [{"offer_id": str(i), "title": t} for i, t in enumerate(KOREAN)]
    path = write(tmp_path / "a.jsonl", jsonl(rows).encode("cp949"))
    with pytest.raises(InputError, match="--encoding cp949"):
        read_offers([path])
    assert column(read_offers([path], encoding="cp949"), "title") == KOREAN


def test_utf16_file_suggests_utf16_and_reads_with_it(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", _csv(GERMAN).encode("utf-16"))
    with pytest.raises(InputError, match="--encoding utf-16"):
        read_offers([path])
    assert column(read_offers([path], encoding="utf-16"), "title") == GERMAN


def test_bytes_the_declared_encoding_cannot_decode_reject_their_row(tmp_path: Path) -> None:
    data = _csv(KOREAN).encode("cp949") + b"9,broken \xff\xff title,1\n"
    result = read_offers([write(tmp_path / "a.csv", data)], encoding="cp949")
    assert column(result, "title") == KOREAN
    assert reasons(result) == {"invalid_utf8": ["9"]}
    assert_accounted(result)


def test_declaring_utf8_reads_a_non_utf8_file_rejecting_its_bad_rows(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", _csv(GERMAN).encode("latin-1"))
    result = read_offers([path], encoding="utf-8")
    assert column(result, "title") == ["Brot", "Milch 1 l", "Tee"]
    assert reasons(result) == {"invalid_utf8": ["0", "2", "4"]}
    assert_accounted(result)


def test_a_single_bad_line_in_a_utf8_file_is_rejected_not_fatal(tmp_path: Path) -> None:
    data = b"offer_id,title\n1,A\n2,B \xff\n3,C\n"
    result = read_offers([write(tmp_path / "a.csv", data)])
    assert reasons(result) == {"invalid_utf8": ["2"]}
    assert_accounted(result)


def test_reading_encoding_sets_the_default_of_read_offers(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", _csv(KOREAN).encode("cp949"))
    with reading_encoding("cp949"):
        assert column(read_offers([path]), "title") == KOREAN
    with pytest.raises(InputError):
        read_offers([path])


def test_unknown_encoding_is_a_usage_error(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", _csv(["A"]))
    with pytest.raises(UsageError, match="unknown encoding 'klingon'"):
        read_offers([path], encoding="klingon")


def test_encoding_hint_lists_only_encodings_that_decode_the_bad_lines() -> None:
    korean = [t.encode("cp949") for t in KOREAN]
    assert decodes_as(korean)[0] == "cp949"
    assert decodes_as([t.encode("latin-1") for t in GERMAN])[0] == "cp1252"
    assert decodes_as([b"\x81\x81\x81"]) == [c for c in decodes_as([b"\x81\x81\x81"]) if c != "cp1252"]


# --- Parquet columns of unexpected types ------------------------------------------------------------
def test_parquet_columns_of_unexpected_types_are_read_as_text(tmp_path: Path) -> None:
    table = pa.table(
        {
            "offer_id": pa.array([1.0, 2.5, 3.0, None], pa.float64()),
            "title": pa.array([10, 20, 30, 40], pa.int64()),
            "price": pa.array(["1,50 €", "abc", None, "7"]),
            "brand": pa.array([True, False, None, True]),
            "tags": pa.array([["a", "b"], [], None, ["c"]]),
            "spec": pa.array([{"ram": 8, "ssd": "1TB"}, {"ram": None, "ssd": None}, None, {"ram": 1, "ssd": "x"}]),
            "attrs": pa.array([[("k", 1)], [], None, [("z", 2)]], pa.map_(pa.string(), pa.int64())),
            "seen": pa.array([dt.datetime(2024, 1, 2, 3, 4, 5)] * 4, pa.timestamp("ms", tz="UTC")),
            "cost": pa.array([decimal.Decimal("1.25"), None, decimal.Decimal("3"), decimal.Decimal("0")]),
            "shop": pa.array(["s1", "s2", "s1", "s2"]).dictionary_encode(),
            "blob": pa.array([b"ok", b"fine", b"\xff\xfe", None]),
            "nothing": pa.nulls(4),
        }
    )
    path = _parquet(tmp_path / "t.parquet", table)
    result = read_offers([path])
    assert_accounted(result)
    assert column(result, "offer_id") == ["1", "2.5"]
    assert column(result, "title") == ["10", "20"]
    assert column(result, "price") == [1.5, None]
    assert column(result, "brand") == ["true", "false"]
    assert column(result, "tags") == ['["a","b"]', "[]"]
    assert column(result, "spec")[0] == '{"ram":8,"ssd":"1TB"}'
    assert column(result, "attrs") == ['[["k",1]]', "[]"]
    assert column(result, "seen")[0].startswith("2024-01-02 03:04:05")
    assert column(result, "cost") == ["1.25", None]
    assert column(result, "shop") == ["s1", "s2"]
    assert result.offers.column("flags").to_pylist() == [[], ["price_unparsable"]]
    assert reasons(result) == {"invalid_utf8": ["3"], "empty_offer_id": [None]}
    for name in table.column_names:
        if name not in schema.CANONICAL_COLUMNS:
            assert result.offers.schema.field(name).type == pa.string(), name


# --- --map naming a missing column ------------------------------------------------------------------
def _write_format(tmp_path: Path, fmt: str) -> Path:
    rows = [{"offer_id": "1", "title": "A", "price": "3"}, {"offer_id": "2", "title": "B", "price": "4"}]
    if fmt == "csv":
        return write(tmp_path / "a.csv", "offer_id,title,price\n1,A,3\n2,B,4\n")
    if fmt == "jsonl":
        return write(tmp_path / "a.jsonl", jsonl(rows))
    return _parquet(tmp_path / "a.parquet", pa.Table.from_pylist(rows))


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
@pytest.mark.parametrize("canonical", ["offer_id", "title", "brand"])
def test_map_to_a_missing_column_raises_naming_it_and_the_columns_found(
    tmp_path: Path, fmt: str, canonical: str
) -> None:
    path = _write_format(tmp_path, fmt)
    with pytest.raises(MappingError) as info:
        read_offers([path], mapping={canonical: "nope"})
    message = str(info.value)
    assert f"--map {canonical}=nope" in message and "'nope'" in message
    assert "Columns found: 'offer_id', 'title', 'price'" in message
    assert isinstance(info.value, UsageError) and isinstance(info.value, InputError)


def test_mapped_column_needs_to_be_in_only_one_of_several_files(tmp_path: Path) -> None:
    a = write(tmp_path / "a.csv", "sku,title\n1,A\n")
    b = write(tmp_path / "b.csv", "offer_id,title\n2,B\n")
    result = read_offers([a, b], mapping={"offer_id": "sku"})
    assert column(result, "offer_id") == ["1", "2"]
    assert result.plans[str(a)].canonical["offer_id"] == "sku"
    assert result.plans[str(b)].canonical["offer_id"] == "offer_id"


def test_map_on_zero_byte_file_is_not_checked(tmp_path: Path) -> None:
    result = read_offers([write(tmp_path / "a.csv", b"")], mapping={"offer_id": "nope"})
    assert result.input_rows == 0


@pytest.mark.parametrize("item", ["offer_id", "nope=x", "offer_id="])
def test_malformed_map_item_is_a_usage_error(tmp_path: Path, item: str) -> None:
    from samesku.io import parse_mapping

    with pytest.raises(MappingError) as info:
        parse_mapping([item])
    assert isinstance(info.value, UsageError)
