"""How shops list colours: the per-category colour-identity statistic."""

from __future__ import annotations

import dataclasses

import numpy as np
import pyarrow as pa

from samesku._arrays import string_codes
from samesku.config import Config
from samesku.engines.local import LocalEngine
from samesku.match.features import FEATURES, pair_features
from samesku.match.listing import ColourListing, colour_listing_keys, colour_pair_sums
from samesku.match.prepare import prepare_offers
from samesku.match.seller_style import SellerStyle
from samesku.pipeline import colour_listing
from tests.conftest import make_analysed, unit_vectors


def _offers(category: str, one_shop_lists_colours: bool, models: int = 12) -> list[dict]:
    rows = []
    for m in range(models):
        for j, colour in enumerate(("white", "black")):
            shop = f"{category}-shop{m}" if one_shop_lists_colours else f"{category}-shop{m}-{j}"
            rows.append({"title": f"acme {category} k{m}00 {colour}", "colors": [colour], "seller": shop, "category": category})
    return rows


def _rates(rows: list[dict]) -> tuple[ColourListing, pa.Table]:
    table = make_analysed(rows)
    return ColourListing.fit(colour_pair_sums(colour_listing_keys(table))), table


def test_colours_one_shop_lists_apart_read_as_identity_and_colours_of_different_shops_do_not():
    listing, _ = _rates(_offers("fridges", True) + _offers("phones", False))
    fridges, phones = listing.lookup(string_codes(pa.array(["fridges", "phones"])))
    assert fridges > 0.8 and phones < 0.3


def test_a_category_without_colour_only_differences_gets_the_catalogs_share():
    listing, _ = _rates(_offers("fridges", True) + [{"title": "acme kettle", "colors": ["red"], "seller": "s", "category": "kettles"}])
    kettles, unknown = listing.lookup(np.concatenate([string_codes(pa.array(["kettles"])), [-1]]))
    assert kettles == unknown == np.float32(listing.default) and listing.default > 0.5


def test_no_sellers_give_no_evidence():
    rows = [{**r, "seller": None} for r in _offers("fridges", True)]
    listing, _ = _rates(rows)
    assert listing.default == 0.5 and len(listing.keys) == 0


def test_counting_through_the_engine_gives_the_counts_of_the_whole_catalog():
    listing, table = _rates(_offers("fridges", True) + _offers("phones", False, models=7))
    chunked = colour_listing(LocalEngine(dataclasses.replace(Config(), chunk_rows=5)), table, False)
    assert np.array_equal(chunked.keys, listing.keys) and np.array_equal(chunked.rates, listing.rates)
    assert chunked.default == listing.default


def test_the_pair_feature_carries_the_categorys_share_and_survives_a_save(tmp_path):
    listing, table = _rates(_offers("fridges", True) + _offers("phones", False))
    style = SellerStyle.fit(table, listing)
    style.save(tmp_path / "s.npz")
    again = SellerStyle.load(tmp_path / "s.npz")
    arrays = prepare_offers(table, unit_vectors(table.num_rows), style=again)
    x = pair_features(arrays, np.array([0, 24]), np.array([1, 25]))   # white / black of one fridge, of one phone
    col = FEATURES.index("color_identity")
    assert x[0, col] > 0.8 and x[1, col] < 0.3
