"""`kill -9` at any moment loses nothing: the node restarts at the last complete block, same balances."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest
from substrateinterface import Keypair, SubstrateInterface

from tests.integration.node_fixtures import ROOT, NodeProcess, fresh_node  # noqa: F401 - fixture

pytestmark = pytest.mark.slow

ALICE = Keypair.create_from_uri("//Alice")
BOB = Keypair.create_from_uri("//Bob")


def _snapshot(node: NodeProcess) -> tuple[str, str, str, str]:
    head = node.result("chain_getHeader")
    client = SubstrateInterface(url=node.url)
    try:
        alice = client.query("System", "Account", [ALICE.ss58_address]).value
        bob = client.query("System", "Account", [BOB.ss58_address]).value
    finally:
        client.close()
    return head["number"], head["stateRoot"], repr(alice), repr(bob)


def test_kill9_while_sealing_restarts_at_the_last_complete_block(fresh_node: NodeProcess):  # noqa: F811
    fresh_node.flags = ["--block-time", "0.02"]  # blocks as fast as they can be sealed
    fresh_node.start()
    client = SubstrateInterface(url=fresh_node.url)
    call = client.compose_call("Balances", "transfer_keep_alive", {"dest": BOB.ss58_address, "value": 10**6})
    stop = threading.Event()

    def spam() -> None:
        nonce = client.get_account_nonce(ALICE.ss58_address)
        while not stop.is_set():
            try:
                xt = client.create_signed_extrinsic(call=call, keypair=ALICE, nonce=nonce)
                client.submit_extrinsic(xt)
                nonce += 1
            except Exception:
                return

    worker = threading.Thread(target=spam, daemon=True)
    worker.start()
    time.sleep(1.5)
    fresh_node.kill9()  # mid-stream: blocks being sealed, transactions arriving
    stop.set()
    worker.join(5)
    client.close()
    fresh_node.flags = ["--instant"]  # restart without producing new blocks
    fresh_node.start()
    first = _snapshot(fresh_node)
    best = int(first[0], 16)
    assert best > 3
    # the state is exactly what the stored blocks say: every transfer in them applied, nothing half-done
    included = sum(len(fresh_node.result("chain_getBlock", [fresh_node.result("chain_getBlockHash", [n])])
                       ["block"]["extrinsics"]) - 1 for n in range(1, best + 1))
    assert included > 0
    client = SubstrateInterface(url=fresh_node.url)
    try:
        assert client.get_account_nonce(ALICE.ss58_address) == included
        bob = client.query("System", "Account", [BOB.ss58_address]).value["data"]["free"]
        assert bob == 1_000_000 * 10**9 + included * 10**6
    finally:
        client.close()
    fresh_node.stop()
    fresh_node.start()
    assert _snapshot(fresh_node) == first
    # the restarted chain keeps working
    client = SubstrateInterface(url=fresh_node.url)
    try:
        xt = client.create_signed_extrinsic(call=call, keypair=ALICE)
        assert client.submit_extrinsic(xt, wait_for_inclusion=True).is_success
    finally:
        client.close()


def test_starting_twice_on_one_port_is_one_clear_line(fresh_node: NodeProcess, tmp_path):  # noqa: F811
    fresh_node.start()
    second = subprocess.run(
        [sys.executable, "-m", "localnet", "--data-dir", str(tmp_path / "other"), "--port", str(fresh_node.port),
         "--instant"], capture_output=True, text=True, timeout=30, cwd=ROOT,
    )
    assert second.returncode == 2
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("localnet: error: port")
    assert "already in use" in lines[0] and "Traceback" not in second.stderr
    assert fresh_node.result("system_health")["peers"] == 0  # the first node is untouched
