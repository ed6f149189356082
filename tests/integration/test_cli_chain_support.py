"""Helpers for the chain tests: wallets on disk, a funded subnet on the real node, and CLI runs against it.

Holds no tests. Setup goes through the chain client in-process (fast); the commands under test run as
real `taocli` subprocesses with `--json`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chain.balance import Balance
from chain.client import Subtensor
from tests.integration.node_fixtures import NodeProcess
from tests.integration.test_cli_support import Result, run_cli
from wallet.keypair import Keypair
from wallet.mnemonic import generate_mnemonic
from wallet.wallet import Wallet

ALICE = Keypair.from_uri("//Alice")


@dataclass
class ChainWallet:
    name: str
    coldkey: Keypair
    hotkey: Keypair

    @property
    def cold(self) -> str:
        return self.coldkey.ss58_address

    @property
    def hot(self) -> str:
        return self.hotkey.ss58_address


def make_wallet(root: Path, name: str, coldkey: Keypair | None = None) -> ChainWallet:
    """A plaintext wallet (no argon2) with hotkey 'default', written by the wallet library."""
    cold = coldkey or Keypair.from_mnemonic(generate_mnemonic(12))
    hot = Keypair.from_mnemonic(generate_mnemonic(12))
    w = Wallet(name, "default", str(root))
    w.set_coldkey(cold, password=None)
    w.set_hotkey(hot)
    return ChainWallet(name, cold, hot)


def fund(client: Subtensor, address: str, tao: int) -> None:
    client.execute(client.balances.prepare_transfer(ALICE.ss58_address, address, Balance.from_tao(tao)), ALICE)


class ChainCli:
    """Runs taocli against one node with one wallet dir and an isolated HOME / metadata cache."""

    def __init__(self, node: NodeProcess, home: Path) -> None:
        self.node = node
        self.home = home
        self.wallets = home / "wallets"
        self.env = {"TAOCLI_CACHE_DIR": str(home / "cache")}

    def run(self, *args: str, wallet: str | None = None, hotkey: str | None = None, yes: bool = True,
            json_out: bool = True, network: str | None = None) -> Result:
        argv = [*args, "-n", network or self.node.url]
        if wallet is not None:
            argv += ["-w", wallet, "-p", str(self.wallets)]
        if hotkey is not None:
            argv += ["-H", hotkey]
        if yes:
            argv.append("-y")
        if json_out:
            argv.append("--json")
        return run_cli(argv, self.home, env=self.env)

    def ok(self, *args: str, **kwargs: Any) -> Any:
        res = self.run(*args, **kwargs)
        assert res.code == 0, f"rc={res.code}\nstdout={res.stdout}\nstderr={res.stderr}"
        assert "Traceback" not in res.stderr, res.stderr
        return res.json() if kwargs.get("json_out", True) else res

    def fails(self, *args: str, **kwargs: Any) -> str:
        """Run a command that must fail; returns its single error line."""
        res = self.run(*args, **kwargs)
        assert res.code != 0, f"expected failure\nstdout={res.stdout}\nstderr={res.stderr}"
        return res.one_error_line()
