"""The HTML report of a run: summary, stages, blocking diagnostics, plots, uncertain clusters.

One self-contained file: plots are matplotlib PNGs embedded as base64, no scripts, no
network.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return '<img alt="plot" src="data:image/png;base64,' + base64.b64encode(buf.getvalue()).decode() + '">'


def _plots(clusters: pa.Table, seconds: dict[str, float], pr_curve: list[dict[str, float]] | None) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = []
    sizes = np.asarray(clusters.column("size").to_numpy())
    fig, ax = plt.subplots(figsize=(5, 3))
    bins = np.unique(np.logspace(0, np.log10(max(sizes.max(), 2)) + 0.01, 25).astype(int))
    ax.hist(sizes, bins=bins.tolist(), color="#4c72b0")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("cluster size (offers)")
    ax.set_ylabel("clusters")
    ax.set_title("Cluster size distribution")
    out.append(_png(fig))

    eps = np.asarray(clusters.column("epsilon").to_numpy())
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.hist(eps[sizes > 1], bins=40, range=(0, 1), color="#dd8452", label="size > 1")
    ax.hist(eps[sizes == 1], bins=40, range=(0, 1), color="#55a868", alpha=0.5, label="singletons")
    ax.set_xlabel("uncertainty ε")
    ax.set_ylabel("clusters")
    ax.set_title("Cluster uncertainty")
    ax.legend()
    out.append(_png(fig))

    fig, ax = plt.subplots(figsize=(6, 3))
    names = list(seconds)
    ax.barh(names[::-1], [seconds[k] for k in names][::-1], color="#8172b2")
    ax.set_xlabel("seconds")
    ax.set_title("Time per step")
    out.append(_png(fig))

    if pr_curve:
        fig, ax = plt.subplots(figsize=(5, 3))
        t = [r["threshold"] for r in pr_curve]
        ax.plot(t, [r["pairwise_precision"] for r in pr_curve], label="precision")
        ax.plot(t, [r["pairwise_recall"] for r in pr_curve], label="recall")
        ax.plot(t, [r["pairwise_f1"] for r in pr_curve], label="F1")
        ax.set_xlabel("match threshold (edges above it, constrained merge)")
        ax.set_title("Pairwise precision / recall vs threshold")
        ax.legend()
        out.append(_png(fig))
    return out


def _seller_check_html(check: dict[str, Any]) -> str:
    """The seller check's figures; a warning when it found that sellers say nothing."""
    if not check:
        return ""
    line = (f"<p>Seller check: offers sharing a GTIN or model code come from one shop in "
            f"{check['same_shop_share']:.1%} of their pairs ({check['groups']} groups in the fit sample; "
            f"limit {check['max_share']:.0%}); offers sharing a GTIN in {check.get('gtin_share', 0.0):.1%} "
            f"({check.get('gtin_groups', 0)} groups; limit {check.get('max_gtin_share', 0.0):.0%}, deciding from 50 groups). "
            f"Seller constraint used: <b>{check['seller_constraint']}</b>.</p>")
    if check.get("sellers_ignored"):
        done = "the one-listing-per-shop constraint was switched off and " if check.get("switched_off") else ""
        line = ("<p><b>Warning:</b> shops in this catalog list a product many times, so "
                f"{done}pair features ignored the seller.</p>" + line)
    return line


def _colour_identity_html(colour: dict[str, Any]) -> str:
    """Per category, how far colour told products apart here (learnt from how the shops list)."""
    if not colour or not colour.get("categories"):
        return ""
    return ("<h2>Colour identity (learnt from how shops list)</h2><p>Share of titles differing only in their colour "
            "words that one shop listed, shrunk toward the catalog's "
            f"({colour['catalog']:.2f}): near 1, shops list each colour apart and a colour conflict argues "
            "against a match; near 0, colour is not part of a product here.</p>" + _table(colour["categories"]))


def _table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "<p>none</p>"
    cols = list(rows[0])
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in cols)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_fmt(r.get(c)))}</td>" for c in cols) + "</tr>" for r in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return "" if v is None else str(v)


