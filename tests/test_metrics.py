"""Tests of samesku.metrics: clustering metrics, id alignment and blocking recall."""

from __future__ import annotations

import json
import math
import time

import numpy as np
import pyarrow as pa
import pytest
from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score

from samesku.errors import InputError
from samesku.metrics import (
    SIZE_BUCKETS,
    align_predictions,
    blocking_recall,
    evaluate_partition,
)

METRICS = (
    "ami",
    "ari",
    "pairwise_precision",
    "pairwise_recall",
    "pairwise_f1",
    "bcubed_precision",
    "bcubed_recall",
    "bcubed_f1",
    "mean_offer_f1",
)

# The six-offer example used by several tests.
#   truth:     A = {o1, o2, o3}   B = {o4, o5}   C = {o6}
#   predicted: X = {o1, o2}       Y = {o3, o4, o5, o6}
SIX_TRUTH = ["A", "A", "A", "B", "B", "C"]
SIX_PRED = ["X", "X", "Y", "Y", "Y", "Y"]


def test_perfect_clustering_scores_one_everywhere() -> None:
    truth = ["a", "a", "b", "b", "b", "c"]
    predicted = [10, 10, 20, 20, 20, 30]  # same partition, different label names
    result = evaluate_partition(predicted, truth)
    for key in METRICS:
        assert result[key] == pytest.approx(1.0), key


def test_all_singletons_prediction_has_zero_pairwise_recall_and_full_bcubed_precision() -> None:
    truth = ["a", "a", "a", "b", "b"]
    result = evaluate_partition([0, 1, 2, 3, 4], truth)
    assert result["pairwise_recall"] == 0.0
    # No predicted pairs: precision is vacuously 1.0; F1 of (1, 0) is 0.
    assert result["pairwise_precision"] == 1.0
    assert result["pairwise_f1"] == 0.0
    assert result["bcubed_precision"] == 1.0
    # BCubed recall: (1/3 + 1/3 + 1/3 + 1/2 + 1/2) / 5 = 2/5
    assert result["bcubed_recall"] == pytest.approx(2 / 5)
    assert result["predicted_pairs"] == 0


def test_six_offer_example_matches_hand_computed_pair_counts() -> None:
    result = evaluate_partition(SIX_PRED, SIX_TRUTH)
    # Cells: (X,A)=2, (Y,A)=1, (Y,B)=2, (Y,C)=1.
    # Correct pairs = C(2,2) + C(2,2) = 2; predicted pairs = C(2,2) + C(4,2) = 7;
    # true pairs = C(3,2) + C(2,2) = 4.
    assert result["correct_pairs"] == 2
    assert result["predicted_pairs"] == 7
    assert result["true_pairs"] == 4
    # P = 2/7, R = 2/4, F1 = 2 * (2/7)(1/2) / (2/7 + 1/2) = 4/11
    assert result["pairwise_precision"] == pytest.approx(2 / 7)
    assert result["pairwise_recall"] == pytest.approx(1 / 2)
    assert result["pairwise_f1"] == pytest.approx(4 / 11)


def test_six_offer_example_matches_hand_computed_bcubed_and_offer_f1() -> None:
    result = evaluate_partition(SIX_PRED, SIX_TRUTH)
    # BCubed precision, |P∩T| / |P| per offer: o1, o2: 2/2; o3: 1/4; o4, o5: 2/4; o6: 1/4
    #   sum = 1 + 1 + 1/4 + 1/2 + 1/2 + 1/4 = 7/2  -> mean 7/12
    assert result["bcubed_precision"] == pytest.approx(7 / 12)
    # BCubed recall, |P∩T| / |T|: o1, o2: 2/3; o3: 1/3; o4, o5: 2/2; o6: 1/1
    #   sum = 4/3 + 1/3 + 2 + 1 = 14/3  -> mean 7/9
    assert result["bcubed_recall"] == pytest.approx(7 / 9)
    # F1 = 2 (7/12)(7/9) / (7/12 + 7/9) = (49/54) / (49/36) = 2/3
    assert result["bcubed_f1"] == pytest.approx(2 / 3)
    # Offer F1 = 2|P∩T| / (|P| + |T|): o1, o2: 4/5; o3: 2/7; o4, o5: 4/6; o6: 2/5
    #   sum = 8/5 + 2/7 + 4/3 + 2/5 = 76/21  -> mean 38/63
    assert result["mean_offer_f1"] == pytest.approx(38 / 63)


