"""Constrained merging: cannot-link constraints, average support against chaining, determinism."""

from __future__ import annotations

import numpy as np

from samesku.config import MergeConfig
from samesku.match.prepare import prepare_offers
from samesku.merge.union import capped_components, ladder_thresholds, merge_edges
from tests.conftest import make_analysed, unit_vectors


def _arrays(rows):
    return prepare_offers(make_analysed(rows), unit_vectors(len(rows)))


def _merge(rows, edges, cfg=None, threshold=0.5):
    cfg = cfg or MergeConfig()
    e = np.array(edges, dtype=np.float64)
    a, b, p = e[:, 0].astype(np.int64), e[:, 1].astype(np.int64), e[:, 2]
    return merge_edges(len(rows), a, b, p, _arrays(rows), cfg, threshold)


def test_connected_offers_end_in_one_cluster():
    rows = [{"title": f"t{i}"} for i in range(4)]
    res = _merge(rows, [(0, 1, 0.9), (1, 2, 0.8), (2, 3, 0.7)])
    assert len(set(res.labels.tolist())) == 1


def test_clusters_with_different_gtins_never_merge():
    rows = [{"title": "x", "gtins": ["00000000000017"]}, {"title": "x"}, {"title": "x", "gtins": ["00000000000024"]}]
    res = _merge(rows, [(0, 1, 0.99), (1, 2, 0.98)])
    assert res.labels[0] != res.labels[2]
    assert res.refused["gtin"] == 1


def test_clusters_with_different_counts_never_merge_through_a_bridge():
    rows = [{"title": "a", "count": 120}, {"title": "a", "count": 120}, {"title": "a", "count": 40}]
    res = _merge(rows, [(0, 1, 0.9), (1, 2, 0.95)])
    assert res.labels[0] == res.labels[1] != res.labels[2]


def test_one_strong_edge_does_not_chain_two_large_clusters():
    # two cliques of 4 joined by one bridge edge; all other cross pairs scored low
    rows = [{"title": f"t{i}"} for i in range(8)]
    edges = [(i, j, 0.95) for i in range(4) for j in range(i + 1, 4)]
    edges += [(i, j, 0.95) for i in range(4, 8) for j in range(i + 1, 8)]
    edges += [(3, 4, 0.9)] + [(i, j, 0.05) for i in range(3) for j in range(5, 8)]
    res = _merge(rows, edges, MergeConfig(large_cluster=3))
    assert len(set(res.labels.tolist())) == 2
    assert res.refused["support"] >= 1


def test_a_bridge_offer_alone_cannot_merge_two_large_clusters():
    # offer 3 belongs to clique 0-3 and also names clique 4-7's product: every cross edge
    # runs through it, strong as they are, and no other cross pair was scored
    rows = [{"title": f"t{i}"} for i in range(8)]
    edges = [(i, j, 0.95) for i in range(4) for j in range(i + 1, 4)]
    edges += [(i, j, 0.95) for i in range(4, 8) for j in range(i + 1, 8)]
    edges += [(3, j, 0.9) for j in range(4, 8)]
    res = _merge(rows, edges, MergeConfig(large_cluster=3))
    assert len(set(res.labels.tolist())) == 2
    # the same cross evidence spread over two members of each side merges them
    spread = edges[:-4] + [(2, 4, 0.9), (3, 5, 0.9)]
    assert len(set(_merge(rows, spread, MergeConfig(large_cluster=3)).labels.tolist())) == 1
    # and with the rule off, the bridge carries the merge
    assert len(set(_merge(rows, edges, MergeConfig(large_cluster=3, min_cross_members=1)).labels.tolist())) == 1


def test_hard_seller_constraint_keeps_same_shop_offers_apart():
    rows = [{"title": "a", "seller": "s1"}, {"title": "a", "seller": "s1"}, {"title": "a", "seller": "s2"}]
    res = _merge(rows, [(0, 1, 0.99), (1, 2, 0.9)], MergeConfig(seller_constraint="hard"))
    assert res.labels[0] != res.labels[1]
    assert res.labels[1] == res.labels[2]


