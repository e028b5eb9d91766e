"""BLAS runs single-threaded in a samesku process, so results never depend on thread counts.

OpenBLAS' matrix products round differently with one thread and with two (a kNN's
near-tied neighbours, a heavy block's split direction), and Spark's Python workers run one
thread: the same clusters on every engine need one thread everywhere. samesku's engines
parallelise over their own worker pool instead.
"""

from __future__ import annotations

_limited = False


def one_blas_thread() -> None:
    """Limit every BLAS library loaded in this process to one thread (once per process)."""
    global _limited
    if _limited:
        return
    import numpy  # noqa: F401  (its BLAS must be loaded for the limit to reach it)
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    _limited = True
