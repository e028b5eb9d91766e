"""Cluster ids that stay: a cluster keeps its id while it exists, and an id is never issued twice.

A new cluster is named as a batch run names it (``C`` + a hash of its smallest
``offer_id``), so a store created by ``cluster --store`` holds the ids the run files hold;
when that name was issued before (to a cluster that merged away or emptied), a counter is
mixed into the hash until the name is unused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

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


def carry_ids(groups: np.ndarray, stored_ids: np.ndarray) -> tuple[dict[int, str], list[tuple[int, str]], list[tuple[int, str]]]:
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

    Returns:
        (group -> carried id, [(group, id merged into it)], [(group, id it split from)]).
    """
    overlap: dict[tuple[int, str], int] = {}
    for g, cid in zip(groups.tolist(), stored_ids.tolist(), strict=True):
        if cid is not None:
            overlap[(int(g), str(cid))] = overlap.get((int(g), str(cid)), 0) + 1
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
