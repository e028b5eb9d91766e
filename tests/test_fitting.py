"""Run-level fitting: group counts, the codebook sample and the seller check."""

from __future__ import annotations

import dataclasses

import numpy as np
import pyarrow as pa

from samesku.config import Config
from samesku.fitting import (
    check_sellers,
    count_groups,
    effective_config,
    group_sample_positions,
    sample_hash,
)
from samesku.keys.codebook import SAMPLE_PER_CELL, cells_for


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
    pos = group_sample_positions(groups, rows, count_groups(groups),
                                 lambda size: cells_for(size, cfg.blocking.embedding_block) * SAMPLE_PER_CELL)
    assert "e:small" not in set(groups[pos].tolist())          # 50 <= block: no codebook, no sample
    h = sample_hash(rows)
    for g, size in (("e:big", 3_000), ("e:mid", 400)):
        mine = np.flatnonzero(groups == g)
        want = mine[np.lexsort((rows[mine], h[mine]))][: int(np.ceil(2 * size / 100)) * 40]
        assert np.array_equal(pos[groups[pos] == g], want)


def _sample(sellers: list[str], codes: list[list[str]], gtins: list[list[str]] | None = None) -> pa.Table:
    n = len(sellers)
    return pa.table({
        "seller": pa.array(sellers, pa.string()),
        "model_codes": pa.array(codes, pa.list_(pa.string())),
        "gtins": pa.array(gtins or [[] for _ in range(n)], pa.list_(pa.string())),
    })


def test_the_seller_check_fails_where_shops_list_a_product_many_times_and_holds_where_once():
    products = [f"AB{i:03d}X" for i in range(60)]
    once = _sample([f"shop{j}" for _ in products for j in range(4)], [[p] for p in products for _ in range(4)])
    many = _sample([f"shop{j % 2}" for _ in products for j in range(4)], [[p] for p in products for _ in range(4)])
    ok, bad = check_sellers(once), check_sellers(many)
    assert ok is not None and bad is not None and ok.groups == bad.groups == 60
    assert ok.same_shop_share == 0.0 and ok.holds(0.25, 0.05) is True
    assert abs(bad.same_shop_share - 1 / 3) < 1e-9 and bad.holds(0.25, 0.05) is False
    cfg = Config()
    assert effective_config(cfg, ok) is cfg
    assert effective_config(cfg, bad).merge.seller_constraint == "off"
    assert effective_config(dataclasses.replace(cfg, merge=dataclasses.replace(cfg.merge, seller_check_max_share=1.0)),
                            bad).merge.seller_constraint == "hard"


def test_gtin_groups_decide_the_seller_check_against_a_lower_share_than_model_codes():
    # 60 GTINs, each with 4 offers from two of 10 shops (two offers each): 1/3 of a group's
    # pairs share a shop, below a code limit of 0.5, above a GTIN limit of 0.05
    gt = [[f"{i:013d}"] for i in range(60) for _ in range(4)]
    shops = [f"s{(i + j // 2) % 10}" for i in range(60) for j in range(4)]
    check = check_sellers(_sample(shops, [[] for _ in gt], gt))
    assert check is not None and check.gtin_groups == 60 and abs(check.gtin_share - 1 / 3) < 1e-9
    assert check.holds(0.5, 0.05) is False and check.holds(0.5, 0.5) is True
    as_codes = check_sellers(_sample(shops, [[f"AB{i:03d}X"] for i in range(60) for _ in range(4)]))
    assert as_codes is not None and as_codes.gtin_groups == 0 and as_codes.holds(0.5, 0.05) is True


def test_a_shops_default_gtin_on_all_its_offers_is_one_group_and_too_few_groups_decide_nothing():
    # one shop stamps the same GTIN on 40 different offers: one group, whatever its pairs
    s = _sample(["s1"] * 40 + [f"t{i}" for i in range(120)], [[] for _ in range(160)],
                [["4006381333931"]] * 40 + [[f"g{i // 2}"] for i in range(120)])
    check = check_sellers(s)
    assert check is not None and check.groups == 61 and check.same_shop_share == 1 / 61
    assert check.holds(0.25, 0.05) is True
    assert check_sellers(_sample(["a", "a"], [["X1Y2"], ["X1Y2"]])).holds(0.25, 0.05) is None   # one group: no decision
