"""A catalog in shuffled batches through the store (`cluster --store` + `ingest`) against clustering it at once.

    python benchmarks/ingest_batches.py pricerunner --batches 10 [--record]
    python benchmarks/ingest_batches.py synth:100000 --batches 10 [--record]

Reports pairwise F1 and AMI of both, seconds and peak memory per batch, and what each
ingest did (joined, created, merged, split, working-set size). ``--record`` keeps the
result in ``benchmarks/results.json`` (``ingest_batches_<catalog>``); ``run_all.py
--readme-only`` renders it.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from samesku import cluster  # noqa: E402
from samesku.metrics import evaluate_partition  # noqa: E402
from samesku.result import peak_rss_mb  # noqa: E402
from samesku.store import ClusterStore, create_store, ingest  # noqa: E402

PR = ROOT.parent / "shared" / "data" / "pricerunner" / "pricerunner_aggregate.csv"
PR_MAP = {"offer_id": "product_id", "title": "product_title", "category": "category_label", "seller": "vendor_id"}


def load(name: str) -> tuple[pa.Table, dict[str, str], str]:
    """(offers, mapping, truth column) of a named catalog."""
    if name == "pricerunner":
        t = pacsv.read_csv(PR, convert_options=pacsv.ConvertOptions(column_types={"product_id": pa.string(),
                                                                                  "vendor_id": pa.string()}))
        return t, PR_MAP, "cluster_id"
    if name.startswith("synth:"):
        from samesku.synth import generate_batches

        return pa.Table.from_batches(list(generate_batches(int(name.split(":")[1]), seed=5))), {}, "truth"
    raise SystemExit(f"unknown catalog {name!r}: pricerunner or synth:N")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("catalog")
    ap.add_argument("--batches", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--record", action="store_true")
    args = ap.parse_args()
    offers, mapping, truth_col = load(args.catalog)
    offers = offers.take(pa.array(np.random.default_rng(args.seed).permutation(offers.num_rows)))
    id_col = mapping.get("offer_id", "offer_id")
    truth = dict(zip(offers.column(id_col).cast(pa.string()).to_pylist(), offers.column(truth_col).to_pylist(), strict=True))

    def score(ids: list[str], labels: list[str]) -> dict[str, float]:
        m = evaluate_partition(labels, [truth[i] for i in ids])
        return {"pairwise_f1": round(m["pairwise_f1"], 4), "ami": round(m["ami"], 4),
                "pairwise_precision": round(m["pairwise_precision"], 4), "pairwise_recall": round(m["pairwise_recall"], 4)}

    t0 = time.perf_counter()
    at_once = cluster(offers, mapping=mapping)
    a = at_once.assignments
    once = {**score(a.column("offer_id").to_pylist(), a.column("cluster_id").to_pylist()),
            "seconds": round(time.perf_counter() - t0, 1)}
    print("at once", once, flush=True)
    size = -(-offers.num_rows // args.batches)
    parts = [offers.slice(i * size, size) for i in range(args.batches)]
    rows = []
    with tempfile.TemporaryDirectory(prefix="samesku-ingest-") as tmp:
        store = Path(tmp) / "store.duckdb"
        t = time.perf_counter()
        create_store(cluster(parts[0], mapping=mapping), store)
        rows.append({"batch": 1, "kind": "cluster --store", "offers": parts[0].num_rows,
                     "seconds": round(time.perf_counter() - t, 2)})
        print(rows[-1], flush=True)
        for p in parts[1:]:
            t = time.perf_counter()
            c = ingest(p, store, mapping=mapping)
            rows.append({"batch": c["batch"], "kind": "ingest", "offers": p.num_rows,
                         "seconds": round(time.perf_counter() - t, 2),
                         **{k: c.get(k, 0) for k in ("joined", "created", "merged", "split", "working_set")}})
            print(rows[-1], flush=True)
        with ClusterStore.open(store, read_only=True) as s:
            got = s.sql("SELECT offer_id, cluster_id FROM offers")
    inc = score(got.column("offer_id").to_pylist(), got.column("cluster_id").to_pylist())
    res = {"catalog": args.catalog, "batches": args.batches, "at_once": once, "incremental": inc, "per_batch": rows,
           "peak_rss_mb": round(peak_rss_mb()),
           "command": "python benchmarks/ingest_batches.py " + " ".join(sys.argv[1:])}
    print(json.dumps({k: v for k, v in res.items() if k != "per_batch"}, indent=2))
    if args.record:
        path = Path(__file__).resolve().parent / "results.json"
        results = json.loads(path.read_text())
        results[f"ingest_batches_{args.catalog.replace(':', '_')}"] = res
        path.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
