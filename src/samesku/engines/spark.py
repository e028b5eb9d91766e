"""The Spark engine: the same stage functions as the local engine, moved by PySpark.

Every decision is made by a stage function of the package, called on Arrow data inside
``mapInArrow`` (per batch of offers or pairs) or ``groupBy(...).applyInArrow`` (per key
block, per connected component, per bucket of clusters). This module only reads, shuffles,
joins, aggregates and writes; it holds no matching logic. The plan, step by step:

1. read Parquet with each row's position (``_metadata.row_index``), convert and validate
   per batch, find duplicate ids with a window, finish the offers per batch;
2. fit on the driver from aggregates (brand lead words, token counts, group sizes) and the
   deterministic sample (smallest :func:`~samesku.fitting.sample_hash`), broadcast the
   :class:`~samesku.fitting.FittedState`;
3. analyse, encode and prepare pair-feature columns per batch;
4. per stage: key rows per batch, one representative per (cluster, key), heavy keys
   counted and split, candidate pairs per key block, scoring per batch of pairs (joined
   with both offers' feature columns), connected components of accepted edges by
   iterative min-label propagation with pointer jumping, constrained merging per
   component;
5. outputs per bucket of whole clusters, written as Parquet datasets.

The same input and config give the same clusters as the local engine
(``tests/engines/test_spark.py`` checks the partition on a synthetic catalog).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from samesku import schema as S
from samesku.analyse import BrandGazetteer, analyse_offers, load_synonyms
from samesku.analyse.brand import (
    brands_from_lead_stats,
    leading_words,
    normalise_brand,
    series_aliases,
)
from samesku.analyse.placeholders import MIN_OFFERS as PLACEHOLDER_MIN_OFFERS
from samesku.analyse.placeholders import (
    Placeholders,
    coherence,
    identifier_rows,
    mask_placeholders,
    placeholders_from_coherence,
)
from samesku.config import Config
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
from samesku.fitting import (
    FittedState,
    check_sellers,
    effective_config,
    fit_codebooks,
    fit_encoder,
    sample_hash,
    save_fitted,
    seller_check_summary,
    sellers_fail_check,
    without_sellers,
)
from samesku.io.columns import plan_columns, require_columns
from samesku.io.parquet_reader import strings_of
from samesku.io.parsed import INVALID_UTF8
from samesku.io.paths import check_mapping, detect_format, expand_inputs
from samesku.io.validate import REASONS, finish_offers, raw_json, row_reason_codes
from samesku.keys.codebook import SAMPLE_PER_CELL, Codebook, cells_for
from samesku.keys.families import _title_tokens, embedding_groups
from samesku.keys.sketches import TokenCounts
from samesku.match.arrays import MATCH_COLUMNS, MATCH_SCHEMA, arrays_from_table, arrays_to_table
from samesku.match.listing import KEY_COLUMNS, ColourListing, colour_listing_keys
from samesku.match.model import MatchModel, load_model
from samesku.match.prepare import prepare_offers
from samesku.match.seller_style import SellerStyle
from samesku.match.token_idf import TokenIdf
from samesku.progress import Reporter, Timer

_REJECT_CODES = (*REASONS, INVALID_UTF8)   # index 0 = valid
_INTERNAL = (S.ROW_NUMBER, S.SOURCE_FILE)


def _colour_listing(analysed: Any, no_sellers: bool) -> ColourListing:
    """:func:`samesku.engines.local.colour_listing` as Spark group-bys: the same pair sums
    (:func:`samesku.match.listing.colour_pair_sums`), only the per-category totals reach the driver."""
    from pyspark.sql import functions as F

    if no_sellers:
        return ColourListing.none()
    keys = _map(analysed, colour_listing_keys, pa.schema([(k, pa.int64()) for k in KEY_COLUMNS]))
    counts = keys.groupBy(*KEY_COLUMNS).agg(F.count(F.lit(1)).alias("n"))

    def pairs(n: Any) -> Any:
        return (n * (n - 1) / 2).cast("long")

    def minus_same_colour(by: list[str]) -> Any:
        inner = counts.groupBy(*by, "colour").agg(F.sum("n").alias("n")).withColumn("same", pairs(F.col("n")))
        outer = inner.groupBy(*by).agg(F.sum("n").alias("n"), F.sum("same").alias("same"))
        return outer.groupBy("cat").agg(F.sum(pairs(F.col("n")) - F.col("same")).alias("pairs"))

    shop = minus_same_colour(["cat", "group", "seller"]).withColumnRenamed("pairs", "same_shop")
    sums = minus_same_colour(["cat", "group"]).join(shop, "cat", "left").fillna(0, ["same_shop"])
    return ColourListing.fit(_to_arrow(sums.select("cat", "pairs", "same_shop")))


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


# --- 2./3. fit, analyse, encode ---------------------------------------------------------------
def _analysed_schema(offers_schema: pa.Schema) -> pa.Schema:
    fields = [f for f in offers_schema if f.name not in S.ANALYSIS_SCHEMA.names]
    return pa.schema(fields + list(S.ANALYSIS_SCHEMA))


def _gazetteer(spark: Any, offers: Any, config: Config) -> BrandGazetteer:
    from pyspark.sql import functions as F

    words = _map(offers.select(S.TITLE), lambda t: leading_words(t.column(S.TITLE)),
                 pa.schema([("first", pa.string()), ("second", pa.string())]))
    words = words.cache()
    stats = _to_arrow(words.groupBy("first").agg(F.count("second").alias("titles"),
                                                 F.countDistinct("second").alias("distinct_next")))
    leads = brands_from_lead_stats(stats)
    values = _to_arrow(offers.select(S.BRAND).distinct()).column(S.BRAND).to_pylist()
    brands = leads | {v for v in map(normalise_brand, values) if v}
    pairs = _to_arrow(words.filter(F.col("second").isNotNull()).groupBy("first", "second").count()
                      .withColumnRenamed("count", "titles").filter(F.col("titles") >= 3))
    words.unpersist()
    synonyms = load_synonyms(config.brand_synonyms) if config.brand_synonyms else None
    return BrandGazetteer.from_statistics(values, leads, synonyms, series_aliases(pairs, stats, brands))


def _fit_and_prepare(spark: Any, offers: Any, config: Config, work: _Work, timer: Timer) -> tuple[Any, FittedState]:
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from samesku.engines.local import encoder_texts, without_attributes

    with timer.step("learn brands"):
        gazetteer = _gazetteer(spark, offers, config)
    schema = _analysed_schema(_arrow_schema(offers))

    def analyse(t: pa.Table) -> pa.Table:
        out = analyse_offers(t, gazetteer)
        return out if config.attributes else without_attributes(out)

    with timer.step("analyse"):
        analysed = work.save(_map(offers, analyse, schema), "analysed")
    with timer.step("fit encoder"):
        hashed = _map(analysed.select(S.ROW_NUMBER), lambda t: t.append_column("_sh", pa.array(sample_hash(t.column(S.ROW_NUMBER)))),
                      pa.schema([(S.ROW_NUMBER, pa.int64()), ("_sh", pa.int64())]))
        top = hashed.orderBy("_sh", S.ROW_NUMBER).limit(config.encoder.fit_sample)
        sample = _to_arrow(analysed.join(top, S.ROW_NUMBER)).sort_by([("_sh", "ascending"), (S.ROW_NUMBER, "ascending")])
        encoder = fit_encoder(encoder_texts(sample), config)
        token_idf = TokenIdf.fit(sample)
        seller_check = check_sellers(sample)
        no_sellers = sellers_fail_check(seller_check, config)   # sellers that fail the check say nothing
    with timer.step("colour listing"):   # a pass over all offers, not the sample
        seller_style = SellerStyle.fit(sample, _colour_listing(analysed, no_sellers))
    prepared_schema = pa.schema(list(_arrow_schema(analysed)) + list(MATCH_SCHEMA))

    def prepare(t: pa.Table) -> pa.Table:
        vectors = encoder.encode(encoder_texts(t))
        arrays = arrays_to_table(prepare_offers(without_sellers(t) if no_sellers else t, vectors, token_idf, seller_style))
        for name in arrays.column_names:
            t = t.append_column(name, arrays.column(name))
        return t

    with timer.step("encode"):
        prepared = work.save(_map(analysed, prepare, prepared_schema), "prepared")
    with timer.step("placeholders"):
        placeholders = _placeholders(prepared)
        if placeholders.gtins or placeholders.phashes:
            def mask(t: pa.Table) -> pa.Table:
                masked = arrays_to_table(mask_placeholders(arrays_from_table(t.select(list(MATCH_COLUMNS))), placeholders))
                for name in ("m_gtins", "m_has_phash"):
                    t = t.set_column(t.column_names.index(name), name, masked.column(name))
                return t
            prepared = work.save(_map(prepared, mask, prepared_schema), "prepared_masked")
    with timer.step("fit keys"):
        tok = _map(prepared.select(S.TITLE_CLEAN), lambda t: pa.table({"h": pa.array(_title_tokens(t)[1], pa.int64())}),
                   pa.schema([("h", pa.int64())]))
        counts = _to_arrow(tok.groupBy("h").count())
        name_df = TokenCounts().update(counts.column("h").to_numpy(), counts.column("count").to_numpy())
        within = config.blocking.embedding_within_category

        def groups_of(t: pa.Table) -> pa.Table:
            g = embedding_groups(t, within)
            return pa.table({S.ROW_NUMBER: t.column(S.ROW_NUMBER), "_g": pa.array(g.tolist(), pa.string()),
                             "_sh": pa.array(sample_hash(t.column(S.ROW_NUMBER)))})

        grouped = _map(prepared.select(S.ROW_NUMBER, S.CATEGORY), groups_of,
                       pa.schema([(S.ROW_NUMBER, pa.int64()), ("_g", pa.string()), ("_sh", pa.int64())]))
        size_t = _to_arrow(grouped.groupBy("_g").count())
        sizes = dict(zip(size_t.column("_g").to_pylist(), size_t.column("count").to_pylist(), strict=True))
        need = {g: cells_for(s, config.blocking.embedding_block) * SAMPLE_PER_CELL for g, s in sizes.items()}
        need = {g: k for g, k in need.items() if k}
        codebooks: dict[str, Codebook] = {}
        if need:
            need_df = spark.createDataFrame(pa.table({"_g": list(need), "_need": list(need.values())}))
            w = Window.partitionBy("_g").orderBy("_sh", S.ROW_NUMBER)
            picked = grouped.join(F.broadcast(need_df), "_g").withColumn("_rank", F.row_number().over(w)) \
                .filter(F.col("_rank") <= F.col("_need"))
            cs = _to_arrow(picked.join(prepared.select(S.ROW_NUMBER, "m_vectors"), S.ROW_NUMBER))
            cs = cs.sort_by([("_g", "ascending"), ("_sh", "ascending"), (S.ROW_NUMBER, "ascending")])
            vec = _binary_rows(cs.column("m_vectors"), np.float32)
            codebooks = fit_codebooks(sizes, np.asarray(cs.column("_g").to_pylist(), dtype=object), vec, config)
    return prepared, FittedState(gazetteer, encoder, token_idf, name_df, codebooks, placeholders, seller_style, seller_check)


def _placeholders(prepared: Any) -> Placeholders:
    """Placeholder identifiers: values held by many offers whose titles are unrelated."""
    from pyspark.sql import functions as F

    def rows_of(t: pa.Table) -> pa.Table:
        kinds, values, pos = identifier_rows(t)
        return pa.table({"kind": pa.array(kinds.tolist(), pa.string()), "value": pa.array(values.tolist(), pa.string()),
                         S.ROW_NUMBER: pa.array(t.column(S.ROW_NUMBER).to_numpy()[pos], pa.int64())})

    rows_schema = pa.schema([("kind", pa.string()), ("value", pa.string()), (S.ROW_NUMBER, pa.int64())])
    ids = _map(prepared.select(S.ROW_NUMBER, S.GTINS, S.IMAGE_PHASH), rows_of, rows_schema)
    frequent = ids.groupBy("kind", "value").count().filter(F.col("count") >= PLACEHOLDER_MIN_OFFERS).drop("count")
    held = ids.join(F.broadcast(frequent), ["kind", "value"]).join(prepared.select(S.ROW_NUMBER, "m_vectors"), S.ROW_NUMBER)
    out_schema = pa.schema([("kind", pa.string()), ("value", pa.string()), ("offers", pa.int64()), ("coherence", pa.float64())])

    def coh(t: pa.Table) -> pa.Table:
        t = t.sort_by(S.ROW_NUMBER)
        return pa.table({"kind": [t.column("kind")[0].as_py()], "value": [t.column("value")[0].as_py()],
                         "offers": [t.num_rows], "coherence": [coherence(_binary_rows(t.column("m_vectors"), np.float32))]})

    got = _to_arrow(held.groupBy("kind", "value").applyInArrow(lambda t: coh(t).cast(out_schema), _ddl(out_schema)))
    return placeholders_from_coherence(got.column("kind").to_pylist(), got.column("value").to_pylist(),
                                       got.column("offers").to_pylist(), got.column("coherence").to_pylist())


def run_spark(
    inputs: list[str | Path],
    out_dir: str | Path,
    config: Config,
    mapping: dict[str, str] | None = None,
    model: MatchModel | None = None,
    reporter: Reporter | None = None,
    master: str | None = None,
    spark: Any = None,
) -> dict[str, Any]:
    """Cluster offers with Spark and write the run directory (datasets are Parquet folders).

    Args:
        inputs: Parquet files/folders (read in parallel) or CSV/JSON Lines (read on the driver).
        out_dir: run directory (local path or any Hadoop URI Spark can write; the summary,
            report and model files are written locally).
        config: run configuration (``config.spark`` holds the engine's settings).
        mapping: canonical column name -> source column name.
        model: match model (default: ``config.match.model_path`` or the shipped one).
        reporter: progress reporter.
        master: Spark master URL (overrides ``config.spark.master``).
        spark: an existing SparkSession to use.

    Returns:
        The summary dict (also written as summary.json).
    """
    from pyspark.sql import functions as F

    from samesku.pipeline import peak_rss_mb
    from samesku.report import write_report

    t0 = time.perf_counter()
    config = config.validate()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    spark = spark or spark_session(config, master)
    timer = _StepTimer(spark, reporter)
    work = _Work(spark, out / "_work")
    model = model or load_model(config.match.model_path)
    mapping = check_mapping(mapping)
    with timer.step("read"):
        offers, rejected, input_rows, passthrough = _read(spark, inputs, mapping, config, work)
        offers = work.save(offers, "offers")
    n_rows = offers.count()
    prepared, fitted = _fit_and_prepare(spark, offers, config, work, timer)
    given, config = config, effective_config(config, fitted.seller_check)   # the seller constraint may be off
    labels = prepared.select(S.ROW_NUMBER, F.col(S.ROW_NUMBER).alias("_label"))
    edges = None
    stage_stats: list[dict[str, Any]] = []
    refused: dict[str, int] = {}
    n_buckets = _buckets(n_rows, config)
    for si, families in enumerate(config.blocking.stages, start=1):
        with timer.step(f"stage {si} candidates"):
            pairs, fam_stats = _stage_pairs(spark, prepared, labels.select(S.ROW_NUMBER, "_label"), families, config,
                                            fitted, config.seed + si, n_buckets, work)
            if edges is not None:
                pairs = pairs.join(edges.select("a", "b"), ["a", "b"], "left_anti")
            pairs = work.save(pairs, f"pairs_{si}")
            n_pairs = pairs.count()
        with timer.step(f"stage {si} match", n_pairs):
            scored = work.save(_score(pairs, prepared, model, config, si), f"scored_{si}")
        edges = scored if edges is None else work.save(edges.unionByName(scored), "edges")
        # the context of every edge so far: a later stage's pairs change earlier pairs' context
        with timer.step(f"stage {si} context"):
            edges = work.save(_context(edges, prepared, model, n_buckets, work), "edges_in_context")
        with timer.step(f"stage {si} merge"):
            labels, refused = _merge(spark, edges, prepared, n_rows, config, work)
        stage_stats.append({
            "stage": si, "families": list(families), "candidate_pairs": int(n_pairs),
            "pairs_per_offer": float(n_pairs / max(n_rows, 1)),
            "accepted_pairs": int(edges.filter((F.col("stage") == si)
                                               & (F.col(S.MATCH_PROBABILITY) >= config.match.threshold)).count()),
            "clusters_after": int(labels.select("_label").distinct().count()), "families_detail": fam_stats,
        })
    assert edges is not None
    with timer.step("outputs"):
        assignments, clusters = _outputs(prepared, labels, edges, passthrough, n_rows, config)
        assignments = work.save(assignments, "assignments")
        clusters = work.save(clusters, "clusters")
        assignments.write.mode("overwrite").parquet(str(out / "assignments.parquet"))
        clusters.write.mode("overwrite").parquet(str(out / "clusters.parquet"))
        ids = prepared.select(S.ROW_NUMBER, S.OFFER_ID)
        edges.join(ids.select(F.col(S.ROW_NUMBER).alias("a"), F.col(S.OFFER_ID).alias("offer_id_a")), "a") \
            .join(ids.select(F.col(S.ROW_NUMBER).alias("b"), F.col(S.OFFER_ID).alias("offer_id_b")), "b") \
            .select("offer_id_a", "offer_id_b", S.MATCH_PROBABILITY, "pair_probability", "model_probability", "veto", "stage") \
            .write.mode("overwrite").parquet(str(out / "edges.parquet"))
        rej = rejected if rejected is not None else spark.createDataFrame(S.REJECTED_SCHEMA.empty_table())
        rej.write.mode("overwrite").parquet(str(out / "rejected.parquet"))
        prepared.drop(*MATCH_COLUMNS).write.mode("overwrite").parquet(str(out / "offers.parquet"))
    save_fitted(out, fitted.encoder, fitted.token_idf, fitted.seller_style)
    model.save(out / "model.json")
    n_rejected = rej.count()
    reasons = {r[S.REASON]: int(r["count"]) for r in rej.groupBy(S.REASON).count().collect()}
    flags = {r["f"]: int(r["count"]) for r in assignments.select(F.explode(S.FLAGS).alias("f")).groupBy("f").count().collect()}
    vetoes = {r["veto"]: int(r["count"]) for r in edges.filter(F.col("veto").isNotNull()).groupBy("veto").count().collect()}
    csum = clusters.agg(F.count("*").alias("n"), F.sum(F.when(F.col("size") > 1, 1).otherwise(0)).alias("multi"),
                        F.max("size").alias("largest")).collect()[0]
    wall = time.perf_counter() - t0
    n_assigned = assignments.count()
    summary: dict[str, Any] = {
        "engine": "spark", "spark_master": spark.sparkContext.master,
        "input_rows": int(input_rows), "assigned": int(n_assigned), "rejected": int(n_rejected),
        "rejected_by_reason": reasons, "flags": flags, "clusters": int(csum["n"]), "multi_offer_clusters": int(csum["multi"] or 0),
        "largest_cluster": int(csum["largest"] or 0), "candidate_pairs": int(edges.count()), "stages": stage_stats,
        "vetoes": vetoes, "refused_merges": refused, "placeholders": fitted.placeholders.to_dict(),
        "seller_check": seller_check_summary(fitted.seller_check, given, config),
        "colour_identity": fitted.seller_style.colour.summary(
            [r[0] for r in prepared.select(S.CATEGORY).distinct().collect() if r[0]])
        if fitted.seller_style and S.CATEGORY in prepared.columns else {},
        "seconds": {k: round(v, 3) for k, v in timer.seconds.items()},
        "peak_rss_mb_by_step": dict(timer.peak_mb),
        "wall_seconds": round(wall, 3), "offers_per_second": round(n_assigned / wall, 1) if wall > 0 else None,
        "peak_rss_mb": round(peak_rss_mb(), 1), "model": model.metadata.get("name", "custom"),
        "shuffle_bytes": shuffle_bytes_by_step(spark),
        "config": given.to_dict(),
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    small = _to_arrow(clusters.select(S.CLUSTER_ID, "size", "epsilon"))
    worst = _to_arrow(clusters.filter(F.col("size") > 1).orderBy(F.col("epsilon").desc(), S.CLUSTER_ID).limit(25).select(S.CLUSTER_ID))
    titles = _to_arrow(assignments.join(spark.createDataFrame(worst), S.CLUSTER_ID).join(prepared.select(S.OFFER_ID, S.TITLE), S.OFFER_ID)
                       .select(S.CLUSTER_ID, S.TITLE))
    members: dict[str, list[str]] = {}
    for c, t in zip(titles.column(S.CLUSTER_ID).to_pylist(), titles.column(S.TITLE).to_pylist(), strict=True):
        if len(members.setdefault(c, [])) < 8:
            members[c].append(t)
    write_report(out / "report.html", summary, small, pa.table({S.OFFER_ID: pa.array([], pa.string()),
                                                                 S.CLUSTER_ID: pa.array([], pa.string())}), {}, members=members)
    return summary
