"""Spark engine, per stage: candidates, scoring, connected components, merging, outputs.

Every function here moves data between stage functions of the package (key families,
``pairs_in_block``, ``pair_features`` + model + vetoes, ``merge_edges``, ``build_outputs``)
and decides nothing itself. Grouped work runs per key block, per bucket of whole
connected components, or per bucket of whole clusters, so no group grows with the catalog.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from samesku import schema as S
from samesku.config import Config
from samesku.engines.spark_base import _binary_rows, _ddl, _map, _to_arrow, _Work
from samesku.errors import ConfigError
from samesku.fitting import FittedState
from samesku.keys.blocks import (
    canonical_pairs,
    key_seed,
    pair_cosine,
    pairs_in_block,
    split_heavy_keys,
)
from samesku.keys.candidates import excludes_same_seller, weak_neighbours, weak_offers
from samesku.keys.families import FAMILIES, PAIR_CHECKS
from samesku.match.arrays import MATCH_COLUMNS, PROFILE_COLUMNS, OfferArrays, arrays_from_table
from samesku.match.context import node_context
from samesku.match.model import MatchModel
from samesku.match.score import context_probability, score_block
from samesku.merge.outputs import build_outputs
from samesku.merge.profiles import ProfileSource
from samesku.merge.union import REFUSAL_KINDS, ladder_thresholds, merge_edges

_KEY_INPUTS = (S.ROW_NUMBER, "_label", S.TITLE_CLEAN, S.MODEL_CODES, S.GTINS, S.BRAND_NORM, S.CATEGORY, S.IMAGE_PHASH,
               "m_vectors")
_PAIR_SCHEMA = pa.schema([("a", pa.int64()), ("b", pa.int64())])
#: scored edges: final probability, pair probability after vetoes, pair model's probability
_EDGE_SCHEMA = pa.schema([("a", pa.int64()), ("b", pa.int64()), (S.MATCH_PROBABILITY, pa.float32()),
                          ("pair_probability", pa.float32()), ("model_probability", pa.float32()),
                          ("veto", pa.string()), ("stage", pa.int8())])


def _buckets(n_rows: int, config: Config) -> int:
    """Groups a per-bucket stage function sees: bounded rows per call whatever the catalog size."""
    return max(config.spark.shuffle_partitions, int(n_rows // 200_000) + 1)


def _centroids(labelled: Any, n_buckets: int) -> Any:
    """(label, centroid) of every cluster, computed per bucket of whole clusters."""
    from pyspark.sql import functions as F

    from samesku.keys.candidates import _cluster_centroids

    def fn(t: pa.Table) -> pa.Table:
        t = t.sort_by(S.ROW_NUMBER)
        labels = t.column("_label").to_numpy()
        dense, cent = _cluster_centroids(labels, _binary_rows(t.column("m_vectors"), np.float32))
        first = np.unique(dense, return_index=True)[1]
        from samesku.match.arrays import matrix_to_binary

        return pa.table({"_label": pa.array(labels[first]), "_cvec": matrix_to_binary(cent[dense[first]])})

    schema = pa.schema([("_label", pa.int64()), ("_cvec", pa.binary())])
    return labelled.select(S.ROW_NUMBER, "_label", "m_vectors").withColumn("_bucket", F.col("_label") % n_buckets) \
        .groupBy("_bucket").applyInArrow(lambda t: fn(t).cast(schema), _ddl(schema))


def _checked_pairs(pairs: Any, prepared: Any, fam: str, bc: Any, schema: pa.Schema) -> Any:
    """The family's block pairs that pass its pair check (``keys.families.PAIR_CHECKS``), run per batch
    on the two offers' columns the check reads."""
    from pyspark.sql import functions as F

    check, columns = PAIR_CHECKS[fam]
    side = {x: prepared.select(F.col(S.ROW_NUMBER).alias(x), *[F.col(c).alias(f"{x}_{c}") for c in columns]) for x in "ab"}
    joined = pairs.join(side["a"], "a").join(side["b"], "b")

    def fn(t: pa.Table) -> pa.Table:
        m = t.num_rows
        offers = pa.table({c: pa.concat_arrays([t.column(f"a_{c}").combine_chunks(), t.column(f"b_{c}").combine_chunks()])
                           for c in columns})
        keep = check(offers, np.stack([np.arange(m), np.arange(m, 2 * m)], axis=1), bc) if m else np.zeros(0, bool)
        return t.select(schema.names).filter(pa.array(keep, pa.bool_()))

    return _map(joined, fn, schema)


