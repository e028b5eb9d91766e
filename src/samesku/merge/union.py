"""Constrained merging: accepted pairs, strongest first, through a guarded union-find.

Plain connected components let one wrong edge chain two big clusters together. Here a
merge is refused when

* the two clusters hold conflicting identities (cannot-link at cluster level: different
  GTINs, unrelated model codes, different counts or amounts per item), or
* both clusters are large and the *average* match probability over their scored cross
  pairs (sampled) is below ``avg_threshold`` — one strong edge is not enough, or
* (seller constraint) both clusters hold an offer of the same shop: hard refuses, soft
  asks for more support.

Cost: O(E log E) for the sort plus amortised near-constant union-find work per edge; the
support check reads at most ``_SUPPORT_SAMPLE`` members' adjacency. The pass is sequential
inside one connected component of accepted edges, so components are capped at
``max_component`` offers (:func:`capped_components`): one merge task's work is bounded on
any engine, whatever share of the catalog one chain of accepted edges reaches.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from samesku.analyse.codes import codes_related
from samesku.config import MergeConfig
from samesku.match.arrays import OfferArrays
from samesku.match.features import AMOUNT_RTOL
from samesku.merge.profiles import Profile, ProfileSource

_SUPPORT_SAMPLE = 32     # members of the smaller cluster read for the average support
MERGE_CHUNK = 65_536     # offers per merge pass (whole components; one larger component is a chunk of its own)
REFUSAL_KINDS = ("gtin", "model_code", "count", "amount", "seller", "support", "component_cap")
LADDER_LEVELS = 8        # thresholds tried for an oversize component (the last level is kept whatever its size)


@dataclass
class MergeResult:
    """Cluster label per offer and what merging did."""

    labels: np.ndarray                     # int64 lowest member row of the offer's cluster
    weakest_link: np.ndarray               # per label row: min accepted edge p (1.0 singleton)
    merges: int = 0
    refused: dict[str, int] = field(default_factory=dict)


@dataclass
class Units:
    """Stored clusters in an ingest's merge, each through a few of its members: pairs of
    those members that must stay together (merged first, as edges of probability 1), and
    per cluster one member row carrying the whole cluster's profile."""

    a: np.ndarray
    b: np.ndarray
    profiles: dict[int, Profile]


def _codes_conflict(a: set[str], b: set[str]) -> bool:
    if not a or not b or a & b:
        return False
    # every code of both (a profile keeps at most CODES_KEPT): a cluster holding part numbers
    # beside its model must still find the model among the other's codes
    return not any(codes_related(x, y) for x in a for y in b)


def _amounts_conflict(a: Profile, b: Profile) -> bool:
    """True when both clusters state amounts of one unit and no amount of either is one the other states (5%).

    "8kg wash 5kg dry" and "6 5kg" (a washer-dryer's two capacities) agree; a cluster's
    amounts are its offers' main amounts, its stated ones every measure its titles name.
    """
    if not a.amounts or not b.amounts:
        return False
    shared_unit = False
    for main, stated in ((a.amounts, b.stated), (b.amounts, a.stated)):
        for ua, xa in main:
            for ub, xb in stated:
                if ua == ub:
                    shared_unit = True
                    if abs(xa - xb) <= AMOUNT_RTOL * max(abs(xa), abs(xb)):
                        return False
    return shared_unit


def ladder_thresholds(threshold: float) -> list[float]:
    """Thresholds that cut an oversize component: each halves the distance to 1 (0.5, 0.75, 0.875, ...)."""
    return [1.0 - (1.0 - threshold) / 2**k for k in range(LADDER_LEVELS)]


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    graph = sp.coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def capped_components(
    n: int, edges_a: np.ndarray, edges_b: np.ndarray, probability: np.ndarray, threshold: float, max_component: int
) -> np.ndarray:
    """Merge group of every offer: its lowest row's id inside its capped component.

    Groups are the connected components of the accepted edges; a component of more than
    ``max_component`` offers (0: no cap) is replaced by the components of its edges at the
    next :func:`ladder_thresholds` level, until every piece fits (the last level's pieces
    are kept whatever their size). The merge then runs inside each group with the normal
    threshold; accepted edges between two groups are set aside. The Spark engine computes
    the same groups with distributed components (lowest row labels, same ladder).
    """
    rows = np.arange(n, dtype=np.int64)
    group = rows.copy()
    active = np.ones(n, dtype=bool)
    levels = ladder_thresholds(threshold)
    for level, t in enumerate(levels):
        keep = (probability >= t) & active[edges_a] & active[edges_b]
        comp = _components(n, edges_a[keep], edges_b[keep])
        low = np.full(n, n, dtype=np.int64)
        np.minimum.at(low, comp, rows)
        size = np.bincount(comp, minlength=n)
        fits = active & ((size[comp] <= max_component) | (max_component <= 0) | (level == len(levels) - 1))
        group[fits] = low[comp[fits]]
        active &= ~fits
        if not active.any():
            break
    return group


