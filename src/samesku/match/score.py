"""Score candidate pairs: features -> model -> vetoes, in bounded chunks."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from samesku.config import MatchConfig
from samesku.match.arrays import OfferArrays
from samesku.match.context import context_features, end_context
from samesku.match.features import pair_features
from samesku.match.model import MatchModel
from samesku.match.vetoes import apply_vetoes


@dataclass
class ScoredPairs:
    """Probabilities of candidate pairs after vetoes."""

    a: np.ndarray
    b: np.ndarray
    probability: np.ndarray       # after vetoes
    model_probability: np.ndarray  # before vetoes
    veto: np.ndarray              # object: veto name or ""
    veto_counts: dict[str, int] = field(default_factory=dict)


@dataclass
class Scored:
    """One block of pairs scored: features, the model's probability, the probability after vetoes."""

    features: np.ndarray
    model_probability: np.ndarray
    probability: np.ndarray
    veto: np.ndarray                 # object: veto name or ""
    veto_counts: dict[str, int]


def score_block(arrays: OfferArrays, a: np.ndarray, b: np.ndarray, model: MatchModel, config: MatchConfig,
                threads: int = 1) -> Scored:
    """Features -> model -> vetoes for the pairs (a[i], b[i]) of offer rows of ``arrays``: the one
    scoring path of batch runs (both engines), ``explain`` and scoring against a store."""
    x = pair_features(arrays, a, b, workers=1)
    p = model.predict(x, threads=threads)
    after, reason, counts = apply_vetoes(p, x, config)
    return Scored(x, p, after, reason, counts)


def score_pairs(
    arrays: OfferArrays,
    pairs: np.ndarray,
    model: MatchModel,
    config: MatchConfig,
    advance: Callable[[int], None] | None = None,
) -> ScoredPairs:
    """Score (m, 2) offer-row pairs in chunks of ``config.chunk_pairs``."""
    m = len(pairs)
    prob = np.empty(m, dtype=np.float32)
    raw = np.empty(m, dtype=np.float32)
    veto = np.empty(m, dtype=object)
    counts: dict[str, int] = {}
    workers = max(1, min(config.workers or (os.cpu_count() or 1), 8))
    # chunks small enough that every worker gets several; numpy, RapidFuzz and LightGBM
    # release the GIL, so threads score chunks in parallel without copying the offer arrays
    step = max(1, min(config.chunk_pairs, -(-m // (2 * workers)) if m else 1))

    def one(lo: int) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, dict[str, int]]:
        hi = min(m, lo + step)
        s = score_block(arrays, pairs[lo:hi, 0], pairs[lo:hi, 1], model, config)
        return lo, s.model_probability, s.probability, s.veto, s.veto_counts

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for lo, p, after, reason, c in pool.map(one, range(0, m, step)):
            hi = lo + len(p)
            raw[lo:hi], prob[lo:hi], veto[lo:hi] = p, after, reason
            for k, v in c.items():
                counts[k] = counts.get(k, 0) + v
            if advance:
                advance(hi - lo)
    return ScoredPairs(pairs[:, 0].copy(), pairs[:, 1].copy(), prob, raw, veto, counts)


def in_context(model: MatchModel, a: np.ndarray, b: np.ndarray, pair_p: np.ndarray, vetoed: np.ndarray,
               seller: np.ndarray) -> np.ndarray:
    """Final match probabilities of scored pairs: the model's context stage, or the pair probability.

    ``pair_p`` is each pair's probability after vetoes and ``vetoed`` whether a veto struck it
    (a vetoed pair stays at its vetoed probability whatever its context). All pairs of the
    run so far go in at once: each pair's context is every other pair of its two offers.
    A pair whose offers' sellers are unknown keeps its pair probability: the context is
    the sellers' (PriceRunner read without its shops: F1 0.492 kept, 0.470 in context).
    """
    if model.context is None or len(a) == 0:
        return np.asarray(pair_p, np.float32)
    ctx_a, ctx_b = end_context(a, b, pair_p, seller)
    return context_probability(model, pair_p, ctx_a, ctx_b, ~vetoed & (seller[a] >= 0) & (seller[b] >= 0))


def context_probability(model: MatchModel, pair_p: np.ndarray, ctx_a: np.ndarray, ctx_b: np.ndarray,
                        use: np.ndarray, threads: int = 0) -> np.ndarray:
    """The context model's probability where ``use``, else the pair probability (both engines call this)."""
    out = np.asarray(pair_p, np.float32).copy()
    assert model.context is not None
    for lo in range(0, len(out), 1_000_000):   # features and the trees' float64 rows in bounded chunks
        hi = min(len(out), lo + 1_000_000)
        q = model.context.predict(context_features(out[lo:hi], ctx_a[lo:hi], ctx_b[lo:hi]), threads=threads)
        out[lo:hi] = np.where(use[lo:hi], q, out[lo:hi])
    return out
