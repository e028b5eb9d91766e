"""Cluster profiles: what a cluster holds, kept small however large the cluster grows.

The talk (section 7): a cluster carries lists of member ids, GTINs, image hashes, brands,
…; comparing two large clusters member by member is quadratic, so each list becomes a
cardinality sketch, and two clusters *share something* when
``|A| + |B| - |A ∪ B| >= 1``. Here a :class:`ValueSet` is an exact set while small (the
common case: most clusters hold a handful of GTINs and shops) and becomes an Apache
DataSketches theta sketch once it grows past :data:`EXACT_MAX` values; unions merge the
sketches, and the overlap of two large sets is the theta intersection estimate. Theta
sketches with ``lg_k = 10`` stay exact up to 1,024 distinct values, so the switch changes
no decision on catalogs like PriceRunner; it bounds the memory of a cluster of 10,000
shops' offers to a few KiB per attribute.

A sketched set also keeps an ``rbloom`` Bloom filter of its values. The most frequent
question merging asks is *does this large cluster hold this offer's GTIN / shop?* — a
small exact set against a large one. A theta sketch only answers that through a noisy
union estimate (beyond ``2**LG_K`` values one shared GTIN is within its error, so a
cannot-link could fire on a real match); the Bloom filter answers it per value with no
false negatives, a 1% false-positive rate and no exact list kept: membership costs
``len(small)`` hash probes instead of two sketch unions, and memory stays fixed
(:data:`BLOOM_ITEMS` values, ~58 KiB) however many members the cluster gathers.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pyarrow as pa
from datasketches import compact_theta_sketch, theta_intersection, theta_union, update_theta_sketch
from rbloom import Bloom

from samesku.match.arrays import OfferArrays, matrix_from_binary

EXACT_MAX = 64
LG_K = 10
BLOOM_ITEMS = 50_000   # capacity of a large set's Bloom filter (more values raise its fp rate)
BLOOM_FP = 0.01


def _bloom(values: Iterable[int]) -> Bloom:
    # int64 values hash with Python's int hash, which is not salted per process: the same
    # filter in every worker and engine
    bf = Bloom(BLOOM_ITEMS, BLOOM_FP)
    bf.update(values)
    return bf


class ValueSet:
    """A set of int64 values: exact while small, a theta sketch beyond ``EXACT_MAX``."""

    __slots__ = ("exact", "sketch", "bloom")

    def __init__(self, values: list[int] | None = None) -> None:
        self.exact: set[int] | None = set(values) if values else set()
        self.sketch: update_theta_sketch | compact_theta_sketch | None = None
        self.bloom: Bloom | None = None
        if values and len(values) > EXACT_MAX:
            self._maybe_grow()

    def _maybe_grow(self) -> None:
        if self.exact is not None and len(self.exact) > EXACT_MAX:
            sk = update_theta_sketch(LG_K)
            for v in sorted(self.exact):
                sk.update(v)
            self.sketch, self.bloom, self.exact = sk, _bloom(self.exact), None

    def copy(self) -> ValueSet:
        """An independent copy (a union changes a set in place)."""
        out = ValueSet.__new__(ValueSet)
        out.exact = set(self.exact) if self.exact is not None else None
        out.sketch = self.sketch   # never updated in place once sketched: absorb replaces it
        out.bloom = self.bloom.copy() if self.bloom is not None else None
        return out

    def __contains__(self, value: int) -> bool:
        """Membership: exact while small; sketched sets answer from the Bloom filter (no false negatives)."""
        if self.exact is not None:
            return value in self.exact
        assert self.bloom is not None
        return value in self.bloom

    def __bool__(self) -> bool:
        return bool(self.exact) if self.exact is not None else True

    def estimate(self) -> float:
        """Number of distinct values (exact while small)."""
        if self.exact is not None:
            return float(len(self.exact))
        assert self.sketch is not None
        return float(self.sketch.get_estimate())

    def _as_sketch(self) -> update_theta_sketch | compact_theta_sketch:
        if self.sketch is not None:
            return self.sketch
        sk = update_theta_sketch(LG_K)
        for v in sorted(self.exact or ()):
            sk.update(v)
        return sk

    def absorb(self, other: ValueSet) -> None:
        """Union with another set (in place)."""
        if self.exact is not None and other.exact is not None:
            self.exact |= other.exact
            self._maybe_grow()
            return
        u = theta_union(LG_K)
        u.update(self._as_sketch())
        u.update(other._as_sketch())
        bloom = self.bloom.copy() if self.bloom is not None else _bloom(self.exact or ())
        if other.bloom is not None:
            bloom.update(other.bloom)   # same capacity and rate: a bitwise union
        else:
            bloom.update(other.exact or ())
        # the union is a compact sketch: no further updates, but still mergeable
        self.sketch, self.bloom, self.exact = u.get_result(), bloom, None

    def intersects(self, other: ValueSet) -> bool:
        """True when the two sets share at least one value (estimated when a sketch is involved)."""
        if self.exact is not None and other.exact is not None:
            return not self.exact.isdisjoint(other.exact)
        if self.exact is not None or other.exact is not None:
            # a small exact set against a large one: per-value Bloom membership, exact for
            # every value the large set holds (see the module docstring)
            small, big = (self, other) if self.exact is not None else (other, self)
            assert small.exact is not None
            return any(v in big for v in sorted(small.exact))
        # two large sets: |A| + |B| - |A u B| >= 1 through the theta intersection
        inter = theta_intersection()
        inter.update(self._as_sketch())
        inter.update(other._as_sketch())
        return float(inter.get_result().get_estimate()) >= 0.5


class ProfileSource:
    """Per-offer identity values as Python objects, converted once per merge.

    A profile is built for every offer that takes part in a merge (a million at 1M
    offers); reading numpy scalars one at a time cost three quarters of that.
    """

    __slots__ = ("gtins", "codes", "counts", "amounts", "stated", "units", "sellers", "preset")

    def __init__(self, arrays: OfferArrays) -> None:
        #: rows whose profile is given rather than read: a stored cluster taking part in an
        #: ingest's merge through a few of its members carries its whole profile on one of them
        self.preset: dict[int, Profile] = {}
        self.gtins = arrays.gtins                    # (n, w) int64, -1 padded; rows read lazily
        self.codes: list[str] = arrays.code_list.tolist()
        self.counts: list[float] = arrays.count.tolist()
        self.amounts: list[float] = arrays.amount.tolist()
        self.stated = _stated_lists(arrays.amounts)
        self.units: list[int] = arrays.unit.tolist()
        self.sellers: list[int] = arrays.seller.tolist()

    def take(self, rows: np.ndarray) -> ProfileSource:
        """The values of offers ``rows``, renumbered 0..len(rows)-1."""
        out = ProfileSource.__new__(ProfileSource)
        idx = rows.tolist()
        out.gtins = self.gtins[rows]
        out.codes = [self.codes[i] for i in idx]
        out.counts = [self.counts[i] for i in idx]
        out.amounts = [self.amounts[i] for i in idx]
        out.stated = [self.stated[i] for i in idx]
        out.units = [self.units[i] for i in idx]
        out.sellers = [self.sellers[i] for i in idx]
        where = {r: k for k, r in enumerate(idx)} if self.preset else {}
        out.preset = {where[r]: prof for r, prof in self.preset.items() if r in where}
        return out

    @classmethod
    def from_table(cls, table: pa.Table) -> ProfileSource:
        """From the :data:`~samesku.match.arrays.PROFILE_COLUMNS` of an offer-arrays table.

        A distributed merge ships only these columns (~100 bytes an offer instead of the
        ~1.5 KiB of every pair-feature array) to the task that merges one component.
        """
        self = cls.__new__(cls)
        self.gtins = matrix_from_binary(table.column("m_gtins"), np.dtype(np.int64))
        self.codes = [c or "" for c in table.column("m_code_list").to_pylist()]
        self.counts = [float("nan") if v is None else v for v in table.column("m_count").to_pylist()]
        self.amounts = [float("nan") if v is None else v for v in table.column("m_amount").to_pylist()]
        self.stated = _stated_lists(matrix_from_binary(table.column("m_amounts"), np.dtype(np.float64)))
        self.units = table.column("m_unit").to_pylist()
        self.sellers = table.column("m_seller").to_pylist()
        self.preset = {}
        return self


def _stated_lists(stated: np.ndarray) -> list[tuple[float, ...]]:
    """Per offer, the stated amounts of an (n, w) nan-padded matrix."""
    return [tuple(v for v in row if v == v) for row in stated.tolist()]   # v == v: not NaN


class Profile:
    """Identity attributes of one cluster, for cannot-link checks."""

    __slots__ = ("gtins", "codes", "counts", "amounts", "stated", "sellers")

    def __init__(self, source: ProfileSource, i: int) -> None:
        self.gtins = ValueSet([g for g in source.gtins[i].tolist() if g != -1])
        # every code the offer names (space-separated), compared by similarity, so the
        # profile keeps values, at most CODES_KEPT: a cluster conflicts with another only
        # when none of its codes is related to any of the other's, as the pair veto decides
        self.codes: set[str] = set(source.codes[i].split())
        c = source.counts[i]
        self.counts: set[float] = set() if c != c else {c}          # c != c: NaN
        am, un = source.amounts[i], source.units[i]
        self.amounts: set[tuple[int, float]] = set() if (am != am or un < 0) else {(un, am)}
        # every measure of that unit the offer states (its amount among them): "8kg wash 5kg dry"
        self.stated: set[tuple[int, float]] = {(un, v) for v in source.stated[i]} if self.amounts else set()
        s = source.sellers[i]
        self.sellers = ValueSet([s] if s >= 0 else None)

    @classmethod
    def of(cls, source: ProfileSource, i: int) -> Profile:
        """Offer ``i``'s profile, or a copy of the one preset for it."""
        preset = source.preset.get(i)
        return cls(source, i) if preset is None else preset.copy()

    def copy(self) -> Profile:
        out = Profile.__new__(Profile)
        out.gtins, out.sellers = self.gtins.copy(), self.sellers.copy()
        out.codes, out.counts = set(self.codes), set(self.counts)
        out.amounts, out.stated = set(self.amounts), set(self.stated)
        return out

    def absorb(self, other: Profile) -> None:
        """Merge another cluster's profile into this one."""
        self.gtins.absorb(other.gtins)
        if len(self.codes) < CODES_KEPT and other.codes:
            self.codes |= set(sorted(other.codes)[: CODES_KEPT - len(self.codes)])
        self.counts |= other.counts
        self.amounts |= other.amounts
        self.stated |= other.stated
        self.sellers.absorb(other.sellers)


CODES_KEPT = 64
