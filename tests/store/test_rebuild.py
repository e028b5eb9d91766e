"""A full rebuild keeps ids by overlap; an export writes the run files of the store's current state."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import samesku
from samesku.config import Config
from samesku.store import ClusterStore, create_store, ingest
from samesku.store.export import export
from samesku.store.rebuild import rebuild_store
from samesku.synth import generate_batches


@pytest.fixture(scope="module")
def catalog() -> pa.Table:
    t = pa.Table.from_batches(list(generate_batches(1500, seed=6)))
    t = t.take(pa.array(np.random.default_rng(6).permutation(t.num_rows)))
    return t.append_column("note", pa.array([f"n{i}" for i in range(t.num_rows)]))


def _clusters(path) -> dict[str, frozenset[str]]:
    with ClusterStore.open(path, read_only=True) as s:
        rows = s.sql("SELECT cluster_id, offer_id FROM offers").to_pylist()
    out: dict[str, set[str]] = {}
    for r in rows:
        out.setdefault(r["cluster_id"], set()).add(r["offer_id"])
    return {c: frozenset(m) for c, m in out.items()}


def test_rebuilding_an_unchanged_catalog_keeps_every_cluster_and_its_id(tmp_path, catalog):
    path = tmp_path / "s.duckdb"
    create_store(samesku.cluster(catalog), path)
    before = _clusters(path)
    done = rebuild_store(samesku.cluster(catalog), path)
    assert _clusters(path) == before
    assert done["ids_kept"] == len(before) and done["created"] == done["merged"] == done["split"] == 0
    with ClusterStore.open(path, read_only=True) as s:
        assert s.sql("SELECT kind FROM batches ORDER BY batch_id").column("kind").to_pylist() == ["cluster", "rebuild"]
        assert s.scalar("SELECT count(*) FROM lineage WHERE batch_id = 2") == 0


def test_a_rebuild_with_a_stricter_model_carries_ids_to_the_largest_pieces_and_never_reissues_one(tmp_path, catalog):
    path = tmp_path / "s.duckdb"
    create_store(samesku.cluster(catalog), path)
    before = _clusters(path)
    strict = Config.from_dict({"match": {"threshold": 0.97}})
    done = rebuild_store(samesku.cluster(catalog, config=strict), path)
    after = _clusters(path)
    assert done["split"] > 0 and sum(len(m) for m in after.values()) == catalog.num_rows
    with ClusterStore.open(path, read_only=True) as s:
        ids = s.sql("SELECT cluster_id, state, resolved_to FROM cluster_ids").to_pylist()
        splits = s.sql("SELECT cluster_id, other_id FROM lineage WHERE kind = 'split'").to_pylist()
        assert json.loads(s.blob("config"))["match"]["threshold"] == 0.97   # the new config replaces the old
    assert len({r["cluster_id"] for r in ids}) == len(ids)
    assert all(r["resolved_to"] in after for r in ids if r["state"] == "merged")
    for r in splits:   # the piece that kept the old id holds at least as many of its offers as the split-off one
        old = before[r["other_id"]]
        assert r["other_id"] in after and r["cluster_id"] not in before
        assert len(after[r["other_id"]] & old) >= len(after[r["cluster_id"]] & old)


def test_a_rebuild_with_new_offers_keeps_the_ids_of_most_offers_and_the_store_ingests_after_it(tmp_path, catalog):
    path = tmp_path / "s.duckdb"
    old, new = catalog.slice(0, 1350), catalog.slice(1350)
    create_store(samesku.cluster(old.slice(0, 1300)), path)   # 50 stored offers are not in the rebuild's input
    before = _clusters(path)
    cluster_of = {o: c for c, m in before.items() for o in m}
    done = rebuild_store(samesku.cluster(pa.concat_tables([old.slice(50), new])), path)
    after = _clusters(path)
    now_of = {o: c for c, m in after.items() for o in m}
    assert done["new_offers"] == 150 + 50   # 150 new, 50 never stored before
    assert done["left"] == 50 and all(o not in now_of for o in old.slice(0, 50).column("offer_id").to_pylist())
    kept = np.mean([now_of[o] == c for o, c in cluster_of.items() if o in now_of])
    assert kept >= 0.9
    counts = ingest(catalog.slice(0, 50), path)   # the offers that left come back
    assert counts["new_offers"] == 50


def test_export_writes_the_files_of_the_run_that_created_the_store(tmp_path, catalog):
    bad = catalog.slice(0, 20)
    bad = bad.set_column(bad.column_names.index("title"), "title", pa.nulls(20, pa.string()))
    run = samesku.cluster(pa.concat_tables([bad, catalog.slice(20)]))
    create_store(run, tmp_path / "s.duckdb")
    run.write(tmp_path / "run")
    summary = export(tmp_path / "s.duckdb", tmp_path / "out")
    for name, key in (("assignments", "offer_id"), ("clusters", "cluster_id"), ("rejected", "_row")):
        want = pq.read_table(tmp_path / "run" / f"{name}.parquet").sort_by(key)
        got = pq.read_table(tmp_path / "out" / f"{name}.parquet").sort_by(key)
        assert got.column_names == want.column_names, name
        assert got.to_pylist() == want.to_pylist(), name
    cols = ["offer_id_a", "offer_id_b", "stage"]
    want = pq.read_table(tmp_path / "run" / "edges.parquet").select(cols).sort_by([(c, "ascending") for c in cols])
    got = pq.read_table(tmp_path / "out" / "edges.parquet")
    lo = pc.min_element_wise(got.column("offer_id_a"), got.column("offer_id_b"))
    hi = pc.max_element_wise(got.column("offer_id_a"), got.column("offer_id_b"))
    got = pa.table({"offer_id_a": lo, "offer_id_b": hi, "stage": got.column("stage")})
    lo = pc.min_element_wise(want.column("offer_id_a"), want.column("offer_id_b"))
    hi = pc.max_element_wise(want.column("offer_id_a"), want.column("offer_id_b"))
    want = pa.table({"offer_id_a": lo, "offer_id_b": hi, "stage": want.column("stage")})
    key = [(c, "ascending") for c in cols]
    assert got.sort_by(key).equals(want.sort_by(key))
    assert summary["input_rows"] == summary["assigned"] + summary["rejected"] == catalog.num_rows
    assert summary["rejected"] == 20 and (tmp_path / "out" / "report.html").stat().st_size > 1000
    assert (tmp_path / "out" / "fitted").is_dir()
