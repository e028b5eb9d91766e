"""Pair context: per-node rivals from the other offer's shop, the context stage of a model."""

from __future__ import annotations

import numpy as np

from samesku.match.context import CONTEXT_FEATURES, end_context, node_context, pair_context
from samesku.match.model import MatchModel, train_context, train_model
from samesku.match.score import in_context
from tests.match.test_matcher import _toy_training

COL = {f: i for i, f in enumerate(CONTEXT_FEATURES)}


def _context_training(seed: int = 0, offers: int = 3000):
    """Pairs where the true match of an offer is its best candidate from that shop."""
    rng = np.random.default_rng(seed)
    seller = rng.integers(0, 20, offers)
    a = rng.integers(0, offers, offers * 6)
    b = rng.integers(0, offers, offers * 6)
    keep = (a < b) & (seller[a] != seller[b])
    a, b = a[keep], b[keep]
    p = rng.random(len(a)).astype(np.float32)
    c = pair_context(a, b, p, seller)
    y = (np.nan_to_num(c[:, COL["shop_gap_min"]], nan=1.0) >= 0) & (p > 0.3)
    return p, a, b, seller, y.astype(np.int8), a // 4


def test_shop_gap_is_negative_when_the_offer_has_a_better_candidate_in_that_shop():
    # offer 0's candidates: 1 and 2 from shop 7 (0.6 and 0.9), 3 from shop 8 (0.5)
    seller = np.array([5, 7, 7, 8])
    a, b = np.array([0, 0, 0]), np.array([1, 2, 3])
    c = pair_context(a, b, np.array([0.6, 0.9, 0.5]), seller)
    assert np.isclose(c[0, COL["shop_gap_min"]], 0.6 - 0.9)      # shop 7 had a better offer for 0
    assert np.isclose(c[1, COL["shop_gap_min"]], 0.9 - 0.6)      # it is the best of shop 7
    assert np.isnan(c[2, COL["shop_gap_min"]])                   # no rival in shop 8
    assert c[0, COL["degree_max"]] == 3 and c[0, COL["degree_min"]] == 1


def test_node_context_is_the_same_in_any_batch_of_whole_nodes_and_any_row_order():
    rng = np.random.default_rng(3)
    node = rng.integers(0, 50, 2000)
    shop = rng.integers(-1, 6, 2000)
    p = np.round(rng.random(2000), 2).astype(np.float32)   # rounded: many ties
    whole = node_context(node, shop, p)
    odd = node % 2 == 1
    parts = np.empty_like(whole)
    parts[odd] = node_context(node[odd], shop[odd], p[odd])
    parts[~odd] = node_context(node[~odd], shop[~odd], p[~odd])
    assert np.array_equal(whole, parts, equal_nan=True)
    perm = rng.permutation(2000)
    assert np.array_equal(whole[perm], node_context(node[perm], shop[perm], p[perm]), equal_nan=True)
    assert np.isnan(whole[shop < 0, 0]).all()


def test_node_context_reads_hashed_shop_codes_as_their_ranks():
    rng = np.random.default_rng(4)
    node, shop = rng.integers(0, 40, 500), rng.integers(-1, 5, 500)
    p = rng.random(500).astype(np.float32)
    hashed = np.where(shop >= 0, (shop + 1) * 0x1F3D_5B79_0000_0001 % (2**62), -1)
    assert np.array_equal(node_context(node, shop, p), node_context(node, hashed, p), equal_nan=True)


def test_node_context_matches_a_plain_loop():
    rng = np.random.default_rng(5)
    node, shop = rng.integers(0, 30, 400), rng.integers(-1, 4, 400)
    p = np.round(rng.random(400), 1).astype(np.float32)
    got = node_context(node, shop, p)
    for i in range(400):
        rivals = [p[j] for j in range(400) if j != i and node[j] == node[i] and shop[j] == shop[i]]
        want = np.nan if shop[i] < 0 or not rivals else max(rivals)
        assert (np.isnan(want) and np.isnan(got[i, 0])) or np.isclose(got[i, 0], want)
        assert got[i, 1] == (node == node[i]).sum()


def _model_with_context() -> MatchModel:
    x, y, g = _toy_training()
    model, _ = train_model(x, y, g, seed=1, num_boost_round=20)
    p, a, b, seller, yc, gc = _context_training()
    model.context, metrics = train_context(p, a, b, seller, yc, gc, seed=0)
    assert metrics["context_val_precision"] > 0.8
    return model


def test_context_stage_lowers_a_pair_whose_offer_has_a_better_match_in_that_shop():
    model = _model_with_context()
    seller = np.array([5, 7, 7])
    final = in_context(model, np.array([0, 0]), np.array([1, 2]), np.array([0.6, 0.9], np.float32),
                       np.array([False, False]), seller)
    assert final[0] < 0.5 < final[1]


def test_vetoed_pairs_and_pairs_of_unknown_sellers_keep_their_pair_probability():
    model = _model_with_context()
    pair_p = np.array([0.0, 0.6, 0.9], np.float32)
    final = in_context(model, np.array([0, 0, 0]), np.array([1, 2, 3]), pair_p,
                       np.array([True, False, False]), np.array([5, 7, 7, -1]))
    assert final[0] == 0.0 and final[2] == np.float32(0.9)
    assert final[1] != np.float32(0.6)


def test_model_with_a_context_stage_reloads_with_identical_probabilities(tmp_path):
    model = _model_with_context()
    model.save(tmp_path / "m.json")
    again = MatchModel.load(tmp_path / "m.json")
    assert again.context is not None
    p, a, b, seller, _, _ = _context_training(seed=5)
    c = pair_context(a, b, p, seller)
    assert np.array_equal(model.context.predict(c), again.context.predict(c))


def test_end_context_is_the_same_in_small_batches_of_offers():
    p, a, b, seller, _, _ = _context_training(seed=2, offers=500)
    whole = end_context(a, b, p, seller)
    small = end_context(a, b, p, seller, batch_rows=37)
    assert all(np.array_equal(x, y, equal_nan=True) for x, y in zip(whole, small, strict=True))
