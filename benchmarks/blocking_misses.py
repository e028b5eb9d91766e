"""What the candidate generation misses on a labelled run, by what the offers carry.

Transitive blocking recall counts a true pair as found when the candidate pairs that are
true matches connect its two offers. For every true cluster this script takes those
connected pieces and, for every two pieces of one cluster, counts the true pairs lost
between them (size x size) under one of four kinds:

* ``one side has no code and no brand``: one piece's offers state neither a model code nor a
  brand ("washing machine", "1400rpm washing machine 7kg load class a white"): only the
  title's words can place them, among every product of the category;
* ``one side has no code``: a brand but no model code on one side;
* ``both sides have codes, none shared``;
* ``a shared code``: both pieces state one same code, yet no candidate pair joined them.

The first kind bounds what keys built from titles can reach on the catalog. A tighter
look splits it: a piece of the first kind whose titles share a rare word (in at most
``RARE_DF`` titles of the catalog) with another piece of its cluster could still be found by
a word key; the rest share nothing rarer with their product's other offers, so only a
search through most of their category would find them.

    python benchmarks/blocking_misses.py RUN_DIR [--truth-column cluster_id]

RUN_DIR is a ``samesku cluster`` output whose input carried the truth column (it is kept
in ``offers.parquet``).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

RARE_DF = 100  # a title word in at most this many titles is "rare" (could be a block key)

KINDS = ("one side has no code and no brand", "one side has no code", "both sides have codes, none shared",
         "a shared code")


def misses(run: Path, truth_column: str) -> dict[str, object]:
    """Lost true pairs by kind, the total of true pairs and the bound the first kind sets."""
    offers = pq.read_table(run / "offers.parquet", columns=["offer_id", truth_column, "model_codes", "brand_norm", "title_clean"])
    edges = pq.read_table(run / "edges.parquet", columns=["offer_id_a", "offer_id_b"])
    ids = offers.column("offer_id")
    a = pc.index_in(edges.column("offer_id_a"), ids).to_numpy()
    b = pc.index_in(edges.column("offer_id_b"), ids).to_numpy()
    truth = offers.column(truth_column).to_numpy(zero_copy_only=False)
    n = offers.num_rows
    true = truth[a] == truth[b]
    graph = sp.coo_matrix((np.ones(int(true.sum()), np.int8), (a[true], b[true])), shape=(n, n))
    piece = connected_components(graph, directed=False)[1]
    codes = offers.column("model_codes").to_pylist()
    brands = offers.column("brand_norm").to_pylist()
    words = [set((t or "").split()) for t in offers.column("title_clean").to_pylist()]
    df = Counter(w for ws in words for w in ws)
    rare = [{w for w in ws if df[w] <= RARE_DF} for ws in words]
    # pieces of each true cluster: offers sorted by (cluster, piece)
    order = np.lexsort((piece, truth))
    by_cluster: dict[object, dict[int, list[int]]] = {}
    for i in order.tolist():
        by_cluster.setdefault(truth[i], {}).setdefault(int(piece[i]), []).append(i)
    lost: Counter[str] = Counter()
    unplaceable = 0   # first-kind pairs whose bare piece shares no rare word with the other piece
    total = 0
    for pieces in by_cluster.values():
        size = sum(len(m) for m in pieces.values())
        total += size * (size - 1) // 2
        parts = list(pieces.values())
        if len(parts) < 2:
            continue
        info = [({c for i in m for c in (codes[i] or [])}, any(brands[i] for i in m)) for m in parts]
        piece_words = [set().union(*(rare[i] for i in m)) for m in parts]
        for x in range(len(parts)):
            for y in range(x + 1, len(parts)):
                (cx, bx), (cy, by) = info[x], info[y]
                if cx & cy:
                    kind = KINDS[3]
                elif (not cx and not bx) or (not cy and not by):
                    kind = KINDS[0]
                    if not piece_words[x] & piece_words[y]:
                        unplaceable += len(parts[x]) * len(parts[y])
                elif not cx or not cy:
                    kind = KINDS[1]
                else:
                    kind = KINDS[2]
                lost[kind] += len(parts[x]) * len(parts[y])
    missed = sum(lost.values())
    return {
        "true_pairs": total,
        "transitive_recall": 1 - missed / total if total else 1.0,
        "lost_pairs": {k: lost.get(k, 0) for k in KINDS},
        "recall_if_all_but_the_first_kind_were_found": 1 - lost.get(KINDS[0], 0) / total if total else 1.0,
        # ... and also every first-kind pair whose pieces share a word of <= RARE_DF titles
        "recall_if_all_but_unplaceable_were_found": 1 - unplaceable / total if total else 1.0,
        "rare_word_df": RARE_DF,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run", type=Path)
    ap.add_argument("--truth-column", default="cluster_id")
    args = ap.parse_args()
    print(json.dumps(misses(args.run, args.truth_column), indent=2))


if __name__ == "__main__":
    main()
