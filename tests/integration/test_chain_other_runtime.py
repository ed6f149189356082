"""The same client against a second, differently-configured node: proof that it reads metadata.

The node runs a genesis whose `[runtime]` table moves five pallets (SubtensorModule 7 -> 21, Balances
5 -> 14, AdminUtils 18 -> 30, Sudo 12 -> 40, Timestamp 2 -> 3), raises the spec version and the existential
deposit, and whose `[subtensor]` table gives new subnets another tempo and burn. `chain.client.Subtensor`, the
`taocli ... --json` commands and the unmodified substrate-interface must all work unchanged, read back the
genesis values (not defaults) and still name module errors by pallet.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from substrateinterface import SubstrateInterface

from chain.balance import Balance
from chain.client import Subtensor
from chain.errors import ExtrinsicFailed
from chain.rpc import MethodNotFound, RpcConnection
from tests.integration.node_fixtures import ROOT, NodeProcess, free_port
from tests.integration.test_cli_chain_support import ALICE, ChainCli, ChainWallet, fund, make_wallet
from wallet.keypair import Keypair

pytestmark = pytest.mark.slow

INDICES = {"SubtensorModule": 21, "Balances": 14, "AdminUtils": 30, "Sudo": 40, "Timestamp": 3}
SPEC_VERSION = 321
ED = 1_000  # RAO; the built-in runtime's is 500
TEMPO = 7  # new subnets; built in: 360 (local) / 99 (2024 default)
BURN = 2_500_000_000  # new subnets; built in: 1 TAO
GENESIS = f"""chain_name = "Other Local"
[runtime]
spec_version = {SPEC_VERSION}
existential_deposit = {ED}
pallet_indices = {{ {", ".join(f"{name} = {index}" for name, index in INDICES.items())} }}
[subtensor]
tempo = {TEMPO}
burn = {BURN}
"""


@pytest.fixture(scope="module")
def other_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    root = tmp_path_factory.mktemp("other-runtime")
    (root / "genesis.toml").write_text(GENESIS)
    node = NodeProcess(root / "chain", "--instant", "--genesis", str(root / "genesis.toml")).start()
    yield node
    node.stop()


@pytest.fixture(scope="module")
def client(other_node: NodeProcess) -> Iterator[Subtensor]:
    with Subtensor(other_node.url, metadata_cache=False) as c:
        yield c


@pytest.fixture(scope="module")
def cli(other_node: NodeProcess, tmp_path_factory: pytest.TempPathFactory) -> ChainCli:
    return ChainCli(other_node, tmp_path_factory.mktemp("other-runtime-cli"))


@pytest.fixture(scope="module")
def stock(other_node: NodeProcess) -> Iterator[SubstrateInterface]:
    """substrate-interface as shipped: no type registry, no custom code of ours."""
    si = SubstrateInterface(url=other_node.url, ss58_format=42)
    si.init_runtime()
    yield si
    si.close()


@pytest.fixture(scope="module")
def owner(cli: ChainCli, client: Subtensor) -> ChainWallet:
    w = make_wallet(cli.wallets, "owner")
    fund(client, w.cold, 1_000)
    return w


@pytest.fixture
def netuid(client: Subtensor, owner: ChainWallet) -> int:
    """The owner's subnet: the one the CLI test created, or a new one when this test runs alone."""
    owned = [n for n in client.subnets.netuids() if n and client.subnets.subnet(n).owner == owner.cold]
    if owned:
        return owned[0]
    receipt = client.execute(client.subnets.prepare_register_network(owner.cold), owner.coldkey)
    return int(receipt.find("SubtensorModule", "NetworkAdded").attributes[0])


def test_the_node_runs_the_other_runtime(other_node: NodeProcess, stock: SubstrateInterface) -> None:
    assert other_node.result("state_getRuntimeVersion")["specVersion"] == SPEC_VERSION
    assert other_node.result("system_chain") == "Other Local"
    assert stock.runtime_version == SPEC_VERSION
    indices = {p.name: p.value["index"] for p in stock.metadata.pallets}
    assert {name: indices[name] for name in INDICES} == INDICES
    assert indices["System"] == 0 and "SubtensorModule" in indices
    assert stock.get_constant("Balances", "ExistentialDeposit").value == ED


