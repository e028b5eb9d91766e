"""Typed, frozen configuration of a samesku run, loadable from TOML.

Every knob has a default that works on a laptop; each field's comment says what it trades.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from samesku.errors import ConfigError

#: Key families a stage may use (see ``samesku.keys.families``).
KEY_FAMILIES: tuple[str, ...] = (
    "gtin", "code", "code_prefix", "name", "embedding", "sighash", "phash", "category",
)


@dataclass(frozen=True)
class EncoderConfig:
    """Text encoder: hashed character n-gram TF-IDF, sparse random projection to a dense vector."""

    ngram_min: int = 2
    ngram_max: int = 4
    n_features: int = 2**20   # hashing space; larger = fewer collisions, more memory per chunk
    dims: int = 256           # dense dimensions; more = closer to exact cosine, more memory and time
    fit_sample: int = 50_000  # offers the IDF is fitted on (bounded fit cost)
    model_path: str | None = None  # optional local sentence-transformers model (never downloaded)
    seed: int = 0


@dataclass(frozen=True)
class BlockingConfig:
    """Candidate generation: stages of key families, skew control, neighbours per block."""

    # Ordered stages; each is a list of key families. Later stages work on the clusters the
    # earlier stages produced (one representative offer per cluster and key). Image hash bands
    # key nothing where a catalog has no ``image_phash`` (PriceRunner: identical figures); with
    # hashes (synthetic catalogs, 60 % of offers) they lift F1 0.893 -> 0.915 at 100k and
    # 0.867 -> 0.886 at 1M for 0.7-0.8 more pairs per offer.
    stages: tuple[tuple[str, ...], ...] = (
        ("gtin", "code", "code_prefix", "phash"),
        ("embedding", "name"),
    )
    knn_k: int = 10            # neighbours kept per entity inside a key block; pairs per entity ~ k x keys
    embedding_k: int = 20      # title-vector neighbours per entity (the embedding family)
    embedding_k_weak: int = 100  # neighbours of an entity with no GTIN, model code or brand: only its
                                 # title can place it, so it searches wider ...
    weak_share_cap: float = 0.1  # ... as long as such offers are at most this share of the catalog; beyond,
                                 # the extra neighbours shrink so the extra work stays that of this share
    max_block: int = 256       # blocks above this many entities are split (bounded work per entity)
    embedding_block: int = 2048  # exact neighbour search up to this group size; larger groups are
                                 # cut into k-means cells (recall vs time: work ~ block x dims per offer)
    embedding_within_category: bool = True  # search title neighbours inside the category only
    sighash_bits: int = 16     # bits of the quantised embedding hash ("sighash") key
    phash_bands: int = 4       # bands of the 64-bit image hash; Hamming <= bands-1 always collides
    phash_max_distance: int = 10  # band-mates whose whole hashes differ in more bits met by chance: no pair
    max_keys_per_entity: int = 8  # cap per family so a title with 40 codes cannot explode work


@dataclass(frozen=True)
class MatchConfig:
    """Pair scoring and hard vetoes."""

    model_path: str | None = None   # None = the default model shipped in the package
    threshold: float = 0.5          # match probability at which a pair becomes a merge edge
    veto_gtin: bool = True          # two valid, different GTINs never match
    veto_count: bool = True         # different item counts (120 tabs vs 40 tabs) never match
    veto_amount: bool = True        # different amounts per item (500 ml vs 1 l) never match
    veto_model_code: bool = True    # clearly conflicting model codes never match
    chunk_pairs: int = 200_000      # pairs scored per chunk (bounds memory)
    workers: int = 0                # scoring threads; 0 = one per core


@dataclass(frozen=True)
class MergeConfig:
    """Constrained merging of match edges into clusters."""

    # Between two clusters that are both at least this big, one strong edge is not enough:
    # the average match probability over all scored cross pairs must reach avg_threshold.
    large_cluster: int = 3
    avg_threshold: float = 0.5
    # ... and their accepted cross edges must involve at least this many members of each
    # cluster (1 = off): a bridge offer otherwise carries the whole merge on its own
    min_cross_members: int = 2
    cannot_link_gtin: bool = True
    cannot_link_count: bool = True
    cannot_link_amount: bool = True
    cannot_link_model_code: bool = True
    # "off" | "soft" | "hard". Most catalogs list a product once per shop, so two offers of
    # one seller are evidence against a merge. Hard (default): two clusters holding offers of
    # the same seller never merge; soft: a shared seller raises the average support needed;
    # off: sellers are ignored (for marketplaces where shops list duplicates). Without a
    # seller column the constraint does nothing. Hard also keeps pairs of one seller out of
    # candidate generation: they could never merge. (Training pairs keep them: the default
    # model serves every setting, and a shop's identical titles of different products are
    # what teaches it that a shared seller argues against a match.)
    seller_constraint: str = "hard"
    seller_soft_penalty: float = 0.2
    # The constraint is only right where shops list a product once. Before the per-offer
    # stages, the run reads its fit sample: offers that share a GTIN or a model code (groups
    # of 2-50 sampled offers with a seller) should rarely come from one shop (PriceRunner:
    # 3 % of a group's pairs on average; synthetic catalogs: < 1 %). Above this share (a
    # seller column holding a platform or a couple of sources, each listing a product many
    # times: ~50 % with two values) the run switches the constraint off, its pair features
    # read no seller, and it says so in summary.json and the report; without the check such
    # a catalog kept F1 0.08 instead of 0.93. 1.0 here and below disables the check.
    seller_check_max_share: float = 0.25
    # Where at least 50 sampled groups share a GTIN, they alone decide, against this lower
    # share: a GTIN is one product (synthetic catalogs: 0.01 %; ten shops each holding a
    # tenth of every product's offers: 11 %, F1 0.35 under the constraint, 0.93 without).
    seller_check_max_gtin_share: float = 0.05
    # The guarded merge is a sequential strongest-first pass per connected component of
    # accepted edges, and chains of accepted edges make one component hold a large share of
    # the catalog (51 % of 1M synthetic offers). A component above this many offers is cut
    # into the components of its stronger edges (thresholds 0.75, 0.875, ... of the match
    # threshold's distance to 1) until each piece fits; accepted edges between pieces are
    # set aside (counted as refused "component_cap"). This bounds one merge task's memory
    # and time on any engine; 0 = no cap.
    max_component: int = 100_000


@dataclass(frozen=True)
class SparkConfig:
    """The Spark engine (``--engine spark``); ignored by the local engine."""

    master: str | None = None        # e.g. "local[2]", "yarn", "k8s://..."; None = spark-submit's
    shuffle_partitions: int = 8      # partitions of every shuffle; ~2-4 x executor cores
    max_records_per_batch: int = 20_000  # rows per Arrow batch handed to a stage function (memory per task)
    driver_memory: str = "4g"        # only applied when samesku starts the session itself
    component_iterations: int = 40   # cap on connected-components rounds (hooking + pointer jumping: ~log n)
    work_dir: str | None = None      # intermediate datasets (Parquet); None = a temporary folder, removed after the run


@dataclass(frozen=True)
class StoreConfig:
    """How an ingest chooses the stored offers it clusters a batch with (``samesku.store.working``)."""

    # per batch offer, the stored clusters sharing the most keys (and title-vector neighbours) with it
    clusters_per_offer: int = 32
    # a touched cluster this small is read whole and may split; a larger one takes part
    # through this many members and its profile (it can be joined or merged, not split)
    members_per_cluster: int = 64
    # nearest stored offers by title vector per batch offer and embedding cell
    vector_k: int = 8
    # a key held by more stored offers than this brings no clusters in (embedding cells are
    # searched by vector instead)
    max_postings: int = 500


@dataclass(frozen=True)
class Config:
    """The whole configuration of a run."""

    encoder: EncoderConfig = field(default_factory=EncoderConfig)
    blocking: BlockingConfig = field(default_factory=BlockingConfig)
    match: MatchConfig = field(default_factory=MatchConfig)
    merge: MergeConfig = field(default_factory=MergeConfig)
    spark: SparkConfig = field(default_factory=SparkConfig)
    store: StoreConfig = field(default_factory=StoreConfig)
    chunk_rows: int = 100_000      # offers analysed/encoded per chunk (bounds memory)
    workers: int = 0               # processes for analysis and encoding; 0 = one per core, 1 = in-process
    # False drops every extracted attribute (counts, amounts, model codes, GTINs, brands,
    # colours, variants) and keeps only the clean title: the talk's ablation, for measuring
    # what the attributes are worth. Never useful in production.
    attributes: bool = True
    max_title_chars: int = 2000
    brand_synonyms: str | None = None  # optional TSV/TOML file of cross-script brand names
    seed: int = 0

    @classmethod
    def from_toml(cls, path: str | Path) -> Config:
        """Load a config from a TOML file; unknown keys are errors, missing keys default."""
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read config {path}: {exc}") from exc
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Config:
        """Build a config from a nested dict (the TOML shape)."""
        return _build(cls, data, "")

    def to_dict(self) -> dict[str, Any]:
        """The config as a nested, TOML/JSON-serialisable dict."""
        return dataclasses.asdict(self)

    def validate(self) -> Config:
        """Check cross-field rules; returns self so it chains."""
        for stage in self.blocking.stages:
            for fam in stage:
                if fam not in KEY_FAMILIES:
                    raise ConfigError(f"unknown key family {fam!r}; known: {', '.join(KEY_FAMILIES)}")
        if self.merge.seller_constraint not in ("off", "soft", "hard"):
            raise ConfigError("merge.seller_constraint must be 'off', 'soft' or 'hard'")
        if not (0.0 <= self.merge.seller_check_max_share <= 1.0 and 0.0 <= self.merge.seller_check_max_gtin_share <= 1.0):
            raise ConfigError("merge.seller_check_max_share and seller_check_max_gtin_share must be in [0, 1] (1 disables)")
        if self.merge.max_component < 0 or 0 < self.merge.max_component < 2:
            raise ConfigError("merge.max_component must be 0 (no cap) or at least 2")
        if not 0.0 <= self.match.threshold <= 1.0:
            raise ConfigError("match.threshold must be in [0, 1]")
        if not 0 <= self.blocking.phash_max_distance <= 64:
            raise ConfigError("blocking.phash_max_distance must be in [0, 64] (64 keeps every band-mate)")
        if min(self.store.clusters_per_offer, self.store.members_per_cluster, self.store.vector_k,
               self.store.max_postings) < 1:
            raise ConfigError("store.clusters_per_offer, members_per_cluster, vector_k and max_postings must be >= 1")
        return self


def _build(cls: type, data: dict[str, Any], where: str) -> Any:
    if not isinstance(data, dict):
        raise ConfigError(f"{where or 'config'} must be a table")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in fields:
            raise ConfigError(f"unknown config key {where + key!r}; known: {', '.join(fields)}")
        f = fields[key]
        factory: Any = f.default_factory
        default = factory() if factory is not dataclasses.MISSING else f.default
        if dataclasses.is_dataclass(default):
            kwargs[key] = _build(type(default), value, f"{where}{key}.")
        elif key == "stages":
            kwargs[key] = tuple(tuple(s) for s in value)
        else:
            kwargs[key] = value
    return cls(**kwargs)
