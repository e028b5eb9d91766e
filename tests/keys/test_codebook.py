"""Embedding codebooks: flat and two-level cells, batch-independent assignment."""

from __future__ import annotations

import numpy as np

from samesku.keys.codebook import FLAT_CELLS, assign_cells, cells_for, fit_codebook


def _clustered(n: int, centers: int, dims: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    c = rng.standard_normal((centers, dims)).astype(np.float32)
    v = c[rng.integers(0, centers, n)] + 0.3 * rng.standard_normal((n, dims)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_a_codebook_above_the_flat_limit_is_two_level_and_finds_nearly_every_nearest_cell():
    v = _clustered(20_000, 600, 32, seed=3)
    n_cells = cells_for(20_000, 200)            # 200 cells: above FLAT_CELLS
    assert n_cells > FLAT_CELLS
    book = fit_codebook(v[: n_cells * 40], n_cells, seed=1)
    assert book.coarse is not None and book.coarse_of is not None
    assert len(book.coarse) < len(book) and 0.8 * n_cells <= len(book) <= 1.2 * n_cells
    got = assign_cells(v, book)
    exact = np.argsort(-(v.astype(np.float64) @ book.centroids.T.astype(np.float64)), axis=1, kind="stable")[:, :2]
    assert (got[:, 0] == exact[:, 0]).mean() > 0.95
    assert (got[:, 0] != got[:, 1]).all()


def test_cell_assignment_does_not_depend_on_how_entities_are_batched():
    v = _clustered(5_000, 200, 16, seed=5)
    book = fit_codebook(v[:4_000], 100, seed=2)
    whole = assign_cells(v, book)
    parts = np.concatenate([assign_cells(v[:1_234], book), assign_cells(v[1_234:], book)])
    assert np.array_equal(whole, parts)


def test_a_small_codebook_stays_flat():
    v = _clustered(2_000, 50, 16, seed=7)
    book = fit_codebook(v[:400], 10, seed=0)
    assert book.coarse is None and len(book) == 10
    assert assign_cells(v, book).shape == (2_000, 2)