def _stage_pairs(spark: Any, prepared: Any, labels: Any, families: tuple[str, ...], config: Config,
                 fitted: FittedState, seed: int, n_buckets: int, work: _Work) -> tuple[Any, list[dict[str, Any]]]:
    """Candidate pairs of one stage (rows a < b of different clusters) and per-family statistics."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    bc = config.blocking
    extra = {"bits": bc.sighash_bits, "bands": bc.phash_bands, "seed": seed, "name_df": fitted.name_df,
             "codebooks": fitted.codebooks, "within_category": bc.embedding_within_category,
             "placeholders": fitted.placeholders}
    labelled = prepared.select(*[c for c in _KEY_INPUTS if c != "_label"]).join(labels, S.ROW_NUMBER)
    key_schema = pa.schema([("fam", pa.string()), (S.ROW_NUMBER, pa.int64()), ("_label", pa.int64()), ("key", pa.string())])

    def keys_fn(t: pa.Table) -> pa.Table:
        vectors = _binary_rows(t.column("m_vectors"), np.float32)
        rows_all = t.column(S.ROW_NUMBER).to_numpy()
        lab = t.column("_label").to_numpy()
        parts = []
        for fam in families:
            r, k = FAMILIES[fam](t, vectors, bc.max_keys_per_entity, **extra)
            parts.append(pa.table({"fam": pa.repeat(pa.scalar(fam), len(r)), S.ROW_NUMBER: pa.array(rows_all[r], pa.int64()),
                                   "_label": pa.array(lab[r], pa.int64()), "key": pa.array(k.tolist(), pa.string())}))
        return pa.concat_tables(parts) if parts else key_schema.empty_table()

    keyrows = _map(labelled, keys_fn, key_schema)
    reps = keyrows.groupBy("fam", "key", "_label").agg(F.min(S.ROW_NUMBER).alias("_rep"))
    ents = reps.join(_centroids(labelled, n_buckets), "_label")
    # embedding neighbours per cluster: embedding_k_weak when no member has a GTIN, code or brand
    # (keys.candidates.neighbour_budget)
    strong_schema = pa.schema([("_label", pa.int64()), ("_strong", pa.int32())])
    strong = work.save(_map(labelled.select("_label", S.MODEL_CODES, S.GTINS, S.BRAND_NORM),
                            lambda t: pa.table({"_label": t.column("_label"),
                                                "_strong": pa.array((~weak_offers(t)).astype(np.int32))}), strong_schema),
                       "strong_offers")
    share = strong.agg(F.count("*").alias("n"), F.sum("_strong").alias("s")).collect()[0]
    n_all = int(share["n"])
    n_weak = n_all - int(share["s"] or 0)
    label_k = strong.groupBy("_label").agg(F.max("_strong").alias("_strong")) \
        .select("_label", F.when(F.col("_strong") == 1, F.lit(bc.embedding_k))
                .otherwise(F.lit(weak_neighbours(n_weak, n_all, bc))).alias("_k"))
    label_k = work.save(label_k, "neighbour_budget")
    ents = ents.join(label_k, "_label")
    if excludes_same_seller(config):   # the representative's seller: never paired with its own shop
        ents = ents.join(prepared.select(F.col(S.ROW_NUMBER).alias("_rep"), F.col("m_seller").alias("_grp")), "_rep")
    else:
        ents = ents.withColumn("_grp", F.lit(-1).cast("long"))
    ents = work.save(ents, "entities")
    sizes = ents.groupBy("fam", "key").count()
    limit = F.when(F.col("fam") == "embedding", F.lit(bc.embedding_block)).otherwise(F.lit(bc.max_block))
    heavy_t = _to_arrow(sizes.filter(F.col("count") > limit))
    heavy: dict[str, dict[str, int]] = {}
    for fam, key, cnt in zip(heavy_t.column("fam").to_pylist(), heavy_t.column("key").to_pylist(),
                             heavy_t.column("count").to_pylist(), strict=True):
        heavy.setdefault(fam, {})[key] = int(cnt)
    ent_schema = pa.schema([("fam", pa.string()), ("key", pa.string()), ("_label", pa.int64()), ("_rep", pa.int64()),
                            ("_cvec", pa.binary()), ("_grp", pa.int64()), ("_k", pa.int64())])
    if heavy:
        def split_fn(t: pa.Table) -> pa.Table:
            out = []
            for fam in sorted(set(t.column("fam").to_pylist())):
                sub = t.filter(pc.equal(t.column("fam"), fam))
                mb = bc.embedding_block if fam == "embedding" else bc.max_block
                ent = np.arange(sub.num_rows, dtype=np.int64)
                keys = np.asarray(sub.column("key").to_pylist(), dtype=object)
                e2, k2 = split_heavy_keys(ent, keys, _binary_rows(sub.column("_cvec"), np.float32), heavy.get(fam, {}), mb)
                taken = sub.take(pa.array(e2))
                out.append(taken.set_column(taken.column_names.index("key"), "key", pa.array(k2.tolist(), pa.string())))
            return pa.concat_tables(out) if out else ent_schema.empty_table()

        ents = _map(ents.select(*ent_schema.names), split_fn, ent_schema)
    block_schema = pa.schema([("fam", pa.string()), ("a", pa.int64()), ("b", pa.int64()), ("sim", pa.float32())])

    def block_fn(t: pa.Table) -> pa.Table:
        t = t.sort_by("_rep")
        fam, key = t.column("fam")[0].as_py(), t.column("key")[0].as_py()
        emb = fam == "embedding"
        k, mb = (bc.embedding_k, bc.embedding_block) if emb else (bc.knn_k, bc.max_block)
        rep = t.column("_rep").to_numpy()
        vec = _binary_rows(t.column("_cvec"), np.float32)
        grp = t.column("_grp").to_numpy()
        k_of = t.column("_k").to_numpy() if emb else None
        local = canonical_pairs(pairs_in_block(np.arange(len(rep)), vec, k, mb, key_seed(key, seed), grp, k_of))
        sims = pair_cosine(vec, local) if len(local) else np.zeros(0, np.float32)
        a, b = rep[local[:, 0]], rep[local[:, 1]]
        return pa.table({"fam": pa.repeat(pa.scalar(fam), len(a)), "a": pa.array(np.minimum(a, b)),
                         "b": pa.array(np.maximum(a, b)), "sim": pa.array(sims, pa.float32())}).cast(block_schema)

    ents = work.save(ents, "split_entities")
    blocked = ents.groupBy("fam", "key").applyInArrow(block_fn, _ddl(block_schema)).dropDuplicates(["fam", "a", "b"])
    blocked = work.save(blocked, "block_pairs")
    unchecked = blocked
    for fam in (f for f in families if f in PAIR_CHECKS):
        blocked = blocked.filter(F.col("fam") != fam).unionByName(_checked_pairs(blocked.filter(F.col("fam") == fam),
                                                                                 prepared, fam, bc, block_schema))
    blocked = work.save(blocked, "blocked")
    emb = blocked.filter(F.col("fam") == "embedding")
    both = emb.select("a", "b", "sim").unionByName(emb.select(F.col("b").alias("a"), F.col("a").alias("b"), "sim"))
    row_k = labels.join(label_k, "_label").select(F.col(S.ROW_NUMBER).alias("a"), "_k")
    w = Window.partitionBy("a").orderBy(F.col("sim").desc(), F.col("b"))
    top = both.join(row_k, "a").withColumn("_r", F.row_number().over(w)).filter(F.col("_r") <= F.col("_k")) \
        .select(F.least("a", "b").alias("a"), F.greatest("a", "b").alias("b")).withColumn("fam", F.lit("embedding"))
    per_family = blocked.filter(F.col("fam") != "embedding").select("fam", "a", "b").unionByName(top).dropDuplicates(["fam", "a", "b"])
    la = labels.withColumnRenamed(S.ROW_NUMBER, "a").withColumnRenamed("_label", "_la")
    lb = labels.withColumnRenamed(S.ROW_NUMBER, "b").withColumnRenamed("_label", "_lb")
    per_family = work.save(per_family.join(la, "a").join(lb, "b").filter(F.col("_la") != F.col("_lb")).select("fam", "a", "b"),
                           "family_pairs")
    fam_counts = dict((r["fam"], int(r["count"])) for r in per_family.groupBy("fam").count().collect())
    stats = []
    detail = _block_detail(sizes, ents, unchecked.filter(F.col("fam") != "embedding").select("fam", "a", "b").unionByName(top), bc)
    for fam in families:
        hv = sorted(heavy.get(fam, {}).items(), key=lambda kv: (-kv[1], kv[0]))[:20]
        stats.append({"family": fam, **detail.get(fam, dict.fromkeys(_DETAIL, 0)),
                      "heavy_keys": [{"key": k, "size": v} for k, v in hv], "pairs": fam_counts.get(fam, 0)})
    return per_family.select("a", "b").distinct(), stats


_DETAIL = ("keys", "entities_with_key", "blocks_all_pairs", "blocks_knn", "largest_block", "max_pairs_per_entity")


def _block_detail(sizes: Any, ents: Any, block_pairs: Any, bc: Any) -> dict[str, dict[str, int]]:
    """Per family the local engine's block statistics (:class:`~samesku.keys.blocks.BlockStats`): keys and
    entities before heavy keys are split, blocks by how they were searched and the largest after, and the
    most pairs one entity got from its blocks (before cross-cluster filtering and pair checks)."""
    from pyspark.sql import functions as F

    before = {r["fam"]: r for r in sizes.groupBy("fam").agg(F.count("*").alias("keys")).collect()}
    ents_n = {r["fam"]: int(r["n"]) for r in ents.groupBy("fam").agg(F.countDistinct("_rep").alias("n")).collect()}
    k = F.when(F.col("fam") == "embedding", F.lit(bc.embedding_k)).otherwise(F.lit(bc.knn_k))
    split = ents.groupBy("fam", "key").count().withColumn("_k", k).groupBy("fam").agg(
        F.sum(F.when((F.col("count") >= 2) & (F.col("count") <= F.col("_k") + 1), 1).otherwise(0)).alias("small"),
        F.sum(F.when(F.col("count") > F.col("_k") + 1, 1).otherwise(0)).alias("big"), F.max("count").alias("largest"))
    ends = block_pairs.select("fam", F.col("a").alias("e")).unionAll(block_pairs.select("fam", F.col("b").alias("e")))
    most = {r["fam"]: int(r["m"]) for r in ends.groupBy("fam", "e").count().groupBy("fam").agg(F.max("count").alias("m")).collect()}
    out = {}
    for r in split.collect():
        fam = r["fam"]
        out[fam] = {"keys": int(before[fam]["keys"]) if fam in before else 0, "entities_with_key": ents_n.get(fam, 0),
                    "blocks_all_pairs": int(r["small"] or 0), "blocks_knn": int(r["big"] or 0),
                    "largest_block": int(r["largest"] or 0), "max_pairs_per_entity": most.get(fam, 0)}
    return out


def _score(pairs: Any, prepared: Any, model: MatchModel, config: Config, stage: int) -> Any:
    """Scored pairs: both offers' feature columns joined, features + model + vetoes per batch."""
    from pyspark.sql import functions as F

    cols = list(MATCH_COLUMNS)
    left = prepared.select(F.col(S.ROW_NUMBER).alias("a"), *[F.col(c).alias("a_" + c) for c in cols])
    right = prepared.select(F.col(S.ROW_NUMBER).alias("b"), *[F.col(c).alias("b_" + c) for c in cols])
    joined = pairs.join(left, "a").join(right, "b")
    schema = _EDGE_SCHEMA

    def fn(t: pa.Table) -> pa.Table:
        m = t.num_rows
        la = arrays_from_table(pa.table({c: t.column("a_" + c) for c in cols}))
        lb = arrays_from_table(pa.table({c: t.column("b_" + c) for c in cols}))
        arrays = OfferArrays(**{f: np.concatenate([getattr(la, f), getattr(lb, f)]) for f in OfferArrays.__dataclass_fields__})
        s = score_block(arrays, np.arange(m), m + np.arange(m), model, config.match)
        after, reason, p = s.probability, s.veto, s.model_probability
        return pa.table({"a": t.column("a"), "b": t.column("b"), S.MATCH_PROBABILITY: pa.array(after, pa.float32()),
                         "pair_probability": pa.array(after, pa.float32()), "model_probability": pa.array(p, pa.float32()),
                         "veto": pa.array([r or None for r in reason.tolist()], pa.string()),
                         "stage": pa.array(np.full(m, stage, np.int8))})

    return _map(joined, fn, schema)


