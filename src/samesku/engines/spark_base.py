"""Spark session and the helpers the Spark engine's modules share (no pipeline logic).

``mapInArrow`` / ``applyInArrow`` wrappers that hand a stage function one Arrow table,
Arrow <-> Spark schemas, Parquet checkpoints of intermediate datasets, and per-step job
groups so shuffle bytes can be attributed to pipeline steps.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from samesku.config import Config
from samesku.errors import ConfigError
from samesku.progress import Reporter, Timer


# --- session and schema helpers --------------------------------------------------------------
def spark_session(config: Config, master: str | None = None) -> Any:
    """The active Spark session, or a new one whose Python workers run this interpreter."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise ConfigError("the Spark engine needs the 'spark' extra: pip install 'samesku[spark]'") from exc
    # workers must import pyarrow and samesku: the venv's interpreter, not the system's
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("samesku")
    master = master or config.spark.master
    if master:
        builder = builder.master(master)
    return (
        builder.config("spark.pyspark.python", sys.executable)
        .config("spark.driver.memory", config.spark.driver_memory)
        .config("spark.sql.shuffle.partitions", str(config.spark.shuffle_partitions))
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(config.spark.max_records_per_batch))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )


def _ddl(schema: pa.Schema) -> Any:
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)


def _map(df: Any, fn: Any, schema: pa.Schema) -> Any:
    """``mapInArrow`` with a function of one Arrow table per batch."""
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for rb in batches:
            out = fn(pa.Table.from_batches([rb]))
            yield from out.cast(schema).to_batches()
    return df.mapInArrow(run, _ddl(schema))


def _to_arrow(df: Any) -> pa.Table:
    return df.toArrow()


class _StepTimer(Timer):
    """A timer whose steps are also Spark job groups, so shuffle bytes can be told per step."""

    def __init__(self, spark: Any, reporter: Reporter | None) -> None:
        super().__init__(reporter)
        self._sc = spark.sparkContext

    @contextmanager
    def step(self, name: str, total: int | None = None) -> Iterator[Reporter]:
        self._sc.setJobGroup(name, name)
        with super().step(name, total) as rep:
            yield rep


def shuffle_bytes_by_step(spark: Any) -> dict[str, dict[str, int]]:
    """Shuffle bytes written/read per pipeline step, from the Spark UI's REST API (empty if off)."""
    import urllib.request

    sc = spark.sparkContext
    url = sc.uiWebUrl
    if not url:
        return {}
    base = f"{url}/api/v1/applications/{sc.applicationId}"
    try:
        with urllib.request.urlopen(f"{base}/jobs", timeout=10) as r:
            jobs = json.loads(r.read())
        with urllib.request.urlopen(f"{base}/stages", timeout=10) as r:
            stages = {st["stageId"]: st for st in json.loads(r.read())}
    except OSError:
        return {}
    out: dict[str, dict[str, int]] = {}
    for job in jobs:
        group = job.get("jobGroup") or "other"
        acc = out.setdefault(group, {"shuffle_write_bytes": 0, "shuffle_read_bytes": 0})
        for sid in job.get("stageIds", []):
            st = stages.get(sid)
            if st is not None and st.get("status") == "COMPLETE":
                acc["shuffle_write_bytes"] += int(st.get("shuffleWriteBytes", 0))
                acc["shuffle_read_bytes"] += int(st.get("shuffleReadBytes", 0))
    return out


class _Work:
    """Intermediate datasets, written to Parquet so no stage function runs twice."""

    def __init__(self, spark: Any, root: Path) -> None:
        self.spark, self.root, self.n = spark, root, 0

    def save(self, df: Any, name: str) -> Any:
        self.n += 1
        path = str(self.root / f"{self.n:02d}_{name}")
        df.write.mode("overwrite").parquet(path)
        return self.spark.read.parquet(path)


def _binary_rows(col: pa.ChunkedArray | pa.Array, dtype: Any) -> np.ndarray:
    from samesku.match.arrays import _binary_to_matrix

    return _binary_to_matrix(col, np.dtype(dtype))


def _arrow_schema(df: Any) -> pa.Schema:
    from pyspark.sql.pandas.types import to_arrow_schema

    return to_arrow_schema(df.schema)


