"""``samesku serve`` (the service and review page over a store) and ``samesku labels`` (the review labels)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from samesku.errors import UsageError

StoreOpt = Annotated[Path, typer.Option("--store", help="cluster store (DuckDB file)")]
WaitOpt = Annotated[float, typer.Option("--wait", help="seconds to wait while another process holds the store")]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def register(app: typer.Typer, guarded: Any) -> None:
    """Add ``serve`` and ``labels`` to the command-line app."""

    @app.command("serve")
    @guarded
    def serve_cmd(
        store: StoreOpt,
        host: Annotated[str, typer.Option("--host", help="address to bind (loopback unless told otherwise)")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="TCP port")] = 8000,
        token_env: Annotated[str, typer.Option(
            "--token-env", help="environment variable holding the bearer token writes need")] = "SAMESKU_TOKEN",
        image_root: Annotated[Path | None, typer.Option(
            "--image-root", help="folder offer images are served from (nothing outside it)")] = None,
        max_body: Annotated[int, typer.Option("--max-body", help="largest request body in bytes (413 above)")] = 4 * 1024 * 1024,
        wait: WaitOpt = 30.0,
        log_level: Annotated[str, typer.Option("--log-level", help="uvicorn log level")] = "info",
    ) -> None:
        """Serve the store: cluster and offer look-ups, ingest, review actions, the review page at /review."""
        import uvicorn

        from samesku.serve.app import create_app, token_from_env

        if image_root is not None and not image_root.is_dir():
            raise UsageError(f"--image-root {image_root} is not a folder")
        if not 0 < port < 65536:
            raise UsageError(f"--port {port} is not a TCP port")
        token = token_from_env(token_env)
        if token is None:
            typer.echo(f"warning: {token_env} is not set: the service is read-only (every write answers 403)", err=True)
        if host not in LOOPBACK:
            typer.echo(f"warning: listening on {host}, not only on this machine: reads need no token", err=True)
        service = create_app(store, token=token, token_env=token_env, image_root=image_root, max_body=max_body,
                             wait=wait)
        typer.echo(f"samesku serve: http://{host}:{port}/review (API docs at /docs)", err=True)
        uvicorn.run(service, host=host, port=port, log_level=log_level, access_log=False)

    @app.command("labels")
    @guarded
    def labels_cmd(
        store: StoreOpt,
        out: Annotated[Path, typer.Option("--out", help="labels file: .csv or .parquet")],
        all_rows: Annotated[bool, typer.Option("--all", help="every label, not only each pair's latest")] = False,
        wait: WaitOpt = 30.0,
    ) -> None:
        """Export the labelled pairs of review actions (1 same product, 0 not), for training."""
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        from samesku.store.review import labels_table
        from samesku.store.store import ClusterStore

        if out.suffix.lower() not in (".csv", ".parquet"):
            raise UsageError(f"--out {out}: give a .csv or .parquet file")
        with ClusterStore.open(store, read_only=True, wait=wait) as s:
            table = labels_table(s, latest_only=not all_rows)
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.suffix.lower() == ".csv":
            pacsv.write_csv(table, out)
        else:
            pq.write_table(table, out)
        sys.stdout.write(f"{table.num_rows:,} labelled pairs written to {out}\n")
