"""`samesku serve` and `samesku labels` on the command line."""

from __future__ import annotations

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from typer.testing import CliRunner

from samesku.cli import app
from samesku.store import ClusterStore
from samesku.store import review as R


def test_labels_export_writes_the_review_labels_as_csv_or_parquet(store_path, tmp_path):
    with ClusterStore.open(store_path) as s:
        cid = s.scalar("SELECT cluster_id FROM clusters WHERE size >= 3 ORDER BY size DESC, cluster_id LIMIT 1")
        members = [r[0] for r in s.con.execute("SELECT offer_id FROM offers WHERE cluster_id = ? ORDER BY offer_id",
                                               [cid]).fetchall()]
        R.split(s, cid, members[:1], "ana")
    runner = CliRunner()
    res = runner.invoke(app, ["labels", "--store", str(store_path), "--out", str(tmp_path / "l.csv")])
    assert res.exit_code == 0, res.output
    csv = pacsv.read_csv(tmp_path / "l.csv")
    assert csv.num_rows == len(members) - 1 and set(csv.column("label").to_pylist()) == {0}
    res = runner.invoke(app, ["labels", "--store", str(store_path), "--out", str(tmp_path / "l.parquet")])
    assert res.exit_code == 0 and pq.read_table(tmp_path / "l.parquet").num_rows == csv.num_rows
    res = runner.invoke(app, ["labels", "--store", str(store_path), "--out", str(tmp_path / "l.txt")])
    assert res.exit_code == 2 and ".csv or .parquet" in res.output


def test_serve_refuses_a_missing_image_root_and_a_missing_store_with_one_line(store_path, tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["serve", "--store", str(store_path), "--image-root", str(tmp_path / "nope")])
    assert res.exit_code == 2 and "is not a folder" in res.output
    res = runner.invoke(app, ["serve", "--store", str(tmp_path / "missing.duckdb")])
    assert res.exit_code == 1 and "no store at" in res.output


def test_serve_binds_to_loopback_by_default_and_reads_the_token_from_samesku_token():
    import typer

    serve = typer.main.get_command(app).commands["serve"]  # type: ignore[attr-defined]
    defaults = {p.name: p.default for p in serve.params}
    assert defaults["host"] == "127.0.0.1" and defaults["token_env"] == "SAMESKU_TOKEN"
