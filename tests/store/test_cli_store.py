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


def test_export_and_rebuild_on_the_command_line(tmp_path):
    import pyarrow as pa

    t = pa.Table.from_batches(list(generate_batches(600, seed=5)))
    pq.write_table(t, tmp_path / "all.parquet")
    store = tmp_path / "s.duckdb"
    runner = CliRunner()
    res = runner.invoke(app, ["cluster", str(tmp_path / "all.parquet"), "--rebuild", "--store", str(store), "--quiet"])
    assert res.exit_code == 2 and "drop --rebuild" in res.output
    assert runner.invoke(app, ["cluster", str(tmp_path / "all.parquet"), "--store", str(store), "--quiet"]).exit_code == 0
    res = runner.invoke(app, ["cluster", str(tmp_path / "all.parquet"), "--store", str(store), "--rebuild"])
    assert res.exit_code == 0, res.output
    assert "rebuilt" in res.output and "kept their id" in res.output
    res = runner.invoke(app, ["export", "--store", str(store), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert pq.read_table(tmp_path / "out" / "assignments.parquet").num_rows == 600
    assert (tmp_path / "out" / "report.html").exists()
    res = runner.invoke(app, ["stats", "--store", str(store), "--json"])
    assert [b["kind"] for b in json.loads(res.output)["batches"]] == ["cluster", "rebuild"]
