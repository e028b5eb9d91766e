"""The local engine: runs the pipeline in-process over Arrow tables, chunk by chunk.

It only moves data between the stage functions (read -> analyse -> encode -> per stage:
keys/blocks -> score -> merge -> uncertainty); every decision lives in the stages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from samesku import schema as S
from samesku._arrays import in_sorted, unique_int
from samesku.analyse import BrandGazetteer, load_synonyms
from samesku.analyse.placeholders import Placeholders, detect_placeholders, mask_placeholders
from samesku.config import Config
from samesku.engines.pool import map_chunks, worker_count
from samesku.fitting import (
    FittedState,
    check_sellers,
    count_groups,
    effective_config,
    fit_codebooks,
    fit_encoder,
    group_sample_positions,
    sample_positions,
    seller_check_summary,
    sellers_fail_check,
    without_sellers,
)
from samesku.io import read_offers
from samesku.keys.blocks import BlockStats
from samesku.keys.candidates import exclusion_groups, stage_candidates
from samesku.keys.encoder import TextEncoder
from samesku.keys.families import embedding_groups, name_token_counts, normalised_code_lists
from samesku.match.arrays import OfferArrays, arrays_from_table
from samesku.match.listing import KEY_COLUMNS, ColourListing, colour_listing_keys, colour_pair_sums
from samesku.match.model import MatchModel, load_model
from samesku.match.score import in_context, score_pairs
from samesku.match.seller_style import SellerStyle
from samesku.match.token_idf import TokenIdf
from samesku.merge.outputs import build_outputs
from samesku.merge.union import merge_edges
from samesku.progress import Reporter, Timer


@dataclass
class PipelineState:
    """Everything a run produced, in memory (the writer turns it into files)."""

    offers: pa.Table                 # validated + analysed offers (row i = entity i)
    rejected: pa.Table
    input_rows: int
    passthrough: list[str]
    vectors: np.ndarray
    arrays: OfferArrays
    labels: np.ndarray               # root offer row per offer
    edges: dict[str, np.ndarray]     # a, b, probability (final), pair_probability, model_probability, veto, stage
    stage_stats: list[dict[str, Any]] = field(default_factory=list)
    veto_counts: dict[str, int] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)
    weakest_link: np.ndarray | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    peak_mb: dict[str, float] = field(default_factory=dict)   # process peak RSS at the end of each step
    model: MatchModel | None = None
    encoder: TextEncoder | None = None
    token_idf: TokenIdf | None = None
    seller_style: SellerStyle | None = None
    placeholders: Placeholders | None = None
    seller_check: dict[str, Any] = field(default_factory=dict)   # see fitting.seller_check_summary
    colour_identity: dict[str, Any] = field(default_factory=dict)   # see match.listing.ColourListing.summary


def learn_gazetteer(offers: pa.Table, config: Config) -> BrandGazetteer:
    """The run's brand gazetteer, learned from all its offers (brand values, leading words)."""
    synonyms = load_synonyms(config.brand_synonyms) if config.brand_synonyms else None
    return BrandGazetteer.learn(offers, synonyms=synonyms)


def analyse_in_chunks(offers: pa.Table, gazetteer: BrandGazetteer, config: Config, timer: Timer) -> pa.Table:
    """Analyse offers chunk by chunk, in ``config.workers`` processes (each offer depends
    only on itself and the gazetteer)."""
    state = {"gazetteer": gazetteer, "attributes": config.attributes}
    with timer.step("analyse", offers.num_rows) as rep:
        parts = list(map_chunks("analyse", offers, config.chunk_rows, _workers(offers, config), state, rep.advance))
    return pa.concat_tables(parts).combine_chunks() if len(parts) > 1 else parts[0]


def _workers(offers: pa.Table, config: Config) -> int:
    # starting a process costs about a second: only worth it for large inputs
    return worker_count(config.workers) if offers.num_rows >= 2 * config.chunk_rows else 1


