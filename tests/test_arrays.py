from __future__ import annotations

import numpy as np

from samesku._arrays import RowView, in_sorted, unique_int


def test_in_sorted_answers_membership_exactly_as_isin_does():
    rng = np.random.default_rng(3)
    for n_set, n_val in ((0, 10), (1, 50), (1000, 5000), (5000, 0)):
        pool = rng.integers(0, 4 * max(n_set, 1), size=n_set)
        values = rng.integers(-5, 4 * max(n_set, 1) + 5, size=n_val)
        got = in_sorted(values, unique_int(pool))
        assert got.dtype == bool and np.array_equal(got, np.isin(values, pool))


def test_row_view_reads_the_indexed_rows_of_its_base_without_copying():
    base = np.arange(20, dtype=np.float32).reshape(5, 4)
    view = RowView(base, np.array([4, 0, 4]))
    assert view.shape == (3, 4) and len(view) == 3
    assert np.array_equal(view[np.array([0, 2])], base[[4, 4]])
    assert view.base is base
