"""The README's examples run as written: the Python API example and the shell commands it shows."""

from __future__ import annotations

import os
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_the_readme_python_example_runs_and_writes_a_run_directory(tmp_path, capsys):
    blocks = _blocks("python")
    assert len(blocks) == 1
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(compile(blocks[0], "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out
    assert "cluster_id" in out and "clusters" in out
    assert (tmp_path / "my_run" / "report.html").exists() and (tmp_path / "my_run" / "assignments.parquet").exists()


def test_the_readme_is_short_and_starts_with_the_two_commands():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 150
    first = _blocks("bash")[0]
    assert "make demo" in first and "make test" in first
