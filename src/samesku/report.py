"""The HTML report of a run: summary, stages, blocking diagnostics, plots, uncertain clusters.

One self-contained file: plots are matplotlib PNGs embedded as base64, no scripts, no
network. Category names and titles are often Korean, Japanese or Chinese: the page declares
a CSS font stack with CJK fonts, and the plots use the first installed font with CJK glyphs
as a fallback after DejaVu Sans (Debian: ``apt-get install fonts-noto-cjk``); without one
they still render, CJK characters as boxes, and the report says so.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

#: Fonts with CJK glyphs, most complete first (Noto / Source Han, then common system fonts).
CJK_FONTS = ("Noto Sans CJK JP", "Noto Sans CJK KR", "Noto Sans CJK SC", "Noto Sans CJK TC", "Source Han Sans",
             "Source Han Sans JP", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Droid Sans Fallback", "Hiragino Sans",
             "Apple SD Gothic Neo", "Microsoft YaHei", "Malgun Gothic", "Yu Gothic", "MS Gothic")
#: File names of such fonts, to register fonts installed after matplotlib built its font cache.
_CJK_FILES = ("notosanscjk", "sourcehansans", "wqy-", "droidsansfallback")
#: The page's font stack: the reader's system font, then fonts that have CJK glyphs.
CSS_FONTS = ('system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK KR", "Noto Sans CJK JP", '
             '"Noto Sans CJK SC", "Source Han Sans", "Apple SD Gothic Neo", "Hiragino Sans", "Malgun Gothic", '
             '"Microsoft YaHei", "WenQuanYi Zen Hei", sans-serif')


@functools.lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The name of an installed font with CJK glyphs that matplotlib can use, or None.

    Matplotlib caches its font list when first imported, so a font installed later is
    missing from it: such fonts are found among the system fonts and registered.
    """
    from matplotlib import font_manager

    def known() -> str | None:
        names = {f.name for f in font_manager.fontManager.ttflist}
        return next((n for n in CJK_FONTS if n in names), None)

    if (name := known()) is not None:
        return name
    for path in font_manager.findSystemFonts():
        file = Path(path).name.lower()
        if any(h in file for h in _CJK_FILES) and "bold" not in file:
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
    return known()


@contextmanager
def _plot_fonts() -> Iterator[str | None]:
    """Matplotlib settings for the report's plots: DejaVu Sans, then a CJK font when one exists.

    Without a CJK font, matplotlib would warn once per missing glyph; those warnings are
    silenced here (the report states the missing font once instead).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cjk = cjk_font()
    with plt.rc_context({"font.family": ["DejaVu Sans", *([cjk] if cjk else [])]}), warnings.catch_warnings():
        if cjk is None:
            warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from", category=UserWarning)
        yield cjk


def _png(fig: Any, alt: str) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,' + base64.b64encode(buf.getvalue()).decode() + '">'


def _figure(img: str, caption: str = "") -> str:
    return f"<figure>{img}" + (f"<figcaption>{caption}</figcaption>" if caption else "") + "</figure>"


def _cluster_pairs(quality: dict[str, Any] | None) -> tuple[float, float] | None:
    """(precision, recall) of the quality table: pairs of offers in one predicted cluster."""
    if not quality or "pairwise_precision" not in quality or "pairwise_recall" not in quality:
        return None
    return float(quality["pairwise_precision"]), float(quality["pairwise_recall"])


def _plots(clusters: pa.Table, summary: dict[str, Any], pr_curve: list[dict[str, float]] | None) -> list[str]:
    """The report's plots as ``<figure>`` elements (matplotlib PNGs)."""
    import matplotlib.pyplot as plt

    out = []
    seconds: dict[str, float] = summary.get("seconds", {})
    sizes = np.asarray(clusters.column("size").to_numpy())
    eps = np.asarray(clusters.column("epsilon").to_numpy())
    with _plot_fonts():
        if len(sizes):
            fig, ax = plt.subplots(figsize=(5, 3))
            bins = np.unique(np.logspace(0, np.log10(max(int(sizes.max()), 2)) + 0.01, 25).astype(int))
            ax.hist(sizes, bins=bins.tolist(), color="#4c72b0")
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlabel("cluster size (offers)")
            ax.set_ylabel("clusters")
            ax.set_title("Cluster size distribution")
            out.append(_figure(_png(fig, "cluster size distribution")))

            fig, ax = plt.subplots(figsize=(5, 3))
            ax.hist(eps[sizes > 1], bins=40, range=(0, 1), color="#dd8452", label="size > 1")
            ax.hist(eps[sizes == 1], bins=40, range=(0, 1), color="#55a868", alpha=0.5, label="singletons")
            ax.set_xlabel("uncertainty ε")
            ax.set_ylabel("clusters")
            ax.set_title("Cluster uncertainty")
            ax.legend()
            out.append(_figure(_png(fig, "cluster uncertainty")))

        if seconds:
            fig, ax = plt.subplots(figsize=(6, 3))
            names = list(seconds)
            ax.barh(names[::-1], [seconds[k] for k in names][::-1], color="#8172b2")
            ax.set_xlabel("seconds")
            ax.set_title("Time per step")
            out.append(_figure(_png(fig, "time per step")))

        categories = (summary.get("colour_identity") or {}).get("categories") or []
        if categories:
            top = sorted(categories, key=lambda r: -int(r.get("colour_only_pairs", 0)))[:20][::-1]
            fig, ax = plt.subplots(figsize=(6, 0.8 + 0.25 * len(top)))
            ax.barh([str(r["category"]) for r in top], [float(r["colour_identity"]) for r in top], color="#937860")
            ax.set_xlim(0, 1)
            ax.set_xlabel("colour identity (1: shops list each colour apart)")
            ax.set_title("Colour identity per category")
            out.append(_figure(_png(fig, "colour identity per category")))

        if pr_curve:
            fig, ax = plt.subplots(figsize=(6, 3.4))
            t = [r["threshold"] for r in pr_curve]
            ax.plot(t, [r["pairwise_precision"] for r in pr_curve], label="precision (edges)")
            ax.plot(t, [r["pairwise_recall"] for r in pr_curve], label="recall (edges)")
            ax.plot(t, [r["pairwise_f1"] for r in pr_curve], label="F1 (edges)")
            table = _cluster_pairs(summary.get("evaluation"))
            threshold = _threshold(summary)
            if table is not None:
                ax.plot([threshold], [table[0]], "o", color="C0", label="precision (cluster pairs, table)")
                ax.plot([threshold], [table[1]], "s", color="C1", label="recall (cluster pairs, table)")
            ax.set_ylim(0, 1.02)
            ax.set_xlabel("threshold on the edge's final match probability")
            ax.set_title("Scored candidate pairs: precision / recall of single edges vs threshold", fontsize=10)
            ax.legend(fontsize=7, loc="lower left")
            out.append(_figure(_png(fig, "precision and recall of scored candidate pairs vs threshold"),
                               _curve_note(pr_curve, table, threshold)))
    return out


