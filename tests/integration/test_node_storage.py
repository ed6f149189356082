"""The node's data dir under bad luck (issue 14, items 5, 6, 7, 10): a second node on it, a flipped bit, a
truncated or damaged database, a disk that stops accepting writes. Each test drives `python -m localnet`."""

from __future__ import annotations

import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from substrateinterface import Keypair as SubKeypair

from chain.balance import Balance
from chain.client import Subtensor
from chain.errors import TransactionRejected
from tests.integration.node_fixtures import ROOT, NodeProcess, free_port
from tests.integration.test_cli_chain_support import ALICE
from wallet.keypair import Keypair

pytestmark = pytest.mark.slow

BOB = Keypair.from_uri("//Bob")


def _start(data_dir: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    """A node start that is expected to be refused at once (exit 2, one line on stderr)."""
    return subprocess.run([sys.executable, "-m", "localnet", "--data-dir", str(data_dir), "--port",
                           str(free_port()), "--instant", *flags], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)


def _one_line_refusal(res: subprocess.CompletedProcess[str]) -> str:
    assert res.returncode == 2, (res.returncode, res.stdout, res.stderr)
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in res.stderr, res.stderr
    return lines[0]


def test_a_second_node_on_the_same_data_dir_is_refused_naming_the_pid(tmp_path: Path) -> None:
    node = NodeProcess(tmp_path / "d").start()
    try:
        pid_file = (tmp_path / "d" / "node.pid").read_text()
        line = _one_line_refusal(_start(tmp_path / "d"))
        assert node.proc is not None and f"in use by another localnet (pid {node.proc.pid})" in line, line
        assert "taocli localnet stop --data-dir" in line
        assert (tmp_path / "d" / "node.pid").read_text() == pid_file  # not overwritten
        assert node.result("system_health") is not None
    finally:
        node.stop()


def _a_chain_with_a_transfer(data_dir: Path) -> str:
    node = NodeProcess(data_dir).start()
    try:
        with Subtensor(node.url, metadata_cache=False) as client:
            client.execute(client.prepare_transfer(ALICE.ss58_address, BOB.ss58_address, Balance.from_tao(3)), ALICE)
        return node.result("chain_getHeader")["number"]
    finally:
        node.stop()


def test_a_flipped_bit_in_the_stored_state_is_refused_at_start(tmp_path: Path) -> None:
    data = tmp_path / "d"
    _a_chain_with_a_transfer(data)
    db = sqlite3.connect(data / "chain.sqlite")
    with db:
        key, block, value = db.execute("SELECT key, block, value FROM state WHERE length(value) >= 48 "
                                       "ORDER BY block DESC LIMIT 1").fetchone()
        flipped = bytearray(value)
        flipped[20] ^= 0x01  # one bit of a stored balance
        db.execute("UPDATE state SET value = ? WHERE key = ? AND block = ?", (bytes(flipped), key, block))
    db.close()
    line = _one_line_refusal(_start(data))
    assert f"{data / 'chain.sqlite'} fails its start-up check" in line, line
    assert line.index("backup") < line.index(f"taocli localnet reset --data-dir {data}"), line


def test_a_zero_length_database_is_not_a_fresh_chain(tmp_path: Path) -> None:
    data = tmp_path / "d"
    _a_chain_with_a_transfer(data)
    for name in ("chain.sqlite-wal", "chain.sqlite-shm"):
        (data / name).unlink(missing_ok=True)
    (data / "chain.sqlite").write_bytes(b"")
    line = _one_line_refusal(_start(data))
    assert f"{data / 'chain.sqlite'} is empty (0 bytes)" in line, line
    assert (data / "chain.sqlite").stat().st_size == 0  # nothing was written over it


def test_a_damaged_database_gets_advice_with_the_full_command_restore_first(tmp_path: Path) -> None:
    data = tmp_path / "d"
    _a_chain_with_a_transfer(data)
    for name in ("chain.sqlite-wal", "chain.sqlite-shm"):
        (data / name).unlink(missing_ok=True)
    with open(data / "chain.sqlite", "r+b") as fh:
        fh.write(b"this is not SQLite at all")
    line = _one_line_refusal(_start(data))
    assert "is damaged" in line and "`localnet reset`" not in line, line
    assert line.index("backup") < line.index(f"`taocli localnet reset --data-dir {data}`"), line


def test_a_failed_first_start_leaves_no_empty_database(tmp_path: Path) -> None:
    data = tmp_path / "d"
    with __import__("socket").socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        res = subprocess.run([sys.executable, "-m", "localnet", "--data-dir", str(data), "--port",
                              str(taken.getsockname()[1]), "--instant"], cwd=ROOT, capture_output=True, text=True,
                             timeout=60)
    assert res.returncode == 2 and "already in use" in res.stderr
    assert not (data / "chain.sqlite").exists()


def test_a_full_disk_is_reported_as_such_and_bans_nothing(tmp_path: Path) -> None:
    """Writes beyond 1 byte fail (RLIMIT_FSIZE, SIGXFSZ ignored) while a transfer waits. Before: the waiting
    transaction was dropped and banned for 30 minutes and clients read 1016 / 1012 "temporarily banned"."""
    node = NodeProcess(tmp_path / "d").start()
    assert node.proc is not None
    pid = node.proc.pid
    soft, hard = resource.prlimit(pid, resource.RLIMIT_FSIZE)
    try:
        with Subtensor(node.url, metadata_cache=False) as client:
            client.execute(client.prepare_transfer(ALICE.ss58_address, BOB.ss58_address, Balance.from_tao(1)),
                           ALICE)
            substrate = client.substrate
            call = substrate.compose_call("Balances", "transfer_keep_alive",
                                          {"dest": BOB.ss58_address, "value": 7 * 10**9})
            waiting = substrate.create_signed_extrinsic(call=call, keypair=SubKeypair.create_from_uri("//Alice"))
            resource.prlimit(pid, resource.RLIMIT_FSIZE, (1, hard))
            accepted = node.result("author_submitExtrinsic", [str(waiting.data)])
            time.sleep(1.5)  # the author tries (and fails) to write the block
            refused = node.rpc("author_submitExtrinsic", [str(waiting.data)])
            assert "1012" not in str(refused) and "banned" not in str(refused).lower(), refused
            assert "cannot write its database" in refused["error"]["data"], refused
            second = client.prepare_transfer(ALICE.ss58_address, BOB.ss58_address, Balance.from_tao(2))
            with pytest.raises(TransactionRejected, match=r"cannot write its database .*chain\.sqlite"):
                client.execute(second, ALICE)
            before = client.balance(BOB.ss58_address)
            resource.prlimit(pid, resource.RLIMIT_FSIZE, (soft, hard))
            deadline = time.monotonic() + 10
            while client.balance(BOB.ss58_address) == before and time.monotonic() < deadline:
                time.sleep(0.1)
            assert client.balance(BOB.ss58_address) == before + Balance.from_tao(7)  # the waiting one landed
            block = node.result("chain_getBlock")["block"]
            assert accepted in [_hash(x) for x in block["extrinsics"]]
            client.execute(client.prepare_transfer(ALICE.ss58_address, BOB.ss58_address, Balance.from_tao(2)),
                           ALICE)
    finally:
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (soft, hard))
        log = node.log()
        node.stop()
    assert "cannot write block" in log and log.count("Traceback") == 0, log[-3000:]


def _hash(xt_hex: str) -> str:
    import hashlib

    return "0x" + hashlib.blake2b(bytes.fromhex(xt_hex[2:]), digest_size=32).hexdigest()