def _context(edges: Any, prepared: Any, model: MatchModel, n_buckets: int, work: _Work) -> Any:
    """Edges with their final probability from the model's context stage (see ``in_context``).

    Each pair end becomes a row (node, shop of the other offer, pair probability); the rows of
    a bucket of whole nodes go through :func:`node_context`; the two ends join back to the
    pair, and the context model scores it per batch.
    """
    from pyspark.sql import functions as F

    if model.context is None:
        return edges.withColumn(S.MATCH_PROBABILITY, F.col("pair_probability"))
    shop = prepared.select(F.col(S.ROW_NUMBER).alias("_r"), F.col("m_seller").alias("_s"))
    e = edges.join(shop.withColumnRenamed("_r", "a").withColumnRenamed("_s", "_sa"), "a") \
        .join(shop.withColumnRenamed("_r", "b").withColumnRenamed("_s", "_sb"), "b")
    e = work.save(e, "context_edges")
    ends = e.select(F.col("a").alias("_node"), F.col("_sb").alias("_shop"), F.col("pair_probability").alias("_p"), "a", "b") \
        .unionByName(e.select(F.col("b").alias("_node"), F.col("_sa").alias("_shop"), F.col("pair_probability").alias("_p"), "a", "b"))
    ends_schema = pa.schema([("a", pa.int64()), ("b", pa.int64()), ("_node", pa.int64()),
                             ("_c0", pa.float64()), ("_c1", pa.float64())])

    def per_bucket(t: pa.Table) -> pa.Table:
        c = node_context(t.column("_node").to_numpy(), t.column("_shop").to_numpy(), t.column("_p").to_numpy())
        return pa.table({"a": t.column("a"), "b": t.column("b"), "_node": t.column("_node"),
                         "_c0": pa.array(c[:, 0]), "_c1": pa.array(c[:, 1])}).cast(ends_schema)

    ctx = ends.withColumn("_bucket", F.col("_node") % n_buckets).groupBy("_bucket") \
        .applyInArrow(per_bucket, _ddl(ends_schema))
    ctx = work.save(ctx, "context_ends")
    side_a = ctx.filter(F.col("_node") == F.col("a")).select("a", "b", F.col("_c0").alias("_a0"), F.col("_c1").alias("_a1"))
    side_b = ctx.filter(F.col("_node") == F.col("b")).select("a", "b", F.col("_c0").alias("_b0"), F.col("_c1").alias("_b1"))
    joined = e.join(side_a, ["a", "b"]).join(side_b, ["a", "b"])
    names = _EDGE_SCHEMA.names

    def score(t: pa.Table) -> pa.Table:
        def col(name: str) -> np.ndarray:
            return t.column(name).to_numpy(zero_copy_only=False)

        use = pc.is_null(t.column("veto")).to_numpy(zero_copy_only=False) & (col("_sa") >= 0) & (col("_sb") >= 0)
        final = context_probability(model, col("pair_probability"), np.stack([col("_a0"), col("_a1")], 1),
                                    np.stack([col("_b0"), col("_b1")], 1), use, threads=1)
        return t.set_column(t.schema.get_field_index(S.MATCH_PROBABILITY), S.MATCH_PROBABILITY,
                            pa.array(final, pa.float32())).select(names)

    return _map(joined, score, _EDGE_SCHEMA)


