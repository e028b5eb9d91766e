"""The store's schema: versioned, migrated forward, stored arrays standing in for a re-encode."""

from __future__ import annotations

import shutil

import numpy as np
import pyarrow as pa

import samesku
from samesku.store import ClusterStore, create_store, ingest
from samesku.store.schema import SCHEMA_VERSION
from samesku.synth import generate_batches


def _downgrade_to_v1(path) -> None:
    """What a store written by schema version 1 held: no review tables, no stored arrays."""
    with ClusterStore.open(path) as s:
        for table in ("actions", "labels", "offer_arrays"):
            s.con.execute(f"DROP TABLE {table}")
        s.con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")


def test_a_version_1_store_is_migrated_and_ingests_the_same_clusters_as_a_new_one(tmp_path):
    t = pa.Table.from_batches(list(generate_batches(900, seed=3)))
    t = t.take(pa.array(np.random.default_rng(3).permutation(t.num_rows)))
    first, second = t.slice(0, 600), t.slice(600)
    new, old = tmp_path / "new.duckdb", tmp_path / "old.duckdb"
    create_store(samesku.cluster(first), new)
    shutil.copy(new, old)
    _downgrade_to_v1(old)

    ingest(second, new)
    ingest(second, old)   # opened: migrated to the current version; its stored offers are encoded once

    def state(path):
        with ClusterStore.open(path, read_only=True) as s:
            return (s.meta("schema_version"),
                    s.sql("SELECT offer_id, cluster_id FROM offers ORDER BY offer_id").to_pylist(),
                    s.sql("SELECT cluster_id, size FROM clusters ORDER BY cluster_id").to_pylist(),
                    int(s.scalar("SELECT count(*) FROM offer_arrays")),
                    {r[0] for r in s.con.execute("SELECT table_name FROM information_schema.tables").fetchall()})

    v_new, offers_new, clusters_new, arrays_new, tables_new = state(new)
    v_old, offers_old, clusters_old, arrays_old, tables_old = state(old)
    assert v_new == v_old == str(SCHEMA_VERSION)
    assert {"actions", "labels", "offer_arrays"} <= tables_old
    assert offers_old == offers_new and clusters_old == clusters_new
    assert arrays_new == arrays_old == t.num_rows   # the migrated store's offers got their arrays
