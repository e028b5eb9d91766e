"""The command line: a thin Typer layer over the Python API.

Exit codes:

- 0: done.
- 1: the run failed; one line ``error: <reason>`` on stderr. Inputs that cannot be read
  (a missing file, a folder without input files, a file in an unknown format or not in
  UTF-8 / the ``--encoding``), and any unexpected error (``error: <ExceptionType>:
  <message> (run with --debug for the traceback)``).
- 2: usage error; one line ``error: <reason>`` (or the option parser's message) on
  stderr: an unknown option or a bad option value, an unreadable or invalid config or
  model file (:class:`~samesku.errors.ConfigError`), a ``--map`` that does not fit the
  input (a mapped column no input has, a required column missing:
  :class:`~samesku.errors.MappingError`), an unknown ``--encoding``.

No Python traceback is printed unless the global ``--debug`` flag is given
(``samesku --debug cluster ...``).
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar, cast

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

from samesku.errors import SameskuError, UsageError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_show_locals=False)
console = Console(stderr=True)
log = logging.getLogger("samesku")
_STATE = {"debug": False}

#: Exit codes (see the module docstring).
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

MapOpt = Annotated[list[str] | None, typer.Option("--map", help="canonical=source column rename, repeatable")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="no progress bars, only errors")]
EncodingOpt = Annotated[str | None, typer.Option(
    "--encoding", help="encoding of CSV / JSON inputs, e.g. cp949, euc-kr, shift_jis, cp1252, latin-1 (default: UTF-8)")]


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


def _error(message: str, code: int) -> typer.Exit:
    """Print ``error: message`` as one line on stderr; the Exit to raise."""
    typer.echo("error: " + " ".join(message.splitlines()), err=True)
    return typer.Exit(code=code)


@contextmanager
def _handled() -> Iterator[None]:
    """Turn errors into a one-line message and an exit code (a traceback with --debug)."""
    try:
        yield
    except (typer.Exit, typer.Abort, typer.TyperException):
        raise
    except SameskuError as exc:
        if _STATE["debug"]:
            raise
        raise _error(str(exc), EXIT_USAGE if isinstance(exc, UsageError) else EXIT_FAILED) from None
    except Exception as exc:
        if _STATE["debug"]:
            raise
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise _error(f"{text} (run with --debug for the traceback)", EXIT_FAILED) from None


F = TypeVar("F", bound=Callable[..., Any])


def _guarded(func: F) -> F:
    """Run a command under :func:`_handled` (its signature is kept for Typer)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _handled():
            return func(*args, **kwargs)

    return cast(F, wrapper)


def _version(value: bool) -> None:
    if value:
        from samesku import __version__

        typer.echo(f"samesku {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _main(
    version: Annotated[bool, typer.Option(
        "--version", is_eager=True, callback=_version, help="print the version and exit")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="print the Python traceback of an error")] = False,
) -> None:
    """Cluster product offers into same-product groups.

    Exit codes: 0 done; 1 the run failed (one line "error: ..." on stderr); 2 usage error (a bad option, a --map naming a column the input lacks, an unreadable config). Add --debug for the Python traceback of an error.
    """
    _STATE["debug"] = debug


def _config(path: Path | None) -> Any:
    from samesku.config import Config

    return Config.from_toml(path) if path else Config()


