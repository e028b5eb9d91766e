"""Reading CSV files: a fast multithreaded Arrow path and a robust per-line path.

Every column is read as a string, so ``007`` stays ``007``. Values follow RFC 4180:
fields may be quoted, quoted fields may hold the delimiter, doubled quotes and line
breaks. The delimiter is taken from the header line: a comma if it holds one, else the
most frequent of ``;``, tab and ``|``. Blank lines are skipped and are not records.

Fast path (the usual case): physical lines holding invalid UTF-8 are found (checked
in 1 MiB chunks by Arrow) and cut out as ``invalid_utf8`` rejects, then
``pyarrow.csv.read_csv`` reads the rest in parallel. Records with the wrong number of
fields are skipped by the invalid-row handler and rejected as ``malformed_csv`` with
their raw text. Arrow does not say where such a record was when reading in parallel,
so its position is estimated from the physical line where its text is found (exact
unless the file has multi-line values or blank lines; positions always stay a
permutation of the records).

Robust path (the header holds invalid UTF-8, a malformed record spans several lines
because a quote was left open, or Arrow gives up): records are split in Python. A
record holding invalid UTF-8 is rejected as ``invalid_utf8``; a record with the wrong
number of fields, or whose quote is never closed, rejects only its first physical
line as ``malformed_csv`` and parsing resumes on the next line, so an open quote
cannot swallow the rest of the file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

from samesku.io.parsed import (
    INVALID_UTF8,
    MALFORMED_CSV,
    ParsedFile,
    RawReject,
    empty_parsed,
    interleave_positions,
    is_valid_utf8,
    strip_bom,
    unique_names,
)

_HEAD_BYTES = 1 << 20
_CHUNK_BYTES = 1 << 20
_DELIMITERS = (";", "\t", "|")


def _decode(line: bytes) -> tuple[str, bool]:
    """Decode one physical line; return the text and whether it held invalid UTF-8."""
    try:
        return line.decode("utf-8"), False
    except UnicodeDecodeError:
        return line.decode("utf-8", errors="surrogateescape"), True


def _readable(text: str) -> str:
    """Turn surrogate-escaped text into printable text (bad bytes become U+FFFD)."""
    return text.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")


def _sniff_delimiter(line: str) -> str:
    if "," in line:
        return ","
    counts = {d: line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class _Records:
    """Split physical lines into CSV records one at a time (the robust path)."""

    def __init__(self, lines: list[bytes], delimiter: str) -> None:
        self.lines = lines
        self.delimiter = delimiter

    def is_blank(self, i: int) -> bool:
        return not self.lines[i].rstrip(b"\r")

    def parse(self, i: int) -> tuple[list[str] | None, int, bool]:
        """Parse the record starting at line ``i``.

        Returns:
            The fields (None if the record is broken: quote never closed, junk after a
            closing quote), the index of the line after the record, and whether the
            record held invalid UTF-8.
        """
        text, bad = _decode(self.lines[i])
        if '"' not in text:
            return text.rstrip("\r").split(self.delimiter), i + 1, bad
        state = {"next": i, "bad": False}

        def feed() -> Iterator[str]:
            while state["next"] < len(self.lines):
                line_text, line_bad = _decode(self.lines[state["next"]])
                state["bad"] = state["bad"] or line_bad
                state["next"] += 1
                yield line_text + "\n"

        reader = csv.reader(feed(), delimiter=self.delimiter, strict=True)
        try:
            fields: list[str] | None = next(reader)
        except (csv.Error, StopIteration):
            fields = None
        return fields, int(state["next"]), bool(state["bad"])

    def raw(self, start: int, stop: int) -> str:
        """The raw text of lines ``start .. stop - 1`` (bad bytes as U+FFFD)."""
        return "\n".join(
            line.rstrip(b"\r").decode("utf-8", errors="replace") for line in self.lines[start:stop]
        )


def _split_lines(data: bytes) -> list[bytes]:
    lines = data.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    return lines


def _header(records: _Records) -> tuple[list[str], int] | None:
    """Find the header record; return its names and the index of the line after it."""
    i = 0
    while i < len(records.lines) and records.is_blank(i):
        i += 1
    if i == len(records.lines):
        return None
    fields, nxt, _ = records.parse(i)
    if fields is None:
        text = records.lines[i].rstrip(b"\r").decode("utf-8", errors="replace")
        fields, nxt = text.split(records.delimiter), i + 1
    return [_readable(f) for f in fields], nxt


def read_csv_bytes(data: bytes) -> ParsedFile:
    """Parse the content of one CSV file.

    Args:
        data: The (decompressed) file content.

    Returns:
        The parsed records and the rejected ones.
    """
    data = strip_bom(data)
    head = _split_lines(data[:_HEAD_BYTES])
    if not head:
        return empty_parsed()
    first = next((line for line in head if line.strip()), b"")
    delimiter = _sniff_delimiter(first.decode("utf-8", errors="replace"))
    found = _header(_Records(head, delimiter))
    if found is None:
        return empty_parsed()
    names, header_lines = found
    invalid = _invalid_lines(data)
    if not invalid or invalid[0].line >= header_lines:
        parsed = _read_fast(data, names, header_lines, delimiter, invalid)
        if parsed is not None:
            return parsed
    return _read_robust(data, delimiter)


class _BadLine(NamedTuple):
    """A physical line holding invalid UTF-8: its index and byte range (newline included)."""

    line: int
    start: int
    stop: int


def _invalid_lines(data: bytes) -> list[_BadLine]:
    """Find the physical lines holding invalid UTF-8 (checked in chunks, in C)."""
    if is_valid_utf8(data):
        return []
    found: list[_BadLine] = []
    view = memoryview(data)
    start, line = 0, 0
    while start < len(data):
        stop = data.find(b"\n", min(start + _CHUNK_BYTES, len(data)))
        stop = len(data) if stop < 0 else stop + 1
        if not is_valid_utf8(view[start:stop]):
            offset = start
            for raw in data[start:stop].split(b"\n"):
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError:
                    found.append(_BadLine(line, offset, min(offset + len(raw) + 1, len(data))))
                offset += len(raw) + 1
                line += 1
            line -= 1 if data[stop - 1 : stop] == b"\n" else 0  # the empty piece after it
        else:
            line += data.count(b"\n", start, stop)
        start = stop
    return found


def _without(data: bytes, lines: list[_BadLine]) -> bytes:
    """``data`` with the given lines cut out."""
    pieces, start = [], 0
    for bad in lines:
        pieces.append(data[start : bad.start])
        start = bad.stop
    pieces.append(data[start:])
    return b"".join(pieces)


def _read_fast(
    data: bytes, names: list[str], header_lines: int, delimiter: str, invalid: list[_BadLine]
) -> ParsedFile | None:
    """Read with Arrow (lines with invalid UTF-8 cut out first); None if Arrow cannot."""
    bad_rows: list[str] = []

    def on_invalid(row: pa_csv.InvalidRow) -> str:
        try:
            bad_rows.append(str(row.text))
        except Exception:  # the handler must never raise into Arrow
            bad_rows.append("")
        return "skip"

    clean = _without(data, invalid) if invalid else data
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(pa.py_buffer(clean)),
            read_options=pa_csv.ReadOptions(use_threads=True),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.string() for name in names},
                strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if table.num_columns != len(names) or any(
        not pa.types.is_string(t) for t in table.schema.types
    ):
        return None
    if any("\n" in text for text in bad_rows):
        return None  # an open quote swallowed line breaks: re-synchronise line by line
    unique = unique_names(names)
    table = table.rename_columns(unique)
    # estimated physical line of each malformed record, in the original numbering
    clean_lines = np.asarray(_line_of_text(clean, bad_rows, header_lines), dtype=np.int64)
    removed_before = np.asarray([b.line - k for k, b in enumerate(invalid)], dtype=np.int64)
    original = clean_lines + np.searchsorted(removed_before, clean_lines, side="right")
    hints = [int(x) - header_lines for x in original] + [b.line - header_lines for b in invalid]
    good_pos, bad_pos = interleave_positions(table.num_rows, hints)
    rejects = [
        RawReject(pos, MALFORMED_CSV, text, None)
        for pos, text in zip(bad_pos[: len(bad_rows)], bad_rows, strict=True)
    ]
    records = _Records([data[b.start : b.stop].rstrip(b"\n") for b in invalid], delimiter)
    for k, pos in enumerate(bad_pos[len(bad_rows) :]):
        fields, _, _ = records.parse(k)
        values = None
        if fields is not None and len(fields) == len(unique):
            values = dict(zip(unique, (_readable(f) for f in fields), strict=True))
        rejects.append(RawReject(pos, INVALID_UTF8, records.raw(k, k + 1), values))
    return ParsedFile(table, good_pos, rejects, table.num_rows + len(rejects), True)


def _line_of_text(data: bytes, texts: list[str], header_lines: int) -> list[int]:
    """Physical line on which each text is found (after the header), or past the end."""
    if not texts:
        return []
    newlines = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
    start = int(newlines[header_lines - 1]) + 1 if 0 < header_lines <= len(newlines) else 0
    cursor: dict[str, int] = {}
    lines: list[int] = []
    for text in texts:
        offset = data.find(text.encode("utf-8"), cursor.get(text, start)) if text else -1
        if offset < 0:
            lines.append(len(newlines) + 1)
            continue
        cursor[text] = offset + 1
        lines.append(int(np.searchsorted(newlines, offset, side="left")))
    return lines


def _read_robust(data: bytes, delimiter: str) -> ParsedFile:
    """Read record by record in Python (files Arrow cannot take as they are)."""
    records = _Records(_split_lines(data), delimiter)
    found = _header(records)
    if found is None:
        return empty_parsed()
    raw_names, i = found
    names = unique_names(raw_names)
    ncols = len(names)
    columns: list[list[str]] = [[] for _ in names]
    positions: list[int] = []
    rejects: list[RawReject] = []
    position = 0
    n_lines = len(records.lines)
    while i < n_lines:
        if records.is_blank(i):
            i += 1
            continue
        fields, nxt, bad = records.parse(i)
        if fields is None or len(fields) != ncols:
            _, first_bad = _decode(records.lines[i])
            reason = INVALID_UTF8 if first_bad else MALFORMED_CSV
            rejects.append(RawReject(position, reason, records.raw(i, i + 1), None))
            i += 1
        elif bad:
            values = dict(zip(names, (_readable(f) for f in fields), strict=True))
            rejects.append(RawReject(position, INVALID_UTF8, records.raw(i, nxt), values))
            i = nxt
        else:
            for column, value in zip(columns, fields, strict=True):
                column.append(value)
            positions.append(position)
            i = nxt
        position += 1
    table = pa.table({n: pa.array(c, pa.string()) for n, c in zip(names, columns, strict=True)})
    return ParsedFile(table, np.asarray(positions, dtype=np.int64), rejects, position, True)
