"""The service's routes in-process (FastAPI's TestClient) against a real store file."""

from __future__ import annotations

import contextlib

import pytest

from samesku.serve import create_app
from samesku.serve.app import OfferIn, offers_table
from samesku.store import ClusterStore
from tests.serve.conftest import TOKEN, TestClient, catalog

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def client(store_path, image_root):
    with TestClient(create_app(store_path, token=TOKEN, image_root=image_root)) as c:
        yield c


def _uncertain(client: TestClient, n: int = 2) -> list[dict]:
    got = client.get("/clusters", params={"sort": "uncertainty", "limit": n, "min_size": 3})
    assert got.status_code == 200
    return got.json()["clusters"]


def test_health_says_ok_and_counts_the_store(client):
    got = client.get("/health").json()
    assert got["status"] == "ok" and got["offers"] == 360 and got["clusters"] > 0 and got["writes"] == "enabled"


def test_clusters_by_uncertainty_come_highest_epsilon_first_and_only_of_two_or_more(client):
    got = client.get("/clusters", params={"sort": "uncertainty", "limit": 30, "members": 3}).json()["clusters"]
    eps = [c["epsilon"] for c in got]
    assert eps == sorted(eps, reverse=True) and all(c["size"] >= 2 for c in got)
    assert all(1 <= len(c["members"]) <= 3 for c in got)
    by_size = client.get("/clusters", params={"sort": "size", "limit": 5}).json()["clusters"]
    assert [c["size"] for c in by_size] == sorted((c["size"] for c in by_size), reverse=True)
    assert client.get("/clusters", params={"sort": "random"}).status_code == 422


def test_a_cluster_has_members_with_analysed_fields_price_range_epsilon_and_lineage(client):
    cid = _uncertain(client, 1)[0]["cluster_id"]
    got = client.get(f"/clusters/{cid}").json()
    assert got["cluster_id"] == cid and got["resolved_from"] is None
    assert len(got["members"]) == got["size"]
    prices = [m["price"] for m in got["members"] if m["price"] is not None]
    assert got["price_min"] == pytest.approx(min(prices)) and got["price_max"] == pytest.approx(max(prices))
    assert 0 <= got["epsilon"] <= 1
    assert {"title_clean", "count", "amount", "model_codes", "gtins", "brand_norm", "colors", "seller"} <= set(got["members"][0])
    assert [e["kind"] for e in got["lineage"]] == ["create"]
    assert client.get("/clusters/Cnothing").status_code == 404


def test_a_merged_away_id_answers_with_the_cluster_it_resolves_to(client):
    a, b = (c["cluster_id"] for c in _uncertain(client, 2))
    merged = client.post(f"/clusters/{a}/merge", json={"other_id": b, "actor": "ana"}, headers=AUTH).json()
    gone, kept = merged["merged_away"], merged["cluster_id"]
    got = client.get(f"/clusters/{gone}").json()
    assert got["cluster_id"] == kept and got["resolved_from"] == gone and "merged into" in got["note"]
    assert {"merge"} <= {e["kind"] for e in got["lineage"]}


def test_an_offer_answers_with_its_fields_cluster_and_thumbnail(client):
    oid = catalog().column("offer_id")[0].as_py()
    got = client.get(f"/offers/{oid}").json()
    assert got["offer_id"] == oid and got["cluster_id"].startswith("C")
    assert got["image_url"] == f"/images/img/{oid}.png"
    img = client.get(got["image_url"])
    assert img.status_code == 200 and img.content.startswith(b"\x89PNG")
    assert client.get("/offers/no-such-offer").status_code == 404


