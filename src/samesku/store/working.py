"""An ingest's working set: the stored offers a batch is clustered with, bounded per cluster.

A batch's offers look their blocking keys up in the keys index, and their title vectors
up among the stored offers of their embedding cells; per batch offer, the
``store.clusters_per_offer`` stored clusters sharing the most keys and neighbours with it
are *touched*. A small touched cluster (at most ``store.members_per_cluster`` offers) comes
in whole and is clustered again with the batch: it may split or merge as in a batch run.
A larger one comes in through a few members — those sharing the most keys with the batch,
and its representative — linked to each other first (:class:`~samesku.merge.union.Units`),
the first of them carrying the profile of the whole cluster, so the merge's cannot-link and
seller checks see every member. Its other members follow it (they join whatever it joins)
without being read: the work of an ingest grows with the batch, not with the store.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from samesku import schema as S
from samesku._threads import one_blas_thread
from samesku.config import StoreConfig
from samesku.match.arrays import PROFILE_COLUMNS, matrix_from_binary
from samesku.merge.profiles import Profile, ProfileSource
from samesku.merge.union import Units
from samesku.store.store import ClusterStore


@dataclass
class Working:
    """The stored part of a working set."""

    offers: pa.Table          # stored offers read (``offers`` rows), by cluster, then offer key
    touched: list[str]        # every touched cluster
    units: list[str]          # touched clusters that came in through some members
    anchor: dict[str, int]    # unit -> row in ``offers`` of the member carrying its profile
    rest: dict[str, int]      # unit -> members not read (they follow the unit)
    rest_price: dict[str, tuple[float, float]]   # unit -> price range of those members


def _temp(store: ClusterStore, stem: str, table: pa.Table) -> str:
    name = f"_{stem}_{os.getpid()}"
    store.con.register(name, table)
    return name


def _vector_neighbours(store: ClusterStore, keys: pa.Table, vectors: np.ndarray, batch_keys: np.ndarray,
                       gone: str, vector_k: int) -> pa.Table:
    """(batch offer, stored offer) for each batch offer's ``vector_k`` nearest stored offers by
    title vector among those sharing one of its embedding cells (the ``embedding`` keys)."""
    one_blas_thread()
    emb = keys.filter(pc.equal(keys.column("family"), "embedding"))
    empty = pa.table({"batch_key": pa.array([], pa.int64()), "offer_key": pa.array([], pa.int64())})
    if emb.num_rows == 0:
        return empty
    cells = _temp(store, "cells", pa.table({"key": pc.unique(emb.column("key"))}))
    try:
        stored = store.sql(f"""SELECT k.key, k.offer_key, a.m_vectors FROM keys k
                               JOIN {cells} c ON c.key = k.key AND k.family = 'embedding'
                               JOIN offer_arrays a ON a.offer_key = k.offer_key
                               WHERE k.offer_key NOT IN (SELECT offer_key FROM {gone})
                               ORDER BY k.key, k.offer_key""")
    finally:
        store.con.unregister(cells)
    if stored.num_rows == 0:
        return empty
    svec = matrix_from_binary(stored.column("m_vectors"), np.dtype(np.float32))
    skey = stored.column("offer_key").to_numpy()
    s_cell = stored.column("key").to_numpy(zero_copy_only=False).astype(object)
    row_of = {int(k): i for i, k in enumerate(batch_keys.tolist())}
    b_cell = emb.column("key").to_numpy(zero_copy_only=False).astype(object)
    b_rows = np.asarray([row_of[int(k)] for k in emb.column("offer_key").to_pylist()], dtype=np.int64)
    s_order, b_order = np.argsort(s_cell, kind="stable"), np.argsort(b_cell, kind="stable")
    s_cells, s_start = np.unique(s_cell[s_order], return_index=True)
    s_bounds = dict(zip(s_cells.tolist(), zip(s_start.tolist(), [*s_start[1:].tolist(), len(s_order)], strict=True),
                        strict=True))
    out_b, out_s = [], []
    b_sorted = b_cell[b_order]
    b_cells, b_start = np.unique(b_sorted, return_index=True)
    for cell, lo, hi in zip(b_cells.tolist(), b_start.tolist(), [*b_start[1:].tolist(), len(b_order)], strict=True):
        if cell not in s_bounds:
            continue
        slo, shi = s_bounds[cell]
        srows = s_order[slo:shi]
        brows = b_rows[b_order[lo:hi]]
        sim = vectors[brows] @ svec[srows].T
        k = min(vector_k, len(srows))
        top = np.argpartition(-sim, k - 1, axis=1)[:, :k]
        out_b.append(np.repeat(batch_keys[brows], k))
        out_s.append(skey[srows][top].ravel())
    if not out_b:
        return empty
    return pa.table({"batch_key": pa.array(np.concatenate(out_b), pa.int64()),
                     "offer_key": pa.array(np.concatenate(out_s), pa.int64())})


def working_set(store: ClusterStore, keys: pa.Table, leaving: np.ndarray, also: set[str],
                vectors: np.ndarray, batch_keys: np.ndarray, config: StoreConfig) -> Working:
    """Touched clusters and the stored offers to read of each (``also``: clusters touched anyway,
    those the batch's changed offers leave; ``vectors``: the batch's title vectors, row i for
    offer key ``batch_keys[i]``). Leaves the temporary table ``_members`` (every live member of the
    touched clusters) on the store's connection for :func:`units_of`."""
    cap = int(config.members_per_cluster)
    q = _temp(store, "batch_keys", keys.select(["family", "key", "offer_key"]))
    gone = _temp(store, "leaving", pa.table({"offer_key": pa.array(leaving, pa.int64())}))
    extra = _temp(store, "also", pa.table({S.CLUSTER_ID: pa.array(sorted(also), pa.string())}))
    try:
        # (batch offer, stored offer) per shared key; a key held by more than max_postings
        # stored offers says little about any one of them and is left out (bounded work); an
        # embedding cell is that coarse by design: its members are ranked by title vector
        near = _temp(store, "near", _vector_neighbours(store, keys, vectors, batch_keys, gone, config.vector_k))
        store.con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _hits AS
            WITH postings AS (
                SELECT k.family, k.key, k.offer_key FROM keys k
                JOIN (SELECT DISTINCT family, key FROM {q} WHERE family <> 'embedding') q
                  ON k.family = q.family AND k.key = q.key
                QUALIFY count(*) OVER (PARTITION BY k.family, k.key) <= {int(config.max_postings)}),
            shared AS (
                SELECT b.offer_key AS batch_key, p.offer_key, b.family || ':' || b.key AS via FROM {q} b
                JOIN postings p ON p.family = b.family AND p.key = b.key
                UNION ALL SELECT batch_key, offer_key, 'vector' AS via FROM {near})
            SELECT s.batch_key, s.offer_key, s.via, o.cluster_id
            FROM shared s JOIN offers o ON o.offer_key = s.offer_key
            WHERE o.offer_key NOT IN (SELECT offer_key FROM {gone})""")
        store.con.unregister(near)
        # per batch offer, the stored clusters sharing the most keys with it
        store.con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _touched AS
            WITH per_offer AS (
                SELECT batch_key, cluster_id, count(DISTINCT via) AS shared FROM _hits GROUP BY ALL),
            ranked AS (
                SELECT p.cluster_id, row_number() OVER (PARTITION BY p.batch_key
                                                        ORDER BY p.shared DESC, c.size DESC, p.cluster_id) AS r
                FROM per_offer p JOIN clusters c ON c.cluster_id = p.cluster_id)
            SELECT DISTINCT cluster_id FROM ranked WHERE r <= {int(config.clusters_per_offer)}
            UNION SELECT cluster_id FROM {extra}""")
        store.con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _members AS
            SELECT o.offer_key, o.cluster_id, o.offer_id, o.price,
                   count(*) OVER (PARTITION BY o.cluster_id) AS live
            FROM offers o JOIN _touched t ON t.cluster_id = o.cluster_id
            WHERE o.offer_key NOT IN (SELECT offer_key FROM {gone})""")
        # the members read: all of a small cluster; of a larger one its representative, then
        # the members sharing the most keys with the batch
        store.con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _read AS
            SELECT offer_key, cluster_id, pick FROM (
                SELECT m.offer_key, m.cluster_id, m.live,
                       row_number() OVER (PARTITION BY m.cluster_id ORDER BY
                           (c.representative_offer_id = m.offer_id) DESC, coalesce(h.hits, 0) DESC, m.offer_key) AS pick
                FROM _members m JOIN clusters c ON c.cluster_id = m.cluster_id
                LEFT JOIN (SELECT offer_key, count(*) AS hits FROM _hits GROUP BY offer_key) h
                       ON h.offer_key = m.offer_key)
            WHERE live <= {cap} OR pick <= {cap}""")
        offers = store.sql("SELECT o.* FROM offers o JOIN _read r ON r.offer_key = o.offer_key "
                           "ORDER BY o.cluster_id, r.pick")
        rest = store.sql("""
            SELECT m.cluster_id, count(*) AS n, min(m.price) AS lo, max(m.price) AS hi FROM _members m
            WHERE m.offer_key NOT IN (SELECT offer_key FROM _read)
            GROUP BY m.cluster_id ORDER BY m.cluster_id""")
        touched = [str(c) for c in store.sql("SELECT cluster_id FROM _touched ORDER BY cluster_id")
                   .column(S.CLUSTER_ID).to_pylist()]
    finally:
        for name in (q, gone, extra):
            store.con.unregister(name)
    units = [str(c) for c in rest.column(S.CLUSTER_ID).to_pylist()]
    first: dict[str, int] = {}
    for i, c in enumerate(offers.column(S.CLUSTER_ID).to_pylist()):
        first.setdefault(str(c), i)
    rows = rest.to_pylist()
    nan = float("nan")
    return Working(offers=offers, touched=touched, units=units, anchor={u: first[u] for u in units},
                   rest={r[S.CLUSTER_ID]: int(r["n"]) for r in rows},
                   rest_price={r[S.CLUSTER_ID]: (nan if r["lo"] is None else float(r["lo"]),
                                                 nan if r["hi"] is None else float(r["hi"])) for r in rows})


