"""Reading JSON Lines (and JSON array) files.

Each non-blank line must be one JSON object; its keys are columns (the union over all
lines) and every value is stored as a string: strings as they are, numbers as their
text (``7`` -> ``"7"``), booleans as ``true``/``false``, objects and arrays as compact
JSON. A file whose first character is ``[`` is read as one JSON array of objects.

Fast path (valid UTF-8, every line an object with consistent value types): Arrow's
multithreaded JSON reader. Otherwise each line is parsed in Python: a line that is not
JSON or not an object is rejected as ``malformed_json``, a line holding invalid UTF-8
as ``invalid_utf8``, both with the raw line.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.json as pa_json

from samesku.io.parsed import (
    INVALID_UTF8,
    MALFORMED_JSON,
    ParsedFile,
    RawReject,
    empty_parsed,
    is_valid_utf8,
    json_text,
    strip_bom,
    to_string_column,
    unique_names,
)


def read_json_bytes(data: bytes, exact_columns: Collection[str] = ()) -> ParsedFile:
    """Parse the content of one JSON Lines / JSON file.

    Args:
        data: The (decompressed) file content.
        exact_columns: Column names (compared stripped and lower-cased) whose values
            must keep their exact text, such as the offer id: a file where one of them
            holds JSON floats is read by the Python path, which keeps the number text.

    Returns:
        The parsed records and the rejected ones.
    """
    data = strip_bom(data)
    start = data.lstrip()[:1]
    if not start:
        return empty_parsed()
    if start == b"[":
        parsed = _read_array(data)
        if parsed is not None:
            return parsed
    elif is_valid_utf8(data):
        exact = {c.strip().lower() for c in exact_columns}
        parsed = _read_fast(data, exact)
        if parsed is not None:
            return parsed
    return _read_lines(data)


def _read_fast(data: bytes, exact: set[str]) -> ParsedFile | None:
    """Read with Arrow; None when the Python path must be used."""
    try:
        table = pa_json.read_json(pa.BufferReader(pa.py_buffer(data)))
        # Arrow turns ISO-looking strings into timestamps: read those as strings again
        stamps = [f.name for f in table.schema if pa.types.is_temporal(f.type)]
        if stamps:
            explicit = pa.schema([pa.field(name, pa.string()) for name in stamps])
            options = pa_json.ParseOptions(explicit_schema=explicit)
            table = pa_json.read_json(pa.BufferReader(pa.py_buffer(data)), parse_options=options)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    for fld in table.schema:
        if pa.types.is_temporal(fld.type):
            return None
        if pa.types.is_floating(fld.type) and fld.name.strip().lower() in exact:
            return None
    names = unique_names(table.column_names)
    table = pa.table(
        {name: to_string_column(col) for name, col in zip(names, table.columns, strict=True)}
    )
    positions = np.arange(table.num_rows, dtype=np.int64)
    return ParsedFile(table, positions, [], table.num_rows, False)


def _decode_object(text: str) -> dict[str, Any] | None:
    """Parse one JSON object keeping number text; None if it is not an object."""
    try:
        value = json.loads(text, parse_float=str, parse_int=str, parse_constant=str)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _build(
    rows: list[dict[str, Any]], positions: list[int], rejects: list[RawReject], n: int
) -> ParsedFile:
    keys: dict[str, None] = {}
    for row in rows:
        for key in row:
            keys.setdefault(key, None)
    names = unique_names(list(keys))
    columns = {
        name: pa.array([json_text(row.get(key)) for row in rows], pa.string())
        for name, key in zip(names, keys, strict=True)
    }
    table = pa.table(columns)  # objects without any key give no column (reported later)
    return ParsedFile(table, np.asarray(positions, dtype=np.int64), rejects, n, False)


def _read_lines(data: bytes) -> ParsedFile:
    """Parse line by line in Python."""
    rows: list[dict[str, Any]] = []
    positions: list[int] = []
    rejects: list[RawReject] = []
    position = 0
    for line in data.split(b"\n"):
        line = line.rstrip(b"\r")
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            raw = line.decode("utf-8", errors="replace")
            obj = _decode_object(raw)
            fields = None if obj is None else {k: json_text(v) for k, v in obj.items()}
            rejects.append(RawReject(position, INVALID_UTF8, raw, fields))
        else:
            obj = _decode_object(text)
            if obj is None:
                rejects.append(RawReject(position, MALFORMED_JSON, text, None))
            else:
                rows.append(obj)
                positions.append(position)
        position += 1
    return _build(rows, positions, rejects, position)


def _read_array(data: bytes) -> ParsedFile | None:
    """Read a file holding one JSON array; None if it is not one (read it by lines)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    try:
        value = json.loads(text, parse_float=str, parse_int=str, parse_constant=str)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, list):
        return None
    rows: list[dict[str, Any]] = []
    positions: list[int] = []
    rejects: list[RawReject] = []
    for position, item in enumerate(value):
        if isinstance(item, dict):
            rows.append(item)
            positions.append(position)
        else:
            rejects.append(RawReject(position, MALFORMED_JSON, json_text(item), None))
    return _build(rows, positions, rejects, len(value))