def _components(spark: Any, edges: Any, config: Config, work: _Work) -> Any:
    """(row, comp) for rows in accepted edges: comp = lowest row of the connected component.

    Min-label propagation with hooking and pointer jumping (Shiloach-Vishkin style): each
    round a vertex takes the lowest label among its neighbours and the lowest label next to
    any vertex sharing its label (the whole tree hooks onto its lowest neighbouring tree), then
    the label of its label. Without hooking the rounds grew with the longest path (33 rounds
    on a 50k-offer synthetic catalog's accepted edges); with it 6.
    """
    from pyspark.sql import functions as F

    e = edges.select("a", "b")
    e = work.save(e.unionByName(e.select(F.col("b").alias("a"), F.col("a").alias("b"))), "cc_edges")
    lab = work.save(e.groupBy("a").agg(F.min("b").alias("m")).select(F.col("a").alias("v"), F.least("a", "m").alias("c")), "cc")
    for _ in range(config.spark.component_iterations):
        labelled = e.join(lab.select(F.col("v").alias("b"), F.col("c").alias("cb")), "b") \
            .join(lab.select(F.col("v").alias("a"), F.col("c").alias("ca")), "a")
        nb = labelled.groupBy("a").agg(F.min("cb").alias("m"))
        hook = labelled.groupBy("ca").agg(F.min("cb").alias("h")).withColumnRenamed("ca", "c")
        new = lab.join(nb.withColumnRenamed("a", "v"), "v", "left").join(hook, "c", "left") \
            .select("v", F.col("c").alias("c0"), F.least("c", F.coalesce("m", "c"), F.coalesce("h", "c")).alias("c"))
        jump = new.alias("x").join(new.alias("y"), F.col("x.c") == F.col("y.v")) \
            .select(F.col("x.v").alias("v"), F.least(F.col("x.c"), F.col("y.c")).alias("c"), F.col("x.c0").alias("c0"))
        jump = work.save(jump, "cc")   # cuts the lineage each round
        lab = jump.select("v", "c")
        if jump.filter(F.col("c") != F.col("c0")).limit(1).count() == 0:
            return lab.select(F.col("v").alias(S.ROW_NUMBER), F.col("c").alias("_comp"))
    raise ConfigError(f"connected components did not converge in {config.spark.component_iterations} rounds")


