"""How far any title-based clustering can get on a labelled catalog: the identical-title bound.

Shops list several products under one title (one PriceRunner vendor's "samsung galaxy j5
2017" sits in the 16 GB and in the 32 GB product), and the labels put those offers in
different products. A method that reads titles cannot tell such offers apart, so the best
it can do, even perfect everywhere else, is to give each group of offers with one title
(lower-cased, punctuation and spacing folded) the right *multiset* of products in an
arbitrary order. This script builds exactly that partition: the true one, with the labels
shuffled inside every group of identical titles that spans more than one product, and
scores it against the truth (mean over seeds). Offers of one title and one product keep
their label, so every other difficulty (codeless titles, sibling models, blocking) counts
as solved: the figures are an upper bound, not an estimate.

    python benchmarks/label_ambiguity.py CSV [--title product_title] [--truth cluster_id]
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from pathlib import Path

import numpy as np
import pyarrow.csv as pcsv

from samesku.metrics import evaluate_partition

_FOLD = re.compile(r"[^0-9a-z]+")


def title_blind_bound(csv: Path, title: str = "product_title", truth: str = "cluster_id", seeds: int = 5) -> dict:
    """Pairwise F1 / AMI of the true partition with labels shuffled inside groups of identical titles."""
    table = pcsv.read_csv(csv)
    titles = [_FOLD.sub(" ", str(t).lower()).strip() for t in table.column(title).to_pylist()]
    labels = np.asarray(table.column(truth).to_pylist())
    groups: dict[str, list[int]] = defaultdict(list)
    for i, t in enumerate(titles):
        groups[t].append(i)
    mixed = [np.array(g) for g in groups.values() if len(set(labels[g].tolist())) > 1]
    scores = []
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        pred = labels.copy()
        for g in mixed:
            pred[g] = rng.permutation(labels[g])
        m = evaluate_partition(pred, labels)
        scores.append((m["pairwise_f1"], m["ami"]))
    f1, ami = np.mean(scores, axis=0)
    split = sum(int(np.sum(labels[g][:, None] != labels[g][None, :])) // 2 for g in mixed)
    return {"pairwise_f1": float(f1), "ami": float(ami), "seeds": seeds, "titles_in_several_products": len(mixed),
            "offers_with_such_titles": int(sum(len(g) for g in mixed)), "identical_title_pairs_split_by_truth": split}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv", type=Path)
    ap.add_argument("--title", default="product_title")
    ap.add_argument("--truth", default="cluster_id")
    args = ap.parse_args()
    print(json.dumps(title_blind_bound(args.csv, args.title, args.truth), indent=2))


if __name__ == "__main__":
    main()