def test_stock_compose_call_uses_the_new_indices(client: Subtensor, stock: SubstrateInterface) -> None:
    params = {"hotkey": ALICE.ss58_address, "amount_staked": 5}
    stock_call = stock.compose_call("SubtensorModule", "add_stake", params).data.to_hex()
    assert stock_call.startswith("0x1502")  # pallet 21, call 2
    assert client.compose("SubtensorModule", "add_stake", params).data.to_hex() == stock_call
    transfer = stock.compose_call("Balances", "transfer_keep_alive", {"dest": ALICE.ss58_address, "value": 1})
    assert transfer.data.to_hex().startswith("0x0e03")  # pallet 14, call 3
    inner = stock.compose_call("AdminUtils", "sudo_set_tempo", {"netuid": 1, "tempo": 5})
    assert stock.compose_call("Sudo", "sudo", {"call": inner}).data.to_hex().startswith("0x2800" + "1e")


def event_names(stock: SubstrateInterface, block_hash: str) -> set[tuple[str, str]]:
    """(pallet, event) of every event in a block, decoded by the stock client from the node's metadata."""
    return {(e.value["module_id"], e.value["event_id"]) for e in stock.get_events(block_hash)}


def test_cli_commands_work_and_read_the_genesis_values(cli: ChainCli, client: Subtensor, owner: ChainWallet,
                                                       stock: SubstrateInterface) -> None:
    payee = make_wallet(cli.wallets, "payee")
    bal = cli.ok("wallet", "balance", wallet="owner")
    assert bal["coldkey"] == owner.cold and bal["free"]["rao"] == 1_000 * 10**9

    sent = cli.ok("wallet", "transfer", "--dest", payee.cold, "--amount", "2", wallet="owner")
    fee = sent["receipt"]["fee"]["rao"]
    assert fee > 0 and client.balances.balance(payee.cold) == Balance.from_tao(2)
    assert client.balances.balance(owner.cold).rao == 1_000 * 10**9 - 2 * 10**9 - fee
    assert {("Balances", "Transfer"), ("Balances", "Withdraw"), ("System", "ExtrinsicSuccess")} <= event_names(
        stock, sent["receipt"]["block_hash"])

    lock = client.subnets.lock_cost()
    before = set(client.subnets.netuids())
    created = cli.ok("subnets", "create", wallet="owner")
    (netuid,) = set(client.subnets.netuids()) - before
    assert created["netuid"] == netuid and created["locked"]["rao"] == lock.rao
    assert client.subnets.subnet(netuid).owner == owner.cold

    hp = cli.ok("subnets", "hyperparameters", "--netuid", str(netuid))["hyperparameters"]
    assert hp["tempo"] == TEMPO == client.subnets.hyperparameters(netuid).tempo
    shown = cli.ok("subnets", "show", "--netuid", str(netuid))
    assert shown["subnet"]["burn"] == BURN and shown["subnet"]["tempo"] == TEMPO and shown["neurons"] == []

    free = client.balances.balance(owner.cold).rao
    reg = cli.ok("subnets", "register", "--netuid", str(netuid), wallet="owner")
    assert reg["uid"] == client.registration.uid_of(netuid, owner.hot) == 0
    # the genesis burn left the coldkey; the owner's cut of this one block's emission may have come back
    assert 0 <= client.balances.balance(owner.cold).rao - (free - BURN) <= 180_000_000
    assert ("SubtensorModule", "NeuronRegistered") in event_names(stock, client.block_hash())

    added = cli.ok("stake", "add", "--amount", "10", wallet="owner")
    assert added["amount"]["rao"] == 10 * 10**9
    assert client.staking.stake(owner.hot, owner.cold) == Balance.from_tao(10)
    shown = cli.ok("subnets", "show", "--netuid", str(netuid))
    assert [n["hotkey"] for n in shown["neurons"]] == [owner.hot]
    assert shown["neurons"][0]["coldkey"] == owner.cold
    # the CLI's metadata cache is keyed by what this runtime is (the hash of its code), not by what it claims
    code_hash = stock.rpc_request("state_getStorageHash", ["0x3a636f6465"])["result"]
    cached = sorted(f.name for f in (cli.home / "cache").iterdir())
    assert cached == [f"era-{code_hash[2:]}.txt", f"metadata-{code_hash[2:]}.scale"]  # era: chain/era.py