def without_attributes(offers: pa.Table) -> pa.Table:
    """The analysed offers with every extracted attribute blanked (the ablation)."""
    n = offers.num_rows
    empty = pa.array([[]] * n, pa.list_(pa.string()))
    blank: dict[str, pa.Array] = {
        S.COUNT: pa.array(np.ones(n, dtype=np.int64)),
        S.AMOUNT: pa.nulls(n, pa.float64()),
        S.UNIT: pa.nulls(n, pa.string()),
        S.AMOUNTS: pa.array([[]] * n, pa.list_(pa.float64())),
        S.MODEL_CODES: empty,
        S.GTINS: empty,
        S.BRAND_NORM: pa.nulls(n, pa.string()),
        S.COLORS: empty,
        S.VARIANT: empty,
    }
    for name, values in blank.items():
        offers = offers.set_column(offers.column_names.index(name), name, values)
    return offers


def encoder_texts(offers: pa.Table) -> list[str]:
    """The text that is embedded: canonical brand + clean title + model codes without separators.

    The joined codes make ``wfc 3c24 p x uk`` and ``wfc3c24pxuk`` share their n-grams
    (PriceRunner, k=10 in category: direct neighbour recall 0.61 -> 0.67).
    """
    brand = pc.fill_null(offers.column(S.BRAND_NORM), "")
    title = pc.fill_null(offers.column(S.TITLE_CLEAN), "")
    joined = pc.utf8_lower(pc.binary_join(normalised_code_lists(offers), " "))
    return pc.binary_join_element_wise(brand, title, pc.fill_null(joined, ""), " ").to_pylist()


def encode_and_prepare(offers: pa.Table, encoder: TextEncoder, token_idf: TokenIdf, seller_style: SellerStyle,
                       config: Config, timer: Timer) -> OfferArrays:
    """Title vectors and pair-feature arrays of every offer, chunk by chunk, in worker processes."""
    state = {"encoder": encoder, "token_idf": token_idf, "seller_style": seller_style}
    n = offers.num_rows
    out: dict[str, np.ndarray] = {}
    pos = 0
    with timer.step("encode", n) as rep:
        # each chunk is copied into arrays allocated once for the whole catalog and dropped:
        # holding every chunk and concatenating at the end doubled the peak (~2 KiB an offer)
        for _, t in map_chunks("encode_prepare", offers, config.chunk_rows, _workers(offers, config), state, rep.advance):
            part = arrays_from_table(t)
            del t
            m = len(part.titles)
            for f in OfferArrays.__dataclass_fields__:
                v = getattr(part, f)
                if f not in out:
                    out[f] = np.empty((n, *v.shape[1:]), dtype=v.dtype)
                out[f][pos:pos + m] = v
            pos += m
            del part
    return OfferArrays(**out)   # map_chunks yields one (empty) chunk for an empty table too


def colour_listing(offers: pa.Table, config: Config) -> ColourListing:
    """How the catalog's shops list colours (:mod:`samesku.match.listing`), counted over all
    offers chunk by chunk (each chunk's keys pre-counted, so memory follows distinct keys)."""
    parts = []
    for lo in range(0, offers.num_rows, config.chunk_rows):
        keys = colour_listing_keys(offers.slice(lo, config.chunk_rows))
        parts.append(keys.group_by(list(KEY_COLUMNS)).aggregate([("cat", "count")]).rename_columns([*KEY_COLUMNS, "n"]))
    if not parts:
        return ColourListing.none()
    return ColourListing.fit(colour_pair_sums(pa.concat_tables(parts)))


@dataclass
class PreparedOffers:
    """Analysed, encoded offers with their pair-feature arrays and the run's fitted state."""

    offers: pa.Table
    vectors: np.ndarray
    arrays: OfferArrays
    fitted: FittedState


