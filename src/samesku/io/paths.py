"""Locating input files, parsing ``--map`` items and writing Parquet.

Supported inputs are CSV (``.csv``), JSON Lines (``.jsonl``, ``.ndjson``), JSON
(``.json``: JSON Lines or one array of objects) and Parquet (``.parquet``). The text
formats may also be gzip-compressed (``.csv.gz``, ``.jsonl.gz``, ...). A file named
explicitly whose extension is none of these is sniffed from its first bytes.
"""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import pyarrow as pa
import pyarrow.parquet as pq

from samesku import schema
from samesku.errors import InputError, MappingError

Format = Literal["csv", "json", "parquet"]

_TEXT_SUFFIXES: dict[str, Format] = {
    ".csv": "csv",
    ".jsonl": "json",
    ".ndjson": "json",
    ".json": "json",
}
_PARQUET_SUFFIXES = (".parquet", ".pq")
SUPPORTED_SUFFIXES: tuple[str, ...] = (
    ".csv",
    ".csv.gz",
    ".jsonl",
    ".jsonl.gz",
    ".ndjson",
    ".ndjson.gz",
    ".json",
    ".json.gz",
    ".parquet",
    ".pq",
)


def _is_gzip(path: Path) -> bool:
    return path.name.lower().endswith(".gz")


def _format_from_name(path: Path) -> Format | None:
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    if name.endswith(_PARQUET_SUFFIXES):
        return "parquet"
    for suffix, fmt in _TEXT_SUFFIXES.items():
        if name.endswith(suffix):
            return fmt
    return None


def detect_format(path: Path) -> Format:
    """Return the format of ``path``: from its extension, else sniffed from its content.

    Args:
        path: An existing file.

    Returns:
        ``"csv"``, ``"json"`` or ``"parquet"``.
    """
    fmt = _format_from_name(path)
    if fmt is not None:
        return fmt
    opener = gzip.open if _is_gzip(path) else open
    with opener(path, "rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        return "json"
    return "csv"


def load_bytes(path: Path) -> bytes:
    """Read a text input file, gunzipping ``.gz`` files.

    Args:
        path: The file.

    Returns:
        The (decompressed) bytes.

    Raises:
        InputError: The file cannot be read or is not valid gzip.
    """
    try:
        if _is_gzip(path):
            with gzip.open(path, "rb") as handle:
                return handle.read()
        return path.read_bytes()
    except (OSError, EOFError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc


def _wanted(path: Path) -> bool:
    if path.name.startswith((".", "_")):
        return False
    return _format_from_name(path) is not None


def expand_inputs(paths: str | Path | Sequence[str | Path]) -> list[Path]:
    """Turn files and folders into the list of input files to read.

    A folder contributes every supported file below it (recursively, sorted by path;
    names starting with ``.`` or ``_`` such as ``_SUCCESS`` are skipped). Files named
    explicitly are kept in the order given. A file listed twice is read once.

    Args:
        paths: One path or a sequence of paths (files or folders).

    Returns:
        The files to read, in reading order.

    Raises:
        InputError: A path does not exist, or no input file was found.
    """
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    if not items:
        raise InputError("no input given")
    files: list[Path] = []
    seen: set[Path] = set()
    for item in items:
        path = Path(item)
        if path.is_dir():
            every = sorted(p for p in path.rglob("*") if p.is_file())
            found = [p for p in every if _wanted(p)]
            if not found:
                others = [p.name for p in every if not p.name.startswith((".", "_"))]
                held = (
                    f"; it holds {len(others)} other file{'s' if len(others) > 1 else ''}: "
                    + ", ".join(others[:5]) + (", ..." if len(others) > 5 else "")
                    if others else ""
                )
                raise InputError(
                    f"folder {path} holds no input file "
                    f"(looked for {', '.join(SUPPORTED_SUFFIXES)}{held})"
                )
        elif path.is_file():
            found = [path]
        else:
            raise InputError(f"input not found: {path}")
        for file in found:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                files.append(file)
    return files


def parse_mapping(items: Sequence[str] | None) -> dict[str, str]:
    """Parse ``canonical=source`` items (the ``--map`` option) into a dict.

    Example: ``["offer_id=product_id", "title=name"]`` gives
    ``{"offer_id": "product_id", "title": "name"}``: the input column ``product_id``
    is read as ``offer_id``.

    Args:
        items: The items; each ``canonical=source``.

    Returns:
        Canonical column name to source column name.

    Raises:
        MappingError: An item is not ``name=column``, names an unknown canonical column,
            or maps the same canonical column twice (an InputError and a UsageError).
    """
    mapping: dict[str, str] = {}
    for item in items or ():
        canonical, sep, source = item.partition("=")
        canonical, source = canonical.strip(), source.strip()
        if not sep or not canonical or not source:
            raise MappingError(
                f"bad column mapping {item!r}: expected canonical=source, "
                "e.g. --map offer_id=product_id"
            )
        if canonical not in schema.CANONICAL_COLUMNS:
            raise MappingError(
                f"bad column mapping {item!r}: {canonical!r} is not a canonical column; "
                f"choose one of {', '.join(schema.CANONICAL_COLUMNS)}"
            )
        if canonical in mapping and mapping[canonical] != source:
            raise MappingError(
                f"column {canonical!r} is mapped twice: to {mapping[canonical]!r} and {source!r}"
            )
        mapping[canonical] = source
    return mapping


def check_mapping(mapping: dict[str, str] | None) -> dict[str, str]:
    """Validate a mapping given as a dict (as :func:`parse_mapping` would build it).

    Args:
        mapping: Canonical column name to source column name, or None.

    Returns:
        A copy of the mapping.

    Raises:
        MappingError: A key is not a canonical column or a value is empty.
    """
    return parse_mapping([f"{k}={v}" for k, v in (mapping or {}).items()])


def write_table(table: pa.Table, path: str | Path) -> None:
    """Write ``table`` as a zstd-compressed Parquet file, creating parent folders.

    Args:
        table: The table.
        path: Where to write it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd")