def units_of(store: ClusterStore, working: Working, own: ProfileSource) -> Units:
    """The units' member links, and on each unit's anchor the profile of its cluster.

    ``own`` holds the profile values of the working set's stored rows (row i = row i of
    ``working.offers``). An anchor's profile is its own absorbed with those of the members
    not read; the members read bring their own values (under the hard seller constraint a
    cluster holds each shop once, so they must not look as if they shared a shop with the
    rest of their own cluster).
    """
    cluster_of = np.asarray(working.offers.column(S.CLUSTER_ID).to_pylist(), dtype=object)
    a: list[int] = []
    b: list[int] = []
    for u in working.units:
        rows = np.flatnonzero(cluster_of == u)
        a.extend([working.anchor[u]] * (len(rows) - 1))
        b.extend(rows[1:].tolist())
    profiles: dict[int, Profile] = {}
    if working.units:
        units = _temp(store, "units", pa.table({S.CLUSTER_ID: pa.array(working.units, pa.string())}))
        cols = ", ".join(f"a.{c}" for c in PROFILE_COLUMNS)
        try:
            t = store.sql(f"""SELECT m.cluster_id, {cols} FROM _members m
                              JOIN {units} u ON u.cluster_id = m.cluster_id
                              JOIN offer_arrays a ON a.offer_key = m.offer_key
                              WHERE m.offer_key NOT IN (SELECT offer_key FROM _read)
                              ORDER BY m.cluster_id, m.offer_key""")
        finally:
            store.con.unregister(units)
        source = ProfileSource.from_table(t)
        for u in working.units:
            profiles[working.anchor[u]] = Profile(own, working.anchor[u])
        for i, c in enumerate(t.column(S.CLUSTER_ID).to_pylist()):
            profiles[working.anchor[str(c)]].absorb(Profile(source, i))
    return Units(a=np.asarray(a, dtype=np.int64), b=np.asarray(b, dtype=np.int64), profiles=profiles)
