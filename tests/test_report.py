"""report.html built from small hand-made tables: summary line, plot / table labels, CJK names."""

from __future__ import annotations

import html
import re
import warnings
from pathlib import Path

import pyarrow as pa
import pytest

from samesku import report
from samesku.report import write_report

KOREAN = "패션의류>여성의류>코트"
JAPANESE = "ファッション>レディース>アウター"
CHINESE = "数码>手机>智能手机"


def _clusters(rows: list[tuple[str, int, float, str]]) -> pa.Table:
    return pa.table({
        "cluster_id": [r[0] for r in rows],
        "size": pa.array([r[1] for r in rows], pa.int64()),
        "epsilon": pa.array([r[2] for r in rows], pa.float64()),
        "representative_offer_id": [f"{r[0]}-o0" for r in rows],
        "representative_title": [r[3] for r in rows],
    })


def _assignments(clusters: pa.Table) -> pa.Table:
    offers, cids = [], []
    for c, n in zip(clusters.column("cluster_id").to_pylist(), clusters.column("size").to_pylist(), strict=True):
        offers += [f"{c}-o{i}" for i in range(n)]
        cids += [c] * n
    return pa.table({"offer_id": offers, "cluster_id": cids})


def _summary(**extra: object) -> dict:
    return {"input_rows": 12, "assigned": 11, "rejected": 1, "clusters": 5, "multi_offer_clusters": 4,
            "largest_cluster": 3, "wall_seconds": 75.4, "seconds": {"read": 0.5, "analyse": 1.0},
            "colour_identity": {"catalog": 0.5, "categories": [
                {"category": KOREAN, "colour_only_pairs": 5, "colour_identity": 0.75},
                {"category": JAPANESE, "colour_only_pairs": 2, "colour_identity": 0.4},
                {"category": CHINESE, "colour_only_pairs": 1, "colour_identity": 0.2}]},
            **extra}


CLUSTERS = _clusters([
    ("c1", 3, 0.10, "Apple iPhone 15 128GB Black"),
    ("c2", 2, 0.90, "Samsung Galaxy S24 256GB"),
    ("c3", 1, 0.99, "a singleton, the most uncertain of all"),
    ("c4", 2, 0.70, "나이키 에어 포스1 07 CW2288-111"),
    ("c5", 3, 0.80, "Coca-Cola 스프라이트 210ml×6캔"),
])


def _write(tmp_path: Path, summary: dict | None = None, **kwargs: object) -> str:
    path = tmp_path / "report.html"
    titles = dict(zip(CLUSTERS.column("representative_offer_id").to_pylist(),
                      CLUSTERS.column("representative_title").to_pylist(), strict=True))
    write_report(path, summary or _summary(), CLUSTERS, _assignments(CLUSTERS), titles, **kwargs)  # type: ignore[arg-type]
    return path.read_text(encoding="utf-8")


def _lead(doc: str) -> str:
    m = re.search(r'<p class="lead">(.*?)</p>', doc, re.S)
    assert m, "no summary line"
    return m.group(1)


def test_summary_line_comes_first_and_states_offers_clusters_rejected_and_time(tmp_path: Path) -> None:
    doc = _write(tmp_path)
    lead = _lead(doc)
    assert doc.index('class="lead"') < doc.index("<h2>")
    assert "<b>12 offers</b> (input rows)" in lead
    assert "<b>5 clusters</b> (4 with more than one offer)" in lead
    assert "<b>1 rejected</b>" in lead
    assert "<b>1 min 15 s</b>" in lead


def test_summary_line_names_the_three_most_uncertain_multi_offer_clusters_by_epsilon(tmp_path: Path) -> None:
    lead = _lead(_write(tmp_path))
    named = re.findall(r'<a href="#(uncertain-\d)">(.*?)</a> \(ε ([0-9.]+)', lead)
    assert [t for _, t, _ in named] == ["Samsung Galaxy S24 256GB", "Coca-Cola 스프라이트 210ml×6캔",
                                        "나이키 에어 포스1 07 CW2288-111"]
    assert [e for _, _, e in named] == ["0.90", "0.80", "0.70"]
    assert "singleton" not in lead   # size 1 never counts as uncertain, whatever its ε


def test_summary_line_links_to_the_listed_uncertain_clusters(tmp_path: Path) -> None:
    doc = _write(tmp_path)
    for anchor in re.findall(r'<a href="#(uncertain-\d)">', _lead(doc)):
        assert f'<details id="{anchor}">' in doc


