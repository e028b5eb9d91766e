"""The public API is small and pinned; config loads from TOML and rejects unknown keys."""

from __future__ import annotations

import pytest

import samesku
from samesku.config import Config
from samesku.errors import ConfigError


def test_public_api_is_pinned():
    assert sorted(samesku.__all__) == sorted(
        ["Config", "MatchModel", "SameskuError", "analyse", "cluster", "evaluate", "__version__"]
    )
    for name in samesku.__all__:
        assert getattr(samesku, name) is not None


def test_config_loads_from_toml_and_keeps_defaults_for_missing_keys(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text('[blocking]\nstages = [["code"], ["embedding"]]\nknn_k = 5\n[merge]\nseller_constraint = "hard"\n')
    cfg = Config.from_toml(p).validate()
    assert cfg.blocking.stages == (("code",), ("embedding",))
    assert cfg.blocking.knn_k == 5
    assert cfg.merge.seller_constraint == "hard"
    assert cfg.match.threshold == Config().match.threshold


def test_config_rejects_unknown_keys_and_families(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text("[blocking]\nknn = 5\n")
    with pytest.raises(ConfigError, match="knn"):
        Config.from_toml(p)
    with pytest.raises(ConfigError, match="unknown key family"):
        Config.from_dict({"blocking": {"stages": [["nope"]]}}).validate()


def test_config_round_trips_through_dict():
    cfg = Config()
    assert Config.from_dict(cfg.to_dict()) == cfg