def prepare_offers_for_run(read: pa.Table, config: Config, timer: Timer) -> PreparedOffers:
    """Fit the run's models and analyse, encode and prepare every offer.

    The fitted parts come from all offers' mergeable statistics (brands, token counts,
    group sizes) and from the deterministic sample of :func:`samesku.fitting.sample_positions`,
    as in every engine.
    """
    with timer.step("learn brands"):
        gazetteer = learn_gazetteer(read, config)
    offers = analyse_in_chunks(read, gazetteer, config, timer)
    rows = offers.column(S.ROW_NUMBER).to_numpy() if S.ROW_NUMBER in offers.column_names else np.arange(offers.num_rows)
    with timer.step("fit encoder"):
        sample = offers.take(pa.array(sample_positions(rows, config.encoder.fit_sample)))
        encoder = fit_encoder(encoder_texts(sample), config)
        token_idf = TokenIdf.fit(sample)
        seller_check = check_sellers(sample)
        # sellers that fail the check say nothing: pair features read no seller (the outputs keep it)
        featured = without_sellers(offers) if sellers_fail_check(seller_check, config) else offers
    with timer.step("colour listing"):   # a pass over all offers, not the sample
        seller_style = SellerStyle.fit(sample, colour_listing(featured, config))
    arrays = encode_and_prepare(featured, encoder, token_idf, seller_style, config, timer)
    del featured
    vectors = arrays.vectors
    with timer.step("placeholders"):
        placeholders = detect_placeholders(offers, vectors)
        mask_placeholders(arrays, placeholders)
    with timer.step("fit keys"):
        name_df = name_token_counts(offers)
        groups = embedding_groups(offers, config.blocking.embedding_within_category)
        sizes = count_groups(groups)
        gpos = group_sample_positions(groups, rows, sizes, config)
        codebooks = fit_codebooks(sizes, groups[gpos], vectors[gpos], config)
    fitted = FittedState(gazetteer, encoder, token_idf, name_df, codebooks, placeholders, seller_style, seller_check)
    return PreparedOffers(offers, vectors, arrays, fitted)


def _stats_dict(st: BlockStats) -> dict[str, Any]:
    return {
        "family": st.family,
        "keys": st.keys,
        "entities_with_key": st.entities_with_key,
        "blocks_all_pairs": st.blocks_all_pairs,
        "blocks_knn": st.blocks_knn,
        "largest_block": st.largest_block,
        "heavy_keys": [{"key": k, "size": s} for k, s in st.heavy_keys],
        "pairs": st.pairs,
        "max_pairs_per_entity": st.max_pairs_per_entity,
        "seconds": round(st.seconds, 3),
    }


def run_stages(
    prep: PreparedOffers, model: MatchModel, config: Config, timer: Timer
) -> tuple[np.ndarray, dict[str, np.ndarray], list[dict[str, Any]], dict[str, int], dict[str, int], np.ndarray]:
    """Run the configured stages; each stage blocks on the clusters of the previous one."""
    offers, vectors, arrays = prep.offers, prep.vectors, prep.arrays
    n = offers.num_rows
    seen = np.empty(0, dtype=np.int64)   # pair codes scored by earlier stages
    labels = np.arange(n, dtype=np.int64)
    weakest = np.ones(n, dtype=np.float64)
    cols: dict[str, list[np.ndarray]] = {k: [] for k in ("a", "b", "pair_probability", "model_probability", "veto", "stage")}
    stage_stats: list[dict[str, Any]] = []
    veto_counts: dict[str, int] = {}
    refused: dict[str, int] = {}
    groups = exclusion_groups(arrays.seller, config)   # offers never paired with their own shop
    p = np.empty(0, dtype=np.float32)                   # final probabilities of every edge so far
    for si, families in enumerate(config.blocking.stages, start=1):
        with timer.step(f"stage {si} candidates"):
            cand = stage_candidates(offers, vectors, families, labels, config.blocking, seed=config.seed + si,
                                    name_df=prep.fitted.name_df, codebooks=prep.fitted.codebooks,
                                    placeholders=prep.fitted.placeholders, groups=groups)
            # a pair an earlier stage scored is not scored again (codes are sorted: the
            # candidate pairs are canonical, sorted by (a, b))
            code = cand.pairs[:, 0] * n + cand.pairs[:, 1] if len(cand.pairs) else np.empty(0, np.int64)
            fresh = ~in_sorted(code, seen)
            pairs = cand.pairs[fresh]
            if si < len(config.blocking.stages):
                seen = unique_int(np.concatenate([seen, code[fresh]]))
        with timer.step(f"stage {si} match", len(pairs)) as rep:
            scored = score_pairs(arrays, pairs, model, config.match, advance=rep.advance)
        for k, v in scored.veto_counts.items():
            veto_counts[k] = veto_counts.get(k, 0) + v
        cols["a"].append(scored.a)
        cols["b"].append(scored.b)
        cols["pair_probability"].append(scored.probability)
        cols["model_probability"].append(scored.model_probability)
        cols["veto"].append(scored.veto)
        cols["stage"].append(np.full(len(scored.a), si, dtype=np.int8))
        a, b, pair_p, veto = (np.concatenate(cols[k]) for k in ("a", "b", "pair_probability", "veto"))
        # the context of every edge so far: a later stage's pairs change earlier pairs' context
        with timer.step(f"stage {si} context", len(a)):
            p = in_context(model, a, b, pair_p, veto != "", arrays.seller)
        # merge all edges scored so far, strongest first: a later stage's strong edge is
        # weighed against earlier ones, and merging stays deterministic
        with timer.step(f"stage {si} merge", len(a)):
            res = merge_edges(n, a, b, p, arrays, config.merge, config.match.threshold)
        labels, weakest, refused = res.labels, res.weakest_link, res.refused
        stage_stats.append(
            {
                "stage": si,
                "families": list(families),
                "candidate_pairs": int(len(pairs)),
                "pairs_per_offer": float(len(pairs) / max(n, 1)),
                "accepted_pairs": int((p[len(p) - len(pairs):] >= config.match.threshold).sum()),
                "clusters_after": int(len(unique_int(labels))),
                "families_detail": [_stats_dict(s) for s in cand.family_stats],
            }
        )
    edges = {k: (np.concatenate(v) if v else np.empty(0)) for k, v in cols.items()}
    edges["probability"] = p
    return labels, edges, stage_stats, veto_counts, refused, weakest