def test_six_offer_example_ari_matches_hand_computed_value_and_sklearn() -> None:
    result = evaluate_partition(SIX_PRED, SIX_TRUTH)
    # 15 pairs: tp = 2, fp = 7 - 2 = 5, fn = 4 - 2 = 2, tn = 15 - 9 = 6
    # ARI = 2 (tp tn - fn fp) / ((tp+fn)(fn+tn) + (tp+fp)(fp+tn)) = 2*2 / (32 + 77) = 4/109
    assert result["ari"] == pytest.approx(4 / 109)
    assert result["ari"] == pytest.approx(adjusted_rand_score(SIX_TRUTH, SIX_PRED))
    assert result["ami"] == pytest.approx(adjusted_mutual_info_score(SIX_TRUTH, SIX_PRED))


def test_six_offer_example_reports_counts_and_size_histograms() -> None:
    result = evaluate_partition(SIX_PRED, SIX_TRUTH)
    assert result["n_offers"] == 6
    assert result["n_true_clusters"] == 3
    assert result["n_predicted_clusters"] == 2
    assert result["largest_true_cluster"] == 3
    assert result["largest_predicted_cluster"] == 4
    assert list(result["true_size_histogram"]) == [label for label, _ in SIZE_BUCKETS]
    assert {k: v for k, v in result["true_size_histogram"].items() if v} == {
        "1": 1,
        "2": 1,
        "3-5": 1,
    }
    assert {k: v for k, v in result["predicted_size_histogram"].items() if v} == {
        "2": 1,
        "3-5": 1,
    }


def test_size_histogram_bucket_edges_are_inclusive_upper_bounds() -> None:
    sizes = [1, 2, 3, 5, 6, 10, 11, 20, 21, 50, 51, 100, 101, 1000, 1001]
    truth = np.repeat(np.arange(len(sizes)), sizes)
    hist = evaluate_partition(truth, truth)["true_size_histogram"]
    assert hist == {
        "1": 1,
        "2": 1,
        "3-5": 2,
        "6-10": 2,
        "11-20": 2,
        "21-50": 2,
        "51-100": 2,
        "101-1000": 2,
        ">1000": 1,
    }


def test_result_is_json_serialisable() -> None:
    result = evaluate_partition(np.array(SIX_PRED), np.array(SIX_TRUTH))
    assert json.loads(json.dumps(result)) == result


def test_none_and_nan_predictions_are_each_their_own_singleton() -> None:
    truth = ["a", "a", "a", "b"]
    result = evaluate_partition([None, None, float("nan"), 1], truth)
    assert result["n_predicted_clusters"] == 4
    assert result["predicted_pairs"] == 0
    assert result["pairwise_recall"] == 0.0
    nan_codes = evaluate_partition(np.array([np.nan, np.nan, 1.0, 1.0]), ["a", "a", "b", "b"])
    assert nan_codes["n_predicted_clusters"] == 3  # two NaN singletons + cluster 1.0


def test_labels_of_different_types_are_different_clusters() -> None:
    # 1 and "1" are different labels, so the prediction splits the true cluster.
    result = evaluate_partition([1, "1"], ["t", "t"])
    assert result["n_predicted_clusters"] == 2
    assert result["pairwise_recall"] == 0.0


def test_no_pairs_anywhere_scores_one_because_nothing_was_missed_or_wrong() -> None:
    result = evaluate_partition(["p", "q", "r"], ["a", "b", "c"])
    for key in METRICS:
        assert result[key] == pytest.approx(1.0), key
    single = evaluate_partition(["p"], ["a"])
    assert single["pairwise_f1"] == 1.0 and single["mean_offer_f1"] == 1.0


def test_missing_truth_label_is_rejected() -> None:
    with pytest.raises(ValueError, match="missing labels"):
        evaluate_partition([1, 2], ["a", None])


