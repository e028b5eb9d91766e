"""read_offers: formats, bad rows, mapping, unions and counts."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from samesku import schema
from samesku.errors import ConfigError, InputError
from samesku.io import read_offers

from .helpers import assert_accounted, column, jsonl, reasons, write

GOOD_HEAD = b"offer_id,title,price,brand\n"


def _bad_csv(unclosed_quote: bool) -> bytes:
    rows = [
        b'007,Good phone,"1,299.00",Apple',
        b"008,,5,Sony",
        b",No id,5,Sony",
        b'009,"   ",5,X',
        b"007,Dup of 007,3,Apple",
        b"010,Bad \xff bytes,5,X",
        b"011," + b"x" * 2001 + b",5,X",
        b"012,too,many,fields,here",
        b"013,too few",
        b"014,Price abc,abc,X",
        b"015,Price neg,-5,X",
        b"016,Price nan,NaN,X",
        b"017,Price inf,inf,X",
        b"018,Price dots,1.2.3,X",
    ]
    if unclosed_quote:
        rows.append(b'019,"Unclosed quote,5,X')
    rows.append(b"020,After the bad rows,5,X")
    return GOOD_HEAD + b"\n".join(rows) + b"\n"


@pytest.mark.parametrize("unclosed_quote", [False, True], ids=["fast-path", "robust-path"])
def test_every_kind_of_bad_csv_row_is_quarantined_and_counts_add_up(
    tmp_path: Path, unclosed_quote: bool
) -> None:
    path = write(tmp_path / "bad.csv", _bad_csv(unclosed_quote))
    result = read_offers([path])
    assert_accounted(result)
    assert result.input_rows == (16 if unclosed_quote else 15)
    got = reasons(result)
    assert got["empty_title"] == ["008", "009"]
    assert got["empty_offer_id"] == [""]
    assert got["duplicate_offer_id"] == ["007"]
    assert got["invalid_utf8"] == ["010"]
    assert got["title_too_long"] == ["011"]
    assert len(got["malformed_csv"]) == (3 if unclosed_quote else 2)
    assert column(result, "offer_id") == ["007", "014", "015", "016", "017", "018", "020"]
    raw = {r["reason"]: r["raw"] for r in result.rejected.to_pylist()}
    assert raw["invalid_utf8"] == "010,Bad \ufffd bytes,5,X"
    malformed = [r["raw"] for r in result.rejected.to_pylist() if r["reason"] == "malformed_csv"]
    assert "012,too,many,fields,here" in malformed and "013,too few" in malformed
    if unclosed_quote:
        assert '019,"Unclosed quote,5,X' in malformed
    assert all(r["_source"] == str(path) for r in result.rejected.to_pylist())


def test_rejected_rows_keep_their_position_in_the_input(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.csv", _bad_csv(unclosed_quote=False))
    result = read_offers([path])
    by_reason = {r["reason"]: r["_row"] for r in result.rejected.to_pylist()}
    assert by_reason["empty_offer_id"] == 2
    assert by_reason["duplicate_offer_id"] == 4
    assert by_reason["invalid_utf8"] == 5
    assert by_reason["title_too_long"] == 6
    assert column(result, "_row") == [0, 9, 10, 11, 12, 13, 14]


def test_rows_rejected_by_validation_keep_their_fields_as_json(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "offer_id,title,shop\n1,Phone,A\n1,Other phone,B\n")
    result = read_offers([path])
    (row,) = result.rejected.to_pylist()
    assert row["reason"] == "duplicate_offer_id"
    assert json.loads(row["raw"]) == {"offer_id": "1", "title": "Other phone", "shop": "B"}


def test_price_flags_are_set_and_bad_prices_become_null(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.csv", _bad_csv(unclosed_quote=False))
    result = read_offers([path])
    rows = {r["offer_id"]: r for r in result.offers.to_pylist()}
    assert rows["007"]["price"] == 1299.0 and rows["007"]["flags"] == []
    assert rows["015"]["price"] is None and rows["015"]["flags"] == ["price_negative"]
    for oid in ("014", "016", "017", "018"):
        assert rows[oid]["price"] is None
        assert rows[oid]["flags"] == ["price_unparsable"]


def test_malformed_json_lines_are_rejected_with_their_raw_line(tmp_path: Path) -> None:
    content = (
        b'{"offer_id": "1", "title": "ok"}\n'
        b"not json at all\n"
        b"[1, 2]\n"
        b'"a string"\n'
        b'{"offer_id": "2", "title": "bad \xff byte"}\n'
        b"\n"
        b'{"offer_id": "3", "title": ""}\n'
        b'{"offer_id": "4", "title": "ok too"}\n'
    )
    result = read_offers([write(tmp_path / "x.jsonl", content)])
    assert_accounted(result)
    assert result.input_rows == 7
    got = reasons(result)
    assert len(got["malformed_json"]) == 3
    assert got["invalid_utf8"] == ["2"]
    assert got["empty_title"] == ["3"]
    raws = [r["raw"] for r in result.rejected.to_pylist()]
    assert "not json at all" in raws and "[1, 2]" in raws
    assert column(result, "offer_id") == ["1", "4"]


def test_leading_zero_offer_ids_stay_exactly_as_given_in_every_format(tmp_path: Path) -> None:
    write(tmp_path / "a.csv", "offer_id,title\n007,A\n0010,B\n")
    write(tmp_path / "b.jsonl", jsonl([{"offer_id": "008", "title": "C"}]))
    pq.write_table(pa.table({"offer_id": ["009"], "title": ["D"]}), tmp_path / "c.parquet")
    result = read_offers([tmp_path])
    assert_accounted(result)
    assert column(result, "offer_id") == ["007", "0010", "008", "009"]


def test_json_number_offer_ids_become_their_text(tmp_path: Path) -> None:
    rows = [{"offer_id": 7, "title": "A"}, {"offer_id": 12345678901234567, "title": "B"}]
    result = read_offers([write(tmp_path / "a.jsonl", jsonl(rows))])
    assert column(result, "offer_id") == ["7", "12345678901234567"]


def test_json_float_offer_ids_keep_their_text(tmp_path: Path) -> None:
    content = '{"offer_id": 1.50, "title": "A"}\n{"offer_id": 2, "title": "B"}\n'
    result = read_offers([write(tmp_path / "a.jsonl", content)])
    assert column(result, "offer_id") == ["1.50", "2"]


def test_json_values_of_other_types_become_strings(tmp_path: Path) -> None:
    rows = [
        {
            "offer_id": "1",
            "title": "A",
            "price": 19.99,
            "used": True,
            "seen": "2024-01-02",
            "tags": ["x", "y"],
        }
    ]
    result = read_offers([write(tmp_path / "a.jsonl", jsonl(rows))])
    row = result.offers.to_pylist()[0]
    assert row["price"] == 19.99
    assert row["used"] == "true"
    assert row["seen"] == "2024-01-02"
    assert json.loads(row["tags"]) == ["x", "y"]


def test_json_array_file_is_read_as_records(tmp_path: Path) -> None:
    content = json.dumps([{"offer_id": "1", "title": "A"}, 5, {"offer_id": "2", "title": "B"}])
    result = read_offers([write(tmp_path / "a.json", content)])
    assert_accounted(result)
    assert column(result, "offer_id") == ["1", "2"]
    assert reasons(result) == {"malformed_json": [None]}


def test_parquet_integer_offer_ids_are_cast_to_string(tmp_path: Path) -> None:
    table = pa.table(
        {
            "offer_id": pa.array([1, 22], pa.int64()),
            "title": ["A", "B"],
            "price": pa.array([1.5, -2.0]),
        }
    )
    pq.write_table(table, tmp_path / "a.parquet")
    result = read_offers([tmp_path / "a.parquet"])
    assert column(result, "offer_id") == ["1", "22"]
    assert column(result, "price") == [1.5, None]
    assert column(result, "flags") == [[], ["price_negative"]]


def test_parquet_binary_values_that_are_not_utf8_are_rejected(tmp_path: Path) -> None:
    table = pa.table({"offer_id": ["1", "2"], "title": pa.array([b"ok", b"bad \xff"], pa.binary())})
    pq.write_table(table, tmp_path / "a.parquet")
    result = read_offers([tmp_path / "a.parquet"])
    assert_accounted(result)
    assert column(result, "title") == ["ok"]
    assert reasons(result) == {"invalid_utf8": ["2"]}


def test_mapping_renames_columns_and_keeps_passthrough_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "sku,name,cost,color\n1,Phone,10,red\n")
    result = read_offers([path], mapping={"offer_id": "sku", "title": "name", "price": "cost"})
    assert_accounted(result)
    row = result.offers.to_pylist()[0]
    assert (row["offer_id"], row["title"], row["price"], row["color"]) == (
        "1",
        "Phone",
        10.0,
        "red",
    )
    assert result.passthrough == ["color"]
    assert "sku" not in result.offers.column_names


def test_missing_optional_canonical_columns_are_added_as_null(tmp_path: Path) -> None:
    result = read_offers([write(tmp_path / "a.csv", "offer_id,title\n1,A\n")])
    for name in schema.OPTIONAL_COLUMNS:
        assert column(result, name) == [None]


def test_blank_optional_fields_become_null_but_ids_and_titles_stay_exact(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "offer_id,title,brand,price\n 1 , A phone ,  ,\n")
    row = read_offers([path]).offers.to_pylist()[0]
    assert (row["offer_id"], row["title"], row["brand"], row["price"]) == (
        " 1 ",
        " A phone ",
        None,
        None,
    )
    assert row["flags"] == []


def test_passthrough_column_named_like_a_reserved_column_is_kept_with_a_suffix(
    tmp_path: Path,
) -> None:
    path = write(tmp_path / "a.csv", "offer_id,name,title,flags\n1,Phone,old title,x\n")
    result = read_offers([path], mapping={"title": "name"})
    row = result.offers.to_pylist()[0]
    assert row["title"] == "Phone"
    assert row["title_input"] == "old title" and row["flags_input"] == "x"
    assert row["flags"] == []


def test_headers_match_canonical_names_ignoring_case_and_spaces(tmp_path: Path) -> None:
    result = read_offers([write(tmp_path / "a.csv", "OFFER_ID, Title ,Brand\n1,A,B\n")])
    assert result.offers.select(["offer_id", "title", "brand"]).to_pylist() == [
        {"offer_id": "1", "title": "A", "brand": "B"}
    ]


def test_folder_with_csv_jsonl_and_parquet_is_unioned(tmp_path: Path) -> None:
    write(tmp_path / "in" / "a.csv", "offer_id,title,color\n1,A,red\n")
    write(tmp_path / "in" / "b.jsonl", jsonl([{"offer_id": "2", "title": "B", "size": "XL"}]))
    pq.write_table(
        pa.table({"offer_id": ["3"], "title": ["C"], "brand": ["Z"]}), tmp_path / "in" / "c.parquet"
    )
    result = read_offers([tmp_path / "in"])
    assert_accounted(result)
    assert column(result, "offer_id") == ["1", "2", "3"]
    assert column(result, "color") == ["red", None, None]
    assert column(result, "size") == [None, "XL", None]
    assert column(result, "brand") == [None, None, "Z"]
    assert result.passthrough == ["color", "size"]
    assert [Path(str(s)).name for s in column(result, "_source")] == [
        "a.csv",
        "b.jsonl",
        "c.parquet",
    ]


def test_duplicate_offer_id_across_files_keeps_the_first(tmp_path: Path) -> None:
    a = write(tmp_path / "a.csv", "offer_id,title\n1,First\n2,Two\n")
    b = write(tmp_path / "b.jsonl", jsonl([{"offer_id": "1", "title": "Second"}]))
    result = read_offers([a, b])
    assert_accounted(result)
    assert column(result, "title") == ["First", "Two"]
    (row,) = result.rejected.to_pylist()
    assert (row["reason"], row["offer_id"], row["_row"], row["_source"]) == (
        "duplicate_offer_id",
        "1",
        2,
        str(b),
    )


def test_invalid_first_occurrence_does_not_block_a_valid_duplicate(tmp_path: Path) -> None:
    result = read_offers([write(tmp_path / "a.csv", "offer_id,title\n1,\n1,Real\n")])
    assert column(result, "title") == ["Real"]
    assert reasons(result) == {"empty_title": ["1"]}


def test_missing_title_column_raises_input_error_naming_the_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "offer_id,name,cost\n1,A,3\n")
    with pytest.raises(InputError) as info:
        read_offers([path])
    message = str(info.value)
    assert "'title'" in message and "'name'" in message and "'cost'" in message
    assert "--map title=" in message


def test_mapping_to_an_absent_column_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "id,title\n1,A\n")
    with pytest.raises(InputError, match="--map offer_id=sku was given"):
        read_offers([path], mapping={"offer_id": "sku"})


def test_header_only_csv_without_title_raises_but_empty_file_is_skipped(tmp_path: Path) -> None:
    empty = write(tmp_path / "empty.csv", "")
    good = write(tmp_path / "good.csv", "offer_id,title\n")
    result = read_offers([empty, good])
    assert result.input_rows == 0 and result.offers.num_rows == 0
    assert_accounted(result)
    with pytest.raises(InputError):
        read_offers([write(tmp_path / "h.csv", "offer_id,name\n")])


def test_missing_file_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        read_offers([tmp_path / "nope.csv"])


def test_non_positive_max_title_chars_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        read_offers([write(tmp_path / "a.csv", "offer_id,title\n1,A\n")], max_title_chars=0)


def test_unclosed_quote_does_not_swallow_the_following_rows(tmp_path: Path) -> None:
    lines = ["offer_id,title,price", '1,"broken,5'] + [f"{i},Item {i},5" for i in range(2, 50)]
    result = read_offers([write(tmp_path / "a.csv", "\n".join(lines) + "\n")])
    assert_accounted(result)
    assert result.offers.num_rows == 48
    assert reasons(result) == {"malformed_csv": [None]}


def test_quoted_values_may_hold_delimiters_quotes_and_line_breaks(tmp_path: Path) -> None:
    content = 'offer_id,title\n1,"Phone, 6"" screen\nsecond line"\n2,Plain\n'
    result = read_offers([write(tmp_path / "a.csv", content)])
    assert column(result, "title") == ['Phone, 6" screen\nsecond line', "Plain"]


def test_semicolon_delimited_gzip_csv_with_bom_and_crlf_is_read(tmp_path: Path) -> None:
    content = "\ufeffoffer_id;title;price\r\n01;Käse;1.299,00 €\r\n".encode()
    path = tmp_path / "a.csv.gz"
    path.write_bytes(gzip.compress(content))
    result = read_offers([path])
    assert result.offers.select(["offer_id", "title", "price"]).to_pylist() == [
        {"offer_id": "01", "title": "Käse", "price": 1299.0}
    ]


def test_progress_reports_records_read_after_each_file(tmp_path: Path) -> None:
    a = write(tmp_path / "a.csv", "offer_id,title\n1,A\n2,B\n")
    b = write(tmp_path / "b.jsonl", jsonl([{"offer_id": "3", "title": "C"}]))
    seen: list[int] = []
    read_offers([a, b], progress=seen.append)
    assert seen == [2, 3]


def test_clean_200k_row_csv_reads_fast(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("offer_id,title,brand,price,seller\n")
        for i in range(200_000):
            handle.write(
                f"{i:07d},Samsung Galaxy S{i % 30} {i % 7 * 64}GB black,Samsung,"
                f"{i % 1000}.{i % 100:02d},shop{i % 50}\n"
            )
    start = time.perf_counter()
    result = read_offers([path])
    elapsed = time.perf_counter() - start
    assert result.offers.num_rows == 200_000 and result.rejected.num_rows == 0
    assert column(result, "offer_id")[:2] == ["0000000", "0000001"]
    assert elapsed < 10, f"reading took {elapsed:.1f} s"
