"""What a run learns from its own offers before the per-offer stages run.

Everything here is fitted from data that every engine computes identically, whatever
the partitioning:

* mergeable statistics — brand values and leading title words (brand gazetteer), a
  Count-Min sketch of title-token document frequencies (``name`` keys), group sizes
  (embedding codebooks);
* a deterministic sample — the offers whose input row has the smallest
  :func:`sample_hash` (the encoder's IDF, the match tokens' IDF, the sellers' title
  styles, the codebooks).

The result, :class:`FittedState`, is small and picklable: the local engine keeps it in
memory, the Spark engine broadcasts it, and the per-offer stage functions take it as an
argument, so they never depend on which other offers share their batch.
"""

from __future__ import annotations

import dataclasses
import json
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from samesku import schema as S
from samesku.analyse import BrandGazetteer
from samesku.analyse.placeholders import Placeholders
from samesku.config import Config
from samesku.keys.blocks import encode_keys
from samesku.keys.codebook import SAMPLE_PER_CELL, Codebook, cells_for, fit_codebook, group_seed
from samesku.keys.encoder import CharNgramEncoder, TextEncoder, make_encoder
from samesku.keys.families import normalised_code_lists
from samesku.keys.sketches import CountMinSketch, TokenCounts
from samesku.match.seller_style import SellerStyle
from samesku.match.token_idf import TokenIdf

_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


@dataclass
class FittedState:
    """The run's fitted models, passed to every per-offer stage function."""

    gazetteer: BrandGazetteer
    encoder: TextEncoder
    token_idf: TokenIdf
    name_df: TokenCounts | CountMinSketch
    codebooks: dict[str, Codebook] = field(default_factory=dict)  # embedding group -> its cells
    placeholders: Placeholders = field(default_factory=Placeholders)
    seller_style: SellerStyle | None = None   # None: fitted on each batch (tests, small tables)
    seller_check: SellerCheck | None = None   # None: no seller column (or not checked)

    def save(self, folder: Path) -> None:
        """Write the whole state into ``folder``: what an ingest or a service loads instead of re-fitting.

        The encoder, IDF and seller styles as .npz (``explain`` reads them), the rest pickled
        (the files are the run's own, trusted like its model); a sentence-transformers encoder
        is kept as its local path.
        """
        folder.mkdir(parents=True, exist_ok=True)
        parts: dict[str, str] = {}
        if isinstance(self.encoder, CharNgramEncoder):
            self.encoder.save(folder / "encoder.npz")
            parts["encoder"] = "encoder.npz"
        else:
            parts["encoder_model_path"] = str(getattr(self.encoder, "model_path", ""))
        self.token_idf.save(folder / "token_idf.npz")
        if self.seller_style is not None:
            self.seller_style.save(folder / "seller_style.npz")
            parts["seller_style"] = "seller_style.npz"
        rest = {"gazetteer": self.gazetteer, "name_df": self.name_df, "codebooks": self.codebooks,
                "placeholders": self.placeholders, "seller_check": self.seller_check}
        (folder / "state.pkl").write_bytes(pickle.dumps(rest, protocol=pickle.HIGHEST_PROTOCOL))
        manifest = {"format": FITTED_FORMAT, "parts": parts}
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> FittedState:
        """Read a state written by :meth:`save` (a newer format is refused, not misread)."""
        from samesku.errors import InputError

        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"{folder} holds no fitted state: {exc}") from exc
        if int(manifest.get("format", 0)) > FITTED_FORMAT:
            raise InputError(f"{folder} was written by a newer samesku (fitted state format {manifest['format']})")
        parts = manifest["parts"]
        if "encoder" in parts:
            encoder: TextEncoder = CharNgramEncoder.load(folder / parts["encoder"])
        else:
            from samesku.keys.encoder import SentenceTransformerEncoder

            encoder = SentenceTransformerEncoder(parts["encoder_model_path"])
        style = SellerStyle.load(folder / parts["seller_style"]) if "seller_style" in parts else None
        rest = pickle.loads((folder / "state.pkl").read_bytes())   # noqa: S301 - the run's own file
        return cls(rest["gazetteer"], encoder, TokenIdf.load(folder / "token_idf.npz"), rest["name_df"],
                   rest["codebooks"], rest["placeholders"], style, rest["seller_check"])


#: version of the fitted-state folder; loading a newer one fails
FITTED_FORMAT = 1


