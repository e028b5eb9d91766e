"""Progress reporting seam: the pipeline calls a Reporter; the CLI plugs in Rich bars."""

from __future__ import annotations

import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class Reporter(Protocol):
    """Receives step starts, progress and ends."""

    def start(self, step: str, total: int | None) -> None: ...

    def advance(self, n: int) -> None: ...

    def end(self, step: str, seconds: float) -> None: ...


class Silent:
    """A reporter that reports nothing (for scripts and tests)."""

    def start(self, step: str, total: int | None) -> None:
        """Nothing."""

    def advance(self, n: int) -> None:
        """Nothing."""

    def end(self, step: str, seconds: float) -> None:
        """Nothing."""


class Timer:
    """Wall time per step, and the process's peak memory when the step ended, for the summary and the report."""

    def __init__(self, reporter: Reporter | None = None) -> None:
        self.reporter: Reporter = reporter or Silent()
        self.seconds: dict[str, float] = {}
        # peak resident memory of this process (MiB) at the end of each step: the step
        # where it jumps is the step that sets the run's peak (worker processes not included)
        self.peak_mb: dict[str, float] = {}

    @contextmanager
    def step(self, name: str, total: int | None = None) -> Iterator[Reporter]:
        """Time a step and report its start, progress and end."""
        self.reporter.start(name, total)
        t0 = time.perf_counter()
        try:
            yield self.reporter
        finally:
            dt = time.perf_counter() - t0
            self.seconds[name] = self.seconds.get(name, 0.0) + dt
            self.peak_mb[name] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)
            self.reporter.end(name, dt)
