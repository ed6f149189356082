"""The dTAO groundwork against the real spec-218 runtime under chopsticks: the shape and features read at
connect, the pool and share maths against real trades (to the RAO), and every decoded runtime-API reply
against the storage of the same block, value by value."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from chain.dtao.amm import R218_RULES, Pool, alpha_for_tao, rules_for, stake_quote, tao_for_alpha
from chain.dtao.connect import connect
from chain.dtao.decode import STAKE, SUBNET, ApiDecoder
from chain.dtao.shares import stake_weight_r218, value_r218
from chain.runtime.features import features_of
from chain.runtime.shape import RuntimeShape
from chain.runtime.storage_items import storage_key
from chain.storage import u16_key
from tests.realchain.chopsticks import RAONET, Chopsticks, start_real_chain
from wallet.ss58 import ss58_decode, ss58_encode

pytestmark = [pytest.mark.realchain, pytest.mark.slow]
M = "SubtensorModule"
TAO = 10**9


class Chain:
    """The running runtime plus what the client learns at connect, and a signer for real extrinsics."""

    def __init__(self, node: Chopsticks) -> None:
        from substrateinterface import Keypair, SubstrateInterface

        self.node = node
        self.ctx = connect(node)  # what the client learns at connect
        self.shape: RuntimeShape = self.ctx.shape
        self.decoder: ApiDecoder = self.ctx.decoder
        self.keys = {name: Keypair.create_from_uri(f"//{name}") for name in ("Alice", "Bob", "AliceHot", "BobHot")}
        self.substrate = SubstrateInterface(url=node.url)

    def new_block(self, count: int = 1) -> str:
        self.node.call("dev_newBlock", [{"count": count}])
        return self.node.call("chain_getBlockHash")

    def set_storage(self, changes: dict | list) -> None:
        """chopsticks' dev_setStorage: {pallet: {item: [[[keys], value]]}} by name, or [[key, value]] raw."""
        self.node.call("dev_setStorage", [changes])

    def ss58(self, name: str) -> str:
        return self.keys[name].ss58_address

    def pub(self, name: str) -> bytes:
        return ss58_decode(self.ss58(name))

    def read(self, item: str, *keys: bytes, at: str) -> object:
        return self.ctx.read(M, item, *keys, at=at)

    def api(self, api: str, method: str, *args: object, at: str) -> bytes:
        return self.ctx.call_api(api, method, *args, at=at)

    def submit(self, signer: str, call: str, params: dict, expect_error: str | None = None) -> tuple[str, list[dict]]:
        """Sign and submit, build one block, and return (block hash, this module's events in that block);
        with `expect_error`, assert the call failed with that error name (decoded by the metadata)."""
        composed = self.substrate.compose_call(M, call, params)
        extrinsic = self.substrate.create_signed_extrinsic(call=composed, keypair=self.keys[signer])
        self.substrate.submit_extrinsic(extrinsic, wait_for_inclusion=False)
        block = self.new_block()
        events = [e.value for e in self.substrate.get_events(block)]
        failed = [self.error_name(e["attributes"]["dispatch_error"]) for e in events
                  if e["event_id"] == "ExtrinsicFailed"]
        assert failed == ([expect_error] if expect_error else []), failed
        return block, [e for e in events if e["module_id"] == M]

    def allow_network_registration(self) -> None:
        """Past register_network's rate limit: block 12 or later and no registration remembered."""
        while int(self.node.call("chain_getHeader")["number"], 16) < 12:  # §3: nothing before block 10
            self.new_block(4)
        # raw key/value: chopsticks' named form drops a 0 written over a non-zero value
        self.set_storage([[storage_key(self.shape, M, "NetworkLastRegistered"), "0x" + "00" * 8]])

    def register_network(self) -> tuple[str, int]:
        """register_network(AliceHot, mechid 1) by Alice, past the network rate limit; (block, new netuid)."""
        self.allow_network_registration()
        args = dict(zip(features_of(self.shape).register_network_args, (self.ss58("AliceHot"), 1), strict=True))
        block, events = self.submit("Alice", "register_network", args)
        (added,) = [e["attributes"] for e in events if e["event_id"] == "NetworkAdded"]
        assert added[1] == 0
        return block, added[0]

    def error_name(self, dispatch_error: dict) -> str:
        module = dispatch_error["Module"]
        pallet = next(p for p in self.shape.metadata.pallets.values() if p.index == module["index"])
        index = bytes.fromhex(module["error"][2:])[0]
        return next(e.name for e in self.shape.errors.values() if e.pallet == pallet.name and e.index == index)


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chain]:
    workdir: Path = tmp_path_factory.mktemp("chopsticks218")
    node = start_real_chain(workdir, ["--genesis", str(RAONET)], build_mode="Manual")
    try:
        alice = ss58_encode(bytes.fromhex("d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"))
        c = Chain(node)
        assert c.ss58("Alice") == alice
        funded = {"providers": 1, "data": {"free": 1_000_000 * TAO}}
        c.set_storage({
            "System": {"Account": [[[c.ss58("Alice")], funded], [[c.ss58("Bob")], funded]]},
            M: {"Owner": [[[c.ss58("AliceHot")], c.ss58("Alice")]],
                # §11.6's artificial pool on the genesis subnet 1 (genesis: 10 TAO against 1 alpha)
                "SubnetTAO": [[[1], 10**12]], "SubnetAlphaIn": [[[1], 10**12]]},
        })
        c.new_block()
        yield c
    finally:
        node.stop()


