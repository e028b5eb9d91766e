"""The cluster store: one DuckDB file, opened by one process at a time, changed one batch at a time.

Every change of a batch happens inside one DuckDB transaction (:meth:`ClusterStore.batch`):
DuckDB's write-ahead log makes a commit durable and drops an uncommitted transaction when
the file is opened after a crash, so a killed ingest leaves the store as it was before the
batch. DuckDB lets one process hold a file for writing and then no other process in, so a
second writer (or a reader) waits up to ``wait`` seconds and then gets a clear error.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from rbloom import Bloom

from samesku import __version__
from samesku import schema as S
from samesku.config import Config
from samesku.errors import StoreBusyError, StoreError
from samesku.fitting import FittedState
from samesku.match.model import MatchModel
from samesku.store.schema import (
    FIXED_TABLES,
    SCHEMA_VERSION,
    create_arrays_table,
    migrate,
    stored_version,
)

#: analysed offer columns a store keeps (and re-encodes stored offers from)
OFFER_FIELDS: list[pa.Field] = [
    *(pa.field(c, S.CANONICAL_TYPES[c]) for c in S.CANONICAL_COLUMNS),
    pa.field(S.SOURCE_FILE, pa.string()), pa.field(S.FLAGS, pa.list_(pa.string())), *S.ANALYSIS_SCHEMA,
]
#: what makes two sendings of one offer_id the same offer: the input columns as given
CONTENT_COLUMNS = S.CANONICAL_COLUMNS[1:]
BLOOM_FP = 0.001


def _id_hash(offer_id: str) -> int:
    # a persistent hash (Python's str hash is salted per process), signed 128-bit as rbloom wants
    return int.from_bytes(hashlib.blake2b(offer_id.encode(), digest_size=16).digest(), "big", signed=True)


def content_hashes(offers: pa.Table) -> list[str]:
    """Per offer, a hash of its input columns (a re-sent offer with the same hash is a no-op)."""
    cols = [offers.column(c).to_pylist() if c in offers.column_names else [None] * offers.num_rows
            for c in CONTENT_COLUMNS]
    return [hashlib.blake2b(json.dumps(row, ensure_ascii=False, default=str).encode(), digest_size=12).hexdigest()
            for row in zip(*cols, strict=True)] if cols else []


def offer_rows(offers: pa.Table) -> pa.Table:
    """The store's columns of analysed offers (missing optional columns as nulls)."""
    n = offers.num_rows
    return pa.table({f.name: offers.column(f.name).cast(f.type) if f.name in offers.column_names else pa.nulls(n, f.type)
                     for f in OFFER_FIELDS})


def with_rows(table: pa.Table, start: int) -> pa.Table:
    """``table`` with its row numbers (``_row``) set to ``start, start + 1, ...`` (rows of a working set)."""
    rows = pa.array(np.arange(start, start + table.num_rows, dtype=np.int64))
    if S.ROW_NUMBER in table.column_names:
        return table.set_column(table.column_names.index(S.ROW_NUMBER), S.ROW_NUMBER, rows)
    return table.append_column(S.ROW_NUMBER, rows)


def _passthrough_json(assignments: pa.Table) -> pa.Array:
    extra = [c for c in assignments.column_names if c not in (S.OFFER_ID, S.CLUSTER_ID, S.MATCH_PROBABILITY, S.FLAGS)]
    if not extra:
        return pa.nulls(assignments.num_rows, pa.string())
    cols = [assignments.column(c).to_pylist() for c in extra]
    return pa.array([json.dumps(dict(zip(extra, row, strict=True)), ensure_ascii=False, default=str)
                     for row in zip(*cols, strict=True)], pa.string())


def stored_offers(analysed: pa.Table, assignments: pa.Table, keys: np.ndarray, hashes: list[str], batch: int) -> pa.Table:
    """Rows of the ``offers`` table: analysed offers with their key, hash, cluster and passthrough."""
    by_id = assignments.select([S.OFFER_ID, S.CLUSTER_ID, S.MATCH_PROBABILITY]).append_column(
        "extra", _passthrough_json(assignments))
    base = offer_rows(analysed)
    order = pc.index_in(base.column(S.OFFER_ID), value_set=by_id.column(S.OFFER_ID))
    picked = by_id.take(order)
    head = pa.table({"offer_key": pa.array(keys, pa.int64()), "content_hash": pa.array(hashes, pa.string()),
                     S.CLUSTER_ID: picked.column(S.CLUSTER_ID), S.MATCH_PROBABILITY: picked.column(S.MATCH_PROBABILITY),
                     "batch_id": pa.array(np.full(base.num_rows, batch, np.int64)), "extra": picked.column("extra")})
    for f in base.schema:
        head = head.append_column(f, base.column(f.name))
    return head


