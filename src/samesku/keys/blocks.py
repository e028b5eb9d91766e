"""Blocks to candidate pairs, with skew control.

Entities sharing a key form a block. Work per entity is bounded whatever the key
distribution:

* a block of at most ``knn_k + 1`` entities yields all its pairs;
* a larger block keeps, for each entity, its ``knn_k`` nearest neighbours by embedding
  cosine (exact, inside the block);
* a key held by more than ``max_block`` entities (a *heavy key*, found beforehand with a
  DataSketches frequent-items sketch and confirmed by exact counts) is split into
  sub-keys by multi-probe random hyperplanes seeded by the key itself, so its blocks hold
  about ``max_block`` entities; a sub-block left above ``2 * max_block`` is cut by a
  projection tree (median splits on principal directions) and searched leaf by leaf.

So pairs per entity are at most ``knn_k`` per key and probe (an entity given a larger
budget ``k_of`` — one whose keys say little — at most that many), and time is
O(N * max_block * dims), linear in N. Every split is seeded by its key, never by a
position, so the same block gives the same pairs in any engine and any partitioning.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from datasketches import frequent_items_error_type, frequent_strings_sketch

from samesku._arrays import RowView, unique_int
from samesku._threads import one_blas_thread

VectorRows = np.ndarray | RowView   # entity vectors: an array or rows of one by index


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
    seconds: float = 0.0   # wall time of the family (keys, blocks, neighbour search)


def encode_keys(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct keys, int64 code per row) by hashing (Arrow dictionary encoding), not sorting.

    Sorting a million Python strings is the slowest thing blocking would otherwise do.
    """
    enc = pc.dictionary_encode(pa.array(keys, type=pa.string()))
    return (np.asarray(enc.dictionary.to_numpy(zero_copy_only=False), dtype=object),
            enc.indices.to_numpy(zero_copy_only=False).astype(np.int64))


def heavy_keys(keys: np.ndarray, max_block: int, lg_max_map_size: int | None = None) -> list[tuple[str, int]]:
    """Keys that occur more than ``max_block`` times, found with a frequent-items sketch.

    The sketch reads the keys once in bounded memory and is mergeable, so the same code
    finds heavy keys over a partitioned stream. ``NO_FALSE_NEGATIVES`` only guarantees
    that no heavy key is missed while the sketch's maximum error stays below
    ``max_block``; the map is sized for that from the number of key rows (the error is
    about 3.5 x rows / map size), and should a sketch still report a larger error, the
    keys are counted exactly instead (a fixed 4,096-entry map missed 217 of 269 heavy
    model-code keys on 1M offers). Candidates are confirmed by the exact block sizes.
    """
    uniq, codes = encode_keys(keys)
    counts = np.bincount(codes, minlength=len(uniq))  # pre-aggregate: one update per key
    total = int(counts.sum())
    if lg_max_map_size is None:
        lg_max_map_size = int(np.clip(np.ceil(np.log2(max(8.0, 4.0 * total / max(max_block, 1)))), 3, 24))
    sketch = frequent_strings_sketch(lg_max_map_size)
    for k, c in zip(uniq.tolist(), counts.tolist(), strict=True):
        sketch.update(k, c)
    if sketch.epsilon * sketch.total_weight >= max_block:   # the a-priori error bound
        rows = [(k, c) for k, c in zip(uniq.tolist(), counts.tolist(), strict=True) if c > max_block]
    else:
        rows = [(r[0], r[1]) for r in sketch.get_frequent_items(frequent_items_error_type.NO_FALSE_NEGATIVES, max_block)]
    return sorted(((str(k), int(c)) for k, c in rows), key=lambda r: -r[1])


def _principal_direction(x: np.ndarray, rng: np.random.Generator, sample: int = 512, iters: int = 6) -> np.ndarray:
    """Top principal direction of the rows of x (power iteration on a sample)."""
    one_blas_thread()
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