SELLER_CHECK_MIN_GROUPS = 50   # identifier groups needed before the check may decide anything
SELLER_CHECK_MAX_GROUP = 50    # larger groups are generic codes or placeholders, not one product


@dataclass(frozen=True)
class SellerCheck:
    """Do the run's shops list a product once? Read from offers sharing an identifier in the fit sample."""

    groups: int              # GTINs / model codes held by 2-50 sampled offers that name a seller
    same_shop_share: float   # mean share of a group's offer pairs that come from one shop
    gtin_groups: int = 0     # the groups keyed by a GTIN ...
    gtin_share: float = 0.0  # ... and their mean same-shop share

    def holds(self, max_share: float, max_gtin_share: float) -> bool | None:
        """Whether one listing per shop holds (None: too few groups to tell).

        GTIN groups decide where there are enough of them: a GTIN names one product, so its
        offers should almost never share a shop. Model codes are shared by sibling products
        a shop lists separately (PriceRunner: 3 % of a code group's pairs), so code groups
        only catch a shop listing a product many times.
        """
        if self.gtin_groups >= SELLER_CHECK_MIN_GROUPS:
            return self.gtin_share <= max_gtin_share
        if self.groups >= SELLER_CHECK_MIN_GROUPS:
            return self.same_shop_share <= max_share
        return None

    def to_dict(self) -> dict[str, float | int]:
        """The figures, rounded, for summary.json."""
        return {"groups": self.groups, "same_shop_share": round(self.same_shop_share, 4),
                "gtin_groups": self.gtin_groups, "gtin_share": round(self.gtin_share, 4)}


def check_sellers(sample: pa.Table) -> SellerCheck | None:
    """Group the sample's offers by their GTIN (else their longest model code) and measure how often a
    group's pairs share a shop. Each group counts once, so a shop's default GTIN on all its offers is one
    vote, not thousands of pairs."""
    if S.SELLER not in sample.column_names or sample.num_rows == 0:
        return None
    sellers = sample.column(S.SELLER).cast(pa.string()).to_pylist()
    gtins = sample.column(S.GTINS).to_pylist() if S.GTINS in sample.column_names else [None] * sample.num_rows
    codes = normalised_code_lists(sample).to_pylist() if S.MODEL_CODES in sample.column_names else [None] * sample.num_rows
    groups: dict[str, list[str]] = {}
    for seller, g, c in zip(sellers, gtins, codes, strict=True):
        if not seller:
            continue
        key = f"g{g[0]}" if g else (f"c{max(c, key=len)}" if c else None)
        if key is not None:
            groups.setdefault(key, []).append(seller)
    shares, by_gtin = [], []
    for key, members in groups.items():
        n = len(members)
        if 2 <= n <= SELLER_CHECK_MAX_GROUP:
            per_shop = np.unique(np.array(members, dtype=object), return_counts=True)[1]
            shares.append(float((per_shop * (per_shop - 1)).sum()) / (n * (n - 1)))
            by_gtin.append(key.startswith("g"))
    share, gtin = np.array(shares), np.array(by_gtin, dtype=bool)
    return SellerCheck(len(share), float(share.mean()) if len(share) else 0.0,
                       int(gtin.sum()), float(share[gtin].mean()) if gtin.any() else 0.0)


def sellers_fail_check(check: SellerCheck | None, config: Config) -> bool:
    """Whether the seller check found that shops list a product many times (the seller says nothing)."""
    return check is not None and check.holds(
        config.merge.seller_check_max_share, config.merge.seller_check_max_gtin_share) is False


def without_sellers(table: pa.Table) -> pa.Table:
    """The table with its seller column emptied: what pair features read when sellers say nothing
    (a shared shop then neither argues against a match nor gives shop styles; ten alternating
    seller values: F1 0.921 with them, 0.931 without)."""
    if S.SELLER not in table.column_names:
        return table
    i = table.column_names.index(S.SELLER)
    return table.set_column(i, table.schema.field(i), pa.nulls(table.num_rows, table.schema.field(i).type))


def effective_config(config: Config, check: SellerCheck | None) -> Config:
    """The run's configuration after the seller check: the seller constraint switched off where
    shops evidently list a product many times (see ``MergeConfig.seller_check_max_share``)."""
    if config.merge.seller_constraint != "off" and sellers_fail_check(check, config):
        return dataclasses.replace(config, merge=dataclasses.replace(config.merge, seller_constraint="off"))
    return config


