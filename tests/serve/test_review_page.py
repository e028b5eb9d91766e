"""The review page in a real headless browser (Debian's chromium driven by Playwright) against `samesku serve`:
open /review, enter the token, tick one member of the first cluster, split it out, and find the new cluster
and its lineage in the store."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from samesku.store import ClusterStore
from tests.serve.conftest import TOKEN
from tests.serve.test_http import Server

CHROMIUM = Path("/usr/bin/chromium")
#: no downloads, no background traffic: the browser talks to the loopback server only
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                                               "(.ci/run installs it: apt-get install chromium)")


def test_splitting_a_member_out_on_the_review_page_makes_a_new_cluster_with_lineage(store_path, image_root, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    server = Server(store_path, image_root, tmp_path / "serve.log")
    try:
        server.wait_ready()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, timeout=60_000)
            try:
                page = browser.new_page(viewport={"width": 1440, "height": 1000})
                page.set_default_timeout(30_000)
                errors: list[str] = []
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.goto(f"http://127.0.0.1:{server.port}/review")
                # the queue loads after the page: its status line must not overwrite the token's
                expect(page.locator("#status")).to_contain_text("clusters to review")
                page.fill("#token", TOKEN)
                page.click("#save-token")
                expect(page.locator("#status")).to_contain_text("token saved")
                first = page.locator("section.cluster").first
                expect(first.locator(".member").first).to_be_visible()
                expect(first.locator(".member img").first).to_be_visible()
                cluster_id = first.get_attribute("data-cluster")
                offer_id = first.locator(".member").first.get_attribute("data-offer")
                first.locator(".member input[type=checkbox]").first.check()
                shot = tmp_path / "review.png"
                page.screenshot(path=str(shot))
                first.locator("button.split").click()
                expect(page.locator("#status")).to_contain_text("split: action 1 done")
                # the queue holds more than one page of clusters: "Show more" adds the next 20
                expect(page.locator("section.cluster")).to_have_count(20)
                page.click("#more")
                expect(page.locator("section.cluster")).not_to_have_count(20)
                assert errors == []
            finally:
                browser.close()
        if os.environ.get("SAMESKU_SCREENSHOT"):     # `SAMESKU_SCREENSHOT=docs/review.png pytest ...` refreshes the docs
            shutil.copy(shot, os.environ["SAMESKU_SCREENSHOT"])
    finally:
        server.stop()
    with ClusterStore.open(store_path, read_only=True) as s:
        new_id = s.scalar("SELECT cluster_id FROM offers WHERE offer_id = ?", [offer_id])
        assert new_id != cluster_id
        assert s.scalar("SELECT size FROM clusters WHERE cluster_id = ?", [new_id]) == 1
        assert s.con.execute("SELECT kind, cluster_id, other_id FROM lineage WHERE kind = 'split'").fetchall() == [
            ("split", new_id, cluster_id)]
        assert s.scalar("SELECT actor FROM actions WHERE action_id = 1") == "api"
