"""The default model shipped in the package is exactly what `make model` trains (synthetic data only)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_default_model_is_reproduced_byte_for_byte_by_the_training_script(tmp_path):
    out = tmp_path / "default_model.json"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "train_default_model.py"), "--out", str(out)],
                   check=True, capture_output=True, cwd=ROOT)
    shipped = ROOT / "src" / "samesku" / "match" / "default_model.json"
    assert out.read_bytes() == shipped.read_bytes(), (
        "src/samesku/match/default_model.json is stale: run `make model` and commit it"
    )
