"""`NodeConfig` is the one description of the node's options: argv out of it parses back to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from localnet.__main__ import parse
from localnet.process import LocalnetError, NodeConfig


@pytest.mark.parametrize("config", [
    NodeConfig(Path("/tmp/a"), "127.0.0.1", 9944),
    NodeConfig(Path("/tmp/b"), "0.0.0.0", 1234, instant=True, archive=True, genesis=Path("/tmp/g.toml")),
    NodeConfig(Path("/tmp/c"), "::1", 0, fast=True),
    NodeConfig(Path("/tmp/d"), "127.0.0.1", 9, block_time=0.5),
])
def test_argv_parses_back_to_the_same_config(config: NodeConfig) -> None:
    parsed, level = parse(config.argv())
    assert parsed == config and level == "INFO"


def test_block_interval_rules_live_in_the_config() -> None:
    assert NodeConfig().interval == 12.0
    assert NodeConfig(fast=True).interval == 0.25
    assert NodeConfig(instant=True).interval is None
    assert NodeConfig(block_time=3).interval == 3
    with pytest.raises(LocalnetError, match="choose one block mode"):
        NodeConfig(fast=True, instant=True).check()
    with pytest.raises(LocalnetError, match="out of range"):
        NodeConfig(block_time=0.001).check()
    with pytest.raises(LocalnetError, match="out of range"):
        NodeConfig(block_time=0).check()  # 0 is not "the default"
