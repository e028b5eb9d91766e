"""The daily ingest: a batch of offers joins a store's clusters, with the store's fitted state and model.

The same steps as a batch run (:func:`samesku.pipeline.run_stages`), on a working set
(:mod:`samesku.store.working`): the batch's new (and changed) offers and the stored
clusters they may join — per batch offer those sharing the most keys and title-vector
neighbours with it. A small touched cluster comes in whole, with the store's edges among
it as pairs already scored, and is clustered again: an offer joins a cluster, starts one
or bridges two, and the new evidence may also split it, as clustering everything at once
would. A larger one takes part through a few members carrying its whole profile (joined
or merged, not split); its other members follow it unread. (Continuing from the stored
clusters by merging only, every cluster a unit, lost clearly over ten batches; see
``benchmarks/README.md``.) Nothing is fitted: offers are analysed, encoded and scored
with the store's state.

Ids stay (:func:`samesku.store.naming.carry_ids`): a cluster keeps its id while it exists;
in a merge the larger stored cluster's id survives and the other resolves to it
(``cluster_ids.resolved_to``); in a split the larger piece keeps the id; a new cluster gets
an id never issued before. A re-sent offer with the same content is a no-op; with changed
content it leaves its cluster and is placed again (both in ``lineage``). The batch is one
transaction.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from samesku import pipeline
from samesku import schema as S
from samesku.engines.local import LocalEngine, Prepared
from samesku.errors import StoreError
from samesku.fitting import effective_config
from samesku.match.arrays import arrays_from_table, concat_arrays
from samesku.merge.profiles import ProfileSource
from samesku.progress import Reporter
from samesku.store.create import arrays_rows, batch_row, edge_rows, rejected_rows
from samesku.store.index import index_keys
from samesku.store.naming import carry_ids, ended, fresh_ids
from samesku.store.store import ClusterStore, content_hashes, offer_rows, stored_offers, with_rows
from samesku.store.working import Working, units_of, working_set


def _registered(store: ClusterStore, name: str, table: pa.Table) -> str:
    store.con.register(name, table)
    return name


def _stored_edges(store: ClusterStore, keys: np.ndarray) -> pa.Table:
    _registered(store, "_wkeys", pa.table({"offer_key": pa.array(keys, pa.int64())}))
    got = store.sql("""
        SELECT e.* FROM edges e
        JOIN _wkeys a ON a.offer_key = e.key_a JOIN _wkeys b ON b.offer_key = e.key_b""")
    store.con.unregister("_wkeys")
    return got


def _edge_columns(edges: pa.Table, keys: np.ndarray) -> dict[str, np.ndarray]:
    """Stored edges among the working set's stored offers (rows ``0..len(keys)-1``, by offer key) as edge columns."""
    row_of = {int(k): i for i, k in enumerate(keys.tolist())}
    a = np.asarray([row_of[int(k)] for k in edges.column("key_a").to_pylist()], dtype=np.int64)
    b = np.asarray([row_of[int(k)] for k in edges.column("key_b").to_pylist()], dtype=np.int64)
    return {"a": np.minimum(a, b), "b": np.maximum(a, b),
            "pair_probability": edges.column("pair_probability").to_numpy(zero_copy_only=False).astype(np.float64),
            "model_probability": edges.column("model_probability").to_numpy(zero_copy_only=False).astype(np.float64),
            "veto": np.asarray([v or "" for v in edges.column("veto").to_pylist()], dtype=object),
            "stage": edges.column("stage").to_numpy(zero_copy_only=False).astype(np.int8)}


