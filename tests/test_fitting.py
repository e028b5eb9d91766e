"""Run-level fitting: group counts and the codebook sample."""

from __future__ import annotations

import dataclasses

import numpy as np

from samesku.config import Config
from samesku.fitting import count_groups, group_sample_positions, sample_hash


def test_count_groups_counts_every_group_key_exactly():
    rng = np.random.default_rng(0)
    groups = np.array([f"e:{c}" for c in rng.integers(0, 30, 5_000)], dtype=object)
    u, c = np.unique(groups.astype(str), return_counts=True)
    assert count_groups(groups) == {str(a): int(b) for a, b in zip(u, c, strict=True)}
    assert count_groups(np.array([], dtype=object)) == {}


def test_the_codebook_sample_takes_each_large_groups_rows_with_the_smallest_sample_hash_in_hash_order():
    cfg = Config()
    cfg = dataclasses.replace(cfg, blocking=dataclasses.replace(cfg.blocking, embedding_block=100))
    rng = np.random.default_rng(1)
    groups = np.array(["e:big"] * 3_000 + ["e:small"] * 50 + ["e:mid"] * 400, dtype=object)[rng.permutation(3_450)]
    rows = np.arange(3_450, dtype=np.int64) * 7 + 3
    pos = group_sample_positions(groups, rows, count_groups(groups), cfg)
    assert "e:small" not in set(groups[pos].tolist())          # 50 <= block: no codebook, no sample
    h = sample_hash(rows)
    for g, size in (("e:big", 3_000), ("e:mid", 400)):
        mine = np.flatnonzero(groups == g)
        want = mine[np.lexsort((rows[mine], h[mine]))][: int(np.ceil(2 * size / 100)) * 40]
        assert np.array_equal(pos[groups[pos] == g], want)
