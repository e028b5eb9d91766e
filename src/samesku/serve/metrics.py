"""Prometheus-style request metrics, kept by hand (a counter and a latency histogram per route)."""

from __future__ import annotations

import threading
from bisect import bisect_left

#: latency histogram bucket bounds, seconds
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def _esc(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class Metrics:
    """Request counts by (method, route, status) and latency histograms by (method, route)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, str, int], int] = {}
        self._hist: dict[tuple[str, str], list[float]] = {}   # per bucket counts, then +Inf count, then sum

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        with self._lock:
            key = (method, route, status)
            self._counts[key] = self._counts.get(key, 0) + 1
            h = self._hist.setdefault((method, route), [0.0] * (len(BUCKETS) + 2))
            h[bisect_left(BUCKETS, seconds)] += 1     # index len(BUCKETS) is the +Inf-only bucket
            h[-1] += seconds

    def render(self) -> str:
        """The Prometheus text exposition format (version 0.0.4)."""
        with self._lock:
            counts, hist = dict(self._counts), {k: list(v) for k, v in self._hist.items()}
        lines = ["# HELP samesku_requests_total HTTP requests by method, route and status.",
                 "# TYPE samesku_requests_total counter"]
        for (method, route, status), n in sorted(counts.items()):
            lines.append(f'samesku_requests_total{{method="{_esc(method)}",route="{_esc(route)}",status="{status}"}} {n}')
        lines += ["# HELP samesku_request_seconds HTTP request latency by method and route.",
                  "# TYPE samesku_request_seconds histogram"]
        for (method, route), h in sorted(hist.items()):
            labels = f'method="{_esc(method)}",route="{_esc(route)}"'
            running = 0.0
            for bound, in_bucket in zip(BUCKETS, h, strict=False):
                running += in_bucket
                lines.append(f'samesku_request_seconds_bucket{{{labels},le="{bound}"}} {int(running)}')
            running += h[len(BUCKETS)]
            lines.append(f'samesku_request_seconds_bucket{{{labels},le="+Inf"}} {int(running)}')
            lines.append(f"samesku_request_seconds_sum{{{labels}}} {h[-1]:.6f}")
            lines.append(f"samesku_request_seconds_count{{{labels}}} {int(running)}")
        return "\n".join(lines) + "\n"
