"""The real spec-143 runtime as the judge: the whole taocli journey on it and on `taocli localnet`, compared.

One chopsticks process and one local node per module (`--dist loadfile` keeps a module on one worker);
each journey runs once and the tests below read its record.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from chain.rpc import MethodNotFound, RpcConnection, RpcError
from chain.scale import Reader
from tests.integration.node_fixtures import NodeProcess
from tests.realchain.chopsticks import Chopsticks, start_real_chain
from tests.realchain.conftest import store_timings
from tests.realchain.journey import JourneyRecord, run_journey, stock_client
from wallet.keypair import Keypair

pytestmark = [pytest.mark.realchain, pytest.mark.slow]

ALICE = Keypair.from_uri("//Alice")
RICH = 1_000_000 * 10**9


@pytest.fixture(scope="module")
def real_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chopsticks]:
    chain = start_real_chain(tmp_path_factory.mktemp("chopsticks"))
    try:
        chain.fund_and_make_sudo(ALICE.ss58_address, RICH)
        yield chain
    finally:
        chain.stop()


@pytest.fixture(scope="module")
def local_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    node = NodeProcess(tmp_path_factory.mktemp("localnet"), "--instant").start()
    yield node
    node.stop()


@pytest.fixture(scope="module")
def records(real_chain: Chopsticks, local_chain: NodeProcess, tmp_path_factory: pytest.TempPathFactory,
            pytestconfig: pytest.Config) -> dict[str, JourneyRecord]:
    """Both journeys, run at the same time (each mostly waits on its chain and on taocli start-ups), once."""
    from concurrent.futures import ThreadPoolExecutor

    chains = {"spec-143": real_chain, "localnet": local_chain}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(run_journey, name, chain, tmp_path_factory.mktemp(f"{name}-home"))
                   for name, chain in chains.items()}
        done = {name: future.result() for name, future in futures.items()}
    for name, record in done.items():
        store_timings(pytestconfig, name, record.seconds, chains[name].startup_seconds)
    return done


@pytest.fixture(scope="module")
def real_record(records: dict[str, JourneyRecord]) -> JourneyRecord:
    return records["spec-143"]


@pytest.fixture(scope="module")
def local_record(records: dict[str, JourneyRecord]) -> JourneyRecord:
    return records["localnet"]


def _print_timings(record: JourneyRecord) -> None:
    print(f"\n{record.chain} journey: {sum(record.seconds.values()):.1f} s")
    for step, seconds in record.seconds.items():
        print(f"  {step:<36}{seconds:>7.2f}")
    for step, error in record.errors.items():
        print(f"  refused: {step}: {error}")


def test_the_whole_journey_succeeds_on_the_real_runtime(real_record: JourneyRecord) -> None:
    _print_timings(real_record)
    assert len(real_record.seconds) >= 35
    assert real_record.facts["default tx_rate_limit"] == 1000  # testfinney keeps mainnet-like limits
    assert real_record.facts["default network_rate_limit"] == 7200


def test_the_same_journey_succeeds_on_localnet(local_record: JourneyRecord) -> None:
    _print_timings(local_record)
    assert len(local_record.seconds) >= 35


def test_both_chains_emit_the_same_events_for_the_same_calls(real_record: JourneyRecord,
                                                             local_record: JourneyRecord) -> None:
    assert real_record.events.keys() == local_record.events.keys()
    differing = [f"{step}:\n  spec-143: {real_record.events[step]}\n  localnet: {local_record.events[step]}"
                 for step in real_record.events if real_record.events[step] != local_record.events[step]]
    assert not differing, "\n".join(differing)


def test_both_chains_refuse_the_same_things_with_the_same_names(real_record: JourneyRecord,
                                                                local_record: JourneyRecord) -> None:
    assert real_record.errors.keys() == local_record.errors.keys()
    assert {"stake add (whole free balance)", "axon set again"} <= real_record.errors.keys()
    differing = [f"{step}:\n  spec-143: {real_record.errors[step]}\n  localnet: {local_record.errors[step]}"
                 for step in real_record.errors
                 if real_record.errors[step].split(":")[0] != local_record.errors[step].split(":")[0]]
    assert not differing, "\n".join(differing)
    on_chain = {step: error for step, error in real_record.errors.items() if step.startswith("on chain:")}
    assert on_chain["on chain: add_stake whole free balance"] == "SubtensorModule.BalanceWithdrawalError"
    assert "accepted" not in on_chain.values(), on_chain
    assert "ServingRateLimitExceeded" in real_record.errors["axon set again"]
    assert "ServingRateLimitExceeded" in local_record.errors["axon set again"]


def test_both_chains_leave_the_same_storage_after_the_same_calls(real_record: JourneyRecord,
                                                                 local_record: JourneyRecord) -> None:
    for fact in ("metagraph hotkeys", "total hotkey stake"):
        assert real_record.facts[fact] == local_record.facts[fact], fact
    # a new subnet's hyperparameters come from init_new_network and the chain's defaults; both runtimes agree
    # on the values init_new_network writes
    real_hp, local_hp = (r.facts["new subnet hyperparameters"] for r in (real_record, local_record))
    for name in ("tempo", "immunity_period", "min_allowed_weights", "max_weights_limit", "min_burn",
                 "registration_allowed", "target_regs_per_interval", "adjustment_interval"):
        assert real_hp[name] == local_hp[name], (name, real_hp[name], local_hp[name])
    for record in (real_record, local_record):
        assert 0 < record.facts["transfer fee"] < 1000


def _fee_reply(url: str) -> tuple[bytes, int]:
    """The raw TransactionPaymentApi_query_info reply for a transfer, and the fee payment_queryInfo states."""
    stock = stock_client(url)
    try:
        call = stock.compose_call("Balances", "transfer_keep_alive", {"dest": ALICE.ss58_address, "value": 10**9})
        from substrateinterface import Keypair as SubstrateKeypair

        signer = SubstrateKeypair.create_from_uri("//Alice")
        xt = stock.create_signed_extrinsic(call=call, keypair=signer)
        raw = bytes(xt.data.data)
        reply = stock.rpc_request("state_call", ["TransactionPaymentApi_query_info",
                                                 "0x" + (raw + len(raw).to_bytes(4, "little")).hex()])["result"]
        info = stock.get_payment_info(call, signer)
        return bytes.fromhex(reply[2:]), int(info["partialFee"])
    finally:
        stock.close()


def test_fee_replies_have_the_real_runtimes_wire_shape(real_chain: Chopsticks, local_chain: NodeProcess) -> None:
    """RuntimeDispatchInfo: two compact weights, a class byte, then an 8-byte (u64) partial fee — on both."""
    for url in (real_chain.url, local_chain.url):
        reply, fee = _fee_reply(url)
        r = Reader(reply)
        r.compact(), r.compact()  # weight: ref_time, proof_size
        assert r.u8() == 0  # DispatchClass::Normal
        assert r.u64() == fee > 0
        r.done()  # nothing left: not a u128


def test_a_missing_runtime_api_is_refused_without_method_not_found(real_chain: Chopsticks,
                                                                   local_chain: NodeProcess) -> None:
    """A runtime without the function: the call fails, but not with -32601 (state_call itself exists)."""
    for chain in (real_chain, local_chain):  # over a websocket: chopsticks' HTTP replies carry no code
        rpc = RpcConnection(chain.url)
        try:
            with pytest.raises(RpcError) as refused:
                rpc.call("state_call", ["NoSuchRuntimeApi_nothing", "0x"])
            assert refused.value.code != -32601 and not isinstance(refused.value, MethodNotFound), refused.value
        finally:
            rpc.close()


def test_lock_cost_from_storage_defaults_matches_what_create_locks(real_record: JourneyRecord,
                                                                   tmp_path: Path) -> None:
    """spec 143 has neither the lock-cost RPC nor the runtime API: the client computes it from storage whose
    inputs were never written (metadata defaults), and the journey checked create locked exactly that."""
    assert real_record.events["subnets create"][-1] == "System.ExtrinsicSuccess"
    assert "SubtensorModule.NetworkAdded" in real_record.events["subnets create"]


def test_fee_estimates_agree_call_by_call(real_chain: Chopsticks, local_chain: NodeProcess) -> None:
    """payment_queryInfo's partial fee for the same calls: equal on both chains (the Pays::No subtensor
    calls estimate 0; a transfer and Sudo.sudo pay the length and weight fee)."""
    from chain.client import Subtensor

    bob = Keypair.from_uri("//Bob").ss58_address
    calls = {
        "transfer": ("Balances", "transfer_keep_alive", {"dest": bob, "value": 10**9}),
        "add_stake": ("SubtensorModule", "add_stake", {"hotkey": bob, "amount_staked": 10**9}),
        "become_delegate": ("SubtensorModule", "become_delegate", {"hotkey": bob}),
        "register_network": ("SubtensorModule", "register_network", {}),
        "set_weights": ("SubtensorModule", "set_weights", {"netuid": 1, "dests": [0], "weights": [1],
                                                             "version_key": 0}),
    }
    fees: dict[str, dict[str, int]] = {}
    for name, url in (("spec-143", real_chain.url), ("localnet", local_chain.url)):
        with Subtensor(url, metadata_cache=False) as client:
            for call, (pallet, function, params) in calls.items():
                composed = client.compose(pallet, function, params)
                fees.setdefault(call, {})[name] = client.estimate_fee(composed, ALICE.ss58_address).rao
            inner = client.compose("AdminUtils", "sudo_set_tx_rate_limit", {"tx_rate_limit": 0})
            sudo = client.compose("Sudo", "sudo", {"call": inner})
            fees.setdefault("sudo", {})[name] = client.estimate_fee(sudo, ALICE.ss58_address).rao
    assert all(len(set(by_chain.values())) == 1 for by_chain in fees.values()), fees
    assert fees["transfer"]["spec-143"] > 0 and fees["add_stake"]["spec-143"] == 0
