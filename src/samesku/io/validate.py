"""Row validation (vectorised) and the final shape of the offers table.

A row is rejected, with the first reason that applies:

1. ``empty_offer_id``: offer id missing, empty or only whitespace;
2. ``empty_title``: title missing, empty or only whitespace;
3. ``title_too_long``: title longer than ``max_title_chars`` characters;
4. ``duplicate_offer_id``: the same offer id (compared exactly) was kept earlier in
   the input (the first *otherwise valid* occurrence is kept, across all files).

The ``raw`` of such a row is a JSON object of its non-null fields as read, so nothing
is lost. Kept rows get their price parsed (:mod:`samesku.io.price`), with
``price_unparsable`` / ``price_negative`` in ``flags``; an image hash is lower-cased
(``0x`` dropped) and, unless it then reads as 64 bits of hex, nulled with
``image_phash_invalid`` in ``flags``; blank optional text fields become null. Offer ids
and titles are kept exactly as read.
"""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from samesku import schema
from samesku.io.parsed import (
    DUPLICATE_OFFER_ID,
    EMPTY_OFFER_ID,
    EMPTY_TITLE,
    IMAGE_PHASH_INVALID,
    PRICE_NEGATIVE,
    PRICE_UNPARSABLE,
    TITLE_TOO_LONG,
)
from samesku.io.price import parse_prices

REASONS: tuple[str | None, ...] = (
    None,
    EMPTY_OFFER_ID,
    EMPTY_TITLE,
    TITLE_TOO_LONG,
    DUPLICATE_OFFER_ID,
)
_REASONS = REASONS
_INTERNAL = frozenset((schema.ROW_NUMBER, schema.SOURCE_FILE))


def _np_bool(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)


def _blank(values: pa.ChunkedArray) -> np.ndarray:
    """True where a string is null, empty or only whitespace."""
    empty = pc.or_(pc.equal(pc.binary_length(values), 0), pc.utf8_is_space(values))
    return _np_bool(pc.fill_null(empty, True))


def _first_occurrences(ids: pa.ChunkedArray) -> np.ndarray:
    """True where an id occurs for the first time (dictionary codes follow first use)."""
    if len(ids) == 0:
        return np.zeros(0, dtype=bool)
    encoded = pc.dictionary_encode(ids.combine_chunks())
    codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    seen_max = np.maximum.accumulate(codes)
    previous = np.concatenate(([-1], seen_max[:-1]))
    return np.asarray(codes > previous, dtype=bool)


def row_reason_codes(table: pa.Table, max_title_chars: int) -> np.ndarray:
    """Reasons that depend on the row alone (all but duplicates); 0 = valid.

    Args:
        table: Rows with canonical ``offer_id`` and ``title`` string columns.
        max_title_chars: Longest title accepted.

    Returns:
        int8 codes, one per row (indices into :data:`REASONS`).
    """
    codes = np.zeros(table.num_rows, dtype=np.int8)
    title = table.column(schema.TITLE)
    too_long = _np_bool(pc.greater(pc.utf8_length(title), max_title_chars))
    codes[too_long] = _REASONS.index(TITLE_TOO_LONG)
    codes[_blank(title)] = _REASONS.index(EMPTY_TITLE)
    codes[_blank(table.column(schema.OFFER_ID))] = _REASONS.index(EMPTY_OFFER_ID)
    return codes


def reason_codes(table: pa.Table, max_title_chars: int) -> np.ndarray:
    """Index into the reasons for each row (0 = valid); the table must be in input order.

    Args:
        table: Rows with canonical ``offer_id`` and ``title`` string columns.
        max_title_chars: Longest title accepted.

    Returns:
        int8 codes, one per row.
    """
    codes = row_reason_codes(table, max_title_chars)
    valid = np.flatnonzero(codes == 0)
    ids = table.column(schema.OFFER_ID)
    if len(valid) < table.num_rows:
        ids = ids.take(pa.array(valid))
    repeated = valid[~_first_occurrences(ids)]
    codes[repeated] = _REASONS.index(DUPLICATE_OFFER_ID)
    return codes


def raw_json(table: pa.Table) -> list[str]:
    """Render each row as a JSON object of its non-null data fields.

    Args:
        table: Rows (internal ``_row`` / ``_source`` columns are left out).

    Returns:
        One JSON text per row.
    """
    data = table.drop_columns([c for c in table.column_names if c in _INTERNAL])
    return [
        json.dumps({k: v for k, v in row.items() if v is not None}, ensure_ascii=False)
        for row in data.to_pylist()
    ]