def test_merging_is_deterministic():
    rng = np.random.default_rng(0)
    rows = [{"title": f"t{i}"} for i in range(300)]
    edges = [(int(a), int(b), float(p)) for a, b, p in zip(rng.integers(0, 300, 900), rng.integers(0, 300, 900), rng.random(900), strict=True) if a != b]
    r1 = _merge(rows, edges)
    r2 = _merge(rows, edges)
    assert np.array_equal(r1.labels, r2.labels)


def _random_graph(seed: int, n: int, sellers: int, pairs: int = 3000):
    """(n, a, b, p, arrays): random sellers and counts, ``pairs`` random scored pairs with uniform p."""
    rng = np.random.default_rng(seed)
    rows = [{"title": f"t{i}", "seller": f"s{rng.integers(0, sellers)}", "count": int(rng.choice([1, 1, 1, 2]))}
            for i in range(n)]
    a, b = rng.integers(0, n, pairs), rng.integers(0, n, pairs)
    keep = a != b
    return n, a[keep], b[keep], rng.random(int(keep.sum())), _arrays(rows)


def test_merging_component_by_component_gives_the_clusters_of_one_strongest_first_pass():
    from samesku.merge.profiles import ProfileSource
    from samesku.merge.union import _merge_pass

    # sellers and counts that make the cannot-link, seller and support checks fire,
    # on a random graph of many accepted components joined by below-threshold pairs
    n, a, b, p, arrays = _random_graph(seed=3, n=600, sellers=40)
    cfg = MergeConfig(large_cluster=3)
    by_component = merge_edges(n, a, b, p, arrays, cfg, 0.7)
    one_pass = _merge_pass(n, a, b, p, ProfileSource(arrays), cfg, 0.7)
    assert by_component.merges > 50
    assert min(by_component.refused[k] for k in ("count", "seller", "support")) > 10
    assert np.array_equal(by_component.labels, one_pass.labels)
    assert np.array_equal(by_component.weakest_link, one_pass.weakest_link)
    assert by_component.refused == one_pass.refused


def _two_cliques_and_a_weak_chain() -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """Offers 0-3 and 4-7 are strong cliques (p 0.99); one accepted 0.6 edge links them."""
    edges = [(i, j, 0.99) for lo in (0, 4) for i in range(lo, lo + 4) for j in range(i + 1, lo + 4)] + [(3, 4, 0.6)]
    e = np.array(edges, dtype=np.float64)
    return 8, e[:, 0].astype(np.int64), e[:, 1].astype(np.int64), e[:, 2]


def test_an_oversize_component_is_cut_into_the_components_of_its_stronger_edges():
    n, a, b, p = _two_cliques_and_a_weak_chain()
    assert capped_components(n, a, b, p, 0.5, 0).tolist() == [0] * 8           # no cap: one component
    assert capped_components(n, a, b, p, 0.5, 8).tolist() == [0] * 8           # it fits
    assert capped_components(n, a, b, p, 0.5, 5).tolist() == [0] * 4 + [4] * 4  # cut at p >= 0.75
    assert ladder_thresholds(0.5)[:3] == [0.5, 0.75, 0.875]


def test_the_last_ladder_level_keeps_a_component_whatever_its_size():
    n, a, b, p = _two_cliques_and_a_weak_chain()
    p = np.full_like(p, 0.999)      # every edge above the last level: nothing can cut it
    assert capped_components(n, a, b, p, 0.5, 3).tolist() == [0] * 8


