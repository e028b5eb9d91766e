"""Cluster profiles: exact while small, theta sketches once large, overlap by cardinalities."""

from __future__ import annotations

from samesku.merge.profiles import EXACT_MAX, ValueSet


def test_small_sets_stay_exact_and_intersect_exactly():
    a, b = ValueSet([1, 2, 3]), ValueSet([3, 4])
    assert a.exact is not None and a.intersects(b) and not a.intersects(ValueSet([9]))


def test_a_set_grows_into_a_sketch_and_keeps_its_cardinality():
    big = ValueSet(list(range(EXACT_MAX + 50)))
    assert big.exact is None and big.sketch is not None
    assert abs(big.estimate() - (EXACT_MAX + 50)) < 1


def test_sketched_sets_detect_shared_and_disjoint_values():
    a = ValueSet(list(range(0, 500)))
    b = ValueSet(list(range(499, 900)))       # shares one value with a
    c = ValueSet(list(range(1000, 1600)))
    assert a.intersects(b) and not a.intersects(c)
    assert ValueSet([499]).intersects(a) and not ValueSet([5000]).intersects(a)


def test_absorbing_sketches_is_a_union():
    a = ValueSet(list(range(0, 300)))
    a.absorb(ValueSet(list(range(200, 700))))
    assert abs(a.estimate() - 700) < 1
    assert a.intersects(ValueSet([650])) and not a.intersects(ValueSet([701]))
