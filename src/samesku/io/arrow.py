"""Tables held in memory: pyarrow, pandas, Polars and anything speaking the Arrow C stream."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from samesku.errors import InputError
from samesku.io.parsed import json_text


def _is_pandas(obj: Any) -> bool:
    return type(obj).__module__.startswith("pandas") and hasattr(obj, "columns")


def _pandas_column(values: Any) -> pa.Array:
    """One pandas column as Arrow; a column Arrow cannot type (mixed objects) as strings."""
    try:
        return pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
        pass
    import pandas as pd

    texts = [None if _is_missing(pd, v) else json_text(v) for v in values.tolist()]
    return pa.array(texts, pa.string())


def _is_missing(pd: Any, value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists, arrays: not a missing scalar
        return False


def _from_pandas(frame: Any) -> pa.Table:
    try:
        return pa.Table.from_pandas(frame)
    except (pa.ArrowException, OverflowError, TypeError, ValueError):
        pass
    # a column of mixed Python objects (say ints and strings), repeated column names:
    # convert column by column
    names = [str(c) for c in frame.columns]
    arrays = [_pandas_column(frame.iloc[:, i]) for i in range(frame.shape[1])]
    return pa.Table.from_arrays(arrays, names=names)


def as_arrow_table(obj: Any) -> pa.Table:
    """Turn tabular data held in memory into a ``pyarrow.Table``.

    Accepts a ``pyarrow.Table`` (returned as it is), a ``RecordBatch`` or
    ``RecordBatchReader``, anything with ``__arrow_c_stream__`` (Polars, DuckDB,
    pandas >= 2.2, ...) and pandas DataFrames (through ``pa.Table.from_pandas``; a
    column of mixed Python objects is kept as text).

    Args:
        obj: The data.

    Returns:
        The table.

    Raises:
        InputError: ``obj`` is none of these, or its Arrow stream cannot be read.
    """
    if isinstance(obj, pa.Table):
        return obj
    if isinstance(obj, pa.RecordBatch):
        return pa.Table.from_batches([obj])
    if isinstance(obj, pa.RecordBatchReader):
        return obj.read_all()
    if _is_pandas(obj):
        return _from_pandas(obj)
    if hasattr(obj, "__arrow_c_stream__"):
        try:
            return pa.RecordBatchReader.from_stream(obj).read_all()
        except (pa.ArrowException, TypeError, ValueError) as exc:
            raise InputError(
                f"cannot read the Arrow stream of a {type(obj).__name__}: {exc}"
            ) from exc
    raise InputError(
        f"cannot read offers from a {type(obj).__module__}.{type(obj).__name__}: expected a "
        "pyarrow Table, a pandas or Polars DataFrame, or an object with __arrow_c_stream__"
    )
