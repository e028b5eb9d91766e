"""Review actions on a store: an analyst confirms, splits or merges clusters, and can undo.

Each action is one transaction that writes an ``actions`` row (who, when, and in ``detail``
enough to reverse it), ``lineage`` rows (a split or a merge, as an ingest writes them, with
the action's id in their ``detail``) and ``labels`` rows: labelled offer pairs (1 same
product, 0 not), the best training labels there are. Pairs per action are bounded (the
first members by ``offer_id``), so confirming a cluster of 5,000 offers writes a few
thousand labels, not twelve million.

Ids follow the ingest's rules (:mod:`samesku.store.naming`): a split-off piece gets an id
never issued before; in a merge the larger cluster's id survives and the other resolves to
it (``cluster_ids.resolved_to``). Undo reverses a split or a merge only while the clusters
it touched are as the action left them (an ingest or a later action may have moved their
offers since: then it is refused with the reason); the undone action's labels are deleted.

The ``clusters`` rows of changed clusters are recomputed from their members and the stored
edges (:func:`recompute_clusters`), with the batch run's ε formula
(:mod:`samesku.merge.uncertainty`); the primary model code is approximated by the longest
stored code.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from samesku.errors import StoreError
from samesku.store.naming import fresh_ids
from samesku.store.store import ClusterStore

#: members of a cluster that labelled pairs are drawn from (pairs among them, or across two such sets)
LABEL_MEMBERS = 50
#: labelled pairs one action writes at most
MAX_LABELS = 2500


class ReviewError(StoreError):
    """A review action cannot be applied as asked (the message says why)."""


class NotFoundError(ReviewError):
    """The cluster, offer or action does not exist."""


class ConflictError(ReviewError):
    """The store changed since the page was loaded (a cluster merged away, an action already undone, ...)."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _current_batch(store: ClusterStore) -> int:
    return int(store.scalar("SELECT coalesce(max(batch_id), 0) FROM batches"))


def _strings(values: Iterable[str]) -> pa.Table:
    return pa.table({"v": pa.array(sorted({str(v) for v in values}), pa.string())})


def resolve(store: ClusterStore, cluster_id: str) -> tuple[str, str] | None:
    """(the id a cluster id resolves to, the state of ``cluster_id``); None if the id was never issued.

    A live id resolves to itself; a merged-away id to the cluster it merged into (followed to
    the end, though merges keep ``resolved_to`` pointing at a live id); an emptied id to itself.
    """
    rows = store.con.execute("SELECT state, resolved_to FROM cluster_ids WHERE cluster_id = ?", [cluster_id]).fetchall()
    if not rows:
        return None
    state, target = str(rows[0][0]), rows[0][1]
    current, seen = cluster_id, {cluster_id}
    while target is not None and target not in seen:   # bounded: every hop is a new id
        seen.add(target)
        current = str(target)
        nxt = store.con.execute("SELECT resolved_to FROM cluster_ids WHERE cluster_id = ?", [current]).fetchall()
        target = nxt[0][0] if nxt else None
    return current, state


def _live(store: ClusterStore, cluster_id: str) -> list[str]:
    """The ``offer_id`` of every member of a live cluster (sorted); refuses a merged-away or unknown id."""
    got = resolve(store, cluster_id)
    if got is None:
        raise NotFoundError(f"no cluster {cluster_id}")
    target, state = got
    if state == "merged":
        raise ConflictError(f"cluster {cluster_id} was merged into {target}: act on {target}")
    members = [str(r[0]) for r in store.con.execute(
        "SELECT offer_id FROM offers WHERE cluster_id = ? ORDER BY offer_id", [cluster_id]).fetchall()]
    if not members:
        raise ConflictError(f"cluster {cluster_id} has no offers any more ({state})")
    return members


# --- labelled pairs -----------------------------------------------------------------------------
def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def pairs_within(ids: Sequence[str], limit: int = MAX_LABELS) -> list[tuple[str, str]]:
    """Pairs among the first :data:`LABEL_MEMBERS` ids, then each later id paired with the first (bounded)."""
    head = list(ids[:LABEL_MEMBERS])
    out = [_pair(a, b) for i, a in enumerate(head) for b in head[i + 1:]]
    out += [_pair(head[0], c) for c in ids[LABEL_MEMBERS:]] if head else []
    return out[:limit]


