"""Helpers shared by the samesku.io tests."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from samesku import schema
from samesku.io import ReadResult


def write(path: Path, content: str | bytes) -> Path:
    """Write text (UTF-8) or bytes to ``path`` and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def jsonl(rows: Sequence[object]) -> str:
    """JSON Lines text for ``rows``."""
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def assert_accounted(result: ReadResult) -> None:
    """Every record seen is in exactly one of offers / rejected, numbered once each."""
    assert result.input_rows == result.offers.num_rows + result.rejected.num_rows
    rows = result.offers.column(schema.ROW_NUMBER).to_pylist()
    rows += result.rejected.column(schema.ROW_NUMBER).to_pylist()
    assert sorted(rows) == list(range(result.input_rows))
    assert result.rejected.schema.equals(schema.REJECTED_SCHEMA)
    offers = result.offers.schema
    for name, typ in schema.CANONICAL_TYPES.items():
        assert offers.field(name).type == typ, name
    assert offers.field(schema.FLAGS).type == pa.list_(pa.string())
    assert offers.field(schema.ROW_NUMBER).type == pa.int64()
    assert offers.field(schema.SOURCE_FILE).type == pa.string()
    kept = result.offers.column(schema.ROW_NUMBER).to_pylist()
    assert kept == sorted(kept)


def reasons(result: ReadResult) -> dict[str, list[str | None]]:
    """Rejected offer ids by reason."""
    out: dict[str, list[str | None]] = {}
    for row in result.rejected.to_pylist():
        out.setdefault(row[schema.REASON], []).append(row[schema.OFFER_ID])
    return out


def column(result: ReadResult, name: str) -> list[object]:
    """One column of the offers as a list."""
    return result.offers.column(name).to_pylist()
