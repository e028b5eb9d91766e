"""A small real store (a few hundred synthetic offers, some with an image file) shared by the service tests."""

from __future__ import annotations

import hashlib
import shutil
import struct
import warnings
import zlib
from pathlib import Path

import pyarrow as pa
import pytest
from starlette.exceptions import StarletteDeprecationWarning

import samesku
from samesku.store import create_store
from samesku.synth import generate_batches

with warnings.catch_warnings():
    # Starlette's test client now prefers the `httpx2` package; with `httpx` (our dependency) it works the same
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

__all__ = ["TestClient"]

TOKEN = "s3cret-token-for-tests"


def png(rgb: tuple[int, int, int], size: int = 24) -> bytes:
    """A solid-colour PNG (written by hand: no imaging library needed)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def catalog(n: int = 360, seed: int = 11) -> pa.Table:
    """Synthetic offers; every other one has an image (a colour per product) under ``img/``."""
    t = pa.Table.from_batches(list(generate_batches(n, seed=seed)))
    ids = t.column("offer_id").to_pylist()
    images = [f"img/{oid}.png" if i % 2 == 0 else None for i, oid in enumerate(ids)]
    return t.append_column("image", pa.array(images, pa.string()))


def write_images(table: pa.Table, root: Path) -> None:
    (root / "img").mkdir(parents=True, exist_ok=True)
    for image, truth in zip(table.column("image").to_pylist(), table.column("truth").to_pylist(), strict=True):
        if image:
            h = hashlib.blake2b(str(truth).encode(), digest_size=3).digest()
            (root / image).write_bytes(png((h[0] // 2 + 100, h[1] // 2 + 100, h[2] // 2 + 100)))


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """(store file, image root) built once per test process; tests copy the store."""
    base = tmp_path_factory.mktemp("serve")
    t = catalog()
    write_images(t, base / "images")
    create_store(samesku.cluster(t), base / "base.duckdb")
    return base / "base.duckdb", base / "images"


@pytest.fixture
def store_path(built, tmp_path) -> Path:
    path = tmp_path / "s.duckdb"
    shutil.copy(built[0], path)
    return path


@pytest.fixture
def image_root(built) -> Path:
    return built[1]
