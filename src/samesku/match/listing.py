"""Is colour part of a product's identity in this catalog? Learnt from how shops list.

Catalogs disagree: PriceRunner files a phone's colours under one product but a white and
a black fridge under two; a Korean marketplace files each colourway of a sneaker apart.
No label says which, but shops do. Where colour is identity a shop lists every colour it
sells, so two titles that differ only in their colour words come mostly from one shop
(PriceRunner washing machines: 467 such pairs, 100 % from one shop); where it is not, a
shop lists the model once and colour-only differences come from different shops (its
phones: 26 %, cameras: 14 %). The per-category share of same-shop pairs among colour-only
title differences is a pair feature (``color_identity``), so the match model learns from
synthetic catalogs of both kinds how much a colour conflict weighs in the catalog at hand.

The statistic is a sum of pair counts over groups of offers (category, title without its
colour words): mergeable, computed over all offers in one pass (local engine: Arrow
group-bys; Spark: the same group-bys in SQL), never a pairwise comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from samesku import schema as S
from samesku._arrays import hash_strings, string_codes
from samesku.analyse.colors import strip_colors

__all__ = ["ColourListing", "colour_listing_keys", "colour_pair_sums"]

#: columns of :func:`colour_listing_keys`
KEY_COLUMNS = ("cat", "group", "seller", "colour")


def _hash(values: list[str]) -> np.ndarray:
    return hash_strings(pa.array(values, pa.string()))


def colour_listing_keys(offers: pa.Table) -> pa.Table:
    """Per analysed offer stating a colour, with a seller and a title beyond its colour words:
    (category code, group = category + title without colours, seller code, colour set) as int64.

    Row-wise, so any batch of offers can be keyed on its own (engines map it over partitions).
    """
    empty = pa.table({k: pa.array([], pa.int64()) for k in KEY_COLUMNS})
    if offers.num_rows == 0 or S.COLORS not in offers.column_names or S.SELLER not in offers.column_names:
        return empty
    colours = offers.column(S.COLORS).combine_chunks()
    has = np.asarray(pc.fill_null(pc.greater(pc.list_value_length(colours), 0), False).to_numpy(zero_copy_only=False), bool)
    seller = string_codes(offers.column(S.SELLER))   # the codes pair features use
    idx = np.flatnonzero(has & (seller >= 0))
    if len(idx) == 0:
        return empty
    take = pa.array(idx)
    cat_col = offers.column(S.CATEGORY) if S.CATEGORY in offers.column_names else pa.nulls(offers.num_rows, pa.string())
    cats = pc.utf8_lower(cat_col.take(take).combine_chunks())
    cat = string_codes(cats)
    titles = pc.fill_null(offers.column(S.TITLE_CLEAN).take(take), "").to_pylist()
    stripped = [strip_colors(t) for t in titles]
    keep = np.fromiter((len(s) >= 3 for s in stripped), bool, count=len(stripped))
    cat_names = pc.fill_null(cats, "").to_pylist()
    group = _hash([f"{c}\x1f{s}" for c, s in zip(cat_names, stripped, strict=True)])
    colour = _hash(["|".join(sorted(c)) for c in colours.take(take).to_pylist()])
    return pa.table({"cat": cat[keep], "group": group[keep], "seller": seller[idx][keep], "colour": colour[keep]})


def _pairs(n: pa.ChunkedArray | pa.Array) -> pa.Array:
    return pc.divide(pc.multiply(n, pc.subtract(n, 1)), 2)


def _minus_same_colour(by: list[str], counts: pa.Table) -> pa.Table:
    """Pairs of offers inside each ``by`` group whose colour sets differ, per category."""
    inner = counts.group_by([*by, "colour"]).aggregate([("n", "sum")])
    inner = inner.append_column("same", _pairs(inner.column("n_sum")))
    outer = inner.group_by(by).aggregate([("n_sum", "sum"), ("same", "sum")])
    diff = pc.subtract(_pairs(outer.column("n_sum_sum")), outer.column("same_sum"))
    return pa.table({"cat": outer.column("cat"), "pairs": diff}).group_by("cat").aggregate([("pairs", "sum")])


def colour_pair_sums(keys: pa.Table) -> pa.Table:
    """Per category: pairs of offers whose titles differ only in colour (``pairs``) and those
    of them from one shop (``same_shop``), from :func:`colour_listing_keys` rows (a ``n``
    column of counts is summed if present: partial counts of several batches merge)."""
    if "n" not in keys.column_names:
        keys = keys.append_column("n", pa.array(np.ones(keys.num_rows, np.int64)))
    counts = keys.group_by(list(KEY_COLUMNS)).aggregate([("n", "sum")]).rename_columns([*KEY_COLUMNS, "n"])
    all_pairs = _minus_same_colour(["cat", "group"], counts).rename_columns(["cat", "pairs"])
    shop_pairs = _minus_same_colour(["cat", "group", "seller"], counts).rename_columns(["cat", "same_shop"])
    sums = all_pairs.join(shop_pairs, "cat", join_type="left outer")
    return sums.set_column(2, "same_shop", pc.fill_null(sums.column("same_shop"), 0))


@dataclass
class ColourListing:
    """Per category, the shrunk share of colour-only title differences that one shop listed.

    1 means shops list colours apart (colour is identity), 0 that colour-only differences
    come from different shops (colour is not). A category is shrunk toward the catalog's
    share by ``prior`` pseudo-pairs and the catalog toward 0.5; a category without such
    pairs (or no sellers) gets the catalog's share.
    """

    keys: np.ndarray     # sorted int64 category codes
    rates: np.ndarray    # float32, aligned with keys
    default: float
    pairs: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))   # colour-only title pairs per key (the evidence)

    prior = 5.0

    @classmethod
    def fit(cls, sums: pa.Table) -> ColourListing:
        """From :func:`colour_pair_sums` (categories in any order)."""
        cats = sums.column("cat").to_numpy().astype(np.int64)
        pairs = sums.column("pairs").to_numpy().astype(np.float64)
        same = sums.column("same_shop").to_numpy().astype(np.float64)
        default = float((same.sum() + cls.prior * 0.5) / (pairs.sum() + cls.prior))
        known = (cats >= 0) & (pairs > 0)
        order = np.argsort(cats[known])
        rates = (same[known] + cls.prior * default) / (pairs[known] + cls.prior)
        return cls(cats[known][order], rates[order].astype(np.float32), default, pairs[known][order].astype(np.int64))

    @classmethod
    def none(cls) -> ColourListing:
        """No evidence: every category gets 0.5."""
        return cls(np.empty(0, np.int64), np.empty(0, np.float32), 0.5)

    def lookup(self, category: np.ndarray) -> np.ndarray:
        """Share per category code (-1 or unseen: the catalog's)."""
        out = np.full(len(category), self.default, dtype=np.float32)
        if len(self.keys):
            pos = np.clip(np.searchsorted(self.keys, category), 0, len(self.keys) - 1)
            found = (self.keys[pos] == category) & (category >= 0)
            out[found] = self.rates[pos[found]]
        return out

    def arrays(self) -> dict[str, Any]:
        """Arrays to store beside other fitted state (see :meth:`from_arrays`)."""
        return {"colour_keys": self.keys, "colour_rates": self.rates, "colour_default": np.array([self.default]),
                "colour_pairs": self.pairs}

    @classmethod
    def from_arrays(cls, z: dict[str, np.ndarray] | np.lib.npyio.NpzFile) -> ColourListing:
        """Read what :meth:`arrays` gave (files without it: :meth:`none`)."""
        if "colour_keys" not in z:
            return cls.none()
        return cls(z["colour_keys"], z["colour_rates"], float(z["colour_default"][0]),
                   z["colour_pairs"] if "colour_pairs" in z else np.zeros(len(z["colour_keys"]), np.int64))

    def summary(self, categories: list[str], top: int = 20) -> dict[str, Any]:
        """What the run learnt, for ``summary.json`` and the report: the catalog's share and the
        ``top`` categories with the most evidence (``categories``: the run's category names)."""
        names = dict(zip(string_codes(pc.utf8_lower(pa.array(categories, pa.string()))).tolist(), categories, strict=True))
        order = np.argsort(-self.pairs, kind="stable")[:top]
        return {"catalog": round(self.default, 4), "categories": [
            {"category": names.get(int(self.keys[i]), str(self.keys[i])), "colour_only_pairs": int(self.pairs[i]),
             "colour_identity": round(float(self.rates[i]), 4)} for i in order]}