# refusals counted inside the merge tasks; component_cap is counted across pieces, outside them
_REFUSED = tuple(k for k in REFUSAL_KINDS if k != "component_cap")


def _capped_components(spark: Any, accepted: Any, config: Config, work: _Work) -> Any:
    """(row, comp) of :func:`~samesku.merge.union.capped_components`, distributed.

    Components of the accepted edges; the offers of a component above
    ``merge.max_component`` take the components of their edges at the next ladder
    threshold instead, until each piece fits (lowest-row labels, the local engine's groups).
    """
    from pyspark.sql import functions as F

    cap = config.merge.max_component
    levels = ladder_thresholds(config.match.threshold)
    cur = accepted.select("a", "b", S.MATCH_PROBABILITY)
    done: Any = None
    for level, t in enumerate(levels):
        comps = _components(spark, cur.filter(F.col(S.MATCH_PROBABILITY) >= t), config, work)
        if cap <= 0 or level == len(levels) - 1:
            fits, big = comps, None
        else:
            sized = comps.join(comps.groupBy("_comp").count(), "_comp")
            sized = work.save(sized, "capped")
            fits = sized.filter(F.col("count") <= cap).select(S.ROW_NUMBER, "_comp")
            big = sized.filter(F.col("count") > cap).select(S.ROW_NUMBER)
        done = fits if done is None else done.unionByName(fits)
        if big is None or big.limit(1).count() == 0:
            break
        # the next level keeps only the oversize components' edges (both ends inside one)
        cur = cur.join(big.select(F.col(S.ROW_NUMBER).alias("a")), "a").join(big.select(F.col(S.ROW_NUMBER).alias("b")), "b")
    return work.save(done, "capped_comps")


