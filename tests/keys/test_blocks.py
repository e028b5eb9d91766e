"""Blocking: heavy keys are detected and split, work per entity stays bounded, determinism."""

from __future__ import annotations

import numpy as np

from samesku._arrays import RowView
from samesku.keys.blocks import (
    block_pairs,
    canonical_pairs,
    heavy_keys,
    pairs_in_block,
    rp_tree_leaves,
)
from tests.conftest import unit_vectors


def test_heavy_key_is_detected_by_the_frequency_sketch():
    keys = np.array(["rx9"] * 5000 + [f"k{i}" for i in range(3000)], dtype=object)
    heavy = heavy_keys(keys, max_block=100)
    assert [k for k, _ in heavy] == ["rx9"]
    assert heavy[0][1] >= 5000


def test_no_heavy_key_is_missed_among_a_million_light_keys():
    # 60 keys just above max_block among 1.2M rows of light keys: a sketch map sized for a
    # smaller stream would purge them (its error would exceed max_block)
    heavy_names = [f"h{i}" for i in range(60)]
    keys = np.array([k for k in heavy_names for _ in range(300)] + [f"k{i % 400_000}" for i in range(1_200_000)], dtype=object)
    found = {k: c for k, c in heavy_keys(keys, max_block=256)}
    assert set(heavy_names) <= set(found)
    assert all(found[k] >= 300 for k in heavy_names)


def test_heavy_block_is_split_and_pairs_per_entity_stay_bounded():
    n = 5000
    vectors = unit_vectors(n)
    entity = np.arange(n, dtype=np.int64)
    keys = np.array(["rx9"] * n, dtype=object)
    pairs, stats = block_pairs(entity, keys, vectors, "name", knn_k=5, max_block=200)
    assert stats.heavy_keys and stats.heavy_keys[0][0] == "rx9"
    # each entity sits in two sub-blocks (two probes) and proposes k neighbours in each
    assert len(pairs) <= 2 * 5 * n
    assert len(pairs) < n * (n - 1) // 2 / 100
    assert stats.largest_block <= 2 * 200   # blocks searched after the split
    assert np.bincount(pairs.ravel()).max() <= 4 * 5 * 2


def test_rp_tree_leaves_are_bounded_and_balanced():
    v = unit_vectors(10_000)
    leaves = rp_tree_leaves(v, 256, seed=1)
    sizes = np.bincount(np.unique(leaves, return_inverse=True)[1])
    assert sizes.max() <= 256
    assert sizes.min() >= 64


def test_small_block_yields_all_its_pairs():
    vectors = unit_vectors(4)
    pairs, _ = block_pairs(np.arange(4), np.array(["a"] * 4, dtype=object), vectors, "code", knn_k=5, max_block=50)
    assert len(pairs) == 6


def test_knn_inside_block_keeps_the_nearest_neighbours():
    v = unit_vectors(30, seed=3)
    v[1] = v[0] + 0.01
    v[1] /= np.linalg.norm(v[1])
    pairs, _ = block_pairs(np.arange(30), np.array(["a"] * 30, dtype=object), v, "name", knn_k=1, max_block=100)
    assert [0, 1] in pairs.tolist()
    assert len(pairs) <= 30


def test_same_input_gives_same_candidates_twice():
    v = unit_vectors(3000, seed=5)
    keys = np.array([f"k{i % 7}" for i in range(3000)], dtype=object)
    p1, _ = block_pairs(np.arange(3000), keys, v, "name", knn_k=4, max_block=300, seed=9)
    p2, _ = block_pairs(np.arange(3000), keys, v, "name", knn_k=4, max_block=300, seed=9)
    assert np.array_equal(p1, p2)


def test_canonical_pairs_drop_self_pairs_and_duplicates():
    p = canonical_pairs(np.array([[2, 1], [1, 2], [3, 3], [0, 5]]))
    assert p.tolist() == [[0, 5], [1, 2]]


