"""Evaluation of a run: uncertainty ranks impure clusters."""

from __future__ import annotations

import pyarrow as pa

from samesku.evaluation_run import uncertainty_auc
from samesku.metrics import align_predictions


def test_epsilon_auc_is_one_when_only_impure_clusters_are_uncertain():
    assignments = pa.table({"offer_id": ["1", "2", "3", "4", "5", "6"], "cluster_id": ["A", "A", "B", "B", "C", "D"]})
    truth = pa.table({"offer_id": ["1", "2", "3", "4", "5", "6"], "truth": ["x", "x", "y", "z", "w", "v"]})
    clusters = pa.table({"cluster_id": ["A", "B", "C", "D"], "size": [2, 2, 1, 1], "epsilon": [0.1, 0.9, 0.2, 0.3]})
    aligned = align_predictions(assignments, truth, truth_col="truth")
    out = uncertainty_auc(assignments, clusters, aligned)
    assert out["impure_clusters"] == 1 and out["epsilon_auc_impure"] == 1.0 and out["epsilon_auc_impure_multi"] == 1.0