def pairs_across(left: Sequence[str], right: Sequence[str], limit: int = MAX_LABELS) -> list[tuple[str, str]]:
    """Pairs of one id of each side, from the first :data:`LABEL_MEMBERS` of each (bounded)."""
    return [_pair(a, b) for a in left[:LABEL_MEMBERS] for b in right[:LABEL_MEMBERS]][:limit]


def _insert_labels(store: ClusterStore, con: duckdb.DuckDBPyConnection, action_id: int,
                   pairs: Sequence[tuple[tuple[str, str], int]], at: datetime) -> int:
    rows = pa.table({"offer_id_a": pa.array([p[0] for p, _ in pairs], pa.string()),
                     "offer_id_b": pa.array([p[1] for p, _ in pairs], pa.string()),
                     "label": pa.array([lab for _, lab in pairs], pa.int8()),
                     "action_id": pa.array([action_id] * len(pairs), pa.int64()),
                     "created_at": pa.array([at] * len(pairs), pa.timestamp("us"))})
    store.insert(con, "labels", rows)
    return len(pairs)


def labels_table(store: ClusterStore, *, latest_only: bool = True) -> pa.Table:
    """Labelled pairs of actions not undone (``offer_id_a < offer_id_b``); with ``latest_only`` one
    row per pair, its latest label (a pair confirmed, then split apart, counts as 0)."""
    where = "QUALIFY row_number() OVER (PARTITION BY l.offer_id_a, l.offer_id_b ORDER BY l.action_id DESC) = 1" \
        if latest_only else ""
    return store.sql(f"""
        SELECT l.offer_id_a, l.offer_id_b, l.label, l.action_id, a.kind, a.actor, l.created_at
        FROM labels l JOIN actions a ON a.action_id = l.action_id
        WHERE a.undone_by IS NULL {where}
        ORDER BY l.offer_id_a, l.offer_id_b, l.action_id""")


# --- cluster rows ------------------------------------------------------------------------------
_CODE_CHARS = re.compile(r"[^0-9A-Za-z]")


def _primary_code(codes: list[str] | None) -> str:
    norm = sorted((_CODE_CHARS.sub("", c).upper() for c in (codes or [])), key=lambda c: (-len(c), c))
    return norm[0] if norm and norm[0] else ""


def _bottleneck(members: list[int], edges: list[tuple[int, int, float]]) -> float:
    """The weakest link of the strongest spanning tree of the members (0.0 when not connected by stored edges)."""
    if len(members) < 2:
        return 1.0
    parent = {m: m for m in members}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    joined, weakest = 1, 1.0
    for a, b, p in sorted(edges, key=lambda e: -e[2]):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
            joined += 1
            weakest = min(weakest, p)
            if joined == len(members):
                return weakest
    return 0.0


