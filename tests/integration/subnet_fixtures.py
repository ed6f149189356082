"""A real subnet for neuron tests: wallets on disk, a node with a short tempo, neurons registered and staked.

Coldkeys are prefunded by the genesis file (no faucet round trips); the owner creates the subnet, drops
the weights rate limit to `rate_limit`, and every role's hotkey is registered by burning; the validator
stakes. Everything goes through the real chain client against the real node process.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from chain.balance import Balance
from chain.client import Subtensor
from tests.integration.node_fixtures import NodeProcess
from wallet.keypair import Keypair
from wallet.wallet import Wallet


@dataclass
class LocalSubnet:
    node: NodeProcess
    netuid: int
    wallet_path: Path
    hotkeys: dict[str, str] = field(default_factory=dict)  # wallet name -> hotkey ss58
    uids: dict[str, int] = field(default_factory=dict)

    def client(self) -> Subtensor:
        return Subtensor(self.node.url)


def make_wallet(path: Path, name: str) -> tuple[Keypair, Keypair]:
    """An unencrypted coldkey and a 'default' hotkey on disk (fresh random seeds)."""
    cold = Keypair.from_seed(secrets.token_bytes(32))
    hot = Keypair.from_seed(secrets.token_bytes(32))
    w = Wallet(name, "default", str(path))
    w.set_coldkey(cold, password=None)
    w.set_hotkey(hot)
    return cold, hot


def start_node(root: Path, names: list[str], *flags: str, tempo: int = 10, tao: int = 1000) -> tuple[
        NodeProcess, dict[str, tuple[Keypair, Keypair]]]:
    """Wallets for `names` (+ 'owner') and a node whose genesis funds their coldkeys."""
    wallet_path = root / "wallets"
    keys = {name: make_wallet(wallet_path, name) for name in ["owner", *names]}
    balances = "\n".join(f'"{cold.ss58_address}" = {tao}' for cold, _ in keys.values())
    genesis = root / "genesis.toml"
    genesis.write_text(f"[subtensor]\ntempo = {tempo}\n\n[balances]\n{balances}\n", encoding="utf-8")
    node = NodeProcess(root / "chain", *(flags or ("--instant",)), "--genesis", str(genesis)).start()
    return node, keys


def build_subnet(node: NodeProcess, wallet_path: Path, keys: dict[str, tuple[Keypair, Keypair]],
                 registered: list[str], *, stake: dict[str, int] | None = None, rate_limit: int = 0) -> LocalSubnet:
    """Create a subnet (owner), set its weights rate limit, register `registered` in order, add `stake` (TAO)."""
    with Subtensor(node.url) as client:
        owner = keys["owner"][0]
        receipt = client.execute(client.prepare_register_network(owner.ss58_address), owner)
        added = receipt.find("SubtensorModule", "NetworkAdded")
        attrs = added.attributes
        netuid = int(attrs[0] if isinstance(attrs, (list, tuple)) else next(iter(attrs.values())))
        client.execute(client.prepare_sudo_set(owner.ss58_address, netuid, "weights_rate_limit", rate_limit), owner)
        # The default cap (MaxWeightsLimit 1000/65535 ≈ 1.5 %) is below 1/n for a few neurons, which turns every
        # weight vector into uniform weights (the SDK's rule as ours): lift it so scores decide incentive.
        client.execute(client.prepare_sudo_set(owner.ss58_address, netuid, "max_weights_limit", 65535), owner)
        alice = Keypair.from_uri("//Alice")  # the dev chain's sudo key: room for every registration at once
        client.execute(client.prepare_sudo_set(alice.ss58_address, netuid, "target_regs_per_interval", 32), alice)
        subnet = LocalSubnet(node, netuid, wallet_path)
        for name in registered:
            cold, hot = keys[name]
            client.execute(client.prepare_burned_register(cold.ss58_address, netuid, hot.ss58_address), cold)
            subnet.hotkeys[name] = hot.ss58_address
            subnet.uids[name] = int(client.uid_of(netuid, hot.ss58_address))
        for name, tao in (stake or {}).items():
            cold, hot = keys[name]
            client.execute(client.prepare_add_stake(cold.ss58_address, hot.ss58_address, Balance.from_tao(str(tao))),
                           cold)
    return subnet


def seal_until_epoch(subnet: LocalSubnet, limit: int = 60) -> int:
    """Seal blocks on an --instant node until the subnet's epoch runs (plus one for its payout)."""
    with Subtensor(subnet.node.url) as client:
        for _ in range(limit):
            subnet.node.result("dev_newBlock", [{"count": 1}])
            info = client.subnet(subnet.netuid)
            if info is not None and info.blocks_since_last_step == 0:
                subnet.node.result("dev_newBlock", [{"count": 1}])
                return client.block_number()
    raise AssertionError(f"no epoch on subnet {subnet.netuid} within {limit} blocks")