def test_posted_offers_are_ingested_into_the_store_in_one_batch(store_path):
    offers = [{"offer_id": "new-1", "title": "Apple iPhone 15 128GB Black", "seller": "shopX", "price": 999.0},
              {"offer_id": "new-2", "title": "iPhone 15 128 GB black (Apple)", "seller": "shopY", "note": "passthrough"}]
    with TestClient(create_app(store_path, token=TOKEN)) as client:
        got = client.post("/offers", json=offers, headers=AUTH)
        assert got.status_code == 200, got.text
        assert got.json()["new_offers"] == 2 and got.json()["batch"] == 2
        one = client.get("/offers/new-2").json()
        assert one["extra"] == {"note": "passthrough"} and one["cluster_id"]
        assert client.get("/health").json()["offers"] == 362
    # the app closed its connection at shutdown: the file holds the batch
    with ClusterStore.open(store_path, read_only=True) as s:
        assert s.scalar("SELECT count(*) FROM offers WHERE offer_id LIKE 'new-%'") == 2
        assert s.scalar("SELECT kind FROM batches WHERE batch_id = 2") == "ingest"


def test_review_actions_confirm_split_merge_undo_and_labels_through_the_api(client):
    a, b = (c["cluster_id"] for c in _uncertain(client, 2))
    members = [m["offer_id"] for m in client.get(f"/clusters/{a}").json()["members"]]
    conf = client.post(f"/clusters/{a}/confirm", json={"actor": "ana"}, headers=AUTH)
    assert conf.status_code == 200 and conf.json()["labels"] > 0
    # a confirmed cluster leaves the review queue until it changes
    queue = [c["cluster_id"] for c in client.get("/clusters", params={"limit": 1000}).json()["clusters"]]
    assert a not in queue and a in [c["cluster_id"] for c in client.get(
        "/clusters", params={"limit": 1000, "confirmed": True}).json()["clusters"]]
    split = client.post(f"/clusters/{a}/split", json={"offer_ids": members[:1]}, headers=AUTH).json()
    new = client.get(f"/clusters/{split['new_id']}").json()
    assert [m["offer_id"] for m in new["members"]] == members[:1]
    assert any(e["kind"] == "split" and e["other_id"] == a for e in new["lineage"])
    merge = client.post(f"/clusters/{b}/merge", json={"other_id": split["new_id"]}, headers=AUTH).json()
    assert merge["cluster_id"] == b
    labels = client.get("/labels").json()["labels"]
    assert {lab["kind"] for lab in labels} == {"confirm", "split", "merge"}
    undo = client.post(f"/actions/{merge['action_id']}/undo", headers=AUTH)
    assert undo.status_code == 200 and undo.json()["undone_kind"] == "merge"
    assert client.get(f"/clusters/{split['new_id']}").json()["resolved_from"] is None
    assert client.post(f"/actions/{merge['action_id']}/undo", headers=AUTH).status_code == 409
    actions = client.get("/actions").json()["actions"]
    assert [x["kind"] for x in actions] == ["undo", "merge", "split", "confirm"]
    csv = client.get("/labels", params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv") and csv.text.startswith('"offer_id_a"')


def test_review_errors_answer_404_409_and_422_with_the_reason(client):
    a, b = (c["cluster_id"] for c in _uncertain(client, 2))
    assert client.post("/clusters/Cnope/confirm", headers=AUTH).status_code == 404
    bad = client.post(f"/clusters/{a}/split", json={"offer_ids": ["not-a-member"]}, headers=AUTH)
    assert bad.status_code == 422 and "not members" in bad.json()["detail"]
    merged = client.post(f"/clusters/{a}/merge", json={"other_id": b}, headers=AUTH).json()
    late = client.post(f"/clusters/{merged['merged_away']}/confirm", headers=AUTH)
    assert late.status_code == 409 and "merged into" in late.json()["detail"]
    assert client.post("/actions/12345/undo", headers=AUTH).status_code == 404


def test_metrics_count_requests_per_route_with_a_latency_histogram(client):
    client.get("/health")
    client.get("/health")
    client.get("/clusters/Cnothing")
    text = client.get("/metrics").text
    assert 'samesku_requests_total{method="GET",route="/health",status="200"} 2' in text
    assert 'samesku_requests_total{method="GET",route="/clusters/{cluster_id}",status="404"} 1' in text
    assert 'samesku_request_seconds_bucket{method="GET",route="/health",le="+Inf"} 2' in text
    assert 'samesku_request_seconds_count{method="GET",route="/health"} 2' in text


def test_openapi_docs_list_the_routes(client):
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/health", "/clusters", "/clusters/{cluster_id}", "/offers", "/offers/{offer_id}", "/labels", "/metrics",
            "/clusters/{cluster_id}/split", "/actions/{action_id}/undo"} <= set(paths)


