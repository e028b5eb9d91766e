"""Input discovery, --map parsing and Parquet writing."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from samesku.errors import InputError
from samesku.io import expand_inputs, parse_mapping, read_offers, write_table

from .helpers import write


def test_parse_mapping_reads_canonical_equals_source_items() -> None:
    assert parse_mapping(["offer_id=product_id", " title = name "]) == {
        "offer_id": "product_id",
        "title": "name",
    }
    assert parse_mapping([]) == {}


@pytest.mark.parametrize("item", ["offer_id", "=x", "title=", "colour=col"])
def test_parse_mapping_rejects_bad_items_with_a_clear_error(item: str) -> None:
    with pytest.raises(InputError, match="mapping"):
        parse_mapping([item])


def test_parse_mapping_rejects_a_column_mapped_twice() -> None:
    with pytest.raises(InputError, match="mapped twice"):
        parse_mapping(["title=a", "title=b"])


def test_folders_expand_to_supported_files_sorted_and_recursive(tmp_path: Path) -> None:
    for name in [
        "b.jsonl",
        "a.csv",
        "sub/c.parquet",
        "d.csv.gz",
        "e.ndjson",
        "f.json",
        "notes.txt",
        ".hidden.csv",
        "_SUCCESS",
    ]:
        write(tmp_path / name, "")
    names = [p.relative_to(tmp_path).as_posix() for p in expand_inputs([tmp_path])]
    assert names == ["a.csv", "b.jsonl", "d.csv.gz", "e.ndjson", "f.json", "sub/c.parquet"]


def test_files_keep_the_given_order_and_are_read_once(tmp_path: Path) -> None:
    a, b = write(tmp_path / "a.csv", ""), write(tmp_path / "b.csv", "")
    assert expand_inputs([b, a, b]) == [b, a]
    assert expand_inputs(str(a)) == [a]


def test_missing_path_or_empty_folder_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        expand_inputs([tmp_path / "missing.csv"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no input file"):
        expand_inputs([tmp_path / "empty"])


def test_explicit_file_with_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    path = write(tmp_path / "offers.txt", '{"offer_id": "1", "title": "A"}\n')
    assert read_offers([path]).offers.column("offer_id").to_pylist() == ["1"]


def test_unreadable_parquet_file_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="Parquet"):
        read_offers([write(tmp_path / "a.parquet", "not parquet")])


def test_write_table_writes_zstd_parquet_and_creates_folders(tmp_path: Path) -> None:
    table = pa.table({"a": [1, 2]})
    path = tmp_path / "out" / "t.parquet"
    write_table(table, path)
    assert pq.read_table(path).equals(table)
    assert pq.ParquetFile(path).metadata.row_group(0).column(0).compression == "ZSTD"
