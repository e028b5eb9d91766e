"""The pairwise match model: LightGBM on pair features, isotonic calibration, one file.

A model file is JSON: format version, feature list, LightGBM model text, calibration
knots and training metadata, and optionally a context stage (a second calibrated
LightGBM model on the pair probability plus the pair's context, :mod:`samesku.match.context`).
It reloads to identical probabilities.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
from sklearn.isotonic import IsotonicRegression

from samesku.errors import ConfigError
from samesku.match.compiled import CompiledForest, compile_forest
from samesku.match.context import CONTEXT_FEATURES, CONTEXT_MONOTONE, pair_context
from samesku.match.features import FEATURES, MONOTONE

FORMAT_VERSION = 1
DEFAULT_MODEL_RESOURCE = "default_model.json"


class _Forest:
    """Scoring shared by the pair model and the context model: compiled trees, calibration."""

    booster: lgb.Booster
    calib_x: np.ndarray
    calib_y: np.ndarray
    _forest: Any
    _compiled: bool

    def raw_score(self, x: np.ndarray, threads: int = 0) -> np.ndarray:
        """Uncalibrated model probability (threads=0: all cores).

        Scored by the trees compiled to machine code (:mod:`samesku.match.compiled`, ~8x
        LightGBM's predict) when lleaves is available, else by LightGBM; both agree to ~1e-14.
        """
        forest = self.forest()
        if forest is not None:
            return forest.predict(x, threads=threads or (os.cpu_count() or 1))
        return np.asarray(self.booster.predict(x, num_threads=threads), dtype=np.float64)

    def forest(self) -> CompiledForest | None:
        """The compiled trees (compiled on first use), or None to use LightGBM."""
        if not self._compiled:
            self._forest = compile_forest(self.booster.model_to_string())
            self._compiled = True
        return self._forest

    def __getstate__(self) -> dict[str, Any]:
        # compiled machine code does not pickle (Spark ships the model to its workers): recompile there
        state = dict(self.__dict__)
        state["_forest"], state["_compiled"] = None, False
        return state

    def _calibrated(self, x: np.ndarray, width: int, threads: int) -> np.ndarray:
        if x.shape[1] != width:
            raise ConfigError(f"model expects {width} features, got {x.shape[1]}")
        return np.interp(self.raw_score(x, threads), self.calib_x, self.calib_y).astype(np.float32)


@dataclass
class ContextModel(_Forest):
    """Final match probability from the pair probability and its context (CONTEXT_FEATURES)."""

    booster: lgb.Booster
    calib_x: np.ndarray
    calib_y: np.ndarray
    _forest: Any = field(default=None, init=False, repr=False, compare=False)
    _compiled: bool = field(default=False, init=False, repr=False, compare=False)

    def predict(self, c: np.ndarray, threads: int = 0) -> np.ndarray:
        """Calibrated match probability for each row of a context feature matrix."""
        return self._calibrated(c, len(CONTEXT_FEATURES), threads)

    def to_doc(self) -> dict[str, Any]:
        """The JSON-able form stored in the model file."""
        return {"features": list(CONTEXT_FEATURES), "lightgbm": self.booster.model_to_string(),
                "calibration": {"x": self.calib_x.tolist(), "y": self.calib_y.tolist()}}

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> ContextModel:
        """Read the form :meth:`to_doc` wrote."""
        if tuple(doc["features"]) != CONTEXT_FEATURES:
            raise ConfigError("model's context stage was trained on different context features; retrain it")
        return cls(lgb.Booster(model_str=doc["lightgbm"]), np.asarray(doc["calibration"]["x"], dtype=np.float64),
                   np.asarray(doc["calibration"]["y"], dtype=np.float64))


@dataclass
class MatchModel(_Forest):
    """A trained, calibrated pair classifier, optionally with a context stage."""

    booster: lgb.Booster
    features: tuple[str, ...]
    calib_x: np.ndarray          # isotonic calibration knots (raw score -> probability)
    calib_y: np.ndarray
    metadata: dict[str, Any] = field(default_factory=dict)
    context: ContextModel | None = None
    _forest: Any = field(default=None, init=False, repr=False, compare=False)
    _compiled: bool = field(default=False, init=False, repr=False, compare=False)

    def predict(self, x: np.ndarray, threads: int = 0) -> np.ndarray:
        """Calibrated match probability for each row of the feature matrix (the pair alone)."""
        return self._calibrated(x, len(self.features), threads)

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """Per-feature contributions (log-odds, SHAP values of LightGBM) plus the bias column."""
        return np.asarray(self.booster.predict(x, pred_contrib=True), dtype=np.float64)

    def save(self, path: str | Path) -> None:
        """Write the model as one JSON file."""
        doc: dict[str, Any] = {
            "format_version": FORMAT_VERSION,
            "features": list(self.features),
            "calibration": {"x": self.calib_x.tolist(), "y": self.calib_y.tolist()},
            "metadata": self.metadata,
            "lightgbm": self.booster.model_to_string(),
        }
        if self.context is not None:
            doc["context"] = self.context.to_doc()
        Path(path).write_text(json.dumps(doc), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> MatchModel:
        """Read a model written by :meth:`save`."""
        try:
            doc = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ConfigError(f"cannot read match model {path}: {exc}") from exc
        return cls._from_doc(doc)

    @classmethod
    def _from_doc(cls, doc: dict[str, Any]) -> MatchModel:
        if doc.get("format_version") != FORMAT_VERSION:
            raise ConfigError(f"unsupported model format {doc.get('format_version')}")
        features = tuple(doc["features"])
        if features != FEATURES:
            raise ConfigError(
                "model was trained on a different feature list; retrain it with `samesku train`"
            )
        return cls(
            booster=lgb.Booster(model_str=doc["lightgbm"]),
            features=features,
            calib_x=np.asarray(doc["calibration"]["x"], dtype=np.float64),
            calib_y=np.asarray(doc["calibration"]["y"], dtype=np.float64),
            metadata=doc.get("metadata", {}),
            context=ContextModel.from_doc(doc["context"]) if doc.get("context") else None,
        )


def load_model(path: str | Path | None) -> MatchModel:
    """The model at ``path``, or the default model shipped in the package."""
    if path:
        return MatchModel.load(path)
    res = resources.files("samesku.match").joinpath(DEFAULT_MODEL_RESOURCE)
    if not res.is_file():
        raise ConfigError("the default match model is missing: run `make model`")
    return MatchModel._from_doc(json.loads(res.read_text(encoding="utf-8")))


def train_model(
    x: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    seed: int = 0,
    num_boost_round: int = 100,
    metadata: dict[str, Any] | None = None,
    monotone: bool = True,
    learning_rate: float = 0.1,
    ignore: Sequence[str] = (),
    num_leaves: int = 31,
) -> tuple[MatchModel, dict[str, float]]:
    """Train LightGBM with a cluster-disjoint validation split and isotonic calibration.

    Args:
        x: pair feature matrix (columns = FEATURES).
        y: 1 for a true match, 0 otherwise.
        groups: a group id per pair (e.g. the truth cluster of its first offer); a group is
            entirely in training or entirely in validation, so the validation score is not
            inflated by near-copies of training pairs.
        seed: makes training deterministic.
        num_boost_round: boosting rounds (early stopping on the validation split); scoring
            cost grows with the number of trees (100 at 0.1 matched 200 at 0.05 in validation).
        metadata: stored in the model file.
        monotone: constrain each feature's effect to its sign in ``MONOTONE`` (a larger
            similarity never lowers the probability). It costs accuracy in the training
            domain (PriceRunner, even clusters' own validation split: AP 0.88 vs 0.91) and
            buys sane behaviour on catalogs unlike the training data: on for the default
            model (trained on synthetic data, used everywhere), off for a model trained on
            the user's own labels.
        learning_rate: LightGBM shrinkage.
        num_leaves: leaves per tree (LightGBM's capacity per tree).
        ignore: features the model must not learn from: they are blanked (missing) in training,
            so no tree splits on them and their values never move a probability.

    Returns:
        (model, validation metrics).
    """
    unknown = set(ignore) - set(FEATURES)
    if unknown:
        raise ConfigError(f"cannot ignore unknown features {sorted(unknown)}")
    if ignore:
        x = x.copy()
        x[:, [FEATURES.index(f) for f in ignore]] = np.nan
    signs = [MONOTONE.get(f, 0) for f in FEATURES] if monotone else None
    booster, calib_x, calib_y, val = _fit_calibrated(x, y, groups, FEATURES, signs, seed, num_boost_round,
                                                     learning_rate, num_leaves)
    model = MatchModel(booster, FEATURES, calib_x, calib_y, {**(metadata or {}), "ignored_features": list(ignore)})
    p = model.predict(x[val])
    pred = p >= 0.5
    tp = float((pred & (y[val] == 1)).sum())
    metrics = {
        "val_pairs": float(val.sum()),
        "val_precision": tp / max(float(pred.sum()), 1.0),
        "val_recall": tp / max(float((y[val] == 1).sum()), 1.0),
        "best_iteration": float(booster.current_iteration()),
    }
    model.metadata["validation"] = metrics
    return model, metrics


def _fit_calibrated(
    x: np.ndarray, y: np.ndarray, groups: np.ndarray, names: Sequence[str], monotone: Sequence[int] | None,
    seed: int, num_boost_round: int, learning_rate: float, num_leaves: int,
) -> tuple[lgb.Booster, np.ndarray, np.ndarray, np.ndarray]:
    """LightGBM stopped early on a cluster-disjoint validation split, isotonic calibration on it.

    Returns (booster at its best iteration, calibration x, calibration y, validation mask).
    """
    rng = np.random.default_rng(seed)
    uniq = np.unique(groups)
    val_groups = rng.choice(uniq, size=max(1, len(uniq) // 5), replace=False)
    val = np.isin(groups, val_groups)
    params: dict[str, Any] = {
        "objective": "binary",
        "learning_rate": learning_rate,
        "num_leaves": num_leaves,
        "min_data_in_leaf": 50,
        "feature_fraction": 0.9,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
        "lambda_l2": 1.0,
        "seed": seed,
        "deterministic": True,
        "force_row_wise": True,
        "num_threads": 2,
        "verbose": -1,
    }
    if monotone is not None:
        params["monotone_constraints"] = list(monotone)
        params["monotone_constraints_method"] = "advanced"
    dtrain = lgb.Dataset(x[~val], y[~val], feature_name=list(names), free_raw_data=False)
    dval = lgb.Dataset(x[val], y[val], reference=dtrain)
    booster = lgb.train(
        params, dtrain, num_boost_round=num_boost_round, valid_sets=[dval],
        callbacks=[lgb.early_stopping(30, verbose=False)],
    )
    raw_val = booster.predict(x[val], num_iteration=booster.best_iteration)
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(raw_val, y[val])
    # rebuild the booster at its best iteration so the saved model is exactly what was validated
    booster = lgb.Booster(model_str=booster.model_to_string(num_iteration=booster.best_iteration))
    return booster, np.asarray(iso.X_thresholds_, dtype=np.float64), np.asarray(iso.y_thresholds_, dtype=np.float64), val


def out_of_fold(
    x: np.ndarray, y: np.ndarray, groups: np.ndarray, folds: int = 3, seed: int = 0, **train_kwargs: Any,
) -> np.ndarray:
    """Calibrated pair probabilities of every row from a model that never saw its group.

    The context stage learns from pair probabilities as the pipeline will see them: on pairs
    the pair model was trained on they would be overconfident (it has seen their labels).
    """
    uniq = np.unique(groups)
    fold_of = np.random.default_rng(seed + 1).permutation(len(uniq)) % folds
    fold = fold_of[np.searchsorted(uniq, groups)]
    out = np.zeros(len(y), np.float32)
    for k in range(folds):
        held = fold == k
        if held.all() or not held.any() or y[~held].min() == y[~held].max():
            continue   # too few groups for this fold: its rows keep 0 (never happens at real sizes)
        model, _ = train_model(x[~held], y[~held], groups[~held], seed=seed, **train_kwargs)
        out[held] = model.predict(x[held])
    return out


def train_context(
    p: np.ndarray, a: np.ndarray, b: np.ndarray, seller: np.ndarray, y: np.ndarray, groups: np.ndarray,
    seed: int = 0, monotone: bool = True,
) -> tuple[ContextModel, dict[str, float]]:
    """Train the context stage from out-of-fold pair probabilities (after vetoes) of candidate pairs.

    ``a``/``b`` are offer rows, ``seller`` the per-row seller code (-1 unknown).
    """
    c = pair_context(a, b, p, seller)
    signs = [CONTEXT_MONOTONE.get(f, 0) for f in CONTEXT_FEATURES] if monotone else None
    booster, calib_x, calib_y, val = _fit_calibrated(c, y, groups, CONTEXT_FEATURES, signs, seed, 300, 0.1, 15)
    ctx = ContextModel(booster, calib_x, calib_y)
    q = ctx.predict(c[val])
    pred, yv = q >= 0.5, y[val] == 1
    tp = float((pred & yv).sum())
    return ctx, {"context_val_precision": tp / max(float(pred.sum()), 1.0),
                 "context_val_recall": tp / max(float(yv.sum()), 1.0),
                 "context_best_iteration": float(booster.current_iteration())}
