"""The local engine: the pipeline's data in this process, as Arrow tables and numpy arrays.

Offers are rows of one Arrow table (entity i = row i); the prepared offers also hold their
pair-feature arrays (:class:`~samesku.match.features.OfferArrays`) once, so pair stages
index into them instead of joining columns. Heavy per-batch stage functions run in a
pool of worker processes (:mod:`samesku.engines.pool`), the rest in-process over the
whole table. Every decision lives in the stage functions this module calls.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from samesku import schema as S
from samesku._arrays import in_sorted, unique_int
from samesku._threads import one_blas_thread
from samesku.analyse.placeholders import Placeholders, identifier_coherence, mask_placeholders
from samesku.config import Config
from samesku.engines.base import Data, Engine, MergeOutput, ReadOutput, StageOutput, Task
from samesku.engines.pool import map_chunks, worker_count
from samesku.fitting import count_groups, group_sample_positions, sample_positions
from samesku.keys.blocks import BlockStats
from samesku.keys.candidates import exclusion_groups, stage_candidates
from samesku.keys.families import embedding_groups
from samesku.match.arrays import OfferArrays, arrays_from_table
from samesku.match.score import in_context, score_pairs
from samesku.merge.outputs import build_outputs
from samesku.merge.union import merge_edges

_EDGE_COLUMNS = ("a", "b", "pair_probability", "model_probability", "veto", "stage")


@dataclass
class Prepared:
    """Analysed offers (row i = entity i) and their pair-feature arrays (title vectors included)."""

    offers: pa.Table
    arrays: OfferArrays


@dataclass
class Labels:
    """Cluster label (lowest member row) per offer row, and each root's weakest accepted link."""

    labels: np.ndarray
    weakest: np.ndarray


@dataclass
class Edges:
    """Scored pairs as columns of numpy arrays (``probability``: the final one, after context)."""

    cols: dict[str, np.ndarray]
    _codes: np.ndarray | None = field(default=None, repr=False)

    def codes(self, n: int) -> np.ndarray:
        """Sorted pair codes ``a * n + b`` of every edge (pairs already scored)."""
        if self._codes is None:
            self._codes = unique_int(self.cols["a"] * n + self.cols["b"]) if len(self.cols["a"]) else np.empty(0, np.int64)
        return self._codes


def _table(data: Data) -> pa.Table:
    return data.offers if isinstance(data, Prepared) else data


def _stats_dict(st: BlockStats) -> dict[str, Any]:
    return {
        "family": st.family, "keys": st.keys, "entities_with_key": st.entities_with_key,
        "blocks_all_pairs": st.blocks_all_pairs, "blocks_knn": st.blocks_knn, "largest_block": st.largest_block,
        "heavy_keys": [{"key": k, "size": s} for k, s in st.heavy_keys], "pairs": st.pairs,
        "max_pairs_per_entity": st.max_pairs_per_entity, "seconds": round(st.seconds, 3),
    }


