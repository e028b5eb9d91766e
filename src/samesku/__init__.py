"""samesku: cluster e-commerce product offers into same-product groups.

The public API is small and flat; everything else is an implementation detail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Config", "MatchModel", "RunResult", "SameskuError", "analyse", "cluster", "evaluate", "__version__"]

if TYPE_CHECKING:  # pragma: no cover
    from samesku.config import Config
    from samesku.errors import SameskuError
    from samesku.match.model import MatchModel
    from samesku.result import RunResult


def __getattr__(name: str) -> Any:
    # lazy: `import samesku` stays fast; heavy modules load on first use
    if name == "Config":
        from samesku.config import Config

        return Config
    if name == "SameskuError":
        from samesku.errors import SameskuError

        return SameskuError
    if name == "RunResult":
        from samesku.result import RunResult

        return RunResult
    if name == "MatchModel":
        from samesku.match.model import MatchModel

        return MatchModel
    raise AttributeError(name)


def cluster(
    offers: Any,
    *,
    config: Config | None = None,
    mapping: dict[str, str] | None = None,
    model: MatchModel | None = None,
    engine: str = "local",
    **options: Any,
) -> RunResult:
    """Cluster offers (files, or a pyarrow / pandas / Polars table) into same-product groups.

    Returns a :class:`~samesku.result.RunResult`: ``assignments``, ``clusters``, ``edges``,
    ``rejected`` and ``offers`` as Arrow tables, the ``summary`` dict, and ``write(dir)``.
    See :func:`samesku.pipeline.cluster` for the other ``options``.
    """
    from samesku.pipeline import cluster as _cluster

    return _cluster(offers, config=config, mapping=mapping, model=model, engine=engine, **options)


def analyse(offers: Any, gazetteer: Any = None) -> Any:
    """Analyse an Arrow table of offers; see :func:`samesku.analyse.analyse_offers`."""
    from samesku.analyse import analyse_offers

    return analyse_offers(offers, gazetteer)


def evaluate(predicted: Any, truth: Any) -> dict[str, Any]:
    """Clustering metrics of predicted vs true labels; see :func:`samesku.metrics.evaluate_partition`."""
    from samesku.metrics import evaluate_partition

    return evaluate_partition(predicted, truth)
