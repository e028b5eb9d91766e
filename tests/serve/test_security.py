"""The service's guards: tokens on every write, body size limits, 422 reasons, images only from their root."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from samesku.serve import create_app
from samesku.serve.security import ImageRefused, safe_image_path, token_matches
from tests.serve.conftest import TOKEN, TestClient, catalog

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def app(store_path, image_root):
    return create_app(store_path, token=TOKEN, image_root=image_root, max_body=64 * 1024)


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c


def _write_routes(app) -> list[str]:
    """Every route of the app that takes a method other than GET / HEAD (path parameters filled in)."""
    out = []
    for route in app.routes:
        methods = getattr(route, "methods", None) or set()
        if methods - {"GET", "HEAD"}:
            out.append(re.sub(r"\{[^}]+\}", "1", route.path))
    return sorted(out)


def test_the_write_routes_are_the_expected_ones(app):
    assert _write_routes(app) == ["/actions/1/undo", "/clusters/1/confirm", "/clusters/1/merge",
                                  "/clusters/1/split", "/match", "/offers"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
                                     {"Authorization": f"Bearer {TOKEN}x"}, {"Authorization": "Bearer"}],
                         ids=["none", "wrong", "not-bearer", "longer", "empty"])
def test_every_write_route_answers_401_without_a_valid_token_and_changes_nothing(app, client, headers):
    before = client.get("/health").json()
    for path in _write_routes(app):
        got = client.post(path, json={"offer_ids": ["x"], "other_id": "y"}, headers=headers)
        assert got.status_code == 401, path
        assert "token" in got.json()["detail"] and got.headers["www-authenticate"] == "Bearer"
    assert client.get("/actions").json()["actions"] == [] and client.get("/health").json() == before


def test_with_no_token_configured_every_write_is_refused_and_says_which_variable_to_set(store_path):
    app = create_app(store_path, token=None, token_env="MY_TOKEN_VAR")
    with TestClient(app) as client:
        for path in _write_routes(app):
            for headers in ({}, AUTH):
                got = client.post(path, json=[], headers=headers)
                assert got.status_code == 403 and "MY_TOKEN_VAR" in got.json()["detail"], path
        assert client.get("/health").json()["writes"].startswith("disabled")


def test_tokens_are_compared_whole():
    assert token_matches(TOKEN, TOKEN)
    assert not token_matches(TOKEN[:-1], TOKEN) and not token_matches(None, TOKEN) and not token_matches("", TOKEN)


def test_a_body_over_the_limit_answers_413_by_its_length_and_when_streamed(client):
    big = b"[" + b'{"offer_id": "x", "title": "y"},' * 4000 + b"{}]"
    got = client.post("/offers", content=big, headers={**AUTH, "Content-Type": "application/json"})
    assert got.status_code == 413 and "limit" in got.json()["detail"]

    def chunks():
        for _ in range(200):
            yield b" " * 1024
    streamed = client.post("/offers", content=chunks(), headers={**AUTH, "Content-Type": "application/json"})
    assert streamed.status_code == 413
    small = client.post("/offers", content=b"[]", headers={**AUTH, "Content-Type": "application/json"})
    assert small.status_code == 422     # under the limit, it reaches validation


@pytest.mark.parametrize(("body", "reason"), [
    (b'[{"offer_id": "a", "title": ', "JSON decode error"),
    (b'{"offer_id": "a", "title": "t"}', "list"),
    (b'[{"offer_id": "a"}]', "title"),
    (b'[{"title": "no id"}]', "offer_id"),
    (b'[{"offer_id": "a", "title": ""}]', "title"),
    (b'[{"offer_id": "a", "title": "t", "price": "cheap"}]', "price"),
    (b'[{"offer_id": "a", "title": "t", "image_phash": "xyz"}]', "image_phash"),
    (b"[]", "at least 1"),
], ids=["malformed", "not-a-list", "no-title", "no-id", "empty-title", "bad-price", "bad-phash", "empty"])
def test_malformed_json_and_contract_violations_answer_422_with_the_reason(client, body, reason):
    got = client.post("/offers", content=body, headers={**AUTH, "Content-Type": "application/json"})
    assert got.status_code == 422
    assert reason in str(got.json()["detail"])


def test_a_batch_over_a_thousand_offers_answers_422(store_path):
    with TestClient(create_app(store_path, token=TOKEN)) as client:
        got = client.post("/offers", json=[{"offer_id": str(i), "title": "t"} for i in range(1001)], headers=AUTH)
    assert got.status_code == 422 and "1000" in str(got.json()["detail"])


def test_review_bodies_are_validated_with_the_reason(client):
    cid = client.get("/clusters", params={"limit": 1}).json()["clusters"][0]["cluster_id"]
    got = client.post(f"/clusters/{cid}/split", json={"offer_ids": []}, headers=AUTH)
    assert got.status_code == 422 and "offer_ids" in str(got.json()["detail"])
    got = client.post(f"/clusters/{cid}/merge", json={}, headers=AUTH)
    assert got.status_code == 422 and "other_id" in str(got.json()["detail"])


@pytest.fixture
def outside(tmp_path) -> Path:
    secret = tmp_path / "secret.txt"
    secret.write_text("not for you")
    return secret


@pytest.mark.parametrize("path", [
    "/images/%2e%2e/%2e%2e/secret.txt", "/images/img/%2E%2E/%2E%2E/secret.txt", "/images/..%2f..%2fsecret.txt",
    "/images/%252e%252e/secret.txt", "/images/%2Fetc%2Fpasswd", "/images//etc/passwd", "/images/img%5c..%5csecret.txt",
])
def test_image_paths_that_could_leave_the_root_are_refused(client, path):
    got = client.get(path)
    assert got.status_code in (403, 404) and "not for you" not in got.text and "root:" not in got.text
    assert got.status_code == 403, got.text


def test_a_symlink_out_of_the_image_root_is_refused_and_one_inside_is_served(tmp_path, store_path, outside):
    root = tmp_path / "images"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.png").write_bytes(b"\x89PNG inside")
    os.symlink(outside, root / "escape.png")
    os.symlink(outside.parent, root / "updir")
    os.symlink(root / "sub" / "a.png", root / "alias.png")
    with TestClient(create_app(store_path, token=TOKEN, image_root=root)) as client:
        assert client.get("/images/escape.png").status_code == 403
        assert client.get("/images/updir/secret.txt").status_code == 403
        served = client.get("/images/alias.png")
        assert served.content == b"\x89PNG inside" and served.headers["x-content-type-options"] == "nosniff"
        assert client.get("/images/sub/a.png").status_code == 200
        assert client.get("/images/sub/missing.png").status_code == 404


def test_safe_image_path_refuses_dot_dot_absolute_and_nul(tmp_path, outside):
    root = tmp_path / "images"
    root.mkdir()
    for bad in ["../secret.txt", "a/../../secret.txt", str(outside), "/etc/passwd", "a\x00b", "", "%2e%2e/secret.txt"]:
        with pytest.raises(ImageRefused):
            safe_image_path(root, bad)


def test_without_an_image_root_no_image_is_served_and_no_thumbnail_is_offered(store_path):
    oid = catalog().column("offer_id")[0].as_py()
    with TestClient(create_app(store_path, token=TOKEN)) as client:
        assert client.get(f"/images/img/{oid}.png").status_code == 404
        assert client.get(f"/offers/{oid}").json()["image_url"] is None
