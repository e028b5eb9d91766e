"""Candidate generation for one stage: key families -> blocks -> bounded candidate pairs.

At stage 1 every offer is its own entity. At later stages the entities are the clusters
the earlier stages produced: a cluster carries the union of its members' keys, and one
representative member per (cluster, key) stands for it in the block, so a cluster of 300
offers costs one slot in a block, not 300.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from samesku.config import BlockingConfig
from samesku.keys.blocks import BlockStats, block_pairs, canonical_pairs, rp_tree_leaves
from samesku.keys.families import FAMILIES, KeyRows


@dataclass
class StageCandidates:
    """Candidate pairs of one stage and how they were made."""

    pairs: np.ndarray                      # (m, 2) offer rows, a < b, different clusters
    family_stats: list[BlockStats] = field(default_factory=list)


def _representatives(rows: np.ndarray, keys: np.ndarray, cluster_of: np.ndarray) -> KeyRows:
    """One row per (cluster, key): the lowest offer row of the cluster holding the key."""
    if len(rows) == 0:
        return rows, keys
    clusters = cluster_of[rows]
    uniq_keys, key_code = np.unique(keys, return_inverse=True)
    order = np.lexsort((rows, clusters, key_code))
    kc, cl = key_code[order], clusters[order]
    first = np.r_[True, (kc[1:] != kc[:-1]) | (cl[1:] != cl[:-1])]
    sel = order[first]
    return rows[sel], keys[sel]


def embedding_key_rows(entity_rows: np.ndarray, vectors: np.ndarray, trees: int, leaf_size: int, seed: int) -> KeyRows:
    """Leaves of ``trees`` random-projection trees as keys of the embedding family."""
    rows_out, keys_out = [], []
    for t in range(trees):
        leaves = rp_tree_leaves(vectors[entity_rows], leaf_size, seed + 1000 * t)
        rows_out.append(entity_rows)
        keys_out.append(np.array([f"e{t}:{leaf}" for leaf in leaves.tolist()], dtype=object))
    return np.concatenate(rows_out), np.concatenate(keys_out)


def stage_candidates(
    offers: pa.Table,
    vectors: np.ndarray,
    families: tuple[str, ...],
    cluster_of: np.ndarray,
    config: BlockingConfig,
    seed: int = 0,
) -> StageCandidates:
    """Candidate pairs between different clusters for one stage.

    Args:
        offers: analysed offers (row i is offer row i).
        vectors: (n, dims) unit title vectors.
        families: key families of this stage.
        cluster_of: current cluster label per offer row (identity at stage 1).
        config: blocking configuration.
        seed: seed for the random-projection splits.
    """
    n = offers.num_rows
    parts, stats = [], []
    for fam in families:
        if fam == "embedding":
            # one representative per cluster: the lowest row
            order = np.lexsort((np.arange(n), cluster_of))
            first = np.r_[True, cluster_of[order][1:] != cluster_of[order][:-1]]
            reps = order[first].astype(np.int64)
            rows, keys = embedding_key_rows(reps, vectors, config.embedding_trees, config.leaf_size, seed)
        else:
            extra = {"bits": config.sighash_bits, "bands": config.phash_bands, "seed": seed}
            rows, keys = FAMILIES[fam](offers, vectors, config.max_keys_per_entity, **extra)
            rows, keys = _representatives(rows, keys, cluster_of)
        pairs, st = block_pairs(rows, keys, vectors, fam, config.knn_k, config.max_block, seed)
        if len(pairs):
            pairs = pairs[cluster_of[pairs[:, 0]] != cluster_of[pairs[:, 1]]]
        st.pairs = len(pairs)
        parts.append(pairs)
        stats.append(st)
    all_pairs = canonical_pairs(np.concatenate(parts)) if parts else np.empty((0, 2), dtype=np.int64)
    return StageCandidates(pairs=all_pairs, family_stats=stats)
