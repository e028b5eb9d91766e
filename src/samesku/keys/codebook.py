"""Codebooks of the embedding key family: spherical k-means cells per group.

A group (a category, say) too large for exact neighbour search is cut into cells of about
``block / 2`` entities by a spherical k-means fitted on a deterministic sample of the
group's vectors; every entity is keyed by its two nearest cells (two probes, as in an IVF
index), so neighbours near a cell border still meet in one block. The codebook is fitted
once per run and broadcast: keying an entity is then a per-entity computation
(``O(cells x dims)``), the same in every engine, and a block never holds the whole group.
"""

from __future__ import annotations

import zlib

import numpy as np

#: sample vectors per cell the k-means is fitted on (FAISS warns below ~39)
SAMPLE_PER_CELL = 40
PROBES = 2


def cells_for(size: int, block: int) -> int:
    """Cells a group of ``size`` entities is cut into (0: small enough to stay one block)."""
    if size <= block:
        return 0
    return max(2, int(np.ceil(2 * size / block)))


def group_seed(group: str, seed: int) -> int:
    """A seed derived from the group's name, so fitting does not depend on group order."""
    return (zlib.crc32(group.encode("utf-8")) + 7919 * seed) % (2**31 - 1)


def fit_codebook(sample: np.ndarray, n_cells: int, seed: int) -> np.ndarray:
    """(cells, dims) unit centroids of a spherical k-means on sample vectors.

    Fewer cells are fitted when the sample is too small for ``n_cells`` (at least two
    sample vectors per cell); the caller's blocks then come out larger and are split
    further by the block function.
    """
    import faiss  # heavy; only runs that have large groups need it

    x = np.ascontiguousarray(sample, dtype=np.float32)
    k = int(min(n_cells, max(2, len(x) // 2)))
    if len(x) < 2:
        return x.copy()
    km = faiss.Kmeans(x.shape[1], k, niter=10, seed=int(seed), spherical=True, verbose=False,
                      max_points_per_centroid=SAMPLE_PER_CELL * 8, min_points_per_centroid=1)
    km.train(x)
    cent = np.asarray(km.centroids, dtype=np.float32)
    norms = np.linalg.norm(cent, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return cent / norms


def assign_cells(vectors: np.ndarray, centroids: np.ndarray, probes: int = PROBES) -> np.ndarray:
    """(n, probes) indices of each vector's nearest cells (cosine), nearest first."""
    if len(vectors) == 0:
        return np.zeros((0, probes), dtype=np.int64)
    p = min(probes, len(centroids))
    # float64: a float32 GEMM rounds differently for different batch sizes, and a cell
    # decided by the last bit would differ between engines that batch differently
    sims = np.asarray(vectors, dtype=np.float64) @ centroids.T.astype(np.float64)
    # argsort on ties keeps the lower cell first: the same cells in every engine
    top = np.argsort(-sims, axis=1, kind="stable")[:, :p]
    return top.astype(np.int64)