def merge_edges(
    n: int,
    edges_a: np.ndarray,
    edges_b: np.ndarray,
    probability: np.ndarray,
    arrays: OfferArrays | ProfileSource,
    config: MergeConfig,
    threshold: float,
    initial_labels: np.ndarray | None = None,
    units: Units | None = None,
) -> MergeResult:
    """Merge offers into clusters from scored pairs.

    Clusters only grow along accepted edges, so each connected component of the accepted
    edges is merged on its own (a pair across two components can neither merge nor count
    as support): its offers are renumbered to be contiguous, in row order, and its edges
    are taken one component at a time, strongest first. The result is the one a single
    strongest-first pass gives, but the union-find's reads stay inside one component's
    memory instead of jumping across the whole catalog, and the adjacency holds only the
    pairs inside components. A component above ``config.max_component`` offers is cut into
    the components of its stronger edges first (:func:`capped_components`); the result is
    then the strongest-first pass of each piece, and the refused count ``component_cap``
    says how many accepted edges ran between pieces.

    Args:
        n: number of offers.
        edges_a, edges_b, probability: every scored pair (below-threshold pairs too: they
            are the negative evidence of the average-support check).
        arrays: per-offer attributes for the cannot-link checks (all pair-feature arrays,
            or just the :class:`ProfileSource` a distributed merge ships).
        config: merge configuration.
        threshold: match probability at which a pair is an edge.
        initial_labels: cluster labels from an earlier stage to continue from.
        units: stored clusters that take part through a few members (a store's ingest):
            their members are linked first and carry the whole cluster's profile.
    """
    source = arrays if isinstance(arrays, ProfileSource) else ProfileSource(arrays)
    if units is not None and len(units.a):
        source.preset = dict(units.profiles)
        edges_a = np.concatenate([edges_a, units.a])
        edges_b = np.concatenate([edges_b, units.b])
        probability = np.concatenate([probability, np.ones(len(units.a), dtype=probability.dtype)])
    accepted = probability >= threshold
    if initial_labels is not None or not accepted.any():
        return _merge_pass(n, edges_a, edges_b, probability, source, config, threshold, initial_labels)
    comp = capped_components(n, edges_a, edges_b, probability, threshold, config.max_component)
    sizes = np.bincount(comp, minlength=n)
    involved = np.flatnonzero(sizes[comp] >= 2)
    rows = involved[np.argsort(comp[involved], kind="stable")]    # by component, row order inside
    local = np.full(n, -1, dtype=np.int64)
    local[rows] = np.arange(len(rows), dtype=np.int64)
    inner = comp[edges_a] == comp[edges_b]
    ea, eb, ep = local[edges_a[inner]], local[edges_b[inner]], probability[inner]
    comp_sorted = comp[rows]
    # whole components packed into chunks of about MERGE_CHUNK offers, each merged by its
    # own pass: the pass's arrays (roots, adjacency, profiles) stay chunk-sized, so the
    # cost per edge does not grow with the catalog (one pass over every component's
    # offers slowed from 2.8 to 4.8 us per edge between 100k and 2M offers)
    starts = np.r_[0, np.flatnonzero(np.diff(comp_sorted)) + 1] if len(rows) else np.empty(0, np.int64)
    bounds = [0]
    while bounds[-1] < len(rows):
        nxt = int(np.searchsorted(starts, bounds[-1] + MERGE_CHUNK))
        bounds.append(int(starts[nxt]) if nxt < len(starts) else len(rows))
    chunk_of_edge = np.searchsorted(np.asarray(bounds[1:]), ea, side="right")
    by_chunk = np.argsort(chunk_of_edge, kind="stable")
    edge_bounds = np.searchsorted(chunk_of_edge[by_chunk], np.arange(len(bounds)))
    labels = np.arange(n, dtype=np.int64)
    weakest = np.ones(n, dtype=np.float64)
    refused = dict.fromkeys(REFUSAL_KINDS, 0)
    merges = 0
    for c, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        sel = by_chunk[edge_bounds[c]:edge_bounds[c + 1]]
        res = _merge_pass(hi - lo, ea[sel] - lo, eb[sel] - lo, ep[sel], source.take(rows[lo:hi]), config, threshold,
                          None, component=comp_sorted[lo:hi])
        labels[rows[lo:hi]] = rows[lo + res.labels]    # local labels are lowest local rows = lowest rows
        weakest[rows[lo:hi]] = res.weakest_link
        merges += res.merges
        for k, v in res.refused.items():
            refused[k] += v
    refused["component_cap"] = int((accepted & ~inner).sum())
    return MergeResult(labels=labels, weakest_link=weakest, merges=merges, refused=refused)


