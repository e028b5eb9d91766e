"""Run outputs: the assignment of every offer and one row per cluster, with its uncertainty."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
import pyarrow as pa

from samesku import schema as S
from samesku._arrays import unique_int_inverse
from samesku.match.arrays import OfferArrays
from samesku.merge.uncertainty import cluster_uncertainty

#: how clusters are named: the smallest member ``offer_id`` of each cluster -> its cluster id
ClusterNaming = Callable[[np.ndarray], np.ndarray]


def smallest_offer_id_hash(min_offer_ids: np.ndarray) -> np.ndarray:
    """The default naming: ``C`` + a hash of the cluster's smallest ``offer_id``, so the id does
    not depend on row order and stays the same when the same offers are clustered again."""
    return np.array(["C" + hashlib.blake2b(str(x).encode(), digest_size=8).hexdigest() for x in min_offer_ids.tolist()],
                    dtype=object)


def build_outputs(
    offers: pa.Table,
    arrays: OfferArrays,
    labels: np.ndarray,
    edges_a: np.ndarray,
    edges_b: np.ndarray,
    probability: np.ndarray,
    weakest_link: np.ndarray,
    passthrough: list[str],
    external_p: np.ndarray | None = None,
    naming: ClusterNaming | None = None,
) -> tuple[pa.Table, pa.Table]:
    """(assignments, clusters) of clustered offers.

    Vectorised over any set of whole clusters: the local engine passes every offer, a
    distributed engine one group of clusters at a time (with ``external_p``, the strongest
    scored pair of each offer to an offer outside the group).

    Args:
        offers: analysed offers (row i = offer i of ``labels`` and ``arrays``).
        arrays: their pair-feature arrays.
        labels: cluster label per offer (the lowest member row, see ``canonical_labels``).
        edges_a, edges_b, probability: scored pairs among these offers (rows).
        weakest_link: per label row, the weakest accepted link of that cluster.
        passthrough: input columns copied to the assignments.
        external_p: see above; None when the edges given are all there are.
        naming: cluster ids from each cluster's smallest ``offer_id`` (default
            :func:`smallest_offer_id_hash`; a store passes one that carries its ids forward).
    """
    n = offers.num_rows
    offer_ids = np.asarray(offers.column(S.OFFER_ID).to_numpy(zero_copy_only=False), dtype=object)
    roots, cluster_index = unique_int_inverse(labels)
    n_clusters = len(roots)
    order = np.lexsort((offer_ids.astype(str), cluster_index))
    first = np.r_[True, cluster_index[order][1:] != cluster_index[order][:-1]][:n]
    min_id = offer_ids[order[first]]
    cluster_ids = (naming or smallest_offer_id_hash)(min_id)
    sizes = np.bincount(cluster_index, minlength=n_clusters)

    # canonical edge order: the uncertainty terms are sums, and a float sum depends on order
    canon = np.lexsort((edges_b, edges_a))
    a, b = edges_a[canon].astype(np.int64), edges_b[canon].astype(np.int64)
    p = probability[canon].astype(np.float64)
    inside = cluster_index[a] == cluster_index[b] if len(a) else np.zeros(0, bool)
    best = np.zeros(n, dtype=np.float64)
    if len(a):
        np.maximum.at(best, a[inside], p[inside])
        np.maximum.at(best, b[inside], p[inside])
    best[sizes[cluster_index] == 1] = np.nan

    unc = cluster_uncertainty(cluster_index, n_clusters, a, b, p, weakest_link[roots], arrays, external_p)

    passthrough = [c for c in passthrough if c in offers.column_names]
    assignments = pa.table(
        {
            S.OFFER_ID: offers.column(S.OFFER_ID),
            S.CLUSTER_ID: pa.array(cluster_ids[cluster_index], pa.string()),
            S.MATCH_PROBABILITY: pa.array(best, pa.float32(), from_pandas=True),
            S.FLAGS: offers.column(S.FLAGS) if S.FLAGS in offers.column_names else pa.nulls(n, pa.list_(pa.string())),
        }
    )
    for c in passthrough:
        # an input column named like an output column (e.g. a truth `cluster_id`) must never
        # shadow the prediction: it passes through renamed
        name = c if c not in assignments.column_names else f"{c}_input"
        assignments = assignments.append_column(name, offers.column(c))
    # representative: the member with the most internal support (first by row on ties)
    rep_row = np.full(n_clusters, -1, dtype=np.int64)
    score = np.nan_to_num(best, nan=0.0)
    order = np.lexsort((np.arange(n), -score, cluster_index))
    first = np.r_[True, cluster_index[order][1:] != cluster_index[order][:-1]][:n]
    rep_row[cluster_index[order[first]]] = order[first]
    price = arrays.price
    has = ~np.isnan(price)
    pmin = np.full(n_clusters, np.inf)
    pmax = np.full(n_clusters, -np.inf)
    np.minimum.at(pmin, cluster_index[has], price[has])
    np.maximum.at(pmax, cluster_index[has], price[has])
    titles = offers.column(S.TITLE).combine_chunks().take(pa.array(rep_row))
    brand = offers.column(S.BRAND_NORM).combine_chunks().take(pa.array(rep_row))
    clusters = pa.table(
        {
            S.CLUSTER_ID: pa.array(cluster_ids, pa.string()),
            "size": pa.array(sizes.astype(np.int64)),
            "representative_offer_id": pa.array(offer_ids[rep_row].tolist(), pa.string()),
            "representative_title": titles,
            "brand": brand,
            "price_min": pa.array(np.where(np.isfinite(pmin), pmin, np.nan), pa.float64(), from_pandas=True),
            "price_max": pa.array(np.where(np.isfinite(pmax), pmax, np.nan), pa.float64(), from_pandas=True),
        }
    )
    for name in unc.column_names:
        clusters = clusters.append_column(name, unc.column(name))
    return assignments, clusters
