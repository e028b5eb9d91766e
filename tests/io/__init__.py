"""Tests of the input data contract (samesku.io)."""
