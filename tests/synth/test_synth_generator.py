"""The synthetic catalog is deterministic, well-formed and realistically hard."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from stdnum import ean

from samesku.errors import SameskuError
from samesku.synth import generate_batches, write_catalog
from samesku.synth.catalog import build_catalog, permute
from samesku.synth.generator import (
    NO_IMAGE_HASH,
    PLACEHOLDER_GTIN,
    SYNTH_SCHEMA,
    TRUTH,
)

# Showcase products (fixed positions at the head of every catalog).
LISTAR_RX9, AEG_RX9_1, AEG_RX9_2, DANHUI_RX9 = "p00000000", "p00000001", "p00000002", "p00000003"
CIDER_30, CIDER_24 = "p00000004", "p00000005"
HYTHIOL_120, HYTHIOL_40 = "p00000007", "p00000008"
S23_128, S23_256 = "p00000021", "p00000022"


def _table(n: int, seed: int = 0, batch_size: int = 100_000, bridge_rate: float = 0.0) -> pa.Table:
    return pa.Table.from_batches(list(generate_batches(n, seed, batch_size, bridge_rate)), schema=SYNTH_SCHEMA)


def _titles_by_truth(table: pa.Table) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for title, truth in zip(table["title"].to_pylist(), table[TRUTH].to_pylist(), strict=True):
        out[truth].append(title)
    return out


@pytest.fixture(scope="module")
def big() -> pa.Table:
    return _table(200_000, seed=3)


@pytest.fixture(scope="module")
def small() -> pa.Table:
    return _table(20_000, seed=5)


def test_same_seed_gives_identical_rows_whatever_the_batch_size() -> None:
    a = _table(40_000, seed=7, batch_size=7_001)
    b = _table(40_000, seed=7, batch_size=100_000)
    assert a.equals(b)
    assert not a.equals(_table(40_000, seed=8))


def test_batches_have_the_requested_size_except_the_last() -> None:
    sizes = [rb.num_rows for rb in generate_batches(25_000, seed=1, batch_size=10_000)]
    assert sizes == [10_000, 10_000, 5_000]


def test_same_seed_writes_byte_identical_files(tmp_path: Path) -> None:
    for suffix in (".parquet", ".csv", ".jsonl"):
        a, b = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
        write_catalog(a, 3_000, seed=2)
        write_catalog(b, 3_000, seed=2)
        assert a.read_bytes() == b.read_bytes()


def test_columns_and_types_follow_the_synthetic_schema(small: pa.Table) -> None:
    assert small.schema.equals(SYNTH_SCHEMA)
    assert small.schema.names == ["offer_id", "title", "brand", "category", "price", "currency",
                                  "gtin", "seller", "image_phash", "truth"]
    assert small.schema.field("price").type == pa.float64()
    assert small["title"].null_count == 0 and small[TRUTH].null_count == 0


def test_offer_ids_are_unique_and_numbered(small: pa.Table) -> None:
    ids = small["offer_id"].to_pylist()
    assert len(set(ids)) == len(ids) == 20_000
    assert ids[0] == "s000000001" and ids[-1] == "s000020000"
    assert all(re.fullmatch(r"s\d{9}", i) for i in ids)


def test_sellers_and_currencies_look_like_shops_in_six_markets(small: pa.Table) -> None:
    assert all(re.fullmatch(r"shop_\d+", s) for s in small["seller"].to_pylist())
    assert set(small["currency"].to_pylist()) == {"KRW", "JPY", "CNY", "USD", "EUR", "SEK"}
    # Global products are sold in several markets: one truth, several currencies.
    currencies = defaultdict(set)
    for cur, truth in zip(small["currency"].to_pylist(), small[TRUTH].to_pylist(), strict=True):
        currencies[truth].add(cur)
    assert sum(len(c) > 1 for c in currencies.values()) > 50


def test_mean_cluster_size_is_about_twenty_with_a_heavy_tail(big: pa.Table) -> None:
    sizes = pc.value_counts(big[TRUTH]).field("counts").to_numpy()
    assert 15 <= sizes.mean() <= 27
    assert (sizes == 1).mean() > 0.2           # many singletons
    assert np.median(sizes) < sizes.mean()     # skewed
    assert sizes.max() >= 200                  # a few large clusters


def test_small_catalogs_still_have_multi_offer_clusters() -> None:
    sizes = pc.value_counts(_table(2_000, seed=1)[TRUTH]).field("counts").to_numpy()
    assert (sizes >= 2).sum() >= 30
    assert sizes.sum() == 2_000


def test_offer_placement_is_a_permutation() -> None:
    for n in (1, 2, 17, 1000, 4097):
        out = permute(np.arange(n, dtype=np.int64), n, seed=9)
        assert sorted(out.tolist()) == list(range(n))


def test_the_generator_never_runs_out_of_distinct_products() -> None:
    cat = build_catalog(2_000_000, seed=4)
    keys = [p.key() for p in cat.products]
    assert len(keys) > 80_000
    assert len(set(keys)) == len(keys)


def test_rx9_names_different_products_of_different_brands(small: pa.Table) -> None:
    rows = [r for r in small.select(["title", "brand", TRUTH]).to_pylist() if "RX9" in r["title"].upper()]
    truths = {r[TRUTH] for r in rows}
    assert {LISTAR_RX9, AEG_RX9_1, AEG_RX9_2, DANHUI_RX9} <= truths
    assert len(truths) >= 10          # plus accessories and clones that say RX9
    brands_per_truth = defaultdict(set)
    for r in rows:
        if r["brand"]:
            brands_per_truth[r[TRUTH]].add(r["brand"])
    assert brands_per_truth[LISTAR_RX9].isdisjoint(brands_per_truth[DANHUI_RX9])


def test_rx9_is_a_heavy_token(big: pa.Table) -> None:
    n_rx9 = sum("RX9" in x.upper() for x in big["title"].to_pylist())
    assert n_rx9 > 1_000


def test_quantity_variants_are_different_products_and_always_say_their_quantity(small: pa.Table) -> None:
    titles = _titles_by_truth(small)
    assert titles[HYTHIOL_120] and titles[HYTHIOL_40]
    assert all("120" in x or "１２０" in x for x in titles[HYTHIOL_120])
    assert all("40" in x or "４０" in x for x in titles[HYTHIOL_40])
    assert all("30" in x for x in titles[CIDER_30]) and all("24" in x for x in titles[CIDER_24])
    assert all("128" in x for x in titles[S23_128]) and all("256" in x for x in titles[S23_256])


def test_pack_notation_varies_for_one_product(big: pa.Table) -> None:
    # What stands between "210" and "30": "mlx", "ML X ", "ml*", "ml ", "캔 ", ...
    seams = set()
    for x in _titles_by_truth(big)[CIDER_30]:
        m = re.search(r"210(\D{0,8}?)30|30(\D{0,8}?)210", x)
        assert m is not None, x
        seams.add(m.group(0).replace("210", "").replace("30", ""))
    assert len(seams) >= 6


def test_catalog_has_many_sibling_products_differing_only_by_variant() -> None:
    cat = build_catalog(100_000, seed=6)
    by_base = defaultdict(set)
    for p in cat.products:
        k = p.key()
        by_base[k[:4]].add(k[4])
    siblings = sum(len(v) for v in by_base.values() if len(v) > 1)
    assert siblings / len(cat.products) > 0.3


def test_model_codes_are_written_in_several_ways(small: pa.Table) -> None:
    titles = _titles_by_truth(small)["p00000013"]     # Nike Air Max 95 SE DC3991-100
    forms = {f for f in ("DC3991-100", "DC3991 100", "dc3991100", "DC3991100", "dc3991-100") if any(f in x for x in titles)}
    assert len(forms) >= 3


def test_brand_appears_in_two_scripts(small: pa.Table) -> None:
    titles = _titles_by_truth(small)[LISTAR_RX9]
    assert any("LISTAR" in x for x in titles) and any("리스타" in x or "라이스타" in x for x in titles)


def test_promo_and_shop_tags_are_common(small: pa.Table) -> None:
    titles = small["title"].to_pylist()
    tagged = sum(bool(re.search(r"[\[【(]", x)) or "包邮" in x for x in titles)
    assert tagged / len(titles) > 0.4


def test_every_gtin_is_valid_and_belongs_to_one_product(big: pa.Table) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for g, truth in zip(big["gtin"].to_pylist(), big[TRUTH].to_pylist(), strict=True):
        if g is not None:
            owners[g].add(truth)
    assert all(len(g) == 13 and ean.is_valid(g) for g in owners)
    assert all(len(v) == 1 for g, v in owners.items() if g != PLACEHOLDER_GTIN)
    assert len(owners[PLACEHOLDER_GTIN]) > 50        # a heavy, meaningless key
    n_products = pc.count_distinct(big[TRUTH]).as_py()
    assert 0.15 < (len(owners) - 1) / n_products < 0.35


def test_image_hashes_are_sixty_percent_hex_and_close_within_a_product(big: pa.Table) -> None:
    hashes = big["image_phash"].to_pylist()
    present = [h for h in hashes if h is not None]
    assert 0.57 < len(present) / len(hashes) < 0.63
    assert 0.015 < sum(h == NO_IMAGE_HASH for h in hashes) / len(hashes) < 0.025
    assert all(re.fullmatch(r"[0-9a-f]{16}", h) for h in present)
    first: dict[str, int] = {}
    close = far = 0
    for h, truth in zip(hashes, big[TRUTH].to_pylist(), strict=True):
        if h is None or h == NO_IMAGE_HASH:
            continue
        x = int(h, 16)
        if truth not in first:
            first[truth] = x
            continue
        if (first[truth] ^ x).bit_count() <= 8:
            close += 1
        else:
            far += 1
    assert close / (close + far) > 0.6      # mostly the product photo, sometimes the shop's own


def test_brand_category_and_price_are_sometimes_missing(big: pa.Table) -> None:
    n = big.num_rows
    assert 0.25 < big["brand"].null_count / n < 0.36
    assert 0.07 < big["category"].null_count / n < 0.13
    assert 0.02 < big["price"].null_count / n < 0.06


def test_prices_vary_by_shop_around_the_product_price(big: pa.Table) -> None:
    krw = big.filter(pc.and_(pc.equal(big["currency"], "KRW"), pc.is_valid(big["price"])))
    prices: dict[str, list[float]] = defaultdict(list)
    for p, truth in zip(krw["price"].to_pylist(), krw[TRUTH].to_pylist(), strict=True):
        prices[truth].append(p)
    spreads = [np.std(np.log(v)) for v in prices.values() if len(v) >= 10]
    assert 0.03 < float(np.median(spreads)) < 0.12
    assert np.median(prices[CIDER_30]) > 1.1 * np.median(prices[CIDER_24])


def test_bridge_rate_appends_another_products_code_to_titles() -> None:
    plain = _table(10_000, seed=11)
    bridged = _table(10_000, seed=11, bridge_rate=0.3)
    assert plain[TRUTH].equals(bridged[TRUTH])              # truth stays the first product
    cat = build_catalog(10_000, seed=11)
    codes = {f"p{j:08d}": p.code.lower().replace("-", "") for j, p in enumerate(cat.products) if p.code}

    def foreign_code_share(table: pa.Table) -> float:
        all_codes = set(codes.values())
        hits = 0
        for title, truth in zip(table["title"].to_pylist(), table[TRUTH].to_pylist(), strict=True):
            squashed = title.lower().replace("-", "").replace(" ", "")
            own = codes.get(truth)
            hits += any(c in squashed for c in all_codes if c != own and len(c) >= 6)
        return hits / table.num_rows

    changed = sum(a != b for a, b in zip(plain["title"].to_pylist(), bridged["title"].to_pylist(), strict=True))
    assert 0.2 < changed / 10_000 < 0.4
    assert foreign_code_share(bridged) > foreign_code_share(plain) + 0.08


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_write_catalog_roundtrips(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"offers{suffix}"
    seen: list[int] = []
    assert write_catalog(path, 3_000, seed=4, progress=seen.append) == 3_000
    assert seen and seen[-1] == 3_000
    expected = _table(3_000, seed=4)
    if suffix == ".parquet":
        got = pq.read_table(path)
    elif suffix == ".csv":
        opts = pacsv.ConvertOptions(column_types=SYNTH_SCHEMA, strings_can_be_null=True)
        got = pacsv.read_csv(path, convert_options=opts)
    else:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        got = pa.Table.from_pylist(rows, schema=SYNTH_SCHEMA)
    assert got.equals(expected)


def test_unknown_output_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SameskuError):
        write_catalog(tmp_path / "offers.xlsx", 10)


def test_a_smaller_cluster_mu_gives_smaller_clusters_and_more_products() -> None:
    talk = build_catalog(20_000, seed=4)
    small_site = build_catalog(20_000, seed=4, cluster_mu=0.5)
    mean_talk = 20_000 / len(talk.products)
    mean_small = 20_000 / len(small_site.products)
    assert mean_talk > 10 and mean_small < 4


def test_house_template_shops_title_sibling_products_alike_and_other_shops_do_not(small: pa.Table) -> None:
    from samesku.synth.generator import is_house_shop

    lines = [p.line for p in build_catalog(small.num_rows, seed=5).products]
    by: dict[tuple[str, int], list[tuple[str, set[str]]]] = defaultdict(list)
    for title, truth, seller in zip(small["title"].to_pylist(), small[TRUTH].to_pylist(), small["seller"].to_pylist(), strict=True):
        line = lines[int(truth[1:])]
        if line >= 0:
            by[(seller, line)].append((truth, set(title.lower().split())))
    overlap: dict[bool, list[float]] = {True: [], False: []}
    for (seller, _), offers in by.items():
        for i, (ta, a) in enumerate(offers):
            for tb, b in offers[i + 1:]:
                if ta != tb:   # one shop's listings of two sibling products
                    overlap[is_house_shop(int(seller.removeprefix("shop_")))].append(len(a & b) / len(a | b))
    assert len(overlap[True]) > 100 and len(overlap[False]) > 100
    assert np.mean(overlap[True]) > np.mean(overlap[False]) + 0.3   # measured 0.65 vs 0.22
