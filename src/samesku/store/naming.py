"""Cluster ids that stay: a cluster keeps its id while it exists, and an id is never issued twice.

A new cluster is named as a batch run names it (``C`` + a hash of its smallest
``offer_id``), so a store created by ``cluster --store`` holds the ids the run files hold;
when that name was issued before (to a cluster that merged away or emptied), a counter is
mixed into the hash until the name is unused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from samesku.merge.outputs import smallest_offer_id_hash


def fresh_ids(min_offer_ids: Iterable[str], issued: Callable[[list[str]], set[str]]) -> list[str]:
    """A never-issued id per new cluster, from its smallest offer_id (``issued`` says which of some ids exist)."""
    mins = [str(x) for x in min_offer_ids]
    names = smallest_offer_id_hash(np.asarray(mins, dtype=object)).tolist()
    taken = set(issued(names))
    out: list[str] = []
    for m, name in zip(mins, names, strict=True):
        salt = 0
        while name in taken:
            salt += 1
            name = "C" + hashlib.blake2b(f"{m}#{salt}".encode(), digest_size=8).hexdigest()
            taken |= issued([name])
        taken.add(name)
        out.append(name)
    return out


def carry_ids(groups: np.ndarray, stored_ids: np.ndarray, weights: np.ndarray | None = None,
              ) -> tuple[dict[int, str], list[tuple[int, str]], list[tuple[int, str]]]:
    """Stored cluster ids carried to new groups by overlap.

    Pairs (group, stored id) are taken by their number of shared offers, largest first
    (ties: the smaller id, then the smaller group); a pair names the group when neither is
    taken yet. So in a merge the largest stored cluster's id survives, and in a split the
    largest piece keeps the id. A stored id left over resolves to the group holding most
    of its offers (a merge); a group left unnamed but holding stored offers is a split off
    the id it shares most with.

    Args:
        groups: final cluster label per row.
        stored_ids: the stored cluster id per row (None for offers of this batch).
        weights: offers each row stands for (default 1; a stored cluster read through a few
            members counts its other members on the member they follow).

    Returns:
        (group -> carried id, [(group, id merged into it)], [(group, id it split from)]).
    """
    overlap: dict[tuple[int, str], int] = {}
    w = [1] * len(groups) if weights is None else weights.tolist()
    for g, cid, k in zip(groups.tolist(), stored_ids.tolist(), w, strict=True):
        if cid is not None:
            overlap[(int(g), str(cid))] = overlap.get((int(g), str(cid)), 0) + int(k)
    ranked = sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0][1], kv[0][0]))
    named: dict[int, str] = {}
    used: set[str] = set()
    for (g, cid), _ in ranked:
        if g not in named and cid not in used:
            named[g] = cid
            used.add(cid)
    merged, split, placed = [], [], set()
    for (g, cid), _ in ranked:
        if cid not in used and cid not in placed:
            placed.add(cid)
            merged.append((g, cid))
    split_done: set[int] = set()
    for (g, cid), _ in ranked:
        if g not in named and g not in split_done:
            split_done.add(g)
            split.append((g, cid))
    return named, merged, split


def ended(store: Any, con: Any, batch: int, merged: list[tuple[str, str]], emptied: list[str]) -> None:
    """Mark ids that ended in ``batch`` in the registry (one statement each, whatever their number):
    merged-away ids resolve to the id they merged into (and so do ids that resolved to them);
    emptied ids are ``empty``."""
    import pyarrow as pa

    if merged:
        name = "_merged_ids"
        store.con.register(name, pa.table({"lost": pa.array([g for _, g in merged], pa.string()),
                                           "keep": pa.array([k for k, _ in merged], pa.string())}))
        try:
            con.execute(f"UPDATE cluster_ids SET resolved_to = m.keep FROM {name} m WHERE cluster_ids.resolved_to = m.lost")
            con.execute(f"UPDATE cluster_ids SET state = 'merged', resolved_to = m.keep, ended_batch = ? "
                        f"FROM {name} m WHERE cluster_ids.cluster_id = m.lost", [batch])
        finally:
            store.con.unregister(name)
    if emptied:
        store.con.register("_emptied_ids", pa.table({"cluster_id": pa.array(emptied, pa.string())}))
        try:
            con.execute("UPDATE cluster_ids SET state = 'empty', ended_batch = ? "
                        "WHERE cluster_id IN (SELECT cluster_id FROM _emptied_ids)", [batch])
        finally:
            store.con.unregister("_emptied_ids")
