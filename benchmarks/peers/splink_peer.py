"""Peer benchmark: Splink (DuckDB backend) deduplicating the PriceRunner offers.

Run as ``python benchmarks/peers/splink_peer.py --data PATH --out OUT.json``. The script
makes its own virtual environment (``benchmarks/peers/.venv-splink``) with pinned Splink,
DuckDB and scikit-learn, so Splink never constrains the project's dependencies, then
re-executes itself inside it with ``--inside``. Inside, it trains and runs a Splink model
configured as Splink's documentation recommends for a dedupe job, clusters the scored
pairs at a fixed grid of match probabilities and scores every clustering against the
ground truth.

Only ``product_title``, ``vendor_id``, ``category_id`` and ``category_label`` reach
Splink. ``cluster_id`` / ``cluster_label`` are read in a separate query after clustering
has finished, and only to compute metrics.

Importable: :func:`run_splink_peer` does the whole thing through a subprocess and returns
the parsed JSON.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
VENV_DIR = HERE / ".venv-splink"
# The versions this benchmark was validated with; bump together and re-run.
PINS: tuple[str, ...] = ("splink==5.0.0", "duckdb==2.0.1", "scikit-learn==1.9.1")
PINS_MARKER = VENV_DIR / "samesku-pins.txt"
# Splink's probabilities saturate near 1 (its title-derived comparisons are correlated, so
# evidence is counted more than once), hence the grid reaches 0.99999 (match weight ~16.6).
THRESHOLDS: tuple[float, ...] = (0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 0.9999, 0.99999)
MODEL_INPUTS: tuple[str, ...] = ("product_title", "vendor_id", "category_id", "category_label")

# u from 1e8 random pairs: the Splink docs advise a small sample while iterating and 1e8 or
# more for the final model ("Top tips"; estimate_u_using_random_sampling docstring). At 1e8
# this step is also what sets the peak RSS (~4.7 GiB; ~0.7 GiB at 1e7).
U_MAX_PAIRS = 1e8
U_SEED = 42
# A priori guess (not measured on the truth) of the share of true matches the deterministic
# rules below find; 0.6 is the value the docs' 50k-person dedupe example uses.
DETERMINISTIC_RECALL = 0.6
# m probabilities set by judgement, as Splink's "Top tips" page suggests when EM yields
# implausible values. EM can only estimate these two inside a same-brand block, where it
# converges on "same product family" instead of "same product": it put m(disjoint model
# codes) at ~0.9 and made "same shop" positive evidence. Judgement, not the truth: when
# both titles carry model codes, two offers of one product mostly agree on them, and a
# price-comparison cluster holds offers from different shops (a shop lists a product once).
CODES_M: tuple[float, float, float] = (0.7, 0.15, 0.15)  # subset / overlap / disjoint
SAME_VENDOR_M = 0.01

# Tokens that look like a quantity ("64gb", "1400rpm", "7kg") rather than a model code.
_UNIT_RE = (
    r"^[0-9]+(gb|mb|tb|kg|g|cm|mm|m|w|kw|l|ltr|litre|litres|ghz|mhz|hz|mp|mpx|rpm|in|inch"
    r"|x|db|dba|mah|v|k|p|th|nd|rd|st|core|cores)$"
)

# Feature engineering in DuckDB SQL, as Splink's "Feature Engineering" and "Top tips" pages
# recommend (derive comparison/blocking columns up front, in the backend, not in pandas).
# Only the MODEL_INPUTS columns of the CSV are selected.
FEATURES_SQL = """
create or replace table offers as
with src as (
    select
        product_id as unique_id,
        vendor_id,
        category_id,
        category_label,
        trim(regexp_replace(lower(product_title), '[^\\p{{L}}\\p{{N}}]+', ' ', 'g'))
            as title_clean
    from read_csv('{path}', header = true, auto_detect = true)
), tok as (
    select *, string_split(title_clean, ' ') as words from src
), codes as (
    select *,
        list_sort(list_distinct(list_filter(words, lambda w:
            len(w) >= 3
            and regexp_matches(w, '[0-9]')
            and regexp_matches(w, '[a-z]')
            and not regexp_matches(w, '{unit_re}')))) as code_list
    from tok
)
select
    unique_id,
    vendor_id,
    category_id,
    category_label,
    nullif(title_clean, '') as title_clean,
    list_distinct(words) as title_tokens,
    nullif(words[1], '') as first_token,
    words[2] as second_token,
    case when len(code_list) = 0 then null else code_list end as code_tokens
