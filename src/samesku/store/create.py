"""A store made from a whole run (``samesku cluster ... --store PATH``)."""

from __future__ import annotations

import json
import os
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from samesku import schema as S
from samesku.config import Config
from samesku.errors import StoreError
from samesku.fitting import FittedState
from samesku.match.arrays import OfferArrays, arrays_to_table
from samesku.result import RunResult
from samesku.store.index import index_keys
from samesku.store.store import ClusterStore, content_hashes, stored_offers


def edge_rows(edges: pa.Table, offer_ids: pa.Array, offer_keys: np.ndarray, batch: int) -> pa.Table:
    """Edges with offer ids as rows of the store's ``edges`` table (offer keys, smaller first)."""
    ka = offer_keys[pc.index_in(edges.column("offer_id_a"), value_set=offer_ids).to_numpy(zero_copy_only=False)]
    kb = offer_keys[pc.index_in(edges.column("offer_id_b"), value_set=offer_ids).to_numpy(zero_copy_only=False)]
    lo, hi = np.minimum(ka, kb), np.maximum(ka, kb)
    return pa.table({"key_a": pa.array(lo, pa.int64()), "key_b": pa.array(hi, pa.int64()),
                     S.MATCH_PROBABILITY: edges.column(S.MATCH_PROBABILITY),
                     "pair_probability": edges.column("pair_probability"),
                     "model_probability": edges.column("model_probability"),
                     "veto": edges.column("veto"), "stage": edges.column("stage"),
                     "batch_id": pa.array(np.full(edges.num_rows, batch, np.int64))})


def batch_row(batch: int, kind: str, started: float, summary: dict[str, Any], **counts: int) -> pa.Table:
    """One row of ``batches``."""
    row: dict[str, Any] = {"batch_id": batch, "kind": kind, "started_at": _utc(started), "finished_at": _utc(time.time()),
                           "input_rows": summary.get("input_rows", 0), "assigned": summary.get("assigned", 0),
                           "rejected": summary.get("rejected", 0), **counts,
                           "summary": json.dumps(summary, ensure_ascii=False, default=str)}
    return pa.table({k: [v] for k, v in row.items()})


def _utc(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC).replace(tzinfo=None)


def rejected_rows(rejected: pa.Table, batch: int) -> pa.Table:
    cols = {c: rejected.column(c) for c in S.REJECTED_SCHEMA.names if c in rejected.column_names}
    return pa.table({"batch_id": pa.array(np.full(rejected.num_rows, batch, np.int64)), **cols})


def encoded(analysed: pa.Table, fitted: FittedState, config: Config) -> OfferArrays:
    """The pair-feature arrays of analysed offers, encoded with a fitted state (as the run encoded them)."""
    from samesku import pipeline
    from samesku.engines.local import LocalEngine

    eng = LocalEngine(config)
    prepared = pipeline.prepare_with(eng, analysed, fitted, config, eng.timer(None))
    return prepared.arrays


def arrays_rows(arrays: OfferArrays, offer_keys: np.ndarray) -> pa.Table:
    """Rows of the store's ``offer_arrays`` table."""
    table = arrays_to_table(arrays)
    return table.add_column(0, "offer_key", pa.array(offer_keys, pa.int64()))


def run_rows(result: RunResult, assignments: pa.Table, offer_keys: np.ndarray, config: Config,
             batch: int) -> tuple[pa.Table, pa.Table, pa.Table, pa.Table]:
    """A whole run's rows of ``offers``, ``offer_arrays``, ``keys`` and ``edges`` (row i of
    ``result.offers`` is ``offer_keys[i]``; ``assignments`` say the cluster of each offer)."""
    analysed = result.offers
    rows = stored_offers(analysed, assignments, offer_keys, content_hashes(analysed), batch=batch)
    arrays = encoded(analysed, result.fitted, config)
    index = index_keys(analysed, arrays.vectors, offer_keys, result.fitted, config)
    edges = edge_rows(result.edges, analysed.column(S.OFFER_ID).combine_chunks(), offer_keys, batch=batch)
    return rows, arrays_rows(arrays, offer_keys), index, edges


def create_store(result: RunResult, path: str | Path, *, replace: bool = False) -> dict[str, int]:
    """Write a whole run into a new store at ``path`` (complete or not at all); its counts.

    The store is built in a temporary sibling file and moved into place at the end, so a
    killed creation leaves no half store (and, with ``replace``, the previous one).
    """
    path = Path(path)
    if path.exists() and not replace:
        raise StoreError(f"{path} exists: add offers with `samesku ingest ... --store {path}`, "
                         "or re-cluster it with --rebuild")
    started = time.time()
    analysed, clusters = result.offers, result.clusters
    n = analysed.num_rows
    keys = np.arange(n, dtype=np.int64)
    config = Config.from_dict(result.summary["config"])
    rows, arrays, index, edges = run_rows(result, result.assignments, keys, config, batch=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.tmp-{uuid.uuid4().hex[:8]}"
    try:
        with ClusterStore.open(tmp, create=True) as store:
            with store.batch() as con:
                store.create_tables(con, rows.slice(0, 0), clusters.slice(0, 0))
                store.insert(con, "offers", rows)
                store.insert(con, "clusters", clusters.append_column(
                    "batch_id", pa.array(np.ones(clusters.num_rows, np.int64))))
                ids = clusters.column(S.CLUSTER_ID)
                registry = pa.table({S.CLUSTER_ID: ids, "state": pa.array(["live"] * len(ids), pa.string()),
                                     "created_batch": pa.array(np.ones(len(ids), np.int64))})
                store.insert(con, "cluster_ids", registry)
                store.insert(con, "lineage", pa.table({"batch_id": pa.array(np.ones(len(ids), np.int64)),
                                                       "kind": pa.array(["create"] * len(ids), pa.string()),
                                                       S.CLUSTER_ID: ids}))
                store.insert(con, "keys", index)
                store.insert(con, "offer_arrays", arrays)
                store.insert(con, "edges", edges)
                store.insert(con, "rejected", rejected_rows(result.rejected, 1))
                store.insert(con, "batches", batch_row(1, "cluster", started, result.summary, new_offers=n,
                                                       unchanged=0, changed=0, clusters_after=clusters.num_rows))
                store.save_state(con, result.fitted, result.model, config)
                store.save_seen_ids(con, None, analysed.column(S.OFFER_ID).to_pylist())
            store.con.execute("CHECKPOINT")
        os.replace(tmp, path)
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            if leftover.exists():
                leftover.unlink()
    return {"offers": n, "clusters": clusters.num_rows, "keys": index.num_rows, "edges": edges.num_rows}
