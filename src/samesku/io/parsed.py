"""What a format reader hands back, and helpers the readers share.

Every reader returns a :class:`ParsedFile`: the records it could parse as a table of
string columns (named as in the file), the local position of each of them, and the
records it could not parse (:class:`RawReject`). Positions are 0-based indices of the
record among all records of the file, parsed or not, so that the two together number
``0 .. n_records - 1`` exactly once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# Rejection reasons (the ``reason`` column of the rejected table).
EMPTY_OFFER_ID = "empty_offer_id"
EMPTY_TITLE = "empty_title"
TITLE_TOO_LONG = "title_too_long"
DUPLICATE_OFFER_ID = "duplicate_offer_id"
INVALID_UTF8 = "invalid_utf8"
MALFORMED_CSV = "malformed_csv"
MALFORMED_JSON = "malformed_json"

# Flags set on kept rows.
PRICE_UNPARSABLE = "price_unparsable"
PRICE_NEGATIVE = "price_negative"
IMAGE_PHASH_INVALID = "image_phash_invalid"


class RawReject(NamedTuple):
    """A record a reader could not parse.

    Attributes:
        position: 0-based position of the record in its file.
        reason: Why it was rejected.
        raw: The raw text of the record (undecodable bytes replaced by U+FFFD).
        fields: Whatever fields could still be made out (used to report the offer id),
            keyed by the file's column names; None when nothing could be.
    """

    position: int
    reason: str
    raw: str | None
    fields: Mapping[str, str | None] | None


@dataclass
class ParsedFile:
    """The result of reading one file.

    Attributes:
        table: Parsed records; every column is ``string``; names as in the file.
        positions: int64 position of each row of ``table`` within the file.
        rejects: Records that could not be parsed.
        n_records: Records seen (``table.num_rows + len(rejects)``).
        has_header: True if the file declares its columns even without any record
            (a CSV header), so that a missing required column is reported.
    """

    table: pa.Table
    positions: np.ndarray
    rejects: list[RawReject] = field(default_factory=list)
    n_records: int = 0
    has_header: bool = False


def empty_parsed(columns: list[str] | None = None, has_header: bool = False) -> ParsedFile:
    """A ParsedFile without records.

    Args:
        columns: Column names of the (empty) table.
        has_header: See :class:`ParsedFile`.

    Returns:
        The empty result.
    """
    table = pa.table({c: pa.array([], pa.string()) for c in columns or []})
    return ParsedFile(table, np.zeros(0, np.int64), [], 0, has_header)


def is_valid_utf8(data: bytes | memoryview) -> bool:
    """Return True if ``data`` is valid UTF-8, without decoding it into Python.

    Args:
        data: Bytes of any size.

    Returns:
        Whether the bytes are valid UTF-8.
    """
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    array = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        array.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def strip_bom(data: bytes) -> bytes:
    """Drop a leading UTF-8 byte-order mark.

    Args:
        data: File content.

    Returns:
        The content without the BOM.
    """
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


def unique_names(names: list[str]) -> list[str]:
    """Make column names usable: blank names become ``column_<i>``, repeats get ``_2``...

    Args:
        names: Column names as found in a file.

    Returns:
        As many names, all distinct and non-empty.
    """
    out: list[str] = []
    seen: set[str] = set()
    for i, name in enumerate(names):
        base = name if name.strip() else f"column_{i + 1}"
        candidate, k = base, 2
        while candidate in seen:
            candidate, k = f"{base}_{k}", k + 1
        seen.add(candidate)
        out.append(candidate)
    return out


def json_text(value: Any) -> str | None:
    """Render a decoded JSON/Parquet value as the string stored for it.

    Strings stay as they are, numbers keep their JSON text when the decoder kept it,
    booleans become ``true``/``false``, objects and arrays become compact JSON.

    Args:
        value: A value from ``json.loads`` (or a Python value from Arrow).

    Returns:
        The string, or None for null.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def to_string_column(column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray:
    """Convert an Arrow column of any type to ``string``.

    Scalars are cast by Arrow (integers exactly; floats in shortest round-trip form);
    nested values become JSON text. Binary values must be UTF-8 (check first).

    Args:
        column: The column.

    Returns:
        The column as ``string``.
    """
    if isinstance(column, pa.Array):
        column = pa.chunked_array([column], column.type)
    typ = column.type
    if pa.types.is_dictionary(typ):
        column = column.cast(typ.value_type)
        typ = column.type
    if pa.types.is_string(typ):
        return column
    if pa.types.is_null(typ):
        return pa.chunked_array([pa.nulls(len(column), pa.string())], pa.string())
    if (
        pa.types.is_nested(typ)
        or pa.types.is_binary(typ)
        or pa.types.is_large_binary(typ)
        or pa.types.is_fixed_size_binary(typ)
    ):
        values = [json_text(v) for v in column.to_pylist()]
        return pa.chunked_array([pa.array(values, pa.string())], pa.string())
    try:
        return pc.cast(column, pa.string())
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        values = [None if v is None else str(v) for v in column.to_pylist()]
        return pa.chunked_array([pa.array(values, pa.string())], pa.string())


def interleave_positions(n_good: int, reject_hints: list[int]) -> tuple[np.ndarray, list[int]]:
    """Number parsed and rejected records when only approximate reject positions are known.

    ``reject_hints[k]`` is an estimate of the position of reject ``k`` among all
    records (e.g. its physical line). The result numbers ``0 .. n_good + len(rejects) - 1``
    exactly once, keeps parsed records in order and places each reject as close to its
    hint as that allows.

    Args:
        n_good: Number of parsed records (in file order).
        reject_hints: Estimated position of each reject.

    Returns:
        Positions of the parsed records, and of each reject (in the order given).
    """
    if not reject_hints:
        return np.arange(n_good, dtype=np.int64), []
    hints = np.asarray(reject_hints, dtype=np.int64)
    order = np.argsort(hints, kind="stable")
    ranks = np.arange(len(hints), dtype=np.int64)
    # good records before the k-th reject (in hint order): clipped, non-decreasing
    before = np.maximum.accumulate(np.clip(hints[order] - ranks, 0, n_good))
    reject_pos = np.empty(len(hints), dtype=np.int64)
    reject_pos[order] = before + ranks
    good = np.arange(n_good, dtype=np.int64)
    good_pos = good + np.searchsorted(before, good, side="right")
    return good_pos, reject_pos.tolist()