class LocalEngine(Engine):
    """In-process Arrow / numpy, with worker processes for the heavy per-offer stages."""

    name = "local"

    def __init__(self, config: Config) -> None:
        self.config = config
        one_blas_thread()   # the worker pool parallelises; see samesku._threads

    # --- data in -----------------------------------------------------------------------------
    def read(self, source: Sequence[str | Path] | pa.Table, mapping: dict[str, str] | None, config: Config,
             progress: Callable[[int], None] | None = None) -> ReadOutput:
        from samesku import io

        if isinstance(source, pa.Table):
            read = io.read_offers_table(source, mapping, max_title_chars=config.max_title_chars)
        else:
            read = io.read_offers(source, mapping, max_title_chars=config.max_title_chars, progress=progress)
        return ReadOutput(read.offers, read.rejected, read.input_rows, read.passthrough)

    # --- generic movement ----------------------------------------------------------------------
    def _workers(self, n: int) -> int:
        # starting a process costs about a second: only worth it for large inputs
        return worker_count(self.config.workers) if n >= 2 * self.config.chunk_rows else 1

    def map_batches(self, data: Data, task: Task, schema: pa.Schema, columns: Sequence[str] | None = None,
                    progress: Callable[[int], None] | None = None) -> Data:
        table = _table(data)
        if columns is not None:
            table = table.select(list(columns))
        if not task.heavy:
            out = task(table)
            if progress:
                progress(table.num_rows)
            return out
        parts = list(map_chunks(task.fn, table, self.config.chunk_rows, self._workers(table.num_rows), task.state, progress))
        return pa.concat_tables(parts).combine_chunks() if len(parts) > 1 else parts[0]

    def aggregate(self, data: Data, keys: Sequence[str], aggs: Sequence[tuple[str, str, str]],
                  at_least: tuple[str, int] | None = None) -> pa.Table:
        table = _table(data)
        if not keys:
            funcs = {"count": pc.count, "count_distinct": pc.count_distinct, "sum": pc.sum, "max": pc.max}
            row = {out: [funcs[f](table.column(c)).as_py()] for c, f, out in aggs}
            return pa.table(row)
        grouped = table.group_by(list(keys)).aggregate([(c, f) for c, f, _ in aggs])
        # pyarrow names the outputs "<column>_<function>"
        out = pa.table({**{k: grouped.column(k) for k in keys},
                        **{out: grouped.column(f"{c}_{f}") for c, f, out in aggs}})
        if at_least is not None:
            out = out.filter(pc.greater_equal(out.column(at_least[0]), at_least[1]))
        return out

    def sample(self, data: Data, k: int) -> pa.Table:
        table = _table(data)
        return table.take(pa.array(sample_positions(table.column(S.ROW_NUMBER).to_numpy(), k)))

    def schema_of(self, data: Data) -> pa.Schema:
        return _table(data).schema

    def distinct(self, data: Data, column: str) -> list[Any]:
        table = _table(data)
        if column not in table.column_names:
            return []
        values: list[Any] = pc.unique(table.column(column).cast(pa.string())).to_pylist()
        return values

    def count(self, data: Data) -> int:
        if isinstance(data, Edges):
            return len(data.cols["a"])
        if isinstance(data, np.ndarray):
            return len(data)
        return int(_table(data).num_rows)

    def collect(self, data: Data, columns: Sequence[str] | None = None) -> pa.Table:
        table = _table(data)
        return table.select(list(columns)) if columns is not None else table

    def rows_where_in(self, data: Data, column: str, values: Sequence[Any], columns: Sequence[str]) -> pa.Table:
        table = _table(data)
        return table.filter(pc.is_in(table.column(column), value_set=pa.array(list(values)))).select(list(columns))

    def write(self, data: Data, path: Path) -> None:
        pq.write_table(_table(data), path, compression="zstd")

    # --- one stage function each -----------------------------------------------------------------
    def encode(self, analysed: Data, task: Task, progress: Callable[[int], None] | None = None) -> Data:
        offers = _table(analysed)
        n = offers.num_rows
        out: dict[str, np.ndarray] = {}
        pos = 0
        # each chunk is copied into arrays allocated once for the whole catalog and dropped:
        # holding every chunk and concatenating at the end doubled the peak (~2 KiB an offer)
        for t in map_chunks(task.fn, offers, self.config.chunk_rows, self._workers(n), task.state, progress):
            part = arrays_from_table(t)
            del t
            m = len(part.titles)
            for f in OfferArrays.__dataclass_fields__:
                v = getattr(part, f)
                if f not in out:
                    out[f] = np.empty((n, *v.shape[1:]), dtype=v.dtype)
                out[f][pos:pos + m] = v
            pos += m
            del part
        return Prepared(offers, OfferArrays(**out))   # map_chunks yields one (empty) chunk for an empty table too

    def placeholder_coherence(self, prepared: Data, min_offers: int) -> pa.Table:
        kinds, values, counts, coh = identifier_coherence(prepared.offers, prepared.arrays.vectors, min_offers)
        return pa.table({"kind": pa.array(kinds, pa.string()), "value": pa.array(values, pa.string()),
                         "offers": pa.array(counts, pa.int64()), "coherence": pa.array(coh, pa.float64())})

    def mask_placeholders(self, prepared: Data, placeholders: Placeholders) -> Data:
        mask_placeholders(prepared.arrays, placeholders)
        return prepared

    def group_sample(self, prepared: Data, within_category: bool, need_of: Callable[[int], int]
                     ) -> tuple[dict[str, int], pa.Table, Any]:
        offers = prepared.offers
        groups = embedding_groups(offers, within_category)
        sizes = count_groups(groups)
        pos = group_sample_positions(groups, offers.column(S.ROW_NUMBER).to_numpy(), sizes, need_of)
        return sizes, pa.table({"_g": pa.array(groups[pos].tolist(), pa.string())}), prepared.arrays.vectors[pos]

    def initial_labels(self, prepared: Data) -> Data:
        n = prepared.offers.num_rows
        return Labels(np.arange(n, dtype=np.int64), np.ones(n, dtype=np.float64))

    def edges_from(self, cols: dict[str, Any]) -> Data:
        return Edges({k: cols[k] for k in _EDGE_COLUMNS})

    def candidates(self, prepared: Data, labels: Data, families: tuple[str, ...], stage: int, fitted: Any,
                   config: Config, scored: Data | None) -> StageOutput:
        offers, arrays = prepared.offers, prepared.arrays
        n = offers.num_rows
        groups = exclusion_groups(arrays.seller, config)   # offers never paired with their own shop
        cand = stage_candidates(offers, arrays.vectors, families, labels.labels, config.blocking,
                                seed=config.seed + stage, name_df=fitted.name_df, codebooks=fitted.codebooks,
                                placeholders=fitted.placeholders, groups=groups)
        pairs = cand.pairs
        if scored is not None and len(pairs):
            # candidate pairs are canonical (sorted by (a, b)), so their codes are sorted too
            pairs = pairs[~in_sorted(pairs[:, 0] * n + pairs[:, 1], scored.codes(n))]
        return StageOutput(pairs, len(pairs), [_stats_dict(s) for s in cand.family_stats])

    def score(self, pairs: Data, prepared: Data, model: Any, config: Config, stage: int,
              progress: Callable[[int], None] | None = None) -> Data:
        s = score_pairs(prepared.arrays, pairs, model, config.match, advance=progress)
        return Edges({"a": s.a, "b": s.b, "pair_probability": s.probability, "model_probability": s.model_probability,
                      "veto": s.veto, "stage": np.full(len(s.a), stage, dtype=np.int8)})

    def union(self, edges: Data | None, scored: Data) -> Data:
        if edges is None:
            return scored
        return Edges({k: np.concatenate([edges.cols[k], scored.cols[k]]) for k in _EDGE_COLUMNS})

    def context(self, edges: Data, prepared: Data, model: Any) -> Data:
        c = edges.cols
        c["probability"] = in_context(model, c["a"], c["b"], c["pair_probability"], c["veto"] != "", prepared.arrays.seller)
        return edges

    def merge(self, edges: Data, prepared: Data, config: Config, units: Any = None) -> MergeOutput:
        c = edges.cols
        res = merge_edges(prepared.offers.num_rows, c["a"], c["b"], c["probability"], prepared.arrays, config.merge,
                          config.match.threshold, units=units)
        return MergeOutput(Labels(res.labels, res.weakest_link), res.refused, len(unique_int(res.labels)))

    def accepted_pairs(self, edges: Data, stage: int, threshold: float) -> int:
        c = edges.cols
        return int(((c["stage"] == stage) & (c["probability"] >= threshold)).sum())

    def veto_counts(self, edges: Data) -> dict[str, int]:
        veto = edges.cols["veto"]
        names, counts = np.unique(veto[veto != ""].astype(str), return_counts=True)
        return {str(k): int(v) for k, v in zip(names.tolist(), counts.tolist(), strict=True)}

    def outputs(self, prepared: Data, labels: Data, edges: Data, passthrough: list[str], config: Config,
                naming: Any = None) -> tuple[Data, Data, Data]:
        c = edges.cols
        assignments, clusters = build_outputs(prepared.offers, prepared.arrays, labels.labels, c["a"], c["b"],
                                              c["probability"], labels.weakest, passthrough, naming=naming)
        ids = prepared.offers.column(S.OFFER_ID).combine_chunks()
        edge_table = pa.table({
            "offer_id_a": ids.take(pa.array(c["a"].astype(np.int64))),
            "offer_id_b": ids.take(pa.array(c["b"].astype(np.int64))),
            S.MATCH_PROBABILITY: pa.array(c["probability"].astype(np.float32)),
            "pair_probability": pa.array(c["pair_probability"].astype(np.float32)),
            "model_probability": pa.array(c["model_probability"].astype(np.float32)),
            "veto": pa.array([v or None for v in c["veto"].tolist()], pa.string()),
            "stage": pa.array(c["stage"].astype(np.int8)),
        })
        return assignments, clusters, edge_table

    def analysed_offers(self, prepared: Data) -> Data:
        return prepared.offers
