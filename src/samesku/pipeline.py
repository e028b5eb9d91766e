"""The pipeline, written once: the steps of a run in the order they run, for any engine.

=========================  ======================================  ==============================
step                       stage function                          layout the engine provides
=========================  ======================================  ==============================
read                       ``io.read_offers`` / ``io.read_table``  files or a table -> offers
learn brands               ``tasks.lead_words`` + aggregates       per batch, then group-by
analyse                    ``tasks.analyse``                       per batch of offers (workers)
fit encoder                ``fitting.fit_encoder``, IDF, sellers   the deterministic sample
colour listing             ``tasks.colour_keys`` + aggregates      per batch, then group-by
encode                     ``tasks.encode``                        per batch of offers (workers)
placeholders               ``placeholders.coherence``              per identifier value
fit keys                   ``tasks.title_tokens``, codebooks       per batch + group-by; sample
stage N candidates         ``keys.candidates``, ``keys.blocks``    per key block
stage N match              ``match.score.score_block``             per batch of pairs + offers
stage N context            ``match.context``                       per offer
stage N merge              ``merge.union.merge_edges``             per connected component
outputs                    ``merge.outputs.build_outputs``         per bucket of whole clusters
=========================  ======================================  ==============================

The stage loop over ``config.blocking.stages`` exists here only. Engines
(:mod:`samesku.engines.base`) move data; the run's summary, report and files come from
:mod:`samesku.result`, the same for every engine.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from samesku import schema as S
from samesku import tasks
from samesku.analyse import BrandGazetteer, load_synonyms
from samesku.analyse.brand import brands_from_lead_stats, normalise_brand, series_aliases
from samesku.analyse.placeholders import MIN_OFFERS as PLACEHOLDER_MIN_OFFERS
from samesku.analyse.placeholders import placeholders_from_coherence
from samesku.config import Config
from samesku.engines.base import Data, Engine, Task
from samesku.fitting import (
    FittedState,
    check_sellers,
    effective_config,
    fit_codebooks,
    fit_encoder,
    seller_check_summary,
    sellers_fail_check,
)
from samesku.keys.codebook import SAMPLE_PER_CELL, cells_for
from samesku.keys.sketches import TokenCounts
from samesku.match.listing import KEY_COLUMNS, ColourListing, colour_pair_sums
from samesku.match.model import MatchModel, load_model
from samesku.match.seller_style import SellerStyle
from samesku.match.token_idf import TokenIdf
from samesku.merge.outputs import ClusterNaming
from samesku.progress import Reporter, Timer
from samesku.result import RunResult, build_summary

#: what ``cluster`` accepts as offers: file paths, or a table (pyarrow, pandas, Polars, ...)
Offers = Sequence[str | Path] | str | Path | Any


def make_engine(engine: str | Engine, config: Config, spark_master: str | None = None, spark: Any = None) -> Engine:
    """The engine of a run: the one place that picks one by name."""
    if isinstance(engine, Engine):
        return engine
    if engine == "local":
        from samesku.engines.local import LocalEngine

        return LocalEngine(config)
    if engine == "spark":
        from samesku.engines.spark import SparkEngine

        return SparkEngine(config, master=spark_master, spark=spark)
    from samesku.errors import ConfigError

    raise ConfigError(f"engine must be 'local' or 'spark', not {engine!r}")


# --- fit -----------------------------------------------------------------------------------
def learn_brands(eng: Engine, offers: Data, config: Config) -> BrandGazetteer:
    """The brand gazetteer from all offers: brand values and leading title words."""
    words = eng.map_batches(offers, Task(tasks.lead_words), tasks.WORDS_SCHEMA, columns=[S.TITLE])
    stats = eng.aggregate(words, ["first"], [("second", "count", "titles"), ("second", "count_distinct", "distinct_next")])
    leads = brands_from_lead_stats(stats)
    values = eng.distinct(offers, S.BRAND)
    brands = leads | {v for v in map(normalise_brand, values) if v}
    pairs = eng.aggregate(words, ["first", "second"], [("second", "count", "titles")], at_least=("titles", 3))
    synonyms = load_synonyms(config.brand_synonyms) if config.brand_synonyms else None
    return BrandGazetteer.from_statistics(values, leads, synonyms, series_aliases(pairs, stats, brands))


def analyse(eng: Engine, offers: Data, gazetteer: BrandGazetteer, config: Config, timer: Timer) -> Data:
    """The analysed offers (per batch, in worker processes where the engine has them)."""
    schema = _analysed_schema(eng, offers)
    task = Task(tasks.analyse, {"gazetteer": gazetteer, "attributes": config.attributes}, heavy=True)
    with timer.step("analyse", eng.count(offers)) as rep:
        return eng.map_batches(offers, task, schema, progress=rep.advance)


def _analysed_schema(eng: Engine, offers: Data) -> pa.Schema:
    fields = [f for f in eng.schema_of(offers) if f.name not in S.ANALYSIS_SCHEMA.names]
    return pa.schema(fields + list(S.ANALYSIS_SCHEMA))


def colour_listing(eng: Engine, analysed: Data, no_sellers: bool) -> ColourListing:
    """How the catalog's shops list colours, counted over all offers (:mod:`samesku.match.listing`)."""
    if no_sellers:
        return ColourListing.none()
    keys = eng.map_batches(analysed, Task(tasks.colour_keys), tasks.COLOUR_KEYS_SCHEMA)
    counts = eng.aggregate(keys, list(KEY_COLUMNS), [("cat", "count", "n")])
    if counts.num_rows == 0:
        return ColourListing.none()
    return ColourListing.fit(colour_pair_sums(counts))


