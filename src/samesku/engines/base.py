"""The engine seam: what an engine must do to run the one pipeline of :mod:`samesku.pipeline`.

An engine moves data; it decides nothing. The pipeline hands it a stage function and
says how the function's input must be laid out; the engine chooses how to get the data
there (in-process arrays and a worker pool, or Spark's ``mapInArrow``, joins and
shuffles). Datasets are opaque to the pipeline (a ``pyarrow.Table`` or numpy arrays
locally, a Spark DataFrame on Spark); only small results come back as Arrow tables.

Two kinds of methods:

* generic movement — read the inputs, map a stage function over batches of rows,
  aggregate, draw the deterministic sample, collect, count, write;
* layouts of one stage each that still have one implementation per engine (the
  candidate search per stage, scoring per batch of pairs with both offers' columns, the
  context per offer, the merge per connected component, the outputs per bucket of whole
  clusters, placeholder coherence per identifier value). Each calls the same stage
  functions in both engines; ``docs/architecture.md`` says how they will become generic.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pyarrow as pa

from samesku.config import Config
from samesku.progress import Reporter, Timer

#: An engine's dataset: a table of rows the pipeline never looks inside.
Data = Any


@dataclass(frozen=True)
class Task:
    """A stage function mapped over batches of rows: ``fn(batch, **state) -> table``.

    ``fn`` is a module-level function (a worker process imports it by name) and ``state``
    the fitted objects it reads, sent to each worker once. ``heavy`` tasks are worth worker
    processes; light ones run where the data is.
    """

    fn: Callable[..., pa.Table]
    state: dict[str, Any] = field(default_factory=dict)
    heavy: bool = False

    def __call__(self, batch: pa.Table) -> pa.Table:
        return self.fn(batch, **self.state)


@dataclass
class ReadOutput:
    """The validated offers and the rejected rows of a run's inputs."""

    offers: Data
    rejected: Data
    input_rows: int
    passthrough: list[str]


@dataclass
class StageOutput:
    """One stage's candidate pairs and how they were made."""

    pairs: Data                              # (a, b) entity keys, a < b, different clusters, not scored before
    count: int
    family_stats: list[dict[str, Any]]


@dataclass
class MergeOutput:
    """Cluster labels after a merge and the refused merges by kind."""

    labels: Data
    refused: dict[str, int]
    clusters: int


