"""Test helper: cluster into a run directory and return the summary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from samesku.config import Config
from samesku.pipeline import cluster


def cluster_to(inputs: Any, out: Path, config: Config | None = None, **options: Any) -> dict[str, Any]:
    """``cluster(inputs, ...)`` written to ``out``; the run's summary."""
    result = cluster(inputs, config=config, **options)
    result.write(out)
    result.close()
    return result.summary