def test_length_mismatch_and_empty_input_are_rejected() -> None:
    with pytest.raises(ValueError, match="labels but truth"):
        evaluate_partition([1, 2, 3], ["a", "b"])
    with pytest.raises(ValueError, match="no offers"):
        evaluate_partition([], [])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ami_and_ari_match_sklearn_on_random_partitions(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 3000
    # Heavy-tailed true cluster sizes, including one large cluster.
    sizes = np.minimum(rng.zipf(1.6, n), n // 4)
    sizes = sizes[np.cumsum(sizes) <= n]
    truth = np.repeat(np.arange(len(sizes)), sizes)
    truth = np.concatenate([truth, len(sizes) + np.arange(n - len(truth))])
    predicted = truth.copy()
    noisy = rng.random(n) < 0.3
    predicted[noisy] = rng.integers(0, 40, int(noisy.sum()))
    result = evaluate_partition(predicted, truth)
    assert result["ami"] == pytest.approx(adjusted_mutual_info_score(truth, predicted), abs=1e-9)
    assert result["ari"] == pytest.approx(adjusted_rand_score(truth, predicted), abs=1e-12)


def test_ami_matches_sklearn_in_its_special_cases() -> None:
    # One cluster on both sides, one cluster on one side, all singletons on both.
    cases = [
        ([0, 0, 0], ["a", "a", "a"]),
        ([0, 0, 0], ["a", "b", "b"]),
        ([0, 1, 2], ["a", "b", "c"]),
        ([0, 1, 2, 3], ["a", "a", "a", "a"]),
    ]
    for predicted, truth in cases:
        expected = adjusted_mutual_info_score(truth, predicted)
        assert evaluate_partition(predicted, truth)["ami"] == pytest.approx(expected)


# --- align_predictions ----------------------------------------------------------------


def test_offers_missing_from_prediction_count_as_singletons() -> None:
    assignments = pa.table(
        {"offer_id": ["a", "b", "x"], "cluster_id": ["K", "K", "K"]}
    )
    truth = pa.table(
        {
            "offer_id": ["a", "b", "c", "d", "e"],
            "truth": ["t1", "t1", "t1", "t2", None],
        }
    )
    aligned = align_predictions(assignments, truth)
    assert aligned.offer_ids.to_pylist() == ["a", "b", "c", "d"]
    assert aligned.missing_in_prediction == 2  # c and d
    assert aligned.missing_in_truth == 1  # x
    assert aligned.null_truth == 1  # e
    # a, b share a cluster; c and d are singletons of their own.
    p = aligned.predicted
    assert p[0] == p[1] and len({p[0], p[2], p[3]}) == 3
    result = evaluate_partition(aligned.predicted, aligned.truth)
    # True pairs: a-b, a-c, b-c; predicted pairs: a-b (correct).
    assert result["pairwise_precision"] == 1.0
    assert result["pairwise_recall"] == pytest.approx(1 / 3)
    assert result["n_predicted_clusters"] == 3
    assert aligned.counts() == {
        "n_evaluated": 4,
        "missing_in_prediction": 2,
        "missing_in_truth": 1,
        "null_truth": 1,
    }


def test_ids_are_compared_as_strings_so_007_is_not_7() -> None:
    assignments = pa.table({"offer_id": pa.array([7, 8], pa.int64()), "cluster_id": [1, 1]})
    truth = pa.table({"offer_id": ["007", "8"], "truth": ["g", "g"]})
    aligned = align_predictions(assignments, truth)
    assert aligned.missing_in_prediction == 1  # "007"
    assert aligned.missing_in_truth == 1  # 7 -> "7"
    assert aligned.predicted[0] != aligned.predicted[1]
    matching = align_predictions(
        assignments, pa.table({"offer_id": ["7", "8"], "truth": ["g", "g"]})
    )
    assert matching.missing_in_prediction == 0
    assert matching.predicted[0] == matching.predicted[1]


def test_null_cluster_id_is_a_singleton_and_custom_column_names_work() -> None:
    assignments = pa.table({"id": ["a", "b", "c"], "cid": pa.array([5, None, None], pa.int64())})
    truth = pa.table({"oid": ["a", "b", "c"], "label": [1, 1, 1]})
    aligned = align_predictions(
        assignments, truth, pred_id_col="id", pred_cluster_col="cid",
        truth_id_col="oid", truth_col="label",
    )
    assert len(set(aligned.predicted.tolist())) == 3
    assert aligned.missing_in_prediction == 0


def test_nan_truth_labels_are_excluded_like_nulls() -> None:
    assignments = pa.table({"offer_id": ["a", "b"], "cluster_id": [1, 1]})
    truth = pa.table({"offer_id": ["a", "b"], "truth": [1.0, math.nan]})
    aligned = align_predictions(assignments, truth)
    assert aligned.null_truth == 1 and len(aligned.truth) == 1


def test_duplicate_or_null_ids_and_missing_columns_are_input_errors() -> None:
    good_truth = pa.table({"offer_id": ["a", "b"], "truth": [1, 1]})
    dupes = pa.table({"offer_id": ["a", "a"], "cluster_id": [1, 2]})
    with pytest.raises(InputError, match="duplicate ids"):
        align_predictions(dupes, good_truth)
    nulls = pa.table({"offer_id": ["a", None], "cluster_id": [1, 2]})
    with pytest.raises(InputError, match="null ids"):
        align_predictions(nulls, good_truth)
    with pytest.raises(InputError, match="no column 'cluster_id'"):
        align_predictions(pa.table({"offer_id": ["a"]}), good_truth)


# --- blocking_recall ----------------------------------------------------------------


def test_transitive_recall_covers_a_c_through_a_b_and_b_c_but_direct_recall_does_not() -> None:
    # Offers 0, 1, 2 are one product (3 true pairs), 3 and 4 another (1 true pair).
    truth = np.array(["A", "A", "A", "B", "B"])
    # Candidates 0-1 and 1-2 are true; 2-3 crosses products and must not help.
    result = blocking_recall(np.array([0, 1, 2]), np.array([1, 2, 3]), truth)
    assert result["true_pairs"] == 4
    assert result["candidate_pairs"] == 3
    assert result["true_candidate_pairs"] == 2
    # Direct: 0-1, 1-2 of 4 true pairs.
    assert result["direct_pair_recall"] == pytest.approx(2 / 4)
    # Transitive: component {0,1,2} covers 0-1, 1-2, 0-2; 3-4 uncovered.
    assert result["blocking_recall"] == pytest.approx(3 / 4)
    assert result["candidate_pairs_per_offer"] == pytest.approx(3 / 5)


def test_cross_product_candidates_do_not_merge_components() -> None:
    # 0-2 and 1-3 are true pairs; 0-1 and 2-3 are false candidates. Following the false
    # candidates would wrongly put 0, 2 (and 1, 3) in one component.
    truth = ["A", "B", "A", "B"]
    result = blocking_recall([0, 2], [1, 3], truth)
    assert result["blocking_recall"] == 0.0
    assert result["direct_pair_recall"] == 0.0


def test_duplicate_reversed_and_self_candidate_pairs_are_counted_once() -> None:
    truth = np.array([0, 0, 1, 1])  # true pairs: 0-1, 2-3
    left = np.array([0, 1, 0, 2, 2])
    right = np.array([1, 0, 1, 2, 2])  # 0-1 three times, 2-2 self pair twice
    result = blocking_recall(left, right, truth)
    assert result["candidate_pairs"] == 1
    assert result["true_candidate_pairs"] == 1
    assert result["direct_pair_recall"] == pytest.approx(1 / 2)
    assert result["blocking_recall"] == pytest.approx(1 / 2)


def test_blocking_recall_is_one_when_there_are_no_true_pairs_or_no_candidates_scores_zero() -> None:
    nothing_to_find = blocking_recall(np.array([0]), np.array([1]), ["a", "b", "c"])
    assert nothing_to_find["blocking_recall"] == 1.0
    assert nothing_to_find["direct_pair_recall"] == 1.0
    no_candidates = blocking_recall(np.array([], np.int64), np.array([], np.int64), ["a", "a"])
    assert no_candidates["blocking_recall"] == 0.0
    assert no_candidates["candidate_pairs"] == 0


def test_blocking_recall_rejects_bad_indices() -> None:
    with pytest.raises(ValueError, match="outside"):
        blocking_recall([0], [5], ["a", "a"])
    with pytest.raises(ValueError, match="left has"):
        blocking_recall([0, 1], [1], ["a", "a"])
    with pytest.raises(TypeError, match="integer"):
        blocking_recall(np.array([0.0]), np.array([1.0]), ["a", "a"])


# --- scale ----------------------------------------------------------------------------


def test_one_million_offers_evaluate_and_block_in_under_ten_seconds() -> None:
    rng = np.random.default_rng(42)
    n = 1_000_000
    truth = rng.integers(0, 50_000, n)
    predicted = truth.copy()
    noisy = rng.random(n) < 0.2
    predicted[noisy] = rng.integers(0, 60_000, int(noisy.sum()))
    left = rng.integers(0, n, 2 * n)
    right = np.where(rng.random(2 * n) < 0.5, rng.integers(0, n, 2 * n), (left + 1) % n)

    start = time.perf_counter()
    result = evaluate_partition(predicted, truth)
    blocking = blocking_recall(left, right, truth)
    elapsed = time.perf_counter() - start

    assert elapsed < 10.0, f"took {elapsed:.1f} s"
    assert result["n_offers"] == n
    assert 0.0 < result["ami"] < 1.0
    assert 0.0 < blocking["blocking_recall"] < 1.0