def test_the_review_page_and_its_script_are_served_without_external_resources(client):
    page = client.get("/review")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    script = client.get("/static/review.js").text
    assert "sessionStorage" in script and "Bearer" in script
    assert "http://" not in page.text + script and "https://" not in page.text + script
    assert client.get("/static/other.js").status_code == 404
    assert page.headers["content-security-policy"].startswith("default-src 'self'")


def test_match_finds_the_cluster_of_a_copy_of_a_stored_offer_explains_it_and_stores_nothing(client):
    row = catalog().slice(0, 1).drop_columns(["truth"]).to_pylist()[0]
    home = client.get(f"/offers/{row['offer_id']}").json()["cluster_id"]
    before = client.get("/health").json()
    query = {**row, "offer_id": "copy-1", "seller": "a_new_shop"}
    got = client.post("/match", json=query, params={"k": 3}, headers=AUTH)
    assert got.status_code == 200, got.text
    (m,) = got.json()["matches"]
    assert m["offer_id"] == "copy-1" and m["clusters"][0]["cluster_id"] == home
    assert m["decision"] in ("join", "bridge") and m["clusters"][0]["probability"] >= m["threshold"]
    assert len(m["clusters"]) <= 3 and [c["probability"] for c in m["clusters"]] == sorted(
        (c["probability"] for c in m["clusters"]), reverse=True)
    assert m["best"]["cluster_id"] == home and len(m["best"]["contributions"]) > 0
    assert client.get("/health").json() == before
    assert client.get("/offers/copy-1").status_code == 404


def test_match_takes_a_batch_says_start_for_a_stranger_and_lists_rejected_rows(client):
    got = client.post("/match", json=[{"offer_id": "z1", "title": "Garden hose reel 30 m with spray nozzle"},
                                      {"offer_id": "z2", "title": "   "}], headers=AUTH).json()
    assert [m["offer_id"] for m in got["matches"]] == ["z1"]
    assert got["rejected"] == [{"offer_id": "z2", "reason": "empty_title"}]
    assert got["matches"][0]["decision"] == "start"
    assert client.post("/match", json=[{"offer_id": str(i), "title": "t"} for i in range(1001)],
                       headers=AUTH).status_code == 422


def test_match_with_the_stored_arrays_gives_what_encoding_the_members_again_gives(store_path):
    import samesku.serve.match as M

    row = catalog().slice(5, 1).drop_columns(["truth"]).to_pylist()[0]
    query = offers_table([OfferIn(**{**row, "offer_id": "copy-5", "seller": "another_shop"})])
    with ClusterStore.open(store_path) as s:
        members = s.sql("SELECT * FROM offers LIMIT 3")
        if M._stored_arrays(s, members) is None:
            pytest.skip("this store keeps no encoded arrays (offer_arrays): members are always encoded")
        matcher = M.Matcher(s)
        use = contextlib.nullcontext
        fast = matcher.match(lambda: use(s), query)
        stored, M._stored_arrays = M._stored_arrays, lambda *_: None   # type: ignore[assignment]
        try:
            slow = matcher.match(lambda: use(s), query)
        finally:
            M._stored_arrays = stored
    assert fast == slow and fast["matches"][0]["clusters"]
