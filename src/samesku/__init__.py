"""samesku: cluster e-commerce product offers into same-product groups.

The public API is small and flat; everything else is an implementation detail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Config", "MatchModel", "SameskuError", "analyse", "cluster", "evaluate", "__version__"]

if TYPE_CHECKING:  # pragma: no cover
    from samesku.config import Config
    from samesku.errors import SameskuError
    from samesku.match.model import MatchModel


def __getattr__(name: str) -> Any:
    # lazy: `import samesku` stays fast; heavy modules load on first use
    if name == "Config":
        from samesku.config import Config

        return Config
    if name == "SameskuError":
        from samesku.errors import SameskuError

        return SameskuError
    if name == "MatchModel":
        from samesku.match.model import MatchModel

        return MatchModel
    raise AttributeError(name)


def cluster(*args: Any, **kwargs: Any) -> dict[str, Any]:
    """Cluster offer files into a run directory; see :func:`samesku.pipeline.cluster`."""
    from samesku.pipeline import cluster as _cluster

    return _cluster(*args, **kwargs)


def analyse(offers: Any, gazetteer: Any = None) -> Any:
    """Analyse an Arrow table of offers; see :func:`samesku.analyse.analyse_offers`."""
    from samesku.analyse import analyse_offers

    return analyse_offers(offers, gazetteer)


def evaluate(predicted: Any, truth: Any) -> dict[str, Any]:
    """Clustering metrics of predicted vs true labels; see :func:`samesku.metrics.evaluate_partition`."""
    from samesku.metrics import evaluate_partition

    return evaluate_partition(predicted, truth)
