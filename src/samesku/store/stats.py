"""``samesku stats``: what a store holds and how it grew."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from samesku.store.store import ClusterStore


def store_stats(path: str | Path, *, wait: float = 30.0, largest: int = 10, recent: int = 20) -> dict[str, Any]:
    """Size, growth per batch, the epsilon distribution, the largest clusters and the latest merges and splits."""
    with ClusterStore.open(path, read_only=True, wait=wait) as store:
        eps = store.sql("""SELECT quantile_cont(epsilon, 0.5) AS p50, quantile_cont(epsilon, 0.9) AS p90,
                                  quantile_cont(epsilon, 0.99) AS p99, max(epsilon) AS max
                           FROM clusters WHERE size > 1""").to_pylist()[0]
        return {
            "schema_version": int(store.meta("schema_version") or 0),
            "created_at": store.meta("created_at"),
            "offers": int(store.scalar("SELECT count(*) FROM offers")),
            "clusters": int(store.scalar("SELECT count(*) FROM clusters")),
            "ids_issued": int(store.scalar("SELECT count(*) FROM cluster_ids")),
            "ids_merged": int(store.scalar("SELECT count(*) FROM cluster_ids WHERE state = 'merged'")),
            "rejected": int(store.scalar("SELECT count(*) FROM rejected")),
            "batches": store.sql("""SELECT batch_id, kind, finished_at, input_rows, new_offers, changed, unchanged,
                                           rejected, clusters_after FROM batches ORDER BY batch_id""").to_pylist(),
            "epsilon": eps,
            "largest": store.sql(f"""SELECT cluster_id, size, representative_title FROM clusters
                                     ORDER BY size DESC, cluster_id LIMIT {int(largest)}""").to_pylist(),
            "recent_events": store.sql(f"""SELECT batch_id, kind, cluster_id, other_id FROM lineage
                                           WHERE kind IN ('merge', 'split') ORDER BY batch_id DESC, cluster_id
                                           LIMIT {int(recent)}""").to_pylist(),
        }
