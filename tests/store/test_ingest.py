"""The cluster store: created from a run, grown by ingests with stable ids, never half-applied."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import samesku
from samesku.errors import StoreBusyError, StoreError
from samesku.metrics import evaluate_partition
from samesku.store import ClusterStore, create_store, ingest
from samesku.synth import generate_batches


def _catalog(n: int, seed: int = 1) -> pa.Table:
    t = pa.Table.from_batches(list(generate_batches(n, seed=seed)))
    return t.take(pa.array(np.random.default_rng(seed).permutation(t.num_rows)))


def _snapshot(path: Path) -> dict[str, list]:
    """Everything a batch changes, in a comparable order (times left out)."""
    with ClusterStore.open(path, read_only=True) as s:
        return {
            "offers": s.sql("SELECT offer_key, offer_id, content_hash, cluster_id, title FROM offers ORDER BY offer_key").to_pylist(),
            "clusters": s.sql("SELECT cluster_id, size, representative_offer_id FROM clusters ORDER BY cluster_id").to_pylist(),
            "cluster_ids": s.sql("SELECT * FROM cluster_ids ORDER BY cluster_id").to_pylist(),
            "lineage": s.sql("SELECT * FROM lineage ORDER BY ALL").to_pylist(),
            "keys": s.sql("SELECT * FROM keys ORDER BY ALL").to_pylist(),
            "edges": s.sql("SELECT key_a, key_b, stage, batch_id FROM edges ORDER BY ALL").to_pylist(),
            "batches": s.sql("SELECT batch_id, kind, input_rows, new_offers, unchanged, changed FROM batches "
                             "ORDER BY batch_id").to_pylist(),
        }


@pytest.fixture(scope="module")
def parts() -> list[pa.Table]:
    t = _catalog(2400)
    return [t.slice(i * 600, 600) for i in range(4)]


def test_a_store_from_a_run_holds_the_runs_clusters_and_ids(tmp_path, parts):
    result = samesku.cluster(parts[0])
    create_store(result, tmp_path / "s.duckdb")
    with ClusterStore.open(tmp_path / "s.duckdb", read_only=True) as s:
        stored = s.sql("SELECT offer_id, cluster_id FROM offers ORDER BY offer_id")
        assert s.scalar("SELECT count(*) FROM clusters") == result.clusters.num_rows
    run = result.assignments.select(["offer_id", "cluster_id"]).sort_by("offer_id")
    assert stored.equals(run)
    with pytest.raises(StoreError, match="exists"):
        create_store(result, tmp_path / "s.duckdb")


def test_ingested_batches_keep_every_offer_and_give_about_the_clusters_of_one_run(tmp_path, parts):
    path = tmp_path / "s.duckdb"
    create_store(samesku.cluster(parts[0]), path)
    for p in parts[1:]:
        counts = ingest(p, path)
        assert counts["input_rows"] == counts["new_offers"] + counts["changed"] + counts["unchanged"] + counts["rejected"]
    everything = pa.concat_tables(parts)
    truth = dict(zip(everything.column("offer_id").to_pylist(), everything.column("truth").to_pylist(), strict=True))
    with ClusterStore.open(path, read_only=True) as s:
        got = s.sql("SELECT offer_id, cluster_id FROM offers")
        ids = s.sql("SELECT cluster_id, state, resolved_to FROM cluster_ids").to_pylist()
        live = {r["cluster_id"] for r in s.sql("SELECT cluster_id FROM clusters").to_pylist()}
    assert sorted(got.column("offer_id").to_pylist()) == sorted(truth)
    assert set(got.column("cluster_id").to_pylist()) == live
    # an id is issued once; a merged-away id resolves to a live cluster
    assert len({r["cluster_id"] for r in ids}) == len(ids)
    assert all(r["resolved_to"] in live for r in ids if r["state"] == "merged")
    at_once = samesku.cluster(everything).assignments
    inc = evaluate_partition(got.column("cluster_id").to_pylist(), [truth[i] for i in got.column("offer_id").to_pylist()])
    one = evaluate_partition(at_once.column("cluster_id").to_pylist(),
                             [truth[i] for i in at_once.column("offer_id").to_pylist()])
    assert inc["pairwise_f1"] >= one["pairwise_f1"] - 0.03 and inc["ami"] >= one["ami"] - 0.03


def test_re_sending_a_batch_changes_nothing_but_the_batch_log(tmp_path, parts):
    path = tmp_path / "s.duckdb"
    create_store(samesku.cluster(parts[0]), path)
    ingest(parts[1], path)
    before = _snapshot(path)
    counts = ingest(parts[1], path)
    assert counts["unchanged"] == parts[1].num_rows and counts["new_offers"] == counts["changed"] == 0
    after = _snapshot(path)
    assert after["batches"][:-1] == before["batches"]
    assert {k: v for k, v in after.items() if k != "batches"} == {k: v for k, v in before.items() if k != "batches"}


def test_a_changed_offer_is_placed_again_and_its_move_is_in_the_lineage(tmp_path, parts):
    path = tmp_path / "s.duckdb"
    create_store(samesku.cluster(parts[0]), path)
    one = parts[0].slice(0, 1)
    changed = one.set_column(one.column_names.index("title"), "title", pa.array(["Completely different thing 9000 XL"]))
    counts = ingest(changed, path)
    assert counts["changed"] == 1 and counts["new_offers"] == 0
    oid = one.column("offer_id")[0].as_py()
    with ClusterStore.open(path, read_only=True) as s:
        row = s.sql(f"SELECT title, cluster_id FROM offers WHERE offer_id = '{oid}'").to_pylist()
        kinds = [r["kind"] for r in s.sql(f"SELECT kind FROM lineage WHERE offer_id = '{oid}'").to_pylist()]
        total = s.scalar("SELECT count(*) FROM offers")
    assert row == [{"title": "Completely different thing 9000 XL", "cluster_id": row[0]["cluster_id"]}]
    assert "leave" in kinds and total == parts[0].num_rows


_KILLER = textwrap.dedent("""
    import importlib, os, signal, sys
    import pyarrow.parquet as pq
    from samesku.store.store import ClusterStore

    I = importlib.import_module("samesku.store.ingest")   # the module (the package exports the function)

    point, store, batch = sys.argv[1], sys.argv[2], sys.argv[3]
    def die(*_, **__):
        os.kill(os.getpid(), signal.SIGKILL)
    if point == "stages":          # while clustering, before the transaction
        I.pipeline.run_stages = die
    elif point == "inserting":     # inside the transaction, after the offers went in
        insert = ClusterStore.insert
        def dying_insert(self, con, table, rows):
            insert(self, con, table, rows)
            if table == "clusters":
                die()
        ClusterStore.insert = dying_insert
    elif point == "committing":    # everything written, COMMIT not yet
        def dying_seen(self, con, bloom, ids):
            die()
        ClusterStore.save_seen_ids = dying_seen
    I.ingest(pq.read_table(batch), store)
