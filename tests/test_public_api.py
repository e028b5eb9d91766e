"""The public API is small and pinned; config loads from TOML and rejects unknown keys."""

from __future__ import annotations

import inspect

import pytest

import samesku
from samesku.config import Config
from samesku.errors import ConfigError


def test_public_api_is_pinned():
    assert sorted(samesku.__all__) == sorted(
        ["Config", "MatchModel", "RunResult", "SameskuError", "analyse", "cluster", "evaluate", "__version__"]
    )
    for name in samesku.__all__:
        assert getattr(samesku, name) is not None


def test_cluster_takes_offers_and_keyword_options_and_returns_a_run_result():
    params = inspect.signature(samesku.cluster).parameters
    assert list(params) == ["offers", "config", "mapping", "model", "engine", "options"]
    assert all(params[p].kind is inspect.Parameter.KEYWORD_ONLY for p in ("config", "mapping", "model", "engine"))
    assert params["engine"].default == "local"
    for name in ("assignments", "clusters", "edges", "rejected", "offers", "summary", "write", "close"):
        assert hasattr(samesku.RunResult, name) or name == "summary"


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