def recompute_clusters(store: ClusterStore, con: duckdb.DuckDBPyConnection, cluster_ids: Iterable[str]) -> None:
    """Rewrite the ``clusters`` rows (and members' ``match_probability``) of changed clusters from their
    members and stored edges; a cluster left with no member loses its row."""
    ids = sorted(set(cluster_ids))
    store.con.register("_touched_ids", _strings(ids))
    try:
        members = store.sql("""SELECT offer_key, offer_id, cluster_id, title, brand_norm, price, model_codes
                               FROM offers WHERE cluster_id IN (SELECT v FROM _touched_ids) ORDER BY offer_key""")
        edges = store.sql("""
            WITH m AS (SELECT offer_key, cluster_id FROM offers WHERE cluster_id IN (SELECT v FROM _touched_ids))
            SELECT e.key_a, e.key_b, coalesce(e.match_probability, 0) AS p, oa.cluster_id AS ca, ob.cluster_id AS cb
            FROM edges e JOIN offers oa ON oa.offer_key = e.key_a JOIN offers ob ON ob.offer_key = e.key_b
            WHERE e.key_a IN (SELECT offer_key FROM m) OR e.key_b IN (SELECT offer_key FROM m)""").to_pylist()
        con.execute("DELETE FROM clusters WHERE cluster_id IN (SELECT v FROM _touched_ids)")
    finally:
        store.con.unregister("_touched_ids")
    batch = _current_batch(store)
    by_cluster: dict[str, list[dict[str, Any]]] = {}
    for row in members.to_pylist():
        by_cluster.setdefault(row["cluster_id"], []).append(row)
    inside: dict[str, list[tuple[int, int, float]]] = {}
    external: dict[str, float] = {}
    best: dict[int, float] = {}
    for e in edges:
        p = float(e["p"])
        if e["ca"] == e["cb"]:
            inside.setdefault(e["ca"], []).append((e["key_a"], e["key_b"], p))
            best[e["key_a"]] = max(best.get(e["key_a"], 0.0), p)
            best[e["key_b"]] = max(best.get(e["key_b"], 0.0), p)
        else:
            for c in (e["ca"], e["cb"]):
                if c in by_cluster:
                    external[c] = max(external.get(c, 0.0), p)
    out: list[dict[str, Any]] = []
    moved: list[tuple[int, float | None]] = []
    for cid, rows in by_cluster.items():
        keys = [r["offer_key"] for r in rows]
        single = len(rows) == 1
        for k in keys:
            moved.append((k, None if single else best.get(k, 0.0)))
        rep = max(rows, key=lambda r: (0.0 if single else best.get(r["offer_key"], 0.0), -r["offer_key"]))
        internal = [p for _, _, p in inside.get(cid, [])]
        weakest = _bottleneck(keys, inside.get(cid, []))
        mean_internal = sum(internal) / len(internal) if internal else 1.0
        max_external = external.get(cid, 0.0)
        brands = len({r["brand_norm"] for r in rows if r["brand_norm"]})
        codes = len({c for c in (_primary_code(r["model_codes"]) for r in rows) if c})
        prices = [float(r["price"]) for r in rows if r["price"] is not None and not math.isnan(r["price"])]
        logs = [math.log(p) for p in prices if p > 0]
        spread = float(np.std(logs)) if len(logs) > 1 else 0.0
        terms = [min(max(1.0 - weakest, 0.0), 1.0) * 0.6, min(max(1.0 - mean_internal, 0.0), 1.0) * 0.6,
                 min(max(max_external, 0.0), 1.0) * 0.8, min(max(brands - 1, 0), 3) / 3.0 * 0.6,
                 min(max(codes - 1, 0), 3) / 3.0 * 0.4, min(spread / 0.7, 1.0) * 0.4]
        out.append({"cluster_id": cid, "size": len(rows), "representative_offer_id": rep["offer_id"],
                    "representative_title": rep["title"], "brand": rep["brand_norm"],
                    "price_min": min(prices) if prices else None, "price_max": max(prices) if prices else None,
                    "epsilon": 1.0 - float(np.prod([1.0 - t for t in terms])), "weakest_link": weakest,
                    "mean_internal_p": mean_internal, "max_external_p": max_external,
                    "brand_disagreement": brands, "code_disagreement": codes, "price_spread": spread,
                    "batch_id": batch})
    if out:
        store.insert(con, "clusters", pa.Table.from_pylist(out))
    if moved:
        store.con.register("_best", pa.table({"offer_key": pa.array([k for k, _ in moved], pa.int64()),
                                              "p": pa.array([p for _, p in moved], pa.float32())}))
        con.execute("UPDATE offers SET match_probability = b.p FROM _best b WHERE offers.offer_key = b.offer_key")
        store.con.unregister("_best")


# --- actions -------------------------------------------------------------------------------------
def _action(store: ClusterStore, con: duckdb.DuckDBPyConnection, kind: str, cluster_id: str, other_id: str | None,
            detail: dict[str, Any], actor: str, at: datetime) -> int:
    action_id = int(store.scalar("SELECT coalesce(max(action_id), 0) + 1 FROM actions"))
    con.execute("INSERT INTO actions (action_id, batch_id, kind, cluster_id, other_id, detail, actor, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [action_id, _current_batch(store), kind, cluster_id, other_id, json.dumps(detail, ensure_ascii=False),
                 actor, at])
    return action_id


def _lineage(store: ClusterStore, con: duckdb.DuckDBPyConnection, kind: str, cluster_id: str, other_id: str | None,
             detail: dict[str, Any]) -> None:
    con.execute("INSERT INTO lineage (batch_id, kind, cluster_id, other_id, offer_id, detail) VALUES (?, ?, ?, ?, NULL, ?)",
                [_current_batch(store), kind, cluster_id, other_id, json.dumps(detail)])


def _move(store: ClusterStore, con: duckdb.DuckDBPyConnection, offer_ids: Iterable[str], to: str) -> None:
    store.con.register("_move_ids", _strings(offer_ids))
    con.execute("UPDATE offers SET cluster_id = ? WHERE offer_id IN (SELECT v FROM _move_ids)", [to])
    store.con.unregister("_move_ids")


