"""Reading Parquet files.

Every column is converted to string: integers exactly (``7`` -> ``"7"``), floats in
shortest round-trip form, booleans as ``true``/``false``, nested values as JSON. A row
whose binary column holds bytes that are not UTF-8 is rejected as ``invalid_utf8``
(there is no raw line; the fields are reported with bad bytes replaced).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from samesku.errors import InputError
from samesku.io.parsed import (
    INVALID_UTF8,
    ParsedFile,
    RawReject,
    json_text,
    to_string_column,
    unique_names,
)


def _is_binary(typ: pa.DataType) -> bool:
    return bool(
        pa.types.is_binary(typ)
        or pa.types.is_large_binary(typ)
        or pa.types.is_fixed_size_binary(typ)
    )


def _decode_binary(column: pa.ChunkedArray) -> tuple[pa.ChunkedArray, np.ndarray]:
    """Decode a binary column; return it as string and the mask of undecodable rows."""
    try:
        return column.cast(pa.string()), np.zeros(len(column), dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    values: list[str | None] = []
    bad = np.zeros(len(column), dtype=bool)
    for i, value in enumerate(column.to_pylist()):
        if value is None:
            values.append(None)
            continue
        try:
            values.append(value.decode("utf-8"))
        except UnicodeDecodeError:
            values.append(value.decode("utf-8", errors="replace"))
            bad[i] = True
    return pa.chunked_array([pa.array(values, pa.string())], pa.string()), bad


def strings_of(table: pa.Table) -> tuple[pa.Table, np.ndarray]:
    """Every column of a Parquet table (or record batch of one) as strings.

    Returns:
        (string table, mask of rows whose binary columns are not UTF-8). Row-wise, so a
        distributed engine can convert each batch of a file on its own.
    """
    names = unique_names(table.column_names)
    bad = np.zeros(table.num_rows, dtype=bool)
    columns: dict[str, pa.ChunkedArray] = {}
    for name, column in zip(names, table.columns, strict=True):
        if isinstance(column, pa.Array):
            column = pa.chunked_array([column], column.type)
        typ = column.type.value_type if pa.types.is_dictionary(column.type) else column.type
        if _is_binary(typ):
            if pa.types.is_dictionary(column.type):
                column = column.cast(typ)
            columns[name], col_bad = _decode_binary(column)
            bad |= col_bad
        else:
            columns[name] = to_string_column(column)
    return (pa.table(columns) if columns else pa.table({})), bad


def read_parquet_file(path: Path) -> ParsedFile:
    """Read one Parquet file.

    Args:
        path: The file.

    Returns:
        The records (all columns as strings) and the rows rejected for invalid UTF-8.

    Raises:
        InputError: The file is not a readable Parquet file.
    """
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"cannot read Parquet file {path}: {exc}") from exc
    return parse_arrow_table(table)


def parse_arrow_table(table: pa.Table) -> ParsedFile:
    """Turn an Arrow table (a Parquet file's, or one given in memory) into records.

    Args:
        table: Columns of any type.

    Returns:
        The records (all columns as strings) and the rows rejected for invalid UTF-8.
    """
    out, bad = strings_of(table)
    if not bad.any():
        positions = np.arange(table.num_rows, dtype=np.int64)
        return ParsedFile(out, positions, [], table.num_rows, True)
    bad_rows = np.flatnonzero(bad)
    rejects = [
        RawReject(
            int(i),
            INVALID_UTF8,
            None,
            {k: json_text(v) for k, v in row.items()},
        )
        for i, row in zip(bad_rows, out.take(pa.array(bad_rows)).to_pylist(), strict=True)
    ]
    keep = np.flatnonzero(~bad)
    return ParsedFile(
        out.take(pa.array(keep)), keep.astype(np.int64), rejects, table.num_rows, True
    )
