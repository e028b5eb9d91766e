"""Train a match model from offers labelled with cluster ids.

Training pairs are drawn the way the pipeline will see them: from candidate generation
(every configured key family, on single offers), so positives come with the hard
negatives that share their blocks. Pairs of one seller stay in, whatever the seller
constraint: trained without them (as a hard constraint blocks), the model never sees a
shop's identical titles of different products and, under a soft or no seller constraint,
merged them (PriceRunner, seller off: pairwise F1 0.63 -> 0.36).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.compute as pc

from samesku.config import Config
from samesku.errors import InputError
from samesku.io import read_offers
from samesku.keys.blocks import canonical_pairs
from samesku.keys.candidates import stage_candidates
from samesku.match.features import pair_features
from samesku.match.model import MatchModel, out_of_fold, train_context, train_model
from samesku.match.vetoes import apply_vetoes
from samesku.progress import Reporter, Timer


@dataclass
class TrainingPairs:
    """Candidate pairs of labelled offers: features, labels, groups, and what the context stage reads."""

    x: np.ndarray        # (m, len(FEATURES)) pair features
    y: np.ndarray        # int8: 1 same cluster
    groups: np.ndarray   # truth cluster of the first offer (cluster-disjoint splits)
    pairs: np.ndarray    # (m, 2) offer rows
    seller: np.ndarray   # per offer row: seller code, -1 unknown

    @classmethod
    def concat(cls, parts: Sequence[TrainingPairs]) -> TrainingPairs:
        """Pairs of several catalogs as one set (rows and groups of each catalog kept apart)."""
        offsets = np.cumsum([0] + [len(t.seller) for t in parts])
        gap = np.cumsum([0] + [int(t.groups.max()) + 1 if len(t.groups) else 0 for t in parts])
        return cls(
            np.concatenate([t.x for t in parts]), np.concatenate([t.y for t in parts]),
            np.concatenate([t.groups + g for t, g in zip(parts, gap[:-1], strict=True)]),
            np.concatenate([t.pairs + o for t, o in zip(parts, offsets[:-1], strict=True)]),
            np.concatenate([t.seller for t in parts]),
        )


def training_pairs(
    inputs: Sequence[str | Path],
    truth_column: str,
    config: Config,
    mapping: dict[str, str] | None = None,
    reporter: Reporter | None = None,
) -> TrainingPairs:
    """Candidate pairs of labelled offers, drawn as the pipeline draws them."""
    from samesku.pipeline import prepare_for_training

    timer = Timer(reporter)
    read = read_offers(list(inputs), mapping, max_title_chars=config.max_title_chars)
    if truth_column not in read.offers.column_names:
        raise InputError(f"truth column {truth_column!r} not found; columns: {read.offers.column_names}")
    offers, arrays, fitted = prepare_for_training(read.offers.filter(pc.is_valid(read.offers.column(truth_column))),
                                                  config, timer)
    vectors = arrays.vectors
    identity = np.arange(offers.num_rows, dtype=np.int64)
    families = tuple(dict.fromkeys(f for stage in config.blocking.stages for f in stage))
    with timer.step("candidates"):
        cand = stage_candidates(offers, vectors, families, identity, config.blocking, config.seed,
                                name_df=fitted.name_df, codebooks=fitted.codebooks,
                                placeholders=fitted.placeholders)
        pairs = canonical_pairs(cand.pairs)
    truth = np.asarray(offers.column(truth_column).cast("string").to_numpy(zero_copy_only=False), dtype=object)
    with timer.step("features", len(pairs)):
        x = np.concatenate(
            [pair_features(arrays, pairs[lo:lo + 500_000, 0], pairs[lo:lo + 500_000, 1]) for lo in range(0, len(pairs), 500_000)]
        ) if len(pairs) else np.empty((0, 0), np.float32)
    y = (truth[pairs[:, 0]] == truth[pairs[:, 1]]).astype(np.int8)
    _, groups = np.unique(truth[pairs[:, 0]].astype(str), return_inverse=True)
    return TrainingPairs(x, y, groups.astype(np.int64), pairs.astype(np.int64), np.asarray(arrays.seller, np.int64))


def add_context(model: MatchModel, tp: TrainingPairs, config: Config, seed: int = 0, monotone: bool = True,
                **train_kwargs: Any) -> dict[str, float]:
    """Train ``model``'s context stage on the pairs the pair model was trained on.

    The pair probabilities it learns from are out-of-fold (3 folds of groups, the pair model's
    own settings) with the run's vetoes applied, as the pipeline hands them over.
    """
    p = out_of_fold(tp.x, tp.y, tp.groups, seed=seed, monotone=monotone, **train_kwargs)
    after, _, _ = apply_vetoes(p, tp.x, config.match)
    model.context, metrics = train_context(after, tp.pairs[:, 0], tp.pairs[:, 1], tp.seller, tp.y, tp.groups,
                                           seed=seed, monotone=monotone)
    model.metadata["context_validation"] = metrics
    return metrics


def train_from_offers(
    inputs: Sequence[str | Path],
    truth_column: str,
    config: Config,
    mapping: dict[str, str] | None = None,
    seed: int = 0,
    reporter: Reporter | None = None,
    metadata: dict[str, Any] | None = None,
    monotone: bool = False,
) -> tuple[MatchModel, dict[str, float]]:
    """Train a calibrated LightGBM match model from offers labelled with cluster ids.

    ``monotone`` (off by default here: the labels are the domain the model will score)
    is explained in :func:`samesku.match.model.train_model`.
    """
    tp = training_pairs(inputs, truth_column, config, mapping, reporter)
    x, y, groups = tp.x, tp.y, tp.groups
    if y.sum() == 0 or y.sum() == len(y):
        raise InputError("training needs both matching and non-matching candidate pairs")
    meta = {"training_pairs": int(len(y)), "positive_pairs": int(y.sum()), "seed": seed, "monotone": monotone}
    meta.update(metadata or {})
    # in-domain labels carry more than the default model's 100 small trees learn: more, larger
    # trees at a lower rate, stopped early on the cluster-disjoint validation split (PriceRunner
    # even clusters, pair AP on odd clusters' candidates: 0.917 -> 0.923); the compiled trees
    # still score millions of pairs a second, so the features stay the cost
    settings: dict[str, Any] = {"num_boost_round": 500, "learning_rate": 0.05, "num_leaves": 63}
    model, metrics = train_model(x, y, groups, seed=seed, metadata=meta, monotone=monotone, **settings)
    metrics.update(add_context(model, tp, config, seed=seed, monotone=monotone, **settings))
    return model, metrics
