"""Blocks to candidate pairs, with skew control.

Entities sharing a key form a block. Work per entity is bounded whatever the key
distribution:

* a block of at most ``knn_k + 1`` entities yields all its pairs;
* a larger block keeps, for each entity, its ``knn_k`` nearest neighbours by embedding
  cosine (exact, inside the block);
* a block above ``max_block`` entities (a *heavy key*, found beforehand with a
  DataSketches frequent-items sketch) is split by a projection tree (median splits on principal directions) into leaves of
  at most ``max_block`` entities, and neighbours are searched inside each leaf.

So pairs per entity are at most ``knn_k`` per key and time is O(N * max_block * dims),
linear in N.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from datasketches import frequent_items_error_type, frequent_strings_sketch

from samesku._arrays import unique_int


@dataclass
class BlockStats:
    """What blocking did for one key family."""

    family: str
    keys: int = 0
    entities_with_key: int = 0
    blocks_all_pairs: int = 0
    blocks_knn: int = 0
    heavy_keys: list[tuple[str, int]] = field(default_factory=list)  # (key, size), largest first
    pairs: int = 0
    largest_block: int = 0
    max_pairs_per_entity: int = 0


def encode_keys(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct keys, int64 code per row) by hashing (Arrow dictionary encoding), not sorting.

    Sorting a million Python strings is the slowest thing blocking would otherwise do.
    """
    enc = pc.dictionary_encode(pa.array(keys, type=pa.string()))
    return (np.asarray(enc.dictionary.to_numpy(zero_copy_only=False), dtype=object),
            enc.indices.to_numpy(zero_copy_only=False).astype(np.int64))


def heavy_keys(keys: np.ndarray, max_block: int, lg_max_map_size: int = 12) -> list[tuple[str, int]]:
    """Keys that occur more than ``max_block`` times, found with a frequent-items sketch.

    The sketch reads the keys once in bounded memory and is mergeable, so the same code
    finds heavy keys over a partitioned stream. ``NO_FALSE_NEGATIVES`` guarantees that no
    heavy key is missed; candidates are then confirmed by the exact block sizes.
    """
    sketch = frequent_strings_sketch(lg_max_map_size)
    uniq, codes = encode_keys(keys)
    counts = np.bincount(codes, minlength=len(uniq))  # pre-aggregate: one update per key
    for k, c in zip(uniq.tolist(), counts.tolist(), strict=True):
        sketch.update(k, c)
    rows = sketch.get_frequent_items(frequent_items_error_type.NO_FALSE_NEGATIVES, max_block)
    return sorted(((str(r[0]), int(r[1])) for r in rows), key=lambda r: -r[1])


def _principal_direction(x: np.ndarray, rng: np.random.Generator, sample: int = 512, iters: int = 6) -> np.ndarray:
    """Top principal direction of the rows of x (power iteration on a sample)."""
    if len(x) > sample:
        x = x[rng.choice(len(x), sample, replace=False)]
    x = x - x.mean(axis=0)
    d: np.ndarray = np.asarray(rng.standard_normal(x.shape[1]), dtype=np.float32)
    for _ in range(iters):
        d = x.T @ (x @ d)
        norm = float(np.linalg.norm(d))
        if norm == 0.0:
            break
        d /= norm
    return d


def rp_tree_leaves(vectors: np.ndarray, leaf_size: int, seed: int) -> np.ndarray:
    """Leaf id per row of a projection tree with median splits along principal directions.

    Median splits keep leaves balanced (sizes in (leaf_size/2, leaf_size]) whatever the data,
    so a leaf is a bounded block. The split direction is the node's top principal component
    (power iteration on a sample; a random start vector makes trees with different seeds
    differ): near neighbours end in the same leaf far more often than with random
    hyperplanes (PriceRunner, 3 trees, k=10: transitive recall 0.62 vs 0.41).
    Cost O(N * dims * log(N / leaf_size)).
    """
    n = len(vectors)
    leaf = np.zeros(n, dtype=np.int64)
    if n <= leaf_size:
        return leaf
    rng = np.random.default_rng(seed)
    stack = [np.arange(n)]
    next_leaf = 0
    while stack:
        ids = stack.pop()
        if len(ids) <= leaf_size:
            leaf[ids] = next_leaf
            next_leaf += 1
            continue
        proj = vectors[ids] @ _principal_direction(vectors[ids], rng)
        order = np.argsort(proj, kind="stable")
        half = len(ids) // 2
        stack.append(ids[order[half:]])
        stack.append(ids[order[:half]])
    return leaf


