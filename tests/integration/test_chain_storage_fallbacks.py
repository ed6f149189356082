"""Issue 6: with every subtensor info RPC hidden, the storage fallbacks give equal dataclasses (slow).

One real node (`--instant`, a genesis with a short subnet tempo) holds a subnet of several neurons with
different coldkeys, served axons and a prometheus endpoint, stake from owners and nominators (one stake
removed again, so a zero Stake entry exists), a delegate registered on the subnet and on root, and
weights set after the first epoch gave permits, then two more epochs so bonds, incentive and emission are
non-zero. A client whose connection hides subnetInfo_*, neuronInfo_* and delegateInfo_* (OlderNode) must
return exactly what the RPC path returns, now and at a past block, in a handful of round trips.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from chain import storage_view
from chain.balance import Balance
from chain.client import Subtensor
from tests.integration.node_fixtures import NodeProcess
from tests.integration.test_chain_client import OlderNode
from tests.integration.test_cli_chain_support import ALICE, fund
from wallet.keypair import Keypair

pytestmark = pytest.mark.slow

TEMPO = 4
EXTRA_NEURONS = 58  # miners registered after the epochs: a 64-uid subnet for the timing


@dataclass
class Chain:
    node: NodeProcess
    client: Subtensor
    old: Subtensor
    netuid: int
    before: str  # a block hash before the extra registrations
    validator: Keypair
    nominator: Keypair
    quitter: Keypair  # staked on the delegate, then removed it all (a zero Stake entry)


def _seal(node: NodeProcess, blocks: int) -> None:
    node.result("dev_newBlock", [blocks])


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chain]:
    root: Path = tmp_path_factory.mktemp("fallbacks")
    (root / "genesis.toml").write_text(f"[subtensor]\ntempo = {TEMPO}\n")
    node = NodeProcess(root / "chain", "--instant", "--genesis", str(root / "genesis.toml")).start()
    client = Subtensor(node.url, metadata_cache=False)
    old = Subtensor(node.url, metadata_cache=False)
    old.rpc = OlderNode(node.url)
    try:
        yield _populate(node, client, old)
    finally:
        old.close()
        client.close()
        node.stop()


def _populate(node: NodeProcess, client: Subtensor, old: Subtensor) -> Chain:
    owner, validator, other, nominator, quitter = (Keypair.from_uri(f"//Fallback{n}") for n in
                                                   ("Owner", "Validator", "Other", "Nominator", "Quitter"))
    for key in (owner, validator, other, nominator, quitter):
        fund(client, key.ss58_address, 5_000)
    netuid = client.subnets.register_network(owner).find("SubtensorModule", "NetworkAdded").attributes[0]
    for name, value in (("max_regs_per_block", 100), ("target_regs_per_interval", 100), ("weights_rate_limit", 0)):
        client.admin.sudo_set_hyperparameter(ALICE, netuid, name, value)
    client.admin.sudo_set_hyperparameter(ALICE, 0, "weights_rate_limit", 0)
    v_hot, o_hot = Keypair.from_uri("//FallbackValidator//hot"), Keypair.from_uri("//FallbackOther//hot")
    miners = [Keypair.from_uri(f"//FallbackMiner{i}") for i in range(4)]
    client.registration.burned_register(validator, netuid, v_hot.ss58_address)  # uid 0
    client.registration.burned_register(other, netuid, o_hot.ss58_address)  # uid 1
    for miner in miners:  # uids 2..5, registered by the owner's coldkey
        client.registration.burned_register(owner, netuid, miner.ss58_address)
    client.staking.add_stake(validator, v_hot.ss58_address, Balance.from_tao(400))
    client.staking.add_stake(other, o_hot.ss58_address, Balance.from_tao(150))
    client.delegation.become_delegate(validator, v_hot.ss58_address)
    client.staking.add_stake(nominator, v_hot.ss58_address, Balance.from_tao(300))
    client.staking.add_stake(quitter, v_hot.ss58_address, Balance.from_tao(2))
    client.staking.remove_stake(quitter, v_hot.ss58_address, Balance.from_tao(2))
    client.registration.root_register(validator, v_hot.ss58_address)
    client.weights.set_root_weights(v_hot, [netuid], [1])
    client.serving.serve_axon(v_hot, netuid, "198.51.100.7", 8091)
    client.serving.serve_axon(miners[0], netuid, "2001:db8::5", 9000)
    client.submit(client.compose("SubtensorModule", "serve_prometheus",
                                 {"netuid": netuid, "version": 3, "ip": 3_325_256_815, "port": 7070, "ip_type": 4}),
                  miners[1])
    _seal(node, 2 * (TEMPO + 1))  # an epoch hands out validator permits
    client.weights.set_weights(v_hot, netuid, [0, 2, 3, 4], [0.1, 1, 0.5, 0.25])
    client.weights.set_weights(o_hot, netuid, [1, 2, 5], [0.2, 0.7, 1])
    _seal(node, 3 * (TEMPO + 1))  # epochs turn the weights into bonds, incentive and emission
    before = client.block_hash()
    for i in range(EXTRA_NEURONS):
        client.registration.burned_register(owner, netuid, Keypair.from_uri(f"//FallbackExtra{i}").ss58_address)
    return Chain(node, client, old, netuid, before, validator, nominator, quitter)


def test_the_scenario_exercises_every_field(chain: Chain) -> None:
    """The equalities below mean something only if the chain holds non-trivial values."""
    full = chain.client.subnets.neurons(chain.netuid)
    assert len(full) == 6 + EXTRA_NEURONS
    assert full[0].weights and full[1].weights and any(n.bonds for n in full)
    assert any(n.emission for n in full) and any(n.incentive for n in full) and any(n.dividends for n in full)
    assert full[0].axon_info.port == 8091 and full[2].axon_info.ip_type == 6 and full[3].prometheus_info.port == 7070
    stakes = dict(full[0].stake)
    assert stakes[chain.quitter.ss58_address] == 0 and stakes[chain.nominator.ss58_address] > 300 * 10**9  # + payouts
    delegate = chain.client.delegation.delegate(full[0].hotkey)
    assert delegate is not None and delegate.registrations == sorted([0, chain.netuid])
    assert delegate.return_per_1000 > 0 and delegate.total_daily_return > 0 and delegate.validator_permits
    assert chain.quitter.ss58_address not in dict(delegate.nominators)


def test_subnets_fall_back_to_storage(chain: Chain) -> None:
    client, old = chain.client, chain.old
    assert old.subnets.subnets() == client.subnets.subnets() and len(client.subnets.subnets()) >= 2
    for netuid in (0, chain.netuid, 77):
        assert old.subnets.subnet(netuid) == client.subnets.subnet(netuid)
    assert old.subnets.subnet(77) is None
    assert old.subnets.subnets(at=chain.before) == client.subnets.subnets(at=chain.before)
    assert old.subnets.subnet(chain.netuid, at=chain.before) == client.subnets.subnet(chain.netuid, at=chain.before)


def test_neurons_fall_back_to_storage(chain: Chain) -> None:
    client, old, netuid = chain.client, chain.old, chain.netuid
    for n in (0, netuid, 77):
        assert old.subnets.neurons_lite(n) == client.subnets.neurons_lite(n)
        assert old.subnets.neurons(n) == client.subnets.neurons(n)
    assert old.subnets.neurons_lite(netuid, at=chain.before) == client.subnets.neurons_lite(netuid, at=chain.before)
    assert old.subnets.neurons(netuid, at=chain.before) == client.subnets.neurons(netuid, at=chain.before)
    for uid in (0, 1, 2, 3, 5 + EXTRA_NEURONS, 6 + EXTRA_NEURONS):
        assert old.subnets.neuron(netuid, uid) == client.subnets.neuron(netuid, uid)
        assert old.subnets.neuron_lite(netuid, uid) == client.subnets.neuron_lite(netuid, uid)
    assert old.subnets.neuron(netuid, 6 + EXTRA_NEURONS) is None and old.subnets.neuron_lite(77, 0) is None


def test_delegates_fall_back_to_storage(chain: Chain) -> None:
    client, old = chain.client, chain.old
    assert old.delegation.delegates() == client.delegation.delegates() and client.delegation.delegates()
    for info in client.delegation.delegates():
        assert old.delegation.delegate(info.hotkey) == info
    assert old.delegation.delegate(chain.nominator.ss58_address) is None  # a coldkey, not a delegate
    for coldkey in (chain.nominator, chain.quitter, chain.validator):
        assert old.delegation.delegated(coldkey.ss58_address) == client.delegation.delegated(coldkey.ss58_address)
    (info, stake), = old.delegation.delegated(chain.nominator.ss58_address)
    assert stake == client.staking.stake(info.hotkey, chain.nominator.ss58_address).rao > 300 * 10**9
    assert old.delegation.delegated(chain.quitter.ss58_address) == []


def test_paging_chunking_and_pipeline_windows_change_nothing(chain: Chain, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tiny key pages, value chunks and pipeline windows: what a big public chain exercises with the real sizes."""
    monkeypatch.setattr(storage_view, "KEYS_PAGE", 2)
    monkeypatch.setattr(storage_view, "QUERY_CHUNK", 5)
    monkeypatch.setattr(chain.old.rpc, "PIPELINE", 3)
    client, old = chain.client, chain.old
    assert isinstance(old.rpc, OlderNode)
    assert old.subnets.subnets() == client.subnets.subnets()
    sent = len(old.rpc.requests)
    neurons = client.subnets.neurons(chain.netuid)
    assert old.subnets.neurons(chain.netuid) == neurons
    # one listing per hotkey, plus further pages for the delegate's several stakers
    assert old.rpc.requests[sent:].count("state_getKeysPaged") > len(neurons)
    assert old.rpc.requests[sent:].count("state_queryStorageAt") > 2
    assert old.delegation.delegates() == client.delegation.delegates()


def test_fallback_metagraph_is_a_few_round_trips(chain: Chain) -> None:
    rpc = chain.old.rpc
    assert isinstance(rpc, OlderNode)

    def timed(read: Subtensor) -> float:
        t0 = time.perf_counter()
        read.subnets.neurons_lite(chain.netuid)
        return time.perf_counter() - t0

    timed(chain.old)  # the first read also learns the era (once per connection): not a metagraph cost
    before = rpc.exchanges
    fallback = [timed(chain.old) for _ in range(5)]
    per_read = (rpc.exchanges - before) / 5
    assert per_read == 5  # best block hash, subnet head, Keys, Stake listings, every value
    info_rpc = [timed(chain.client) for _ in range(5)]
    n = len(chain.client.subnets.neurons_lite(chain.netuid))
    print(f"\n{n}-uid metagraph: storage fallback {statistics.median(fallback) * 1000:.1f} ms "
          f"({per_read:.0f} round trips), info RPC {statistics.median(info_rpc) * 1000:.1f} ms")