def ingest(offers: pipeline.Offers, store_path: str | Path, *, mapping: dict[str, str] | None = None,
           reporter: Reporter | None = None, wait: float = 30.0) -> dict[str, Any]:
    """Add a batch of offers to the store at ``store_path``; the batch's counts (see the module docstring)."""
    t0 = time.perf_counter()
    started = time.time()
    with ClusterStore.open(store_path, wait=wait) as store:
        fitted, model, given = store.fitted(), store.model(), store.config()
        config = effective_config(given, fitted.seller_check)
        eng = LocalEngine(given)
        timer = eng.timer(reporter)
        with timer.step("read") as rep:
            read = eng.read(pipeline._source(offers), mapping, given, progress=rep.advance)
        batch_offers: pa.Table = read.offers
        ids = [str(x) for x in batch_offers.column(S.OFFER_ID).to_pylist()]
        hashes = content_hashes(batch_offers)
        seen = store.seen_ids()
        maybe = [i for i in ids if i in seen]
        _registered(store, "_maybe", pa.table({S.OFFER_ID: pa.array(maybe, pa.string())}))
        known = store.sql("SELECT o.offer_id, o.offer_key, o.content_hash, o.cluster_id FROM offers o "
                          "JOIN _maybe m ON m.offer_id = o.offer_id")
        store.con.unregister("_maybe")
        by_id = {r[S.OFFER_ID]: r for r in known.to_pylist()}
        unchanged = np.array([i in by_id and by_id[i]["content_hash"] == h for i, h in zip(ids, hashes, strict=True)],
                             dtype=bool)
        changed = np.array([i in by_id and not u for i, u in zip(ids, unchanged.tolist(), strict=True)], dtype=bool)
        todo = batch_offers.filter(pa.array(~unchanged))
        todo_ids = [i for i, u in zip(ids, unchanged.tolist(), strict=True) if not u]
        todo_hashes = [h for h, u in zip(hashes, unchanged.tolist(), strict=True) if not u]
        leaving = np.asarray([by_id[i]["offer_key"] for i, c in zip(ids, changed.tolist(), strict=True) if c], np.int64)
        left_from = {by_id[i][S.CLUSTER_ID]: 0 for i, c in zip(ids, changed.tolist(), strict=True) if c}
        next_key = store.next_offer_key()
        fresh_keys = np.asarray([by_id[i]["offer_key"] if i in by_id else -1 for i in todo_ids], dtype=np.int64)
        new = fresh_keys < 0
        fresh_keys[new] = np.arange(next_key, next_key + int(new.sum()), dtype=np.int64)

        counts: dict[str, Any] = {"input_rows": int(read.input_rows), "rejected": int(read.rejected.num_rows),
                                  "unchanged": int(unchanged.sum()), "changed": int(changed.sum()),
                                  "new_offers": int(new.sum())}
        batch = store.next_batch()
        if todo.num_rows == 0:
            with store.batch() as con:
                store.insert(con, "rejected", rejected_rows(read.rejected, batch))
                store.insert(con, "batches", batch_row(batch, "ingest", started, {**counts, "assigned": 0},
                                                       new_offers=0, unchanged=counts["unchanged"], changed=0,
                                                       clusters_after=int(store.scalar("SELECT count(*) FROM clusters"))))
            return {**counts, "batch": batch, "assigned": 0, "joined": 0, "created": 0, "merged": 0, "split": 0,
                    "clusters_after": int(store.scalar("SELECT count(*) FROM clusters")),
                    "seconds": round(time.perf_counter() - t0, 3)}

        _backfill_arrays(store, eng, fitted, given, timer)
        analysed = pipeline.analyse(eng, todo, fitted.gazetteer, given, timer)
        fresh = pipeline.prepare_with(eng, analysed, fitted, given, timer)
        with timer.step("working set"):
            keys = index_keys(fresh.offers, fresh.arrays.vectors, fresh_keys, fitted, given)
            ws = working_set(store, keys, leaving, set(left_from), fresh.arrays.vectors, fresh_keys, given.store)
            stored = ws.offers
            touched = ws.touched
        n_stored = stored.num_rows
        stored_keys = stored.column("offer_key").to_numpy(zero_copy_only=False).astype(np.int64)
        stored_ids = np.asarray(stored.column(S.CLUSTER_ID).to_pylist() + [None] * todo.num_rows, dtype=object)
        with timer.step("stored arrays"):
            old_offers = with_rows(offer_rows(stored), 0)
            old_arrays = store.arrays_of(stored_keys)
        if old_arrays is None:
            raise StoreError(f"store {store_path}: stored offers without their arrays (offer_arrays)")
        old_encoded = arrays_from_table(old_arrays)
        units = units_of(store, ws, ProfileSource(old_encoded))
        # the batch's offers keep their passthrough columns (stored offers hold theirs in `extra`)
        work = Prepared(pa.concat_tables([old_offers, with_rows(fresh.offers, n_stored)], promote_options="default"),
                        concat_arrays([old_encoded, fresh.arrays]))
        all_keys = np.concatenate([stored_keys, fresh_keys])
        scored = eng.edges_from(_edge_columns(_stored_edges(store, stored_keys), stored_keys))
        labels, edges, stage_stats, refused = pipeline.run_stages(eng, work, fitted, model, config, timer, scored, units)
        # a unit's members not read follow its anchor (they stand for themselves in the id count)
        weights = np.ones(work.offers.num_rows, dtype=np.int64)
        for u in ws.units:
            weights[ws.anchor[u]] += ws.rest[u]

        # ids: carried by overlap (a merge keeps the larger id), never-issued ids for new clusters
        final = labels.labels
        named, merged_into, split_from = carry_ids(final, stored_ids, weights)
        offer_ids = np.asarray(work.offers.column(S.OFFER_ID).to_pylist(), dtype=object).astype(str)
        order = np.lexsort((offer_ids, final))
        first = np.r_[True, final[order][1:] != final[order][:-1]]
        group_min = dict(zip(final[order[first]].tolist(), offer_ids[order[first]].tolist(), strict=True))
        new_groups = [g for g in group_min if g not in named]

        id_of = dict(named)
        id_of.update(zip(new_groups, fresh_ids([group_min[g] for g in new_groups], store.issued), strict=True))
        name_of = {group_min[g]: cid for g, cid in id_of.items()}
        with timer.step("outputs"):
            assignments, clusters, edge_table = eng.outputs(
                work, labels, edges, read.passthrough, config,
                naming=lambda mins: np.asarray([name_of[str(m)] for m in mins.tolist()], dtype=object))

        cluster_of = np.asarray(pc.take(assignments.column(S.CLUSTER_ID),
                                        pc.index_in(work.offers.column(S.OFFER_ID), value_set=assignments.column(S.OFFER_ID))
                                        ).to_pylist(), dtype=object)
        # a unit's members not read go where its anchor went; its cluster row counts them
        follow = {u: str(cluster_of[ws.anchor[u]]) for u in ws.units}
        clusters = _with_unread(clusters, follow, ws)
        merged = [(id_of[g], gone) for g, gone in merged_into]
        splits = [(id_of[g], src) for g, src in split_from]
        live_now = set(clusters.column(S.CLUSTER_ID).to_pylist())
        emptied = [c for c in touched if c not in live_now and all(c != g for _, g in merged)]
        fresh_rows = np.arange(n_stored, n_stored + todo.num_rows)
        stored_cluster_set = set(str(c) for c in stored_ids[:n_stored].tolist())
        joined = [(cluster_of[r], offer_ids[r]) for r in fresh_rows.tolist() if cluster_of[r] in stored_cluster_set]
        created = [id_of[g] for g in new_groups]
        edge_new = edge_rows(edge_table, work.offers.column(S.OFFER_ID).combine_chunks(), all_keys, batch)
        fresh_key_set = pa.array(fresh_keys, pa.int64())
        edge_new = edge_new.filter(pc.or_(pc.is_in(edge_new.column("key_a"), value_set=fresh_key_set),
                                          pc.is_in(edge_new.column("key_b"), value_set=fresh_key_set)))
        fresh_assign = assignments.filter(pc.is_in(assignments.column(S.OFFER_ID), value_set=pa.array(todo_ids, pa.string())))
        new_rows = stored_offers(analysed, fresh_assign, fresh_keys, todo_hashes, batch)
        stored_assign = pa.table({"offer_key": pa.array(stored_keys, pa.int64()),
                                  S.CLUSTER_ID: pa.array(cluster_of[:n_stored].tolist(), pa.string()),
                                  S.MATCH_PROBABILITY: pc.take(assignments.column(S.MATCH_PROBABILITY), pc.index_in(
                                      work.offers.column(S.OFFER_ID).slice(0, n_stored),
                                      value_set=assignments.column(S.OFFER_ID)))})
        # only the stored rows whose cluster or probability changed are written (a DuckDB
        # update costs per row, and most rows read keep both)
        before_p = stored.column(S.MATCH_PROBABILITY).to_numpy(zero_copy_only=False).astype(np.float64)
        after_p = stored_assign.column(S.MATCH_PROBABILITY).to_numpy(zero_copy_only=False).astype(np.float64)
        same_p = (before_p == after_p) | (np.isnan(before_p) & np.isnan(after_p))
        same_c = cluster_of[:n_stored] == stored_ids[:n_stored]
        stored_assign = stored_assign.filter(pa.array(~(same_p & same_c)))
        counts.update({"assigned": int(todo.num_rows), "joined": len(joined), "created": len(created),
                       "merged": len(merged), "split": len(splits), "working_set": int(work.offers.num_rows), "stages": stage_stats,
                       "refused_merges": refused})
        with timer.step("commit"):
            with store.batch() as con:
                moves = {u: c for u, c in follow.items() if c != u}
                if moves:   # before the rows read are placed: they are among the members renamed here
                    store.con.register("_follow", pa.table({"old": pa.array(list(moves), pa.string()),
                                                            "new": pa.array(list(moves.values()), pa.string())}))
                    con.execute("UPDATE offers SET cluster_id = f.new FROM _follow f WHERE offers.cluster_id = f.old")
                    store.con.unregister("_follow")
                _apply(store, con, batch, leaving, left_from, by_id, ids, changed, new_rows, stored_assign, touched,
                       clusters, merged, splits, emptied, created, joined, keys, edge_new, read.rejected)
                store.insert(con, "offer_arrays", arrays_rows(fresh.arrays, fresh_keys))
                counts["clusters_after"] = int(store.scalar("SELECT count(*) FROM clusters"))
                counts["seconds"] = round(time.perf_counter() - t0, 3)
                counts["seconds_by_step"] = {k: round(v, 3) for k, v in timer.seconds.items()}
                store.insert(con, "batches", batch_row(batch, "ingest", started, counts, new_offers=counts["new_offers"],
                                                       unchanged=counts["unchanged"], changed=counts["changed"],
                                                       clusters_after=counts["clusters_after"]))
                store.save_seen_ids(con, seen, [i for i, k in zip(todo_ids, new.tolist(), strict=True) if k])
        counts["seconds"] = round(time.perf_counter() - t0, 3)
        return {**counts, "batch": batch}


