"""`samesku cluster --store`, `samesku ingest` and `samesku stats` from the command line."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
from typer.testing import CliRunner

from samesku.cli import app
from samesku.synth import generate_batches


def test_cluster_store_then_ingest_then_stats_on_the_command_line(tmp_path):
    import pyarrow as pa

    t = pa.Table.from_batches(list(generate_batches(900, seed=4)))
    pq.write_table(t.slice(0, 500), tmp_path / "a.parquet")
    pq.write_table(t.slice(500), tmp_path / "b.parquet")
    store = tmp_path / "s.duckdb"
    runner = CliRunner()
    res = runner.invoke(app, ["cluster", str(tmp_path / "a.parquet"), "--store", str(store), "--quiet"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["cluster", str(tmp_path / "a.parquet"), "--store", str(store), "--quiet"])
    assert res.exit_code == 2 and "samesku ingest" in res.output
    res = runner.invoke(app, ["ingest", str(tmp_path / "b.parquet"), "--store", str(store), "--json"])
    assert res.exit_code == 0, res.output
    counts = json.loads(res.output)
    assert counts["new_offers"] == 400 and counts["batch"] == 2
    res = runner.invoke(app, ["stats", "--store", str(store), "--json"])
    stats = json.loads(res.output)
    assert stats["offers"] == 900 and [b["kind"] for b in stats["batches"]] == ["cluster", "ingest"]
    res = runner.invoke(app, ["ingest", str(tmp_path / "b.parquet"), "--store", str(tmp_path / "nope.duckdb")])
    assert res.exit_code == 1 and "no store at" in res.output
