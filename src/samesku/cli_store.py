"""The cluster store's commands: ``samesku ingest``, ``export`` and ``stats`` (``cluster --store`` creates one)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

StoreOpt = Annotated[Path, typer.Option("--store", help="cluster store (DuckDB file)")]
WaitOpt = Annotated[float, typer.Option("--wait", help="seconds to wait while another process holds the store")]


def register(app: typer.Typer, guarded: Any, reporter_cls: Any, console: Console) -> None:
    """Add the store commands to the command-line app."""

    @app.command("ingest")
    @guarded
    def ingest_cmd(
        inputs: Annotated[list[Path], typer.Argument(help="CSV / JSON Lines / Parquet files or folders: the batch")],
        store: StoreOpt,
        map_: Annotated[list[str] | None, typer.Option("--map", help="canonical=source column rename, repeatable")] = None,
        wait: WaitOpt = 30.0,
        as_json: Annotated[bool, typer.Option("--json", help="print the batch's counts as JSON")] = False,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress bars, only errors")] = False,
    ) -> None:
        """Add a batch of offers to a store: each joins a cluster, starts one or bridges two; ids stay."""
        from samesku.io import parse_mapping
        from samesku.store.ingest import ingest

        mapping = parse_mapping(map_ or [])
        if quiet or as_json:
            counts = ingest(inputs, store, mapping=mapping, wait=wait)
        else:
            with reporter_cls() as rep:
                counts = ingest(inputs, store, mapping=mapping, reporter=rep, wait=wait)
        if as_json:
            sys.stdout.write(json.dumps(counts, indent=2, default=str) + "\n")
        elif not quiet:
            console.print(
                f"batch {counts['batch']}: {counts['input_rows']:,} rows: {counts['new_offers']:,} new, "
                f"{counts['changed']:,} changed, {counts['unchanged']:,} unchanged, {counts['rejected']:,} rejected; "
                f"{counts.get('joined', 0):,} joined a cluster, {counts.get('created', 0):,} clusters created, "
                f"{counts.get('merged', 0):,} merged, {counts.get('split', 0):,} split; "
                f"{counts.get('clusters_after', 0):,} clusters in {counts['seconds']:.1f} s")

    @app.command("export")
    @guarded
    def export_cmd(
        store: StoreOpt,
        out: Annotated[Path, typer.Option("--out", "-o", help="run directory to write (replaced whole at the end)")],
        wait: WaitOpt = 30.0,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no messages, only errors")] = False,
    ) -> None:
        """Write a store's current clusters as the files `samesku cluster` writes (and its report)."""
        from samesku.store.export import export

        summary = export(store, out, wait=wait)
        if not quiet:
            console.print(f"{summary['assigned']:,} offers in {summary['clusters']:,} clusters, "
                          f"{summary['rejected']:,} rejected rows -> {out}  (report: {out / 'report.html'})")

    @app.command("stats")
    @guarded
    def stats_cmd(
        store: StoreOpt,
        wait: WaitOpt = 30.0,
        as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    ) -> None:
        """A store's size, growth per batch, the uncertainty distribution, largest clusters, recent merges and splits."""
        from samesku.store.stats import store_stats

        stats = store_stats(store, wait=wait)
        if as_json:
            sys.stdout.write(json.dumps(stats, indent=2, default=str) + "\n")
            return
        c = Console()
        c.print(f"[bold]{store}[/]: {stats['offers']:,} offers in {stats['clusters']:,} clusters, "
                f"{stats['ids_issued']:,} ids issued ({stats['ids_merged']:,} merged away), schema {stats['schema_version']}")
        t = Table("batch", "kind", "finished", "input rows", "new", "changed", "unchanged", "rejected", "clusters after")
        for b in stats["batches"]:
            t.add_row(str(b["batch_id"]), b["kind"], str(b["finished_at"])[:19], f"{b['input_rows']:,}",
                      f"{b['new_offers']:,}", f"{b['changed']:,}", f"{b['unchanged']:,}", f"{b['rejected']:,}",
                      f"{b['clusters_after']:,}")
        c.print(t)
        c.print("epsilon (uncertainty) of clusters of 2+ offers: " +
                "  ".join(f"{k} {v:.3f}" for k, v in stats["epsilon"].items() if v is not None))
        t = Table("largest clusters", "size", "representative title")
        for row in stats["largest"]:
            t.add_row(row["cluster_id"], str(row["size"]), str(row["representative_title"])[:70])
        c.print(t)
        t = Table("recent", "batch", "cluster", "other")
        for row in stats["recent_events"]:
            t.add_row(row["kind"], str(row["batch_id"]), row["cluster_id"], row["other_id"] or "")
        c.print(t)

