"""Candidate generation for one stage: key families -> blocks -> bounded candidate pairs.

At stage 1 every offer is its own entity. At later stages the entities are the clusters
the earlier stages produced: a cluster carries the union of its members' keys, and one
representative member per (cluster, key) stands for it in the block, so a cluster of 300
offers costs one slot in a block, not 300.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from samesku import schema as S
from samesku._arrays import RowView, unique_int_inverse
from samesku.analyse.placeholders import Placeholders
from samesku.config import BlockingConfig, Config
from samesku.keys.blocks import BlockStats, block_pairs, canonical_pairs, encode_keys
from samesku.keys.codebook import Codebook
from samesku.keys.families import FAMILIES, PAIR_CHECKS, KeyRows
from samesku.keys.sketches import CountMinSketch, TokenCounts


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
    _, key_code = encode_keys(keys)
    order = np.lexsort((rows, clusters, key_code))
    kc, cl = key_code[order], clusters[order]
    first = np.r_[True, (kc[1:] != kc[:-1]) | (cl[1:] != cl[:-1])]
    sel = order[first]
    return rows[sel], keys[sel]


def _cluster_centroids(cluster_of: np.ndarray, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(dense cluster index per offer, unit centroid per cluster)."""
    _, dense = unique_int_inverse(cluster_of)
    if int(dense.max()) + 1 == len(dense):
        # every offer its own cluster (stage 1): the centroids are the (unit) vectors, in cluster
        # order — the vectors themselves when the labels are the row numbers (no 1 KiB-per-offer copy)
        if np.array_equal(dense, np.arange(len(dense))):
            return dense, vectors
        cent = np.empty_like(vectors)
        cent[dense] = vectors
        return dense, cent
    agg = sp.csr_matrix(
        (np.ones(len(dense), dtype=np.float32), (dense, np.arange(len(dense)))), shape=(int(dense.max()) + 1, len(dense))
    )
    cent = np.asarray(agg @ vectors, dtype=np.float32)
    norms = np.sqrt(np.einsum("ij,ij->i", cent, cent))
    norms[norms == 0] = 1.0
    cent /= norms[:, None]
    return dense, cent


def weak_offers(offers: pa.Table) -> np.ndarray:
    """Offers with no GTIN, no model code and no brand: only their title can place them.

    Such titles ("built in fully integrated dishwasher", "49inch uhd 4k led smart tv") share
    no identifying key with their product's other offers, and their nearest title
    neighbours are often the same shop's other products, so they get a wider neighbour
    search (``embedding_k_weak``) in the embedding family.
    """
    n = offers.num_rows
    if n == 0:
        return np.zeros(0, dtype=bool)

    def empty(col: str) -> np.ndarray:
        if col not in offers.column_names:
            return np.ones(n, dtype=bool)
        lengths = pc.fill_null(pc.list_value_length(offers.column(col)), 0)
        return np.asarray(lengths.to_numpy(zero_copy_only=False)) == 0

    if S.BRAND_NORM in offers.column_names:
        brand = offers.column(S.BRAND_NORM)
        no_brand = np.asarray(pc.fill_null(pc.equal(pc.utf8_length(brand), 0), True).to_numpy(zero_copy_only=False), dtype=bool)
    else:
        no_brand = np.ones(n, dtype=bool)
    return empty(S.MODEL_CODES) & empty(S.GTINS) & no_brand


def weak_neighbours(n_weak: int, n: int, config: BlockingConfig) -> int:
    """Embedding neighbours of a weak cluster, given ``n_weak`` weak offers of ``n`` (integers:
    every engine computes the same value).

    ``embedding_k_weak`` while weak offers are at most ``weak_share_cap`` of the catalog; a
    catalog where most offers are weak (nothing was extracted) gets proportionally fewer
    extra neighbours, so the extra work never exceeds that of ``weak_share_cap`` of the
    offers searching ``embedding_k_weak`` (without the cap, PriceRunner with attribute
    extraction off had every offer weak and 70 candidate pairs per offer instead of 18).
    """
    k, kw = config.embedding_k, max(config.embedding_k, config.embedding_k_weak)
    weak_share = n_weak / max(n, 1)
    if weak_share <= config.weak_share_cap:
        return kw
    return k + int((kw - k) * config.weak_share_cap / weak_share)


def neighbour_budget(weak: np.ndarray, cluster_of: np.ndarray, config: BlockingConfig) -> np.ndarray:
    """Embedding neighbours per offer row: :func:`weak_neighbours` when every member of its cluster is weak."""
    if len(weak) == 0:
        return np.zeros(0, dtype=np.int64)
    _, dense = unique_int_inverse(cluster_of)
    strong = np.bincount(dense, weights=~weak, minlength=int(dense.max()) + 1) > 0
    kw = weak_neighbours(int(weak.sum()), len(weak), config)
    return np.where(strong[dense], config.embedding_k, kw).astype(np.int64)