def split_valid(table: pa.Table, max_title_chars: int, codes: np.ndarray | None = None) -> tuple[pa.Table, pa.Table]:
    """Separate valid rows from rejected ones.

    Args:
        table: All parsed rows in input order, every canonical column present.
        max_title_chars: Longest title accepted.
        codes: reason codes already decided (e.g. duplicates found by a distributed
            engine); computed with :func:`reason_codes` when None.

    Returns:
        The valid rows (unchanged) and a rejected table in ``REJECTED_SCHEMA``.
    """
    codes = reason_codes(table, max_title_chars) if codes is None else codes
    bad = np.flatnonzero(codes != 0)
    kept = table.filter(pa.array(codes == 0)) if len(bad) else table
    rows = table.take(pa.array(bad))
    reasons = np.asarray(_REASONS, dtype=object)[codes[bad]].tolist()
    rejected = pa.table(
        {
            schema.OFFER_ID: rows.column(schema.OFFER_ID),
            schema.REASON: pa.array(reasons, pa.string()),
            schema.RAW_LINE: pa.array(raw_json(rows), pa.string()),
            schema.SOURCE_FILE: rows.column(schema.SOURCE_FILE),
            schema.ROW_NUMBER: rows.column(schema.ROW_NUMBER),
        },
        schema=schema.REJECTED_SCHEMA,
    )
    return kept, rejected


def flags_column(masks: dict[str, np.ndarray], n: int) -> pa.Array:
    """Build the ``list<string>`` flags column from one boolean mask per flag.

    Args:
        masks: Flag name to a boolean array of length ``n``.
        n: Number of rows.

    Returns:
        For each row, the names of the flags set on it (an empty list if none).
    """
    names = list(masks)
    if not names:
        return pa.array([[]] * n, pa.list_(pa.string()))
    stacked = np.stack([masks[name] for name in names], axis=1)  # rows x flags
    rows, which = np.nonzero(stacked)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(rows, minlength=n), out=offsets[1:])
    values = pa.array(np.asarray(names, dtype=object)[which].tolist(), pa.string())
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def _image_hashes(values: pa.ChunkedArray) -> tuple[pa.Array, np.ndarray]:
    """64-bit image hashes as 16 lower-case hex digits; anything else null, and flagged.

    Every stage reads the hash as 16 hex digits (band keys, Hamming distance, placeholder
    detection), so one malformed value must not reach them: it crashed the run before.
    """
    text = pc.utf8_lower(pc.utf8_trim_whitespace(values.combine_chunks()))
    text = pc.replace_substring_regex(text, r"^0x", "")
    ok = _np_bool(pc.fill_null(pc.match_substring_regex(text, r"^[0-9a-f]{16}$"), False))
    blank = _np_bool(pc.fill_null(pc.equal(text, ""), True))
    return pc.if_else(pa.array(ok), text, pa.scalar(None, pa.string())), ~ok & ~blank


def finish_offers(table: pa.Table, passthrough: list[str]) -> pa.Table:
    """Give valid rows their final types, flags and column order.

    Args:
        table: Valid rows: every canonical column (as strings), passthrough columns,
            ``_row`` and ``_source``.
        passthrough: Passthrough column names, in output order.

    Returns:
        Canonical columns typed per ``CANONICAL_TYPES``, passthrough columns, ``flags``,
        ``_row``, ``_source``.
    """
    n = table.num_rows
    columns: dict[str, pa.ChunkedArray | pa.Array] = {}
    masks: dict[str, np.ndarray] = {}
    for name in schema.CANONICAL_COLUMNS:
        column = table.column(name)
        if name == schema.PRICE:
            parsed = parse_prices(column)
            columns[name] = parsed.price
            masks[PRICE_UNPARSABLE] = _np_bool(parsed.unparsable)
            masks[PRICE_NEGATIVE] = _np_bool(parsed.negative)
        elif name in schema.REQUIRED_COLUMNS:
            columns[name] = column
        elif name == schema.IMAGE_PHASH:
            columns[name], masks[IMAGE_PHASH_INVALID] = _image_hashes(column)
        else:
            blank = _blank(column)
            columns[name] = (
                pc.if_else(pa.array(blank), pa.scalar(None, pa.string()), column)
                if blank.any()
                else column
            )
    for name in passthrough:
        columns[name] = table.column(name)
    columns[schema.FLAGS] = flags_column(masks, n)
    columns[schema.ROW_NUMBER] = table.column(schema.ROW_NUMBER)
    columns[schema.SOURCE_FILE] = table.column(schema.SOURCE_FILE)
    fields = [pa.field(c, schema.CANONICAL_TYPES[c]) for c in schema.CANONICAL_COLUMNS]
    fields += [pa.field(c, pa.string()) for c in passthrough]
    fields += [
        pa.field(schema.FLAGS, pa.list_(pa.string())),
        pa.field(schema.ROW_NUMBER, pa.int64()),
        pa.field(schema.SOURCE_FILE, pa.string()),
    ]
    return pa.table(columns, schema=pa.schema(fields))