def _merge(spark: Any, edges: Any, prepared: Any, n_rows: int, config: Config, work: _Work) -> tuple[Any, dict[str, int]]:
    """(row, label, weakest) of every offer and refused-merge counts, merged per component."""
    from pyspark.sql import functions as F

    thr = config.match.threshold
    acc = edges.filter(F.col(S.MATCH_PROBABILITY) >= thr)
    comps = _capped_components(spark, acc, config, work)
    n_b = _buckets(n_rows, config)
    # only what the cannot-link checks read: a component of 400k offers is then ~40 MB in
    # its task, not the ~600 MB of every pair-feature array
    members = prepared.select(S.ROW_NUMBER, *PROFILE_COLUMNS).join(comps, S.ROW_NUMBER).withColumn("_bucket", F.col("_comp") % n_b)
    ca = comps.select(F.col(S.ROW_NUMBER).alias("a"), F.col("_comp").alias("_ca"))
    cb = comps.select(F.col(S.ROW_NUMBER).alias("b"), F.col("_comp").alias("_cb"))
    inner = edges.join(ca, "a").join(cb, "b").filter(F.col("_ca") == F.col("_cb")) \
        .select("a", "b", S.MATCH_PROBABILITY, (F.col("_ca") % n_b).alias("_bucket"))
    schema = pa.schema([(S.ROW_NUMBER, pa.int64()), ("_label", pa.int64()), ("_weakest", pa.float64()),
                        *[(f"_refused_{k}", pa.int64()) for k in _REFUSED]])

    def fn(mem: pa.Table, edg: pa.Table) -> pa.Table:
        mem = mem.sort_by(S.ROW_NUMBER)
        rows = mem.column(S.ROW_NUMBER).to_numpy()
        arrays = ProfileSource.from_table(mem.select(list(PROFILE_COLUMNS)))
        a = np.searchsorted(rows, edg.column("a").to_numpy())
        b = np.searchsorted(rows, edg.column("b").to_numpy())
        res = merge_edges(len(rows), a, b, edg.column(S.MATCH_PROBABILITY).to_numpy().astype(np.float64), arrays,
                          config.merge, thr)
        out = {S.ROW_NUMBER: pa.array(rows), "_label": pa.array(rows[res.labels]),
               "_weakest": pa.array(res.weakest_link[res.labels])}
        for k in _REFUSED:
            v = np.zeros(len(rows), np.int64)
            if len(v):
                v[0] = res.refused.get(k, 0)
            out[f"_refused_{k}"] = pa.array(v)
        return pa.table(out).cast(schema)

    merged = members.groupBy("_bucket").cogroup(inner.groupBy("_bucket")).applyInArrow(fn, _ddl(schema))
    merged = work.save(merged, "merged")
    refused_row = merged.agg(*[F.sum(f"_refused_{k}").alias(k) for k in _REFUSED]).collect()[0]
    refused = {k: int(refused_row[k] or 0) for k in _REFUSED}
    # accepted edges between two capped pieces of one component (what the local merge counts)
    # (an offer a higher ladder level left without edges is a group of its own: no row in comps)
    refused["component_cap"] = acc.join(ca, "a", "left").join(cb, "b", "left") \
        .filter(F.coalesce("_ca", "a") != F.coalesce("_cb", "b")).count()
    labels = prepared.select(S.ROW_NUMBER).join(merged.select(S.ROW_NUMBER, "_label", "_weakest"), S.ROW_NUMBER, "left") \
        .select(S.ROW_NUMBER, F.coalesce("_label", S.ROW_NUMBER).alias("_label"), F.coalesce("_weakest", F.lit(1.0)).alias("_weakest"))
    return work.save(labels, "labels"), refused