def test_long_titles_are_shortened_in_the_summary_line(tmp_path: Path) -> None:
    clusters = _clusters([("c1", 2, 0.5, "x" * 200)])
    path = tmp_path / "r.html"
    write_report(path, _summary(clusters=1), clusters, _assignments(clusters), {})
    lead = _lead(path.read_text(encoding="utf-8"))
    assert "x" * 59 + "…" in lead and "x" * 61 not in lead


def test_threshold_plot_and_quality_table_say_which_pairs_each_counts(tmp_path: Path) -> None:
    curve = [{"threshold": t, "pairwise_precision": 0.9, "pairwise_recall": 0.42, "pairwise_f1": 0.57}
             for t in (0.3, 0.5, 0.7)]
    evaluation = {"pairwise_precision": 0.95, "pairwise_recall": 0.89, "pairwise_f1": 0.92, "ami": 0.9}
    doc = _write(tmp_path, _summary(evaluation=evaluation, config={"match": {"threshold": 0.5}}), pr_curve=curve)
    quality = doc[doc.index("<h2>Quality"):doc.index("<h2>Plots")]
    assert "pairs of offers in one cluster" in quality and "single scored edges" in quality
    caption = re.search(r"<figcaption>(.*?)</figcaption>", doc, re.S)
    assert caption
    assert "scored candidate pairs" in caption.group(1)
    assert "pairs of offers in one cluster" in caption.group(1) and "transitively" in caption.group(1)
    assert "recall 0.42 of single edges against 0.89 of cluster pairs" in caption.group(1)
    assert "pairwise F1 0.920 against the truth" in _lead(doc)


def test_report_without_truth_has_no_threshold_plot(tmp_path: Path) -> None:
    doc = _write(tmp_path)
    assert "No truth given." in doc and "<figcaption>" not in doc


def test_cjk_category_names_are_in_the_report_with_a_cjk_font_stack(tmp_path: Path) -> None:
    doc = _write(tmp_path)
    for name in (KOREAN, JAPANESE, CHINESE):
        assert html.escape(name) in doc
    assert "Noto Sans CJK" in doc[doc.index("<style>"):doc.index("</style>")]
    assert doc.count('alt="colour identity per category"') == 1


@pytest.mark.skipif(report.cjk_font() is None, reason="no font with CJK glyphs installed (fonts-noto-cjk)")
def test_plots_of_cjk_category_names_warn_of_no_missing_glyph_when_a_cjk_font_is_installed(tmp_path: Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        doc = _write(tmp_path)
    assert not [w for w in caught if "Glyph" in str(w.message)]
    assert "No font with CJK glyphs" not in doc


def test_report_without_a_cjk_font_neither_crashes_nor_warns_and_says_so(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report, "cjk_font", lambda: None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        doc = _write(tmp_path)
    assert not [w for w in caught if "Glyph" in str(w.message)]
    assert "No font with CJK glyphs is installed" in doc
    assert html.escape(KOREAN) in doc


def test_report_of_a_distributed_engine_takes_member_titles_and_minimal_clusters(tmp_path: Path) -> None:
    clusters = CLUSTERS.select(["cluster_id", "size", "epsilon"])
    empty = pa.table({"offer_id": pa.array([], pa.string()), "cluster_id": pa.array([], pa.string())})
    members = {"c2": ["Galaxy S24 256 GB Onyx Black", "SAMSUNG Galaxy S24"], "c5": ["스프라이트 6캔"], "c4": ["에어 포스1"]}
    path = tmp_path / "report.html"
    write_report(path, _summary(), clusters, empty, {}, members=members)
    doc = path.read_text(encoding="utf-8")
    assert ">Galaxy S24 256 GB Onyx Black</a>" in _lead(doc)
    assert "<li>SAMSUNG Galaxy S24</li>" in doc


def test_report_of_an_empty_run_is_written(tmp_path: Path) -> None:
    clusters = _clusters([])
    path = tmp_path / "report.html"
    write_report(path, {"input_rows": 0, "assigned": 0, "rejected": 0, "clusters": 0, "seconds": {}}, clusters,
                 _assignments(clusters), {})
    lead = _lead(path.read_text(encoding="utf-8"))
    assert "<b>0 offers</b>" in lead and "No cluster of more than one offer." in lead
