"""Ids kept by a full rebuild (`cluster --store --rebuild`): an unchanged catalog, and one with 10 % new offers.

    python benchmarks/rebuild_ids.py pricerunner [--record]
    python benchmarks/rebuild_ids.py synth:100000 [--record]

Unchanged: the store is rebuilt from the catalog it was made from; reported is the share
of clusters whose members did not change that kept their id. With new offers: the store
is made from 90 % of the catalog (shuffled) and rebuilt from all of it; reported are the
share of the stored offers whose cluster id stayed, and the share of clusters whose stored
members stayed together and alone that kept their id. ``--record`` keeps the result in
``benchmarks/results.json`` (``rebuild_ids_<catalog>``).
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

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "src"))
sys.path.insert(0, str(ROOT))

from ingest_batches import load  # noqa: E402

from samesku import cluster  # noqa: E402
from samesku.store import ClusterStore, create_store  # noqa: E402
from samesku.store.rebuild import rebuild_store  # noqa: E402


def _members(path: Path) -> dict[str, str]:
    with ClusterStore.open(path, read_only=True) as s:
        t = s.sql("SELECT offer_id, cluster_id FROM offers")
    return dict(zip(t.column("offer_id").to_pylist(), t.column("cluster_id").to_pylist(), strict=True))


def _kept(before: dict[str, str], after: dict[str, str]) -> dict[str, float | int]:
    """Shares of stored offers and of unchanged clusters that kept their id."""
    offers = [o for o in before if o in after]
    by_old: dict[str, set[str]] = {}
    by_new: dict[str, set[str]] = {}
    for o in offers:
        by_old.setdefault(before[o], set()).add(o)
    for o, c in after.items():
        by_new.setdefault(c, set()).add(o)
    # a cluster "did not change" when its stored members are one new cluster's stored members, all of them
    unchanged = [c for c, m in by_old.items()
                 if len({after[o] for o in m}) == 1 and {o for o in by_new[after[next(iter(m))]] if o in before} == m]
    kept_unchanged = sum(after[next(iter(by_old[c]))] == c for c in unchanged)
    return {"offers_kept_id": round(float(np.mean([before[o] == after[o] for o in offers])), 4),
            "unchanged_clusters": len(unchanged), "stored_clusters": len(by_old),
            "unchanged_clusters_kept_id": round(kept_unchanged / max(len(unchanged), 1), 4)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("catalog")
    ap.add_argument("--new-share", type=float, default=0.10)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--record", action="store_true")
    args = ap.parse_args()
    offers, mapping, _ = load(args.catalog)
    offers = offers.take(pa.array(np.random.default_rng(args.seed).permutation(offers.num_rows)))
    res: dict[str, object] = {"catalog": args.catalog, "offers": offers.num_rows, "new_share": args.new_share}
    with tempfile.TemporaryDirectory(prefix="samesku-rebuild-") as tmp:
        path = Path(tmp) / "store.duckdb"
        create_store(cluster(offers, mapping=mapping), path)
        before = _members(path)
        t = time.perf_counter()
        rebuild_store(cluster(offers, mapping=mapping), path)
        res["unchanged_catalog"] = {**_kept(before, _members(path)), "seconds": round(time.perf_counter() - t, 1)}
        print("unchanged", res["unchanged_catalog"], flush=True)
        path.unlink()
        old = offers.slice(0, int(round(offers.num_rows * (1 - args.new_share))))
        create_store(cluster(old, mapping=mapping), path)
        before = _members(path)
        t = time.perf_counter()
        done = rebuild_store(cluster(offers, mapping=mapping), path)
        res["with_new_offers"] = {**_kept(before, _members(path)), "seconds": round(time.perf_counter() - t, 1),
                                  **{k: done[k] for k in ("new_offers", "created", "merged", "split")}}
        print("with new offers", res["with_new_offers"], flush=True)
    res["command"] = "python benchmarks/rebuild_ids.py " + " ".join(sys.argv[1:])
    print(json.dumps(res, indent=2))
    if args.record:
        path = ROOT / "results.json"
        results = json.loads(path.read_text())
        results[f"rebuild_ids_{args.catalog.replace(':', '_')}"] = res
        path.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
