"""Per-cluster uncertainty ε in [0, 1] from the cluster's own evidence.

The talk: every cluster must carry its own confusion (ε = 0.02 stable ... 0.42 unstable)
and be monitored. ε combines, per cluster:

* internal weakness — the weakest accepted link and the mean match probability of the
  scored pairs inside the cluster (a cluster held together by one 0.51 edge is shaky);
* boundary pressure — the strongest scored pair to an offer *outside* the cluster (a
  singleton with a 0.45 neighbour may belong elsewhere);
* disagreement — several brands or several model codes inside one cluster, and price
  dispersion (log-price spread) across its offers.

Each term is in [0, 1]; ε is a noisy-or of them, so any one strong signal raises it.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from samesku.match.arrays import OfferArrays


def _group_max(groups: np.ndarray, values: np.ndarray, n_groups: int, initial: float) -> np.ndarray:
    out = np.full(n_groups, initial, dtype=np.float64)
    np.maximum.at(out, groups, values)
    return out


def _distinct_per_group(groups: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """Number of distinct non-negative values per group (values may be 63-bit hashes)."""
    keep = values >= 0
    if not keep.any():
        return np.zeros(n_groups, dtype=np.int64)
    g, v = groups[keep].astype(np.int64), values[keep].astype(np.int64)
    order = np.lexsort((v, g))
    g, v = g[order], v[order]
    first = np.r_[True, (g[1:] != g[:-1]) | (v[1:] != v[:-1])][:len(g)]
    return np.bincount(g[first], minlength=n_groups)


def cluster_uncertainty(
    cluster_index: np.ndarray,
    n_clusters: int,
    edges_a: np.ndarray,
    edges_b: np.ndarray,
    probability: np.ndarray,
    weakest_link: np.ndarray,
    arrays: OfferArrays,
    external_p: np.ndarray | None = None,
) -> pa.Table:
    """ε and its components per cluster.

    Args:
        cluster_index: dense cluster index (0..n_clusters-1) per offer.
        n_clusters: number of clusters.
        edges_a, edges_b, probability: every scored pair.
        weakest_link: weakest accepted link per cluster (1.0 when none).
        arrays: per-offer attributes.
        external_p: per offer, the strongest scored pair to an offer that is not among
            these offers (an engine that processes clusters in groups passes what the
            group cannot see); None when the edges given are all there are.

    Returns:
        Table with columns epsilon, weakest_link, mean_internal_p, max_external_p,
        brand_disagreement, code_disagreement, price_spread (row i = cluster i).
    """
    ca, cb = cluster_index[edges_a], cluster_index[edges_b]
    inside = ca == cb
    sums = np.bincount(ca[inside], weights=probability[inside], minlength=n_clusters)
    cnts = np.bincount(ca[inside], minlength=n_clusters)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_internal = np.where(cnts > 0, sums / np.maximum(cnts, 1), 1.0)
    out_p = probability[~inside].astype(np.float64)
    max_external = np.maximum(
        _group_max(ca[~inside], out_p, n_clusters, 0.0),
        _group_max(cb[~inside], out_p, n_clusters, 0.0),
    )
    if external_p is not None:
        max_external = np.maximum(max_external, _group_max(cluster_index, np.nan_to_num(external_p), n_clusters, 0.0))
    brands = _distinct_per_group(cluster_index, arrays.brand, n_clusters)
    code_ids = np.unique(arrays.primary_code, return_inverse=True)[1].astype(np.int64)
    code_ids[arrays.primary_code == ""] = -1
    codes = _distinct_per_group(cluster_index, code_ids, n_clusters)
    logp = np.log(np.where(arrays.price > 0, arrays.price, np.nan))
    has = ~np.isnan(logp)
    s1 = np.bincount(cluster_index[has], weights=logp[has], minlength=n_clusters)
    s2 = np.bincount(cluster_index[has], weights=logp[has] ** 2, minlength=n_clusters)
    k = np.bincount(cluster_index[has], minlength=n_clusters)
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.where(k > 1, s2 / np.maximum(k, 1) - (s1 / np.maximum(k, 1)) ** 2, 0.0)
    spread = np.sqrt(np.clip(var, 0, None))

    terms = np.stack(
        [
            np.clip(1.0 - weakest_link, 0, 1) * 0.6,
            np.clip(1.0 - mean_internal, 0, 1) * 0.6,
            np.clip(max_external, 0, 1) * 0.8,
            np.clip(brands - 1, 0, 3) / 3.0 * 0.6,
            np.clip(codes - 1, 0, 3) / 3.0 * 0.4,
            np.clip(spread / 0.7, 0, 1) * 0.4,   # log-price sd 0.7 = prices 2x apart
        ]
    )
    epsilon = 1.0 - np.prod(1.0 - terms, axis=0)
    return pa.table(
        {
            "epsilon": pa.array(epsilon.astype(np.float32)),
            "weakest_link": pa.array(weakest_link.astype(np.float32)),
            "mean_internal_p": pa.array(mean_internal.astype(np.float32)),
            "max_external_p": pa.array(max_external.astype(np.float32)),
            "brand_disagreement": pa.array(brands.astype(np.int32)),
            "code_disagreement": pa.array(codes.astype(np.int32)),
            "price_spread": pa.array(spread.astype(np.float32)),
        }
    )