def name_counts(eng: Engine, prepared: Data) -> TokenCounts:
    """Title-token document frequencies of every offer (the ``name`` keys)."""
    tok = eng.map_batches(prepared, Task(tasks.title_tokens), tasks.TOKEN_SCHEMA, columns=[S.TITLE_CLEAN])
    counts = eng.aggregate(tok, ["h"], [("h", "count", "count")])
    return TokenCounts().update(counts.column("h").to_numpy(), counts.column("count").to_numpy())


def encode_task(encoder: Any, token_idf: TokenIdf, seller_style: SellerStyle | None, no_sellers: bool) -> Task:
    """The encode step's task: title vectors and pair-feature arrays per batch of analysed offers."""
    return Task(tasks.encode, {"encoder": encoder, "token_idf": token_idf, "seller_style": seller_style,
                               "no_sellers": no_sellers}, heavy=True)


def prepare_with(eng: Engine, analysed: Data, fitted: FittedState, config: Config, timer: Timer,
                 step: str = "encode") -> Data:
    """Encode and prepare analysed offers with a fitted state (a store's ingest: nothing is fitted)."""
    no_sellers = sellers_fail_check(fitted.seller_check, config)
    task = encode_task(fitted.encoder, fitted.token_idf, fitted.seller_style, no_sellers)
    with timer.step(step, eng.count(analysed)) as rep:
        prepared = eng.encode(analysed, task, rep.advance)
    if fitted.placeholders.gtins or fitted.placeholders.phashes:
        prepared = eng.mask_placeholders(prepared, fitted.placeholders)
    return prepared


