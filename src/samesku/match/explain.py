"""Explain one match decision of a finished run: features, probability, contributions, veto."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from samesku import schema as S
from samesku.analyse.placeholders import mask_placeholders
from samesku.config import Config
from samesku.errors import InputError
from samesku.fitting import FittedState, without_sellers
from samesku.match.arrays import OfferArrays
from samesku.match.context import CONTEXT_FEATURES, pair_context
from samesku.match.features import FEATURES
from samesku.match.model import MatchModel
from samesku.match.prepare import prepare_offers
from samesku.match.score import in_context, score_block
from samesku.tasks import encoder_texts


def explain_pair(run: str | Path, offer_a: str, offer_b: str, top: int = 12) -> dict[str, Any]:
    """Recompute and explain the decision on one pair of offers of a run directory.

    The pair need not have been a candidate: the explanation says what the matcher would
    decide for it (encoder, IDF weights, seller styles and placeholders are the run's own, saved in ``fitted/``).
    """
    run = Path(run)
    for name in ("offers.parquet", "model.json", "summary.json", "fitted"):
        if not (run / name).exists():
            raise InputError(f"{run} is not a samesku run directory (missing {name})")
    offers = pq.read_table(run / "offers.parquet")
    ids = offers.column(S.OFFER_ID).combine_chunks()
    rows = []
    for oid in (offer_a, offer_b):
        hit = np.flatnonzero(pc.equal(ids, oid).to_numpy(zero_copy_only=False))
        if len(hit) == 0:
            raise InputError(f"offer {oid!r} is not in the run (it may have been rejected)")
        rows.append(int(hit[0]))
    fitted = FittedState.load(run / "fitted")
    sub = offers.take(rows)
    v = fitted.encoder.encode(encoder_texts(sub))
    vectors = np.zeros((offers.num_rows, v.shape[1]), dtype=np.float32)
    vectors[rows] = v
    summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
    if (summary.get("seller_check") or {}).get("sellers_ignored"):   # as the run's features read them
        offers = without_sellers(offers)
    arrays = prepare_offers(offers, vectors, fitted.token_idf, fitted.seller_style)
    mask_placeholders(arrays, fitted.placeholders)   # as in the run: a "no image" hash is no evidence
    model = MatchModel.load(run / "model.json")
    config = Config.from_dict(summary.get("config", {}))
    scored = score_block(arrays, np.array([rows[0]]), np.array([rows[1]]), model, config.match, threads=0)
    x, p_model, p, veto = scored.features, scored.model_probability, scored.probability, scored.veto
    final, context = _in_context(run, model, arrays, ids, offer_a, offer_b, rows, float(p[0]), bool(veto[0]))
    contrib = model.contributions(x)[0]
    order = np.argsort(-np.abs(contrib[:-1]))[:top]
    assignments = pq.read_table(run / "assignments.parquet", columns=[S.OFFER_ID, S.CLUSTER_ID])
    cl = dict(zip(assignments.column(S.OFFER_ID).to_pylist(), assignments.column(S.CLUSTER_ID).to_pylist(), strict=True))
    return {
        "offer_a": offer_a,
        "offer_b": offer_b,
        "title_a": offers.column(S.TITLE)[rows[0]].as_py(),
        "title_b": offers.column(S.TITLE)[rows[1]].as_py(),
        "probability": final,
        "pair_probability": float(p[0]),
        "model_probability": float(p_model[0]),
        "context": context,
        "veto": veto[0] or None,
        "same_cluster": cl.get(offer_a) == cl.get(offer_b),
        "features": {f: (None if np.isnan(x[0, i]) else float(x[0, i])) for i, f in enumerate(FEATURES)},
        "bias": float(contrib[-1]),
        "contributions": [
            {"feature": FEATURES[i], "value": None if np.isnan(x[0, i]) else float(x[0, i]), "contribution": float(contrib[i])}
            for i in order
        ],
    }


def _in_context(run: Path, model: MatchModel, arrays: OfferArrays, ids: Any, offer_a: str, offer_b: str,
                rows: list[int], pair_p: float, vetoed: bool) -> tuple[float, dict[str, float | None] | None]:
    """(final probability, context features) of the pair among the run's other pairs of its two offers."""
    if model.context is None:
        return pair_p, None
    edges = pq.read_table(run / "edges.parquet")
    col = "pair_probability" if "pair_probability" in edges.column_names else S.MATCH_PROBABILITY
    ea, eb = edges.column("offer_id_a").cast("string"), edges.column("offer_id_b").cast("string")
    pair = pa.array([offer_a, offer_b])
    touching = pc.or_(pc.is_in(ea, value_set=pair), pc.is_in(eb, value_set=pair))
    itself = pc.or_(pc.and_(pc.equal(ea, offer_a), pc.equal(eb, offer_b)), pc.and_(pc.equal(ea, offer_b), pc.equal(eb, offer_a)))
    near = edges.filter(pc.and_(touching, pc.invert(itself)))
    # offer ids of the neighbours -> rows of the run's offers
    row_of = {oid: i for i, oid in enumerate(ids.to_pylist())}
    a = np.array([row_of[o] for o in near.column("offer_id_a").cast("string").to_pylist()] + [rows[0]], np.int64)
    b = np.array([row_of[o] for o in near.column("offer_id_b").cast("string").to_pylist()] + [rows[1]], np.int64)
    p = np.r_[near.column(col).to_numpy(zero_copy_only=False).astype(np.float32), np.float32(pair_p)]
    vetoed_near = pc.is_valid(near.column("veto")).to_numpy(zero_copy_only=False)
    c = pair_context(a, b, p, arrays.seller)[-1]
    final = in_context(model, a, b, p, np.r_[vetoed_near, vetoed], arrays.seller)[-1]
    return float(final), {f: (None if np.isnan(c[i]) else float(c[i])) for i, f in enumerate(CONTEXT_FEATURES)}
