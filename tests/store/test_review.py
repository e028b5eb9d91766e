"""Review actions on a real store file: confirm, split, merge, undo, resolve, labels."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

import samesku
from samesku.store import ClusterStore, create_store, ingest
from samesku.store import review as R
from samesku.synth import generate_batches


@pytest.fixture(scope="module")
def base_store(tmp_path_factory) -> Path:
    t = pa.Table.from_batches(list(generate_batches(400, seed=5)))
    path = tmp_path_factory.mktemp("review") / "base.duckdb"
    create_store(samesku.cluster(t), path)
    return path


@pytest.fixture
def store(base_store, tmp_path):
    path = tmp_path / "s.duckdb"
    shutil.copy(base_store, path)
    with ClusterStore.open(path) as s:
        yield s


def _biggest(s: ClusterStore, k: int = 1) -> list[str]:
    return [r["cluster_id"] for r in s.sql(
        f"SELECT cluster_id FROM clusters WHERE size >= 3 ORDER BY size DESC, cluster_id LIMIT {k}").to_pylist()]


def _members(s: ClusterStore, cid: str) -> list[str]:
    return [r[0] for r in s.con.execute("SELECT offer_id FROM offers WHERE cluster_id = ? ORDER BY offer_id",
                                        [cid]).fetchall()]


def _state(s: ClusterStore) -> dict[str, list]:
    return {"offers": s.sql("SELECT offer_id, cluster_id FROM offers ORDER BY offer_id").to_pylist(),
            "clusters": s.sql("SELECT cluster_id, size, representative_offer_id, price_min, price_max "
                              "FROM clusters ORDER BY cluster_id").to_pylist(),
            "ids": s.sql("SELECT cluster_id, state, resolved_to FROM cluster_ids ORDER BY cluster_id").to_pylist()}


def test_confirm_labels_every_member_pair_once_as_the_same_product(store):
    cid = _biggest(store)[0]
    members = _members(store, cid)
    got = R.confirm(store, cid, "ana")
    labels = R.labels_table(store).to_pylist()
    n = len(members)
    assert got["labels"] == len(labels) == n * (n - 1) // 2
    assert {lab["label"] for lab in labels} == {1} and all(lab["offer_id_a"] < lab["offer_id_b"] for lab in labels)
    action = store.sql("SELECT kind, cluster_id, actor, undone_by FROM actions").to_pylist()
    assert action == [{"kind": "confirm", "cluster_id": cid, "actor": "ana", "undone_by": None}]


def test_labelled_pairs_per_action_are_bounded_for_a_huge_cluster():
    ids = [f"o{i:05d}" for i in range(5000)]
    within = R.pairs_within(ids)
    assert len(within) == R.MAX_LABELS and len(set(within)) == len(within)
    assert len(R.pairs_across(ids, ids[::-1])) == R.MAX_LABELS


def test_split_moves_the_selected_members_into_a_new_never_issued_cluster_with_lineage(store):
    cid = _biggest(store)[0]
    members = _members(store, cid)
    moved = members[:2]
    issued_before = {r[0] for r in store.con.execute("SELECT cluster_id FROM cluster_ids").fetchall()}
    got = R.split(store, cid, moved, "ana")
    new_id = got["new_id"]
    assert new_id not in issued_before
    assert _members(store, new_id) == moved and _members(store, cid) == members[2:]
    sizes = dict(store.con.execute("SELECT cluster_id, size FROM clusters WHERE cluster_id IN (?, ?)",
                                   [cid, new_id]).fetchall())
    assert sizes == {cid: len(members) - 2, new_id: 2}
    assert store.scalar("SELECT state FROM cluster_ids WHERE cluster_id = ?", [new_id]) == "live"
    lineage = store.sql("SELECT kind, cluster_id, other_id FROM lineage WHERE kind = 'split'").to_pylist()
    assert lineage == [{"kind": "split", "cluster_id": new_id, "other_id": cid}]
    labels = {(r["offer_id_a"], r["offer_id_b"]): r["label"] for r in R.labels_table(store).to_pylist()}
    assert labels[tuple(moved)] == 1
    assert labels[tuple(sorted((moved[0], members[2])))] == 0
    assert len(labels) == 1 + 2 * (len(members) - 2)
    # the representative of the remaining cluster is one of its members
    rep = store.scalar("SELECT representative_offer_id FROM clusters WHERE cluster_id = ?", [cid])
    assert rep in members[2:]


def test_split_refuses_non_members_an_empty_selection_and_moving_everyone(store):
    cid = _biggest(store)[0]
    members = _members(store, cid)
    before = _state(store)
    with pytest.raises(R.ReviewError, match="not members of cluster"):
        R.split(store, cid, ["no-such-offer"], "ana")
    with pytest.raises(R.ReviewError, match="at least one"):
        R.split(store, cid, [], "ana")
    with pytest.raises(R.ReviewError, match="leave at least one"):
        R.split(store, cid, members, "ana")
    with pytest.raises(R.NotFoundError, match="no cluster"):
        R.split(store, "Cnope", members[:1], "ana")
    assert _state(store) == before and store.scalar("SELECT count(*) FROM actions") == 0


def test_merge_keeps_the_larger_id_and_the_other_resolves_to_it(store):
    big, small = _biggest(store, 2)
    n_big, n_small = len(_members(store, big)), len(_members(store, small))
    got = R.merge(store, small, big, "ana")
    assert got["cluster_id"] == big and got["merged_away"] == small
    assert len(_members(store, big)) == n_big + n_small and _members(store, small) == []
    assert R.resolve(store, small) == (big, "merged") and R.resolve(store, big) == (big, "live")
    assert store.scalar("SELECT count(*) FROM clusters WHERE cluster_id = ?", [small]) == 0
    assert store.scalar("SELECT size FROM clusters WHERE cluster_id = ?", [big]) == n_big + n_small
    labels = R.labels_table(store).to_pylist()
    assert len(labels) == n_big * n_small and {lab["label"] for lab in labels} == {1}
    assert store.sql("SELECT kind, cluster_id, other_id FROM lineage WHERE kind = 'merge'").to_pylist() == [
        {"kind": "merge", "cluster_id": big, "other_id": small}]
    with pytest.raises(R.ConflictError, match=f"merged into {big}"):
        R.confirm(store, small, "ana")
    with pytest.raises(R.ReviewError, match="itself"):
        R.merge(store, big, big, "ana")


def test_undo_of_a_split_and_of_a_merge_restores_membership_and_drops_their_labels(store):
    before = _state(store)
    big, small = _biggest(store, 2)
    s = R.split(store, big, _members(store, big)[:1], "ana")
    m = R.merge(store, small, s["new_id"], "ana")
    u1 = R.undo(store, m["action_id"], "bo")
    u2 = R.undo(store, s["action_id"], "bo")
    after = _state(store)
    assert after["offers"] == before["offers"]
    # the split-off id stays issued (never reused) and now resolves to the cluster it came back to
    ids_after = {r["cluster_id"]: r for r in after["ids"]}
    assert ids_after[s["new_id"]]["state"] == "merged" and ids_after[s["new_id"]]["resolved_to"] == big
    assert [r for r in after["ids"] if r["cluster_id"] != s["new_id"]] == before["ids"]
    assert {r["cluster_id"]: r["size"] for r in after["clusters"]} == {r["cluster_id"]: r["size"] for r in before["clusters"]}
    assert R.labels_table(store).num_rows == 0
    undone = dict(store.con.execute("SELECT action_id, undone_by FROM actions WHERE kind != 'undo'").fetchall())
    assert undone == {s["action_id"]: u2["action_id"], m["action_id"]: u1["action_id"]}
    with pytest.raises(R.ConflictError, match="already undone"):
        R.undo(store, s["action_id"], "bo")
    with pytest.raises(R.ReviewError, match="is an undo"):
        R.undo(store, u1["action_id"], "bo")
    with pytest.raises(R.NotFoundError):
        R.undo(store, 999, "bo")


def test_undo_is_refused_once_the_clusters_changed_since_the_action(store):
    big, small = _biggest(store, 2)
    s = R.split(store, big, _members(store, big)[:2], "ana")
    R.split(store, s["new_id"], _members(store, s["new_id"])[:1], "ana")
    with pytest.raises(R.ConflictError, match="changed since"):
        R.undo(store, s["action_id"], "bo")
    assert store.scalar("SELECT undone_by FROM actions WHERE action_id = ?", [s["action_id"]]) is None


def test_a_later_label_of_a_pair_wins_and_undone_actions_give_no_labels(store):
    cid = _biggest(store)[0]
    members = _members(store, cid)
    R.confirm(store, cid, "ana")
    R.split(store, cid, members[:1], "ana")
    latest = {(r["offer_id_a"], r["offer_id_b"]): r["label"] for r in R.labels_table(store).to_pylist()}
    assert latest[tuple(sorted((members[0], members[1])))] == 0
    assert R.labels_table(store, latest_only=False).num_rows > len(latest)


def test_recomputed_epsilon_is_in_range_and_a_human_merge_of_unlinked_clusters_is_uncertain(store):
    rows = store.sql("SELECT cluster_id FROM clusters WHERE size = 1 ORDER BY cluster_id LIMIT 2").to_pylist()
    a, b = rows[0]["cluster_id"], rows[1]["cluster_id"]
    linked = store.scalar("""SELECT count(*) FROM edges e JOIN offers x ON x.offer_key = e.key_a
                             JOIN offers y ON y.offer_key = e.key_b
                             WHERE (x.cluster_id = ? AND y.cluster_id = ?) OR (x.cluster_id = ? AND y.cluster_id = ?)""",
                          [a, b, b, a])
    R.merge(store, a, b, "ana")
    keep = R.resolve(store, a)[0]  # type: ignore[index]
    row = store.sql(f"SELECT * FROM clusters WHERE cluster_id = '{keep}'").to_pylist()[0]
    assert 0.0 <= row["epsilon"] <= 1.0 and row["size"] == 2
    if not linked:
        assert row["weakest_link"] == 0.0 and row["epsilon"] >= 0.6


def test_a_store_with_review_actions_still_takes_an_ingest(base_store, tmp_path):
    path = tmp_path / "s.duckdb"
    shutil.copy(base_store, path)
    with ClusterStore.open(path) as s:
        cid = _biggest(s)[0]
        R.split(s, cid, _members(s, cid)[:1], "ana")
    more = pa.Table.from_batches(list(generate_batches(500, seed=5))).slice(400)
    counts = ingest(more, path)
    assert counts["new_offers"] == more.num_rows
    with ClusterStore.open(path, read_only=True) as s:
        assert s.scalar("SELECT count(*) FROM actions") == 1
        live = {r[0] for r in s.con.execute("SELECT cluster_id FROM clusters").fetchall()}
        assert {r[0] for r in s.con.execute("SELECT DISTINCT cluster_id FROM offers").fetchall()} == live


def test_the_v1_to_v2_migration_still_gives_review_tables_that_work(base_store, tmp_path):
    path = tmp_path / "v1.duckdb"
    shutil.copy(base_store, path)
    with ClusterStore.open(path) as s:
        # a version-1 store had none of the tables version 2 adds (whatever else v2 adds: IF EXISTS)
        s.con.execute("DROP TABLE actions; DROP TABLE labels; DROP TABLE IF EXISTS offer_arrays; "
                      "UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with ClusterStore.open(path) as s:
        assert s.meta("schema_version") == "2"
        cid = _biggest(s)[0]
        assert R.confirm(s, cid, "ana")["labels"] > 0
        assert np.all(R.labels_table(s).column("label").to_numpy() == 1)