def _outputs(prepared: Any, labels: Any, edges: Any, passthrough: list[str], n_rows: int, config: Config,
             naming: Any = None) -> tuple[Any, Any]:
    """(assignments, clusters) computed by :func:`build_outputs` per bucket of whole clusters."""
    from pyspark.sql import functions as F

    n_b = _buckets(n_rows, config)
    la = labels.select(F.col(S.ROW_NUMBER).alias("a"), F.col("_label").alias("_la"))
    lb = labels.select(F.col(S.ROW_NUMBER).alias("b"), F.col("_label").alias("_lb"))
    e = edges.join(la, "a").join(lb, "b")
    inner = e.filter(F.col("_la") == F.col("_lb")).select("a", "b", S.MATCH_PROBABILITY, (F.col("_la") % n_b).alias("_bucket"))
    cross = e.filter(F.col("_la") != F.col("_lb"))
    ext = cross.select(F.col("a").alias(S.ROW_NUMBER), S.MATCH_PROBABILITY) \
        .unionByName(cross.select(F.col("b").alias(S.ROW_NUMBER), S.MATCH_PROBABILITY)) \
        .groupBy(S.ROW_NUMBER).agg(F.max(S.MATCH_PROBABILITY).alias("_ext"))
    offer_cols = [c for c in (S.OFFER_ID, S.TITLE, S.BRAND_NORM, S.FLAGS, *passthrough) if c in prepared.columns]
    members = prepared.select(S.ROW_NUMBER, *offer_cols, *MATCH_COLUMNS).join(labels, S.ROW_NUMBER) \
        .join(ext, S.ROW_NUMBER, "left").withColumn("_bucket", F.col("_label") % n_b)

    def build(mem: pa.Table, edg: pa.Table) -> tuple[pa.Table, pa.Table]:
        mem = mem.sort_by(S.ROW_NUMBER)
        rows = mem.column(S.ROW_NUMBER).to_numpy()
        lab = np.searchsorted(rows, mem.column("_label").to_numpy())
        weakest = np.ones(len(rows))
        weakest[lab] = mem.column("_weakest").to_numpy()
        ext_p = np.asarray(mem.column("_ext").to_numpy(zero_copy_only=False), dtype=np.float64)
        a = np.searchsorted(rows, edg.column("a").to_numpy())
        b = np.searchsorted(rows, edg.column("b").to_numpy())
        p = edg.column(S.MATCH_PROBABILITY).to_numpy().astype(np.float64)
        return build_outputs(mem.select(offer_cols), arrays_from_table(mem.select(list(MATCH_COLUMNS))), lab, a, b, p,
                             weakest, passthrough, np.nan_to_num(ext_p, nan=0.0), naming=naming)

    probe = members.limit(1).toArrow()
    a0, c0 = build(probe, pa.table({"a": pa.array([], pa.int64()), "b": pa.array([], pa.int64()),
                                    S.MATCH_PROBABILITY: pa.array([], pa.float32())}))
    grouped = members.groupBy("_bucket").cogroup(inner.groupBy("_bucket"))
    assignments = grouped.applyInArrow(lambda m, e: build(m, e)[0].cast(a0.schema), _ddl(a0.schema))
    grouped = members.groupBy("_bucket").cogroup(inner.groupBy("_bucket"))
    clusters = grouped.applyInArrow(lambda m, e: build(m, e)[1].cast(c0.schema), _ddl(c0.schema))
    return assignments, clusters