def test_heavy_key_split_keeps_most_exact_neighbours():
    from samesku.keys.blocks import _knn_pairs

    rng = np.random.default_rng(2)
    centers = rng.standard_normal((300, 32)).astype(np.float32)
    v = centers[rng.integers(0, 300, 6000)] + 0.3 * rng.standard_normal((6000, 32)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    ids = np.arange(6000)
    approx, stats = block_pairs(ids, np.array(["rx9"] * 6000, dtype=object), v, "name", knn_k=5, max_block=500)
    assert stats.heavy_keys
    exact = canonical_pairs(_knn_pairs(ids, v, 5))
    found = {tuple(p) for p in approx.tolist()} & {tuple(p) for p in exact.tolist()}
    assert len(found) / len(exact) > 0.8


def test_codebook_cells_keep_most_exact_neighbours_of_a_large_group():
    from samesku.keys.blocks import _knn_pairs
    from samesku.keys.codebook import assign_cells, cells_for, fit_codebook

    rng = np.random.default_rng(2)
    centers = rng.standard_normal((300, 32)).astype(np.float32)
    v = centers[rng.integers(0, 300, 6000)] + 0.3 * rng.standard_normal((6000, 32)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    book = fit_codebook(v[:2000], cells_for(6000, 1000), seed=1)
    cells = assign_cells(v, book)
    keys = np.array([f"e:|{c}" for c in cells.ravel().tolist()], dtype=object)
    entity = np.repeat(np.arange(6000), cells.shape[1])
    approx, _ = block_pairs(entity, keys, v, "embedding", knn_k=5, max_block=1000, top_k_overall=True)
    exact = canonical_pairs(_knn_pairs(np.arange(6000), v, 5))
    found = {tuple(p) for p in approx.tolist()} & {tuple(p) for p in exact.tolist()}
    assert len(found) / len(exact) > 0.9


def test_entities_of_one_group_are_never_paired_and_their_slots_go_to_other_groups():
    # one shop listing 200 near-identical generic titles ("washing machine") beside 200
    # offers of other shops: without groups the shop's own copies fill every slot
    rng = np.random.default_rng(4)
    base = unit_vectors(1, dims=16)[0]
    near = base + 0.01 * rng.standard_normal((200, 16)).astype(np.float32)
    far = base + 0.3 * rng.standard_normal((200, 16)).astype(np.float32)
    vectors = np.concatenate([near, far])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    groups = np.r_[np.zeros(200, np.int64), np.arange(1, 201)]
    entity = np.arange(400, dtype=np.int64)
    keys = np.array(["washing machine"] * 400, dtype=object)
    plain, _ = block_pairs(entity, keys, vectors, "name", knn_k=5, max_block=256)
    grouped, _ = block_pairs(entity, keys, vectors, "name", knn_k=5, max_block=256, groups=groups)
    shop_pairs = lambda p: int(((p[:, 0] < 200) & (p[:, 1] < 200)).sum())  # noqa: E731
    assert shop_pairs(plain) > 0
    assert shop_pairs(grouped) == 0
    # every offer of the shop still gets its k neighbours, now all from other shops
    shop_partners = np.bincount(grouped[grouped[:, 0] < 200, 0], minlength=200)
    assert (shop_partners[:200] >= 5).all()
    # group -1 means unknown: such entities are paired as usual
    unknown, _ = block_pairs(entity, keys, vectors, "name", knn_k=5, max_block=256, groups=np.full(400, -1))
    assert np.array_equal(unknown, plain)


def test_an_entity_with_a_larger_neighbour_budget_keeps_that_many_neighbours_and_others_keep_k():
    vectors = unit_vectors(500, dims=16, seed=8)
    entity = np.arange(500, dtype=np.int64)
    keys = np.array(["e:tv"] * 500, dtype=object)
    k_of = np.full(500, 5, dtype=np.int64)
    k_of[7] = 60
    plain, _ = block_pairs(entity, keys, vectors, "embedding", knn_k=5, max_block=1000, top_k_overall=True)
    wide, _ = block_pairs(entity, keys, vectors, "embedding", knn_k=5, max_block=1000, top_k_overall=True, k_of=k_of)
    partners = lambda p, e: set(p[p[:, 0] == e, 1].tolist()) | set(p[p[:, 1] == e, 0].tolist())  # noqa: E731
    # entity 7 gets its 60 nearest, exactly (cosine order), and keeps its 5 nearest among them
    sims = vectors @ vectors[7]
    sims[7] = -np.inf
    nearest60 = set(np.argsort(-sims)[:60].tolist())
    assert nearest60 <= partners(wide, 7)
    assert partners(plain, 7) <= partners(wide, 7)
    # everybody else's own neighbour lists are unchanged: the only new pairs involve entity 7
    new = {tuple(p) for p in wide.tolist()} - {tuple(p) for p in plain.tolist()}
    assert new and all(7 in p for p in new)


def test_entity_vectors_given_as_rows_of_a_shared_matrix_give_the_same_pairs_as_a_copy():
    # later stages index each entity's cluster centroid instead of copying it per family;
    # several entities share one centroid row, as representatives of one cluster do
    rng = np.random.default_rng(4)
    centroids = unit_vectors(700, 16, seed=4)
    row_of = np.sort(rng.integers(0, 700, size=1500))
    keys = np.array([f"k{j}" for j in rng.integers(0, 3, size=1500)], dtype=object)
    entity = np.arange(1500, dtype=np.int64)
    groups = rng.integers(-1, 40, size=1500)
    k_of = np.where(rng.random(1500) < 0.1, 25, 5)
    for top in (False, True):
        copied, st_c = block_pairs(entity, keys, centroids[row_of], "f", 5, 256, seed=1, top_k_overall=top,
                                   groups=groups, k_of=k_of)
        viewed, st_v = block_pairs(entity, keys, RowView(centroids, row_of), "f", 5, 256, seed=1, top_k_overall=top,
                                   groups=groups, k_of=k_of)
        assert len(copied) > 1500
        assert np.array_equal(copied, viewed)
        assert st_c.heavy_keys == st_v.heavy_keys and st_c.heavy_keys   # the split path ran too


def test_top_k_per_entity_keeps_each_entitys_most_similar_partners_with_ties_to_the_lower_partner():
    from samesku.keys.blocks import _top_k_per_entity

    rng = np.random.default_rng(12)
    pairs = canonical_pairs(rng.integers(0, 60, (900, 2)))
    # few distinct values, negatives and zeros included: many ties
    sims = rng.choice(np.array([-0.5, -0.0, 0.0, 0.25, 0.5, 0.75, 1.0], dtype=np.float32), len(pairs))
    k_of = np.where(rng.random(60) < 0.3, 7, 0)
    got = {tuple(p) for p in _top_k_per_entity(pairs, sims, 3, k_of=k_of).tolist()}
    want: set[tuple[int, int]] = set()
    for e in range(60):
        mine = [((-float(s), int(b if a == e else a)), (int(a), int(b)))
                for (a, b), s in zip(pairs.tolist(), sims.tolist(), strict=True) if e in (a, b)]
        want |= {p for _, p in sorted(mine)[: max(3, int(k_of[e]))]}
    assert got == want


def test_large_block_finds_the_same_neighbours_whatever_the_openmp_thread_count():
    # blocks above ~1,000 entities are searched with FAISS, which breaks ties between equal
    # similarities (identical titles) by its OpenMP thread count; Spark's Python workers run
    # one thread, the local engine several
    import faiss

    rng = np.random.default_rng(0)
    centres = rng.standard_normal((300, 256)).astype(np.float32)
    v = centres[rng.integers(0, 300, 2243)]   # ~7 identical vectors per centre: ties at the k-th neighbour
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    ids = np.arange(len(v))
    before = faiss.omp_get_max_threads()
    found = []
    try:
        for threads in (1, 2, 4):
            faiss.omp_set_num_threads(threads)
            found.append(canonical_pairs(pairs_in_block(ids, v, 20, 2048)))
    finally:
        faiss.omp_set_num_threads(before)
    assert len(found[0]) > 20 * len(v) // 2
    assert all(np.array_equal(found[0], f) for f in found[1:])
