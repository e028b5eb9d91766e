"""The command line: a thin Typer layer over the Python API."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from samesku.errors import ConfigError, SameskuError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Cluster product offers into same-product groups.")
console = Console(stderr=True)
log = logging.getLogger("samesku")

MapOpt = Annotated[list[str] | None, typer.Option("--map", help="canonical=source column rename, repeatable")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="no progress bars, only errors")]


class RichReporter:
    """Rich progress bars for pipeline steps."""

    def __init__(self) -> None:
        self.progress = Progress(
            SpinnerColumn(), TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=console, transient=False,
        )
        self.task: Any = None

    def __enter__(self) -> RichReporter:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def start(self, step: str, total: int | None) -> None:
        """Open a bar for a step."""
        self.task = self.progress.add_task(step, total=total)

    def advance(self, n: int) -> None:
        """Advance the current bar."""
        if self.task is not None:
            self.progress.advance(self.task, n)

    def end(self, step: str, seconds: float) -> None:
        """Close the current bar."""
        if self.task is not None:
            t = self.progress.tasks[-1]
            self.progress.update(self.task, total=t.completed or 1, completed=t.completed or 1)
            self.task = None


def _fail(exc: Exception) -> None:
    console.print(f"[bold red]error:[/] {exc}")
    raise typer.Exit(code=2)


def _config(path: Path | None) -> Any:
    from samesku.config import Config

    return Config.from_toml(path) if path else Config()


@app.command("cluster")
def cluster_cmd(
    inputs: Annotated[list[Path], typer.Argument(help="CSV / JSON Lines / Parquet files or folders")],
    out: Annotated[Path, typer.Option("--out", "-o", help="run directory to write")],
    config: Annotated[Path | None, typer.Option("--config", help="TOML config file")] = None,
    map_: MapOpt = None,
    model: Annotated[Path | None, typer.Option("--model", help="match model file (default: shipped model)")] = None,
    engine: Annotated[str, typer.Option("--engine", help="local (in-process) or spark (PySpark)")] = "local",
    spark_master: Annotated[str | None, typer.Option("--spark-master", help="Spark master URL, e.g. local[2], yarn")] = None,
    quiet: QuietOpt = False,
) -> None:
    """Cluster offers; write assignments, clusters, edges, rejected, summary.json, report.html."""
    import dataclasses

    from samesku.io import parse_mapping
    from samesku.pipeline import cluster

    try:
        cfg = _config(config)
        if model:
            cfg = dataclasses.replace(cfg, match=dataclasses.replace(cfg.match, model_path=str(model)))
        mapping = parse_mapping(map_ or [])
        if engine not in ("local", "spark"):
            raise ConfigError(f"--engine must be 'local' or 'spark', not {engine!r}")
        if quiet:
            result = cluster(inputs, config=cfg, mapping=mapping, engine=engine, spark_master=spark_master)
            result.write(out)
        else:
            with RichReporter() as rep:
                result = cluster(inputs, config=cfg, mapping=mapping, reporter=rep, engine=engine, spark_master=spark_master)
                result.write(out)
        summary = result.summary
        result.close()
    except SameskuError as exc:
        _fail(exc)
        return
    if not quiet:
        _print_summary(summary, out)


def _print_summary(summary: dict[str, Any], out: Path) -> None:
    t = Table(title="samesku cluster", show_header=False)
    for k in ("input_rows", "assigned", "rejected", "clusters", "multi_offer_clusters", "largest_cluster",
              "candidate_pairs", "wall_seconds", "offers_per_second", "peak_rss_mb"):
        t.add_row(k, str(summary.get(k)))
    if summary.get("rejected_by_reason"):
        t.add_row("rejected by reason", json.dumps(summary["rejected_by_reason"]))
    Console().print(t)
    Console().print(f"report: {(out / 'report.html').resolve()}")


@app.command("evaluate")
def evaluate_cmd(
    run: Annotated[Path, typer.Argument(help="run directory or assignments file")],
    truth: Annotated[Path, typer.Option("--truth", help="file with the true cluster per offer")],
    truth_column: Annotated[str, typer.Option("--truth-column", help="column of the true cluster label")],
    truth_id: Annotated[str, typer.Option("--truth-id", help="offer id column in the truth file")] = "offer_id",
    blocking: Annotated[bool, typer.Option("--blocking", help="also measure blocking recall of the candidates")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Compare a run's clusters with the truth: AMI, ARI, pairwise, B-cubed, per-offer F1."""
    from samesku.evaluation_run import evaluate_run

    try:
        result = evaluate_run(run, truth, truth_column, truth_id, blocking=blocking)
    except SameskuError as exc:
        _fail(exc)
        return
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
        return
    t = Table(title="samesku evaluate", show_header=False)
    for k, v in result.items():
        if isinstance(v, dict) and all(isinstance(x, dict) for x in v.values()):
            # per-stage blocking figures: one line, the transitive recall of each stage
            v = ", ".join(f"{s}: {x.get('blocking_recall', 0):.3f}" for s, x in v.items())
        elif isinstance(v, dict):
            v = json.dumps(v)
        t.add_row(k, f"{v:.4f}" if isinstance(v, float) else str(v))
    Console().print(t)


