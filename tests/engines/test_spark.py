"""The Spark engine (real PySpark, local[2]) gives the local engine's clusters and rejects."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from samesku.config import Config
from samesku.synth import generate_batches
from tests.runs import cluster_to

pytest.importorskip("pyspark")

N_OFFERS = 50_000


@pytest.fixture(scope="module")
def spark():
    from samesku.engines.spark import spark_session

    session = spark_session(Config(), "local[2]")
    yield session
    session.stop()


def _partition(run: Path) -> tuple[set[tuple[str, ...]], dict[str, str]]:
    rows = pq.read_table(run / "assignments.parquet", columns=["offer_id", "cluster_id"]).to_pylist()
    by: dict[str, list[str]] = {}
    for r in rows:
        by.setdefault(r["cluster_id"], []).append(r["offer_id"])
    return {tuple(sorted(v)) for v in by.values()}, {r["offer_id"]: r["cluster_id"] for r in rows}


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> Path:
    """50k synthetic offers (with the generator's heavy keys) plus rows every validation rule rejects."""
    table = pa.Table.from_batches(list(generate_batches(N_OFFERS, seed=11, bridge_rate=0.01)))
    bad = pa.table({
        "offer_id": ["bad-empty-title", "", table.column("offer_id")[0].as_py(), "bad-long"],
        "title": ["", "no id", "a duplicate of the first offer", "x" * 2500],
    })
    bad = pa.table({name: bad.column(name) if name in bad.column_names else pa.nulls(4, table.schema.field(name).type)
                    for name in table.column_names})
    path = tmp_path_factory.mktemp("spark") / "catalog.parquet"
    pq.write_table(pa.concat_tables([table, bad.cast(table.schema)]), path)
    return path


def test_spark_engine_gives_the_local_engines_clusters_probabilities_and_rejected_rows(spark, catalog, tmp_path):
    # a small component cap, so the distributed ladder of capped components is exercised too
    cfg = Config.from_dict({"merge": {"max_component": 2_000}})
    local = cluster_to([catalog], tmp_path / "local", cfg)
    remote = cluster_to([catalog], tmp_path / "spark", cfg, engine="spark", spark=spark)

    part_l, ids_l = _partition(tmp_path / "local")
    part_s, ids_s = _partition(tmp_path / "spark")
    assert part_l == part_s
    assert ids_l == ids_s                      # cluster ids too, not only the partition
    assert local["input_rows"] == remote["input_rows"] == N_OFFERS + 4
    # the colour-identity statistic is counted alike (Arrow group-bys vs Spark SQL)
    assert remote["colour_identity"] == local["colour_identity"] and local["colour_identity"]["categories"]
    assert remote["assigned"] + remote["rejected"] == remote["input_rows"]
    rej_l = pq.read_table(tmp_path / "local" / "rejected.parquet").sort_by("_row").to_pylist()
    rej_s = pq.read_table(tmp_path / "spark" / "rejected.parquet").sort_by("_row").to_pylist()
    assert rej_l == rej_s and len(rej_s) == 4
    # the catalog had heavy keys, and both engines split the same ones
    heavy = [f["heavy_keys"] for st in remote["stages"] for f in st["families_detail"]]
    assert any(heavy)
    heavy_l = [f["heavy_keys"] for st in local["stages"] for f in st["families_detail"]]
    assert [{h["key"] for h in x} for x in heavy] == [{h["key"] for h in x} for x in heavy_l]
    # the same pairs with the same final probabilities (the context stage sees every pair of
    # an offer in both engines)
    def probabilities(run: str) -> dict:
        t = pq.read_table(tmp_path / run / "edges.parquet").to_pydict()
        return dict(zip(zip(t["offer_id_a"], t["offer_id_b"], strict=True), t["match_probability"], strict=True))

    edges_l, edges_s = probabilities("local"), probabilities("spark")
    assert edges_l == edges_s
    assert local["refused_merges"]["component_cap"] == remote["refused_merges"]["component_cap"] > 0
    summary = json.loads((tmp_path / "spark" / "summary.json").read_text())
    assert summary["engine"] == "spark" and (tmp_path / "spark" / "report.html").exists()
