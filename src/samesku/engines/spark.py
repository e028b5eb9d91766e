"""The Spark engine: the pipeline's datasets as Spark DataFrames, moved by PySpark.

Every decision is made by a stage function of the package, called on Arrow data inside
``mapInArrow`` (per batch of offers or pairs) or ``groupBy(...).applyInArrow`` (per key
block, per connected component, per bucket of clusters). This module only reads, shuffles,
joins, aggregates and writes; the steps and their order are :mod:`samesku.pipeline`'s.
Intermediate datasets are written to Parquet (``spark.work_dir``, a temporary folder by
default) so no stage function runs twice.

The same input and config give the same clusters as the local engine
(``tests/engines/test_spark.py`` checks the partition on a synthetic catalog).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from samesku import schema as S
from samesku import tasks
from samesku.analyse.placeholders import Placeholders, coherence, mask_placeholders
from samesku.config import Config
from samesku.engines.base import Data, Engine, MergeOutput, ReadOutput, StageOutput, Task
from samesku.engines.spark_base import (
    _arrow_schema,
    _binary_rows,
    _ddl,
    _map,
    _StepTimer,
    _to_arrow,
    _Work,
    shuffle_bytes_by_step,
    spark_session,
)
from samesku.engines.spark_stages import _buckets, _context, _merge, _outputs, _score, _stage_pairs
from samesku.errors import InputError
from samesku.fitting import sample_hash
from samesku.io.columns import plan_columns, require_columns
from samesku.io.parquet_reader import strings_of
from samesku.io.parsed import INVALID_UTF8
from samesku.io.paths import check_mapping, detect_format, expand_inputs
from samesku.io.validate import REASONS, finish_offers, raw_json, row_reason_codes
from samesku.keys.families import embedding_groups
from samesku.match.arrays import MATCH_COLUMNS, MATCH_SCHEMA, arrays_from_table, arrays_to_table
from samesku.progress import Reporter, Timer

_REJECT_CODES = (*REASONS, INVALID_UTF8)   # index 0 = valid
_INTERNAL = (S.ROW_NUMBER, S.SOURCE_FILE)


# --- 1. read and validate ----------------------------------------------------------------------
def _read(spark: Any, inputs: list[str | Path], mapping: dict[str, str], config: Config, work: _Work
          ) -> tuple[Any, Any, int, list[str]]:
    """(offers, rejected, input rows, passthrough columns) as in :func:`samesku.io.read_offers`."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    files = expand_inputs(inputs)
    if not files:
        raise InputError("no input files")
    if any(detect_format(f) != "parquet" for f in files):
        # text formats are parsed by the local reader on the driver (one pass, streaming
        # per file); Parquet is read in parallel below
        from samesku.io import read_offers

        read = read_offers(files, mapping, max_title_chars=config.max_title_chars)
        offers = spark.createDataFrame(read.offers)
        rejected = spark.createDataFrame(read.rejected) if read.rejected.num_rows else None
        return offers, rejected, read.input_rows, read.passthrough
    plans: list[tuple[Path, Any, int]] = []
    passthrough: dict[str, None] = {}
    offset, parts = 0, []
    for f in files:
        columns = pq.read_schema(f).names
        plan = plan_columns(columns, mapping)
        require_columns(plan, columns, mapping, str(f))
        for _, name in plan.passthrough:
            passthrough.setdefault(name, None)
        plans.append((f, plan, offset))
        offset += pq.ParquetFile(f).metadata.num_rows
    pt = list(passthrough)
    raw_fields = [pa.field(c, pa.string()) for c in S.CANONICAL_COLUMNS] + [pa.field(c, pa.string()) for c in pt]
    raw_schema = pa.schema([*raw_fields, pa.field(S.ROW_NUMBER, pa.int64()), pa.field(S.SOURCE_FILE, pa.string()),
                            pa.field("_reason", pa.int8())])
    max_chars = config.max_title_chars
    for f, plan, off in plans:
        def convert(table: pa.Table, plan: Any = plan, off: int = off, source: str = str(f)) -> pa.Table:
            rows = table.column("_ri").to_numpy() + off
            strings, bad = strings_of(table.drop_columns(["_ri"]))
            out = plan.apply(strings)
            cols = {name: (out.column(name) if name in out.column_names else pa.nulls(out.num_rows, pa.string()))
                    for name in [*S.CANONICAL_COLUMNS, *pt]}
            cols[S.ROW_NUMBER] = pa.array(rows, pa.int64())
            cols[S.SOURCE_FILE] = pa.repeat(pa.scalar(source, pa.string()), out.num_rows)
            t = pa.table(cols)
            codes = row_reason_codes(t, max_chars)
            codes[bad] = _REJECT_CODES.index(INVALID_UTF8)
            return t.append_column("_reason", pa.array(codes, pa.int8()))
        df = spark.read.parquet(str(f)).select("*", F.col("_metadata.row_index").alias("_ri"))
        parts.append(_map(df, convert, raw_schema))
    raw = parts[0]
    for p in parts[1:]:
        raw = raw.unionByName(p)
    # duplicates: among otherwise valid rows, every occurrence of an id after the first
    w = Window.partitionBy(S.OFFER_ID).orderBy(S.ROW_NUMBER)
    valid = raw.filter(F.col("_reason") == 0).withColumn("_rn", F.row_number().over(w))
    dup = int(_REJECT_CODES.index("duplicate_offer_id"))
    raw = valid.withColumn("_reason", F.when(F.col("_rn") > 1, F.lit(dup).cast("tinyint")).otherwise(F.col("_reason"))) \
        .drop("_rn").unionByName(raw.filter(F.col("_reason") != 0))
    raw = work.save(raw, "validated")

    def reject(table: pa.Table) -> pa.Table:
        codes = table.column("_reason").to_numpy()
        rows = table.drop_columns(["_reason"])
        raw_text: list[str | None] = list(raw_json(rows))
        for i in np.flatnonzero(codes == _REJECT_CODES.index(INVALID_UTF8)).tolist():
            raw_text[i] = None  # as the local reader: the bad bytes have no raw line
        return pa.table({
            S.OFFER_ID: rows.column(S.OFFER_ID),
            S.REASON: pa.array([_REJECT_CODES[c] for c in codes.tolist()], pa.string()),
            S.RAW_LINE: pa.array(raw_text, pa.string()),
            S.SOURCE_FILE: rows.column(S.SOURCE_FILE),
            S.ROW_NUMBER: rows.column(S.ROW_NUMBER),
        }, schema=S.REJECTED_SCHEMA)

    rejected = _map(raw.filter(F.col("_reason") != 0), reject, S.REJECTED_SCHEMA)
    offer_schema = finish_offers(pa.table({f.name: pa.array([], f.type) for f in raw_fields}
                                          | {S.ROW_NUMBER: pa.array([], pa.int64()), S.SOURCE_FILE: pa.array([], pa.string())}), pt).schema
    offers = _map(raw.filter(F.col("_reason") == 0).drop("_reason"), lambda t: finish_offers(t, pt), offer_schema)
    return offers, rejected, offset, pt