def test_connect_learns_the_dtao_shape(chain: Chain) -> None:
    f = features_of(chain.shape)
    assert f.era == "dtao" and f.register_network_args == ("hotkey", "mechid") and not f.root_weights
    assert f.typed_runtime_apis is False and rules_for(chain.shape) is R218_RULES and chain.ctx.rules is R218_RULES
    assert chain.ctx.features == f and chain.ctx.decoder.spec_version == 218
    assert chain.shape.call(M, "add_stake").arg_names == ("hotkey", "netuid", "amount_staked")


def test_stake_add_and_remove_equal_the_pool_maths(chain: Chain) -> None:
    parent = chain.node.call("chain_getBlockHash")
    before = Pool(chain.read("SubnetTAO", u16_key(1), at=parent), chain.read("SubnetAlphaIn", u16_key(1), at=parent))
    preview = stake_quote(before, 10 * TAO, R218_RULES)
    block, events = chain.submit("Bob", "add_stake", {"hotkey": chain.ss58("AliceHot"), "netuid": 1,
                                                      "amount_staked": 10 * TAO})
    (added,) = [e["attributes"] for e in events if e["event_id"] == "StakeAdded"]
    coldkey, hotkey, tao_in, alpha_out, netuid = added
    assert (coldkey, hotkey, tao_in, netuid) == (chain.ss58("Bob"), chain.ss58("AliceHot"), 10 * TAO, 1)
    assert 9 * TAO < alpha_out < 10 * TAO  # a 1e12/1e12 pool: price ~1, ~1 % impact
    # the block's own emission drain moves the reserves before the extrinsic; the trade itself is the last
    # change of the block, so the reserves it saw are the final ones with the trade undone
    t_after, a_after = chain.read("SubnetTAO", u16_key(1), at=block), chain.read("SubnetAlphaIn", u16_key(1), at=block)
    seen = Pool(t_after - tao_in, a_after + alpha_out)
    assert alpha_for_tao(seen, tao_in, R218_RULES) == alpha_out  # to the RAO
    assert abs(alpha_out - preview.amount_out) <= preview.amount_out * preview.slippage + preview.amount_out // 100

    # stake info = floor(THA/THS · shares) of storage at the same block
    hot, bob = chain.pub("AliceHot"), chain.pub("Bob")
    rows = chain.ctx.stake_info_for_coldkey(bob, at=block)
    (row,) = [r for r in rows if r.netuid == 1 and r.hotkey == chain.ss58("AliceHot")]
    tha = chain.read("TotalHotkeyAlpha", hot, u16_key(1), at=block)
    ths = chain.read("TotalHotkeyShares", hot, u16_key(1), at=block)
    shares = chain.read("Alpha", hot, bob, u16_key(1), at=block)
    assert row.stake == value_r218(tha, ths, shares) and row.stake > 0

    balance_before = chain.substrate.query("System", "Account", [chain.ss58("Bob")], block_hash=block)
    sell = row.stake // 2
    block2, events2 = chain.submit("Bob", "remove_stake", {"hotkey": chain.ss58("AliceHot"), "netuid": 1,
                                                           "amount_unstaked": sell})
    (removed,) = [e["attributes"] for e in events2 if e["event_id"] == "StakeRemoved"]
    tao_out, alpha_sold = removed[2], removed[3]
    assert alpha_sold == sell and tao_out > 4 * TAO
    t2, a2 = chain.read("SubnetTAO", u16_key(1), at=block2), chain.read("SubnetAlphaIn", u16_key(1), at=block2)
    assert tao_for_alpha(Pool(t2 + tao_out, a2 - alpha_sold), alpha_sold, R218_RULES) == tao_out  # to the RAO
    balance_after = chain.substrate.query("System", "Account", [chain.ss58("Bob")], block_hash=block2)
    assert balance_after["data"]["free"].value - balance_before["data"]["free"].value == tao_out  # no fee (§1)