def confirm(store: ClusterStore, cluster_id: str, actor: str) -> dict[str, Any]:
    """The cluster is one product: its member pairs are labelled 1 (bounded, see :func:`pairs_within`)."""
    with store.batch() as con:
        members = _live(store, cluster_id)
        at = _now()
        pairs = pairs_within(members)
        action_id = _action(store, con, "confirm", cluster_id, None, {"members": len(members), "labels": len(pairs)},
                            actor, at)
        _insert_labels(store, con, action_id, [(p, 1) for p in pairs], at)
    return {"action_id": action_id, "kind": "confirm", "cluster_id": cluster_id, "labels": len(pairs)}


def split(store: ClusterStore, cluster_id: str, offer_ids: Sequence[str], actor: str) -> dict[str, Any]:
    """The selected members leave into a new cluster (an id never issued); labels 1 among them, 0 across."""
    chosen = sorted({str(o) for o in offer_ids})
    if not chosen:
        raise ReviewError("split needs at least one offer_id to move out")
    with store.batch() as con:
        members = _live(store, cluster_id)
        strangers = sorted(set(chosen) - set(members))
        if strangers:
            raise ReviewError(f"not members of cluster {cluster_id}: {', '.join(strangers[:5])}"
                              + (f" and {len(strangers) - 5} more" if len(strangers) > 5 else ""))
        moving = set(chosen)
        staying = [m for m in members if m not in moving]
        if not staying:
            raise ReviewError(f"split would move every member of {cluster_id}: leave at least one")

        new_id = fresh_ids([chosen[0]], store.issued)[0]
        batch, at = _current_batch(store), _now()
        _move(store, con, chosen, new_id)
        con.execute("INSERT INTO cluster_ids (cluster_id, state, created_batch) VALUES (?, 'live', ?)", [new_id, batch])
        pairs = [(p, 1) for p in pairs_within(chosen)] + [(p, 0) for p in pairs_across(chosen, staying)]
        action_id = _action(store, con, "split", cluster_id, new_id,
                            {"new_id": new_id, "moved": chosen, "labels": len(pairs)}, actor, at)
        _lineage(store, con, "create", new_id, None, {"action": action_id})
        _lineage(store, con, "split", new_id, cluster_id, {"action": action_id, "offers": len(chosen)})
        _insert_labels(store, con, action_id, pairs, at)
        recompute_clusters(store, con, [cluster_id, new_id])
    return {"action_id": action_id, "kind": "split", "cluster_id": cluster_id, "new_id": new_id,
            "moved": len(chosen), "labels": len(pairs)}


def merge(store: ClusterStore, cluster_id: str, other_id: str, actor: str) -> dict[str, Any]:
    """Two clusters are one product: the larger id survives (ties: the smaller id), the other resolves to it;
    labels 1 across the two (bounded)."""
    if cluster_id == other_id:
        raise ReviewError(f"cannot merge cluster {cluster_id} with itself")
    with store.batch() as con:
        mine, theirs = _live(store, cluster_id), _live(store, other_id)
        keep, lost = (cluster_id, other_id) if (-len(mine), cluster_id) < (-len(theirs), other_id) else (other_id, cluster_id)
        absorbed = theirs if lost == other_id else mine
        kept = mine if keep == cluster_id else theirs
        batch, at = _current_batch(store), _now()
        redirected = [str(r[0]) for r in con.execute(
            "SELECT cluster_id FROM cluster_ids WHERE resolved_to = ? ORDER BY cluster_id", [lost]).fetchall()]
        _move(store, con, absorbed, keep)
        con.execute("UPDATE cluster_ids SET state = 'merged', resolved_to = ?, ended_batch = ? WHERE cluster_id = ?",
                    [keep, batch, lost])
        con.execute("UPDATE cluster_ids SET resolved_to = ? WHERE resolved_to = ?", [keep, lost])
        pairs = [(p, 1) for p in pairs_across(kept, absorbed)]
        action_id = _action(store, con, "merge", cluster_id, other_id,
                            {"survivor": keep, "absorbed_id": lost, "absorbed": absorbed, "redirected": redirected,
                             "labels": len(pairs)}, actor, at)
        _lineage(store, con, "merge", keep, lost, {"action": action_id, "offers": len(absorbed)})
        _insert_labels(store, con, action_id, pairs, at)
        recompute_clusters(store, con, [keep, lost])
    return {"action_id": action_id, "kind": "merge", "cluster_id": keep, "merged_away": lost,
            "moved": len(absorbed), "labels": len(pairs)}