def test_merging_never_crosses_a_component_cap_and_counts_the_edges_set_aside():
    n, a, b, p = _two_cliques_and_a_weak_chain()
    rows = [{"title": f"t{i}"} for i in range(n)]
    free = merge_edges(n, a, b, p, _arrays(rows), MergeConfig(min_cross_members=1, max_component=0), 0.5)
    capped = merge_edges(n, a, b, p, _arrays(rows), MergeConfig(min_cross_members=1, max_component=5), 0.5)
    assert len(set(free.labels.tolist())) == 1 and free.refused["component_cap"] == 0
    assert capped.labels.tolist() == [0] * 4 + [4] * 4
    assert capped.refused["component_cap"] == 1


def test_components_packed_into_many_merge_chunks_give_the_clusters_of_one_pass(monkeypatch):
    from samesku.merge import union
    from samesku.merge.profiles import ProfileSource

    n, a, b, p, arrays = _random_graph(seed=5, n=3000, sellers=300)   # 3,000 pairs: hundreds of small components
    monkeypatch.setattr(union, "MERGE_CHUNK", 50)
    chunked = merge_edges(n, a, b, p, arrays, MergeConfig(), 0.5)
    one_pass = union._merge_pass(n, a, b, p, ProfileSource(arrays), MergeConfig(), 0.5)
    assert chunked.merges > 500
    assert np.array_equal(chunked.labels, one_pass.labels)
    assert np.array_equal(chunked.weakest_link, one_pass.weakest_link)
    assert chunked.refused == one_pass.refused


def test_clusters_sharing_any_model_code_are_not_a_code_conflict():
    # one shop names the part number beside the model ("1300d ... 1160c017"): its longest
    # code is the part number, yet it shares the model code with the other cluster
    rows = [{"title": "canon eos 1300d", "codes": ["1300D"]}, {"title": "canon eos 1300d body", "codes": ["1300D"]},
            {"title": "canon eos 1300d 1160c017", "codes": ["1300D", "1160C017"]}, {"title": "canon 1160c017"}]
    res = _merge(rows, [(0, 1, 0.95), (2, 3, 0.95), (1, 2, 0.9)], MergeConfig(large_cluster=10))
    assert len(set(res.labels.tolist())) == 1 and res.refused["model_code"] == 0


def test_clusters_agree_on_amount_when_one_states_the_others_as_a_second_measure():
    wash_first = {"title": "w 8kg wash 6kg dry", "amount": 8000.0, "amounts": [8000.0, 6000.0], "unit": "g"}
    dry_only = {"title": "w 6kg", "amount": 6000.0, "amounts": [6000.0], "unit": "g"}
    other = {"title": "w 7kg", "amount": 7000.0, "amounts": [7000.0], "unit": "g"}
    res = _merge([wash_first, dry_only, other], [(0, 1, 0.95), (1, 2, 0.9)])
    assert res.labels[0] == res.labels[1] != res.labels[2]
    assert res.refused["amount"] == 1


def test_a_related_code_is_found_among_many_codes_of_a_cluster():
    from samesku.merge.union import _codes_conflict

    many = {f"AA{i:02d}ZZ" for i in range(20)}        # sorted, the related code comes last
    assert not _codes_conflict(many | {"ZZ9KGN36HI32"}, {"KGN36HI32", "X1", "X2", "X3"})
    assert _codes_conflict(many, {"KGN36HI32", "X1", "X2", "X3"})
    assert not _codes_conflict({"RX9"}, {"RX91SGM"}) and _codes_conflict({"ABC123"}, {"XYZ999"})


def test_sibling_codes_bridged_by_a_codeless_offer_never_merge():
    # one shop names no code; its title fits both fridge freezers of one range, whose codes
    # differ only in digits (a partial similarity of 0.75 once counted them as related)
    rows = [{"title": "liebherr cbnpbs4858", "codes": ["CBNPBS4858"]}, {"title": "liebherr fridge freezer"},
            {"title": "liebherr cbnpbs3756", "codes": ["CBNPBS3756"]}]
    res = _merge(rows, [(0, 1, 0.96), (1, 2, 0.95)])
    assert res.labels[0] == res.labels[1] != res.labels[2]
    assert res.refused["model_code"] == 1
