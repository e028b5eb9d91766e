"""A run's result: Arrow tables in memory, and a run directory that is complete or absent."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import pyarrow as pa
import pytest

import samesku
from samesku.synth import generate_batches

FILES = {"assignments.parquet", "clusters.parquet", "edges.parquet", "rejected.parquet", "offers.parquet", "fitted",
         "model.json", "summary.json", "report.html"}


def _catalog(n: int, seed: int) -> pa.Table:
    return pa.Table.from_batches(list(generate_batches(n, seed=seed)))


def test_a_table_in_memory_gives_arrow_tables_and_counts_that_add_up():
    result = samesku.cluster(_catalog(400, 1))
    assert isinstance(result.assignments, pa.Table) and isinstance(result.clusters, pa.Table)
    s = result.summary
    assert s["input_rows"] == s["assigned"] + s["rejected"] == 400
    assert result.assignments.num_rows == s["assigned"] and result.clusters.num_rows == s["clusters"]
    assert set(result.edges.column_names) >= {"offer_id_a", "offer_id_b", "match_probability", "veto"}


def test_writing_replaces_the_previous_run_whole(tmp_path):
    out = tmp_path / "run"
    samesku.cluster(_catalog(300, 1)).write(out)
    first = json.loads((out / "summary.json").read_text())
    samesku.cluster(_catalog(200, 2)).write(out)
    assert {p.name for p in out.iterdir()} == FILES
    assert json.loads((out / "summary.json").read_text())["input_rows"] == 200 != first["input_rows"]
    assert [p.name for p in tmp_path.iterdir()] == ["run"]   # no temporary sibling left


_KILLER = textwrap.dedent("""
    import os, signal, sys
    import pyarrow as pa
    import samesku
    from samesku.engines.local import LocalEngine
    from samesku import result as R
    from samesku.synth import generate_batches

    kill_after, out = int(sys.argv[1]), sys.argv[2]
    written = []
    def dying(write):
        def wrapped(*args, **kwargs):
            if len(written) == kill_after:
                os.kill(os.getpid(), signal.SIGKILL)
            written.append(1)
            return write(*args, **kwargs)
        return wrapped
    # the kill points, in write order: five Parquet files (0-4), the fitted state (5), the report (6)
    LocalEngine.write = dying(LocalEngine.write)
    R.FittedState.save = dying(R.FittedState.save)
    R.write_run_report = dying(R.write_run_report)
    replace = os.replace
    def dying_replace(a, b):
        replace(a, b)
        if kill_after < 0:   # between moving the old run aside and moving the new one in
            os.kill(os.getpid(), signal.SIGKILL)
    R.os.replace = dying_replace
    samesku.cluster(pa.Table.from_batches(list(generate_batches(200, seed=2)))).write(out)
""")


@pytest.mark.parametrize("kill_after", [0, 2, 4, 5, 6, -1])
def test_a_run_killed_while_writing_leaves_the_old_run_or_no_run_never_a_mix(tmp_path, kill_after):
    out = tmp_path / "run"
    samesku.cluster(_catalog(300, 1)).write(out)
    proc = subprocess.run([sys.executable, "-c", _KILLER, str(kill_after), str(out)], capture_output=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    if kill_after >= 0:   # killed while writing the new run: the old one is untouched
        assert {p.name for p in out.iterdir()} == FILES
        assert json.loads((out / "summary.json").read_text())["input_rows"] == 300
    else:                 # killed between the two moves: no run directory, never a half one
        assert not out.exists()
    # the next write cleans up what the killed one left and gives a whole run
    samesku.cluster(_catalog(200, 2)).write(out)
    assert {p.name for p in out.iterdir()} == FILES and [p.name for p in tmp_path.iterdir()] == ["run"]


def test_an_empty_catalog_gives_an_empty_complete_run(tmp_path):
    csv = tmp_path / "empty.csv"
    csv.write_text("offer_id,title\n")
    result = samesku.cluster([csv])
    result.write(tmp_path / "run")
    assert {p.name for p in (tmp_path / "run").iterdir()} == FILES
    assert result.summary["input_rows"] == result.summary["assigned"] == result.summary["clusters"] == 0
