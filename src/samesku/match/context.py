"""Pair context: what an offer's other candidates say about one of its pairs.

A pair's own features cannot tell ``samsung galaxy s8 64gb`` matching one shop's
``galaxy s8 64gb midnight black`` from its matching that shop's ``galaxy s8 plus 64gb``:
both look alike. The other candidates can. Most shops list a product once, so if the
offer's best candidate *from that shop* is another offer, this one is probably not the
match; and an offer whose every candidate scores low makes a lone 0.45 stand out. The
context stage reads, for each scored pair, the best probability among each offer's other
candidates from the other offer's shop, and how many candidates each offer has; a second,
small calibrated model turns the pair probability plus that context into the final match
probability.

Stage logic: :func:`node_context` works on rows ``(node, other, shop, p)`` — one per pair
end — and needs all rows of a node together, in any batch of whole nodes (the local
engine passes every row at once, Spark a bucket of nodes); :func:`context_features`
assembles a pair's two ends. Both are deterministic whatever the batching.
"""

from __future__ import annotations

import numpy as np

#: context features, in the order the context model reads them
CONTEXT_FEATURES: tuple[str, ...] = (
    "pair_probability",
    "shop_gap_min", "shop_gap_max",  # p - best other candidate's p from the other end's shop (nan: none)
    "degree_min", "degree_max",      # scored candidates of the end
)

#: sign of each context feature's effect for a monotone (default) context model
CONTEXT_MONOTONE: dict[str, int] = {"pair_probability": 1, "shop_gap_min": 1, "shop_gap_max": 1}


def _best_other(group: np.ndarray, other: np.ndarray, p: np.ndarray, fill: float) -> np.ndarray:
    """Per row: the highest p among the other rows of its group (``fill`` when it has none)."""
    order = np.lexsort((other, -p, group))   # ties broken by the other offer: any batching agrees
    g, ps = group[order], p[order].astype(np.float64)
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    seg = np.repeat(starts, np.diff(np.r_[starts, len(g)]))   # first row of each row's group
    pos = np.arange(len(g))
    nxt = np.minimum(pos + 1, max(len(g) - 1, 0))
    has_second = (pos == seg) & (nxt != pos) & (g[nxt] == g)
    best = ps[seg]
    out_sorted = np.where(pos == seg, np.where(has_second, ps[nxt], fill), best)
    out = np.empty(len(g), np.float64)
    out[order] = out_sorted
    return out


def node_context(node: np.ndarray, other: np.ndarray, shop: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Context of each row (node, other, shop, p): one row per end of a scored pair.

    ``shop`` is the seller code of ``other`` (-1 unknown). Returns (rows, 2) float64: the
    best p among the node's other candidates from ``shop`` (nan if it has none or the
    shop is unknown) and the node's number of candidates. A batch must hold all rows of each of
    its nodes.
    """
    node = np.asarray(node, np.int64)
    shop = np.asarray(shop, np.int64)
    out = np.empty((len(node), 2), np.float64)
    if len(node) == 0:
        return out
    # node and shop combined into one group key through their ranks (no overflow for any code)
    _, shop_rank = np.unique(shop, return_inverse=True)
    _, node_rank, degree = np.unique(node, return_inverse=True, return_counts=True)
    group = node_rank.astype(np.int64) * (int(shop_rank.max()) + 1) + shop_rank
    # none is missing, not 0: "no rival in that shop" as a gap of p cost PriceRunner F1 0.755 -> 0.750
    best = _best_other(group, np.asarray(other, np.int64), np.asarray(p, np.float64), np.nan)
    out[:, 0] = np.where(shop < 0, np.nan, best)
    out[:, 1] = degree[node_rank]
    return out


def context_features(p: np.ndarray, ctx_a: np.ndarray, ctx_b: np.ndarray) -> np.ndarray:
    """Context feature matrix (m, len(CONTEXT_FEATURES)) float32 of pairs from both ends' context."""
    p = np.asarray(p, np.float64)
    if len(p) == 0:
        return np.empty((0, len(CONTEXT_FEATURES)), np.float32)
    shop_a, shop_b = p - ctx_a[:, 0], p - ctx_b[:, 0]
    cols = [p, np.fmin(shop_a, shop_b), np.fmax(shop_a, shop_b),
            np.minimum(ctx_a[:, 1], ctx_b[:, 1]), np.maximum(ctx_a[:, 1], ctx_b[:, 1])]
    return np.stack(cols, axis=1).astype(np.float32)


def pair_context(a: np.ndarray, b: np.ndarray, p: np.ndarray, seller: np.ndarray,
                 chunk_rows: int = 2_000_000) -> np.ndarray:
    """Context features of every pair (a[i], b[i]) with probability p[i], all pairs at once.

    ``seller`` is the per-offer seller code (-1 unknown), indexed by offer row. The pair
    ends are sorted by offer once and handed to :func:`node_context` in batches of whole
    offers of about ``chunk_rows`` rows, so the working memory stays bounded.
    """
    a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
    m = len(a)
    node = np.concatenate([a, b])
    order = np.argsort(node, kind="stable")
    sorted_node = node[order]
    ctx = np.empty((2 * m, 2), np.float32)   # probabilities are float32 and degrees small: exact
    lo = 0
    while lo < 2 * m:
        # extend the batch to the end of its last offer's rows
        hi = int(np.searchsorted(sorted_node, sorted_node[min(lo + chunk_rows, 2 * m) - 1], side="right"))
        idx = order[lo:hi]
        other = np.where(idx < m, b[idx % m], a[idx % m])
        ctx[idx] = node_context(node[idx], other, seller[other], p[idx % m])
        lo = hi
    return context_features(p, ctx[:m], ctx[m:])
