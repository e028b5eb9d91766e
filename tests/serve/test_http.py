"""The service over real HTTP: `samesku serve` (uvicorn) in a subprocess on loopback, against a real store file."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from samesku.store import ClusterStore
from tests.serve.conftest import TOKEN


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def request(port: int, method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """One raw HTTP request (http.client sends the path as given: no dot-segment clean-up)."""
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        con.request(method, path, body=body, headers=headers or {})
        res = con.getresponse()
        return res.status, res.read()
    finally:
        con.close()


class Server:
    """`samesku serve` in a subprocess, stopped with SIGTERM (uvicorn shuts down and the store closes)."""

    def __init__(self, store: Path, image_root: Path, log: Path) -> None:
        self.port = free_port()
        self.log = log.open("wb")
        env = {**os.environ, "SAMESKU_TOKEN": TOKEN, "PYTHONPATH": os.pathsep.join(sys.path)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "samesku", "serve", "--store", str(store), "--port", str(self.port),
             "--image-root", str(image_root), "--log-level", "warning"],
            stdout=self.log, stderr=subprocess.STDOUT, env=env)

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"samesku serve exited with {self.proc.returncode}")
            try:
                if request(self.port, "GET", "/health")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("samesku serve did not answer /health in time")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)
        self.log.close()
        return int(self.proc.returncode)


@pytest.fixture
def server(store_path, image_root, tmp_path) -> Iterator[Server]:
    srv = Server(store_path, image_root, tmp_path / "serve.log")
    try:
        srv.wait_ready()
        yield srv
    finally:
        srv.stop()


def test_the_service_over_real_http_reads_refuses_writes_without_a_token_and_applies_them_with_one(server, store_path,
                                                                                                  tmp_path):
    status, body = request(server.port, "GET", "/health")
    assert status == 200 and json.loads(body)["status"] == "ok"
    status, body = request(server.port, "GET", "/clusters?limit=1&min_size=3")
    cid = json.loads(body)["clusters"][0]["cluster_id"]
    path, payload = f"/clusters/{cid}/confirm", json.dumps({"actor": "http-test"}).encode()
    assert request(server.port, "POST", path, payload, {"Content-Type": "application/json"})[0] == 401
    assert request(server.port, "POST", path, payload, {"Authorization": "Bearer nope"})[0] == 401
    status, body = request(server.port, "POST", path, payload,
                           {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    assert status == 200, body
    action = json.loads(body)["action_id"]
    # a body declared over the limit is refused before it is read
    status, _ = request(server.port, "POST", "/offers", None,
                        {"Authorization": f"Bearer {TOKEN}", "Content-Length": str(10**9)})
    assert status == 413
    # a raw `../` (no client clean-up on the way) is refused too
    status, body = request(server.port, "GET", "/images/../../../etc/passwd")
    assert status in (403, 404) and b"root:" not in body
    status, _ = request(server.port, "GET", "/images/img/../../base.duckdb")
    assert status == 403
    # uvicorn shuts down gracefully on SIGTERM, then re-raises it (exit -15)
    assert server.stop() in (0, -signal.SIGTERM)
    with ClusterStore.open(store_path, read_only=True) as s:
        assert s.con.execute("SELECT kind, cluster_id, actor FROM actions WHERE action_id = ?", [action]).fetchall() == [
            ("confirm", cid, "http-test")]


def test_concurrent_reads_review_actions_matches_and_an_ingest_all_succeed(server, store_path):
    from concurrent.futures import ThreadPoolExecutor

    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    ids = [c["cluster_id"] for c in json.loads(request(server.port, "GET", "/clusters?limit=8")[1])["clusters"]]
    calls = [("GET", f"/clusters/{cid}", None) for cid in ids * 3]
    calls += [("POST", f"/clusters/{cid}/confirm", b"{}") for cid in ids]
    calls += [("POST", "/match", json.dumps({"offer_id": f"q{i}", "title": "Samsung Galaxy S23 128GB black"}).encode())
              for i in range(4)]
    calls.append(("POST", "/offers", json.dumps([{"offer_id": f"n{i}", "title": f"Sony WH-1000XM{i} headphones"}
                                                 for i in range(3)]).encode()))
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda c: request(server.port, c[0], c[1], c[2], auth if c[0] == "POST" else None), calls))
    assert [s for s, _ in got] == [200] * len(calls), [b[:200] for s, b in got if s != 200]
    health = json.loads(request(server.port, "GET", "/health")[1])
    assert health["offers"] == 363
    server.stop()
    with ClusterStore.open(store_path, read_only=True) as s:
        assert s.scalar("SELECT count(*) FROM actions WHERE kind = 'confirm'") == len(ids)