def fit_and_prepare(eng: Engine, offers: Data, config: Config, timer: Timer) -> tuple[Data, FittedState]:
    """Fit the run's state from its offers and analyse, encode and prepare every offer.

    The fitted parts come from mergeable statistics over all offers (brands, token counts,
    group sizes) and from the deterministic sample, so every engine fits the same state.
    """
    with timer.step("learn brands"):
        gazetteer = learn_brands(eng, offers, config)
    analysed = analyse(eng, offers, gazetteer, config, timer)
    with timer.step("fit encoder"):
        sample = eng.sample(analysed, config.encoder.fit_sample)
        encoder = fit_encoder(tasks.encoder_texts(sample), config)
        token_idf = TokenIdf.fit(sample)
        seller_check = check_sellers(sample)
        no_sellers = sellers_fail_check(seller_check, config)   # sellers that fail the check say nothing
    with timer.step("colour listing"):   # a pass over all offers, not the sample
        seller_style = SellerStyle.fit(sample, colour_listing(eng, analysed, no_sellers))
    del sample
    task = encode_task(encoder, token_idf, seller_style, no_sellers)
    with timer.step("encode", eng.count(analysed)) as rep:
        prepared = eng.encode(analysed, task, rep.advance)
    del analysed
    with timer.step("placeholders"):
        coh = eng.placeholder_coherence(prepared, PLACEHOLDER_MIN_OFFERS)
        placeholders = placeholders_from_coherence(coh.column("kind").to_pylist(), coh.column("value").to_pylist(),
                                                   coh.column("offers").to_pylist(), coh.column("coherence").to_pylist())
        if placeholders.gtins or placeholders.phashes:
            prepared = eng.mask_placeholders(prepared, placeholders)
    with timer.step("fit keys"):
        name_df = name_counts(eng, prepared)
        embedding_block = config.blocking.embedding_block
        sizes, groups, vectors = eng.group_sample(prepared, config.blocking.embedding_within_category,
                                                  lambda size: cells_for(size, embedding_block) * SAMPLE_PER_CELL)
        codebooks = fit_codebooks(sizes, np.asarray(groups.column("_g").to_pylist(), dtype=object), vectors, config)
    return prepared, FittedState(gazetteer, encoder, token_idf, name_df, codebooks, placeholders, seller_style, seller_check)


# --- stages --------------------------------------------------------------------------------
def run_stages(eng: Engine, prepared: Data, fitted: FittedState, model: MatchModel, config: Config, timer: Timer,
               scored: Data | None = None, units: Any = None) -> tuple[Data, Data, list[dict[str, Any]], dict[str, int]]:
    """(labels, edges, stage statistics, refused merges): each stage blocks on the clusters of the one before.

    ``scored``: edges among these offers scored before (a store's ingest re-clusters its
    working set with them): their pairs are not scored again, and they take part in the
    context and the merge like the stages' own. ``units``: stored clusters that take part
    through a few of their members (:class:`samesku.merge.union.Units`).
    """
    n = eng.count(prepared)
    labels = eng.initial_labels(prepared)
    edges: Data | None = scored
    stage_stats: list[dict[str, Any]] = []
    refused: dict[str, int] = {}
    for si, families in enumerate(config.blocking.stages, start=1):
        with timer.step(f"stage {si} candidates"):
            # a pair an earlier stage scored is not scored again
            cand = eng.candidates(prepared, labels, families, si, fitted, config, edges)
        with timer.step(f"stage {si} match", cand.count) as rep:
            scored = eng.score(cand.pairs, prepared, model, config, si, rep.advance)
        edges = eng.union(edges, scored)
        # the context of every edge so far: a later stage's pairs change earlier pairs' context
        with timer.step(f"stage {si} context"):
            edges = eng.context(edges, prepared, model)
        # all edges scored so far, strongest first: a later stage's strong edge is weighed
        # against earlier ones, and merging stays deterministic
        with timer.step(f"stage {si} merge"):
            merged = eng.merge(edges, prepared, config, units)
        labels, refused = merged.labels, merged.refused
        accepted = eng.accepted_pairs(edges, si, config.match.threshold)
        stage_stats.append({
            "stage": si, "families": list(families), "candidate_pairs": int(cand.count),
            "pairs_per_offer": float(cand.count / max(n, 1)), "accepted_pairs": int(accepted),
            "clusters_after": int(merged.clusters), "families_detail": cand.family_stats,
        })
    if edges is None:
        from samesku.errors import ConfigError

        raise ConfigError("blocking.stages is empty: a run needs at least one stage")
    return labels, edges, stage_stats, refused