def undo(store: ClusterStore, action_id: int, actor: str) -> dict[str, Any]:
    """Reverse a confirm, split or merge (while its clusters are as it left them); its labels are deleted."""
    with store.batch() as con:
        rows = con.execute("SELECT kind, cluster_id, other_id, detail, undone_by FROM actions WHERE action_id = ?",
                           [action_id]).fetchall()
        if not rows:
            raise NotFoundError(f"no action {action_id}")
        kind, cluster_id, other_id, detail_json, undone_by = rows[0]
        if undone_by is not None:
            raise ConflictError(f"action {action_id} was already undone by action {undone_by}")
        if kind == "undo":
            raise ReviewError(f"action {action_id} is an undo: apply the action again instead")
        detail = json.loads(detail_json or "{}")
        at = _now()
        batch = _current_batch(store)
        changed: list[str] = []
        if kind == "split":
            new_id, moved = str(detail["new_id"]), sorted(detail["moved"])
            now_in = [str(r[0]) for r in con.execute(
                "SELECT offer_id FROM offers WHERE cluster_id = ? ORDER BY offer_id", [new_id]).fetchall()]
            if now_in != moved or resolve(store, cluster_id) != (cluster_id, "live"):
                raise ConflictError(f"cannot undo split {action_id}: clusters {cluster_id} and {new_id} changed since")
            _move(store, con, moved, cluster_id)
            con.execute("UPDATE cluster_ids SET state = 'merged', resolved_to = ?, ended_batch = ? WHERE cluster_id = ?",
                        [cluster_id, batch, new_id])
            changed = [cluster_id, new_id]
        elif kind == "merge":
            keep, lost, absorbed = str(detail["survivor"]), str(detail["absorbed_id"]), sorted(detail["absorbed"])
            store.con.register("_absorbed", _strings(absorbed))
            still = int(store.scalar("SELECT count(*) FROM offers WHERE offer_id IN (SELECT v FROM _absorbed) "
                                     "AND cluster_id = ?", [keep]))
            store.con.unregister("_absorbed")
            state = con.execute("SELECT state, resolved_to FROM cluster_ids WHERE cluster_id = ?", [lost]).fetchall()
            if still != len(absorbed) or not state or tuple(state[0]) != ("merged", keep) or \
                    resolve(store, keep) != (keep, "live"):
                raise ConflictError(f"cannot undo merge {action_id}: clusters {keep} and {lost} changed since")
            _move(store, con, absorbed, lost)
            con.execute("UPDATE cluster_ids SET state = 'live', resolved_to = NULL, ended_batch = NULL "
                        "WHERE cluster_id = ?", [lost])
            for cid in detail.get("redirected", []):
                con.execute("UPDATE cluster_ids SET resolved_to = ? WHERE cluster_id = ? AND resolved_to = ?",
                            [lost, cid, keep])
            changed = [keep, lost]
        undo_id = _action(store, con, "undo", str(cluster_id), str(other_id) if other_id else None,
                          {"undoes": action_id, "kind": kind}, actor, at)
        con.execute("UPDATE actions SET undone_by = ? WHERE action_id = ?", [undo_id, action_id])
        con.execute("DELETE FROM labels WHERE action_id = ?", [action_id])
        if kind == "split":
            _lineage(store, con, "merge", str(cluster_id), str(detail["new_id"]), {"action": undo_id, "undoes": action_id})
        elif kind == "merge":
            _lineage(store, con, "split", str(detail["absorbed_id"]), str(detail["survivor"]),
                     {"action": undo_id, "undoes": action_id})
        if changed:
            recompute_clusters(store, con, changed)
    return {"action_id": undo_id, "kind": "undo", "undoes": action_id, "undone_kind": kind}


def actions_table(store: ClusterStore, limit: int = 50) -> pa.Table:
    """The latest review actions, newest first."""
    return store.sql(f"""SELECT action_id, batch_id, kind, cluster_id, other_id, detail, actor, created_at, undone_by
                         FROM actions ORDER BY action_id DESC LIMIT {int(limit)}""")
