"""``read_offers``: read input files into one validated offers table.

Files are read in order (folders expanded, see :func:`samesku.io.paths.expand_inputs`)
and their columns unioned. Each record seen gets a ``_row``: its 0-based position in
the whole input (files one after the other). A record ends up either in ``offers`` or
in ``rejected``, never both and never neither::

    input_rows == offers.num_rows + rejected.num_rows

Bad records never raise. Whole inputs do, with an :class:`~samesku.errors.InputError`:
a path that does not exist, a file that cannot be read at all (not a CSV / JSON /
Parquet file, not in UTF-8 or the declared encoding, see :mod:`samesku.io.encoding`),
and, as a :class:`~samesku.errors.MappingError` (a usage error), a file without the
required ``offer_id`` or ``title`` column or a ``--map`` source column no input has.
Empty files (0 bytes, a header only) give no records.

:func:`read_offers_table` validates an in-memory Arrow table (or a pandas / Polars
DataFrame, see :func:`as_arrow_table`) exactly as a Parquet file of the same content.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from samesku import schema
from samesku.errors import ConfigError
from samesku.io.arrow import as_arrow_table
from samesku.io.columns import ColumnPlan, check_mapped_columns, plan_columns, require_columns
from samesku.io.csv_reader import read_csv_bytes
from samesku.io.encoding import check_text, check_utf8, current_encoding, to_utf8
from samesku.io.json_reader import read_json_bytes
from samesku.io.parquet_reader import parse_arrow_table, read_parquet_file
from samesku.io.parsed import ParsedFile, empty_parsed, is_valid_utf8, strip_bom
from samesku.io.paths import check_mapping, detect_format, expand_inputs, load_bytes
from samesku.io.validate import finish_offers, split_valid

#: ``source_file`` of the rows of a table read from memory.
TABLE_SOURCE = "<table>"


@dataclass
class ReadResult:
    """What :func:`read_offers` returns.

    Attributes:
        offers: Valid rows: every canonical column (typed per ``CANONICAL_TYPES``;
            all-null when no file has it), passthrough columns as strings, ``flags``,
            ``_row`` and ``_source``, in input order.
        rejected: Rejected rows, in ``REJECTED_SCHEMA``, in input order.
        input_rows: Records seen (data rows, not headers or blank lines).
        passthrough: Names of the non-canonical columns kept, in first-seen order.
        plans: The column plan of each input that declared columns (file name, or
            ``"<table>"``), in reading order: which column feeds each canonical one.
    """

    offers: pa.Table
    rejected: pa.Table
    input_rows: int
    passthrough: list[str]
    plans: dict[str, ColumnPlan] = field(default_factory=dict)


def _parse(path: Path, mapping: dict[str, str], encoding: str | None) -> ParsedFile:
    fmt = detect_format(path)
    if path.stat().st_size == 0:
        return empty_parsed()
    if fmt == "parquet":
        return read_parquet_file(path)
    data = load_bytes(path)
    if encoding is not None:
        data = to_utf8(data, encoding)
    check_text(data, str(path))
    if not strip_bom(data).strip():
        return empty_parsed()  # only blanks: no header, no records
    if encoding is None and not is_valid_utf8(data):
        check_utf8(strip_bom(data), str(path), has_header=fmt == "csv")
    if fmt == "json":
        return read_json_bytes(data, exact_columns=(mapping.get(schema.OFFER_ID, schema.OFFER_ID),))
    return read_csv_bytes(data)


class _Rejects:
    """Accumulates rows rejected while parsing."""

    def __init__(self) -> None:
        self.offer_id: list[str | None] = []
        self.reason: list[str] = []
        self.raw: list[str | None] = []
        self.source: list[str] = []
        self.row: list[int] = []

    def add(self, parsed: ParsedFile, plan: ColumnPlan, source: str, offset: int) -> None:
        id_column = plan.canonical.get(schema.OFFER_ID, schema.OFFER_ID)
        for reject in parsed.rejects:
            self.offer_id.append(reject.fields.get(id_column) if reject.fields else None)
            self.reason.append(reject.reason)
            self.raw.append(reject.raw)
            self.source.append(source)
            self.row.append(offset + reject.position)

    def table(self) -> pa.Table:
        return pa.table(
            {
                schema.OFFER_ID: pa.array(self.offer_id, pa.string()),
                schema.REASON: pa.array(self.reason, pa.string()),
                schema.RAW_LINE: pa.array(self.raw, pa.string()),
                schema.SOURCE_FILE: pa.array(self.source, pa.string()),
                schema.ROW_NUMBER: pa.array(self.row, pa.int64()),
            },
            schema=schema.REJECTED_SCHEMA,
        )


def _with_all_canonical(table: pa.Table) -> pa.Table:
    for name in schema.CANONICAL_COLUMNS:
        if name not in table.column_names:
            table = table.append_column(name, pa.nulls(table.num_rows, pa.string()))
    return table


def _check_max_title(max_title_chars: int) -> None:
    if max_title_chars < 1:
        raise ConfigError(f"max_title_chars must be at least 1, got {max_title_chars}")


def _collect(
    parsed_inputs: Iterable[tuple[str, ParsedFile]],
    mapping: dict[str, str],
    max_title_chars: int,
    progress: Callable[[int], None] | None = None,
) -> ReadResult:
    """Number, map, validate and quarantine the records of parsed inputs, in order."""
    tables: list[pa.Table] = []
    rejects = _Rejects()
    passthrough: dict[str, None] = {}
    seen_columns: dict[str, None] = {}
    plans: dict[str, ColumnPlan] = {}
    offset = 0
    for source, parsed in parsed_inputs:
        columns = parsed.table.column_names
        plan = plan_columns(columns, mapping)
        if parsed.has_header or parsed.table.num_rows:
            require_columns(plan, columns, mapping, source)
            plans[source] = plan
        seen_columns.update(dict.fromkeys(columns))
        rejects.add(parsed, plan, source, offset)
        if parsed.table.num_rows:
            table = plan.apply(parsed.table)
            table = table.append_column(schema.ROW_NUMBER, pa.array(parsed.positions + offset))
            table = table.append_column(
                schema.SOURCE_FILE, pa.repeat(pa.scalar(source, pa.string()), table.num_rows)
            )
            tables.append(table)
            for _, name in plan.passthrough:
                passthrough.setdefault(name, None)
        offset += parsed.n_records
        if progress is not None:
            progress(offset)
    check_mapped_columns(mapping, list(seen_columns))
    if tables:
        combined = pa.concat_tables(tables, promote_options="default")
    else:
        combined = pa.table(
            {
                schema.ROW_NUMBER: pa.array([], pa.int64()),
                schema.SOURCE_FILE: pa.array([], pa.string()),
            }
        )
    combined = _with_all_canonical(combined)
    valid, invalid = split_valid(combined, max_title_chars)
    offers = finish_offers(valid, list(passthrough))
    rejected = pa.concat_tables([rejects.table(), invalid]).sort_by(schema.ROW_NUMBER)
    return ReadResult(offers, rejected, offset, list(passthrough), plans)


def read_offers(
    paths: Sequence[str | Path] | str | Path,
    mapping: dict[str, str] | None = None,
    max_title_chars: int = 2000,
    progress: Callable[[int], None] | None = None,
    encoding: str | None = None,
) -> ReadResult:
    """Read, validate and quarantine offers from CSV / JSON Lines / Parquet inputs.

    Args:
        paths: Files and/or folders (a single path is accepted too).
        mapping: ``canonical=source`` column renames, e.g. ``{"offer_id": "sku"}``.
        max_title_chars: Titles longer than this are rejected (``title_too_long``).
        progress: Called after each file with the number of records read so far.
        encoding: Encoding of the CSV / JSON files (a Python codec name such as
            ``cp949``); None: UTF-8, or the encoding set with
            :func:`samesku.io.encoding.reading_encoding` (see that module).

    Returns:
        Valid offers, rejected rows and counts (see :class:`ReadResult`).

    Raises:
        InputError: A path does not exist, a file cannot be read (not a supported
            format, not in the encoding), or (a MappingError) a file lacks the
            ``offer_id`` or ``title`` column after mapping, or a mapped column is in
            no input.
        ConfigError: ``max_title_chars`` is not positive.
        UsageError: ``encoding`` is not a known encoding.
    """
    _check_max_title(max_title_chars)
    mapping = check_mapping(mapping)
    chosen = current_encoding(encoding)
    files = expand_inputs(paths)

    def parsed() -> Iterator[tuple[str, ParsedFile]]:
        for path in files:
            yield str(path), _parse(path, mapping, chosen)

    return _collect(parsed(), mapping, max_title_chars, progress)


def read_offers_table(
    table: Any,
    mapping: dict[str, str] | None = None,
    *,
    max_title_chars: int = 2000,
) -> ReadResult:
    """Validate and quarantine offers held in memory, exactly as a Parquet file of them.

    Args:
        table: A ``pyarrow.Table`` or ``RecordBatch``, a pandas or Polars DataFrame, or
            anything with ``__arrow_c_stream__`` (see :func:`as_arrow_table`).
        mapping: ``canonical=source`` column renames, e.g. ``{"offer_id": "sku"}``.
        max_title_chars: Titles longer than this are rejected (``title_too_long``).

    Returns:
        As :func:`read_offers`; ``_source`` / ``source_file`` is ``"<table>"`` and
        ``_row`` is the row's 0-based position in the table.

    Raises:
        InputError: ``table`` is not tabular data, or (a MappingError) it lacks the
            ``offer_id`` or ``title`` column after mapping or a mapped column.
        ConfigError: ``max_title_chars`` is not positive.
    """
    _check_max_title(max_title_chars)
    mapping = check_mapping(mapping)
    parsed = parse_arrow_table(as_arrow_table(table))
    return _collect([(TABLE_SOURCE, parsed)], mapping, max_title_chars)
