"""The chain client against nodes that lie, chatter or send junk (issue 14, items 1, 4 and 10).

Each hostile node is a small WebSocket server in this process (`hostile_server.py`); the honest nodes are the
real `python -m localnet` processes, and the commands are real `taocli` subprocesses.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chain.balance import Balance
from chain.client import Subtensor
from chain.errors import ChainError, NodeUnreachable
from chain.rpc import RpcConnection
from tests.integration.hostile_server import HostileServer, proxy_to
from tests.integration.node_fixtures import NodeProcess
from tests.integration.test_cli_chain_support import ALICE
from tests.integration.test_cli_support import plaintext_wallet, run_cli
from wallet.keypair import Keypair

pytestmark = pytest.mark.slow

BOB = Keypair.from_uri("//Bob")
# Another chain running other code: Balances and SubtensorModule at other call indices, same spec version.
OTHER_GENESIS = 'chain_name = "Elsewhere"\n[runtime]\npallet_indices = { SubtensorModule = 21, Balances = 14 }\n'


@pytest.fixture(scope="module")
def two_nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[NodeProcess, NodeProcess]]:
    root = tmp_path_factory.mktemp("two-chains")
    (root / "genesis.toml").write_text(OTHER_GENESIS)
    honest = NodeProcess(root / "honest").start()
    other = NodeProcess(root / "other", "--instant", "--genesis", str(root / "genesis.toml"))
    try:
        other.start()
        yield honest, other
    finally:
        other.stop()
        honest.stop()


def test_a_node_claiming_another_chains_identity_cannot_poison_its_metadata(
        two_nodes: tuple[NodeProcess, NodeProcess], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy in front of the other chain claims the honest chain's genesis hash (and the same spec version).
    Before: one connection through it wrote the honest chain's cache entry with the other chain's metadata,
    and every later transfer to the honest chain was composed with the wrong call indices and failed."""
    honest, other = two_nodes
    monkeypatch.setenv("TAOCLI_CACHE_DIR", str(tmp_path / "cache"))
    honest_genesis = honest.result("chain_getBlockHash", [0])
    # (Moving pallets changes no genesis storage, so here the two chains even share a genesis hash honestly;
    # the proxy's lie makes the test independent of that.)

    def lie(request: dict[str, Any], reply: dict[str, Any]) -> dict[str, Any]:
        if request["method"] == "chain_getBlockHash" and request.get("params") in ([0], ["0x0"]):
            reply["result"] = honest_genesis
        return reply

    with HostileServer(proxy_to(other.url, lie)) as liar, Subtensor(liar.url) as fooled:
        assert fooled.genesis_hash() == honest_genesis  # the lie is told
        assert fooled.substrate is not None  # connecting writes a cache entry
    assert list((tmp_path / "cache").iterdir())
    with Subtensor(honest.url) as client:
        prepared = client.prepare_transfer(ALICE.ss58_address, BOB.ss58_address, Balance.from_tao(1))
        receipt = client.execute(prepared, ALICE)
        assert receipt.find("Balances", "Transfer") is not None
    # and the other chain's own entry still serves the other chain
    with Subtensor(other.url) as client:
        assert client.substrate is not None and client.timings.metadata_cached
        assert client.call_args("Balances", "transfer_keep_alive") == ["dest", "value"]


def test_metadata_cache_holds_raw_bytes_and_a_tampered_file_is_a_miss(
        two_nodes: tuple[NodeProcess, NodeProcess], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    honest, _ = two_nodes
    monkeypatch.setenv("TAOCLI_CACHE_DIR", str(tmp_path / "cache"))
    with Subtensor(honest.url) as client:
        assert client.substrate is not None
    (path,) = (tmp_path / "cache").iterdir()
    blob = path.read_bytes()
    raw = bytes.fromhex(honest.result("state_getMetadata")[2:])
    assert blob.endswith(raw) and b"pickle" not in blob and blob[:1] != b"\x80"  # no pickle protocol header
    path.write_bytes(blob[:-1] + bytes([blob[-1] ^ 1]))
    with Subtensor(honest.url) as client:
        assert client.substrate is not None and not client.timings.metadata_cached
    assert path.read_bytes() == blob  # rewritten from the node


def test_a_chatty_node_cannot_make_a_call_wait_forever() -> None:
    """The node never answers but sends a notification every 50 ms. Before: the 1 s timeout restarted on every
    message, so the call never returned."""
    with HostileServer(lambda request: None, chatter=0.05) as chatty:
        rpc = RpcConnection(chatty.url, timeout=1.0)
        t0 = time.monotonic()
        with pytest.raises(NodeUnreachable, match=r"no answer to system_health within 1 s"):
            rpc.call("system_health")
        assert time.monotonic() - t0 < 3
        rpc.close()


def test_wallet_balance_against_a_chatty_node_returns(tmp_path: Path) -> None:
    wallets = plaintext_wallet(tmp_path)
    with HostileServer(lambda request: None, chatter=0.05) as chatty:
        t0 = time.monotonic()
        res = run_cli(["wallet", "balance", "-p", str(wallets), "-w", "alice", "-n", chatty.url], tmp_path,
                      timeout=60)
        took = time.monotonic() - t0
    assert res.code != 0 and "Traceback" not in res.stderr
    assert f"cannot reach the chain at {chatty.url} (no answer to" in res.stderr, res.stderr
    assert took < 30


def test_a_junk_reply_names_the_node_not_a_bug(tmp_path: Path) -> None:
    wallets = plaintext_wallet(tmp_path)
    with HostileServer(lambda request: "<html>502 Bad Gateway</html>") as junk:
        res = run_cli(["wallet", "balance", "-p", str(wallets), "-w", "alice", "-n", junk.url], tmp_path)
    assert res.code != 0 and "Traceback" not in res.stderr
    assert "unexpected" not in res.stderr and "please report" not in res.stderr, res.stderr
    assert f"the node at {junk.url} sent a malformed reply" in res.stderr, res.stderr


def test_a_remote_url_is_not_told_to_start_the_local_chain() -> None:
    for url in ("ws://localhost.example.com:9944", "wss://node.127.0.0.1.example.org", "ws://10.1.2.3:9944"):
        text = str(NodeUnreachable(url, "refused"))
        assert "localnet start" not in text and "check the URL" in text, text
    for url in ("ws://127.0.0.1:9944", "ws://localhost:9945", "ws://[::1]:9944"):
        assert "taocli localnet start" in str(NodeUnreachable(url)), url
    assert issubclass(NodeUnreachable, ChainError)