def cluster(
    offers: Offers,
    *,
    config: Config | None = None,
    mapping: dict[str, str] | None = None,
    model: MatchModel | None = None,
    engine: str | Engine = "local",
    reporter: Reporter | None = None,
    naming: ClusterNaming | None = None,
    spark_master: str | None = None,
    spark: Any = None,
) -> RunResult:
    """Cluster offers into same-product groups; nothing is written until ``result.write(dir)``.

    Args:
        offers: CSV / JSON Lines / Parquet files or folders, or a table: a ``pyarrow.Table``,
            a pandas or Polars DataFrame (anything with ``__arrow_c_stream__``).
        config: run configuration (defaults when None).
        mapping: canonical column name -> source column name (``{"offer_id": "sku"}``).
        model: a match model (default: ``config.match.model_path`` or the shipped model).
        engine: ``"local"`` (in-process) or ``"spark"`` (PySpark), or an :class:`Engine`.
        reporter: progress reporter (silent when None).
        naming: how clusters are named (default: a hash of the smallest member ``offer_id``).
        spark_master: Spark master URL for the Spark engine (default: ``config.spark.master``).
        spark: an existing SparkSession for the Spark engine.

    Returns:
        The :class:`~samesku.result.RunResult`: assignments, clusters, edges, rejected,
        offers (Arrow tables), the summary and the fitted state.
    """
    t0 = time.perf_counter()
    given = (config or Config()).validate()
    eng = make_engine(engine, given, spark_master, spark)
    timer = eng.timer(reporter)
    source = _source(offers)
    with timer.step("read") as rep:
        read = eng.read(source, mapping, given, progress=rep.advance)
    prepared, fitted = fit_and_prepare(eng, read.offers, given, timer)
    config = effective_config(given, fitted.seller_check)   # the seller constraint may be off
    model = model or load_model(config.match.model_path)
    labels, edges, stage_stats, refused = run_stages(eng, prepared, fitted, model, config, timer)
    with timer.step("outputs"):
        assignments, clusters, edge_table = eng.outputs(prepared, labels, edges, read.passthrough, config, naming)
    vetoes = eng.veto_counts(edges)
    result = RunResult(engine=eng, assignments=assignments, clusters=clusters, edges=edge_table, rejected=read.rejected,
                       offers=eng.analysed_offers(prepared), fitted=fitted, model=model)
    extra = {
        "input_rows": int(read.input_rows), "stages": stage_stats, "vetoes": vetoes, "refused_merges": refused,
        "placeholders": fitted.placeholders.to_dict(),
        "seller_check": seller_check_summary(fitted.seller_check, given, config),
        "colour_identity": _colour_summary(eng, prepared, fitted),
        "seconds": {k: round(v, 3) for k, v in timer.seconds.items()},
        "peak_rss_mb_by_step": dict(timer.peak_mb),
        "model": model.metadata.get("name", "custom"),
        "config": given.to_dict(),
    }
    result.summary = build_summary(result, extra, time.perf_counter() - t0)
    return result


def _source(offers: Offers) -> Sequence[str | Path] | pa.Table:
    """File paths as a list, or any table as a pyarrow Table."""
    if isinstance(offers, str | Path):
        return [offers]
    if isinstance(offers, pa.Table):
        return offers
    if isinstance(offers, Sequence) and all(isinstance(x, str | Path) for x in offers):
        return list(offers)
    from samesku.io import as_arrow_table

    return as_arrow_table(offers)


def _colour_summary(eng: Engine, prepared: Data, fitted: FittedState) -> dict[str, Any]:
    style = fitted.seller_style
    if style is None:
        return {}
    categories = [c for c in eng.distinct(prepared, S.CATEGORY) if c]
    return style.colour.summary(categories) if categories else {}


def prepare_for_training(offers: pa.Table, config: Config, timer: Timer) -> tuple[pa.Table, Any, FittedState]:
    """(analysed offers, pair-feature arrays, fitted state) of an in-memory table, as a run prepares them
    (what ``samesku train`` builds its pairs from)."""
    eng = make_engine("local", config)
    prepared, fitted = fit_and_prepare(eng, offers, config, timer)
    return prepared.offers, prepared.arrays, fitted


def analysed_offers(offers: pa.Table, config: Config, timer: Timer) -> pa.Table:
    """Analyse an in-memory table of validated offers with a gazetteer learnt from them (``samesku analyse``)."""
    eng = make_engine("local", config)
    with timer.step("learn brands"):
        gazetteer = learn_brands(eng, offers, config)
    out: pa.Table = analyse(eng, offers, gazetteer, config, timer)
    return out

