"""A run's result, the same for every engine: tables, summary, and the run directory.

``RunResult.write(dir)`` writes the run directory complete or not at all: everything goes
into a temporary sibling first, which then takes the directory's place (the previous
run's directory is replaced only at that moment).
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import uuid
from pathlib import Path
from typing import Any

import pyarrow as pa

from samesku import schema as S
from samesku.engines.base import Data, Engine, Task
from samesku.fitting import FittedState
from samesku.match.model import MatchModel

#: files of a run directory, in the order they are written
RUN_FILES = ("assignments.parquet", "clusters.parquet", "edges.parquet", "rejected.parquet", "offers.parquet",
             "fitted", "model.json", "summary.json", "report.html")


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class RunResult:
    """What a run produced: its tables (engine datasets, Arrow tables on request), summary and fitted state."""

    def __init__(self, engine: Engine, assignments: Data, clusters: Data, edges: Data, rejected: Data, offers: Data,
                 fitted: FittedState, model: MatchModel, summary: dict[str, Any] | None = None) -> None:
        self.engine = engine
        self.assignments_data, self.clusters_data, self.edges_data = assignments, clusters, edges
        self.rejected_data, self.offers_data = rejected, offers
        self.fitted, self.model = fitted, model
        self.summary: dict[str, Any] = summary or {}

    def __repr__(self) -> str:
        s = self.summary
        return (f"RunResult(engine={self.engine.name!r}, assigned={s.get('assigned')}, clusters={s.get('clusters')}, "
                f"rejected={s.get('rejected')})")

    # Arrow tables (collected from a distributed engine: only for results that fit in memory)
    @property
    def assignments(self) -> pa.Table:
        """One row per assigned offer: ``offer_id``, ``cluster_id``, probability, flags, passthrough columns."""
        return self.engine.collect(self.assignments_data)

    @property
    def clusters(self) -> pa.Table:
        """One row per cluster: id, size, representative title, uncertainty ``epsilon``, ..."""
        return self.engine.collect(self.clusters_data)

    @property
    def edges(self) -> pa.Table:
        """Every scored candidate pair: offer ids, final / pair / model probability, veto, stage."""
        return self.engine.collect(self.edges_data)

    @property
    def rejected(self) -> pa.Table:
        """Every input row that was not clustered, with its reason."""
        return self.engine.collect(self.rejected_data)

    @property
    def offers(self) -> pa.Table:
        """The analysed offers (clean title, count, amount, codes, GTINs, brand, colours, ...)."""
        return self.engine.collect(self.offers_data)

    def close(self) -> None:
        """Release the engine's intermediate data (a Spark run's work files); the tables are gone after it."""
        self.engine.close()

    def write(self, out_dir: str | Path) -> Path:
        """Write the run directory (complete, or left as it was); returns its path."""
        out = Path(out_dir)
        out.parent.mkdir(parents=True, exist_ok=True)
        for stale in [*out.parent.glob(f".{out.name}.tmp-*"), *out.parent.glob(f".{out.name}.old-*")]:
            shutil.rmtree(stale, ignore_errors=True)   # left by a writer that was killed
        tmp = out.parent / f".{out.name}.tmp-{uuid.uuid4().hex[:8]}"
        tmp.mkdir()
        try:
            self._write_into(tmp)
            _replace_dir(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return out

    def _write_into(self, out: Path) -> None:
        eng = self.engine
        for name, data in (("assignments", self.assignments_data), ("clusters", self.clusters_data),
                           ("edges", self.edges_data), ("rejected", self.rejected_data), ("offers", self.offers_data)):
            eng.write(data, out / f"{name}.parquet")
        self.fitted.save(out / "fitted")
        self.model.save(out / "model.json")
        (out / "summary.json").write_text(json.dumps(self.summary, indent=2, ensure_ascii=False), encoding="utf-8")
        write_run_report(self, out / "report.html")


def _replace_dir(new: Path, out: Path) -> None:
    """Move ``new`` to ``out``, replacing a previous ``out`` only now (a crash in between leaves
    ``out`` absent and the old run beside it, never a mix of two runs)."""
    old = None
    if out.exists() or out.is_symlink():
        old = out.parent / f".{out.name}.old-{uuid.uuid4().hex[:8]}"
        os.replace(out, old)
    os.replace(new, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink()


def _flag_rows(batch: pa.Table) -> pa.Table:
    import pyarrow.compute as pc

    return pa.table({"flag": pc.list_flatten(batch.column(S.FLAGS))})


def _cluster_sizes(batch: pa.Table) -> pa.Table:
    import pyarrow.compute as pc

    size = batch.column("size")
    return pa.table({"size": size, "multi": pc.cast(pc.greater(size, 1), pa.int64())})


def _counts(eng: Engine, data: Data, column: str) -> dict[str, int]:
    t = eng.aggregate(data, [column], [(column, "count", "n")])
    pairs = sorted(zip(t.column(column).to_pylist(), t.column("n").to_pylist(), strict=True), key=lambda kv: (-kv[1], str(kv[0])))
    return {str(k): int(v) for k, v in pairs if k is not None}


def build_summary(result: RunResult, extra: dict[str, Any], wall: float) -> dict[str, Any]:
    """The run summary (summary.json): counts from the result's datasets plus the run's own figures."""
    eng = result.engine
    assigned = eng.count(result.assignments_data)
    rejected = eng.count(result.rejected_data)
    flags = eng.map_batches(result.assignments_data, Task(_flag_rows), pa.schema([("flag", pa.string())]), columns=[S.FLAGS])
    sizes = eng.map_batches(result.clusters_data, Task(_cluster_sizes), pa.schema([("size", pa.int64()), ("multi", pa.int64())]),
                            columns=["size"])
    agg = eng.aggregate(sizes, [], [("size", "count", "clusters"), ("multi", "sum", "multi"), ("size", "max", "largest")])
    row = agg.to_pylist()[0] if agg.num_rows else {}
    summary: dict[str, Any] = {
        "engine": eng.name,
        "input_rows": int(extra.pop("input_rows")),
        "assigned": int(assigned),
        "rejected": int(rejected),
        "rejected_by_reason": _counts(eng, result.rejected_data, S.REASON) if rejected else {},
        "flags": _counts(eng, flags, "flag"),
        "clusters": int(row.get("clusters") or 0),
        "multi_offer_clusters": int(row.get("multi") or 0),
        "largest_cluster": int(row.get("largest") or 0),
        "candidate_pairs": int(eng.count(result.edges_data)),
    }
    summary.update(extra)
    summary.update({
        "wall_seconds": round(wall, 3),
        "offers_per_second": round(assigned / wall, 1) if wall > 0 else None,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
    })
    summary.update(eng.metrics())
    return summary


def write_run_report(result: RunResult, path: Path, top_uncertain: int = 25, titles_per_cluster: int = 8) -> None:
    """``report.html`` from the result: the cluster table's size and uncertainty, and the member
    titles of the most uncertain clusters (read the same way on every engine)."""
    from samesku.report import write_report

    eng = result.engine
    small = eng.collect(result.clusters_data, [S.CLUSTER_ID, "size", "epsilon"])
    multi = small.filter(pa.compute.greater(small.column("size"), 1))
    worst = multi.sort_by([("epsilon", "descending"), (S.CLUSTER_ID, "ascending")]).slice(0, top_uncertain)
    wanted = worst.column(S.CLUSTER_ID).to_pylist()
    members: dict[str, list[str]] = {}
    if wanted:
        rows = eng.rows_where_in(result.assignments_data, S.CLUSTER_ID, wanted, [S.OFFER_ID, S.CLUSTER_ID])
        ids = rows.column(S.OFFER_ID).to_pylist()
        titles_t = eng.rows_where_in(result.offers_data, S.OFFER_ID, ids, [S.OFFER_ID, S.TITLE])
        title_of = dict(zip(titles_t.column(S.OFFER_ID).to_pylist(), titles_t.column(S.TITLE).to_pylist(), strict=True))
        for oid, c in zip(ids, rows.column(S.CLUSTER_ID).to_pylist(), strict=True):
            if len(members.setdefault(c, [])) < titles_per_cluster:
                members[c].append(title_of.get(oid, oid))
    empty = pa.table({S.OFFER_ID: pa.array([], pa.string()), S.CLUSTER_ID: pa.array([], pa.string())})
    write_report(path, result.summary, small, empty, {}, members=members)