def write_report(
    path: str | Path,
    summary: dict[str, Any],
    clusters: pa.Table,
    assignments: pa.Table,
    offers_titles: dict[str, str],
    pr_curve: list[dict[str, float]] | None = None,
    top_uncertain: int = 25,
    members: dict[str, list[str]] | None = None,
) -> None:
    """Write ``report.html`` for a run.

    Args:
        path: output file.
        summary: the run summary (as in summary.json).
        clusters: clusters table.
        assignments: assignments table.
        offers_titles: offer_id -> title, for listing uncertain clusters.
        pr_curve: optional precision/recall per threshold (when truth was given).
        top_uncertain: how many uncertain clusters to list.
        members: cluster_id -> member titles of the most uncertain clusters, when the
            caller has them (a distributed engine); otherwise read from ``assignments``.
    """
    plots = _plots(clusters, summary.get("seconds", {}), pr_curve)
    counts: list[dict[str, Any]] = [{k: summary[k] for k in ("input_rows", "assigned", "rejected", "clusters", "largest_cluster") if k in summary}]
    stage_rows = []
    family_rows = []
    heavy_rows = []
    for st in summary.get("stages", []):
        stage_rows.append({k: st[k] for k in ("stage", "families", "candidate_pairs", "pairs_per_offer", "accepted_pairs", "clusters_after")})
        for f in st.get("families_detail", []):
            family_rows.append({"stage": st["stage"], **{k: v for k, v in f.items() if k != "heavy_keys"}, "heavy_keys": len(f["heavy_keys"])})
            for h in f["heavy_keys"][:10]:
                heavy_rows.append({"stage": st["stage"], "family": f["family"], "key": h["key"], "entities": h["size"],
                                   "handled by": "random-projection split + kNN inside leaves"})
    # most uncertain multi-offer clusters, with their titles
    eps = np.asarray(clusters.column("epsilon").to_numpy())
    sizes = np.asarray(clusters.column("size").to_numpy())
    cand = np.flatnonzero(sizes > 1)
    worst = cand[np.argsort(-eps[cand], kind="stable")[:top_uncertain]]
    cid = clusters.column("cluster_id").to_pylist()
    if members is None:
        members = {}
        wanted = {cid[i] for i in worst}
        for oid, c in zip(assignments.column("offer_id").to_pylist(), assignments.column("cluster_id").to_pylist(), strict=True):
            if c in wanted and len(members.setdefault(c, [])) < 8:
                members[c].append(offers_titles.get(oid, oid))
    uncertain_html = "".join(
        f"<details><summary>{html.escape(cid[i])} — ε={eps[i]:.2f}, {sizes[i]} offers</summary><ul>"
        + "".join(f"<li>{html.escape(t)}</li>" for t in members.get(cid[i], []))
        + "</ul></details>"
        for i in worst
    )
    quality = summary.get("evaluation")
    quality_html = _table([{k: v for k, v in quality.items() if not isinstance(v, dict)}]) if quality else "<p>No truth given.</p>"
    doc = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>samesku report</title>
<style>body{{font-family:system-ui,sans-serif;margin:2em;max-width:1100px}}table{{border-collapse:collapse;margin:.5em 0}}
td,th{{border:1px solid #ccc;padding:3px 8px;font-size:90%;text-align:right}}th{{background:#f3f3f3}}
img{{margin:.5em}}details{{margin:.2em 0}}</style></head><body>
<h1>samesku run report</h1>
<h2>Counts</h2>{_table(counts)}
<p>input_rows = assigned + rejected: <b>{summary.get('input_rows') == summary.get('assigned', 0) + summary.get('rejected', 0)}</b></p>
<h2>Rejected rows by reason</h2>{_table([{'reason': k, 'rows': v} for k, v in summary.get('rejected_by_reason', {}).items()])}
<h2>Quality (against truth)</h2>{quality_html}
<h2>Plots</h2>{''.join(plots)}
<h2>Stages</h2>{_table(stage_rows)}
<h2>Blocking diagnostics per key family</h2>{_table(family_rows)}
<h3>Heavy keys (split, never all-pairs)</h3>{_table(heavy_rows)}
<h2>Vetoes (pairs)</h2>{_table([{'veto': k, 'pairs': v} for k, v in summary.get('vetoes', {}).items()])}
<h2>Refused merges (cluster constraints)</h2>{_table([{'constraint': k, 'merges refused': v} for k, v in summary.get('refused_merges', {}).items()])}
{_seller_check_html(summary.get('seller_check') or {})}
{_colour_identity_html(summary.get('colour_identity') or {})}
<h2>Most uncertain clusters</h2>{uncertain_html or '<p>none</p>'}
<h2>Time per step (s)</h2>{_table([{'step': k, 'seconds': v, 'peak MiB after': summary.get('peak_rss_mb_by_step', {}).get(k, '')} for k, v in summary.get('seconds', {}).items()])}
</body></html>"""
    Path(path).write_text(doc, encoding="utf-8")
