"""The chain client against a real node process: metadata disk cache, runtime-mismatch refusal, storage
fallbacks for chains without the info RPCs, typed failures, and an unreachable endpoint."""

from __future__ import annotations

import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chain.balance import Balance
from chain.client import Subtensor
from chain.errors import ChainError, ExtrinsicFailed, NodeUnreachable, RuntimeMismatch
from chain.rpc import MethodNotFound, RpcConnection
from tests.integration.node_fixtures import NodeProcess, free_port, instant_node  # noqa: F401 - fixture
from tests.integration.test_cli_chain_support import ALICE, fund
from wallet.keypair import Keypair

pytestmark = pytest.mark.slow

BOB = Keypair.from_uri("//Bob")


@pytest.fixture(scope="module")
def client(instant_node: NodeProcess) -> Iterator[Subtensor]:  # noqa: F811
    with Subtensor(instant_node.url, metadata_cache=False) as c:
        yield c


def test_metadata_cache_is_written_once_and_reused(instant_node: NodeProcess, tmp_path: Path,  # noqa: F811
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAOCLI_CACHE_DIR", str(tmp_path / "cache"))
    params = {"dest": BOB.ss58_address, "value": 12345}
    with Subtensor(instant_node.url) as cold:
        t0 = time.perf_counter()
        assert cold.substrate is not None
        cold_s = time.perf_counter() - t0
        assert not cold.timings.metadata_cached
        cold_call = cold.compose("Balances", "transfer_keep_alive", params).data.to_hex()
    files = list((tmp_path / "cache").iterdir())
    code_hash = instant_node.result("state_getStorageHash", ["0x" + b":code".hex()])
    assert len(files) == 1 and files[0].name == f"metadata-{code_hash[2:]}.scale"
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    with Subtensor(instant_node.url) as warm:
        t0 = time.perf_counter()
        assert warm.substrate is not None
        warm_s = time.perf_counter() - t0
        assert warm.timings.metadata_cached
        assert warm.compose("Balances", "transfer_keep_alive", params).data.to_hex() == cold_call
        # the cached metadata still decodes events: a real transfer's receipt names them
        receipt = warm.execute(warm.prepare_transfer(ALICE.ss58_address, BOB.ss58_address, Balance(10**9)), ALICE)
        assert receipt.find("Balances", "Transfer") is not None
    print(f"\nsubstrate connect: cold {cold_s * 1000:.0f} ms, from disk cache {warm_s * 1000:.0f} ms")
    files[0].write_bytes(files[0].read_bytes()[:-1] + b"x")  # a corrupt cache is a miss, rewritten
    with Subtensor(instant_node.url) as again:
        assert again.substrate is not None
        assert not again.timings.metadata_cached
    assert files[0].stat().st_size > 1000


def test_a_different_call_signature_is_refused_before_signing(client: Subtensor) -> None:
    newer = {"hotkey": BOB.ss58_address, "netuid": 1, "amount_staked": 1}
    with pytest.raises(RuntimeMismatch, match=r"add_stake on this chain takes \(hotkey, amount_staked\)"):
        client.compose("SubtensorModule", "add_stake", newer)
    with pytest.raises(RuntimeMismatch, match=r"no SubtensorModule\.move_stake call"):
        client.compose("SubtensorModule", "move_stake", {})


class OlderNode(RpcConnection):
    """The real node with every subtensor info RPC and info runtime API hidden, like a chain that lacks them.

    Counts the exchanges (one per `call`, one per pipelined `call_many` window) and the requests sent, so a
    test can show how many round trips a fallback takes.
    """

    HIDDEN = ("subnetInfo_", "neuronInfo_", "delegateInfo_")
    HIDDEN_APIS = ("StakeInfoRuntimeApi", "NeuronInfoRuntimeApi", "DelegateInfoRuntimeApi", "SubnetInfoRuntimeApi")

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.exchanges = 0
        self.requests: list[str] = []

    def _hide(self, method: str, params: list[Any] | None) -> None:
        if method.startswith(self.HIDDEN) or (method == "state_call" and params
                                              and str(params[0]).startswith(self.HIDDEN_APIS)):
            raise MethodNotFound(method, -32601, "Method not found")

    def call(self, method: str, params: list[Any] | None = None) -> Any:
        self._hide(method, params)
        self.exchanges += 1
        self.requests.append(method)
        return super().call(method, params)

    def call_many(self, calls: list[tuple[str, list[Any]]]) -> list[Any]:
        for method, params in calls:
            self._hide(method, params)
        self.exchanges += -(-len(calls) // self.PIPELINE)
        self.requests += [method for method, _ in calls]
        return super().call_many(calls)


def test_storage_fallbacks_equal_the_info_rpcs(instant_node: NodeProcess, client: Subtensor) -> None:  # noqa: F811
    owner = Keypair.from_uri("//FallbackOwner")
    fund(client, owner.ss58_address, 1_000)
    receipt = client.execute(client.prepare_register_network(owner.ss58_address), owner)
    netuid = receipt.find("SubtensorModule", "NetworkAdded").attributes[0]
    client.execute(client.prepare_burned_register(owner.ss58_address, netuid, BOB.ss58_address), owner)
    client.execute(client.prepare_add_stake(owner.ss58_address, BOB.ss58_address, Balance.from_tao(7)), owner)
    old = Subtensor(instant_node.url, metadata_cache=False)
    old.rpc = OlderNode(instant_node.url)
    try:
        for n in (0, netuid):
            assert old.hyperparameters(n) == client.hyperparameters(n)
        assert old.hyperparameters(200) is None
        assert old.lock_cost() == client.lock_cost()
        assert old.stake_for_coldkey(owner.ss58_address) == client.stake_for_coldkey(owner.ss58_address)
        assert [s.stake for s in old.stake_for_coldkey(owner.ss58_address)] == [7 * 10**9]
        assert netuid in old.netuids()
    finally:
        old.close()


def test_failed_call_names_pallet_and_error(client: Subtensor) -> None:
    # bypass the client's own pre-checks to see how an on-chain refusal is reported
    call = client.compose("SubtensorModule", "add_stake", {"hotkey": BOB.ss58_address, "amount_staked": 10**18})
    with pytest.raises(ExtrinsicFailed, match=r"SubtensorModule\.(NotRegistered|NotEnoughBalanceToStake)") as err:
        client.submit(call, ALICE)
    assert err.value.pallet == "SubtensorModule"


def test_fee_is_estimated_from_the_address_alone_and_the_signer_is_checked(client: Subtensor) -> None:
    prepared = client.prepare_transfer(ALICE.ss58_address, BOB.ss58_address, Balance(10**9))
    assert prepared.fee.rao > 0
    with pytest.raises(ChainError, match=r"was planned for .* but the key given is"):
        client.execute(prepared, BOB)
    with pytest.raises(ChainError, match="has no secret here"):
        client.execute(prepared, ALICE.public_only())


def test_unreachable_endpoint_is_one_clear_error() -> None:
    url = f"ws://127.0.0.1:{free_port()}"
    with Subtensor(url) as dead, pytest.raises(NodeUnreachable, match=rf"cannot reach the chain at {url} .*localnet"):
        dead.balance(ALICE.ss58_address)
    with Subtensor("ws://192.0.2.1:9944", timeout=0.5) as far, pytest.raises(NodeUnreachable, match="check the URL"):
        far.block_number()


def test_reads_agree_with_each_other(client: Subtensor) -> None:
    assert client.genesis_hash().startswith("0x") and client.block_number() >= 0
    subnets = {s.netuid: s for s in client.subnets()}
    assert set(subnets) == set(client.netuids())
    assert 0 in subnets and client.subnet(0) == subnets[0]
    assert client.balance(ALICE.ss58_address).rao > 0
    assert client.balance(Keypair.from_uri("//Nobody").ss58_address) == Balance(0)


def set_tx_rate_limit(client: Subtensor, blocks: int) -> None:
    inner = client.compose("AdminUtils", "sudo_set_tx_rate_limit", {"tx_rate_limit": blocks})
    client.submit(client.compose("Sudo", "sudo", {"call": inner}), ALICE)


def test_staking_rate_limit_is_explained_before_sending(client: Subtensor) -> None:
    staker = Keypair.from_uri("//RateLimited")
    fund(client, staker.ss58_address, 1_000)
    owner = Keypair.from_uri("//RateOwner")
    fund(client, owner.ss58_address, 1_000)
    netuid = client.execute(client.prepare_register_network(owner.ss58_address), owner) \
        .find("SubtensorModule", "NetworkAdded").attributes[0]
    hot = Keypair.from_uri("//RateHot").ss58_address
    client.execute(client.prepare_burned_register(staker.ss58_address, netuid, hot), staker)
    set_tx_rate_limit(client, 5)
    try:
        client.execute(client.prepare_add_stake(staker.ss58_address, hot, Balance.from_tao(1)), staker)
        landed = client.block_number()
        with pytest.raises(ChainError, match=rf"at block {landed}; this chain allows one such action every 5 "
                                             rf"blocks: retry at block {landed + 6}"):
            client.prepare_remove_stake(staker.ss58_address, hot, Balance.from_tao(1))
    finally:
        set_tx_rate_limit(client, 0)
    client.execute(client.prepare_remove_stake(staker.ss58_address, hot, Balance.from_tao(1)), staker)
    assert client.stake(hot, staker.ss58_address).rao == 0


def test_one_call_per_extrinsic_for_library_users(client: Subtensor) -> None:
    cold = Keypair.from_uri("//LibCold")
    hot = Keypair.from_uri("//LibHot")
    miner = Keypair.from_uri("//LibMiner")
    assert client.transfer(ALICE, cold.ss58_address, Balance.from_tao(2_000)).find("Balances", "Transfer")
    netuid = client.register_network(cold).find("SubtensorModule", "NetworkAdded").attributes[0]
    client.burned_register(cold, netuid, hot.ss58_address)
    for name, value in (("weights_rate_limit", 0), ("pow_registration_allowed", True), ("difficulty", 5_000)):
        client.sudo_set_hyperparameter(cold, netuid, name, value)  # the owner may set these
    with pytest.raises(ChainError, match=r"^tempo can be set only by the sudo key, not by the subnet owner; "
                                         r"the owner may set activity_cutoff, .*weights_version$"):
        client.prepare_sudo_set(cold.ss58_address, netuid, "tempo", 5)  # not a bare BadOrigin after signing
    seen: list[Any] = []
    client.register(miner, cold.ss58_address, netuid, processes=1, progress=seen.append)
    assert client.uid_of(netuid, miner.ss58_address) == 1
    client.add_stake(cold, hot.ss58_address, Balance.from_tao(5))
    client.remove_stake(cold, hot.ss58_address, Balance.from_tao(1))
    assert client.stake(hot.ss58_address, cold.ss58_address) == Balance.from_tao(4)
    client.become_delegate(cold, hot.ss58_address)
    assert client.delegate(hot.ss58_address).owner == cold.ss58_address
    client.serve_axon(hot, netuid, "198.51.100.4", 9000)
    assert client.neuron_lite(netuid, 0).axon_info.port == 9000
    with pytest.raises(ChainError, match=r"uid 0\) has no validator permit on subnet \d+: permits go to the top"):
        client.set_weights(hot, netuid, [0, 1], [1, 1])
    client.set_weights(hot, netuid, [0], [1])  # a self weight needs no permit
    assert client.neuron(netuid, 0).weights == [(0, 65535)]
    client.root_register(cold, hot.ss58_address)
    client.sudo_set_hyperparameter(ALICE, 0, "weights_rate_limit", 0)
    client.set_root_weights(hot, [netuid], [1])
    assert client.neuron(0, client.uid_of(0, hot.ss58_address)).weights == [(netuid, 65535)]


def test_node_dying_while_waiting_for_inclusion_is_one_clear_error(tmp_path: Path) -> None:
    import threading

    node = NodeProcess(tmp_path / "slow", "--block-time", "5").start()
    try:
        with Subtensor(node.url, metadata_cache=False) as c:
            prepared = c.prepare_transfer(ALICE.ss58_address, BOB.ss58_address, Balance(10**9))
            threading.Timer(0.7, node.kill9).start()  # the block that would include it is 5 s away
            with pytest.raises(NodeUnreachable, match="connection lost after submitting: the transaction may still"):
                c.execute(prepared, ALICE)
    finally:
        node.stop()


def test_waiting_for_a_slow_block_outlasts_the_read_timeout(tmp_path: Path) -> None:
    """With the default 12 s blocks (finney's too) a transfer waited longer than the 10 s per-read timeout and
    ended in "connection lost after submitting" although the node was fine. Scaled down: 1 s reads, 3 s blocks."""
    node = NodeProcess(tmp_path / "slow", "--block-time", "3").start()
    try:
        with Subtensor(node.url, timeout=1.0, metadata_cache=False) as c:
            prepared = c.prepare_transfer(ALICE.ss58_address, BOB.ss58_address, Balance(10**9))
            receipt = c.execute(prepared, ALICE)
            assert receipt.block_number is not None and receipt.find("Balances", "Transfer")
            assert c.substrate.websocket.gettimeout() == 1.0  # reads keep their own timeout afterwards
    finally:
        node.stop()


def test_node_stopped_between_the_plan_and_the_signature_is_one_clear_error(tmp_path: Path) -> None:
    """Stopping the node while a command shows its plan (or unlocks the coldkey) used to end in "unexpected
    WebSocketConnectionClosedException": signing reads the nonce and the head, outside the guarded submit."""
    node = NodeProcess(tmp_path / "gone").start()
    try:
        with Subtensor(node.url, metadata_cache=False) as c:
            prepared = c.prepare_transfer(ALICE.ss58_address, BOB.ss58_address, Balance(10**9))
            node.stop()
            with pytest.raises(NodeUnreachable, match=r"connection lost before sending: nothing was submitted\)"
                                                      r": start the local chain"):
                c.execute(prepared, ALICE)
            # composing and pricing the next call read the head too
            with pytest.raises(NodeUnreachable, match=r"connection lost before sending: nothing was submitted"):
                c.compose("Balances", "transfer_keep_alive", {"dest": BOB.ss58_address, "value": 1})
            with pytest.raises(NodeUnreachable, match=r"connection lost before sending: nothing was submitted"):
                c.estimate_fee(prepared.call, ALICE.ss58_address)
    finally:
        node.stop()


def test_metagraph_at_a_past_block(client: Subtensor) -> None:
    cold = Keypair.from_uri("//HistoryCold")
    fund(client, cold.ss58_address, 1_000)
    netuid = client.register_network(cold).find("SubtensorModule", "NetworkAdded").attributes[0]
    before = client.block_hash()
    client.burned_register(cold, netuid, Keypair.from_uri("//HistoryHot").ss58_address)
    assert client.neurons_lite(netuid, at=before) == []
    assert client.subnet(netuid, at=before).subnetwork_n == 0
    assert len(client.neurons_lite(netuid)) == 1 and client.subnet(netuid).subnetwork_n == 1
    assert [s.netuid for s in client.subnets(at=before)] == [s.netuid for s in client.subnets()]


def test_commands_of_one_coldkey_run_at_once_all_land(instant_node: NodeProcess) -> None:  # noqa: F811
    """Two `taocli wallet transfer` of one coldkey started together read the same next nonce; the one whose
    transaction the pool refuses (1014 same nonce waiting, or 1010 outdated) must sign again with a fresh
    nonce instead of failing with a pool error the user cannot act on."""
    import threading

    sender = Keypair.from_uri("//NonceRace")
    dests = [Keypair.from_uri(f"//NonceRaceTo{i}").ss58_address for i in range(4)]
    clients = [Subtensor(instant_node.url, metadata_cache=False) for _ in dests]
    try:
        fund(clients[0], sender.ss58_address, 100)
        prepared = [c.prepare_transfer(sender.ss58_address, d, Balance.from_tao(1))
                    for c, d in zip(clients, dests, strict=True)]
        start = threading.Barrier(len(clients))
        errors: list[BaseException] = []

        def send(i: int) -> None:
            start.wait()
            try:
                clients[i].execute(prepared[i], sender)
            except BaseException as exc:  # collected for the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=send, args=(i,)) for i in range(len(clients))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        assert [clients[0].balance(d) for d in dests] == [Balance.from_tao(1)] * len(dests)
    finally:
        for c in clients:
            c.close()
