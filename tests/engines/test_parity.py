"""Engine parity per step: each step of the one pipeline gives the local engine's result on Spark.

The local engine is the reference; the end-to-end 50k equality lives in ``test_spark.py``.
Here a small catalog goes through the fit and the first stage step by step, so a
difference points at the step that made it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from samesku import schema as S
from samesku.config import Config
from samesku.engines.local import LocalEngine
from samesku.fitting import effective_config
from samesku.match.arrays import MATCH_COLUMNS, arrays_from_table
from samesku.match.model import load_model
from samesku.pipeline import fit_and_prepare, learn_brands
from samesku.progress import Timer
from samesku.synth import generate_batches

pytest.importorskip("pyspark")

#: small blocks, so codebooks and heavy-key splits happen in a 4,000-offer catalog
CONFIG = Config.from_dict({"blocking": {"embedding_block": 300, "max_block": 12}, "merge": {"max_component": 500}})


@pytest.fixture(scope="module")
def spark():
    from samesku.engines.spark import spark_session

    session = spark_session(Config(), "local[2]")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> Path:
    table = pa.Table.from_batches(list(generate_batches(4_000, seed=3, bridge_rate=0.02)))
    path = tmp_path_factory.mktemp("parity") / "catalog.parquet"
    pq.write_table(table, path)
    return path


@pytest.fixture(scope="module")
def runs(spark, catalog, tmp_path_factory):
    """Both engines read, fit and prepare the catalog."""
    from samesku.engines.spark import SparkEngine

    cfg = CONFIG.validate()
    work = tmp_path_factory.mktemp("work")
    engines = {"local": LocalEngine(cfg),
               "spark": SparkEngine(Config.from_dict({**cfg.to_dict(), "spark": {"work_dir": str(work)}}), spark=spark)}
    out = {}
    for name, eng in engines.items():
        read = eng.read([catalog], None, cfg)
        prepared, fitted = fit_and_prepare(eng, read.offers, cfg, Timer())
        out[name] = (eng, read, prepared, fitted)
    return out


def _rows(eng, prepared) -> np.ndarray:
    """Input row number of each local entity (Spark's entities are the row numbers)."""
    return prepared.offers.column(S.ROW_NUMBER).to_numpy() if eng.name == "local" else None


def test_the_brand_gazetteer_is_learnt_alike(runs):
    (le, lr, _, _), (se, sr, _, _) = runs["local"], runs["spark"]
    assert learn_brands(le, lr.offers, CONFIG)._names == learn_brands(se, sr.offers, CONFIG)._names


def test_the_fitted_state_is_the_same_on_both_engines(runs):
    fl, fs = runs["local"][3], runs["spark"][3]
    assert fl.gazetteer._names == fs.gazetteer._names
    assert np.array_equal(fl.encoder.idf, fs.encoder.idf)
    assert np.array_equal(fl.token_idf.hashes, fs.token_idf.hashes) and np.array_equal(fl.token_idf.idf, fs.token_idf.idf)
    assert np.array_equal(fl.name_df.items, fs.name_df.items) and np.array_equal(fl.name_df.counts, fs.name_df.counts)
    assert fl.placeholders == fs.placeholders
    assert fl.seller_check == fs.seller_check
    assert np.array_equal(fl.seller_style.keys, fs.seller_style.keys)
    assert np.array_equal(fl.seller_style.values, fs.seller_style.values)
    assert sorted(fl.codebooks) == sorted(fs.codebooks) and fl.codebooks   # the catalog has large groups
    for g in fl.codebooks:
        assert np.array_equal(fl.codebooks[g].centroids, fs.codebooks[g].centroids)


def test_every_offers_pair_feature_arrays_are_the_same(runs):
    le, _, pl, _ = runs["local"]
    se, _, ps, _ = runs["spark"]
    table = se.collect(ps, [S.ROW_NUMBER, *MATCH_COLUMNS]).sort_by(S.ROW_NUMBER)
    assert np.array_equal(table.column(S.ROW_NUMBER).to_numpy(), _rows(le, pl))
    remote = arrays_from_table(table.select(list(MATCH_COLUMNS)))
    for f in type(pl.arrays).__dataclass_fields__:
        a, b = getattr(pl.arrays, f), getattr(remote, f)
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), f


def test_the_first_stage_finds_scores_and_merges_the_same_pairs(runs):
    le, _, pl, fl = runs["local"]
    se, _, ps, fs = runs["spark"]
    cfg = effective_config(CONFIG.validate(), fl.seller_check)
    model = load_model(cfg.match.model_path)
    rows = _rows(le, pl)
    families = cfg.blocking.stages[0]

    cand_l = le.candidates(pl, le.initial_labels(pl), families, 1, fl, cfg, None)
    cand_s = se.candidates(ps, se.initial_labels(ps), families, 1, fs, cfg, None)
    pairs_l = {(int(rows[a]), int(rows[b])) for a, b in cand_l.pairs.tolist()}
    pairs_s = {(r["a"], r["b"]) for r in se.collect(cand_s.pairs).to_pylist()}
    assert pairs_l == pairs_s and cand_l.count == cand_s.count > 0
    heavy_l = [{h["key"] for h in f["heavy_keys"]} for f in cand_l.family_stats]
    heavy_s = [{h["key"] for h in f["heavy_keys"]} for f in cand_s.family_stats]
    assert heavy_l == heavy_s and any(heavy_l)
    # every block statistic but the seconds (Spark runs a family's blocks lazily, in parallel)
    assert [{k: v for k, v in f.items() if k != "seconds"} for f in cand_l.family_stats] == cand_s.family_stats

    edges_l = le.context(le.union(None, le.score(cand_l.pairs, pl, model, cfg, 1)), pl, model)
    edges_s = se.context(se.union(None, se.score(cand_s.pairs, ps, model, cfg, 1)), ps, model)
    c = edges_l.cols
    local_p = {(int(rows[a]), int(rows[b])): (p, q) for a, b, p, q in
               zip(c["a"].tolist(), c["b"].tolist(), c["pair_probability"].tolist(), c["probability"].tolist(), strict=True)}
    remote_p = {(r["a"], r["b"]): (r["pair_probability"], r[S.MATCH_PROBABILITY]) for r in se.collect(edges_s).to_pylist()}
    assert local_p.keys() == remote_p.keys()
    assert all(np.allclose(local_p[k], remote_p[k], atol=1e-6) for k in local_p)
    assert le.veto_counts(edges_l) == se.veto_counts(edges_s)
    assert le.accepted_pairs(edges_l, 1, cfg.match.threshold) == se.accepted_pairs(edges_s, 1, cfg.match.threshold)

    merged_l, merged_s = le.merge(edges_l, pl, cfg), se.merge(edges_s, ps, cfg)
    assert merged_l.clusters == merged_s.clusters < len(rows)
    assert merged_l.refused == merged_s.refused
    label_l = dict(zip(rows.tolist(), rows[merged_l.labels.labels].tolist(), strict=True))
    label_s = {r[S.ROW_NUMBER]: r["_label"] for r in se.collect(merged_s.labels).to_pylist()}
    assert label_l == label_s
