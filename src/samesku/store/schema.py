"""The cluster store's tables, its schema version, and forward migrations.

One DuckDB file holds a catalog that grows batch by batch:

==============  ================================================================
table           one row per
==============  ================================================================
``meta``        setting: schema version, creation time, samesku version
``blobs``       fitted state (a tar of ``fitted/``), model, config, seen-id Bloom filter
``batches``     batch applied (the creating run, each ingest, each rebuild)
``offers``      offer: its stable ``offer_key``, content hash, cluster, analysed fields
``clusters``    live cluster: the columns of ``clusters.parquet``
``cluster_ids`` cluster id ever issued: live / merged (``resolved_to``) / empty; never reused
``lineage``     event: a cluster created, an offer joining or leaving, two clusters merging
``keys``        (key family, key, offer): the keys index new offers look up
``edges``       scored pair of stored offers (by offer key)
``rejected``    input row not stored, with its reason and batch
``offer_arrays`` stored offer's encoded pair-feature arrays (``m_*``, title vector included)
``actions``     review action (confirm, split, merge, undo): who, when, what, undone or not
``labels``      labelled pair from a review action (offer ids, 0/1): training labels
==============  ================================================================

``offers`` and ``clusters`` are created from the first run's Arrow tables (their columns
are those of the run's outputs); the others are fixed here. A store written by a newer
samesku is refused; an older one is migrated forward by :data:`MIGRATIONS`.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pyarrow as pa

from samesku.errors import StoreError

#: the schema version this samesku writes
SCHEMA_VERSION = 2

#: tables added in version 2: the review page's actions and the labelled pairs they give
_V2 = (
    """CREATE TABLE actions (action_id BIGINT PRIMARY KEY, batch_id BIGINT, kind VARCHAR, cluster_id VARCHAR,
        other_id VARCHAR, detail VARCHAR, actor VARCHAR, created_at TIMESTAMP, undone_by BIGINT)""",
    """CREATE TABLE labels (offer_id_a VARCHAR, offer_id_b VARCHAR, label TINYINT, action_id BIGINT,
        created_at TIMESTAMP)""",
)

FIXED_TABLES = (
    "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    "CREATE TABLE blobs (name VARCHAR PRIMARY KEY, data BLOB)",
    """CREATE TABLE batches (batch_id BIGINT PRIMARY KEY, kind VARCHAR, started_at TIMESTAMP, finished_at TIMESTAMP,
        input_rows BIGINT, assigned BIGINT, rejected BIGINT, new_offers BIGINT, unchanged BIGINT, changed BIGINT,
        clusters_after BIGINT, summary VARCHAR)""",
    """CREATE TABLE cluster_ids (cluster_id VARCHAR, state VARCHAR, resolved_to VARCHAR, created_batch BIGINT,
        ended_batch BIGINT)""",
    """CREATE TABLE lineage (batch_id BIGINT, kind VARCHAR, cluster_id VARCHAR, other_id VARCHAR, offer_id VARCHAR,
        detail VARCHAR)""",
    "CREATE TABLE keys (family VARCHAR, key VARCHAR, offer_key BIGINT)",
    """CREATE TABLE edges (key_a BIGINT, key_b BIGINT, match_probability FLOAT, pair_probability FLOAT,
        model_probability FLOAT, veto VARCHAR, stage TINYINT, batch_id BIGINT)""",
    "CREATE TABLE rejected (batch_id BIGINT, offer_id VARCHAR, reason VARCHAR, raw VARCHAR, _source VARCHAR, _row BIGINT)",
    *_V2,
)


def create_arrays_table(con: duckdb.DuckDBPyConnection) -> None:
    """``offer_arrays``: per stored offer its encoded arrays, so an ingest or a match never encodes it again."""
    from samesku.match.arrays import MATCH_SCHEMA

    shape = pa.schema([pa.field("offer_key", pa.int64()), *MATCH_SCHEMA]).empty_table()
    con.register("_arrays_shape", shape)
    con.execute("CREATE TABLE offer_arrays AS SELECT * FROM _arrays_shape")
    con.unregister("_arrays_shape")


def _to_v2(con: duckdb.DuckDBPyConnection) -> None:
    """Version 2 adds the review tables and the stored arrays (a v1 store's offers are encoded when needed)."""
    for ddl in _V2:
        con.execute(ddl)
    create_arrays_table(con)


#: from version v to v + 1: a function of an open connection inside the migration's transaction
MIGRATIONS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {1: _to_v2}


class StoreVersionError(StoreError):
    """The store was written by a newer samesku, or cannot be migrated."""


def stored_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version a store file declares (0: not a samesku store)."""
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if "meta" not in tables:
        return 0
    rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    return int(rows[0][0]) if rows else 0


def migrate(con: duckdb.DuckDBPyConnection, path: str) -> int:
    """Bring an open store to :data:`SCHEMA_VERSION` (each step in its own transaction); the version it had."""
    version = stored_version(con)
    if version > SCHEMA_VERSION:
        raise StoreVersionError(f"{path} is a samesku store of schema version {version}; this samesku reads up to "
                                f"version {SCHEMA_VERSION}: upgrade samesku to open it")
    start = version
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise StoreVersionError(f"{path}: no migration from store schema version {version}")
        con.execute("BEGIN TRANSACTION")
        step(con)
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(version + 1)])
        con.execute("COMMIT")
        version += 1
    return start