def test_dynamic_info_and_hyperparams_equal_storage(chain: Chain) -> None:
    at = chain.node.call("chain_getBlockHash")
    infos = chain.decoder.all_dynamic_info(chain.api(SUBNET, "get_all_dynamic_info", at=at))
    assert [i.netuid for i in infos] == [0, 1] and infos[1].tao_in > 10**12
    for info in infos:
        n = u16_key(info.netuid)
        assert info == chain.decoder.dynamic_info(chain.api(SUBNET, "get_dynamic_info", info.netuid, at=at))
        assert (info.tao_in, info.alpha_in, info.alpha_out) == (
            chain.read("SubnetTAO", n, at=at), chain.read("SubnetAlphaIn", n, at=at),
            chain.read("SubnetAlphaOut", n, at=at))
        assert (info.tempo, info.emission, info.last_step, info.blocks_since_last_step) == (
            chain.read("Tempo", n, at=at), chain.read("EmissionValues", n, at=at),
            chain.read("LastMechansimStepBlock", n, at=at), chain.read("BlocksSinceLastStep", n, at=at))
        assert info.owner_coldkey == ss58_encode(chain.read("SubnetOwner", n, at=at))
        assert (info.total_locked, info.owner_locked) == (chain.read("SubnetLocked", n, at=at),
                                                          chain.read("LargestLocked", n, at=at))
    assert chain.decoder.dynamic_info(chain.api(SUBNET, "get_dynamic_info", 99, at=at)) is None
    assert chain.ctx.all_dynamic_info(at=at) == infos and chain.ctx.dynamic_info(1, at=at) == infos[1]
    assert chain.ctx.mechanism(0, at=at) == 0 and chain.ctx.mechanism(1, at=at) == 1
    hp = chain.ctx.hyperparams(1, at=at)
    storage_names = {"rho": "Rho", "kappa": "Kappa", "immunity_period": "ImmunityPeriod", "tempo": "Tempo",
                     "min_allowed_weights": "MinAllowedWeights", "max_weights_limit": "MaxWeightsLimit",
                     "weights_version": "WeightsVersionKey", "weights_rate_limit": "WeightsSetRateLimit",
                     "adjustment_interval": "AdjustmentInterval", "activity_cutoff": "ActivityCutoff",
                     "registration_allowed": "NetworkRegistrationAllowed", "min_burn": "MinBurn",
                     "max_burn": "MaxBurn", "bonds_moving_avg": "BondsMovingAverage",
                     "max_regs_per_block": "MaxRegistrationsPerBlock", "max_validators": "MaxAllowedValidators",
                     "adjustment_alpha": "AdjustmentAlpha", "difficulty": "Difficulty",
                     "min_difficulty": "MinDifficulty", "max_difficulty": "MaxDifficulty",
                     "target_regs_per_interval": "TargetRegistrationsPerInterval",
                     "commit_reveal_weights_enabled": "CommitRevealWeightsEnabled",
                     "liquid_alpha_enabled": "LiquidAlphaOn"}
    for name, item in storage_names.items():
        assert hp.get(name) == chain.read(item, u16_key(1), at=at), name


