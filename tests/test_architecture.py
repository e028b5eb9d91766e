"""The architecture is pinned: stages import no engine, only the Spark engine imports pyspark,
the stage loop exists once, and engines only move data."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import samesku

PACKAGE = Path(samesku.__file__).parent
#: stage code: analysis, keys, matching, merging, reading, the per-batch tasks and the fit
STAGES = ("analyse", "keys", "match", "merge", "io", "synth", "tasks.py", "fitting.py", "metrics.py", "report.py")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


def _files(*parts: str) -> list[Path]:
    files: list[Path] = []
    for part in parts:
        p = PACKAGE / part
        files.extend(sorted(p.rglob("*.py")) if p.is_dir() else [p])
    return files


def test_stage_modules_import_no_engine():
    offenders = {str(f.relative_to(PACKAGE)): sorted(m for m in _imports(f) if m.startswith("samesku.engines"))
                 for f in _files(*STAGES)}
    assert {f: m for f, m in offenders.items() if m} == {}


def test_only_the_spark_engine_imports_pyspark():
    users = {str(f.relative_to(PACKAGE)) for f in PACKAGE.rglob("*.py") if any(m.split(".")[0] == "pyspark" for m in _imports(f))}
    assert users and all(u.startswith("engines/spark") for u in users)


def test_the_stage_loop_exists_once_outside_the_config():
    loops = []
    for f in PACKAGE.rglob("*.py"):
        if f.name == "config.py":
            continue
        for i, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if re.match(r"\s*for .+ in .*blocking\.stages", line):
                loops.append(f"{f.relative_to(PACKAGE)}:{i}")
    assert loops == [loops[0]] and loops[0].startswith("pipeline.py")


def test_an_engine_is_picked_by_name_in_one_place():
    picks = [str(f.relative_to(PACKAGE)) for f in PACKAGE.rglob("*.py")
             if re.search(r"engine\s*==\s*[\"'](local|spark)", f.read_text(encoding="utf-8"))]
    assert picks == ["pipeline.py"]


def test_engines_hold_no_stage_loop_fit_or_summary():
    for f in _files("engines"):
        text = f.read_text(encoding="utf-8")
        assert "blocking.stages" not in text, f
        for fit in ("fit_encoder", "TokenIdf.fit", "SellerStyle.fit", "check_sellers", "fit_codebooks", "summary.json"):
            assert fit not in text, (f, fit)
