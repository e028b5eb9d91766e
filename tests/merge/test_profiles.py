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


def test_a_large_set_finds_every_value_it_holds_after_unions():
    big = ValueSet(list(range(0, 3000)))
    big.absorb(ValueSet(list(range(3000, 6000))))
    big.absorb(ValueSet([10**9]))
    assert big.exact is None and big.bloom is not None
    assert all(v in big for v in range(0, 6000)) and 10**9 in big


def test_one_shared_value_with_a_set_beyond_sketch_exactness_is_detected():
    # 6,000 values: far past the 1,024 a theta sketch of lg_k 10 holds exactly
    big = ValueSet(list(range(0, 6000, 1)))
    for v in range(0, 6000, 397):
        assert ValueSet([v, 10**8 + v]).intersects(big)
        assert big.intersects(ValueSet([v]))


def test_bloom_false_positives_stay_near_the_configured_rate():
    big = ValueSet(list(range(0, 6000)))
    absent = range(10**7, 10**7 + 20_000)
    fp = sum(v in big for v in absent) / len(absent)
    assert fp <= 0.03
