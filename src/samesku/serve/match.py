"""``POST /match``: which stored clusters an offer belongs to, read-only (nothing is stored).

The same steps as an ingest's first half, with the store's fitted state and model: read and
validate, analyse, encode, look the offer's blocking keys up in the keys index (at most
:data:`MAX_CLUSTERS_PER_KEY` clusters per key, as the ingest, the largest first), and
score the offer against the members of every cluster found (the best
:data:`MEMBERS_PER_CLUSTER` members by their match probability) with
:func:`samesku.match.score.score_block`. A cluster's probability is its best member's pair
probability after vetoes; the context step of a batch run (which weighs all of an offer's
pairs together) is not applied. The decision: *join* when one cluster reaches the match
threshold, *bridge* when several do, *start* when none does.

A store that keeps its offers' encoded arrays (``ClusterStore.arrays_of``, the ``offer_arrays``
table) gives the members' arrays as stored; a store without them has its members encoded
again on every request: correct, not fast.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, cast

import numpy as np
import pyarrow as pa

from samesku import pipeline
from samesku import schema as S
from samesku.engines.local import LocalEngine
from samesku.fitting import effective_config
from samesku.match.arrays import OfferArrays, concat_arrays
from samesku.match.features import FEATURES
from samesku.match.score import score_block
from samesku.store.index import index_keys
from samesku.store.store import ClusterStore, offer_rows, with_rows

#: stored clusters one key brings in (the ingest's rule, kept here so the service does not depend on where the
#: ingest keeps it)
MAX_CLUSTERS_PER_KEY = 32
#: stored members an offer is scored against per candidate cluster
MEMBERS_PER_CLUSTER = 20


def _stored_arrays(store: ClusterStore, members: pa.Table) -> OfferArrays | None:
    """The members' stored encoded arrays, or None when the store keeps none (then they are encoded).

    Looked up by name: stores keep arrays from the ``offer_arrays`` table on (the store's own
    ``arrays_of`` and ``match.arrays.arrays_from_table``); this service also runs on stores and
    code from before it.
    """
    arrays_of = getattr(store, "arrays_of", None)
    from_table = getattr(importlib.import_module("samesku.match.arrays"), "arrays_from_table", None)
    if members.num_rows == 0 or arrays_of is None or from_table is None:
        return None
    table = arrays_of(members.column("offer_key").to_numpy(zero_copy_only=False).astype(np.int64))
    return None if table is None else cast(OfferArrays, from_table(table))


class Matcher:
    """The store's fitted state, model and config, loaded once (a few hundred ms), for matching offers."""

    def __init__(self, store: ClusterStore) -> None:
        self.fitted, self.model, self.given = store.fitted(), store.model(), store.config()
        self.config = effective_config(self.given, self.fitted.seller_check)
        self.eng = LocalEngine(self.given)

    def _prepare(self, analysed: pa.Table, start: int) -> Any:
        timer = self.eng.timer(None)
        return pipeline.prepare_with(self.eng, with_rows(analysed, start), self.fitted, self.given, timer)

    def match(self, use: Callable[[], AbstractContextManager[ClusterStore]], offers: pa.Table, k: int = 5,
              top_features: int = 8) -> dict[str, Any]:
        """Per valid offer the top-k clusters with probability, the best pair's explanation and the decision;
        the rejected rows with their reason. ``use()`` gives the store (the service's lock): it is held only
        for the two look-ups, so analysing, encoding and scoring of concurrent requests overlap."""
        timer = self.eng.timer(None)
        read = self.eng.read(offers, None, self.given)
        rejected = [{"offer_id": r[S.OFFER_ID], "reason": r[S.REASON]}
                    for r in read.rejected.select([S.OFFER_ID, S.REASON]).to_pylist()]
        if read.offers.num_rows == 0:
            return {"matches": [], "rejected": rejected}
        analysed = pipeline.analyse(self.eng, read.offers, self.fitted.gazetteer, self.given, timer)
        fresh = self._prepare(analysed, 0)
        n = fresh.offers.num_rows
        keys = index_keys(fresh.offers, fresh.arrays.vectors, np.arange(n, dtype=np.int64), self.fitted, self.given)
        with use() as store:
            cands, members, info = self._lookup(store, keys)
            stored = _stored_arrays(store, members)
        pairs_q = cands.column("q").to_numpy(zero_copy_only=False).astype(np.int64)
        pair_cluster = cands.column(S.CLUSTER_ID).to_pylist()
        m = members.num_rows
        rows_of: dict[str, list[int]] = {}
        for i, cid in enumerate(members.column(S.CLUSTER_ID).to_pylist()):
            rows_of.setdefault(cid, []).append(i)
        a: list[int] = []
        b: list[int] = []
        for q, cid in zip(pairs_q.tolist(), pair_cluster, strict=True):
            for r in rows_of.get(cid, []):
                a.append(m + q)
                b.append(r)
        if m:
            old = stored if stored is not None else self._prepare(offer_rows(members), 0).arrays
            arrays = concat_arrays([old, fresh.arrays])
        else:
            arrays = fresh.arrays
        aa, bb = np.asarray(a, np.int64), np.asarray(b, np.int64)
        scored = score_block(arrays, aa, bb, self.model, self.config.match) if len(aa) else None
        member_ids = members.column(S.OFFER_ID).to_pylist() if m else []
        member_cluster = members.column(S.CLUSTER_ID).to_pylist() if m else []
        threshold = float(self.config.match.threshold)
        out = []
        query_ids = fresh.offers.column(S.OFFER_ID).to_pylist()
        for q in range(n):
            best: dict[str, tuple[float, int]] = {}
            if scored is not None:
                for j in np.flatnonzero(aa == m + q).tolist():
                    cid, p = member_cluster[int(bb[j])], float(scored.probability[j])
                    if cid not in best or p > best[cid][0]:
                        best[cid] = (p, j)
            ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))[:k]
            above = sum(1 for _, (p, _) in best.items() if p >= threshold)
            entry: dict[str, Any] = {
                "offer_id": query_ids[q], "decision": "start" if above == 0 else "join" if above == 1 else "bridge",
                "threshold": threshold, "candidates_scored": len(best),
                "clusters": [{"cluster_id": cid, "probability": p, "best_offer_id": member_ids[int(bb[j])],
                              "size": info.get(cid, {}).get("size"),
                              "representative_title": info.get(cid, {}).get("representative_title")}
                             for cid, (p, j) in ranked]}
            if ranked and scored is not None:
                j = ranked[0][1][1]
                x = scored.features[j:j + 1]
                contrib = self.model.contributions(x)[0]
                order = np.argsort(-np.abs(contrib[:-1]))[:top_features]
                entry["best"] = {
                    "cluster_id": ranked[0][0], "offer_id": member_ids[int(bb[j])],
                    "probability": float(scored.probability[j]), "model_probability": float(scored.model_probability[j]),
                    "veto": scored.veto[j] or None, "bias": float(contrib[-1]),
                    "contributions": [{"feature": FEATURES[i], "value": None if np.isnan(x[0, i]) else float(x[0, i]),
                                       "contribution": float(contrib[i])} for i in order]}
            out.append(entry)
        return {"matches": out, "rejected": rejected}

    @staticmethod
    def _lookup(store: ClusterStore, keys: pa.Table) -> tuple[pa.Table, pa.Table, dict[str, dict[str, Any]]]:
        """(query row, candidate cluster) pairs from the keys index, the candidates' best members, their rows."""
        store.con.register("_match_keys", keys)
        try:
            cands = store.sql(f"""
                WITH hits AS (
                    SELECT DISTINCT q.offer_key AS q, q.family, q.key, o.cluster_id
                    FROM _match_keys q JOIN keys k ON k.family = q.family AND k.key = q.key
                    JOIN offers o ON o.offer_key = k.offer_key),
                ranked AS (
                    SELECT h.q, h.cluster_id, row_number() OVER (PARTITION BY h.q, h.family, h.key
                                                                 ORDER BY c.size DESC, h.cluster_id) AS r
                    FROM hits h JOIN clusters c ON c.cluster_id = h.cluster_id)
                SELECT DISTINCT q, cluster_id FROM ranked WHERE r <= {MAX_CLUSTERS_PER_KEY} ORDER BY q, cluster_id""")
        finally:
            store.con.unregister("_match_keys")
        clusters = sorted(set(cands.column(S.CLUSTER_ID).to_pylist()))
        store.con.register("_match_clusters", pa.table({S.CLUSTER_ID: pa.array(clusters, pa.string())}))
        try:
            members = store.sql(f"""
                SELECT * EXCLUDE (r) FROM (
                    SELECT o.*, row_number() OVER (PARTITION BY o.cluster_id
                                                   ORDER BY o.match_probability DESC NULLS LAST, o.offer_key) AS r
                    FROM offers o WHERE o.cluster_id IN (SELECT cluster_id FROM _match_clusters))
                WHERE r <= {MEMBERS_PER_CLUSTER} ORDER BY cluster_id, offer_key""")
            info = {r[S.CLUSTER_ID]: r for r in store.sql(
                "SELECT cluster_id, size, representative_title, epsilon FROM clusters "
                "WHERE cluster_id IN (SELECT cluster_id FROM _match_clusters)").to_pylist()}
        finally:
            store.con.unregister("_match_clusters")
        return cands, members, info