from codes
"""


def _token_jaccard_sql(threshold: float) -> str:
    """SQL for 'token-set Jaccard of the two titles >= threshold'.

    With I = |A & B|, J >= t  <=>  I * (1 + t) >= t * (|A| + |B|), so one intersection
    count per level suffices. The count uses list_filter/list_contains, about 5x faster
    in DuckDB 2.0 than len(list_intersect(...)); the token lists are already distinct.
    """
    inter = "len(list_filter(title_tokens_l, lambda w: list_contains(title_tokens_r, w)))"
    return f"{inter} * {1 + threshold} >= {threshold} * (len(title_tokens_l) + len(title_tokens_r))"


# --------------------------------------------------------------------------- outside


def venv_python() -> Path:
    """Path of the Python interpreter of the Splink virtual environment."""
    return VENV_DIR / "bin" / "python"


def ensure_venv() -> Path:
    """Create the Splink venv and install the pinned packages unless already done."""
    py = venv_python()
    want = "\n".join(PINS) + "\n"
    if py.exists() and PINS_MARKER.exists() and PINS_MARKER.read_text() == want:
        return py
    if not py.exists():
        print(f"[splink-peer] creating {VENV_DIR}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV_DIR)], check=True)
    print(f"[splink-peer] pip install {' '.join(PINS)}", file=sys.stderr)
    pip = [str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, *PINS], check=True)
    PINS_MARKER.write_text(want)
    return py


def run_splink_peer(
    data: Path, out: Path, thresholds: Sequence[float] = THRESHOLDS, em_only: bool = False
) -> dict[str, Any]:
    """Run the Splink peer benchmark in its own venv and return the parsed result JSON.

    ``em_only`` drops the judgement-fixed m probabilities (every m from EM).
    """
    py = ensure_venv()
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        str(py), str(Path(__file__).resolve()), "--inside",
        "--data", str(Path(data).resolve()), "--out", str(out),
        "--thresholds", *(str(t) for t in thresholds),
    ] + (["--em-only"] if em_only else [])  # fmt: skip
    # Keep the caller's environment (e.g. a project PYTHONPATH) out of the Splink venv.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PYTHONNOUSERSITE"] = "1"
    subprocess.run(cmd, check=True, env=env)
    result: dict[str, Any] = json.loads(out.read_text())
    return result


# --------------------------------------------------------------------------- inside


def _log(msg: str) -> None:
    print(f"[splink-peer] {msg}", file=sys.stderr, flush=True)


def _rss_mib() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def partition_scores(pred: Any, true: Any) -> dict[str, float]:
    """Pairwise and B-cubed precision/recall/F1 from the (pred x true) contingency table.

    A pair is two offers in one cluster: ``sum n*(n-1)/2`` over clusters; correct pairs
    are those inside one contingency cell. Never enumerates the N x N pairs.
    """
    import numpy as np

    _, p = np.unique(np.asarray(pred), return_inverse=True)
    _, t = np.unique(np.asarray(true), return_inverse=True)
    n_true = int(t.max()) + 1
    cells, cell_n = np.unique(p.astype(np.int64) * n_true + t, return_counts=True)
    pred_sizes = np.bincount(p)
    true_sizes = np.bincount(t)

    def pairs(sizes: Any) -> int:
        s = sizes.astype(np.int64)
        return int((s * (s - 1) // 2).sum())

    tp, pp, tt = pairs(cell_n), pairs(pred_sizes), pairs(true_sizes)
    precision = tp / pp if pp else 1.0
    recall = tp / tt if tt else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    # B-cubed: per offer, |own pred cluster ∩ own true cluster| / |pred| (resp. |true|).
    n = len(p)
    cell_n_f = cell_n.astype(np.float64)
    bc_p = float((cell_n_f**2 / pred_sizes[cells // n_true]).sum() / n)
    bc_r = float((cell_n_f**2 / true_sizes[cells % n_true]).sum() / n)
    bc_f1 = 2 * bc_p * bc_r / (bc_p + bc_r) if bc_p + bc_r else 0.0
    return {
        "pairwise_precision": precision,
        "pairwise_recall": recall,
        "pairwise_f1": f1,
        "predicted_pairs": float(pp),
        "correct_pairs": float(tp),
        "bcubed_precision": bc_p,
        "bcubed_recall": bc_r,
        "bcubed_f1": bc_f1,
        "n_predicted_clusters": float(len(pred_sizes)),
        "largest_cluster": float(pred_sizes.max()),
    }


def _build_settings(em_only: bool = False) -> tuple[Any, dict[str, Any]]:
    """Splink SettingsCreator plus a JSON-able description of the same settings.

    ``em_only`` leaves every m probability to EM (no judgement-fixed values).
    """
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    # Prediction blocking: several strict rules rather than one loose one ("Top tips",
    # "Blocking rules for prediction"); each stays within a category.
    blocking = [
        ("category + first two title words",
         block_on("category_id", "first_token", "second_token")),
        ("category + any shared model-code token (exploded array)",
         block_on("category_id", "code_tokens", arrays_to_explode=["code_tokens"])),
        ("identical cleaned title", block_on("title_clean")),
        ("category + first 10 characters of the title without spaces",
         block_on("category_id", "substr(replace(title_clean, ' ', ''), 1, 10)")),
    ]  # fmt: skip
    # Title: one comparison whose levels go from exact to weak, as NameComparison does
    # for names (docs: "Comparisons" / "Choosing string comparators"). Token-set Jaccard
    # copes with re-ordered and extra words, the usual difference between shop titles;
    # Jaro-Winkler catches spacing/typo variants ("x t20" vs "xt20").
    title = cl.CustomComparison(
        comparison_levels=[
            cll.NullLevel("title_clean"),
            cll.ExactMatchLevel("title_clean"),
            cll.CustomLevel(_token_jaccard_sql(0.8), "token Jaccard >= 0.8"),
            cll.JaroWinklerLevel("title_clean", 0.95),
            cll.CustomLevel(_token_jaccard_sql(0.6), "token Jaccard >= 0.6"),
            cll.CustomLevel(_token_jaccard_sql(0.4), "token Jaccard >= 0.4"),
            cll.CustomLevel(_token_jaccard_sql(0.2), "token Jaccard >= 0.2"),
            cll.ElseLevel(),
        ],
        output_column_name="title",
        comparison_description="title: exact / token Jaccard / Jaro-Winkler",
    )
    code_levels = [
        cll.ArraySubsetLevel("code_tokens"),
        cll.ArrayIntersectLevel("code_tokens", 1),
        cll.ElseLevel(),
    ]
    vendor_levels = [cll.ExactMatchLevel("vendor_id"), cll.ElseLevel()]
    if not em_only:
        for lvl, m in zip(code_levels, CODES_M, strict=True):
            lvl.configure(m_probability=m, fix_m_probability=True)
        for lvl, m in zip(vendor_levels, (SAME_VENDOR_M, 1 - SAME_VENDOR_M), strict=True):
            lvl.configure(m_probability=m, fix_m_probability=True)
    codes = cl.CustomComparison(
        comparison_levels=[cll.NullLevel("code_tokens"), *code_levels],
        output_column_name="model_codes",
        comparison_description="model-code tokens: subset / overlap / disjoint",
    )
    comparisons = [
        title,
        codes,
        # Brand-like first word; term-frequency adjusted so a rare brand counts for more.
        cl.ExactMatch("first_token").configure(term_frequency_adjustments=True),
        cl.ExactMatch("category_label"),
        cl.CustomComparison(
            [cll.NullLevel("vendor_id"), *vendor_levels], output_column_name="vendor_id"
        ),
    ]
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[br for _, br in blocking],
        comparisons=comparisons,
        retain_intermediate_calculation_columns=False,
    )
    described = {
        "link_type": "dedupe_only",
        "blocking_rules_to_generate_predictions": [
            {"why": why, "sql": br.get_blocking_rule("duckdb").blocking_rule_sql}
            for why, br in blocking
        ],
        "comparisons": [
            "title: null / exact / token-Jaccard>=0.8 / Jaro-Winkler>=0.95 / token-Jaccard"
            ">=0.6 / >=0.4 / >=0.2 / else",
            "model_codes (title tokens with letters and digits, quantities like 64gb "
            "dropped): null / subset / overlap>=1 / else",
            "first_token (brand-like first word): exact with term-frequency adjustment / else",
            "category_label: exact / else",
            "vendor_id: exact / else",
        ],
        "m_fixed_by_judgement": None
        if em_only
        else {
            "model_codes": dict(zip(("subset", "overlap", "disjoint"), CODES_M, strict=True)),
            "vendor_id": {"same": SAME_VENDOR_M, "different": 1 - SAME_VENDOR_M},
        },
    }
    return settings, described


def _run_inside(
    data: Path, out: Path, thresholds: Sequence[float], em_only: bool = False
) -> dict[str, Any]:
    import duckdb
    import numpy as np
    import sklearn
    import splink
    from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score
    from splink import DuckDBAPI, Linker, block_on

    path_sql = str(data).replace("'", "''")
    seconds: dict[str, float] = {}

    # ---- Splink part: everything timed below is what a Splink user would run.
    t_start = time.perf_counter()
    con = duckdb.connect()
    con.execute(FEATURES_SQL.format(path=path_sql, unit_re=_UNIT_RE))
    settings, described = _build_settings(em_only)
    db_api = DuckDBAPI(con)
    offers = db_api.register("offers", dataset_display_name="pricerunner_offers")
    linker = Linker(offers, settings, log_level=logging.WARNING)
    seconds["prepare"] = time.perf_counter() - t_start
    _log(f"prepared {seconds['prepare']:.1f}s")

    t = time.perf_counter()
    # Prior from deterministic rules that admit few false positives (docs: "Estimating
    # model parameters" / estimate_probability_two_random_records_match).
    deterministic = [block_on("title_clean"), block_on("category_id", "first_token", "code_tokens")]
    linker.training.estimate_probability_two_random_records_match(
        deterministic, recall=DETERMINISTIC_RECALL
    )
    # Splink only logs the estimate; read it back for the report.
    prior = float(linker._settings_obj._probability_two_random_records_match)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=U_SEED)
    # Two EM sessions so that every comparison is estimated in at least one: a session
    # cannot estimate m for the columns its own blocking rule uses (docs: "Blocking for
    # model training"); Splink averages each m over the sessions that estimate it. The
    # first block is "same first model code"; the second is the stricter of the brand-level
    # blocks (1.4M pairs rather than 6.8M for category + first word), as the docs advise.
    em_rules = [block_on("code_tokens[1]"), block_on("category_id", "first_token", "second_token")]
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    seconds["train"] = time.perf_counter() - t
    _log(f"trained {seconds['train']:.1f}s (prior {prior:.3g})")

    t = time.perf_counter()
    df_predict = linker.inference.predict()
    n_scored = int(con.execute(f"select count(*) from {df_predict.physical_name}").fetchall()[0][0])
    seconds["predict"] = time.perf_counter() - t
    _log(f"predicted {n_scored:,} comparisons {seconds['predict']:.1f}s")

    t = time.perf_counter()
    clusterings: dict[float, tuple[Any, Any]] = {}
    for thr in thresholds:
        df_c = linker.clustering.cluster_pairwise_predictions_at_threshold(
            df_predict, threshold_match_probability=thr
        )
        cols = con.sql(
            f"select unique_id, cluster_id from {df_c.physical_name} order by unique_id"
        ).fetchnumpy()
        clusterings[thr] = (cols["unique_id"], cols["cluster_id"])
        df_c.drop_table_from_database_and_remove_from_cache()
    seconds["cluster"] = time.perf_counter() - t
    seconds["splink_total"] = time.perf_counter() - t_start
    rss_splink = _rss_mib()
    _log(f"clustered at {len(thresholds)} thresholds {seconds['cluster']:.1f}s")

    # ---- Evaluation only: the ground truth is read here, after Splink has finished.
    t = time.perf_counter()
    truth = con.sql(
        f"select product_id, cluster_id from read_csv('{path_sql}', header = true, "
        "auto_detect = true) order by product_id"
    ).fetchnumpy()
    true_ids, true_labels = truth["product_id"], truth["cluster_id"]
    con.execute(
        f"create temp table truth_tbl as select product_id, cluster_id from read_csv('{path_sql}', "
        "header = true, auto_detect = true)"
    )
    covered = con.sql(
        f"""select count(*) from {df_predict.physical_name} p
        join truth_tbl a on a.product_id = p.unique_id_l
        join truth_tbl b on b.product_id = p.unique_id_r
        where a.cluster_id = b.cluster_id"""
    ).fetchall()[0][0]
    true_pairs = partition_scores(true_labels, true_labels)["predicted_pairs"]

    rows: list[dict[str, Any]] = []
    for thr, (ids, labels) in clusterings.items():
        # Every input row must be scored: Splink returns singletons too; check it did.
        if len(ids) != len(true_ids) or not np.array_equal(ids, true_ids):
            raise RuntimeError(f"threshold {thr}: clustering does not cover every input row")
        row: dict[str, Any] = {"threshold_match_probability": thr}
        row.update(partition_scores(labels, true_labels))
        row["ami"] = float(adjusted_mutual_info_score(true_labels, labels))
        row["ari"] = float(adjusted_rand_score(true_labels, labels))
        for k in ("predicted_pairs", "correct_pairs", "n_predicted_clusters", "largest_cluster"):
            row[k] = int(row[k])
        rows.append(row)
    best = max(rows, key=lambda r: r["pairwise_f1"])
    for r in rows:
        r["best"] = r is best
    seconds["evaluate"] = time.perf_counter() - t

    model = linker.misc.save_model_to_json()
    trained = [
        {
            "comparison": c.get("output_column_name"),
            "levels": [
                {
                    "label": lvl.get("label_for_charts"),
                    "m": lvl.get("m_probability"),
                    "u": lvl.get("u_probability"),
                }
                for lvl in c["comparison_levels"]
                if not lvl.get("is_null_level")
            ],
        }
        for c in model["comparisons"]
    ]
    result: dict[str, Any] = {
        "system": "splink",
        "variant": "em_only" if em_only else "em_plus_judgement_m",
        "splink_version": splink.__version__,
        "duckdb_version": duckdb.__version__,
        "sklearn_version": sklearn.__version__,
        "python": sys.version.split()[0],
        "data": str(data),
        "n_records": len(true_ids),
        "n_true_clusters": len(np.unique(true_labels)),
        "true_pairs": int(true_pairs),
        "model_inputs": list(MODEL_INPUTS),
        "settings": {
            **described,
            "probability_two_random_records_match": {
                "method": "estimate_probability_two_random_records_match",
                "deterministic_rules": [
                    r.get_blocking_rule("duckdb").blocking_rule_sql for r in deterministic
                ],
                "assumed_recall": DETERMINISTIC_RECALL,
                "estimate": prior,
            },
            "u": {
                "method": "estimate_u_using_random_sampling",
                "max_pairs": U_MAX_PAIRS,
                "seed": U_SEED,
            },
            "em_blocking_rules": [
                r.get_blocking_rule("duckdb").blocking_rule_sql for r in em_rules
            ],
            "em_estimate_without_term_frequencies": True,
            "clustering": "cluster_pairwise_predictions_at_threshold (connected components)",
        },
        "trained_parameters": trained,
        "n_comparisons_scored": n_scored,
        "blocking_recall_direct": covered / true_pairs if true_pairs else 1.0,
        "seconds": {k: round(v, 2) for k, v in seconds.items()},
        "wall_seconds_splink": round(seconds["splink_total"], 2),
        "peak_rss_mib_splink": round(rss_splink, 1),
        "peak_rss_mib_process": round(_rss_mib(), 1),
        "thresholds": rows,
        "best_threshold": best["threshold_match_probability"],
        "best_by": "pairwise_f1",
        "best_note": (
            "The best threshold is picked on the ground truth, so the 'best' row is Splink's "
            "best case on this data, not a setting a user without labels could choose."
        ),
    }
    out.write_text(json.dumps(result, indent=2) + "\n")
    return result


# --------------------------------------------------------------------------- CLI


def _print_summary(res: dict[str, Any]) -> None:
    print(
        f"Splink {res['splink_version']} on {res['n_records']:,} offers: "
        f"{res['n_comparisons_scored']:,} comparisons scored, blocking recall "
        f"{res['blocking_recall_direct']:.3f}, Splink wall {res['wall_seconds_splink']:.1f} s, "
        f"peak RSS {res['peak_rss_mib_splink']:.0f} MiB"
    )
    print("threshold  pw_P   pw_R   pw_F1  AMI    ARI    clusters  largest")
    for r in res["thresholds"]:
        mark = "  <- best on the truth (peer's best case)" if r["best"] else ""
        print(
            f"{r['threshold_match_probability']:<9}  {r['pairwise_precision']:.3f}  "
            f"{r['pairwise_recall']:.3f}  {r['pairwise_f1']:.3f}  {r['ami']:.3f}  "
            f"{r['ari']:.3f}  {r['n_predicted_clusters']:>8}  {r['largest_cluster']:>7}{mark}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point; see the module docstring."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--data", type=Path, required=True, help="pricerunner_aggregate.csv")
    ap.add_argument("--out", type=Path, required=True, help="where to write the result JSON")
    ap.add_argument("--thresholds", type=float, nargs="+", default=list(THRESHOLDS))
    ap.add_argument(
        "--em-only", action="store_true", help="leave every m probability to EM (no judgement)"
    )
    ap.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.inside:
        res = _run_inside(args.data, args.out, args.thresholds, args.em_only)
    else:
        res = run_splink_peer(args.data, args.out, args.thresholds, args.em_only)
        _print_summary(res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