def run_local(
    inputs: list[str | Path],
    config: Config,
    mapping: dict[str, str] | None = None,
    model: MatchModel | None = None,
    reporter: Reporter | None = None,
) -> PipelineState:
    """Run the whole pipeline in-process and return its state."""
    timer = Timer(reporter)
    with timer.step("read") as rep:
        read = read_offers(inputs, mapping, max_title_chars=config.max_title_chars, progress=rep.advance)
    prep = prepare_offers_for_run(read.offers, config, timer)
    given, config = config, effective_config(config, prep.fitted.seller_check)   # the seller constraint may be off
    model = model or load_model(config.match.model_path)
    labels, edges, stage_stats, veto_counts, refused, weakest = run_stages(prep, model, config, timer)
    offers, vectors, arrays, encoder = prep.offers, prep.vectors, prep.arrays, prep.fitted.encoder
    return PipelineState(
        offers=offers,
        rejected=read.rejected,
        input_rows=read.input_rows,
        passthrough=read.passthrough,
        vectors=vectors,
        arrays=arrays,
        labels=labels,
        edges=edges,
        stage_stats=stage_stats,
        veto_counts=veto_counts,
        refused=refused,
        weakest_link=weakest,
        seconds=timer.seconds,
        peak_mb=timer.peak_mb,
        model=model,
        encoder=encoder,
        token_idf=prep.fitted.token_idf,
        seller_style=prep.fitted.seller_style,
        placeholders=prep.fitted.placeholders,
        seller_check=seller_check_summary(prep.fitted.seller_check, given, config),
        colour_identity=_colour_summary(prep),
    )


def _colour_summary(prep: PreparedOffers) -> dict[str, Any]:
    style = prep.fitted.seller_style
    if style is None or S.CATEGORY not in prep.offers.column_names:
        return {}
    return style.colour.summary([c for c in pc.unique(prep.offers.column(S.CATEGORY)).to_pylist() if c])


def cluster_tables(state: PipelineState) -> tuple[pa.Table, pa.Table]:
    """(assignments, clusters) tables from a finished pipeline state."""
    e = state.edges
    weakest = state.weakest_link if state.weakest_link is not None else np.ones(state.offers.num_rows)
    return build_outputs(state.offers, state.arrays, state.labels, e["a"], e["b"], e["probability"], weakest,
                         state.passthrough)
