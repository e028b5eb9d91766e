"""Where a labelled run loses its true pairs: candidate generation, scoring or merging.

Every true pair a run does not put in one cluster is lost at the first of three steps:

* ``blocking``: the candidate pairs that are true matches do not connect its two offers
  (the complement of transitive blocking recall);
* ``scoring``: they do, but the true candidate pairs the run accepted (final match
  probability at or above the run's threshold, after vetoes and context) do not;
* ``merging``: accepted true pairs connect them, yet the guarded merge kept them apart
  (a cannot-link, the seller constraint, the average support, or a wrong offer already
  in one of the clusters).

Counted without enumerating pairs: per true cluster, the pairs inside each piece of the
true candidate graph, of the accepted true graph and of the predicted clusters, and of
their intersections (inclusion-exclusion; the accepted pieces refine the candidate pieces).

    python benchmarks/pair_losses.py RUN_DIR [--truth-column cluster_id]

RUN_DIR is a ``samesku cluster`` output whose input carried the truth column (it is kept
in ``offers.parquet``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components


def _pieces(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    graph = sp.coo_matrix((np.ones(len(a), np.int8), (a, b)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _pairs_within(*keys: np.ndarray) -> int:
    """Pairs of rows that agree on every key (sum of size choose 2 over the groups)."""
    _, counts = np.unique(np.stack(keys, axis=1), axis=0, return_counts=True)
    return int((counts * (counts - 1) // 2).sum())


def losses(run: Path, truth_column: str) -> dict[str, object]:
    """True pairs found and lost at each step, as counts and shares of all true pairs."""
    offers = pq.read_table(run / "offers.parquet", columns=["offer_id", truth_column])
    assigned = pq.read_table(run / "assignments.parquet", columns=["offer_id", "cluster_id"])
    edges = pq.read_table(run / "edges.parquet", columns=["offer_id_a", "offer_id_b", "match_probability", "veto"])
    threshold = float(json.loads((run / "summary.json").read_text())["config"]["match"]["threshold"])
    ids = offers.column("offer_id")
    n = offers.num_rows
    _, truth = np.unique(offers.column(truth_column).to_numpy(zero_copy_only=False).astype(str), return_inverse=True)
    pred_of = pc.index_in(ids, assigned.column("offer_id")).to_numpy(zero_copy_only=False)
    _, pred = np.unique(assigned.column("cluster_id").to_numpy(zero_copy_only=False).astype(str)[pred_of], return_inverse=True)
    a = pc.index_in(edges.column("offer_id_a"), ids).to_numpy()
    b = pc.index_in(edges.column("offer_id_b"), ids).to_numpy()
    p = edges.column("match_probability").to_numpy(zero_copy_only=False)
    vetoed = edges.column("veto").is_valid().to_numpy(zero_copy_only=False)
    true = truth[a] == truth[b]
    accepted = true & (p >= threshold)
    block = _pieces(n, a[true], b[true])
    score = _pieces(n, a[accepted], b[accepted])
    total = _pairs_within(truth)
    f, bl, sc = _pairs_within(truth, pred), _pairs_within(truth, block), _pairs_within(truth, score)
    fb, fs = _pairs_within(truth, block, pred), _pairs_within(truth, score, pred)
    lost = {"blocking": total - bl - f + fb, "scoring": (bl - sc) - (fb - fs), "merging": sc - fs}
    return {
        "true_pairs": total,
        "found": f,
        "lost": lost,
        "shares": {"found": f / total if total else 1.0, **{k: v / total if total else 0.0 for k, v in lost.items()}},
        "true_candidate_pairs": int(true.sum()),
        "true_candidate_pairs_accepted": int(accepted.sum()),
        "true_candidate_pairs_vetoed": int((true & vetoed).sum()),
        "threshold": threshold,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run", type=Path)
    ap.add_argument("--truth-column", default="cluster_id")
    args = ap.parse_args()
    print(json.dumps(losses(args.run, args.truth_column), indent=2))


if __name__ == "__main__":
    main()
