"""The product record shared by the catalog builder, the Western families and the renderers."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from samesku.synth import templates as t
from samesku.synth.templates import Brand

Part = tuple[Any, bool]          # (Phrase | Brand | literal str, droppable)
Spec = tuple[Any, ...]           # ("pack", amount, unit, count, counter), ("cap", gb), ...


@dataclass(slots=True)
class Product:
    """One true product; ``spec`` is identity (always rendered), ``noise`` is optional.

    Western families (``western.py``) keep what their own renderer needs in ``extra``
    (model-code core and region suffix, kind, series, features); their ``spec`` is still
    the identity but is not always written out, as real Western shops do not.
    """

    family: str
    brand: Brand | None
    name: tuple[Part, ...]
    code: str | None
    spec: tuple[Spec, ...]
    noise: tuple[Spec, ...]
    langs: tuple[tuple[str, float], ...]
    price: float
    hash_a: int
    hash_b: int
    gtin: str | None = None
    alt_code: str | None = None
    category: str = ""
    extra: dict[str, Any] | None = None
    line: int = -1   # sibling group (one ``_Builder.group`` call); -1 none: shops title it freely

    def key(self) -> tuple[Any, ...]:
        """Identity: two products with equal keys would be the same product."""
        return (self.family, self.brand.key if self.brand else None,
                tuple(_canon(p) for p, _ in self.name), self.code,
                tuple(tuple(_canon(v) for v in s) for s in self.spec))


def _canon(x: Any) -> str:
    if isinstance(x, Brand):
        return x.key
    if isinstance(x, dict):
        return t.say(x, "en")[0]
    return str(x)


def code_from(r: random.Random, pattern: str) -> str:
    """Random model code: ``@`` → letter (no I/O), ``#`` → digit, anything else literal."""
    return "".join(r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") if c == "@" else
                   str(r.randrange(10)) if c == "#" else c for c in pattern)


def _flip(r: random.Random, h: int, bits: int) -> int:
    for _ in range(bits):
        h ^= 1 << r.randrange(64)
    return h
