"""Synthetic multilingual offer catalogs with ground truth, for tests and benchmarks."""

from samesku.synth.generator import generate_batches, write_catalog

__all__ = ["generate_batches", "write_catalog"]
