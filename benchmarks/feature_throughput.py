"""Pair-feature throughput on a run's own candidate pairs, one thread.

Scoring speed depends on the pairs (similar titles share more tokens, pairs with
unmatched digit tokens take the join comparison), so this measures on the candidate pairs
a run actually scored, not on random pairs. Run it against two checkouts back to back (a
shared VM's speed drifts by 10-20 % between minutes) to compare feature code:

    python benchmarks/feature_throughput.py RUN_DIR [--pairs 200000] [--repeat 5]
    PYTHONPATH=OTHER_CHECKOUT/src python benchmarks/feature_throughput.py RUN_DIR

Prints the best of ``--repeat`` passes in pairs per second (the vectors are random: the
cosine is one dot product whatever its values).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq

from samesku.match.features import pair_features
from samesku.match.prepare import prepare_offers
from samesku.match.token_idf import TokenIdf


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("run_dir", type=Path)
    ap.add_argument("--pairs", type=int, default=200_000, help="candidate pairs measured (the first ones of edges.parquet)")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    offers = pq.read_table(args.run_dir / "offers.parquet")
    n = offers.num_rows
    vectors = np.random.default_rng(0).standard_normal((n, 256)).astype(np.float32)
    idf_path = args.run_dir / "token_idf.npz"
    arrays = prepare_offers(offers, vectors, TokenIdf.load(idf_path) if idf_path.exists() else None)
    edges = pq.read_table(args.run_dir / "edges.parquet", columns=["offer_id_a", "offer_id_b"]).slice(0, args.pairs)
    ids = offers.column("offer_id").combine_chunks()
    a = pc.index_in(edges.column("offer_id_a"), ids).to_numpy()
    b = pc.index_in(edges.column("offer_id_b"), ids).to_numpy()
    best = float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        pair_features(arrays, a, b, workers=1)
        best = min(best, time.perf_counter() - t0)
    print(f"{len(a):,} candidate pairs of {args.run_dir}: best {best:.2f} s, {len(a) / best:,.0f} pairs/s (one thread)")


if __name__ == "__main__":
    main()
