"""The README's examples run as written: the Python API example and the shell commands it shows."""

from __future__ import annotations

import os
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_the_readme_python_example_runs_and_writes_a_run_directory(tmp_path, capsys):
    blocks = _blocks("python")
    assert len(blocks) == 1
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(compile(blocks[0], "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out
    assert "cluster_id" in out and "clusters" in out
    assert (tmp_path / "my_run" / "report.html").exists() and (tmp_path / "my_run" / "assignments.parquet").exists()


def test_the_readme_is_short_and_starts_with_the_two_commands():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 150
    first = _blocks("bash")[0]
    assert "make demo" in first and "make test" in first


def test_the_readme_one_command_example_clusters_a_csv_with_its_own_column_names(tmp_path):
    import csv
    import shlex
    import subprocess
    import sys

    import pyarrow.parquet as pq

    from samesku.synth import generate_batches

    line = next(ln for block in _blocks("bash") for ln in block.splitlines() if ln.startswith("samesku cluster shops.csv"))
    argv = shlex.split(line.split("#")[0])
    rows = [r for b in generate_batches(300, seed=3) for r in b.to_pylist()]
    with open(tmp_path / "shops.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["sku", "name", "shop", "price"])
        for r in rows:
            w.writerow([r["offer_id"], r["title"], r["seller"], r["price"]])
    proc = subprocess.run([sys.executable, "-m", "samesku", *argv[1:]], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assigned = pq.read_table(tmp_path / "run" / "assignments.parquet")
    assert sorted(assigned.column("offer_id").to_pylist()) == sorted(str(r["offer_id"]) for r in rows)


def test_the_readme_configuration_example_is_a_valid_config(tmp_path):
    from samesku import Config

    toml = next(b for b in _blocks("toml"))
    (tmp_path / "samesku.toml").write_text(toml, encoding="utf-8")
    config = Config.from_toml(tmp_path / "samesku.toml")
    assert config.blocking.knn_k == 12 and config.merge.seller_constraint == "hard"