def test_subnet_state_equals_storage(chain: Chain) -> None:
    at = chain.node.call("chain_getBlockHash")
    state = chain.ctx.subnet_state(1, at=at)
    n = chain.read("SubnetworkN", u16_key(1), at=at)
    assert state.netuid == 1 and len(state.hotkeys) == n
    for uid, hotkey in enumerate(state.hotkeys):
        assert hotkey == ss58_encode(chain.read("Keys", u16_key(1), u16_key(uid), at=at))
        assert state.coldkeys[uid] == ss58_encode(chain.read("Owner", ss58_decode(hotkey), at=at))
    assert state.active == chain.read("Active", u16_key(1), at=at)
    assert state.validator_permit == chain.read("ValidatorPermit", u16_key(1), at=at)
    assert state.emission == chain.read("Emission", u16_key(1), at=at)


def test_root_stake_move_stake_and_nominations_from_storage(chain: Chain) -> None:
    from chain.runtime.storage_items import split_key

    hot = chain.pub("AliceHot")
    block, events = chain.submit("Alice", "add_stake", {"hotkey": chain.ss58("AliceHot"), "netuid": 0,
                                                        "amount_staked": 100 * TAO})
    (added,) = [e["attributes"] for e in events if e["event_id"] == "StakeAdded"]
    assert added[2] == added[3] == 100 * TAO  # §11.4: root is 1:1
    assert alpha_for_tao(Pool(0, 0, stable=True), 100 * TAO, R218_RULES) == 100 * TAO

    block, _ = chain.submit("Bob", "add_stake", {"hotkey": chain.ss58("AliceHot"), "netuid": 1,
                                                 "amount_staked": 10 * TAO})  # each test makes its own state
    rows = chain.decoder.stake_info_for_coldkey(chain.api(STAKE, "get_stake_info_for_coldkey", chain.pub("Bob"),
                                                          at=block))
    (on_subnet,) = [r for r in rows if r.netuid == 1 and r.stake > 0]
    moved = on_subnet.stake // 2
    block2, events2 = chain.submit("Bob", "move_stake", {
        "origin_hotkey": chain.ss58("AliceHot"), "destination_hotkey": chain.ss58("AliceHot"),
        "origin_netuid": 1, "destination_netuid": 0, "alpha_amount": moved})
    names = [e["event_id"] for e in events2]
    assert names[-3:] == ["StakeRemoved", "StakeAdded", "StakeMoved"]  # §2.4: two trades, then StakeMoved
    removed, readded = events2[-3]["attributes"], events2[-2]["attributes"]
    t2, a2 = chain.read("SubnetTAO", u16_key(1), at=block2), chain.read("SubnetAlphaIn", u16_key(1), at=block2)
    assert tao_for_alpha(Pool(t2 + removed[2], a2 - moved), moved, R218_RULES) == removed[2]  # to the RAO
    assert readded[2] == readded[3] == removed[2] and readded[4] == 0  # re-staked 1:1 on root

    # nominations of AliceHot, from the Alpha share map alone, equal the runtime's StakeInfo for each coldkey
    prefix = storage_key(chain.shape, M, "Alpha", hot)
    keys = chain.node.call("state_getKeysPaged", [prefix, 1000, prefix, block2])
    held: dict[tuple[str, int], int] = {}
    for key in keys:
        _, coldkey, netuid = split_key(chain.shape, M, "Alpha", key)
        shares = chain.read("Alpha", hot, coldkey, u16_key(netuid), at=block2)
        tha = chain.read("TotalHotkeyAlpha", hot, u16_key(netuid), at=block2)
        ths = chain.read("TotalHotkeyShares", hot, u16_key(netuid), at=block2)
        held[(ss58_encode(coldkey), netuid)] = value_r218(tha, ths, shares)
    assert {ck for ck, _ in held} == {chain.ss58("Alice"), chain.ss58("Bob")}
    for name in ("Alice", "Bob"):
        rows = chain.decoder.stake_info_for_coldkey(chain.api(STAKE, "get_stake_info_for_coldkey", chain.pub(name),
                                                              at=block2))
        runtime = {(r.coldkey, r.netuid): r.stake for r in rows if r.stake and r.hotkey == chain.ss58("AliceHot")}
        assert runtime == {k: v for k, v in held.items() if k[0] == chain.ss58(name)}
    assert held[(chain.ss58("Bob"), 0)] <= removed[2]  # share rounding may lose a few RAO (§11.7: 13)


