"""Pair context: what an offer's other candidates say about one of its pairs.

A pair's own features cannot tell ``samsung galaxy s8 64gb`` matching one shop's
``galaxy s8 64gb midnight black`` from its matching that shop's ``galaxy s8 plus 64gb``:
both look alike. The other candidates can. Most shops list a product once, so if the
offer's best candidate *from that shop* is another offer, this one is probably not the
match. The context stage reads, for each scored pair, the best probability among each offer's other
candidates from the other offer's shop, and how many candidates each offer has; a second,
small calibrated model turns the pair probability plus that context into the final match
probability.

Stage logic: :func:`node_context` works on rows ``(node, shop, p)`` — one per pair end —
and needs all rows of a node together, in any batch of whole nodes (the local engine
passes ranges of offers of ~2M pair ends, Spark a bucket of offers); :func:`context_features` assembles a
pair's two ends. Both give the same values whatever the batching and row order.
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


def node_context(node: np.ndarray, shop: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Context of each row (node, shop, p): one row per end of a scored pair.

    ``shop`` is the seller code of the pair's other offer (-1 unknown). Returns (rows, 2)
    float64: the best p among the node's other rows from the same shop (nan if it has none
    or the shop is unknown) and the node's number of rows. A batch must hold all rows of
    each of its nodes; the result does not depend on the batch or the row order.
    """
    node = np.asarray(node, np.int64)
    shop = np.asarray(shop, np.int64)
    p = np.asarray(p, np.float32)
    n = len(node)
    out = np.empty((n, 2), np.float64)
    if n == 0:
        return out
    if shop.max() >= 2**31:   # hashed codes: their ranks (a caller with small codes skips this sort)
        known = shop >= 0
        shop = np.where(known, np.unique(shop, return_inverse=True)[1] - (~known).any(), -1)
    width = int(shop.max()) + 2
    if int(node.max()) < (2**62) // width and int(node.min()) >= 0:
        order = np.argsort(node * width + (shop + 1))   # one sort of one key: (node, shop) groups
    else:
        order = np.lexsort((shop, node))
    ns, ss, ps = node[order], shop[order], p[order]
    new_node = np.r_[True, ns[1:] != ns[:-1]]
    new_group = new_node | np.r_[True, ss[1:] != ss[:-1]]
    starts = np.flatnonzero(new_group)
    gid = np.cumsum(new_group) - 1
    top = np.maximum.reduceat(ps, starts)
    # one row per group holds its maximum: the other rows' best rival is the maximum, its own the
    # second largest value (the maximum again on a tie), so which tied row it is never matters
    idx = np.flatnonzero(ps == top[gid])
    first_top = idx[np.r_[True, gid[idx][1:] != gid[idx][:-1]]]
    rest = ps.copy()
    rest[first_top] = -np.inf
    second = np.maximum.reduceat(rest, starts)
    best = np.where(np.arange(n) == first_top[gid], second[gid], top[gid]).astype(np.float64)
    best[np.isneginf(best) | (ss < 0)] = np.nan
    node_starts = np.flatnonzero(new_node)
    degree = np.diff(np.r_[node_starts, n])
    out[order, 0] = best
    out[order, 1] = np.repeat(degree, degree)
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


def end_context(a: np.ndarray, b: np.ndarray, p: np.ndarray, seller: np.ndarray,
                batch_rows: int = 2_000_000) -> tuple[np.ndarray, np.ndarray]:
    """(context of each pair's a end, of its b end), (m, 2) float32 each, all pairs at once.

    ``seller`` is the per-offer seller code (-1 unknown), indexed by offer row. The offers are
    cut into ranges of about ``batch_rows`` pair ends, each range's ends go through
    :func:`node_context` together (bounded working memory: 1M synthetic offers' 36M ends at
    once took 3 GB). Probabilities are float32 and degrees small: float32 holds the context exactly.
    """
    a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
    m, n = len(a), len(seller)
    ctx_a, ctx_b = np.empty((m, 2), np.float32), np.empty((m, 2), np.float32)
    if m == 0:
        return ctx_a, ctx_b
    # the shops' ranks among the offers: node_context then sorts one small key
    known = seller >= 0
    shop = np.full(n, -1, np.int64)
    shop[known] = np.unique(seller[known], return_inverse=True)[1]
    ends = np.cumsum(np.bincount(a, minlength=n) + np.bincount(b, minlength=n))
    cuts = np.unique(np.r_[0, np.searchsorted(ends, np.arange(batch_rows, ends[-1], batch_rows), side="right"), n])
    for lo, hi in zip(cuts[:-1], cuts[1:], strict=True):
        ra = np.flatnonzero((a >= lo) & (a < hi))
        rb = np.flatnonzero((b >= lo) & (b < hi))
        ctx = node_context(np.concatenate([a[ra], b[rb]]), np.concatenate([shop[b[ra]], shop[a[rb]]]),
                           np.concatenate([p[ra], p[rb]]))
        ctx_a[ra], ctx_b[rb] = ctx[:len(ra)], ctx[len(ra):]
    return ctx_a, ctx_b


def pair_context(a: np.ndarray, b: np.ndarray, p: np.ndarray, seller: np.ndarray) -> np.ndarray:
    """Context features of every pair (a[i], b[i]) with probability p[i] (see :func:`end_context`)."""
    ctx_a, ctx_b = end_context(a, b, p, seller)
    return context_features(p, ctx_a, ctx_b)
