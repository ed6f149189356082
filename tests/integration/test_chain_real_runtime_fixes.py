"""Issue 9, one test per bug the real spec-143 runtime exposed, on the local chain (fast, no Node.js needed).

Each failed on the main branch before the fix: the fee reply's width, a runtime API refused with an error
other than -32601, lock-cost without a storage fallback, staking the whole free balance passing the pre-check,
and no way to set network-wide values with `sudo set`. (PruningScores rounding: tests/unit/test_epoch_fixed.py;
metadata defaults that differ from 2024 constants and the whole journey on the real runtime: tests/realchain/.)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chain.balance import Balance
from chain.client import Subtensor
from chain.rpc import RpcConnection, RpcError
from chain.scale import Reader
from tests.integration.node_fixtures import NodeProcess, instant_node  # noqa: F401
from tests.integration.test_cli_chain_support import ALICE, ChainCli, fund, make_wallet

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(instant_node: NodeProcess) -> Iterator[Subtensor]:  # noqa: F811
    with Subtensor(instant_node.url, metadata_cache=False) as c:
        yield c


class RuntimeWithoutInfoApis(RpcConnection):
    """The local node answering as spec 143 under chopsticks does: no info RPCs (-32601), and a state_call to
    a subtensor runtime API refused with -32603 "Function to start was not found." (not -32601)."""

    RPCS = ("subnetInfo_", "neuronInfo_", "delegateInfo_")
    APIS = ("StakeInfoRuntimeApi", "NeuronInfoRuntimeApi", "DelegateInfoRuntimeApi", "SubnetInfoRuntimeApi",
            "SubnetRegistrationRuntimeApi")

    def _refuse(self, method: str, params: list[Any] | None) -> None:
        from chain.rpc import MethodNotFound

        if method.startswith(self.RPCS):
            raise MethodNotFound(method, -32601, f"Method not found: {method}")
        if method == "state_call" and params and str(params[0]).startswith(self.APIS):
            raise RpcError(method, -32603, "Internal Error: Function to start was not found.")

    def call(self, method: str, params: list[Any] | None = None) -> Any:
        self._refuse(method, params)
        return super().call(method, params)

    def call_many(self, calls: list[tuple[str, list[Any]]]) -> list[Any]:
        for method, params in calls:
            self._refuse(method, params)
        return super().call_many(calls)


def test_fee_reply_is_the_real_runtimes_u64_balance(instant_node: NodeProcess, client: Subtensor) -> None:  # noqa: F811
    """TransactionPaymentApi_query_info ends with an 8-byte partial fee (the node used to send 16), and the
    client decodes it by the chain's own Balance type (it used to assume u128)."""
    prepared = client.balances.prepare_transfer(ALICE.ss58_address, ALICE.ss58_address, Balance.from_tao(1))
    xt = client.substrate.create_signed_extrinsic(call=prepared.call, keypair=_substrate_alice(),
                                                  signature="0x" + "00" * 64)
    raw = bytes(xt.data.data)
    reply = instant_node.result("state_call", ["TransactionPaymentApi_query_info",
                                               "0x" + (raw + len(raw).to_bytes(4, "little")).hex()])
    r = Reader(bytes.fromhex(reply[2:]))
    r.compact(), r.compact(), r.u8()
    assert r.u64() == prepared.fee.rao > 0
    r.done()
    assert client.substrate.runtime_config.get_decoder_class("Balance").__name__ == "U64"


def _substrate_alice() -> Any:
    from substrateinterface import Keypair as SubstrateKeypair

    return SubstrateKeypair.create_from_uri("//Alice")


def test_a_runtime_api_refused_with_any_error_falls_back_to_storage(instant_node: NodeProcess,  # noqa: F811
                                                                    client: Subtensor) -> None:
    staker = ALICE.ss58_address
    spec143 = Subtensor(instant_node.url, metadata_cache=False)
    spec143.rpc = RuntimeWithoutInfoApis(instant_node.url)
    try:
        # computed from storage (metadata defaults where unset)
        assert spec143.subnets.lock_cost() == client.subnets.lock_cost()
        assert spec143.staking.stake_for_coldkey(staker) == client.staking.stake_for_coldkey(staker)
        assert spec143.subnets.hyperparameters(0) == client.subnets.hyperparameters(0)
    finally:
        spec143.close()


def test_staking_the_whole_free_balance_is_refused_before_signing(instant_node: NodeProcess,  # noqa: F811
                                                                  client: Subtensor, tmp_path: Path) -> None:
    """add_stake withdraws KeepAlive: the chain refuses the whole free balance (BalanceWithdrawalError). The
    pre-check used to pass it; now it refuses it naming the most that can be staked, which then succeeds."""
    cli = ChainCli(instant_node, tmp_path)
    staker = make_wallet(cli.wallets, "staker")
    fund(client, staker.cold, 2_000)
    client.execute(client.subnets.prepare_register_network(staker.cold), staker.coldkey)
    netuid = max(client.subnets.netuids())
    client.execute(client.registration.prepare_burned_register(staker.cold, netuid, staker.hot), staker.coldkey)
    free = client.balances.balance(staker.cold)
    res = cli.run("stake", "add", "--amount", f"{free.rao / 10**9:.9f}", wallet="staker")
    assert res.code == 1 and res.json()["error"]["kind"] == "PreconditionFailed", res.stdout
    assert "existential deposit" in res.json()["error"]["message"]
    assert client.balances.balance(staker.cold) == free  # nothing was sent
    most = Balance(free.rao - client.existential_deposit().rao)
    done = cli.ok("stake", "add", "--amount", f"{most.rao / 10**9:.9f}", wallet="staker")
    assert done["receipt"]["events"][-1] == "System.ExtrinsicSuccess"
    assert client.staking.stake(staker.hot, staker.cold) == most


def test_sudo_sets_and_reads_network_wide_values(instant_node: NodeProcess, client: Subtensor,  # noqa: F811
                                                 tmp_path: Path) -> None:
    cli = ChainCli(instant_node, tmp_path)
    make_wallet(cli.wallets, "alice", ALICE)
    nobody = make_wallet(cli.wallets, "nobody")
    fund(client, nobody.cold, 10)
    before = cli.ok("sudo", "get", "--param", "tx_rate_limit")["value"]
    set_ = cli.ok("sudo", "set", "--param", "tx_rate_limit", "--value", str(before + 7), wallet="alice")
    assert set_["old"] == before and set_["value"] == before + 7
    assert "SubtensorModule.TxRateLimitSet" in set_["receipt"]["events"]
    assert cli.ok("sudo", "get", "--param", "tx_rate_limit")["value"] == before + 7
    refused = cli.run("sudo", "set", "--param", "network_rate_limit", "--value", "0", wallet="nobody")
    assert refused.code == 1 and "only the sudo key" in refused.json()["error"]["message"]
    with_netuid = cli.run("sudo", "set", "--netuid", "1", "--param", "tx_rate_limit", "--value", "0", wallet="alice")
    assert with_netuid.code == 2 and "network-wide" in with_netuid.json()["error"]["message"]
    cli.ok("sudo", "set", "--param", "tx_rate_limit", "--value", str(before), wallet="alice")