def seller_check_summary(check: SellerCheck | None, given: Config, effective: Config) -> dict[str, Any]:
    """The check's figures and the seller constraint the run used, for summary.json and the report."""
    if check is None:
        return {}
    return {**check.to_dict(), "max_share": given.merge.seller_check_max_share,
            "max_gtin_share": given.merge.seller_check_max_gtin_share,
            "seller_constraint": effective.merge.seller_constraint,
            "switched_off": given.merge.seller_constraint != effective.merge.seller_constraint,
            "sellers_ignored": sellers_fail_check(check, given)}


def sample_hash(rows: np.ndarray | pa.Array | pa.ChunkedArray) -> np.ndarray:
    """splitmix64 of each input row number, as int64: the order the fit sample is drawn in."""
    if isinstance(rows, pa.ChunkedArray):
        rows = rows.combine_chunks()
    if isinstance(rows, pa.Array):
        rows = rows.to_numpy(zero_copy_only=False)
    x = np.asarray(rows, dtype=np.int64).view(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * _M1
        x = (x ^ (x >> np.uint64(27))) * _M2
        x = x ^ (x >> np.uint64(31))
    return x.view(np.int64)


def sample_positions(rows: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` rows with the smallest sample hash, in sample-hash order."""
    h = sample_hash(rows)
    order = np.lexsort((rows, h))
    return order[:k]


def fit_encoder(sample_texts: list[str], config: Config) -> TextEncoder:
    """The text encoder fitted on the sample's texts."""
    return make_encoder(config.encoder).fit(sample_texts)


def fit_codebooks(
    group_sizes: dict[str, int],
    sample_groups: np.ndarray,
    sample_vectors: np.ndarray,
    config: Config,
) -> dict[str, Codebook]:
    """One k-means codebook per embedding group larger than ``embedding_block``.

    Args:
        group_sizes: entities per group over the whole run (an exact aggregation).
        sample_groups: group key of each sample vector, in sample order.
        sample_vectors: the sample's vectors (the first ``cells x SAMPLE_PER_CELL`` of
            each group are used).
        config: run configuration.
    """
    out: dict[str, Codebook] = {}
    for group in sorted(group_sizes):
        n_cells = cells_for(group_sizes[group], config.blocking.embedding_block)
        if not n_cells:
            continue
        members = np.flatnonzero(sample_groups == group)[: n_cells * SAMPLE_PER_CELL]
        if len(members) < 4:
            continue
        out[group] = fit_codebook(sample_vectors[members], n_cells, group_seed(group, config.seed))
    return out


def count_groups(groups: np.ndarray) -> dict[str, int]:
    """Entities per group key (an exact count; hashing, not a sort of the strings)."""
    if len(groups) == 0:
        return {}
    names, code = encode_keys(groups)
    counts = np.bincount(code, minlength=len(names))
    return {str(g): int(k) for g, k in zip(names.tolist(), counts.tolist(), strict=True)}


def group_sample_positions(groups: np.ndarray, rows: np.ndarray, group_sizes: dict[str, int],
                           need_of: Callable[[int], int]) -> np.ndarray:
    """Positions of the codebook sample: per large group, its ``need_of(size)`` rows with the smallest sample hash."""
    need = {g: need_of(s) for g, s in group_sizes.items()}
    need = {g: k for g, k in need.items() if k}
    if not need:
        return np.zeros(0, dtype=np.int64)
    # group codes instead of the group strings: sorting millions of Python strings took 6 s at 2M offers
    names, code = encode_keys(groups)
    need_by_code = np.array([need.get(str(g), 0) for g in names.tolist()], dtype=np.int64)
    pos = np.flatnonzero(need_by_code[code] > 0)
    if len(pos) == 0:
        return pos
    h = sample_hash(rows[pos])
    c = code[pos]
    # per group, its rows by (sample hash, row): the order fit_codebooks takes its members in
    order = np.lexsort((rows[pos], h, c))
    pos, c = pos[order], c[order]
    starts = np.r_[0, np.flatnonzero(c[1:] != c[:-1]) + 1]
    rank = np.arange(len(pos)) - np.repeat(starts, np.diff(np.r_[starts, len(pos)]))
    limit = need_by_code[c]
    return pos[rank < limit]