class Engine(ABC):
    """Runs the pipeline's steps over one engine's datasets."""

    name: ClassVar[str]

    def timer(self, reporter: Reporter | None) -> Timer:
        """The step timer (an engine may attribute its own metrics to steps)."""
        return Timer(reporter)

    # --- data in ---------------------------------------------------------------------------
    @abstractmethod
    def read(self, source: Sequence[str | Path] | pa.Table, mapping: dict[str, str] | None, config: Config,
             progress: Callable[[int], None] | None = None) -> ReadOutput:
        """Read and validate the offers (files or an Arrow table); every row ends in offers or rejected."""

    # --- generic movement --------------------------------------------------------------------
    @abstractmethod
    def map_batches(self, data: Data, task: Task, schema: pa.Schema, columns: Sequence[str] | None = None,
                    progress: Callable[[int], None] | None = None) -> Data:
        """``task`` over batches of ``data`` (only ``columns`` when given); results in row order."""

    @abstractmethod
    def aggregate(self, data: Data, keys: Sequence[str], aggs: Sequence[tuple[str, str, str]],
                  at_least: tuple[str, int] | None = None) -> pa.Table:
        """Group-by statistics, collected: ``aggs`` are (column, ``count`` | ``count_distinct`` |
        ``sum`` | ``max``, output name), ``count`` counting valid values; with ``at_least``
        = (output, k) only the groups whose output is at least k. No keys: one row."""

    @abstractmethod
    def sample(self, data: Data, k: int) -> pa.Table:
        """The ``k`` rows with the smallest :func:`samesku.fitting.sample_hash` of their input row,
        in (sample hash, row) order: the fit sample, the same whatever the partitioning."""

    @abstractmethod
    def schema_of(self, data: Data) -> pa.Schema:
        """The Arrow schema of a dataset's rows."""

    @abstractmethod
    def distinct(self, data: Data, column: str) -> list[Any]:
        """The distinct values of a column."""

    @abstractmethod
    def count(self, data: Data) -> int:
        """Rows of a dataset."""

    @abstractmethod
    def collect(self, data: Data, columns: Sequence[str] | None = None) -> pa.Table:
        """A dataset as one Arrow table (only for results that fit in memory)."""

    @abstractmethod
    def write(self, data: Data, path: Path) -> None:
        """A dataset as Parquet at ``path`` (a file, or a folder of parts)."""

    def metrics(self) -> dict[str, Any]:
        """Engine figures for the run summary (e.g. Spark's master and shuffle bytes per step)."""
        return {}

    def close(self) -> None:  # noqa: B027 - optional: most engines hold nothing to release
        """Release what the run held (intermediate files)."""

    # --- one stage function each (see the module docstring) -------------------------------------
    @abstractmethod
    def encode(self, analysed: Data, task: Task, progress: Callable[[int], None] | None = None) -> Data:
        """The offers with their title vectors and pair-feature arrays (``task`` per batch gives
        ``(vectors, arrays table)``)."""

    @abstractmethod
    def placeholder_coherence(self, prepared: Data, min_offers: int) -> pa.Table:
        """(kind, value, offers, coherence) of every identifier value held by ``min_offers`` offers or more."""

    @abstractmethod
    def mask_placeholders(self, prepared: Data, placeholders: Any) -> Data:
        """The prepared offers with placeholder identifiers set missing in their pair-feature arrays."""

    @abstractmethod
    def group_sample(self, prepared: Data, within_category: bool, need_of: Callable[[int], int]
                     ) -> tuple[dict[str, int], pa.Table, Any]:
        """(entities per embedding group, the codebook sample's groups, its vectors): per group the
        ``need_of(size)`` rows with the smallest sample hash."""

    @abstractmethod
    def initial_labels(self, prepared: Data) -> Data:
        """Every offer its own cluster."""

    def edges_from(self, cols: dict[str, Any]) -> Data:
        """Edges scored before this run (a store's, among the offers of an ingest) as the engine's edges:
        columns ``a``, ``b`` (rows, a < b), ``pair_probability``, ``model_probability``, ``veto``, ``stage``."""
        raise NotImplementedError(f"the {self.name} engine runs whole catalogs only; an ingest uses the local engine")

    @abstractmethod
    def candidates(self, prepared: Data, labels: Data, families: tuple[str, ...], stage: int, fitted: Any,
                   config: Config, scored: Data | None) -> StageOutput:
        """Candidate pairs of one stage between different clusters, without pairs in ``scored``."""

    @abstractmethod
    def score(self, pairs: Data, prepared: Data, model: Any, config: Config, stage: int,
              progress: Callable[[int], None] | None = None) -> Data:
        """Scored pairs (:func:`samesku.match.score.score_block` per batch of pairs with both offers)."""

    @abstractmethod
    def union(self, edges: Data | None, scored: Data) -> Data:
        """All edges scored so far."""

    @abstractmethod
    def context(self, edges: Data, prepared: Data, model: Any) -> Data:
        """Edges with their final probability (:func:`samesku.match.score.in_context`)."""

    @abstractmethod
    def merge(self, edges: Data, prepared: Data, config: Config, units: Any = None) -> MergeOutput:
        """Cluster labels from the edges (:func:`samesku.merge.union.merge_edges` per component);
        ``units``: stored clusters taking part through a few members (an ingest, local engine only)."""

    @abstractmethod
    def accepted_pairs(self, edges: Data, stage: int, threshold: float) -> int:
        """Edges scored by ``stage`` whose final probability reaches ``threshold``."""

    @abstractmethod
    def veto_counts(self, edges: Data) -> dict[str, int]:
        """Vetoed edges by their (first) veto."""

    @abstractmethod
    def rows_where_in(self, data: Data, column: str, values: Sequence[Any], columns: Sequence[str]) -> pa.Table:
        """The rows whose ``column`` is one of a few ``values`` (only ``columns``), collected, in row order."""

    @abstractmethod
    def outputs(self, prepared: Data, labels: Data, edges: Data, passthrough: list[str], config: Config,
                naming: Any = None) -> tuple[Data, Data, Data]:
        """(assignments, clusters, edges with offer ids) (:func:`samesku.merge.outputs.build_outputs`
        per bucket of whole clusters)."""

    @abstractmethod
    def analysed_offers(self, prepared: Data) -> Data:
        """The analysed offers without the pair-feature arrays (``offers.parquet``)."""
