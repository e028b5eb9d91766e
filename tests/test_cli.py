"""The command line: exit codes, one-line errors, --version, --debug, cluster --dry-run.

Exit codes: 0 done, 1 the run failed, 2 usage error (see ``samesku.cli``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner, Result

import samesku
from samesku.cli import app

KOREAN = ["삼성 갤럭시 S9 64GB 블랙", "애플 아이폰 8 64GB 실버", "엘지 그램 15 노트북", "삼성 갤럭시 S9 64GB 블랙 정품"]
GERMAN = ["Käse Gouda 500 g", "Brot Vollkorn 750 g", "Größe XL Jacke blau", "Äpfel Elstar 1 kg"]

runner = CliRunner()


def _run(*args: str | Path) -> Result:
    return runner.invoke(app, [str(a) for a in args])


def _error_line(result: Result) -> str:
    """The one ``error: ...`` line, last on stderr (after any progress bar), no traceback."""
    lines = result.stderr.strip().splitlines()
    errors = [line for line in lines if "error" in line.lower()]
    assert len(errors) == 1 and lines[-1] == errors[0], result.stderr
    assert errors[0].startswith("error: "), errors[0]
    assert "Traceback" not in result.output
    return errors[0]


def _counts_add_up(out: Path) -> dict:
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["input_rows"] == summary["assigned"] + summary["rejected"]
    return summary


def _csv(path: Path, titles: list[str], encoding: str = "utf-8") -> Path:
    text = "offer_id,title,price\n" + "".join(f"{i},{t},{i + 1}\n" for i, t in enumerate(titles))
    path.write_bytes(text.encode(encoding))
    return path


# --- version, help, usage errors ------------------------------------------------------------------
def test_version_prints_samesku_and_the_version_and_exits_0() -> None:
    r = subprocess.run([sys.executable, "-m", "samesku", "--version"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"samesku {samesku.__version__}"


def test_help_documents_the_exit_codes() -> None:
    result = _run("--help")
    assert result.exit_code == 0
    assert "Exit codes" in result.output and "usage error" in result.output


def test_unknown_option_is_a_usage_error_exit_2(tmp_path: Path) -> None:
    result = _run("cluster", _csv(tmp_path / "a.csv", ["A"]), "--bogus")
    assert result.exit_code == 2
    assert "No such option" in result.output and "Traceback" not in result.output


def test_cluster_without_out_or_dry_run_exits_2(tmp_path: Path) -> None:
    result = _run("cluster", _csv(tmp_path / "a.csv", ["A"]))
    assert result.exit_code == 2
    line = _error_line(result)
    assert "--out DIR" in line and "is required" in line and "--dry-run" in line


def test_unreadable_config_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "c.toml"
    bad.write_text("[blocking\nknn_k = ")
    for config in (bad, tmp_path / "missing.toml"):
        result = _run("cluster", _csv(tmp_path / "a.csv", ["A"]), "--config", config, "-o", tmp_path / "run")
        assert result.exit_code == 2
        assert "cannot read config" in _error_line(result)
    assert not (tmp_path / "run").exists()


def test_unknown_engine_and_encoding_exit_2(tmp_path: Path) -> None:
    path = _csv(tmp_path / "a.csv", ["A"])
    result = _run("cluster", path, "-o", tmp_path / "run", "--engine", "dask")
    assert result.exit_code == 2 and "--engine must be" in _error_line(result)
    result = _run("cluster", path, "-o", tmp_path / "run", "--encoding", "klingon")
    assert result.exit_code == 2 and "unknown encoding 'klingon'" in _error_line(result)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_map_naming_a_missing_column_exits_2_naming_the_columns_found(tmp_path: Path, fmt: str) -> None:
    rows = [{"offer_id": "1", "title": "apple iphone 8", "price": "3"}]
    path = tmp_path / f"a.{fmt}"
    if fmt == "csv":
        path.write_text("offer_id,title,price\n1,apple iphone 8,3\n")
    elif fmt == "jsonl":
        path.write_text(json.dumps(rows[0]) + "\n")
    else:
        pq.write_table(pa.Table.from_pylist(rows), path)
    for extra in (["--dry-run"], []):
        result = _run("cluster", path, "--map", "offer_id=nope", "-o", tmp_path / "run", *extra)
        assert result.exit_code == 2
        line = _error_line(result)
        assert "--map offer_id=nope" in line and "'nope'" in line
        assert "Columns found: 'offer_id', 'title', 'price'" in line
        if extra:
            assert not (tmp_path / "run").exists()


def test_missing_required_column_exits_2_suggesting_map(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("product_id,name\n1,a\n")
    result = _run("cluster", path, "-o", tmp_path / "run")
    assert result.exit_code == 2
    assert "--map title=<column>" in _error_line(result)


def test_malformed_map_item_exits_2(tmp_path: Path) -> None:
    result = _run("cluster", _csv(tmp_path / "a.csv", ["A"]), "--map", "title", "-o", tmp_path / "run")
    assert result.exit_code == 2
    assert "bad column mapping 'title'" in _error_line(result)


# --- inputs that cannot be read: exit 1 --------------------------------------------------------------
def test_missing_input_exits_1(tmp_path: Path) -> None:
    result = _run("cluster", tmp_path / "nope.csv", "-o", tmp_path / "run")
    assert result.exit_code == 1
    assert "input not found" in _error_line(result)


def test_folder_without_input_files_exits_1(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "book.xlsx").write_bytes(b"PK\x03\x04")
    result = _run("cluster", tmp_path / "d", "-o", tmp_path / "run")
    assert result.exit_code == 1
    line = _error_line(result)
    assert "holds no input file" in line and "book.xlsx" in line


@pytest.mark.parametrize(
    ("name", "content", "looks_like"),
    [
        ("book.xlsx", b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4, "ZIP archive"),
        ("garbage.txt", bytes((i * 7919 + 13) % 256 for i in range(5000)), "binary data"),
    ],
)
def test_file_of_unknown_format_exits_1(tmp_path: Path, name: str, content: bytes, looks_like: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = _run("cluster", path, "-o", tmp_path / "run")
    assert result.exit_code == 1
    line = _error_line(result)
    assert "not a CSV, JSON Lines or Parquet file" in line and looks_like in line


@pytest.mark.parametrize(("titles", "encoding", "suggested"),
                         [(KOREAN, "cp949", "cp949"), (KOREAN, "euc-kr", "cp949"), (GERMAN, "latin-1", "cp1252")])
def test_non_utf8_csv_exits_1_suggesting_encoding(tmp_path: Path, titles: list[str], encoding: str,
                                                  suggested: str) -> None:
    path = _csv(tmp_path / "a.csv", titles, encoding)
    result = _run("cluster", path, "-o", tmp_path / "run")
    assert result.exit_code == 1
    line = _error_line(result)
    assert "is not UTF-8" in line and f"--encoding {suggested}" in line


# --- runs that happen ------------------------------------------------------------------------------
@pytest.mark.parametrize(("titles", "encoding", "declared"),
                         [(KOREAN, "cp949", "cp949"), (KOREAN, "euc-kr", "euc-kr"), (GERMAN, "latin-1", "latin-1")])
def test_non_utf8_csv_with_encoding_runs_and_counts_add_up(tmp_path: Path, titles: list[str], encoding: str,
                                                           declared: str) -> None:
    path = _csv(tmp_path / "a.csv", titles, encoding)
    result = _run("cluster", path, "-o", tmp_path / "run", "--encoding", declared, "--quiet")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    summary = _counts_add_up(tmp_path / "run")
    assert summary["assigned"] == len(titles)
    got = pq.read_table(tmp_path / "run" / "offers.parquet").column("title").to_pylist()
    assert sorted(got) == sorted(titles)


def test_declaring_utf8_runs_a_non_utf8_file_rejecting_its_bad_rows(tmp_path: Path) -> None:
    path = _csv(tmp_path / "a.csv", GERMAN + ["Milch 1 l", "Tee 20 Beutel"], "latin-1")
    result = _run("cluster", path, "-o", tmp_path / "run", "--encoding", "utf-8", "--quiet")
    assert result.exit_code == 0, result.output
    summary = _counts_add_up(tmp_path / "run")
    assert summary["rejected_by_reason"] == {"invalid_utf8": 3}
    assert summary["assigned"] == 3


def test_parquet_with_unexpected_column_types_runs_and_counts_add_up(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    table = pa.table({
        "offer_id": pa.array([1.0, 2.0, 3.0, None, 5.0]),
        "title": pa.array([101, 102, 103, 104, 105]),
        "price": ["1,50 €", "abc", None, "7", "8"],
        "tags": pa.array([["a"], [], None, ["b"], ["c"]]),
        "spec": pa.array([{"ram": 8}, {"ram": None}, None, {"ram": 1}, {"ram": 2}]),
        "blob": pa.array([b"ok", b"\xff", None, None, b"x"]),
    })
    pq.write_table(table, path)
    result = _run("cluster", path, "-o", tmp_path / "run", "--quiet")
    assert result.exit_code == 0, result.output
    summary = _counts_add_up(tmp_path / "run")
    assert summary["input_rows"] == 5
    assert summary["rejected_by_reason"] == {"empty_offer_id": 1, "invalid_utf8": 1}


def test_unexpected_exception_is_one_line_exit_1_without_traceback(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import samesku.pipeline

    def boom(*args: object, **kwargs: object) -> dict:
        raise ValueError("something broke\non two lines")

    monkeypatch.setattr(samesku.pipeline, "cluster", boom)
    result = _run("cluster", _csv(tmp_path / "a.csv", ["A"]), "-o", tmp_path / "run", "--quiet")
    assert result.exit_code == 1
    line = _error_line(result)
    assert line == "error: ValueError: something broke on two lines (run with --debug for the traceback)"


def test_debug_flag_prints_the_traceback(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "samesku", "--debug", "cluster", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "r"),
           "--quiet"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 1
    assert "Traceback" in r.stderr and "InputError" in r.stderr and "input not found" in r.stderr
    r = subprocess.run([c for c in cmd if c != "--debug"], capture_output=True, text=True)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == [f"error: input not found: {tmp_path / 'nope.csv'}"]


# --- --dry-run -------------------------------------------------------------------------------------
def test_dry_run_prints_mapping_counts_and_first_rejected_rows_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("sku,name,price,colour,flags\n1,Phone A,3,red,x\n2,,4,blue,y\n1,Dup,5,red,z\n3,Phone B,6,black,w\n")
    out = tmp_path / "run"
    result = _run("cluster", path, "--map", "offer_id=sku", "--map", "title=name", "--out", out, "--dry-run")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "nothing written" in text
    assert "offer_id <- sku" in text and "title    <- name" in text and "price    <- price" in text
    assert "passthrough: colour, flags (as flags_input)" in text
    assert "rows: 4 input = 2 valid + 2 rejected (duplicate_offer_id 1, empty_title 1)" in text
    assert "_row 1  empty_title  offer_id='2'" in text and "_row 2  duplicate_offer_id  offer_id='1'" in text
    assert not out.exists()
    assert result.stderr == ""


def test_dry_run_needs_no_out_and_reads_with_the_declared_encoding(tmp_path: Path) -> None:
    path = _csv(tmp_path / "a.csv", KOREAN, "cp949")
    result = _run("cluster", path, "--dry-run")
    assert result.exit_code == 1 and "--encoding cp949" in _error_line(result)
    result = _run("cluster", path, "--dry-run", "--encoding", "cp949")
    assert result.exit_code == 0, result.output
    assert f"rows: {len(KOREAN)} input = {len(KOREAN)} valid + 0 rejected" in result.stdout
    assert list(tmp_path.iterdir()) == [path]


def test_dry_run_of_a_header_only_file_says_no_offers(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("offer_id,title\n")
    result = _run("cluster", path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "rows: 0 input = 0 valid + 0 rejected" in result.stdout and "no offers" in result.stdout


# --- empty inputs: an empty run (the pipeline after the reader must handle zero offers) ---------------
@pytest.mark.parametrize("content", ["", "offer_id,title,price\n"], ids=["zero-bytes", "header-only"])
def test_empty_input_runs_says_no_offers_and_exits_0(tmp_path: Path, content: str) -> None:
    path = tmp_path / "a.csv"
    path.write_text(content)
    result = _run("cluster", path, "-o", tmp_path / "run")
    assert result.exit_code == 0, result.output
    assert "no offers" in result.output
    summary = _counts_add_up(tmp_path / "run")
    assert summary["input_rows"] == 0


def test_synth_progress_counts_up_to_the_offers_asked_for_never_past(tmp_path: Path) -> None:
    import re

    res = CliRunner().invoke(app, ["synth", "--offers", "70000", "--out", str(tmp_path / "c.parquet")])
    assert res.exit_code == 0, res.output
    done = [(int(a), int(b)) for a, b in re.findall(r"(\d+)/(\d+)", res.output)]
    assert done and all(a <= b == 70000 for a, b in done) and done[-1][0] == 70000
