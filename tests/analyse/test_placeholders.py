"""Placeholder identifiers: found by frequency + incoherent holders, then never evidence."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from samesku import schema as S
from samesku.analyse.placeholders import Placeholders, detect_placeholders, mask_placeholders
from samesku.keys.families import gtin_keys, phash_keys
from samesku.match.features import FEATURES, pair_features
from samesku.match.prepare import prepare_offers
from tests.conftest import make_analysed, unit_vectors

DUMMY, REAL = "08800000000008", "04548736112117"


def _catalog() -> tuple[pa.Table, np.ndarray]:
    rows, vecs = [], []
    base = unit_vectors(1, dims=16, seed=1)[0]
    noise = unit_vectors(60, dims=16, seed=2)
    for i in range(30):  # one product, thirty shops, one GTIN, near-identical titles
        rows.append({"title": f"sony wh-1000xm4 black shop{i}", "gtins": [REAL], "brand": "sony"})
        v = base + 0.05 * noise[i]
        vecs.append(v / np.linalg.norm(v))
    for i in range(30):  # thirty unrelated offers with a shop's dummy GTIN and the "no image" hash
        rows.append({"title": f"unrelated product {i}", "gtins": [DUMMY], "phash": "0000000000000000"})
        vecs.append(noise[30 + i])
    return make_analysed(rows), np.asarray(vecs, dtype=np.float32)


def test_a_dummy_gtin_of_unrelated_offers_is_a_placeholder_and_a_real_shared_gtin_is_not():
    offers, vectors = _catalog()
    found = detect_placeholders(offers, vectors)
    assert found.gtins == frozenset({DUMMY})
    assert found.phashes == frozenset({"0000000000000000"})


def test_placeholders_are_neither_keys_nor_agreement():
    offers, vectors = _catalog()
    found = detect_placeholders(offers, vectors)
    _, keys = gtin_keys(offers, vectors, 8, placeholders=found)
    assert "g:" + DUMMY not in set(keys.tolist()) and "g:" + REAL in set(keys.tolist())
    assert len(phash_keys(offers, vectors, 8, placeholders=found)[0]) == 0
    arrays = mask_placeholders(prepare_offers(offers, vectors), found)
    x = pair_features(arrays, np.array([30, 0]), np.array([31, 1]))
    col = {f: i for i, f in enumerate(FEATURES)}
    assert np.isnan(x[0, col["gtin_overlap"]]) and np.isnan(x[0, col["phash_distance"]])
    assert x[1, col["gtin_overlap"]] == 1.0


def test_no_identifiers_gives_no_placeholders():
    offers = make_analysed([{"title": "a"}, {"title": "b"}])
    assert detect_placeholders(offers, unit_vectors(2)) == Placeholders()
    assert S.GTINS in offers.column_names
