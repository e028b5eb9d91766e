"""The match model's trees compiled to machine code (lleaves), with LightGBM as the fallback.

LightGBM's own predict walks its trees through a generic interpreter; on the pair
features it scored ~230k pairs/s per core, about as slow as computing the features
themselves. lleaves compiles the same model text with LLVM into one native function
(same decisions in float64; raw scores agree with LightGBM to ~1e-14) and scores
several million pairs/s per core. Compiling 100 trees takes ~1.5 s, so the machine code
is cached on disk keyed by the model text; a machine without lleaves (or where
compiling fails) falls back to LightGBM and gives the same probabilities.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from pathlib import Path

import numpy as np

_LOCK = threading.Lock()


def cache_dir() -> Path:
    """Where compiled models are kept: ``$SAMESKU_CACHE`` or ``~/.cache/samesku``."""
    root = os.environ.get("SAMESKU_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "samesku")
    return Path(root) / "compiled-models"


class CompiledForest:
    """A LightGBM model text compiled by lleaves; ``predict`` gives LightGBM's probability."""

    def __init__(self, model_text: str) -> None:
        from importlib.metadata import version

        import lleaves  # optional speed-up: imported here so a missing package only costs speed

        stamp = f"{version('lleaves')}|{version('llvmlite')}|{model_text}"
        digest = hashlib.sha256(stamp.encode("utf-8")).hexdigest()[:24]
        with tempfile.TemporaryDirectory() as tmp:
            text_path = Path(tmp) / "model.txt"
            text_path.write_text(model_text, encoding="utf-8")
            self._model = lleaves.Model(model_file=str(text_path))
            target = cache_dir() / f"{digest}.so"
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.is_file():
                    self._model.compile(cache=str(target))
                else:
                    # compile into a private file, then publish it atomically: concurrent
                    # runs never load a half-written object file
                    part = target.parent / f".{digest}.{os.getpid()}.{threading.get_ident()}.so"
                    self._model.compile(cache=str(part))
                    os.replace(part, target)
            except OSError:
                self._model.compile()   # read-only home: compile in memory, no cache

    def predict(self, x: np.ndarray, threads: int = 1) -> np.ndarray:
        """Model probability (sigmoid of the summed trees) for each row of ``x``."""
        data = np.ascontiguousarray(x, dtype=np.float64)
        return np.asarray(self._model.predict(data, n_jobs=max(1, threads)), dtype=np.float64)


def compile_forest(model_text: str) -> CompiledForest | None:
    """The compiled model, or None when lleaves is missing or cannot compile it here."""
    if os.environ.get("SAMESKU_NO_COMPILE"):
        return None
    with _LOCK:
        try:
            return CompiledForest(model_text)
        except Exception:  # noqa: BLE001 - any failure (no package, no LLVM target) means: use LightGBM
            return None

