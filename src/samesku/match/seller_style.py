"""How each seller writes its titles (:class:`SellerStyle`), fitted on a sample of offers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from samesku import schema as S
from samesku._arrays import string_codes as _codes
from samesku.match.listing import ColourListing, colour_listing_keys, colour_pair_sums
from samesku.match.tokens import _column, match_tokens

#: columns of a :class:`SellerStyle` row
STYLE_DIMS = 4


@dataclass
class SellerStyle:
    """How each seller writes its titles, fitted on a sample of offers (no labels needed).

    Shops have house styles: one names the model code in every title, another writes
    ``hotpoint free standing washing machine in white`` for every washing machine it sells.
    A missing code or a short title means little from the second shop, so the pair features
    carry both sides' styles and the model learns how far to trust each side's title. A row
    is (share of the seller's offers with a model code, its mean token count and mean count
    of tokens holding a digit, both relative to the catalog's mean, and the log of its offer
    count relative to the mean seller's). Relative values mean the same on catalogs of any
    size and script; each estimate is shrunk toward the catalog by ``prior`` pseudo-offers,
    and a seller the sample never saw (or no seller) gets the catalog's row. It also carries
    how the shops list colours per category (:class:`~samesku.match.listing.ColourListing`,
    counted over all offers), saved in the same file.
    """

    keys: np.ndarray     # sorted int64 seller codes (as ``prepare_offers`` codes sellers)
    values: np.ndarray   # (len(keys), STYLE_DIMS) float32
    default: np.ndarray  # (STYLE_DIMS,) float32: the catalog's row
    colour: ColourListing = field(default_factory=ColourListing.none)   # how shops list colours, per category

    prior = 5.0

    @classmethod
    def fit(cls, offers: pa.Table, colour: ColourListing | None = None) -> SellerStyle:
        """Fit on analysed offers (a deterministic sample is enough: a shop's style is stable).

        ``colour``: the catalog's :class:`ColourListing`, counted over all offers by the engine
        (None: counted on ``offers``).
        """
        if colour is None:
            colour = ColourListing.fit(colour_pair_sums(colour_listing_keys(offers)))
        n = offers.num_rows
        seller = _codes(_column(offers, S.SELLER, pa.string()))
        codes = _column(offers, S.MODEL_CODES, pa.list_(pa.string()))
        has_code = np.asarray(pc.fill_null(pc.greater(pc.list_value_length(codes), 0), False)
                              .to_numpy(zero_copy_only=False), dtype=np.float64)
        tokens = match_tokens(pc.fill_null(_column(offers, S.TITLE_CLEAN, pa.string()), ""))
        n_tok = np.asarray(pc.list_value_length(tokens).to_numpy(zero_copy_only=False), dtype=np.float64)
        digit = np.asarray(pc.match_substring_regex(pc.list_flatten(tokens), r"\d").to_numpy(zero_copy_only=False), dtype=np.float64)
        n_dig = np.bincount(pc.list_parent_indices(tokens).to_numpy().astype(np.int64), weights=digit, minlength=n)
        default = np.array([has_code.mean() if n else 0.0, 1.0, 1.0, 0.0], dtype=np.float32)
        known = seller >= 0
        if not known.any():
            return cls(np.empty(0, np.int64), np.empty((0, STYLE_DIMS), np.float32), default, colour)
        keys, inv = np.unique(seller[known], return_inverse=True)
        size = np.bincount(inv).astype(np.float64)
        def relative(x: np.ndarray) -> np.ndarray:
            return x / x.mean() if x.mean() > 0 else np.ones(n)

        def shrunk(x: np.ndarray, catalog: float) -> np.ndarray:
            return (np.bincount(inv, weights=x[known]) + cls.prior * catalog) / (size + cls.prior)

        values = np.column_stack([
            shrunk(has_code, float(default[0])),
            shrunk(relative(n_tok), 1.0),
            shrunk(relative(n_dig), 1.0),
            np.log(size / size.mean()),
        ]).astype(np.float32)
        return cls(keys.astype(np.int64), values, default, colour)

    def save(self, path: str | Path) -> None:
        """Write the fitted styles as a compressed .npz."""
        np.savez_compressed(path, keys=self.keys, values=self.values, default=self.default, **self.colour.arrays())

    @classmethod
    def load(cls, path: str | Path) -> SellerStyle:
        """Read styles written by :meth:`save`."""
        with np.load(path) as z:
            return cls(z["keys"], z["values"], z["default"], ColourListing.from_arrays(z))

    def lookup(self, seller: np.ndarray) -> np.ndarray:
        """(n, STYLE_DIMS) style rows of seller codes (-1 or unseen: the catalog's row)."""
        out = np.broadcast_to(self.default, (len(seller), STYLE_DIMS)).copy()
        if len(self.keys):
            pos = np.clip(np.searchsorted(self.keys, seller), 0, len(self.keys) - 1)
            found = (self.keys[pos] == seller) & (seller >= 0)
            out[found] = self.values[pos[found]]
        return out