def exclusion_groups(seller: np.ndarray, config: Config) -> np.ndarray | None:
    """Per-offer group whose members are never paired: the seller code under a hard seller constraint.

    Two offers of one shop can never end in one cluster then (the merge refuses it), so a
    candidate slot spent on them is lost to a pair that could merge; on PriceRunner 27 % of
    the candidate pairs were such pairs. ``None`` (no exclusion) for a soft or no constraint.
    """
    return seller if excludes_same_seller(config) and len(seller) and bool((seller >= 0).any()) else None


def excludes_same_seller(config: Config) -> bool:
    """Whether candidate generation skips pairs of one seller (a hard seller constraint)."""
    return config.merge.seller_constraint == "hard"


def family_keys(fam: str, offers: pa.Table, vectors: np.ndarray, config: BlockingConfig, seed: int = 0,
                name_df: TokenCounts | CountMinSketch | None = None, codebooks: dict[str, Codebook] | None = None,
                placeholders: Placeholders | None = None) -> KeyRows:
    """(offer rows, keys) of one key family, as a stage blocks on them (and a store indexes them)."""
    extra = {"bits": config.sighash_bits, "bands": config.phash_bands, "seed": seed, "name_df": name_df,
             "codebooks": codebooks, "within_category": config.embedding_within_category,
             "placeholders": placeholders}
    return FAMILIES[fam](offers, vectors, config.max_keys_per_entity, **extra)


def stage_candidates(
    offers: pa.Table,
    vectors: np.ndarray,
    families: tuple[str, ...],
    cluster_of: np.ndarray,
    config: BlockingConfig,
    seed: int = 0,
    name_df: TokenCounts | CountMinSketch | None = None,
    codebooks: dict[str, Codebook] | None = None,
    placeholders: Placeholders | None = None,
    groups: np.ndarray | None = None,
) -> StageCandidates:
    """Candidate pairs between different clusters for one stage.

    A cluster takes part in a block through one representative offer (its lowest row
    holding the key); neighbour search uses the cluster's centroid vector, so a cluster
    of many offers is found by what its members share, not by one arbitrary member.

    Args:
        offers: analysed offers (row i is offer row i, rows in input order).
        vectors: (n, dims) unit title vectors.
        families: key families of this stage.
        cluster_of: current cluster label per offer row (identity at stage 1).
        config: blocking configuration.
        seed: mixed into the seeds of block splits and hashes.
        name_df: the run's Count-Min sketch of title tokens (``name`` family).
        codebooks: the run's embedding codebooks (``embedding`` family).
        placeholders: identifier values that are never keys.
        groups: optional int64 exclusion group per offer row (-1 = none), e.g. the seller
            under a hard seller constraint: a cluster is represented by its representative's
            group, and two entities of one group are never paired.
    """
    n = offers.num_rows
    dense, centroids = _cluster_centroids(cluster_of, vectors) if n else (np.empty(0, np.int64), vectors)
    budget = neighbour_budget(weak_offers(offers), cluster_of, config) if "embedding" in families else None
    parts, stats = [], []
    for fam in families:
        started = time.perf_counter()
        rows, keys = family_keys(fam, offers, vectors, config, seed, name_df, codebooks, placeholders)
        embedding = fam == "embedding"
        max_block, k = (config.embedding_block, config.embedding_k) if embedding else (config.max_block, config.knn_k)
        rows, keys = _representatives(rows, keys, cluster_of)
        # local entities: the representative rows, each with its cluster's centroid
        reps, local = unique_int_inverse(rows)
        # each entity's cluster centroid, by index (no per-family copy of the centroids)
        local_vectors = RowView(centroids, dense[reps])
        local_groups = groups[reps] if groups is not None and len(reps) else None
        local_k = budget[reps] if embedding and budget is not None and len(reps) else None
        pairs, st = block_pairs(local.astype(np.int64), keys, local_vectors, fam, k, max_block, seed,
                                top_k_overall=embedding, groups=local_groups, k_of=local_k)
        pairs = reps[pairs] if len(pairs) else np.empty((0, 2), dtype=np.int64)
        if len(pairs):
            pairs = pairs[cluster_of[pairs[:, 0]] != cluster_of[pairs[:, 1]]]
        if len(pairs) and fam in PAIR_CHECKS:
            pairs = pairs[PAIR_CHECKS[fam][0](offers, pairs, config)]
        st.pairs = len(pairs)
        st.seconds = time.perf_counter() - started
        parts.append(pairs)
        stats.append(st)
    all_pairs = canonical_pairs(np.concatenate(parts)) if parts else np.empty((0, 2), dtype=np.int64)
    return StageCandidates(pairs=all_pairs, family_stats=stats)
