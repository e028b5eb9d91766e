"""Time one catalog end to end with two source trees, alternately, in one benchmark run.

For refactors that must not be slower: ``git worktree add /tmp/base <rev>`` gives the old
tree, and this script runs ``samesku cluster`` with each tree's ``src`` first on the path,
``--repeat`` times each, alternating so machine noise hits both alike, and reports wall
time and the peak memory of the whole process tree (workers included)::

    python benchmarks/compare_trees.py CATALOG --base /tmp/base/src --new src [--repeat 2] [--engine spark]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_all import run  # noqa: E402  (the benchmark's own timing with tree RSS)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("catalog", type=Path)
    ap.add_argument("--base", type=Path, required=True, help="the old tree's src folder")
    ap.add_argument("--new", type=Path, default=Path("src"), help="the new tree's src folder")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--engine", default="local")
    ap.add_argument("--keep", type=Path, metavar="DIR", help="keep the new tree's last run directory here "
                                                           "(to compare its partition with another engine's)")
    ap.add_argument("--record", metavar="WHAT", help="keep the result in benchmarks/results.json under this description "
                                                      "(rewrite the README with run_all.py --readme-only)")
    args = ap.parse_args()
    rows: dict[str, list[dict[str, float]]] = {"base": [], "new": []}
    work = Path(tempfile.mkdtemp(prefix="samesku-compare-"))
    try:
        for i in range(args.repeat):
            for name, src in (("base", args.base), ("new", args.new)):
                os.environ["PYTHONPATH"] = str(src.resolve())
                out = work / f"{name}_{i}"
                cmd = [sys.executable, "-m", "samesku.cli", "cluster", str(args.catalog), "--out", str(out), "--quiet"]
                if args.engine != "local":
                    cmd += ["--engine", args.engine, "--spark-master", "local[2]"]
                wall, rss, _ = run(cmd)
                summary = json.loads((out / "summary.json").read_text())
                rows[name].append({"seconds": round(wall, 1), "peak_rss_mb": round(rss), "clusters": summary["clusters"]})
                print(name, rows[name][-1], flush=True)
                if args.keep and name == "new" and i == args.repeat - 1:
                    shutil.rmtree(args.keep, ignore_errors=True)
                    shutil.move(out, args.keep)
                shutil.rmtree(out, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    best = {k: min(r["seconds"] for r in v) for k, v in rows.items()}
    res = {"runs": rows, "best_seconds": best, "new_over_base": round(best["new"] / best["base"], 3)}
    print(json.dumps(res, indent=2))
    if args.record:
        path = Path(__file__).resolve().parent / "results.json"
        results = json.loads(path.read_text())
        key = f"tree_compare_{args.engine}_{args.catalog.stem}"
        results[key] = {**res, "what": args.record, "catalog": args.catalog.name, "engine": args.engine,
                        "command": "python benchmarks/compare_trees.py " + " ".join(sys.argv[1:])}
        path.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
