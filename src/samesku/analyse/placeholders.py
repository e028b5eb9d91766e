"""Placeholder identifiers: values shops put where they have none.

A "no image" picture's hash, a shop's dummy GTIN: one value shared by many unrelated
offers. As evidence they would glue everything together (two offers with the dummy GTIN
"agree"; a real GTIN "conflicts" with it), so they are found by frequency and treated as
missing everywhere: keys, pair features, cluster profiles.

A value is a placeholder when at least ``min_offers`` offers hold it and their titles do
not describe one product: the *coherence* of the holders, the length of the mean of their
unit title vectors (about the square root of their average pairwise cosine), is below
``max_coherence``. A real GTIN shared by a hundred shops scores 0.6-0.9 (synthetic
catalogs, multilingual); a dummy GTIN held by unrelated offers about 0.17. Distinct brands
would not do: one product's brand is spelled in several scripts. Detection needs only an
aggregation per value (count, sum of vectors), so every engine computes the same set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from samesku import schema as S
from samesku._arrays import hash_strings, hex64

if TYPE_CHECKING:
    from samesku.match.arrays import OfferArrays

MIN_OFFERS = 20
MAX_COHERENCE = 0.4


@dataclass(frozen=True)
class Placeholders:
    """Placeholder values per identifier kind (GTINs as normalised by analysis)."""

    gtins: frozenset[str] = field(default_factory=frozenset)
    phashes: frozenset[str] = field(default_factory=frozenset)

    def to_dict(self) -> dict[str, list[str]]:
        """Sorted lists, for the summary."""
        return {"gtins": sorted(self.gtins), "image_phash": sorted(self.phashes)}


def identifier_rows(offers: pa.Table) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(kind, value, row position) of every GTIN and image hash of analysed offers."""
    n = offers.num_rows
    kinds, values, rows = [], [], []
    if S.GTINS in offers.column_names and n:
        g = offers.column(S.GTINS).combine_chunks()
        flat = pc.list_flatten(g)
        ok = np.asarray(pc.is_valid(flat).to_numpy(zero_copy_only=False), dtype=bool)
        vals = np.asarray(flat.to_numpy(zero_copy_only=False), dtype=object)[ok]
        kinds.append(np.full(len(vals), "gtin", dtype=object))
        values.append(vals)
        rows.append(pc.list_parent_indices(g).to_numpy().astype(np.int64)[ok])
    if S.IMAGE_PHASH in offers.column_names and n:
        h = pc.utf8_lower(offers.column(S.IMAGE_PHASH).combine_chunks())
        ok = np.asarray(pc.is_valid(h).to_numpy(zero_copy_only=False), dtype=bool)
        kinds.append(np.full(int(ok.sum()), "phash", dtype=object))
        values.append(np.asarray(h.to_numpy(zero_copy_only=False), dtype=object)[ok])
        rows.append(np.flatnonzero(ok).astype(np.int64))
    if not kinds:
        return np.empty(0, object), np.empty(0, object), np.empty(0, np.int64)
    return np.concatenate(kinds), np.concatenate(values), np.concatenate(rows)


def coherence(vectors: np.ndarray) -> float:
    """Length of the mean of unit vectors (1: identical titles, ~0.2: unrelated ones)."""
    if len(vectors) == 0:
        return 1.0
    return float(np.linalg.norm(vectors.astype(np.float64).sum(axis=0)) / len(vectors))


def placeholders_from_coherence(kinds: list[str], values: list[str], offers: list[int], coherences: list[float],
                                min_offers: int = MIN_OFFERS, max_coherence: float = MAX_COHERENCE) -> Placeholders:
    """The placeholders among aggregated values (one entry per (kind, value))."""
    hit = [(k, v) for k, v, n, c in zip(kinds, values, offers, coherences, strict=True)
           if n >= min_offers and c < max_coherence]
    return Placeholders(gtins=frozenset(v for k, v in hit if k == "gtin"),
                        phashes=frozenset(v for k, v in hit if k == "phash"))


def detect_placeholders(offers: pa.Table, vectors: np.ndarray, min_offers: int = MIN_OFFERS,
                        max_coherence: float = MAX_COHERENCE) -> Placeholders:
    """Placeholder GTINs and image hashes of analysed offers and their title vectors."""
    return placeholders_from_coherence(*identifier_coherence(offers, vectors, min_offers), min_offers, max_coherence)


def identifier_coherence(offers: pa.Table, vectors: np.ndarray, min_offers: int = MIN_OFFERS
                         ) -> tuple[list[str], list[str], list[int], list[float]]:
    """(kind, value, offers, coherence) of each identifier value held by ``min_offers`` offers or more:
    how alike the titles of its offers are (rows of ``offers`` and ``vectors`` in input order)."""
    kinds, values, rows = identifier_rows(offers)
    if len(rows) == 0:
        return [], [], [], []
    keys = np.array([f"{k}\t{v}" for k, v in zip(kinds.tolist(), values.tolist(), strict=True)], dtype=object)
    uniq, inv, counts = np.unique(keys.astype(str), return_inverse=True, return_counts=True)
    out_k, out_v, out_n, out_c = [], [], [], []
    # rows grouped by value once (a mask per frequent value was O(N) each: 7 s at 2M offers)
    by_value = np.argsort(inv, kind="stable")
    starts = np.r_[0, np.cumsum(counts)]
    for i in np.flatnonzero(counts >= min_offers).tolist():
        member_rows = np.sort(rows[by_value[starts[i]:starts[i + 1]]])
        kind, value = str(uniq[i]).split("\t", 1)
        out_k.append(kind)
        out_v.append(value)
        out_n.append(int(counts[i]))
        out_c.append(coherence(vectors[member_rows]))
    return out_k, out_v, out_n, out_c


def mask_placeholders(arrays: OfferArrays, placeholders: Placeholders) -> OfferArrays:
    """The pair-feature arrays with placeholder GTINs and image hashes set missing (in place)."""
    if placeholders.gtins:
        bad = hash_strings(pa.array(sorted(placeholders.gtins), pa.string()))
        arrays.gtins[np.isin(arrays.gtins, bad)] = -1
    if placeholders.phashes:
        values, valid = hex64(pa.array(sorted(placeholders.phashes), pa.string()))
        bad_h = values[valid]
        arrays.has_phash[np.isin(arrays.phash, bad_h)] = False
    return arrays