def hot_key(chain: Chain) -> bytes:
    return chain.pub("AliceHot")


def test_features_hold_on_the_runtime_subnet_registration_and_weights(chain: Chain) -> None:
    """What `features_of` claims is what the runtime does: register_network takes (hotkey, mechid) and the
    owner hotkey becomes uid 0 (§3); root weights are refused; commit-reveal exists but is off (§11.9)."""
    f = features_of(chain.shape)
    netuids_before = {i.netuid for i in chain.ctx.all_dynamic_info()}
    block, netuid = chain.register_network()  # with f.register_network_args
    assert netuid not in netuids_before and netuid == min(set(range(65_536)) - netuids_before)  # smallest free
    n = u16_key(netuid)
    info = chain.decoder.dynamic_info(chain.api(SUBNET, "get_dynamic_info", netuid, at=block))
    assert info.owner_coldkey == chain.ss58("Alice") and info.tempo == chain.read("Tempo", n, at=block) == 30
    assert (info.tao_in, info.alpha_in) == (chain.read("SubnetTAO", n, at=block), chain.read("SubnetAlphaIn", n,
                                                                                                at=block))
    assert chain.read("TokenSymbol", n, at=block) == "αβγδεζηθ".encode()[2 * (netuid - 1):2 * netuid]  # 2 → β
    state = chain.decoder.subnet_state(chain.api(SUBNET, "get_subnet_state", netuid, at=block))
    assert state.hotkeys == [chain.ss58("AliceHot")] and state.coldkeys == [chain.ss58("Alice")]

    chain.set_storage({M: {"Owner": [[[chain.ss58("BobHot")], chain.ss58("Bob")]]}})
    block, events = chain.submit("Bob", "burned_register", {"netuid": netuid, "hotkey": chain.ss58("BobHot")})
    (registered,) = [e["attributes"] for e in events if e["event_id"] == "NeuronRegistered"]
    assert registered == (netuid, 1, chain.ss58("BobHot"))
    state = chain.decoder.subnet_state(chain.api(SUBNET, "get_subnet_state", netuid, at=block))
    assert state.hotkeys == [chain.ss58("AliceHot"), chain.ss58("BobHot")]

    # the metagraph's alpha stake per uid is the hotkey's pool (TotalHotkeyAlpha) on the subnet
    chain.set_storage({M: {"SubnetTAO": [[[netuid], 10**12]], "SubnetAlphaIn": [[[netuid], 10**12]]}})
    block, _ = chain.submit("Bob", "add_stake", {"hotkey": chain.ss58("BobHot"), "netuid": netuid,
                                                 "amount_staked": 10 * TAO})
    block, _ = chain.submit("Alice", "add_stake", {"hotkey": chain.ss58("AliceHot"), "netuid": 0,
                                                   "amount_staked": 100 * TAO})
    state = chain.ctx.subnet_state(netuid, at=block)
    w = chain.read("TaoWeight", n, at=block)
    for uid, hotkey in enumerate(state.hotkeys):
        alpha = chain.read("TotalHotkeyAlpha", ss58_decode(hotkey), n, at=block)
        root = chain.read("TotalHotkeyAlpha", ss58_decode(hotkey), u16_key(0), at=block)
        assert (state.alpha_stake[uid], state.tao_stake[uid]) == (alpha, root)
        assert state.total_stake[uid] == stake_weight_r218(alpha, root, w)
    assert state.tao_stake[0] >= 100 * TAO and state.alpha_stake[1] > 9 * TAO  # both terms exercised

    assert not f.root_weights
    chain.submit("Alice", "root_register", {"hotkey": chain.ss58("AliceHot")})
    at = chain.node.call("chain_getBlockHash")
    (delegate,) = [d for d in chain.ctx.delegates(at=at) if d.hotkey == chain.ss58("AliceHot")]
    assert delegate.owner == chain.ss58("Alice") and 0 in delegate.registrations and netuid in delegate.registrations
    assert delegate.take == chain.read("Delegates", hot_key(chain), at=at) == 11_796  # §3: root_register sets it
    assert delegate.nominations is None  # R218 sends the frozen 2024 Stake map: unknown here, never "nobody"
    chain.submit("AliceHot", "set_weights", {"netuid": 0, "dests": [netuid], "weights": [65535], "version_key": 0},
                 expect_error="CanNotSetRootNetworkWeights")
    assert f.commit_reveal and not chain.read("CommitRevealWeightsEnabled", n, at=block)
    chain.submit("AliceHot", "commit_weights", {"netuid": netuid, "commit_hash": "0x" + "11" * 32},
                 expect_error="CommitRevealDisabled")


