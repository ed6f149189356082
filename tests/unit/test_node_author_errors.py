"""What `author_submitExtrinsic` answers when something goes wrong: the runtime's own code for a refused
extrinsic, and an internal error (logged) for a bug of the node, never a made-up "invalid format"."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from localnet.genesis import dev_genesis
from localnet.node import BlockMode, Node
from localnet.rpc import build_dispatcher
from localnet.rpc.dispatch import Session
from localnet.runtime.executive import Runtime
from localnet.store import Store


def _submit(node: Node, xt_hex: str) -> dict:
    reply = build_dispatcher(node).handle(json.dumps(
        {"jsonrpc": "2.0", "id": 1, "method": "author_submitExtrinsic", "params": [xt_hex]}), Session(None))
    assert isinstance(reply, str)
    return json.loads(reply)["error"]


@pytest.fixture
def node(tmp_path: Path) -> Node:
    return Node(Runtime(dev_genesis()), Store(tmp_path / "db"), BlockMode(instant=True))


def test_garbage_bytes_get_the_runtimes_invalid_transaction_code(node: Node) -> None:
    error = _submit(node, "0x28" + "ff" * 10)
    assert error["code"] == 1010 and "decode" in error["data"].lower()


def test_a_bug_of_the_node_is_an_internal_error_not_invalid_format(
        node: Node, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def broken(h: bytes) -> None:
        raise KeyError("pool index out of sync")

    monkeypatch.setattr(node.pool, "precheck", broken)
    with caplog.at_level(logging.ERROR, logger="localnet.rpc"):
        error = _submit(node, "0x28" + "ff" * 10)
    assert error == {"code": -32603, "message": "Internal error", "data": "KeyError: 'pool index out of sync'"}
    assert "pool index out of sync" in caplog.text  # logged with its traceback for whoever runs the node