def _merge_pass(
    n: int,
    edges_a: np.ndarray,
    edges_b: np.ndarray,
    probability: np.ndarray,
    source: ProfileSource,
    config: MergeConfig,
    threshold: float,
    initial_labels: np.ndarray | None = None,
    component: np.ndarray | None = None,
) -> MergeResult:
    """One strongest-first pass of the guarded union-find.

    Arguments as in :func:`merge_edges` (``source`` is its ``arrays`` as a
    :class:`ProfileSource`). With ``component`` (per offer, non-decreasing in the row),
    edges are taken component by component, strongest first inside each.
    """
    # root_of[x] is x's cluster root, kept current on every union (the smaller side is
    # relabelled: O(n log n) in total) so a root lookup is one array read, and the support
    # check below is a vectorised comparison instead of a find() per neighbour
    root_of = np.arange(n, dtype=np.int64) if initial_labels is None else initial_labels.astype(np.int64).copy()
    members: dict[int, list[int]] = {}
    profiles: dict[int, Profile] = {}
    weakest: dict[int, float] = {}
    if initial_labels is not None:
        order0 = np.argsort(root_of, kind="stable")
        bounds = np.r_[0, np.flatnonzero(np.diff(root_of[order0])) + 1, n]
        for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            if hi - lo > 1:
                ids = order0[lo:hi].tolist()
                root = int(root_of[ids[0]])
                members[root] = ids
                prof = Profile.of(source, ids[0])
                for i in ids[1:]:
                    prof.absorb(Profile.of(source, i))
                profiles[root] = prof

    # one canonical edge order, whatever order the caller (or a shuffle) delivered them in:
    # the support check sums probabilities, and a float sum depends on its order
    canon = np.argsort(edges_a.astype(np.int64) * max(n, 1) + edges_b, kind="stable")
    edges_a, edges_b, probability = edges_a[canon], edges_b[canon], probability[canon]
    # adjacency of every scored pair, CSR, for the average-support check
    a_all = np.concatenate([edges_a, edges_b]).astype(np.int64)
    b_all = np.concatenate([edges_b, edges_a]).astype(np.int64)
    p_all = np.concatenate([probability, probability]).astype(np.float64)
    order = np.argsort(a_all, kind="stable")
    adj_to, adj_p = b_all[order], p_all[order]
    indptr = np.r_[0, np.cumsum(np.bincount(a_all, minlength=n))]

    def size(r: int) -> int:
        m = members.get(r)
        return len(m) if m is not None else 1

    def profile(r: int) -> Profile:
        prof = profiles.get(r)
        if prof is None:
            prof = profiles[r] = Profile.of(source, r)
        return prof

    def support(small: int, big: int) -> tuple[float, int]:
        """(average p over the scored cross pairs, fewest members on one side of the accepted ones)."""
        ids = members.get(small, [small])
        if len(ids) > _SUPPORT_SAMPLE:
            step = len(ids) / _SUPPORT_SAMPLE
            ids = [ids[int(k * step)] for k in range(_SUPPORT_SAMPLE)]
        sel = np.concatenate([np.arange(indptr[i], indptr[i + 1]) for i in ids])
        if len(sel) == 0:
            return 0.0, 0
        hit = root_of[adj_to[sel]] == big
        count = int(hit.sum())
        if not count:
            return 0.0, 0
        p_hit = adj_p[sel][hit]
        strong = p_hit >= threshold
        # members at either end of an accepted cross edge, on the side with fewer of them
        mem = np.asarray(ids, dtype=np.int64)
        owner = np.repeat(mem, indptr[mem + 1] - indptr[mem])
        touched = min(len(np.unique(adj_to[sel][hit][strong])), len(np.unique(owner[hit][strong])))
        # summed in the same order as a loop over the members' neighbours
        return float(sum(p_hit.tolist())) / count, touched

    refused = dict.fromkeys(REFUSAL_KINDS, 0)
    accepted = probability >= threshold
    idx = np.flatnonzero(accepted)    # in canonical (a, b) order; stable sorts keep it among ties
    idx = idx[np.argsort(-probability[idx], kind="stable")]
    if component is not None:
        idx = idx[np.argsort(component[edges_a[idx]], kind="stable")]
    merges = 0
    weak_support: set[tuple[int, int, int, int]] = set()
    for a, b, p in zip(edges_a[idx].tolist(), edges_b[idx].tolist(), probability[idx].tolist(), strict=True):
        ra, rb = int(root_of[a]), int(root_of[b])
        if ra == rb:
            continue
        pa_, pb_ = profile(ra), profile(rb)
        if config.cannot_link_gtin and pa_.gtins and pb_.gtins and not pa_.gtins.intersects(pb_.gtins):
            refused["gtin"] += 1
            continue
        if config.cannot_link_count and pa_.counts and pb_.counts and not (pa_.counts & pb_.counts):
            refused["count"] += 1
            continue
        if config.cannot_link_amount and _amounts_conflict(pa_, pb_):
            refused["amount"] += 1
            continue
        if config.cannot_link_model_code and _codes_conflict(pa_.codes, pb_.codes):
            refused["model_code"] += 1
            continue
        need = config.avg_threshold
        shared_seller = pa_.sellers.intersects(pb_.sellers)
        if shared_seller and config.seller_constraint == "hard":
            refused["seller"] += 1
            continue
        if shared_seller and config.seller_constraint == "soft":
            need += config.seller_soft_penalty
        sa, sb = size(ra), size(rb)
        if min(sa, sb) >= config.large_cluster or shared_seller:
            small, big = (ra, rb) if sa <= sb else (rb, ra)
            # the answer depends only on the two clusters' members: while neither grows, a
            # refusal stands, and the many other edges between the same two clusters skip
            # the check
            state = (small, big, sa, sb)
            if state in weak_support:
                refused["seller" if shared_seller and min(sa, sb) < config.large_cluster else "support"] += 1
                continue
            avg, touched = support(small, big)
            # a bridge (one offer naming two products) links two large clusters through
            # itself alone: ask the accepted cross edges to involve several members on each side
            narrow = min(sa, sb) >= config.large_cluster and touched < config.min_cross_members
            if avg < need or narrow:
                weak_support.add(state)
                refused["seller" if shared_seller and min(sa, sb) < config.large_cluster else "support"] += 1
                continue
        # union by size: the bigger root stays
        keep, gone = (ra, rb) if sa >= sb else (rb, ra)
        moved = members.pop(gone, [gone])
        root_of[moved] = keep
        members.setdefault(keep, [keep]).extend(moved)
        profile(keep).absorb(profile(gone))
        profiles.pop(gone, None)
        weakest[keep] = min(weakest.get(keep, 1.0), weakest.pop(gone, 1.0), p)
        merges += 1

    roots = root_of
    by_root = np.ones(n, dtype=np.float64)
    for r, w in weakest.items():
        by_root[r] = w
    # canonical labels: the lowest row of each cluster (roots depend on the merge order)
    labels = canonical_labels(roots)
    weakest_arr = np.ones(n, dtype=np.float64)
    weakest_arr[labels] = by_root[roots]
    return MergeResult(labels=labels, weakest_link=weakest_arr, merges=merges, refused=refused)


def canonical_labels(labels: np.ndarray) -> np.ndarray:
    """Relabel clusters by their lowest member row (the same labels from any merge order)."""
    n = len(labels)
    if n == 0:
        return labels.astype(np.int64)
    low = np.full(int(labels.max()) + 1, n, dtype=np.int64)
    np.minimum.at(low, labels, np.arange(n, dtype=np.int64))
    return low[labels]
