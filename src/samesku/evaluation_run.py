"""Evaluate a run directory against a truth file (the `samesku evaluate` command).

Adds the figures to the run's summary.json and rewrites its report with them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from samesku import schema as S
from samesku.errors import InputError
from samesku.metrics import align_predictions, blocking_recall, evaluate_partition


def _read_truth(path: Path, truth_column: str, truth_id: str) -> pa.Table:
    """The (offer id, truth label) columns of a truth file, ids as strings."""
    if not path.exists():
        raise InputError(f"truth file {path} does not exist")
    suffix = "".join(path.suffixes[-2:]).lower()
    if path.suffix.lower() == ".parquet":
        table = pq.read_table(path)
    elif path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        import pyarrow.json as pj

        table = pj.read_json(path)
    elif path.suffix.lower() == ".csv" or suffix == ".csv.gz":
        import pyarrow.csv as pcsv

        table = pcsv.read_csv(path, convert_options=pcsv.ConvertOptions(column_types={truth_id: pa.string(), truth_column: pa.string()}))
    else:
        raise InputError(f"unknown truth file type: {path}")
    for col in (truth_id, truth_column):
        if col not in table.column_names:
            raise InputError(f"column {col!r} not in {path}; columns: {table.column_names}")
    return pa.table({S.OFFER_ID: table.column(truth_id).cast(pa.string()), truth_column: table.column(truth_column).cast(pa.string())})


def edge_pr_curve(edges: pa.Table, offer_truth: dict[str, Any], true_pairs: int) -> list[dict[str, float]]:
    """Pair-level precision/recall of scored candidate pairs above each threshold."""
    a = edges.column("offer_id_a").to_pylist()
    b = edges.column("offer_id_b").to_pylist()
    p = np.asarray(edges.column(S.MATCH_PROBABILITY).to_numpy(), dtype=np.float64)
    ta = np.array([offer_truth.get(x) for x in a], dtype=object)
    tb = np.array([offer_truth.get(x) for x in b], dtype=object)
    same = (ta == tb) & np.array([x is not None for x in ta], dtype=bool)
    rows = []
    for t in np.round(np.arange(0.05, 1.0, 0.05), 2):
        sel = p >= t
        tp = float((same & sel).sum())
        prec = tp / max(float(sel.sum()), 1.0)
        rec = tp / max(float(true_pairs), 1.0)
        rows.append({"threshold": float(t), "pairwise_precision": prec, "pairwise_recall": rec,
                     "pairwise_f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0})
    return rows


def uncertainty_auc(assignments: pa.Table, clusters: pa.Table, aligned: Any) -> dict[str, float]:
    """How well each cluster's ε ranks impure clusters (holding offers of several true products).

    Returns ROC AUC of ε against "impure" over all predicted clusters and over multi-offer
    clusters only (a singleton is never impure), or nothing when one class is empty.
    """
    from sklearn.metrics import roc_auc_score

    truth_of = dict(zip(aligned.offer_ids.to_pylist(), aligned.truth.tolist(), strict=True))
    labels: dict[str, set[int]] = {}
    for oid, cid in zip(assignments.column(S.OFFER_ID).to_pylist(), assignments.column(S.CLUSTER_ID).to_pylist(), strict=True):
        t = truth_of.get(oid)
        if t is not None:
            labels.setdefault(cid, set()).add(t)
    cids = clusters.column(S.CLUSTER_ID).to_pylist()
    eps = np.asarray(clusters.column("epsilon").to_numpy(), dtype=np.float64)
    size = np.asarray(clusters.column("size").to_numpy())
    impure = np.array([len(labels.get(c, ())) > 1 for c in cids], dtype=bool)
    out: dict[str, float] = {"impure_clusters": float(impure.sum())}
    if 0 < impure.sum() < len(impure):
        out["epsilon_auc_impure"] = float(roc_auc_score(impure, eps))
    multi = size > 1
    if 0 < impure[multi].sum() < multi.sum():
        out["epsilon_auc_impure_multi"] = float(roc_auc_score(impure[multi], eps[multi]))
    return out


def evaluate_run(
    run: str | Path, truth: str | Path, truth_column: str, truth_id: str = S.OFFER_ID, blocking: bool = False
) -> dict[str, Any]:
    """Metrics of a run (directory or assignments file) against a truth file.

    With ``blocking``, also the transitive and direct blocking recall of the run's
    candidate pairs (edges.parquet) and candidate pairs per offer.
    """
    run = Path(run)
    assignments_path = run / "assignments.parquet" if run.is_dir() else run
    if not assignments_path.exists():
        raise InputError(f"no assignments at {assignments_path}")
    assignments = pq.read_table(assignments_path, columns=[S.OFFER_ID, S.CLUSTER_ID])
    truth_table = _read_truth(Path(truth), truth_column, truth_id)
    aligned = align_predictions(assignments, truth_table, truth_col=truth_column)
    result: dict[str, Any] = evaluate_partition(aligned.predicted, aligned.truth)
    result.update(aligned.counts())
    clusters_path = run / "clusters.parquet" if run.is_dir() else None
    if clusters_path is not None and clusters_path.exists():
        result.update(uncertainty_auc(pq.read_table(assignments_path, columns=[S.OFFER_ID, S.CLUSTER_ID]),
                                      pq.read_table(clusters_path, columns=[S.CLUSTER_ID, "size", "epsilon"]), aligned))
    edges_path = run / "edges.parquet" if run.is_dir() else None
    if edges_path is not None and edges_path.exists():
        edges = pq.read_table(edges_path)
        ids = aligned.offer_ids.to_pylist()
        offer_truth = dict(zip(ids, aligned.truth.tolist(), strict=True))
        curve = edge_pr_curve(edges, offer_truth, int(result.get("true_pairs", 0)))
        if blocking:
            index = {oid: i for i, oid in enumerate(ids)}
            ea = np.array([index.get(x, -1) for x in edges.column("offer_id_a").to_pylist()], dtype=np.int64)
            eb = np.array([index.get(x, -1) for x in edges.column("offer_id_b").to_pylist()], dtype=np.int64)
            keep = (ea >= 0) & (eb >= 0)
            br = blocking_recall(ea[keep], eb[keep], aligned.truth)
            result.update(br)
            stages = pc.unique(edges.column("stage")).to_pylist()
            per_stage = {}
            for s in sorted(stages):
                m = keep & (np.asarray(edges.column("stage").to_numpy()) <= s)
                per_stage[f"stage_{s}"] = blocking_recall(ea[m], eb[m], aligned.truth)
            result["blocking_by_stage_cumulative"] = per_stage
        if run.is_dir():
            _update_run(run, result, curve)
    return result


def _update_run(run: Path, evaluation: dict[str, Any], curve: list[dict[str, float]]) -> None:
    """Store the evaluation in summary.json and redraw report.html with it."""
    from samesku.report import write_report

    summary_path = run / "summary.json"
    if not summary_path.exists():
        return
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    summary["evaluation"] = evaluation
    summary_path.write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    clusters = pq.read_table(run / "clusters.parquet")
    assignments = pq.read_table(run / "assignments.parquet")
    titles = dict(zip(clusters.column("representative_offer_id").to_pylist(), clusters.column("representative_title").to_pylist(), strict=True))
    write_report(run / "report.html", summary, clusters, assignments, titles, pr_curve=curve)
