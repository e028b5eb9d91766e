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
"""

from __future__ import annotations

import numpy as np
from datasketches import compact_theta_sketch, theta_intersection, theta_union, update_theta_sketch

from samesku.match.features import OfferArrays

EXACT_MAX = 64
LG_K = 10


class ValueSet:
    """A set of int64 values: exact while small, a theta sketch beyond ``EXACT_MAX``."""

    __slots__ = ("exact", "sketch")

    def __init__(self, values: list[int] | None = None) -> None:
        self.exact: set[int] | None = set(values or ())
        self.sketch: update_theta_sketch | compact_theta_sketch | None = None
        self._maybe_grow()

    def _maybe_grow(self) -> None:
        if self.exact is not None and len(self.exact) > EXACT_MAX:
            sk = update_theta_sketch(LG_K)
            for v in sorted(self.exact):
                sk.update(v)
            self.sketch, self.exact = sk, None

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
        # the union is a compact sketch: no further updates, but still mergeable
        self.sketch, self.exact = u.get_result(), None

    def intersects(self, other: ValueSet) -> bool:
        """True when the two sets share at least one value (estimated when a sketch is involved)."""
        if self.exact is not None and other.exact is not None:
            return not self.exact.isdisjoint(other.exact)
        if self.exact is not None or other.exact is not None:
            small, big = (self, other) if self.exact is not None else (other, self)
            # |A| + |B| - |A u B| >= 1, with the small side exact
            u = theta_union(LG_K)
            u.update(big._as_sketch())
            base = u.get_result().get_estimate()
            u.update(small._as_sketch())
            return float(small.estimate()) + base - u.get_result().get_estimate() >= 0.5
        inter = theta_intersection()
        inter.update(self._as_sketch())
        inter.update(other._as_sketch())
        return float(inter.get_result().get_estimate()) >= 0.5


class Profile:
    """Identity attributes of one cluster, for cannot-link checks."""

    __slots__ = ("gtins", "codes", "counts", "amounts", "sellers")

    def __init__(self, arrays: OfferArrays, i: int) -> None:
        g = arrays.gtins[i]
        self.gtins = ValueSet(g[g != -1].tolist())
        code = arrays.primary_code[i]
        # codes are compared by similarity, so the profile keeps values, at most CODES_KEPT
        self.codes: set[str] = {code} if code else set()
        c = arrays.count[i]
        self.counts: set[float] = set() if np.isnan(c) else {float(c)}
        am, un = arrays.amount[i], int(arrays.unit[i])
        self.amounts: set[tuple[int, float]] = set() if (np.isnan(am) or un < 0) else {(un, float(am))}
        s = int(arrays.seller[i])
        self.sellers = ValueSet([s] if s >= 0 else [])

    def absorb(self, other: Profile) -> None:
        """Merge another cluster's profile into this one."""
        self.gtins.absorb(other.gtins)
        if len(self.codes) < CODES_KEPT:
            self.codes |= set(sorted(other.codes)[: CODES_KEPT - len(self.codes)])
        self.counts |= other.counts
        self.amounts |= other.amounts
        self.sellers.absorb(other.sellers)


CODES_KEPT = 64