def _backfill_arrays(store: ClusterStore, eng: LocalEngine, fitted: Any, config: Any, timer: Any) -> None:
    """Encode the stored offers that have no stored arrays (a store migrated from schema 1), once.

    Its own transaction before the batch's: it changes no cluster, so a crash after it
    leaves a valid store, and the batch then runs as on a store created with arrays.
    """
    missing = store.sql("SELECT o.* FROM offers o ANTI JOIN offer_arrays a ON a.offer_key = o.offer_key "
                        "ORDER BY o.offer_key")
    if missing.num_rows == 0:
        return
    arrays = pipeline.prepare_with(eng, with_rows(offer_rows(missing), 0), fitted, config, timer,
                                   step="encode stored offers (once)").arrays
    keys = missing.column("offer_key").to_numpy(zero_copy_only=False).astype(np.int64)
    with store.batch() as con:
        store.insert(con, "offer_arrays", arrays_rows(arrays, keys))


def _with_unread(clusters: pa.Table, follow: dict[str, str], ws: Working) -> pa.Table:
    """Cluster rows counting the members of units that were not read (size, price range).

    The other columns (representative, uncertainty) come from the members read and the
    batch's offers; a rebuild recomputes them from every member.
    """
    if not follow:
        return clusters
    add: dict[str, int] = {}
    lo: dict[str, float] = {}
    hi: dict[str, float] = {}
    for u, c in follow.items():
        add[c] = add.get(c, 0) + ws.rest[u]
        a, b = ws.rest_price[u]
        if a == a:
            lo[c] = min(lo.get(c, a), a)
        if b == b:
            hi[c] = max(hi.get(c, b), b)
    ids = clusters.column(S.CLUSTER_ID).to_pylist()
    size = [s + add.get(c, 0) for c, s in zip(ids, clusters.column("size").to_pylist(), strict=True)]

    def ranged(col: str, extra: dict[str, float], pick: Any) -> pa.Array:
        vals = clusters.column(col).to_pylist()
        return pa.array([v if c not in extra else (extra[c] if v is None or v != v else pick(v, extra[c]))
                         for c, v in zip(ids, vals, strict=True)], pa.float64())

    out = clusters.set_column(clusters.column_names.index("size"), "size", pa.array(size, pa.int64()))
    out = out.set_column(out.column_names.index("price_min"), "price_min", ranged("price_min", lo, min))
    return out.set_column(out.column_names.index("price_max"), "price_max", ranged("price_max", hi, max))