def test_commit_reveal_hash_and_window_are_the_runtimes(chain: Chain) -> None:
    """commit_weights/reveal_weights on a subnet with commit-reveal switched on: our hash and reveal window
    are exactly what the runtime checks (too early, wrong salt, then accepted and stored)."""
    from chain.dtao.commit_reveal import commit_hash, reveal_window

    _, netuid = chain.register_network()
    # raw key/value pairs: chopsticks' named form drops a 0 written over a non-zero default
    chain.set_storage([[storage_key(chain.shape, M, "CommitRevealWeightsEnabled", u16_key(netuid)), "0x01"],
                            [storage_key(chain.shape, M, "WeightsSetRateLimit", u16_key(netuid)), "0x" + "00" * 8]])
    block = chain.new_block()
    assert chain.read("WeightsSetRateLimit", u16_key(netuid), at=block) == 0
    tempo = chain.read("Tempo", u16_key(netuid), at=block)
    period = chain.read("RevealPeriodEpochs", u16_key(netuid), at=block)
    uids, values, salt = [0], [65535], [7, 8, 9]
    digest = commit_hash(chain.pub("AliceHot"), netuid, uids, values, salt, 0)
    block, _ = chain.submit("AliceHot", "commit_weights", {"netuid": netuid, "commit_hash": "0x" + digest.hex()})
    committed_at = int(chain.node.call("chain_getHeader", [block])["number"], 16)
    first, last = reveal_window(committed_at, netuid, tempo, period)
    reveal = {"netuid": netuid, "uids": uids, "values": values, "salt": salt, "version_key": 0}
    chain.submit("AliceHot", "reveal_weights", reveal, expect_error="RevealTooEarly")
    now = int(chain.node.call("chain_getHeader")["number"], 16)
    if first - 1 > now:
        chain.new_block(first - 1 - now)  # the next extrinsic lands in block `first`
    chain.submit("AliceHot", "reveal_weights", {**reveal, "salt": [7, 8, 10]},
                 expect_error="InvalidRevealCommitHashNotMatch")
    block, events = chain.submit("AliceHot", "reveal_weights", reveal)
    assert int(chain.node.call("chain_getHeader", [block])["number"], 16) <= last
    assert "WeightsRevealed" in [e["event_id"] for e in events]
    assert chain.read("Weights", u16_key(netuid), u16_key(0), at=block) == [(0, 65535)]
