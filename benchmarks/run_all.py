"""Regenerate benchmarks/README.md: quality on PriceRunner, a peer baseline, speed on synthetic data.

    python benchmarks/run_all.py [--sizes 100000 1000000] [--skip-pricerunner]

Every figure comes from a run made by this script, on this machine, in this invocation.
Each samesku run is a subprocess so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PR = ROOT.parent / "shared" / "data" / "pricerunner" / "pricerunner_aggregate.csv"
MAP = ["--map", "offer_id=product_id", "--map", "title=product_title", "--map", "category=category_label",
       "--map", "seller=vendor_id"]
EXE = [sys.executable, "-m", "samesku.cli"]
METRICS = ("ami", "ari", "pairwise_precision", "pairwise_recall", "pairwise_f1", "bcubed_f1", "mean_offer_f1",
           "largest_predicted_cluster")


def run(cmd: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MiB of the child, stdout) of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{r.stderr[-3000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024.0, r.stdout


def evaluate(run_dir: Path, truth: Path, truth_col: str, truth_id: str) -> dict:
    _, _, out = run([*EXE, "evaluate", str(run_dir), "--truth", str(truth), "--truth-column", truth_col,
                     "--truth-id", truth_id, "--blocking", "--json"])
    return json.loads(out)


def split_pricerunner(tmp: Path) -> tuple[Path, Path]:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    t = pcsv.read_csv(PR, convert_options=pcsv.ConvertOptions(column_types={"product_id": pa.string(), "vendor_id": pa.string()}))
    even = pc.equal(pc.bit_wise_and(t.column("cluster_id"), 1), 0)
    pcsv.write_csv(t.filter(even), tmp / "even.csv")
    pcsv.write_csv(t.filter(pc.invert(even)), tmp / "odd.csv")
    return tmp / "even.csv", tmp / "odd.csv"


def baseline_peer(path: Path, truth_col: str = "cluster_id") -> dict:
    """The 20-line baseline: char n-gram TF-IDF, cosine kNN, threshold, connected components.

    Its threshold is chosen on the evaluation data itself (its best case, stated as such).
    """
    import pyarrow as pa
    import pyarrow.csv as pcsv
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.neighbors import NearestNeighbors

    from samesku.metrics import evaluate_partition

    t = pcsv.read_csv(path, convert_options=pcsv.ConvertOptions(column_types={"product_id": pa.string()}))
    titles = t.column("product_title").to_pylist()
    truth = np.asarray(t.column(truth_col).to_pylist())
    t0 = time.perf_counter()
    x = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True).fit_transform(titles)
    dist, nn = NearestNeighbors(n_neighbors=10, metric="cosine").fit(x).kneighbors(x)
    build = time.perf_counter() - t0
    best: dict = {}
    for thr in (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95):
        t1 = time.perf_counter()
        keep = (1 - dist) >= thr
        rows = np.repeat(np.arange(len(titles)), 10)[keep.ravel()]
        g = csr_matrix((np.ones(len(rows)), (rows, nn.ravel()[keep.ravel()])), shape=(len(titles),) * 2)
        _, labels = connected_components(g, directed=False)
        m = evaluate_partition(labels, truth)
        m["threshold"] = thr
        m["seconds"] = build + time.perf_counter() - t1
        if not best or m["pairwise_f1"] > best["pairwise_f1"]:
            best = m
    return best


def fmt(v: object) -> str:
    return f"{v:.3f}" if isinstance(v, float) else str(v)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="*", default=[100_000])
    ap.add_argument("--skip-pricerunner", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results.json"))
    args = ap.parse_args()
    results: dict = {"machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}}
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        if not args.skip_pricerunner and PR.exists():
            wall, rss, _ = run([*EXE, "cluster", str(PR), "--out", str(tmp / "pr"), "--quiet", *MAP])
            results["pricerunner_default"] = {**evaluate(tmp / "pr", PR, "cluster_id", "product_id"), "seconds": wall, "peak_rss_mb": rss}
            even, odd = split_pricerunner(tmp)
            twall, _, _ = run([*EXE, "train", "--labels", str(even), "--truth-column", "cluster_id", "--out", str(tmp / "m.json"), "--quiet", *MAP])
            wall, rss, _ = run([*EXE, "cluster", str(odd), "--out", str(tmp / "odd"), "--model", str(tmp / "m.json"), "--quiet", *MAP])
            results["pricerunner_trained_even_eval_odd"] = {**evaluate(tmp / "odd", odd, "cluster_id", "product_id"), "seconds": wall, "train_seconds": twall, "peak_rss_mb": rss}
            wall, rss, _ = run([*EXE, "cluster", str(odd), "--out", str(tmp / "odd0"), "--quiet", *MAP])
            results["pricerunner_default_on_odd"] = {**evaluate(tmp / "odd0", odd, "cluster_id", "product_id"), "seconds": wall, "peak_rss_mb": rss}
            results["baseline_peer_full"] = baseline_peer(PR)
        for n in args.sizes:
            cat = tmp / f"synth_{n}.parquet"
            run([*EXE, "synth", "--offers", str(n), "--seed", "5", "--out", str(cat), "--quiet"])
            wall, rss, _ = run([*EXE, "cluster", str(cat), "--out", str(tmp / f"s{n}"), "--quiet"])
            summary = json.loads((tmp / f"s{n}" / "summary.json").read_text())
            results[f"synth_{n}"] = {**evaluate(tmp / f"s{n}", cat, "truth", "offer_id"), "seconds": wall, "peak_rss_mb": rss,
                                     "offers_per_second": n / wall, "steps": summary["seconds"]}
    Path(args.out).write_text(json.dumps(results, indent=2))
    print(json.dumps({k: {m: v.get(m) for m in (*METRICS, "blocking_recall", "candidate_pairs_per_offer", "seconds", "peak_rss_mb")}
                      for k, v in results.items() if k != "machine"}, indent=1, default=fmt))


if __name__ == "__main__":
    main()