@app.command("synth")
def synth_cmd(
    offers: Annotated[int, typer.Option("--offers", "-n", help="number of offers")],
    out: Annotated[Path, typer.Option("--out", "-o", help=".parquet, .csv or .jsonl file")],
    seed: Annotated[int, typer.Option("--seed", help="random seed")] = 0,
    bridge_rate: Annotated[float, typer.Option("--bridge-rate", help="share of offers mixing two products")] = 0.0,
    cluster_mu: Annotated[float | None, typer.Option(
        "--cluster-mu", help="log-normal location of offers per product (default ~18 per product; 0.7 gives ~3)")] = None,
    quiet: QuietOpt = False,
) -> None:
    """Generate a synthetic multilingual catalog with a `truth` column."""
    from samesku.synth import write_catalog

    out.parent.mkdir(parents=True, exist_ok=True)
    if quiet:
        rows = write_catalog(out, offers, seed=seed, bridge_rate=bridge_rate, cluster_mu=cluster_mu)
    else:
        with Progress(TextColumn("synth"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console) as bar:
            task = bar.add_task("synth", total=offers)
            rows = write_catalog(out, offers, seed=seed, bridge_rate=bridge_rate, cluster_mu=cluster_mu,
                                 progress=lambda k: bar.advance(task, k))
    if not quiet:
        Console().print(f"wrote {rows} offers to {out}")


@app.command("analyse")
def analyse_cmd(
    inputs: Annotated[list[Path], typer.Argument(help="input files or folders")],
    out: Annotated[Path, typer.Option("--out", "-o", help="output .parquet")],
    map_: MapOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Analyse offers (clean title, conditions, codes, GTINs, brand, colours) to Parquet."""
    import pyarrow.parquet as pq

    from samesku.config import Config
    from samesku.io import parse_mapping, read_offers
    from samesku.pipeline import analysed_offers
    from samesku.progress import Timer

    try:
        read = read_offers(inputs, parse_mapping(map_ or []))
        cfg = Config()
        if quiet:
            table = analysed_offers(read.offers, cfg, Timer())
        else:
            with RichReporter() as rep:
                table = analysed_offers(read.offers, cfg, Timer(rep))
    except SameskuError as exc:
        _fail(exc)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, out, compression="zstd")
    if read.rejected.num_rows:
        pq.write_table(read.rejected, out.with_name(out.stem + ".rejected.parquet"))
    if not quiet:
        Console().print(f"analysed {table.num_rows} offers ({read.rejected.num_rows} rejected) -> {out}")


@app.command("train")
def train_cmd(
    labels: Annotated[list[Path], typer.Option("--labels", help="offers labelled with a cluster id")],
    truth_column: Annotated[str, typer.Option("--truth-column", help="column of the cluster label")],
    out: Annotated[Path, typer.Option("--out", "-o", help="model file to write (.json)")],
    map_: MapOpt = None,
    config: Annotated[Path | None, typer.Option("--config", help="TOML config file")] = None,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    monotone: Annotated[bool, typer.Option(
        "--monotone/--no-monotone", help="monotone feature constraints (for models used far from their labels)")] = False,
    quiet: QuietOpt = False,
) -> None:
    """Train a match model (LightGBM, calibrated) from offers labelled with cluster ids."""
    from samesku.io import parse_mapping
    from samesku.match.train import train_from_offers

    try:
        cfg = _config(config)
        mapping = parse_mapping(map_ or [])
        if quiet:
            model, metrics = train_from_offers(labels, truth_column, cfg, mapping, seed=seed, monotone=monotone)
        else:
            with RichReporter() as rep:
                model, metrics = train_from_offers(labels, truth_column, cfg, mapping, seed=seed, reporter=rep,
                                                   monotone=monotone)
    except SameskuError as exc:
        _fail(exc)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    if not quiet:
        Console().print(f"model -> {out}  validation: {json.dumps(metrics)}")


@app.command("explain")
def explain_cmd(
    run: Annotated[Path, typer.Argument(help="run directory")],
    offer_a: Annotated[str, typer.Argument(help="first offer id")],
    offer_b: Annotated[str, typer.Argument(help="second offer id")],
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Explain a match decision: features, probability, top contributions, vetoes."""
    from samesku.match.explain import explain_pair

    try:
        result = explain_pair(run, offer_a, offer_b)
    except SameskuError as exc:
        _fail(exc)
        return
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        return
    c = Console()
    c.print(f"[bold]A[/] {result['title_a']}\n[bold]B[/] {result['title_b']}")
    c.print(f"match probability: [bold]{result['probability']:.3f}[/] (pair {result['pair_probability']:.3f},"
            f" model {result['model_probability']:.3f})  veto: {result['veto'] or 'none'}  same cluster: {result['same_cluster']}")
    if result["context"]:
        c.print("context: " + "  ".join(f"{k} {_fmtv(v)}" for k, v in result["context"].items()))
    t = Table("feature", "value", "contribution (log-odds)")
    for row in result["contributions"]:
        t.add_row(row["feature"], _fmtv(row["value"]), f"{row['contribution']:+.3f}")
    c.print(t)


def _fmtv(v: Any) -> str:
    return "missing" if v is None else f"{v:.3f}"


def main() -> None:
    """Console entry point."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
