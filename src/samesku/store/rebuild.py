"""A full rebuild that keeps ids: ``samesku cluster INPUT... --store PATH --rebuild``.

The catalog is clustered again from scratch (with a new model or config, say), and the
store's cluster ids are carried to the new clusters by overlap (:func:`carry_ids`): a
cluster that did not change keeps its id; where old clusters merged, the largest one's id
survives and the others resolve to it; where one split, the largest piece keeps the id
and the others get ids never issued before. The input is the whole catalog: stored offers
it no longer holds leave the store (``lineage``: ``leave``). The new fitted state, model
and config replace the old ones, and everything is one transaction.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from samesku import schema as S
from samesku.config import Config
from samesku.errors import StoreError
from samesku.result import RunResult
from samesku.store.create import batch_row, rejected_rows, run_rows
from samesku.store.naming import carry_ids, ended, fresh_ids
from samesku.store.store import ClusterStore

_REPLACED = ("offers", "offer_arrays", "keys", "edges", "clusters")


def carried_names(new_ids: list[str], offer_ids: list[str], old_ids: list[str | None],
                  issued: Any) -> tuple[dict[str, str], list[tuple[str, str]], list[tuple[str, str]], list[str]]:
    """(new run's cluster id -> store id, [(kept, merged-away)], [(piece, split from)], created ids).

    ``new_ids[i]`` is offer i's cluster in the new run, ``old_ids[i]`` its stored cluster
    (None for an offer the store did not hold)."""
    names, groups = np.unique(np.asarray(new_ids, dtype=object).astype(str), return_inverse=True)
    named, merged, split = carry_ids(groups, np.asarray(old_ids, dtype=object))
    mins: dict[int, str] = {}
    for g, oid in zip(groups.tolist(), offer_ids, strict=True):
        if g not in mins or oid < mins[g]:
            mins[g] = oid
    unnamed = [g for g in range(len(names)) if g not in named]
    fresh = dict(zip(unnamed, fresh_ids([mins[g] for g in unnamed], issued), strict=True))
    id_of = {**named, **fresh}
    return ({str(names[g]): cid for g, cid in id_of.items()}, [(id_of[g], gone) for g, gone in merged],
            [(id_of[g], src) for g, src in split], [fresh[g] for g in unnamed])


def _rename(table: pa.Table, mapping: dict[str, str]) -> pa.Table:
    col = table.column_names.index(S.CLUSTER_ID)
    renamed = pa.array([mapping[c] for c in table.column(S.CLUSTER_ID).to_pylist()], pa.string())
    return table.set_column(col, S.CLUSTER_ID, renamed)


def rebuild_store(result: RunResult, path: str | Path, *, wait: float = 30.0) -> dict[str, Any]:
    """Replace the store's clusters by a new run's, carrying ids by overlap; what changed."""
    started = time.time()
    path = Path(path)
    with ClusterStore.open(path, wait=wait) as store:
        if not store.exists:
            raise StoreError(f"no store at {path} to rebuild: drop --rebuild to create it")
        old = store.sql("SELECT offer_id, offer_key, cluster_id FROM offers")
        old_key = dict(zip(old.column(S.OFFER_ID).to_pylist(), old.column("offer_key").to_pylist(), strict=True))
        old_cluster = dict(zip(old.column(S.OFFER_ID).to_pylist(), old.column(S.CLUSTER_ID).to_pylist(), strict=True))
        assignments, clusters, analysed = result.assignments, result.clusters, result.offers
        offer_ids = [str(x) for x in assignments.column(S.OFFER_ID).to_pylist()]
        mapping, merged, splits, created = carried_names(
            assignments.column(S.CLUSTER_ID).to_pylist(), offer_ids, [old_cluster.get(o) for o in offer_ids],
            store.issued)
        assignments, clusters = _rename(assignments, mapping), _rename(clusters, mapping)
        next_key = store.next_offer_key()
        ids = [str(x) for x in analysed.column(S.OFFER_ID).to_pylist()]
        fresh = [o not in old_key for o in ids]
        keys = np.asarray([old_key.get(o, -1) for o in ids], dtype=np.int64)
        keys[np.asarray(fresh, dtype=bool)] = np.arange(next_key, next_key + sum(fresh), dtype=np.int64)
        batch = store.next_batch()
        config = Config.from_dict(result.summary["config"])
        rows, arrays, index, edges = run_rows(result, assignments, keys, config, batch)
        kept_ids = set(ids)
        left = sorted(o for o in old_key if o not in kept_ids)
        live_after = set(clusters.column(S.CLUSTER_ID).to_pylist())
        old_live = {str(c) for c in store.sql("SELECT cluster_id FROM clusters").column(S.CLUSTER_ID).to_pylist()}
        emptied = sorted(old_live - live_after - {g for _, g in merged})
        counts: dict[str, Any] = {
            "input_rows": int(result.summary.get("input_rows", 0)), "assigned": len(ids),
            "rejected": int(result.summary.get("rejected", 0)), "new_offers": int(sum(fresh)), "left": len(left),
            "clusters_before": len(old_live), "clusters_after": len(live_after),
            "ids_kept": len(live_after & old_live), "created": len(created), "merged": len(merged), "split": len(splits),
            "emptied": len(emptied),
        }
        with store.batch() as con:
            for table in _REPLACED:
                con.execute(f"DELETE FROM {table}")
            store.insert(con, "offers", rows)
            store.insert(con, "offer_arrays", arrays)
            store.insert(con, "keys", index)
            store.insert(con, "edges", edges)
            store.insert(con, "clusters", clusters.append_column(
                "batch_id", pa.array(np.full(clusters.num_rows, batch, np.int64))))
            _record(store, con, batch, merged, splits, created, emptied, left, old_cluster)
            store.insert(con, "rejected", rejected_rows(result.rejected, batch))
            counts["seconds"] = round(time.time() - started, 3)
            store.insert(con, "batches", batch_row(batch, "rebuild", started, {**result.summary, **counts},
                                                   new_offers=counts["new_offers"], unchanged=len(ids) - counts["new_offers"],
                                                   changed=0, clusters_after=counts["clusters_after"]))
            store.save_state(con, result.fitted, result.model, config)
            store.save_seen_ids(con, None, ids)
        return {**counts, "batch": batch}


def _record(store: ClusterStore, con: Any, batch: int, merged: list[tuple[str, str]], splits: list[tuple[str, str]],
            created: list[str], emptied: list[str], left: list[str], old_cluster: dict[str, str]) -> None:
    """The rebuild's id registry changes and lineage events."""
    def rows(kind: str, cluster_ids: list[str], other: list[str] | None = None, offers: list[str] | None = None) -> pa.Table:
        n = len(cluster_ids)
        return pa.table({"batch_id": pa.array(np.full(n, batch, np.int64)), "kind": pa.array([kind] * n, pa.string()),
                         S.CLUSTER_ID: pa.array(cluster_ids, pa.string()),
                         "other_id": pa.array(other if other is not None else [None] * n, pa.string()),
                         S.OFFER_ID: pa.array(offers if offers is not None else [None] * n, pa.string())})

    if created:
        store.insert(con, "cluster_ids", pa.table({S.CLUSTER_ID: pa.array(created, pa.string()),
                                                   "state": pa.array(["live"] * len(created), pa.string()),
                                                   "created_batch": pa.array(np.full(len(created), batch, np.int64))}))
        store.insert(con, "lineage", rows("create", created))
    ended(store, con, batch, merged, emptied)
    if merged:
        store.insert(con, "lineage", rows("merge", [k for k, _ in merged], [g for _, g in merged]))
    if splits:
        store.insert(con, "lineage", rows("split", [k for k, _ in splits], [g for _, g in splits]))
    if left:
        store.insert(con, "lineage", rows("leave", [old_cluster[o] for o in left], offers=left))
