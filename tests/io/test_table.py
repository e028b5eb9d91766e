"""read_offers_table: an in-memory table validates exactly like a Parquet file of it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from samesku import schema
from samesku.errors import InputError, MappingError
from samesku.io import ReadResult, as_arrow_table, read_offers, read_offers_table

from .helpers import assert_accounted, column, reasons


def _messy() -> pa.Table:
    return pa.table(
        {
            "sku": pa.array([7, 8, None, 7, 9, 10, 11], pa.int64()),
            "name": ["Phone A", "", "No id", "Dup of 7", "x" * 50, "Bad bytes", "Good B"],
            "price": ["1,299.00", "5", "5", "3", "abc", "2", "-4"],
            "tags": pa.array([["a"], [], None, ["b"], None, None, ["c", "d"]]),
            "blob": pa.array([b"ok", None, None, None, None, b"\xff", b"fine"]),
            "flags": ["kept", "as", "flags_input", "x", "y", "z", "w"],
        }
    )


def _without_source(result: ReadResult) -> tuple[pa.Table, pa.Table]:
    return (result.offers.drop_columns([schema.SOURCE_FILE]),
            result.rejected.drop_columns([schema.SOURCE_FILE]))


def _same(a: ReadResult, b: ReadResult) -> None:
    offers_a, rejected_a = _without_source(a)
    offers_b, rejected_b = _without_source(b)
    assert offers_a.equals(offers_b)
    assert rejected_a.equals(rejected_b)
    assert a.input_rows == b.input_rows and a.passthrough == b.passthrough


def test_table_reader_gives_the_same_result_as_the_parquet_reader(tmp_path: Path) -> None:
    table = _messy()
    path = tmp_path / "t.parquet"
    pq.write_table(table, path)
    mapping = {"offer_id": "sku", "title": "name"}
    from_file = read_offers([path], mapping, max_title_chars=40)
    from_table = read_offers_table(table, mapping, max_title_chars=40)
    _same(from_table, from_file)
    assert_accounted(from_table)
    assert reasons(from_table) == {
        "empty_title": ["8"], "empty_offer_id": [None], "duplicate_offer_id": ["7"],
        "title_too_long": ["9"], "invalid_utf8": ["10"],
    }
    assert column(from_table, "offer_id") == ["7", "11"]
    assert "flags_input" in from_table.passthrough
    assert set(from_table.offers.column(schema.SOURCE_FILE).to_pylist()) == {"<table>"}
    assert set(from_table.rejected.column(schema.SOURCE_FILE).to_pylist()) == {"<table>"}
    assert list(from_table.plans) == ["<table>"]
    assert from_table.plans["<table>"] == from_file.plans[str(path)]


def test_pandas_dataframe_is_read_like_its_arrow_table() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"offer_id": ["1", "2", "2"], "title": ["A", "B", "C"], "price": [1.5, None, 3.0]})
    result = read_offers_table(frame)
    _same(result, read_offers_table(pa.Table.from_pandas(frame)))
    assert column(result, "price") == [1.5, None]
    assert reasons(result) == {"duplicate_offer_id": ["2"]}
    assert_accounted(result)


def test_pandas_column_of_mixed_objects_is_read_as_text() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"offer_id": [1, "b", 3.5], "title": ["A", "B", None], "extra": [[1], "x", None]})
    result = read_offers_table(frame)
    assert column(result, "offer_id") == ["1", "b"]
    assert column(result, "extra") == ["[1]", "x"]
    assert reasons(result) == {"empty_title": ["3.5"]}
    assert_accounted(result)


def test_polars_dataframe_is_read_like_its_arrow_table() -> None:
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame({"offer_id": [1, 2, 3], "title": ["A", "", "C"], "tags": [["x"], [], None]})
    result = read_offers_table(frame)
    _same(result, read_offers_table(frame.to_arrow()))
    assert column(result, "offer_id") == ["1", "3"]
    assert reasons(result) == {"empty_title": ["2"]}


class _Stream:
    """Anything exporting the Arrow C stream interface (as DuckDB, Polars, ... do)."""

    def __init__(self, table: pa.Table) -> None:
        self.table = table

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        return self.table.__arrow_c_stream__(requested_schema)


def test_arrow_stream_objects_and_record_batches_are_accepted() -> None:
    table = pa.table({"offer_id": ["1", "2"], "title": ["A", "B"]})
    assert as_arrow_table(table) is table
    assert as_arrow_table(_Stream(table)).equals(table)
    assert as_arrow_table(table.to_batches()[0]).equals(table)
    assert as_arrow_table(pa.RecordBatchReader.from_batches(table.schema, table.to_batches())).equals(table)
    assert column(read_offers_table(_Stream(table)), "title") == ["A", "B"]


@pytest.mark.parametrize("value", [[{"offer_id": "1"}], "offers.csv", 42])
def test_non_tabular_object_raises_input_error(value: object) -> None:
    with pytest.raises(InputError, match="cannot read offers from a"):
        as_arrow_table(value)


def test_table_without_a_mapped_column_raises_naming_the_columns() -> None:
    table = pa.table({"offer_id": ["1"], "title": ["A"]})
    with pytest.raises(MappingError, match="Columns found: 'offer_id', 'title'"):
        read_offers_table(table, {"offer_id": "nope"})
    with pytest.raises(MappingError, match="required column 'title' not found"):
        read_offers_table(pa.table({"offer_id": ["1"]}))


def test_empty_table_gives_zero_offers() -> None:
    result = read_offers_table(pa.table({"offer_id": pa.array([], pa.string()), "title": pa.array([], pa.string())}))
    assert result.input_rows == 0
    assert_accounted(result)