def _same_group(groups: np.ndarray | None, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """True where both entities carry the same known exclusion group (e.g. the same seller)."""
    if groups is None:
        return np.zeros(np.broadcast_shapes(np.shape(a), np.shape(b)), dtype=bool)
    ga, gb = groups[a], groups[b]
    return (ga >= 0) & (ga == gb)


def _knn_pairs(ids: np.ndarray, vectors: VectorRows, k: int, groups: np.ndarray | None = None,
               k_of: np.ndarray | None = None) -> np.ndarray:
    """Each entity with its k nearest neighbours (cosine) inside one block.

    With ``groups``, neighbours of the entity's own group are skipped: the slot goes to the
    next nearest entity of another group (a pair the merge would refuse anyway is no candidate).
    With ``k_of`` (neighbours per entity, indexed by id), an entity searches
    ``max(k, k_of[id])`` neighbours: a wider search for entities whose keys say little.
    """
    v = np.ascontiguousarray(vectors[ids], dtype=np.float32)
    g = groups[ids] if groups is not None else None
    budget = np.full(len(ids), k, dtype=np.int64) if k_of is None else np.maximum(k, k_of[ids])
    parts = [_knn_rows(ids, v, g, np.flatnonzero(budget == kk), int(kk)) for kk in np.unique(budget).tolist()]
    return np.concatenate(parts) if parts else np.empty((0, 2), dtype=np.int64)


def _faiss_is_faster(n: int, k: int) -> bool:
    """Whether FAISS' exact search beats one masked matrix product for a block of ``n`` entities.

    Measured per query on this project's 256-dim vectors (2 cores, a block's rows against
    the whole block, seller groups on): the matrix product with ``argpartition`` takes
    2.5 us at 256 entities and 6.0 us at 1,024 where FAISS takes 6.7 and 6.3 us (its call
    and heap setup dominate small blocks); FAISS wins from ~1,500 entities (10.5 vs 12.6 us
    at k 10) and, for a wide search (k 100, whose doubled search width FAISS pays for), only
    beyond 2,048 (the masked product's n x n scores then outgrow the caches).
    """
    return n > 2048 or (n > 1024 and k < 50)


def _knn_rows(ids: np.ndarray, v: np.ndarray, g: np.ndarray | None, rows: np.ndarray, k: int) -> np.ndarray:
    """The k nearest neighbours of the block rows ``rows`` (see :func:`_knn_pairs`)."""
    k = min(k, len(ids) - 1)
    if _faiss_is_faster(len(ids), k):
        import faiss

        wide = k if g is None else min(len(ids) - 1, 2 * k)   # room for skipped same-group neighbours
        # FAISS breaks ties between equal similarities (identical titles) by its OpenMP thread
        # count (2,243 entities, 1 vs 2 threads: other neighbours kept), and Spark's Python workers
        # run one thread: one thread everywhere, so every engine finds the same pairs
        threads = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        try:
            _, nn = faiss.knn(v[rows], v, wide + 1, metric=faiss.METRIC_INNER_PRODUCT)
        finally:
            faiss.omp_set_num_threads(threads)
        loc = np.repeat(rows, wide + 1).reshape(nn.shape)
        ok = (nn >= 0) & (nn != loc) & ~_same_group(g, loc, np.clip(nn, 0, len(ids) - 1))
        rank = np.cumsum(ok, axis=1)
        # without groups every returned neighbour but the entity itself is kept (k + 1 when
        # exact duplicates displaced the entity from its own result list)
        keep = ok & (rank <= (k if g is not None else wide + 1))
        pairs = [np.stack([ids[loc[keep]], ids[nn[keep]]], axis=1)]
        if g is not None and wide < len(ids) - 1:
            # rows whose wide search was used up by same-group neighbours: search them exactly
            short = rows[keep.sum(axis=1) < k]
            if len(short):
                pairs.append(_masked_knn(ids, v, g, short, k))
        return np.concatenate(pairs)
    return _masked_knn(ids, v, g, rows, k)


def _masked_knn(ids: np.ndarray, v: np.ndarray, g: np.ndarray | None, rows: np.ndarray, k: int) -> np.ndarray:
    """Exact k nearest neighbours of the block rows ``rows``, self and own group excluded."""
    one_blas_thread()
    sims = v[rows] @ v.T
    sims[np.arange(len(rows)), rows] = -np.inf
    if g is not None:
        sims[_same_group(g, rows[:, None], np.arange(v.shape[0])[None, :])] = -np.inf
    kk = min(k, v.shape[0] - 1)
    nn = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
    valid = np.take_along_axis(sims, nn, axis=1) > -np.inf
    return np.stack([np.repeat(ids[rows], kk).reshape(nn.shape)[valid], ids[nn[valid]]], axis=1)


def _top_k_per_entity(pairs: np.ndarray, sims: np.ndarray, k: int, k_of: np.ndarray | None = None) -> np.ndarray:
    """The canonical pairs each of whose ends keeps among its k most similar partners.

    ``pairs`` are distinct canonical pairs (a < b) sorted by (a, b), ``sims`` their
    similarities. An entity keeps ``max(k, k_of[entity])`` partners with ``k_of``; a pair
    survives when either end keeps it; ties go to the lower partner.

    One stable sort of a single int64 key — the entity in the high 32 bits, the
    similarity's float32 bits made order-reversing in the low 32 — ranks every entity's
    partners at once (a padded matrix plus a 3-key lexsort for long lists took 1.7 x as long).
    Listing the reversed pairs first puts each entity's partners in ascending order
    before the sort, so its stability breaks ties by the lower partner.
    """
    if len(pairs) == 0:
        return pairs
    if int(pairs.max()) >= 2**31:
        raise ValueError("top-k ranking takes entity ids below 2**31")
    both = np.concatenate([pairs[:, ::-1], pairs])
    # + 0.0 turns -0.0 into 0.0: equal floats must get equal bits
    bits = (np.concatenate([sims, sims]).astype(np.float32) + np.float32(0.0)).view(np.uint32).astype(np.int64)
    ascending = np.where(bits & 0x80000000, bits ^ 0xFFFFFFFF, bits | 0x80000000)   # orders like the floats
    order = np.argsort((both[:, 0].astype(np.int64) << 32) | (0xFFFFFFFF - ascending), kind="stable")
    left = both[order, 0]
    starts = np.r_[0, np.flatnonzero(left[1:] != left[:-1]) + 1]
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    budget = k if k_of is None else np.maximum(k, k_of[left])
    return canonical_pairs(both[order[rank < budget]])


def pair_cosine(vectors: VectorRows, pairs: np.ndarray, chunk: int = 2048) -> np.ndarray:
    """Cosine of each pair of unit vectors, in cache-sized chunks (2,048 pairs of 1 KiB rows stay in L2)."""
    out = np.empty(len(pairs), dtype=np.float32)
    for lo in range(0, len(pairs), chunk):
        p = pairs[lo:lo + chunk]
        out[lo:lo + chunk] = np.einsum("ij,ij->i", vectors[p[:, 0]], vectors[p[:, 1]])
    return out


def key_seed(key: str, seed: int) -> int:
    """A seed derived from the key itself, so a block's splits do not depend on its position."""
    return (zlib.crc32(key.encode("utf-8")) ^ (seed * 0x9E3779B1)) % (2**31 - 1)


def pairs_in_block(ids: np.ndarray, vectors: VectorRows, k: int, max_block: int, seed: int = 0,
                   groups: np.ndarray | None = None, k_of: np.ndarray | None = None) -> np.ndarray:
    """Candidate pairs inside one block: every entity with (about) its k nearest neighbours.

    All pairs when the block has at most ``k + 1`` entities; exact cosine neighbours up to
    ``2 * max_block`` entities; a larger block (one a heavy-key split left oversized) is cut
    by a projection tree into leaves of at most ``max_block`` and searched leaf by leaf.
    ``ids`` must be sorted (the same block content gives the same pairs in any engine).
    Entities of one ``groups`` value (>= 0) are never paired; their neighbour slots go to
    the next nearest entities of other groups. An entity with ``k_of[id] > k`` keeps that
    many neighbours (a wider search for entities whose keys say little).

    Returns:
        (m, 2) int64 pairs of ids (not canonical: callers canonicalise).
    """
    n = len(ids)
    if n < 2:
        return np.empty((0, 2), dtype=np.int64)
    if n <= k + 1:
        iu, ju = np.triu_indices(n, k=1)
        keep = ~_same_group(groups, ids[iu], ids[ju])
        return np.stack([ids[iu][keep], ids[ju][keep]], axis=1)
    if n <= 2 * max_block:
        return _knn_pairs(ids, vectors, k, groups, k_of)
    leaves = rp_tree_leaves(vectors[ids], max_block, seed)
    o = np.argsort(leaves, kind="stable")
    lb = np.r_[0, np.flatnonzero(np.diff(leaves[o])) + 1, n]
    parts = [pairs_in_block(np.sort(ids[o][a:b]), vectors, k, max_block, seed, groups, k_of)
             for a, b in zip(lb[:-1].tolist(), lb[1:].tolist(), strict=True) if b - a >= 2]
    return np.concatenate(parts) if parts else np.empty((0, 2), dtype=np.int64)


def split_heavy_keys(
    entity: np.ndarray, keys: np.ndarray, vectors: VectorRows, heavy: dict[str, int], max_block: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Replace each heavy key by sub-keys from multi-probe random-hyperplane hashing.

    An entity of a heavy key of ``size`` entities gets ``key#b`` for its own bucket of
    ``bits`` sign bits (``2**bits`` about ``2 * size / max_block``) and for the bucket with
    its least certain bit flipped, so sub-blocks hold about ``max_block`` entities and close
    neighbours share one with high probability. The hyperplanes are seeded by the key:
    the split is the same in every engine and does not depend on the other keys.
    """
    if not heavy or len(entity) == 0:
        return entity, keys
    is_heavy = np.asarray(pc.is_in(pa.array(keys, pa.string()), pa.array(list(heavy), pa.string()))
                          .to_numpy(zero_copy_only=False), dtype=bool)
    if not is_heavy.any():
        return entity, keys
    out_e, out_k = [entity[~is_heavy]], [keys[~is_heavy]]
    idx = np.flatnonzero(is_heavy)
    hk = keys[idx]
    order = np.argsort(hk.astype(str), kind="stable")
    idx, hk = idx[order], hk[order]
    bounds = np.r_[0, np.flatnonzero(hk[1:] != hk[:-1]) + 1, len(idx)]
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        key = str(hk[lo])
        ent = entity[idx[lo:hi]]
        bits = max(1, min(24, int(np.ceil(np.log2(max(2.0, 2.0 * heavy[key] / max_block))))))
        rng = np.random.default_rng(key_seed(key, 0))
        planes = rng.standard_normal((vectors.shape[1], bits))
        proj = vectors[ent].astype(np.float64) @ planes   # float64: batch-size independent signs
        weights = np.int64(1) << np.arange(bits, dtype=np.int64)
        code = (proj > 0).astype(np.int64) @ weights
        flipped = code ^ (np.int64(1) << np.argmin(np.abs(proj), axis=1).astype(np.int64))
        sub = np.array([f"{key}#{c:x}" for c in np.concatenate([code, flipped]).tolist()], dtype=object)
        out_e.append(np.concatenate([ent, ent]))
        out_k.append(sub)
    return np.concatenate(out_e), np.concatenate(out_k)


def block_pairs(
    entity: np.ndarray,
    keys: np.ndarray,
    vectors: VectorRows,
    family: str,
    knn_k: int,
    max_block: int,
    seed: int = 0,
    top_k_overall: bool = False,
    groups: np.ndarray | None = None,
    k_of: np.ndarray | None = None,
) -> tuple[np.ndarray, BlockStats]:
    """Candidate pairs from (entity, key) rows: group by key, then :func:`pairs_in_block`.

    Heavy keys (more than ``max_block`` entities, found with a frequent-items sketch) are
    first split by :func:`split_heavy_keys`, so no block's work grows with the catalog.

    Args:
        entity: int64 entity index per row (an entity may have several keys).
        keys: key string per row (object array).
        vectors: (n_entities, dims) unit vectors indexed by entity (an array or a :class:`RowView`).
        family: key family name, for the statistics.
        knn_k: neighbours kept per entity in blocks larger than ``knn_k + 1``.
        max_block: blocks above this many entities are split.
        seed: mixed into each block's own seed (derived from its key).
        top_k_overall: keep only each entity's ``knn_k`` most similar partners over all
            its blocks (for a family whose entities sit in several overlapping blocks).
        groups: optional int64 exclusion group per entity (-1 = none): two entities of one
            group are never paired (the seller constraint would refuse the merge anyway).
        k_of: optional int64 neighbours per entity (at least ``knn_k`` are kept): entities
            whose keys say little search wider.

    Returns:
        (pairs, stats): pairs is an (m, 2) int64 array with a < b, unique.
    """
    stats = BlockStats(family=family)
    if len(entity) == 0:
        return np.empty((0, 2), dtype=np.int64), stats
    heavy = heavy_keys(keys, max_block)
    uniq0, code0 = encode_keys(keys)
    exact = np.bincount(code0, minlength=len(uniq0))
    pos = {k: i for i, k in enumerate(uniq0.tolist())}
    heavy = [(k, int(exact[pos[k]])) for k, _ in heavy if k in pos and exact[pos[k]] > max_block]
    heavy.sort(key=lambda kv: (-kv[1], kv[0]))
    stats.heavy_keys = heavy[:20]
    entity, keys = split_heavy_keys(entity, keys, vectors, dict(heavy), max_block)
    uniq, key_code = encode_keys(keys)
    # one row per (key, entity), sorted by key then entity
    base = int(entity.max()) + 1
    combined = unique_int(key_code.astype(np.int64) * base + entity)
    key_code, members = combined // base, combined % base
    stats.keys = len(uniq0)
    stats.entities_with_key = len(unique_int(members))
    starts = np.r_[0, np.flatnonzero(np.diff(key_code)) + 1]
    sizes = np.diff(np.r_[starts, len(members)])
    stats.largest_block = int(sizes.max())
    # each block's pairs are kept as one int64 code per canonical pair (a * base + b), deduplicated
    # per block: half the memory of (m, 2) pairs, and the stage's largest transient
    parts: list[np.ndarray] = []
    small = (sizes >= 2) & (sizes <= knn_k + 1)
    stats.blocks_all_pairs = int(small.sum())
    allp = _all_pairs_by_size(members, starts[small], sizes[small])
    parts.append(_pair_codes(allp[~_same_group(groups, allp[:, 0], allp[:, 1])], base))
    del allp
    big = sizes > knn_k + 1
    for st, sz, kc in zip(starts[big].tolist(), sizes[big].tolist(), key_code[starts[big]].tolist(), strict=True):
        parts.append(_pair_codes(pairs_in_block(members[st : st + sz], vectors, knn_k, max_block,
                                                key_seed(str(uniq[kc]), seed), groups, k_of), base))
        stats.blocks_knn += 1
    pairs = _decode_pairs(unique_int(np.concatenate(parts)), base)
    del parts
    if top_k_overall and len(pairs):
        pairs = _top_k_per_entity(pairs, pair_cosine(vectors, pairs), knn_k, k_of=k_of)
    stats.pairs = len(pairs)
    if len(pairs):
        stats.max_pairs_per_entity = int(np.bincount(pairs.ravel()).max())
    return pairs, stats


def _pair_codes(pairs: np.ndarray, base: int) -> np.ndarray:
    """Distinct codes ``min * base + max`` of the pairs (self-pairs dropped), sorted."""
    if len(pairs) == 0:
        return np.empty(0, dtype=np.int64)
    a = np.minimum(pairs[:, 0], pairs[:, 1]).astype(np.int64)
    b = np.maximum(pairs[:, 0], pairs[:, 1]).astype(np.int64)
    keep = a != b
    return unique_int(a[keep] * base + b[keep])


def _decode_pairs(codes: np.ndarray, base: int) -> np.ndarray:
    """(m, 2) pairs from codes ``a * base + b``."""
    return np.stack([codes // base, codes % base], axis=1)


def canonical_pairs(pairs: np.ndarray) -> np.ndarray:
    """Pairs as (min, max), self-pairs dropped, duplicates removed, sorted."""
    if len(pairs) == 0:
        return np.empty((0, 2), dtype=np.int64)
    base = int(pairs.max()) + 1
    return _decode_pairs(_pair_codes(pairs, base), base)
