"""The public entry point: cluster offers and write the run directory.

``DIR/assignments.parquet``, ``clusters.parquet``, ``edges.parquet``, ``rejected.parquet``,
``summary.json`` and ``report.html``.
"""

from __future__ import annotations

import json
import platform
import resource
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from samesku import schema as S
from samesku.config import Config
from samesku.engines.local import PipelineState, cluster_tables, run_local
from samesku.fitting import save_fitted
from samesku.match.model import MatchModel
from samesku.progress import Reporter
from samesku.report import write_report


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def edges_table(state: PipelineState) -> pa.Table:
    """Every scored candidate pair, with offer ids, probabilities and vetoes."""
    ids = state.offers.column(S.OFFER_ID).combine_chunks()
    e = state.edges
    a = pa.array(e["a"].astype(np.int64))
    b = pa.array(e["b"].astype(np.int64))
    return pa.table(
        {
            "offer_id_a": ids.take(a),
            "offer_id_b": ids.take(b),
            S.MATCH_PROBABILITY: pa.array(e["probability"].astype(np.float32)),
            "pair_probability": pa.array(e["pair_probability"].astype(np.float32)),
            "model_probability": pa.array(e["model_probability"].astype(np.float32)),
            "veto": pa.array([v or None for v in e["veto"].tolist()], pa.string()),
            "stage": pa.array(e["stage"].astype(np.int8)),
        }
    )


def summarise(state: PipelineState, assignments: pa.Table, clusters: pa.Table, wall: float) -> dict[str, Any]:
    """The run summary written to summary.json."""
    reasons: dict[str, int] = {}
    if state.rejected.num_rows:
        vc = pc.value_counts(state.rejected.column(S.REASON).combine_chunks())
        reasons = {str(r["values"]): int(r["counts"]) for r in vc.to_pylist()}
    sizes = np.asarray(clusters.column("size").to_numpy())
    flags = pc.list_flatten(assignments.column(S.FLAGS).combine_chunks()) if assignments.num_rows else pa.array([], pa.string())
    flag_counts = {str(r["values"]): int(r["counts"]) for r in pc.value_counts(flags).to_pylist()} if len(flags) else {}
    return {
        "input_rows": int(state.input_rows),
        "assigned": int(assignments.num_rows),
        "rejected": int(state.rejected.num_rows),
        "rejected_by_reason": reasons,
        "flags": flag_counts,
        "clusters": int(clusters.num_rows),
        "multi_offer_clusters": int((sizes > 1).sum()),
        "largest_cluster": int(sizes.max()) if len(sizes) else 0,
        "candidate_pairs": int(len(state.edges["a"])),
        "stages": state.stage_stats,
        "vetoes": state.veto_counts,
        "refused_merges": state.refused,
        "placeholders": state.placeholders.to_dict() if state.placeholders is not None else {},
        "seller_check": state.seller_check,
        "colour_identity": state.colour_identity,
        "seconds": {k: round(v, 3) for k, v in state.seconds.items()},
        "peak_rss_mb_by_step": dict(state.peak_mb),
        "wall_seconds": round(wall, 3),
        "offers_per_second": round(assignments.num_rows / wall, 1) if wall > 0 else None,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "model": (state.model.metadata.get("name", "custom") if state.model else None),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
    }


def cluster(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    config: Config | None = None,
    mapping: dict[str, str] | None = None,
    model: MatchModel | None = None,
    reporter: Reporter | None = None,
    engine: str = "local",
    spark_master: str | None = None,
) -> dict[str, Any]:
    """Cluster offers from files and write the run directory.

    Args:
        inputs: CSV / JSON Lines / Parquet files or folders.
        out_dir: run directory to create (files are overwritten).
        config: run configuration (defaults when None).
        mapping: canonical column name -> source column name.
        model: a match model (default: ``config.match.model_path`` or the shipped model).
        reporter: progress reporter (silent when None).
        engine: ``local`` (in-process) or ``spark`` (PySpark; see :mod:`samesku.engines.spark`).
        spark_master: Spark master URL for the Spark engine (default: ``config.spark.master``).

    Returns:
        The summary dict (also written as summary.json).
    """
    t0 = time.perf_counter()
    config = (config or Config()).validate()
    if engine == "spark":
        from samesku.engines.spark import run_spark

        return run_spark(list(inputs), out_dir, config, mapping, model, reporter, master=spark_master)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    state = run_local(list(inputs), config, mapping, model, reporter)
    assignments, clusters = cluster_tables(state)
    pq.write_table(assignments, out / "assignments.parquet", compression="zstd")
    pq.write_table(clusters, out / "clusters.parquet", compression="zstd")
    pq.write_table(edges_table(state), out / "edges.parquet", compression="zstd")
    pq.write_table(state.rejected, out / "rejected.parquet", compression="zstd")
    # analysed offers + encoder: what `explain`, the service and incremental runs reuse
    pq.write_table(state.offers, out / "offers.parquet", compression="zstd")
    save_fitted(out, state.encoder, state.token_idf, state.seller_style)
    if state.model is not None:
        state.model.save(out / "model.json")
    summary = summarise(state, assignments, clusters, time.perf_counter() - t0)
    summary["config"] = config.to_dict()
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    titles = dict(zip(state.offers.column(S.OFFER_ID).to_pylist(), state.offers.column(S.TITLE).to_pylist(), strict=True))
    write_report(out / "report.html", summary, clusters, assignments, titles)
    return summary