def _threshold(summary: dict[str, Any]) -> float:
    return float(((summary.get("config") or {}).get("match") or {}).get("threshold", 0.5))


def _curve_note(pr_curve: list[dict[str, float]], table: tuple[float, float] | None, threshold: float) -> str:
    """One sentence under the threshold plot: which pairs it counts, which the table counts."""
    note = ("The curves count scored candidate pairs (<code>edges.parquet</code>) whose final match probability is at "
            "or above the threshold, against every pair of offers the truth puts in one product. The quality table "
            "counts pairs of offers in one cluster, which includes pairs joined transitively (A–B and B–C accepted "
            "put A and C in one cluster, scored or not)")
    at = min(pr_curve, key=lambda r: abs(r["threshold"] - threshold))
    if table is not None:
        note += (f": at this run's threshold {threshold:g}, recall {at['pairwise_recall']:.2f} of single edges "
                 f"against {table[1]:.2f} of cluster pairs (the markers)")
    return note + "."


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


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, sec = divmod(int(round(seconds)), 60)
    return f"{minutes} min {sec} s" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"


def _short(title: str, limit: int = 60) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def _summary_line(summary: dict[str, Any], worst: list[dict[str, Any]]) -> str:
    """The line a person reads first: offers, clusters, rejected, time, the most uncertain clusters."""
    seconds = summary.get("wall_seconds")
    if seconds is None:
        seconds = sum(summary.get("seconds", {}).values())
    multi = summary.get("multi_offer_clusters")
    parts = [f"<b>{int(summary.get('input_rows', 0)):,} offers</b> (input rows)",
             f"<b>{int(summary.get('clusters', 0)):,} clusters</b>" + (f" ({int(multi):,} with more than one offer)" if multi is not None else ""),
             f"<b>{int(summary.get('rejected', 0)):,} rejected</b>",
             f"<b>{_duration(float(seconds))}</b>"]
    quality = summary.get("evaluation") or {}
    if "pairwise_f1" in quality:
        parts.append(f"pairwise F1 {float(quality['pairwise_f1']):.3f} against the truth")
    line = ", ".join(parts) + "."
    if worst:
        line += " Most uncertain: " + "; ".join(
            f'<a href="#{w["anchor"]}">{html.escape(_short(w["title"]))}</a> (ε {w["epsilon"]:.2f}, {w["size"]} offers)'
            for w in worst[:3]) + "."
    else:
        line += " No cluster of more than one offer."
    return f'<p class="lead">{line}</p>'


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
        clusters: clusters table (at least ``cluster_id``, ``size``, ``epsilon``; a
            ``representative_title`` column names the uncertain clusters when present).
        assignments: assignments table.
        offers_titles: offer_id -> title, for listing uncertain clusters.
        pr_curve: optional precision/recall of scored candidate pairs per threshold (when
            truth was given).
        top_uncertain: how many uncertain clusters to list.
        members: cluster_id -> member titles of the most uncertain clusters, when the
            caller has them (a distributed engine); otherwise read from ``assignments``.
    """
    plots = _plots(clusters, summary, pr_curve)
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
    # most uncertain multi-offer clusters (ties by cluster id, as the Spark engine orders them), with their titles
    eps = np.asarray(clusters.column("epsilon").to_numpy(), dtype=np.float64)
    sizes = np.asarray(clusters.column("size").to_numpy())
    cid = clusters.column("cluster_id").to_pylist()
    cand = np.flatnonzero(sizes > 1)
    worst = sorted(cand.tolist(), key=lambda i: (-eps[i], cid[i]))[:top_uncertain]
    if members is None:
        members = {}
        wanted = {cid[i] for i in worst}
        for oid, c in zip(assignments.column("offer_id").to_pylist(), assignments.column("cluster_id").to_pylist(), strict=True):
            if c in wanted and len(members.setdefault(c, [])) < 8:
                members[c].append(offers_titles.get(oid, oid))
    rep_titles = (clusters.column("representative_title").to_pylist() if "representative_title" in clusters.column_names
                  else [None] * clusters.num_rows)
    rep_ids = (clusters.column("representative_offer_id").to_pylist() if "representative_offer_id" in clusters.column_names
               else [None] * clusters.num_rows)
    uncertain = [{"anchor": f"uncertain-{rank}", "cluster_id": cid[i], "epsilon": float(eps[i]), "size": int(sizes[i]),
                  "title": rep_titles[i] or offers_titles.get(rep_ids[i] or "", "") or next(iter(members.get(cid[i], [])), cid[i])}
                 for rank, i in enumerate(worst, start=1)]
    uncertain_html = "".join(
        f'<details id="{u["anchor"]}"><summary>{html.escape(u["cluster_id"])} — ε={u["epsilon"]:.2f}, {u["size"]} offers: '
        f'{html.escape(_short(u["title"]))}</summary><ul>'
        + "".join(f"<li>{html.escape(t)}</li>" for t in members.get(u["cluster_id"], []))
        + "</ul></details>"
        for u in uncertain
    )
    quality = summary.get("evaluation")
    quality_html = ("<p>Pairwise precision / recall / F1 count <b>pairs of offers in one cluster</b> (every pair inside "
                    "each predicted cluster against every pair inside each true product), including pairs joined "
                    "transitively; the threshold plot below counts single scored edges.</p>"
                    + _table([{k: v for k, v in quality.items() if not isinstance(v, dict)}])) if quality else "<p>No truth given.</p>"
    font_note = "" if cjk_font() else ("<p><small>No font with CJK glyphs is installed, so Korean, Japanese and Chinese "
                                       "names in the plots show as boxes (Debian: <code>apt-get install fonts-noto-cjk</code>)."
                                       "</small></p>")
    doc = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>samesku report</title>
<style>body{{font-family:{CSS_FONTS};margin:2em;max-width:1100px}}table{{border-collapse:collapse;margin:.5em 0;display:block;overflow-x:auto;max-width:100%}}
td,th{{border:1px solid #ccc;padding:3px 8px;font-size:90%;text-align:right}}th{{background:#f3f3f3}}
figure{{display:inline-block;margin:.5em;vertical-align:top;max-width:560px}}figcaption{{font-size:85%;color:#444}}
details{{margin:.2em 0}}.lead{{font-size:115%;background:#f6f8fa;border-left:4px solid #4c72b0;padding:.6em .9em}}</style></head><body>
<h1>samesku run report</h1>
{_summary_line(summary, uncertain)}
<h2>Counts</h2>{_table(counts)}
<p>input_rows = assigned + rejected: <b>{summary.get('input_rows') == summary.get('assigned', 0) + summary.get('rejected', 0)}</b></p>
<h2>Rejected rows by reason</h2>{_table([{'reason': k, 'rows': v} for k, v in summary.get('rejected_by_reason', {}).items()])}
<h2>Quality (against truth)</h2>{quality_html}
<h2>Plots</h2>{font_note}{''.join(plots)}
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
