"""The local engine's process pool: chunk results in input order, every row reported."""

from __future__ import annotations

import pyarrow as pa

from samesku.engines import pool


def _first_and_size(chunk: pa.Table) -> tuple[int, int]:
    return chunk.column("x")[0].as_py(), chunk.num_rows


def test_chunk_results_come_back_in_input_order_from_a_bounded_window_of_workers():
    table = pa.table({"x": list(range(1_050))})
    seen: list[int] = []
    # 11 chunks through 2 workers: more chunks than the window of tasks kept in flight
    results = list(pool.map_chunks(_first_and_size, table, 100, 2, {}, seen.append))
    assert results == [(lo, min(100, 1_050 - lo)) for lo in range(0, 1_050, 100)]
    assert sum(seen) == 1_050


def test_a_chunk_payload_holds_only_its_own_rows_not_the_whole_table():
    table = pa.table({"x": list(range(100_000)), "s": [f"title {i}" for i in range(100_000)]})
    part = table.slice(40_000, 1_000)
    payload = pool.chunk_payload(part)
    assert pa.ipc.open_stream(payload).read_all().equals(part)
    # a pickled slice would carry all 100,000 rows' buffers
    assert payload.size < 3 * part.nbytes + 4_096 < table.nbytes
