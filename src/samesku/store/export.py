"""``samesku export``: a store's current clusters as the run directory ``samesku cluster`` writes."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pyarrow as pa

from samesku import schema as S
from samesku.result import RunResult, build_summary
from samesku.store.store import OFFER_FIELDS, ClusterStore

#: what an exported run's summary keeps from the run that created the store (its fitted state's figures)
_FROM_CREATION = ("placeholders", "seller_check", "colour_identity", "model", "config")


def _passthrough(extra: list[str | None]) -> pa.Table | None:
    """The passthrough columns kept as JSON per offer, as columns again (None when there are none)."""
    rows = [json.loads(e) if e else {} for e in extra]
    names: dict[str, None] = {}
    for r in rows:
        names.update(dict.fromkeys(r))
    if not names:
        return None
    return pa.table({c: pa.array([r.get(c) for r in rows]) for c in names})


def store_result(store: ClusterStore) -> RunResult:
    """The store's offers, clusters, edges and rejected rows as a :class:`RunResult` (local engine)."""
    from samesku.engines.local import LocalEngine

    fields = ", ".join(f'o."{f.name}"' for f in OFFER_FIELDS)
    offers = store.sql(f"SELECT o.cluster_id, o.match_probability, o.extra, {fields} FROM offers o ORDER BY o.offer_key")
    extra = _passthrough(offers.column("extra").to_pylist())
    analysed = offers.select([f.name for f in OFFER_FIELDS])
    assignments = offers.select([S.OFFER_ID, S.CLUSTER_ID, S.MATCH_PROBABILITY, S.FLAGS])
    if extra is not None:
        for name in extra.column_names:
            if name not in analysed.column_names:
                analysed = analysed.append_column(name, extra.column(name))
            assignments = assignments.append_column(name, extra.column(name))
    clusters = store.sql("SELECT * EXCLUDE (batch_id) FROM clusters ORDER BY cluster_id")
    edges = store.sql("""SELECT a.offer_id AS offer_id_a, b.offer_id AS offer_id_b, e.match_probability,
                                e.pair_probability, e.model_probability, e.veto, e.stage
                         FROM edges e JOIN offers a ON a.offer_key = e.key_a JOIN offers b ON b.offer_key = e.key_b
                         ORDER BY e.key_a, e.key_b""")
    rejected = store.sql("SELECT * EXCLUDE (batch_id) FROM rejected")
    config = store.config()
    return RunResult(engine=LocalEngine(config), assignments=assignments, clusters=clusters, edges=edges,
                     rejected=rejected, offers=analysed, fitted=store.fitted(), model=store.model())


def export(store_path: str | Path, out_dir: str | Path, *, wait: float = 30.0) -> dict[str, Any]:
    """Write the store's current state as a run directory (complete or not at all); its summary."""
    t0 = time.perf_counter()
    with ClusterStore.open(store_path, read_only=True, wait=wait) as store:
        result = store_result(store)
        batches = store.sql("SELECT batch_id, kind, input_rows, summary FROM batches ORDER BY batch_id").to_pylist()
        vetoes = {str(v): int(n) for v, n in store.con.execute(
            "SELECT veto, count(*) FROM edges WHERE veto <> '' GROUP BY veto ORDER BY 2 DESC, 1").fetchall()}
        schema_version = store.meta("schema_version")
    created = json.loads(batches[0]["summary"]) if batches else {}
    extra: dict[str, Any] = {k: created[k] for k in _FROM_CREATION if k in created}
    extra.update({
        # the exported view: every stored offer and every rejected row (a re-sent offer is one offer)
        "input_rows": result.engine.count(result.assignments_data) + result.engine.count(result.rejected_data),
        "vetoes": vetoes,
        "store": {"path": str(store_path), "schema_version": schema_version, "batches": len(batches),
                  "rows_received": sum(int(b["input_rows"] or 0) for b in batches),
                  "by_kind": {k: sum(1 for b in batches if b["kind"] == k) for k in sorted({b["kind"] for b in batches})}},
    })
    result.summary = build_summary(result, extra, time.perf_counter() - t0)
    result.write(out_dir)
    return result.summary
