"""The cluster store: a catalog that grows batch by batch with stable cluster ids (one DuckDB file).

``samesku cluster INPUT... --store PATH`` creates one (:func:`~samesku.store.create.create_store`),
``samesku ingest INPUT... --store PATH`` adds a batch (:func:`~samesku.store.ingest.ingest`),
``samesku stats --store PATH`` shows it (:func:`~samesku.store.stats.store_stats`),
``samesku export`` writes its run files (:func:`~samesku.store.export.export`) and
``cluster --store PATH --rebuild`` re-clusters it keeping ids (:func:`~samesku.store.rebuild.rebuild_store`).
"""

from samesku.store.create import create_store
from samesku.store.export import export
from samesku.store.ingest import ingest
from samesku.store.rebuild import rebuild_store
from samesku.store.stats import store_stats
from samesku.store.store import ClusterStore

__all__ = ["ClusterStore", "create_store", "export", "ingest", "rebuild_store", "store_stats"]