def _all_pairs_by_size(members: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """All pairs inside many small blocks, vectorised per distinct block size."""
    out = []
    for s in np.unique(sizes):
        sel = starts[sizes == s]
        mat = members[sel[:, None] + np.arange(s)[None, :]]  # (blocks, s)
        iu, ju = np.triu_indices(int(s), k=1)
        out.append(np.stack([mat[:, iu].ravel(), mat[:, ju].ravel()], axis=1))
    return np.concatenate(out) if out else np.empty((0, 2), dtype=np.int64)


def _knn_pairs(ids: np.ndarray, vectors: np.ndarray, k: int) -> np.ndarray:
    """Each entity with its k nearest neighbours (cosine) inside one block."""
    k = min(k, len(ids) - 1)
    v = np.ascontiguousarray(vectors[ids], dtype=np.float32)
    if len(ids) >= 64:
        # FAISS' exact search (BLAS + heap selection) is ~3x faster than a full argpartition
        import faiss

        _, nn = faiss.knn(v, v, k + 1, metric=faiss.METRIC_INNER_PRODUCT)
        a = np.repeat(ids, k + 1)
        b = ids[np.clip(nn.ravel(), 0, len(ids) - 1)]
        keep = (a != b) & (nn.ravel() >= 0)
        return np.stack([a[keep], b[keep]], axis=1)
    sims = v @ v.T
    np.fill_diagonal(sims, -np.inf)
    nn = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    return np.stack([np.repeat(ids, k), ids[nn.ravel()]], axis=1)


def _top_k_per_entity(pairs: np.ndarray, sims: np.ndarray, k: int) -> np.ndarray:
    """For each left entity keep its k most similar distinct right entities."""
    if len(pairs) == 0:
        return pairs
    order = np.lexsort((pairs[:, 1], -sims, pairs[:, 0]))
    pairs = pairs[order]
    dup = np.r_[False, (pairs[1:, 0] == pairs[:-1, 0]) & (pairs[1:, 1] == pairs[:-1, 1])]
    pairs = pairs[~dup]
    starts = np.r_[0, np.flatnonzero(np.diff(pairs[:, 0])) + 1]
    rank = np.arange(len(pairs)) - np.repeat(starts, np.diff(np.r_[starts, len(pairs)]))
    return pairs[rank < k]


def knn_in_group(ids: np.ndarray, vectors: np.ndarray, k: int, max_block: int, seed: int = 0) -> np.ndarray:
    """Each entity of a group with (approximately) its k nearest neighbours in the group.

    Exact inside a group of at most ``max_block`` entities. A larger group is partitioned
    by spherical k-means (FAISS) into cells of about ``max_block / 2`` entities and every
    entity is placed in its two nearest cells (two probes, as in an IVF index), so
    neighbours near a cell border are still found; neighbours are searched exactly inside
    each cell and the best k per entity are kept. Work per entity is bounded by
    ``2 * max_block * dims`` plus the cell assignment, never by the group size squared.
    Cells that k-means leaves oversized are partitioned again.
    """
    if len(ids) <= max_block:
        return _knn_pairs(ids, vectors, k) if len(ids) >= 2 else np.empty((0, 2), dtype=np.int64)
    import faiss  # optional at import time: only large groups need it

    x = np.ascontiguousarray(vectors[ids], dtype=np.float32)
    n_cells = max(2, int(np.ceil(2 * len(ids) / max_block)))
    rng = np.random.default_rng(seed)
    sample = x[rng.choice(len(x), min(len(x), n_cells * 64), replace=False)]
    km = faiss.Kmeans(x.shape[1], n_cells, niter=8, seed=int(seed % 2**31), spherical=True, verbose=False)
    km.train(sample)
    _, cells = km.index.search(x, 2)
    flat_cell = cells.ravel()
    flat_ids = np.repeat(ids, 2)
    keep = flat_cell >= 0
    flat_cell, flat_ids = flat_cell[keep], flat_ids[keep]
    order = np.argsort(flat_cell, kind="stable")
    flat_cell, flat_ids = flat_cell[order], flat_ids[order]
    bounds = np.r_[0, np.flatnonzero(np.diff(flat_cell)) + 1, len(flat_cell)]
    parts = []
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        members = flat_ids[lo:hi]
        if hi - lo < 2:
            continue
        if hi - lo > 2 * max_block and hi - lo < len(ids):
            parts.append(knn_in_group(members, vectors, k, max_block, seed + lo + 1))
        elif hi - lo > 2 * max_block:
            # k-means could not split it (e.g. identical vectors): fall back to the PCA tree
            leaves = rp_tree_leaves(vectors[members], max_block, seed + 1)
            o = np.argsort(leaves, kind="stable")
            lb = np.r_[0, np.flatnonzero(np.diff(leaves[o])) + 1, len(o)]
            parts += [_knn_pairs(members[o][a:b], vectors, k) for a, b in zip(lb[:-1], lb[1:], strict=True) if b - a >= 2]
        else:
            parts.append(_knn_pairs(members, vectors, k))
    if not parts:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(parts)
    sims = np.einsum("ij,ij->i", vectors[pairs[:, 0]], vectors[pairs[:, 1]])
    return _top_k_per_entity(pairs, sims, k)


def block_pairs(
    entity: np.ndarray,
    keys: np.ndarray,
    vectors: np.ndarray,
    family: str,
    knn_k: int,
    max_block: int,
    seed: int = 0,
) -> tuple[np.ndarray, BlockStats]:
    """Candidate pairs from (entity, key) rows.

    Args:
        entity: int64 entity index per row (an entity may have several keys).
        keys: key string per row (object array).
        vectors: (n_entities, dims) unit vectors, indexed by entity.
        family: key family name, for the statistics.
        knn_k: neighbours kept per entity in blocks larger than ``knn_k + 1``.
        max_block: blocks larger than this are split by a random-projection tree.
        seed: seed of the splits.

    Returns:
        (pairs, stats): pairs is an (m, 2) int64 array with a < b, unique.
    """
    stats = BlockStats(family=family)
    if len(entity) == 0:
        return np.empty((0, 2), dtype=np.int64), stats
    heavy = heavy_keys(keys, max_block)
    stats.heavy_keys = heavy[:20]
    uniq, key_code = encode_keys(keys)
    # one row per (key, entity)
    combined = unique_int(key_code.astype(np.int64) * (int(entity.max()) + 1) + entity)
    key_code = combined // (int(entity.max()) + 1)
    members = combined % (int(entity.max()) + 1)
    stats.keys = len(uniq)
    stats.entities_with_key = len(unique_int(members))
    starts = np.r_[0, np.flatnonzero(np.diff(key_code)) + 1]
    sizes = np.diff(np.r_[starts, len(members)])
    stats.largest_block = int(sizes.max())
    parts: list[np.ndarray] = []
    small = (sizes >= 2) & (sizes <= knn_k + 1)
    stats.blocks_all_pairs = int(small.sum())
    parts.append(_all_pairs_by_size(members, starts[small], sizes[small]))
    for st, sz in zip(starts[sizes > knn_k + 1].tolist(), sizes[sizes > knn_k + 1].tolist(), strict=True):
        ids = members[st : st + sz]
        parts.append(knn_in_group(ids, vectors, knn_k, max_block, seed + st))
        stats.blocks_knn += 1
    pairs = canonical_pairs(np.concatenate(parts))
    stats.pairs = len(pairs)
    if len(pairs):
        stats.max_pairs_per_entity = int(np.bincount(pairs.ravel()).max())
    return pairs, stats


def canonical_pairs(pairs: np.ndarray) -> np.ndarray:
    """Pairs as (min, max), self-pairs dropped, duplicates removed, sorted."""
    if len(pairs) == 0:
        return np.empty((0, 2), dtype=np.int64)
    a = np.minimum(pairs[:, 0], pairs[:, 1]).astype(np.int64)
    b = np.maximum(pairs[:, 0], pairs[:, 1]).astype(np.int64)
    keep = a != b
    a, b = a[keep], b[keep]
    if len(a) == 0:
        return np.empty((0, 2), dtype=np.int64)
    base = int(b.max()) + 1
    code = unique_int(a * base + b)
    return np.stack([code // base, code % base], axis=1)