class ClusterStore:
    """An open cluster store (see :mod:`samesku.store.schema` for its tables)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, read_only: bool) -> None:
        self.con, self.path, self.read_only = con, path, read_only

    # --- opening -----------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, *, create: bool = False, read_only: bool = False, wait: float = 30.0) -> ClusterStore:
        """Open (or with ``create``, make) the store at ``path``, waiting up to ``wait`` s for another process."""
        path = Path(path)
        if not create and not path.exists():
            raise StoreError(f"no store at {path} (create one with `samesku cluster INPUT... --store {path}`)")
        deadline = time.monotonic() + wait
        while True:
            try:
                con = duckdb.connect(str(path), read_only=read_only)
                break
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise StoreError(f"{path} cannot be opened as a store: {exc}") from exc
                if time.monotonic() >= deadline:
                    holder = str(exc).split("held in", 1)[-1].split("See also")[0].strip() if "held in" in str(exc) else ""
                    raise StoreBusyError(f"store {path} is in use by another process{' (' + holder + ')' if holder else ''}; "
                                         f"waited {wait:.0f} s") from exc
                time.sleep(0.2)
            except duckdb.Error as exc:
                raise StoreError(f"{path} is not a samesku store: {exc}") from exc
        store = cls(con, path, read_only)
        try:
            version = stored_version(con)
            if version == 0 and not create:
                raise StoreError(f"{path} is not a samesku store")
            if version and not read_only:
                migrate(con, str(path))
            elif version > SCHEMA_VERSION:
                migrate(con, str(path))   # raises: written by a newer samesku
        except BaseException:
            con.close()
            raise
        return store

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> ClusterStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def exists(self) -> bool:
        """Whether the store holds a catalog (its first run was applied)."""
        return stored_version(self.con) > 0

    # --- transactions ---------------------------------------------------------------------------
    @contextmanager
    def batch(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One batch's changes: all of them committed at the end, or none."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def sql(self, query: str, params: dict[str, Any] | list[Any] | None = None) -> pa.Table:
        """A query's result as an Arrow table."""
        return self.con.sql(query, params=params).to_arrow_table()

    def scalar(self, query: str, params: list[Any] | None = None) -> Any:
        rows = self.con.execute(query, params or []).fetchall()
        return rows[0][0] if rows else None

    # --- state ------------------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        value = self.scalar("SELECT value FROM meta WHERE key = ?", [key])
        return None if value is None else str(value)

    def set_meta(self, con: duckdb.DuckDBPyConnection, key: str, value: Any) -> None:
        con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, str(value)])

    def blob(self, name: str) -> bytes:
        data = self.scalar("SELECT data FROM blobs WHERE name = ?", [name])
        if data is None:
            raise StoreError(f"store {self.path} holds no {name}")
        return bytes(data)

    def set_blob(self, con: duckdb.DuckDBPyConnection, name: str, data: bytes) -> None:
        con.execute("INSERT OR REPLACE INTO blobs VALUES (?, ?)", [name, data])

    def fitted(self) -> FittedState:
        """The fitted state of the run that created (or last rebuilt) the store."""
        with tempfile.TemporaryDirectory(prefix="samesku-fitted-") as tmp:
            with tarfile.open(fileobj=io.BytesIO(self.blob("fitted"))) as tar:
                tar.extractall(tmp, filter="data")
            return FittedState.load(Path(tmp) / "fitted")

    def model(self) -> MatchModel:
        with tempfile.TemporaryDirectory(prefix="samesku-model-") as tmp:
            path = Path(tmp) / "model.json"
            path.write_bytes(self.blob("model"))
            return MatchModel.load(path)

    def config(self) -> Config:
        return Config.from_dict(json.loads(self.blob("config")))

    def seen_ids(self) -> Bloom:
        """The Bloom filter of every stored offer_id (no false negatives)."""
        return Bloom.load_bytes(self.blob("seen_ids"), _id_hash)

    def save_state(self, con: duckdb.DuckDBPyConnection, fitted: FittedState, model: MatchModel, config: Config) -> None:
        with tempfile.TemporaryDirectory(prefix="samesku-state-") as tmp:
            fitted.save(Path(tmp) / "fitted")
            buf = io.BytesIO()
            with tarfile.open(fileobj=buf, mode="w") as tar:
                tar.add(Path(tmp) / "fitted", arcname="fitted")
            self.set_blob(con, "fitted", buf.getvalue())
            model.save(Path(tmp) / "model.json")
            self.set_blob(con, "model", (Path(tmp) / "model.json").read_bytes())
        self.set_blob(con, "config", json.dumps(config.to_dict()).encode())

    def save_seen_ids(self, con: duckdb.DuckDBPyConnection, bloom: Bloom | None, new_ids: list[str]) -> None:
        """Add ``new_ids`` to the seen-id filter, rebuilding it larger when it fills up."""
        n = int(self.scalar("SELECT count(*) FROM offers") or 0) if bloom is not None else len(new_ids)
        capacity = int(self.meta("seen_ids_capacity") or 0)
        if bloom is None or n > capacity:
            capacity = max(2 * n, 1_000_000)
            bloom = Bloom(capacity, BLOOM_FP, _id_hash)
            ids = new_ids if n == len(new_ids) else con.execute("SELECT offer_id FROM offers").fetchnumpy()["offer_id"].tolist()
            bloom.update(ids)
            self.set_meta(con, "seen_ids_capacity", capacity)
        else:
            bloom.update(new_ids)
        self.set_blob(con, "seen_ids", bloom.save_bytes())

    # --- counters ----------------------------------------------------------------------------------
    def next_batch(self) -> int:
        return int(self.scalar("SELECT coalesce(max(batch_id), 0) + 1 FROM batches"))

    def next_offer_key(self) -> int:
        return int(self.scalar("SELECT coalesce(max(offer_key), -1) + 1 FROM offers"))

    # --- creation from a whole run -------------------------------------------------------------------
    def create_tables(self, con: duckdb.DuckDBPyConnection, offers: pa.Table, clusters: pa.Table) -> None:
        """The fixed tables, and ``offers`` / ``clusters`` shaped like the first run's rows."""
        for ddl in FIXED_TABLES:
            con.execute(ddl)
        con.register("_offers_shape", offers.slice(0, 0))
        con.execute("CREATE TABLE offers AS SELECT * FROM _offers_shape")
        con.register("_clusters_shape", clusters.slice(0, 0))
        con.execute("CREATE TABLE clusters AS SELECT *, CAST(NULL AS BIGINT) AS batch_id FROM _clusters_shape")
        con.unregister("_offers_shape")
        con.unregister("_clusters_shape")
        create_arrays_table(con)
        for key, value in (("schema_version", SCHEMA_VERSION), ("created_at", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())),
                           ("samesku_version", __version__)):
            self.set_meta(con, key, value)

    def issued(self, names: list[str]) -> set[str]:
        """Which of ``names`` were ever issued as cluster ids."""
        name = f"_names_{os.getpid()}"
        self.con.register(name, pa.table({S.CLUSTER_ID: pa.array(names, pa.string())}))
        try:
            got = self.sql(f"SELECT i.cluster_id FROM cluster_ids i JOIN {name} n ON n.cluster_id = i.cluster_id")
        finally:
            self.con.unregister(name)
        return {str(x) for x in got.column(S.CLUSTER_ID).to_pylist()}

    def arrays_of(self, offer_keys: np.ndarray) -> pa.Table | None:
        """The stored ``m_*`` arrays of ``offer_keys``, row i for ``offer_keys[i]``; None when one has none
        (a store migrated from version 1)."""
        name = f"_want_{os.getpid()}"
        self.con.register(name, pa.table({"offer_key": pa.array(offer_keys, pa.int64()),
                                          "_i": pa.array(np.arange(len(offer_keys), dtype=np.int64))}))
        try:
            got = self.sql(f"SELECT a.* EXCLUDE (offer_key) FROM {name} w JOIN offer_arrays a "
                           f"ON a.offer_key = w.offer_key ORDER BY w._i")
        finally:
            self.con.unregister(name)
        return got if got.num_rows == len(offer_keys) else None

    def insert(self, con: duckdb.DuckDBPyConnection, table: str, rows: pa.Table) -> None:
        """Append Arrow rows to a table, columns matched by name."""
        if rows.num_rows == 0:
            return
        name = f"_rows_{os.getpid()}"
        con.register(name, rows)
        try:
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {name}")
        finally:
            con.unregister(name)