""")


@pytest.mark.parametrize("point", ["stages", "inserting", "committing"])
def test_an_ingest_killed_at_any_point_leaves_the_store_as_before_and_a_rerun_completes_it(tmp_path, parts, point):
    import pyarrow.parquet as pq

    base, ref = tmp_path / "s.duckdb", tmp_path / "ref.duckdb"
    create_store(samesku.cluster(parts[0]), base)
    ingest(parts[1], base)
    ref.write_bytes(base.read_bytes())
    pq.write_table(parts[2], tmp_path / "batch.parquet")
    before = _snapshot(base)
    proc = subprocess.run([sys.executable, "-c", _KILLER, point, str(base), str(tmp_path / "batch.parquet")],
                          capture_output=True, timeout=300, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    assert _snapshot(base) == before
    ingest(parts[2], base)
    ingest(parts[2], ref)
    assert _snapshot(base) == _snapshot(ref)


def test_a_second_process_gets_a_clear_busy_error(tmp_path, parts):
    path = tmp_path / "s.duckdb"
    create_store(samesku.cluster(parts[0]), path)
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('ready', flush=True); time.sleep(60)", str(path)], stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"ready"
        with pytest.raises(StoreBusyError, match="in use by another process"):
            ingest(parts[1], path, wait=0.5)
    finally:
        holder.kill()
        holder.wait()


def test_a_store_of_a_newer_schema_is_refused_with_a_clear_message(tmp_path, parts):
    path = tmp_path / "s.duckdb"
    create_store(samesku.cluster(parts[0]), path)
    with ClusterStore.open(path) as s:
        s.con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="schema version 99.*upgrade samesku"):
        ClusterStore.open(path)
    with pytest.raises(StoreError, match="no store at"):
        ClusterStore.open(tmp_path / "missing.duckdb")


def test_ingest_counts_add_up_with_rejected_rows(tmp_path, parts):
    path = tmp_path / "s.duckdb"
    create_store(samesku.cluster(parts[0]), path)
    bad = parts[1].slice(0, 50)
    titles = pc.if_else(pa.array([i % 10 == 0 for i in range(50)]), pa.scalar(None, pa.string()), bad.column("title"))
    bad = bad.set_column(bad.column_names.index("title"), "title", titles)
    counts = ingest(bad, path)
    assert counts["rejected"] == 5 and counts["new_offers"] == 45
    assert counts["input_rows"] == 50