@app.command("cluster")
@_guarded
def cluster_cmd(
    inputs: Annotated[list[Path], typer.Argument(help="CSV / JSON Lines / Parquet files or folders")],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="run directory to write (not needed with --dry-run)")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="TOML config file")] = None,
    map_: MapOpt = None,
    model: Annotated[Path | None, typer.Option("--model", help="match model file (default: shipped model)")] = None,
    engine: Annotated[str, typer.Option("--engine", help="local (in-process) or spark (PySpark)")] = "local",
    spark_master: Annotated[str | None, typer.Option("--spark-master", help="Spark master URL, e.g. local[2], yarn")] = None,
    encoding: EncodingOpt = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="read and validate only: print the column mapping, row counts and first rejected rows; "
                          "write nothing")] = False,
    store: Annotated[Path | None, typer.Option(
        "--store", help="also create a cluster store (DuckDB file) from the run, for `samesku ingest`")] = None,
    rebuild: Annotated[bool, typer.Option(
        "--rebuild", help="with --store: re-cluster the store's catalog from INPUT (new model or config), "
                          "carrying cluster ids over by overlap")] = False,
    quiet: QuietOpt = False,
) -> None:
    """Cluster offers; write assignments, clusters, edges, rejected, summary.json, report.html."""
    import dataclasses

    from samesku.io import parse_mapping, reading_encoding
    from samesku.io.encoding import normalise_encoding
    from samesku.pipeline import cluster

    cfg = _config(config)
    if model:
        cfg = dataclasses.replace(cfg, match=dataclasses.replace(cfg.match, model_path=str(model)))
    mapping = parse_mapping(map_ or [])
    if engine not in ("local", "spark"):
        raise UsageError(f"--engine must be 'local' or 'spark', not {engine!r}")
    enc = normalise_encoding(encoding)
    if dry_run:
        _dry_run(inputs, mapping, cfg.max_title_chars, enc)
        return
    if out is None and store is None:
        raise UsageError("--out DIR (or --store PATH) is required, or --dry-run to only read and validate")
    if rebuild and store is None:
        raise UsageError("--rebuild needs --store PATH (the store to re-cluster)")
    if rebuild and store is not None and not store.exists():
        raise UsageError(f"no store at {store} to rebuild: drop --rebuild to create it")
    if store is not None and store.exists() and not rebuild:
        raise UsageError(f"{store} exists: add offers with `samesku ingest INPUT... --store {store}`, "
                         "or re-cluster it with --rebuild")
    with reading_encoding(enc):
        if quiet:
            result = cluster(inputs, config=cfg, mapping=mapping, engine=engine, spark_master=spark_master)
        else:
            with RichReporter() as rep:
                result = cluster(inputs, config=cfg, mapping=mapping, reporter=rep, engine=engine, spark_master=spark_master)
        if out is not None:
            result.write(out)
        if store is not None and rebuild:
            from samesku.store.rebuild import rebuild_store

            done = rebuild_store(result, store)
            if not quiet:
                console.print(f"store: {store} rebuilt ({done['assigned']:,} offers, {done['new_offers']:,} new, "
                              f"{done['left']:,} left; {done['clusters_after']:,} clusters: {done['ids_kept']:,} kept "
                              f"their id, {done['created']:,} new, {done['merged']:,} merged, {done['split']:,} split)")
        elif store is not None:
            from samesku.store.create import create_store

            made = create_store(result, store)
            if not quiet:
                console.print(f"store: {store} ({made['offers']:,} offers, {made['clusters']:,} clusters)")
    summary = result.summary
    result.close()
    if summary.get("assigned", 0) == 0:   # said even with --quiet: an empty run is rarely what was meant
        console.print(f"no offers to cluster: {summary.get('input_rows', 0)} input rows, {summary.get('rejected', 0)} rejected; "
                      f"an empty run was written to {out}")
    if not quiet and out is not None:
        _print_summary(summary, out)


def _dry_run(inputs: list[Path], mapping: dict[str, str], max_title_chars: int, encoding: str | None) -> None:
    """Read and validate the inputs and print what a run would read (nothing is written)."""
    from samesku.io import read_offers

    read = read_offers(inputs, mapping, max_title_chars=max_title_chars, encoding=encoding)
    for line in dry_run_lines(read):
        typer.echo(line)


def dry_run_lines(read: Any, first_rejected: int = 5) -> list[str]:
    """The report of ``cluster --dry-run`` on a :class:`~samesku.io.ReadResult`, as lines."""
    from samesku import schema

    lines = ["dry run: inputs read and validated, nothing written"]
    groups: dict[str, list[str]] = {}
    plans: dict[str, Any] = {}
    for source, plan in read.plans.items():
        key = repr((plan.canonical, plan.passthrough))
        groups.setdefault(key, []).append(source)
        plans[key] = plan
    if not groups:
        lines.append("columns: no input declares any column")
    for key, sources in groups.items():
        plan = plans[key]
        shown = ", ".join(sources[:3]) + (f" and {len(sources) - 3} more" if len(sources) > 3 else "")
        lines.append(f"columns of {shown} (canonical <- input column):")
        width = max(len(c) for c in plan.canonical)
        lines += [f"  {name:<{width}} <- {source}" for name, source in plan.canonical.items()]
        kept = [src if src == name else f"{src} (as {name})" for src, name in plan.passthrough]
        lines.append(f"  passthrough: {', '.join(kept) if kept else 'none'}")
    n_rejected = read.rejected.num_rows
    by_reason: dict[str, int] = {}
    for reason in read.rejected.column(schema.REASON).to_pylist():
        by_reason[reason] = by_reason.get(reason, 0) + 1
    reasons = ", ".join(f"{r} {n}" for r, n in sorted(by_reason.items(), key=lambda kv: (-kv[1], kv[0])))
    lines.append(f"rows: {read.input_rows} input = {read.offers.num_rows} valid + {n_rejected} rejected"
                 + (f" ({reasons})" if reasons else ""))
    if read.input_rows == 0:
        lines.append("no offers: the inputs hold no records")
    if n_rejected:
        lines.append(f"first rejected rows (of {n_rejected}; _row counts from 0 over all inputs):")
        for row in read.rejected.slice(0, first_rejected).to_pylist():
            raw = row[schema.RAW_LINE]
            raw = raw if raw is None or len(raw) <= 100 else raw[:99] + "\u2026"
            lines.append(f"  _row {row[schema.ROW_NUMBER]}  {row[schema.REASON]}  offer_id={row[schema.OFFER_ID]!r}"
                         f"  {row[schema.SOURCE_FILE]}  raw={raw!r}")
    return lines


