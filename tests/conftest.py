"""Shared fixtures: small analysed offer tables built by hand (no analysis dependency)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from samesku import schema as S


def make_analysed(rows: list[dict]) -> pa.Table:
    """An analysed-offers table from dicts; missing fields are null/empty."""
    cols: dict[str, list] = {
        S.OFFER_ID: [], S.TITLE: [], S.TITLE_CLEAN: [], S.BRAND_NORM: [], S.CATEGORY: [], S.SELLER: [],
        S.PRICE: [], S.COUNT: [], S.AMOUNT: [], S.AMOUNTS: [], S.UNIT: [], S.MODEL_CODES: [], S.GTINS: [], S.COLORS: [],
        S.VARIANT: [], S.IMAGE_PHASH: [],
    }
    for i, r in enumerate(rows):
        cols[S.OFFER_ID].append(r.get("offer_id", str(i)))
        cols[S.TITLE].append(r["title"])
        cols[S.TITLE_CLEAN].append(r.get("title_clean", r["title"].lower()))
        cols[S.BRAND_NORM].append(r.get("brand"))
        cols[S.CATEGORY].append(r.get("category"))
        cols[S.SELLER].append(r.get("seller"))
        cols[S.PRICE].append(r.get("price"))
        cols[S.COUNT].append(r.get("count", 1))
        cols[S.AMOUNT].append(r.get("amount"))
        cols[S.AMOUNTS].append(r.get("amounts", [] if r.get("amount") is None else [r["amount"]]))
        cols[S.UNIT].append(r.get("unit"))
        cols[S.MODEL_CODES].append(r.get("codes", []))
        cols[S.GTINS].append(r.get("gtins", []))
        cols[S.COLORS].append(r.get("colors", []))
        cols[S.VARIANT].append(r.get("variant", []))
        cols[S.IMAGE_PHASH].append(r.get("phash"))
    types = {S.PRICE: pa.float64(), S.COUNT: pa.int64(), S.AMOUNT: pa.float64(), S.AMOUNTS: pa.list_(pa.float64()),
             S.MODEL_CODES: pa.list_(pa.string()), S.GTINS: pa.list_(pa.string()),
             S.COLORS: pa.list_(pa.string()), S.VARIANT: pa.list_(pa.string())}
    return pa.table({k: pa.array(v, types.get(k, pa.string())) for k, v in cols.items()})


def unit_vectors(n: int, dims: int = 16, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = rng.standard_normal((n, dims)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.fixture
def analysed_factory():
    return make_analysed
