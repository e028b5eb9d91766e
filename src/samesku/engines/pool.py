"""Worker processes for the local engine's per-offer stages (analysis, encoding, features).

Those stages are Python-heavy (regular expressions, n-gram hashing) and hold the GIL, so
the local engine runs them in a pool of processes, one chunk of offers per task. Workers
are *spawned* (not forked): LightGBM and FAISS use OpenMP, whose runtime is not safe in a
forked child. Each worker receives the fitted state once (pool initializer); tasks carry
only their chunk, as an Arrow IPC stream: pickling a ``table.slice`` sends the *whole*
table's buffers (pyarrow 26: a 20,000-row slice of the 1M analysed offers pickled to
360 MB instead of 7 MB), which made the chunked stages quadratic in the catalog size.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any

import numpy as np
import pyarrow as pa

_STATE: dict[str, Any] = {}


def _init(state: dict[str, Any]) -> None:
    # one BLAS / OpenMP thread per worker: the pool is the parallelism
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    _STATE.clear()
    _STATE.update(state)


def _analyse(chunk: pa.Table) -> pa.Table:
    from samesku.analyse import analyse_offers
    from samesku.engines.local import without_attributes

    out = analyse_offers(chunk, _STATE["gazetteer"])
    return out if _STATE["attributes"] else without_attributes(out)


def _encode_prepare(chunk: pa.Table) -> tuple[np.ndarray, pa.Table]:
    from samesku.engines.local import encoder_texts
    from samesku.match.arrays import arrays_to_table
    from samesku.match.prepare import prepare_offers

    vectors = _STATE["encoder"].encode(encoder_texts(chunk))
    return vectors, arrays_to_table(prepare_offers(chunk, vectors, _STATE["token_idf"], _STATE["seller_style"]))


TASKS: dict[str, Callable[[pa.Table], Any]] = {"analyse": _analyse, "encode_prepare": _encode_prepare}


def chunk_payload(table: pa.Table) -> pa.Buffer:
    """A table (or a slice of one) as an Arrow IPC stream holding only its own rows."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def _run(fn: Callable[[pa.Table], Any], payload: pa.Buffer) -> Any:
    return fn(pa.ipc.open_stream(payload).read_all())


def worker_count(requested: int) -> int:
    """Processes to use: ``requested``, or one per core when 0."""
    return requested if requested > 0 else max(1, os.cpu_count() or 1)


def map_chunks(task: str, table: pa.Table, chunk_rows: int, workers: int, state: dict[str, Any],
               advance: Callable[[int], None] | None = None) -> Iterator[Any]:
    """Results of ``TASKS[task]`` on consecutive chunks of ``table``, in order.

    With one worker (or a single chunk) the task runs in this process.
    """
    bounds = list(range(0, table.num_rows, chunk_rows)) or [0]
    if workers <= 1 or len(bounds) <= 1:
        _init_in_process(state)
        for lo in bounds:
            chunk = table.slice(lo, chunk_rows)
            yield TASKS[task](chunk)
            if advance:
                advance(chunk.num_rows)
        return
    ctx = mp.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(bounds)), mp_context=ctx, initializer=_init,
                             initargs=(state,)) as pool:
        # a bounded window of chunks in flight: results are handed over in order and then
        # dropped here, so memory holds a few chunks' results, not the whole catalog's
        window = 2 * workers
        pending: deque[tuple[int, Future[Any]]] = deque()
        todo = iter(bounds)
        for lo in islice(todo, window):
            pending.append((lo, pool.submit(_run, TASKS[task], chunk_payload(table.slice(lo, chunk_rows)))))
        while pending:
            lo, fut = pending.popleft()
            result = fut.result()
            del fut
            nxt = next(todo, None)
            if nxt is not None:
                pending.append((nxt, pool.submit(_run, TASKS[task], chunk_payload(table.slice(nxt, chunk_rows)))))
            yield result
            del result
            if advance:
                advance(min(chunk_rows, table.num_rows - lo))


def _init_in_process(state: dict[str, Any]) -> None:
    _STATE.clear()
    _STATE.update(state)
