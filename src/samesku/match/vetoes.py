"""Hard vetoes applied after the model: conflicts no similarity can outweigh."""

from __future__ import annotations

import numpy as np

from samesku.config import MatchConfig
from samesku.match.features import FEATURES

_COL = {name: i for i, name in enumerate(FEATURES)}

#: Below this partial similarity two model codes are "clearly" different
#: (``RX9`` vs ``RX9-1-SGM`` is 1.0, ``MQ8N2BA`` vs ``MQ8L2BA`` ~0.86, unrelated codes < 0.7);
#: so are codes of one length that differ in one place (``MQ8N2BA`` / ``MQ8L2BA``: ``code_substitution``).
CODE_CONFLICT_BELOW = 0.75


def veto_masks(features: np.ndarray, config: MatchConfig) -> dict[str, np.ndarray]:
    """Boolean mask per enabled veto: True where the pair is vetoed."""
    f = features
    masks: dict[str, np.ndarray] = {}
    if config.veto_gtin:
        masks["gtin"] = (f[:, _COL["gtin_both"]] == 1) & (f[:, _COL["gtin_overlap"]] == 0)
    if config.veto_count:
        masks["count"] = f[:, _COL["count_state"]] == 0
    if config.veto_amount:
        masks["amount"] = f[:, _COL["amount_state"]] == 0
    if config.veto_model_code:
        masks["model_code"] = (
            (f[:, _COL["code_both"]] == 1)
            & (f[:, _COL["code_overlap"]] == 0)
            & ((f[:, _COL["code_partial"]] < CODE_CONFLICT_BELOW) | (f[:, _COL["code_substitution"]] == 1))
        )
    return masks


def apply_vetoes(
    probability: np.ndarray, features: np.ndarray, config: MatchConfig
) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """Zero the probability of vetoed pairs.

    Returns:
        (probability after vetoes, name of the first veto per pair or "" , count per veto).
    """
    masks = veto_masks(features, config)
    reason = np.full(len(probability), "", dtype=object)
    counts: dict[str, int] = {}
    out = probability.copy()
    for name, mask in masks.items():
        counts[name] = int(mask.sum())
        reason[mask & (reason == "")] = name
        out[mask] = 0.0
    return out, reason, counts