class NoHyperparamsRpc(RpcConnection):
    """The real node with the hyperparameters RPC hidden, so the client takes its storage fallback."""

    def call(self, method: str, params: list[Any] | None = None) -> Any:
        if method == "subnetInfo_getSubnetHyperparams":
            raise MethodNotFound(method, -32601, "Method not found")
        return super().call(method, params)


def test_storage_fallback_reads_the_genesis_values_too(other_node: NodeProcess, client: Subtensor,
                                                       netuid: int) -> None:
    with Subtensor(other_node.url, metadata_cache=False) as old:
        old.rpc.close()
        old.rpc = NoHyperparamsRpc(other_node.url)
        fallback = old.subnets.hyperparameters(netuid)
    assert fallback is not None and fallback.tempo == TEMPO == client.subnets.hyperparameters(netuid).tempo


def test_sudo_through_the_moved_sudo_and_admin_utils(client: Subtensor, netuid: int) -> None:
    receipt = client.execute(client.admin.prepare_sudo_set(ALICE.ss58_address, netuid, "weights_rate_limit", 3), ALICE)
    assert receipt.find("Sudo", "Sudid") is not None
    assert client.subnets.hyperparameters(netuid).weights_rate_limit == 3


def failure(client: Subtensor, pallet: str, function: str, params: dict[str, Any], key: Keypair) -> ExtrinsicFailed:
    """Submit a composed call with no client-side checks, so the chain itself refuses it."""
    with pytest.raises(ExtrinsicFailed) as err:
        client.submit(client.compose(pallet, function, params), key)
    return err.value


def test_module_errors_are_named_from_the_moved_indices(client: Subtensor, cli: ChainCli,
                                                        owner: ChainWallet) -> None:
    free = client.balances.balance(owner.cold)  # grows by the owner's cut every block: ask for far more
    err = failure(client, "SubtensorModule", "add_stake",
                  {"hotkey": owner.hot, "amount_staked": free.rao + 10**12}, owner.coldkey)
    assert (err.pallet, err.name) == ("SubtensorModule", "NotEnoughBalanceToStake")
    newcomer = Keypair.from_uri("//Newcomer").ss58_address
    err = failure(client, "Balances", "transfer_keep_alive", {"dest": newcomer, "value": 600}, owner.coldkey)
    assert (err.pallet, err.name) == ("Balances", "ExistentialDeposit")  # 600 RAO is enough on the stock chain
    assert f"({ED} RAO)" in str(err)
    line = cli.fails("wallet", "transfer", "--dest", newcomer, "--amount", "0.0000006", wallet="owner")
    assert "Balances.ExistentialDeposit" in line and f"({ED} RAO)" in line
    assert client.balances.balance(newcomer).rao == 0
    assert client.existential_deposit().rao == ED and client.staking.max_stakeable(owner.cold).rao == \
        client.balances.balance(owner.cold).rao - ED


@pytest.mark.parametrize("table, fragment", [
    ("[runtime]\npallet_indices = { Balances = 10 }", "puts Balances on index 10, which SenateMembers has"),
    ("[runtime]\npallet_indices = { Balancez = 13 }", "names no pallet of this runtime: Balancez"),
    ("[subtensor]\ntempoo = 3", "unknown [subtensor] genesis key(s): tempoo"),
])
def test_a_bad_genesis_stops_the_node_with_one_line(tmp_path: Path, table: str, fragment: str) -> None:
    (tmp_path / "bad.toml").write_text(table)
    done = subprocess.run([sys.executable, "-m", "localnet", "--data-dir", str(tmp_path / "chain"), "--port",
                           str(free_port()), "--instant", "--genesis", str(tmp_path / "bad.toml")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and fragment in done.stderr, done.stderr
