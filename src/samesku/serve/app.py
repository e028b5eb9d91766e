"""The service: a FastAPI app over one open cluster store (``samesku serve``).

DuckDB lets one process hold the store file, and the app holds one connection to it, opened
at startup. Every request that touches the store takes one lock: reads are a few
milliseconds, review actions one short transaction each, and an ingest (``POST /offers``)
closes the connection, runs :func:`samesku.store.ingest.ingest` on the file (which opens it
itself) and opens it again, all under the lock, so no request sees a half-applied batch or a
closed connection.
"""

from __future__ import annotations

import json
import math
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, TypeVar

import pyarrow as pa
from fastapi import Body, FastAPI, HTTPException, Query, Request
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from samesku import __version__
from samesku import schema as S
from samesku.errors import SameskuError, StoreBusyError, StoreError
from samesku.serve.metrics import Metrics
from samesku.serve.security import DEFAULT_MAX_BODY, Guard, ImageRefused, image_url, safe_image_path
from samesku.store import review as R
from samesku.store.store import ClusterStore

T = TypeVar("T")

#: offers one ``POST /offers`` may carry
MAX_BATCH = 1000
#: members ``GET /clusters/{id}`` lists by default (a cluster may hold thousands)
MEMBER_LIMIT = 200

#: the review page loads nothing from elsewhere and cannot be framed; an image (an SVG, say) runs nothing
PAGE_HEADERS = {"Content-Security-Policy": "default-src 'self'; img-src 'self'; frame-ancestors 'none'",
                "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
IMAGE_HEADERS = {"Content-Security-Policy": "default-src 'none'; sandbox", "X-Content-Type-Options": "nosniff"}

#: the analysed fields of an offer that the API and the review page show
OFFER_COLUMNS = ("offer_id", "cluster_id", "match_probability", "title", "title_clean", "brand", "brand_norm",
                 "category", "price", "currency", "seller", "gtin", "model", "image", "count", "amount", "unit",
                 "amounts", "model_codes", "gtins", "colors", "variant", "batch_id", "extra")


def _clean(value: Any) -> Any:
    """JSON-safe values: NaN and infinities as null, times as ISO strings."""
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


class OfferIn(BaseModel):
    """One offer of the data contract (other fields pass through to the store's ``extra``)."""

    model_config = ConfigDict(extra="allow")
    offer_id: str = Field(min_length=1, max_length=500)
    title: str = Field(min_length=1, max_length=2000)
    brand: str | None = None
    category: str | None = None
    price: float | None = None
    currency: str | None = None
    gtin: str | None = None
    model: str | None = None
    seller: str | None = None
    image: str | None = None
    image_phash: str | None = Field(default=None, pattern=r"^[0-9a-fA-F]{16}$")


class ActionIn(BaseModel):
    actor: str = Field(default="api", min_length=1, max_length=200, description="who acts (shown in the actions log)")


class SplitIn(ActionIn):
    offer_ids: list[str] = Field(min_length=1, max_length=10_000, description="members that leave into a new cluster")


class MergeIn(ActionIn):
    other_id: str = Field(min_length=1, max_length=200, description="the cluster to merge with")


def offers_table(offers: list[OfferIn]) -> pa.Table:
    """The posted offers as a table of the data contract's columns (and their passthrough fields)."""
    rows = [o.model_dump() for o in offers]
    names = list(S.CANONICAL_COLUMNS) + sorted({k for r in rows for k in r} - set(S.CANONICAL_COLUMNS))
    cols: dict[str, pa.Array] = {}
    for name in names:
        values = [r.get(name) for r in rows]
        if name in S.CANONICAL_TYPES:
            cols[name] = pa.array(values, S.CANONICAL_TYPES[name])
        else:   # passthrough: kept as text, like a CSV column
            cols[name] = pa.array([v if v is None or isinstance(v, str) else json.dumps(v) for v in values], pa.string())
    return pa.table(cols)


class StoreHandle:
    """The app's one connection to the store, behind one lock."""

    def __init__(self, path: Path, wait: float) -> None:
        self.path, self.wait = path, wait
        self.lock = threading.RLock()
        self.store = ClusterStore.open(path, wait=wait)

    @contextmanager
    def use(self) -> Iterator[ClusterStore]:
        with self.lock:
            yield self.store

    def ingest(self, table: pa.Table) -> dict[str, Any]:
        from samesku.store.ingest import ingest

        with self.lock:
            self.store.close()
            try:
                return ingest(table, self.path, wait=self.wait)
            finally:
                self.store = ClusterStore.open(self.path, wait=self.wait)

    def close(self) -> None:
        with self.lock:
            self.store.close()


def _static(name: str) -> Path:
    return Path(str(resources.files("samesku.serve") / "static" / name))


def create_app(store_path: str | Path, *, token: str | None = None, token_env: str = "SAMESKU_TOKEN",
               image_root: str | Path | None = None, max_body: int = DEFAULT_MAX_BODY, wait: float = 30.0) -> FastAPI:
    """The service over the store at ``store_path`` (opened now and held until shutdown).

    Args:
        store_path: the cluster store file.
        token: the bearer token writes need; None refuses every write (the message names ``token_env``).
        token_env: the environment variable the token is read from (only for messages).
        image_root: folder images are served from (``GET /images/...``, the review page's thumbnails).
        max_body: largest request body in bytes (413 above).
        wait: seconds to wait for another process holding the store.
    """
    handle = StoreHandle(Path(store_path), wait)
    root = Path(image_root).resolve() if image_root is not None else None
    metrics = Metrics()
    app = FastAPI(title="samesku", version=__version__,
                  description="Same-product clusters of a samesku store: look-ups, ingest and review actions. "
                              "Every write needs `Authorization: Bearer <token>`.")
    app.state.store = handle
    app.add_middleware(Guard, token=token, token_env=token_env, max_body=max_body, metrics=metrics)
    app.router.add_event_handler("shutdown", handle.close)

    def with_store(fn: Callable[[ClusterStore], T]) -> T:
        with handle.use() as store:
            return fn(store)

    @app.exception_handler(R.NotFoundError)
    async def _not_found(_: Request, exc: R.NotFoundError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=404)

    @app.exception_handler(R.ConflictError)
    async def _conflict(_: Request, exc: R.ConflictError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=409)

    @app.exception_handler(R.ReviewError)
    async def _review(_: Request, exc: R.ReviewError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.exception_handler(StoreBusyError)
    async def _busy(_: Request, exc: StoreBusyError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503)

    @app.exception_handler(SameskuError)
    async def _failed(_: Request, exc: SameskuError) -> JSONResponse:
        return JSONResponse({"detail": f"{type(exc).__name__}: {exc}"},
                            status_code=500 if isinstance(exc, StoreError) else 422)

    def members(store: ClusterStore, cluster_id: str, limit: int) -> list[dict[str, Any]]:
        cols = ", ".join(f"o.{c}" for c in OFFER_COLUMNS)
        rows = store.sql(f"SELECT {cols} FROM offers o WHERE o.cluster_id = ? "
                         f"ORDER BY o.match_probability DESC NULLS LAST, o.offer_id LIMIT {int(limit)}",
                         [cluster_id]).to_pylist()
        return [offer_json(r) for r in rows]

    def offer_json(row: dict[str, Any]) -> dict[str, Any]:
        row = dict(row)
        extra = row.pop("extra", None)
        row["extra"] = json.loads(extra) if extra else {}
        row["image_url"] = image_url(root, row.get("image"))
        return _clean(row)

    # --- reads --------------------------------------------------------------------------------
    @app.get("/health", tags=["service"])
    def health() -> dict[str, Any]:
        """The service is up and holds its store."""
        with handle.use() as store:
            return {"status": "ok", "version": __version__, "store": str(handle.path),
                    "schema_version": int(store.meta("schema_version") or 0),
                    "offers": int(store.scalar("SELECT count(*) FROM offers")),
                    "clusters": int(store.scalar("SELECT count(*) FROM clusters")),
                    "writes": "enabled" if token is not None else f"disabled (set {token_env})"}

    @app.get("/clusters", tags=["clusters"])
    def list_clusters(sort: Annotated[str, Query(pattern="^(uncertainty|size)$")] = "uncertainty",
                      limit: Annotated[int, Query(ge=1, le=1000)] = 50,
                      offset: Annotated[int, Query(ge=0)] = 0,
                      min_size: Annotated[int, Query(ge=1)] = 2,
                      confirmed: Annotated[bool, Query(description="also list clusters confirmed since they last changed")] = False,
                      members_per_cluster: Annotated[int, Query(ge=0, le=100, alias="members")] = 0) -> dict[str, Any]:
        """Clusters by uncertainty (ε, highest first) or size; a confirmed cluster is left out until it changes."""
        order = "c.epsilon DESC NULLS LAST, c.cluster_id" if sort == "uncertainty" else "c.size DESC, c.cluster_id"
        hide = "" if confirmed else "AND NOT (coalesce(l.kind, '') = 'confirm' AND c.batch_id <= l.b)"
        with handle.use() as store:
            rows = store.sql(f"""
                WITH acted AS (
                    SELECT cluster_id AS c, kind, action_id, batch_id FROM actions WHERE undone_by IS NULL AND kind != 'undo'
                    UNION ALL
                    SELECT other_id, kind, action_id, batch_id FROM actions
                    WHERE undone_by IS NULL AND kind != 'undo' AND other_id IS NOT NULL),
                last AS (SELECT c, max_by(kind, action_id) AS kind, max_by(batch_id, action_id) AS b FROM acted GROUP BY c)
                SELECT c.* EXCLUDE (batch_id) FROM clusters c LEFT JOIN last l ON l.c = c.cluster_id
                WHERE c.size >= ? {hide}
                ORDER BY {order} LIMIT {int(limit)} OFFSET {int(offset)}""", [min_size]).to_pylist()
            out = [_clean(r) for r in rows]
            if members_per_cluster:
                for r in out:
                    r["members"] = members(store, r["cluster_id"], members_per_cluster)
        return {"sort": sort, "limit": limit, "offset": offset, "clusters": out}

    @app.get("/clusters/{cluster_id}", tags=["clusters"])
    def get_cluster(cluster_id: str, limit: Annotated[int, Query(ge=1, le=10_000)] = MEMBER_LIMIT) -> dict[str, Any]:
        """A cluster with its members, price range, ε and lineage; a merged-away id answers with the
        cluster it resolves to (``resolved_from`` says so)."""
        with handle.use() as store:
            got = R.resolve(store, cluster_id)
            if got is None:
                raise HTTPException(404, f"no cluster {cluster_id}")
            target, state = got
            row = store.sql("SELECT * EXCLUDE (batch_id) FROM clusters WHERE cluster_id = ?", [target]).to_pylist()
            if not row:
                raise HTTPException(404, f"cluster {cluster_id} is {state} and holds no offers")
            lineage = store.sql("""SELECT batch_id, kind, cluster_id, other_id, offer_id, detail FROM lineage
                                   WHERE cluster_id = ? OR other_id = ? ORDER BY batch_id, kind LIMIT 200""",
                                [target, target]).to_pylist()
            actions = store.sql("""SELECT action_id, kind, cluster_id, other_id, actor, created_at, undone_by FROM actions
                                   WHERE cluster_id = ? OR other_id = ? ORDER BY action_id DESC LIMIT 50""",
                                [target, target]).to_pylist()
            return _clean({"cluster_id": target, "requested_id": cluster_id,
                           "resolved_from": cluster_id if target != cluster_id else None,
                           "note": f"{cluster_id} was merged into {target}" if target != cluster_id else None,
                           **row[0], "members": members(store, target, limit), "lineage": lineage, "actions": actions})

    @app.get("/offers/{offer_id}", tags=["offers"])
    def get_offer(offer_id: str) -> dict[str, Any]:
        """One stored offer: its analysed fields and its cluster."""
        with handle.use() as store:
            cols = ", ".join(OFFER_COLUMNS)
            rows = store.sql(f"SELECT {cols} FROM offers WHERE offer_id = ?", [offer_id]).to_pylist()
        if not rows:
            raise HTTPException(404, f"no offer {offer_id}")
        return offer_json(rows[0])

    @app.get("/actions", tags=["review"])
    def list_actions(limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> dict[str, Any]:
        """The latest review actions, newest first."""
        rows = with_store(lambda s: R.actions_table(s, limit).to_pylist())
        return {"actions": [_clean({**r, "detail": json.loads(r["detail"] or "{}")}) for r in rows]}

    @app.get("/labels", tags=["review"], response_model=None)
    def get_labels(format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
                   latest_only: bool = True) -> dict[str, Any] | Response:
        """Labelled pairs from review actions not undone (1 same product, 0 not): training labels."""
        table = with_store(lambda s: R.labels_table(s, latest_only=latest_only))
        if format == "csv":
            import io

            import pyarrow.csv as pacsv

            buf = io.BytesIO()
            pacsv.write_csv(table, buf)
            return Response(buf.getvalue(), media_type="text/csv")
        return {"labels": [_clean(r) for r in table.to_pylist()]}

    @app.get("/metrics", tags=["service"], response_class=PlainTextResponse)
    def get_metrics() -> str:
        """Request counts and latency histograms per route, in Prometheus' text format."""
        return metrics.render()

    @app.get("/images/{path:path}", tags=["review"], response_class=FileResponse)
    def get_image(path: str) -> FileResponse:
        """An image file under the image root (nothing outside it: no ``..``, absolute path or symlink escape)."""
        if root is None:
            raise HTTPException(404, "no image root configured (samesku serve --image-root DIR)")
        try:
            return FileResponse(safe_image_path(root, path), headers=IMAGE_HEADERS)
        except ImageRefused as exc:
            raise HTTPException(403, f"refused: {exc}") from exc
        except FileNotFoundError as exc:
            raise HTTPException(404, f"no image {path}") from exc

    @app.get("/review", tags=["review"], response_class=FileResponse, include_in_schema=False)
    def review_page() -> FileResponse:
        return FileResponse(_static("review.html"), media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> FileResponse:
        if name not in {"review.js", "review.css"}:
            raise HTTPException(404, f"no static file {name}")
        media = "text/javascript" if name.endswith(".js") else "text/css"
        return FileResponse(_static(name), media_type=f"{media}; charset=utf-8", headers=PAGE_HEADERS)

    # --- writes (the Guard middleware checks the token and the body size first) ---------------
    @app.post("/offers", tags=["offers"])
    def post_offers(offers: Annotated[list[OfferIn], Body(min_length=1, max_length=MAX_BATCH)]) -> dict[str, Any]:
        """Ingest a small batch (up to 1,000 offers of the data contract) into the store: one transaction."""
        counts = handle.ingest(offers_table(offers))
        return _clean({k: v for k, v in counts.items() if k != "stages"})

    @app.post("/clusters/{cluster_id}/confirm", tags=["review"])
    def post_confirm(cluster_id: str, body: Annotated[ActionIn | None, Body()] = None) -> dict[str, Any]:
        """The cluster is one product: its member pairs become labels 1."""
        actor = (body or ActionIn()).actor
        return with_store(lambda s: R.confirm(s, cluster_id, actor))

    @app.post("/clusters/{cluster_id}/split", tags=["review"])
    def post_split(cluster_id: str, body: SplitIn) -> dict[str, Any]:
        """The selected members leave into a new cluster (a never-issued id); lineage ``split``."""
        return with_store(lambda s: R.split(s, cluster_id, body.offer_ids, body.actor))

    @app.post("/clusters/{cluster_id}/merge", tags=["review"])
    def post_merge(cluster_id: str, body: MergeIn) -> dict[str, Any]:
        """Two clusters are one product: the larger id survives, the other resolves to it."""
        return with_store(lambda s: R.merge(s, cluster_id, body.other_id, body.actor))

    @app.post("/actions/{action_id}/undo", tags=["review"])
    def post_undo(action_id: int, body: Annotated[ActionIn | None, Body()] = None) -> dict[str, Any]:
        """Reverse a confirm, split or merge while its clusters are as it left them."""
        actor = (body or ActionIn()).actor
        return with_store(lambda s: R.undo(s, action_id, actor))

    matcher: dict[str, Any] = {}

    @app.post("/match", tags=["match"])
    def post_match(offers: Annotated[OfferIn | list[OfferIn], Body()],
                   k: Annotated[int, Query(ge=1, le=50, description="clusters per offer")] = 5) -> dict[str, Any]:
        """Which stored clusters do these offers (one, or a list of up to 1,000) belong to? Per offer the
        top-k clusters with probability, the best pair's explanation and whether it would join, start or
        bridge clusters. Read-only: nothing is stored."""
        from samesku.serve.match import Matcher

        batch = offers if isinstance(offers, list) else [offers]
        if not 1 <= len(batch) <= MAX_BATCH:
            raise HTTPException(422, f"send 1 to {MAX_BATCH} offers")
        with handle.use() as store:
            if "m" not in matcher:     # the fitted state and model load once (nothing is fitted again)
                matcher["m"] = Matcher(store)
        # the store's lock is taken only for the look-ups: analysing and scoring run outside it
        return _clean(matcher["m"].match(handle.use, offers_table(batch), k=k))

    return app


def token_from_env(name: str) -> str | None:
    """The token in environment variable ``name`` (None when unset or empty)."""
    value = os.environ.get(name, "").strip()
    return value or None