_AGG = {"count": "count", "count_distinct": "countDistinct", "sum": "sum", "max": "max"}


class SparkEngine(Engine):
    """PySpark: ``mapInArrow`` / ``applyInArrow`` around the stage functions, Spark's joins and shuffles."""

    name = "spark"

    def __init__(self, config: Config, master: str | None = None, spark: Any = None) -> None:
        self.config = config
        self.spark = spark or spark_session(config, master)
        self._own_dir = config.spark.work_dir is None
        self.root = Path(config.spark.work_dir or tempfile.mkdtemp(prefix="samesku-spark-"))
        self.work = _Work(self.spark, self.root)
        self._n: int | None = None

    def timer(self, reporter: Reporter | None) -> Timer:
        return _StepTimer(self.spark, reporter)

    def _buckets(self, prepared: Data) -> int:
        if self._n is None:
            self._n = int(prepared.count())
        return _buckets(self._n, self.config)

    # --- data in -----------------------------------------------------------------------------
    def read(self, source: Sequence[str | Path] | pa.Table, mapping: dict[str, str] | None, config: Config,
             progress: Callable[[int], None] | None = None) -> ReadOutput:
        if isinstance(source, pa.Table):
            from samesku.io import read_offers_table

            read = read_offers_table(source, mapping, max_title_chars=config.max_title_chars)
            offers: Any = self.spark.createDataFrame(read.offers)
            rejected: Any = self.spark.createDataFrame(read.rejected) if read.rejected.num_rows else None
            input_rows, passthrough = read.input_rows, read.passthrough
        else:
            offers, rejected, input_rows, passthrough = _read(self.spark, list(source), check_mapping(mapping), config,
                                                              self.work)
        if rejected is None:
            rejected = self.spark.createDataFrame(S.REJECTED_SCHEMA.empty_table())
        return ReadOutput(self.work.save(offers, "offers"), rejected, input_rows, passthrough)

    # --- generic movement ----------------------------------------------------------------------
    def map_batches(self, data: Data, task: Task, schema: pa.Schema, columns: Sequence[str] | None = None,
                    progress: Callable[[int], None] | None = None) -> Data:
        df = data.select(*columns) if columns is not None else data
        out = _map(df, task, schema)
        return self.work.save(out, task.fn.__name__) if task.heavy else out

    def aggregate(self, data: Data, keys: Sequence[str], aggs: Sequence[tuple[str, str, str]],
                  at_least: tuple[str, int] | None = None) -> pa.Table:
        from pyspark.sql import functions as F

        exprs = [getattr(F, _AGG[f])(F.col(c)).alias(out) for c, f, out in aggs]
        grouped = data.groupBy(*keys).agg(*exprs) if keys else data.agg(*exprs)
        if at_least is not None:
            grouped = grouped.filter(F.col(at_least[0]) >= at_least[1])
        return _to_arrow(grouped)

    def sample(self, data: Data, k: int) -> pa.Table:
        hashed = _map(data.select(S.ROW_NUMBER),
                      lambda t: t.append_column("_sh", pa.array(sample_hash(t.column(S.ROW_NUMBER)))),
                      pa.schema([(S.ROW_NUMBER, pa.int64()), ("_sh", pa.int64())]))
        top = hashed.orderBy("_sh", S.ROW_NUMBER).limit(k)
        sample = _to_arrow(data.join(top, S.ROW_NUMBER))
        return sample.sort_by([("_sh", "ascending"), (S.ROW_NUMBER, "ascending")]).drop_columns(["_sh"])

    def schema_of(self, data: Data) -> pa.Schema:
        return _arrow_schema(data)

    def distinct(self, data: Data, column: str) -> list[Any]:
        if column not in data.columns:
            return []
        values: list[Any] = _to_arrow(data.select(column).distinct()).column(column).to_pylist()
        return values

    def count(self, data: Data) -> int:
        return int(data.count())

    def collect(self, data: Data, columns: Sequence[str] | None = None) -> pa.Table:
        return _to_arrow(data.select(*columns) if columns is not None else data)

    def rows_where_in(self, data: Data, column: str, values: Sequence[Any], columns: Sequence[str]) -> pa.Table:
        from pyspark.sql import functions as F

        order = [S.ROW_NUMBER] if S.ROW_NUMBER in data.columns else []
        t = _to_arrow(data.filter(F.col(column).isin(list(values))).select(*columns, *[c for c in order if c not in columns]))
        return t.sort_by([(c, "ascending") for c in order]).select(list(columns)) if order else t

    def write(self, data: Data, path: Path) -> None:
        data.write.mode("overwrite").parquet(str(path))

    def metrics(self) -> dict[str, Any]:
        return {"spark_master": self.spark.sparkContext.master, "shuffle_bytes": shuffle_bytes_by_step(self.spark)}

    def close(self) -> None:
        if self._own_dir:
            shutil.rmtree(self.root, ignore_errors=True)

    # --- one stage function each -----------------------------------------------------------------
    def encode(self, analysed: Data, task: Task, progress: Callable[[int], None] | None = None) -> Data:
        schema = pa.schema(list(_arrow_schema(analysed)) + list(MATCH_SCHEMA))

        def prepare(t: pa.Table) -> pa.Table:
            arrays = task(t)
            for name in arrays.column_names:
                t = t.append_column(name, arrays.column(name))
            return t

        return self.work.save(_map(analysed, prepare, schema), "prepared")

    def placeholder_coherence(self, prepared: Data, min_offers: int) -> pa.Table:
        from pyspark.sql import functions as F

        ids = _map(prepared.select(S.ROW_NUMBER, S.GTINS, S.IMAGE_PHASH), tasks.identifiers, tasks.IDENTIFIER_SCHEMA)
        frequent = ids.groupBy("kind", "value").count().filter(F.col("count") >= min_offers).drop("count")
        held = ids.join(F.broadcast(frequent), ["kind", "value"]).join(prepared.select(S.ROW_NUMBER, "m_vectors"), S.ROW_NUMBER)
        out_schema = pa.schema([("kind", pa.string()), ("value", pa.string()), ("offers", pa.int64()), ("coherence", pa.float64())])

        def coh(t: pa.Table) -> pa.Table:
            t = t.sort_by(S.ROW_NUMBER)
            return pa.table({"kind": [t.column("kind")[0].as_py()], "value": [t.column("value")[0].as_py()],
                             "offers": [t.num_rows], "coherence": [coherence(_binary_rows(t.column("m_vectors"), np.float32))]})

        return _to_arrow(held.groupBy("kind", "value").applyInArrow(lambda t: coh(t).cast(out_schema), _ddl(out_schema)))

    def mask_placeholders(self, prepared: Data, placeholders: Placeholders) -> Data:
        schema = _arrow_schema(prepared)

        def mask(t: pa.Table) -> pa.Table:
            masked = arrays_to_table(mask_placeholders(arrays_from_table(t.select(list(MATCH_COLUMNS))), placeholders))
            for name in ("m_gtins", "m_has_phash"):
                t = t.set_column(t.column_names.index(name), name, masked.column(name))
            return t

        return self.work.save(_map(prepared, mask, schema), "prepared_masked")

    def group_sample(self, prepared: Data, within_category: bool, need_of: Callable[[int], int]
                     ) -> tuple[dict[str, int], pa.Table, Any]:
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        def groups_of(t: pa.Table) -> pa.Table:
            g = embedding_groups(t, within_category)
            return pa.table({S.ROW_NUMBER: t.column(S.ROW_NUMBER), "_g": pa.array(g.tolist(), pa.string()),
                             "_sh": pa.array(sample_hash(t.column(S.ROW_NUMBER)))})

        grouped = _map(prepared.select(S.ROW_NUMBER, S.CATEGORY), groups_of,
                       pa.schema([(S.ROW_NUMBER, pa.int64()), ("_g", pa.string()), ("_sh", pa.int64())]))
        size_t = _to_arrow(grouped.groupBy("_g").count())
        sizes = dict(zip(size_t.column("_g").to_pylist(), size_t.column("count").to_pylist(), strict=True))
        need = {g: k for g, k in ((g, need_of(s)) for g, s in sizes.items()) if k}
        if not need:
            return sizes, pa.table({"_g": pa.array([], pa.string())}), np.zeros((0, 1), np.float32)
        need_df = self.spark.createDataFrame(pa.table({"_g": list(need), "_need": list(need.values())}))
        w = Window.partitionBy("_g").orderBy("_sh", S.ROW_NUMBER)
        picked = grouped.join(F.broadcast(need_df), "_g").withColumn("_rank", F.row_number().over(w)) \
            .filter(F.col("_rank") <= F.col("_need"))
        cs = _to_arrow(picked.join(prepared.select(S.ROW_NUMBER, "m_vectors"), S.ROW_NUMBER))
        cs = cs.sort_by([("_g", "ascending"), ("_sh", "ascending"), (S.ROW_NUMBER, "ascending")])
        return sizes, cs.select(["_g"]), _binary_rows(cs.column("m_vectors"), np.float32)

    def initial_labels(self, prepared: Data) -> Data:
        from pyspark.sql import functions as F

        return prepared.select(S.ROW_NUMBER, F.col(S.ROW_NUMBER).alias("_label"))

    def candidates(self, prepared: Data, labels: Data, families: tuple[str, ...], stage: int, fitted: Any,
                   config: Config, scored: Data | None) -> StageOutput:
        pairs, stats = _stage_pairs(self.spark, prepared, labels.select(S.ROW_NUMBER, "_label"), families, config, fitted,
                                    config.seed + stage, self._buckets(prepared), self.work)
        if scored is not None:   # a pair an earlier stage scored is not scored again
            pairs = pairs.join(scored.select("a", "b"), ["a", "b"], "left_anti")
        pairs = self.work.save(pairs, f"pairs_{stage}")
        return StageOutput(pairs, int(pairs.count()), stats)

    def score(self, pairs: Data, prepared: Data, model: Any, config: Config, stage: int,
              progress: Callable[[int], None] | None = None) -> Data:
        return self.work.save(_score(pairs, prepared, model, config, stage), f"scored_{stage}")

    def union(self, edges: Data | None, scored: Data) -> Data:
        return scored if edges is None else self.work.save(edges.unionByName(scored), "edges")

    def context(self, edges: Data, prepared: Data, model: Any) -> Data:
        return self.work.save(_context(edges, prepared, model, self._buckets(prepared), self.work), "edges_in_context")

    def merge(self, edges: Data, prepared: Data, config: Config, units: Any = None) -> MergeOutput:
        if units is not None:
            raise NotImplementedError("the spark engine runs whole catalogs only; an ingest uses the local engine")
        labels, refused = _merge(self.spark, edges, prepared, self._n or int(prepared.count()), config, self.work)
        return MergeOutput(labels, refused, int(labels.select("_label").distinct().count()))

    def accepted_pairs(self, edges: Data, stage: int, threshold: float) -> int:
        from pyspark.sql import functions as F

        return int(edges.filter((F.col("stage") == stage) & (F.col(S.MATCH_PROBABILITY) >= threshold)).count())

    def veto_counts(self, edges: Data) -> dict[str, int]:
        from pyspark.sql import functions as F

        rows = edges.filter(F.col("veto").isNotNull()).groupBy("veto").count().collect()
        return {r["veto"]: int(r["count"]) for r in sorted(rows, key=lambda r: r["veto"])}

    def outputs(self, prepared: Data, labels: Data, edges: Data, passthrough: list[str], config: Config,
                naming: Any = None) -> tuple[Data, Data, Data]:
        from pyspark.sql import functions as F

        assignments, clusters = _outputs(prepared, labels, edges, passthrough, self._n or int(prepared.count()), config,
                                         naming)
        ids = prepared.select(S.ROW_NUMBER, S.OFFER_ID)
        named = edges.join(ids.select(F.col(S.ROW_NUMBER).alias("a"), F.col(S.OFFER_ID).alias("offer_id_a")), "a") \
            .join(ids.select(F.col(S.ROW_NUMBER).alias("b"), F.col(S.OFFER_ID).alias("offer_id_b")), "b") \
            .select("offer_id_a", "offer_id_b", S.MATCH_PROBABILITY, "pair_probability", "model_probability", "veto", "stage")
        return (self.work.save(assignments, "assignments"), self.work.save(clusters, "clusters"),
                self.work.save(named, "named_edges"))

    def analysed_offers(self, prepared: Data) -> Data:
        return prepared.drop(*MATCH_COLUMNS)