def _apply(store: ClusterStore, con: Any, batch: int, leaving: np.ndarray, left_from: dict[str, int],
           by_id: dict[str, dict[str, Any]], ids: Sequence[str], changed: np.ndarray, new_rows: pa.Table,
           stored_assign: pa.Table, touched: list[str], clusters: pa.Table, merged: list[tuple[str, str]],
           splits: list[tuple[str, str]], emptied: list[str], created: list[str], joined: list[tuple[str, str]], keys: pa.Table, edges: pa.Table,
           rejected: pa.Table) -> None:
    """Every change of one batch, inside its transaction."""
    def rows(**cols: Any) -> pa.Table:
        n = max(len(v) for v in cols.values())
        return pa.table({k: (pa.array(v) if len(v) == n else pa.array(v * n)) for k, v in cols.items()})

    if len(leaving):
        store.con.register("_gone", pa.table({"offer_key": pa.array(leaving, pa.int64())}))
        for table, col in (("offers", "offer_key"), ("offer_arrays", "offer_key"), ("keys", "offer_key"),
                           ("edges", "key_a"), ("edges", "key_b")):
            con.execute(f"DELETE FROM {table} WHERE {col} IN (SELECT offer_key FROM _gone)")
        store.con.unregister("_gone")
        moved = [i for i, c in zip(ids, changed.tolist(), strict=True) if c]
        store.insert(con, "lineage", rows(batch_id=[batch], kind=["leave"],
                                          cluster_id=[by_id[i][S.CLUSTER_ID] for i in moved], offer_id=moved))
    store.insert(con, "offers", new_rows)
    if stored_assign.num_rows:
        store.con.register("_moved", stored_assign)
        con.execute("UPDATE offers SET cluster_id = m.cluster_id, match_probability = m.match_probability "
                    "FROM _moved m WHERE offers.offer_key = m.offer_key")
        store.con.unregister("_moved")
    gone = sorted(set(touched) | {g for _, g in merged} | set(clusters.column(S.CLUSTER_ID).to_pylist()))
    store.con.register("_ids", pa.table({S.CLUSTER_ID: pa.array(gone, pa.string())}))
    con.execute("DELETE FROM clusters WHERE cluster_id IN (SELECT cluster_id FROM _ids)")
    store.con.unregister("_ids")
    store.insert(con, "clusters", clusters.append_column("batch_id", pa.array(np.full(clusters.num_rows, batch, np.int64))))
    if created:
        store.insert(con, "cluster_ids", rows(cluster_id=created, state=["live"], created_batch=[batch]))
        store.insert(con, "lineage", rows(batch_id=[batch], kind=["create"], cluster_id=created))
    ended(store, con, batch, merged, emptied)
    if merged:
        store.insert(con, "lineage", rows(batch_id=[batch], kind=["merge"], cluster_id=[k for k, _ in merged],
                                          other_id=[g for _, g in merged]))
    if splits:
        store.insert(con, "lineage", rows(batch_id=[batch], kind=["split"], cluster_id=[k for k, _ in splits],
                                          other_id=[g for _, g in splits]))
    if joined:
        store.insert(con, "lineage", rows(batch_id=[batch], kind=["join"], cluster_id=[c for c, _ in joined],
                                          offer_id=[o for _, o in joined]))
    store.insert(con, "keys", keys)
    store.insert(con, "edges", edges)
    store.insert(con, "rejected", rejected_rows(rejected, batch))