def _print_summary(summary: dict[str, Any], out: Path | None) -> None:
    t = Table(title="samesku cluster", show_header=False)
    for k in ("input_rows", "assigned", "rejected", "clusters", "multi_offer_clusters", "largest_cluster",
              "candidate_pairs", "wall_seconds", "offers_per_second", "peak_rss_mb"):
        t.add_row(k, str(summary.get(k)))
    if summary.get("rejected_by_reason"):
        t.add_row("rejected by reason", json.dumps(summary["rejected_by_reason"]))
    Console().print(t)
    if out is not None:
        Console().print(f"report: {(out / 'report.html').resolve()}")


@app.command("evaluate")
@_guarded
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

    result = evaluate_run(run, truth, truth_column, truth_id, blocking=blocking)
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
@_guarded
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
                                 progress=lambda done: bar.update(task, completed=done))
    if not quiet:
        Console().print(f"wrote {rows} offers to {out}")


@app.command("analyse")
@_guarded
def analyse_cmd(
    inputs: Annotated[list[Path], typer.Argument(help="input files or folders")],
    out: Annotated[Path, typer.Option("--out", "-o", help="output .parquet")],
    map_: MapOpt = None,
    encoding: EncodingOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Analyse offers (clean title, conditions, codes, GTINs, brand, colours) to Parquet."""
    import pyarrow.parquet as pq

    from samesku.config import Config
    from samesku.io import parse_mapping, read_offers
    from samesku.pipeline import analysed_offers
    from samesku.progress import Timer

    read = read_offers(inputs, parse_mapping(map_ or []), encoding=encoding)
    cfg = Config()
    if quiet:
        table = analysed_offers(read.offers, cfg, Timer())
    else:
        with RichReporter() as rep:
            table = analysed_offers(read.offers, cfg, Timer(rep))
    out.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, out, compression="zstd")
    if read.rejected.num_rows:
        pq.write_table(read.rejected, out.with_name(out.stem + ".rejected.parquet"))
    if not quiet:
        Console().print(f"analysed {table.num_rows} offers ({read.rejected.num_rows} rejected) -> {out}")


@app.command("train")
@_guarded
def train_cmd(
    labels: Annotated[list[Path], typer.Option("--labels", help="offers labelled with a cluster id")],
    truth_column: Annotated[str, typer.Option("--truth-column", help="column of the cluster label")],
    out: Annotated[Path, typer.Option("--out", "-o", help="model file to write (.json)")],
    map_: MapOpt = None,
    config: Annotated[Path | None, typer.Option("--config", help="TOML config file")] = None,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    monotone: Annotated[bool, typer.Option(
        "--monotone/--no-monotone", help="monotone feature constraints (for models used far from their labels)")] = False,
    encoding: EncodingOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Train a match model (LightGBM, calibrated) from offers labelled with cluster ids."""
    from samesku.io import parse_mapping, reading_encoding
    from samesku.match.train import train_from_offers

    cfg = _config(config)
    mapping = parse_mapping(map_ or [])
    with reading_encoding(encoding):
        if quiet:
            model, metrics = train_from_offers(labels, truth_column, cfg, mapping, seed=seed, monotone=monotone)
        else:
            with RichReporter() as rep:
                model, metrics = train_from_offers(labels, truth_column, cfg, mapping, seed=seed, reporter=rep,
                                                   monotone=monotone)
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    if not quiet:
        Console().print(f"model -> {out}  validation: {json.dumps(metrics)}")


@app.command("explain")
@_guarded
def explain_cmd(
    run: Annotated[Path, typer.Argument(help="run directory")],
    offer_a: Annotated[str, typer.Argument(help="first offer id")],
    offer_b: Annotated[str, typer.Argument(help="second offer id")],
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Explain a match decision: features, probability, top contributions, vetoes."""
    from samesku.match.explain import explain_pair

    result = explain_pair(run, offer_a, offer_b)
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


from samesku import cli_serve, cli_store  # noqa: E402  (registers the store commands on `app`)

cli_store.register(app, _guarded, RichReporter, console)
cli_serve.register(app, _guarded)


def main() -> None:
    """Console entry point."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
