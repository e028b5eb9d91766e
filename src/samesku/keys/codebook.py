"""Codebooks of the embedding key family: spherical k-means cells per group.

A group (a category, say) too large for exact neighbour search is cut into cells of about
``block / 2`` entities by a spherical k-means fitted on a deterministic sample of the
group's vectors; every entity is keyed by its two nearest cells (two probes, as in an IVF
index), so neighbours near a cell border still meet in one block. The codebook is fitted
once per run and broadcast: keying an entity is then a per-entity computation, the same
in every engine, and a block never holds the whole group.

A group needs cells in proportion to its size, so a flat codebook would make keying
``O(cells)`` per entity and fitting ``O(cells^2)`` — quadratic in the group over the
catalog. Above :data:`FLAT_CELLS` cells the codebook is two-level (a hierarchical
k-means): about ``sqrt(cells)`` coarse cells, each cut into its own fine cells. An entity
compares itself with the coarse centroids, then only with the fine centroids of its
:data:`COARSE_PROBES` nearest coarse cells: ``O(sqrt(cells))`` per entity.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from samesku._threads import one_blas_thread

#: sample vectors per cell the k-means is fitted on (FAISS warns below ~39)
SAMPLE_PER_CELL = 40
PROBES = 2
#: codebooks of at most this many cells stay flat
FLAT_CELLS = 64
#: coarse cells whose fine cells an entity is compared with (two-level codebooks)
COARSE_PROBES = 3


@dataclass(frozen=True)
class Codebook:
    """Fine cells of one group, and for a two-level codebook the coarse cell of each."""

    centroids: np.ndarray                 # (cells, dims) unit fine centroids; a cell id is its row
    coarse: np.ndarray | None = None      # (coarse cells, dims) unit coarse centroids
    coarse_of: np.ndarray | None = None   # (cells,) coarse cell of each fine cell

    def __len__(self) -> int:
        return len(self.centroids)


def cells_for(size: int, block: int) -> int:
    """Cells a group of ``size`` entities is cut into (0: small enough to stay one block)."""
    if size <= block:
        return 0
    return max(2, int(np.ceil(2 * size / block)))


def group_seed(group: str, seed: int) -> int:
    """A seed derived from the group's name, so fitting does not depend on group order."""
    return (zlib.crc32(group.encode("utf-8")) + 7919 * seed) % (2**31 - 1)


def _kmeans(x: np.ndarray, n_cells: int, seed: int) -> np.ndarray:
    """(cells, dims) unit centroids of a spherical k-means (at least two points per cell)."""
    import faiss  # heavy; only runs that have large groups need it

    x = np.ascontiguousarray(x, dtype=np.float32)
    if len(x) < 4 or n_cells < 2:
        cent = x.mean(axis=0, keepdims=True) if len(x) else x.copy()
    else:
        k = int(min(n_cells, max(2, len(x) // 2)))
        km = faiss.Kmeans(x.shape[1], k, niter=10, seed=int(seed), spherical=True, verbose=False,
                          max_points_per_centroid=SAMPLE_PER_CELL * 8, min_points_per_centroid=1)
        km.train(x)
        cent = np.asarray(km.centroids, dtype=np.float32)
    norms = np.linalg.norm(cent, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (cent / norms).astype(np.float32)


def _nearest(x: np.ndarray, centroids: np.ndarray, p: int) -> tuple[np.ndarray, np.ndarray]:
    """(indices, cosines) of each row's ``p`` nearest centroids, nearest first (ties: lower index)."""
    one_blas_thread()
    # float64: a float32 GEMM rounds differently for different batch sizes, and a cell
    # decided by the last bit would differ between engines that batch differently
    sims = np.asarray(x, dtype=np.float64) @ centroids.T.astype(np.float64)
    p = min(p, centroids.shape[0])
    top = np.argsort(-sims, axis=1, kind="stable")[:, :p]
    return top.astype(np.int64), np.take_along_axis(sims, top, axis=1)


def fit_codebook(sample: np.ndarray, n_cells: int, seed: int) -> Codebook:
    """The codebook of one group, fitted on a sample of its vectors.

    Fewer cells are fitted when the sample is too small for ``n_cells`` (at least two
    sample vectors per cell); the caller's blocks then come out larger and are split
    further by the block function. Above :data:`FLAT_CELLS` cells: ``ceil(sqrt(cells))``
    coarse cells, and each coarse cell's sample points cut into cells in proportion to
    their number (fitting ``O(sample x sqrt(cells))``, not ``O(sample x cells)``).
    """
    if len(sample) < 2:
        return Codebook(np.ascontiguousarray(sample, dtype=np.float32).copy())
    if n_cells <= FLAT_CELLS:
        return Codebook(_kmeans(sample, n_cells, seed))
    n_coarse = int(np.ceil(np.sqrt(n_cells)))
    coarse = _kmeans(sample, n_coarse, seed)
    home = _nearest(sample, coarse, 1)[0][:, 0]
    fine, owner = [], []
    for c in range(len(coarse)):
        pts = sample[home == c]
        if len(pts) == 0:
            continue
        want = max(1, int(round(n_cells * len(pts) / len(sample))))
        cent = _kmeans(pts, want, (seed * 31 + c + 1) % (2**31 - 1))
        fine.append(cent)
        owner.append(np.full(len(cent), c, dtype=np.int64))
    return Codebook(np.concatenate(fine), coarse, np.concatenate(owner))


def assign_cells(vectors: np.ndarray, book: Codebook, probes: int = PROBES) -> np.ndarray:
    """(n, probes) indices of each vector's nearest fine cells (cosine), nearest first.

    Ties keep the lower cell first: the same cells in every engine.
    """
    if len(vectors) == 0:
        return np.zeros((0, min(probes, max(len(book), 1))), dtype=np.int64)
    if book.coarse is None or book.coarse_of is None:
        return _nearest(vectors, book.centroids, probes)[0]
    n = len(vectors)
    near, _ = _nearest(vectors, book.coarse, COARSE_PROBES)
    rows, cells, sims = [], [], []
    for c in range(len(book.coarse)):
        who = np.flatnonzero((near == c).any(axis=1))
        mine = np.flatnonzero(book.coarse_of == c)
        if len(who) == 0 or len(mine) == 0:
            continue
        top, s = _nearest(vectors[who], book.centroids[mine], probes)
        rows.append(np.repeat(who, top.shape[1]))
        cells.append(mine[top].ravel())
        sims.append(s.ravel())
    r, cl, sm = np.concatenate(rows), np.concatenate(cells), np.concatenate(sims)
    order = np.lexsort((cl, -sm, r))
    r, cl = r[order], cl[order]
    starts = np.r_[0, np.flatnonzero(r[1:] != r[:-1]) + 1]
    rank = np.arange(len(r)) - np.repeat(starts, np.diff(np.r_[starts, len(r)]))
    p = min(probes, len(book))
    out = np.full((n, p), -1, dtype=np.int64)
    keep = rank < p
    out[r[keep], rank[keep]] = cl[keep]
    # an entity whose probed coarse cells hold fewer than p fine cells repeats its nearest
    return np.where(out < 0, out[:, :1], out)
