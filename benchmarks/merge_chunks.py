"""Merge cost per edge on a finished run's edges: chunked passes against one pass.

Re-merges every scored edge of a ``samesku cluster`` output (``edges.parquet`` and the
analysed ``offers.parquet``) with :func:`samesku.merge.union.merge_edges`, once with
whole components packed into passes of ``MERGE_CHUNK`` offers and once as one pass over
every component's offers, and prints seconds and microseconds per scored edge (best of
``--repeat``) plus whether the two give the same clusters.

    python benchmarks/merge_chunks.py RUN_DIR [--repeat 2]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq

from samesku.config import Config
from samesku.match.prepare import prepare_offers
from samesku.merge import union
from samesku.merge.profiles import ProfileSource


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run", type=Path)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    cfg = Config()
    offers = pq.read_table(args.run / "offers.parquet")
    n = offers.num_rows
    # the cannot-link checks read identity columns only: vectors are not needed
    source = ProfileSource(prepare_offers(offers, np.zeros((n, 8), np.float32)))
    e = pq.read_table(args.run / "edges.parquet", columns=["offer_id_a", "offer_id_b", "match_probability"])
    ids = offers.column("offer_id")
    a = pc.index_in(e.column("offer_id_a"), ids).to_numpy()
    b = pc.index_in(e.column("offer_id_b"), ids).to_numpy()
    p = e.column("match_probability").to_numpy().astype(np.float64)
    print(f"{n:,} offers, {len(a):,} scored edges, {int((p >= cfg.match.threshold).sum()):,} accepted")
    chunk = union.MERGE_CHUNK
    labels = {}
    try:
        for name, size in (("chunked", chunk), ("one pass", 2**62)):
            union.MERGE_CHUNK = size
            best = float("inf")
            for _ in range(args.repeat):
                t = time.perf_counter()
                res = union.merge_edges(n, a, b, p, source, cfg.merge, cfg.match.threshold)
                best = min(best, time.perf_counter() - t)
            labels[name] = res.labels
            print(f"{name:9s} {best:6.1f} s  {best / max(len(a), 1) * 1e6:.2f} us per scored edge")
    finally:
        union.MERGE_CHUNK = chunk
    print("same clusters:", bool(np.array_equal(labels["chunked"], labels["one pass"])))


if __name__ == "__main__":
    main()
