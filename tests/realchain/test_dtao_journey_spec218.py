"""The dTAO journey of issue 12 through the real `taocli --json` on the real spec-218 runtime under chopsticks,
each step checked against the chain's events and storage (read independently): fund a fresh coldkey, create a
subnet with its owner hotkey, register a second hotkey, stake on the new subnet and unstake part, move the rest
to root, set weights, then `stake list` and `subnets metagraph` equal to storage value by value."""

from __future__ import annotations

import pytest

from chain.dtao.shares import value_r218
from chain.runtime.storage_items import storage_key
from chain.storage import u16_key
from tests.integration.test_cli_chain_support import ChainCli, make_wallet
from tests.realchain.test_dtao_cli_spec218 import cli as cli  # the module fixtures: one chain per module
from tests.realchain.test_dtao_cli_spec218 import raw, with_block
from tests.realchain.test_dtao_spec218 import TAO, Chain, M
from tests.realchain.test_dtao_spec218 import chain as chain
from tests.realchain.test_dtao_writes_spec218 import events_of, free_of, within_slippage
from wallet.ss58 import ss58_decode

pytestmark = [pytest.mark.realchain, pytest.mark.slow]


def alpha_of(chain: Chain, hotkey: str, coldkey: bytes, netuid: int, at: str) -> int:
    hot, n = ss58_decode(hotkey), u16_key(netuid)
    return value_r218(chain.read("TotalHotkeyAlpha", hot, n, at=at), chain.read("TotalHotkeyShares", hot, n, at=at),
                      chain.read("Alpha", hot, coldkey, n, at=at))


def test_the_dtao_journey_through_the_cli(chain: Chain, cli: ChainCli) -> None:
    carol = make_wallet(cli.wallets, "carol")
    with_block(chain, lambda: cli.ok("transfer", "--dest", carol.cold, "--amount", "1000", wallet="alice"))
    at = chain.node.call("chain_getBlockHash")
    assert chain.substrate.query("System", "Account", [carol.cold], block_hash=at)["data"]["free"].value == 1000 * TAO

    chain.allow_network_registration()
    created = with_block(chain, lambda: cli.ok("subnets", "create", wallet="carol"))
    netuid, owner_hot = created["netuid"], carol.hotkey.ss58_address
    at = chain.node.call("chain_getBlockHash")
    assert created["owner_hotkey"] == owner_hot and chain.read("SubnetOwner", u16_key(netuid), at=at) == ss58_decode(
        carol.cold)
    assert chain.read("Keys", u16_key(netuid), u16_key(0), at=at) == ss58_decode(owner_hot)

    registered = with_block(chain, lambda: cli.ok("subnets", "register", "--netuid", str(netuid), wallet="bob"))
    at = chain.node.call("chain_getBlockHash")
    bob_hot = registered["hotkey"]
    assert registered["uid"] == chain.read("Uids", u16_key(netuid), ss58_decode(bob_hot), at=at) == 1

    # R218 opens a pool at 1 RAO against 1 (§3): a stake would buy nothing and safe staking refuses it
    line = cli.fails("stake", "add", "--netuid", str(netuid), "--amount", "20", "--hotkey-ss58", owner_hot,
                     wallet="bob")
    assert "past your tolerance of 0.5000 %" in line, line
    # §11.6's artificial pool, as the other spec-218 tests seed theirs: 1000 τ against 2000 α
    chain.set_storage({M: {"SubnetTAO": [[[netuid], 10**12]], "SubnetAlphaIn": [[[netuid], 2 * 10**12]]}})
    chain.new_block()
    bob = chain.pub("Bob")
    before = chain.node.call("chain_getBlockHash")
    added = with_block(chain, lambda: cli.ok("stake", "add", "--netuid", str(netuid), "--amount", "20",
                                             "--hotkey-ss58", owner_hot, "--no-safe-staking", wallet="bob"))
    at = chain.node.call("chain_getBlockHash")
    ((_, event),) = [e for e in events_of(chain, at) if e[0] == "StakeAdded"]
    bought = event[3]
    assert added["traded"] == [{"netuid": netuid, "tao": 20 * TAO, "alpha": bought, "added": 1}] and bought > 0
    assert within_slippage(bought, added["preview"]["legs"][0])  # the block's emission moved the pool a little
    assert abs(alpha_of(chain, owner_hot, bob, netuid, at) - bought) <= 10  # share rounding (§2.2)
    assert free_of(chain, "Bob", before) - free_of(chain, "Bob", at) == 20 * TAO

    half = bought // 2
    removed = with_block(chain, lambda: cli.ok("stake", "remove", "--netuid", str(netuid), "--amount",
                                               f"{half // TAO}.{half % TAO:09d}", "--hotkey-ss58", owner_hot,
                                               "--no-safe-staking", wallet="bob"))
    at = chain.node.call("chain_getBlockHash")
    ((_, event),) = [e for e in events_of(chain, at) if e[0] == "StakeRemoved"]
    assert removed["traded"] == [{"netuid": netuid, "tao": event[2], "alpha": half, "added": 0}]

    before = chain.node.call("chain_getBlockHash")
    moved = with_block(chain, lambda: cli.ok("stake", "move", "--netuid", str(netuid), "--dest-netuid", "0",
                                             "--all", "--hotkey-ss58", owner_hot, "--no-safe-staking",
                                             wallet="bob"))
    at = chain.node.call("chain_getBlockHash")
    names = [name for name, _ in events_of(chain, at)]
    assert names[-3:] == ["StakeRemoved", "StakeAdded", "StakeMoved"]
    assert [leg["netuid"] for leg in moved["traded"]] == [netuid, 0]
    # --all is what Bob held at the block the preview read; the owner hotkey's emission since then stays
    held = alpha_of(chain, owner_hot, bob, netuid, before)
    assert moved["traded"][0]["alpha"] == held == raw(moved["preview"]["legs"][0]["amount_in"])
    assert alpha_of(chain, owner_hot, bob, netuid, at) < held // 100

    chain.set_storage([[storage_key(chain.shape, M, "WeightsSetRateLimit", u16_key(netuid)), "0x" + "00" * 8]])
    chain.new_block()
    weights = with_block(chain, lambda: cli.ok("weights", "set", "--netuid", str(netuid), "--uids", "0",
                                               "--weights", "1", wallet="carol"))
    at = chain.node.call("chain_getBlockHash")
    assert "SubtensorModule.WeightsSet" in weights["receipt"]["events"]
    assert chain.read("Weights", u16_key(netuid), u16_key(0), at=at) == [(0, 65535)]

    listed = cli.ok("stake", "list", wallet="bob")
    at = chain.node.call("chain_getBlockHash")
    rows = {(r["hotkey"], r["netuid"]): raw(r["amount"]) for r in listed["stakes"]}
    assert rows[(owner_hot, 0)] == alpha_of(chain, owner_hot, bob, 0, at) > 0
    assert rows.get((owner_hot, netuid), 0) == alpha_of(chain, owner_hot, bob, netuid, at)
    graph = cli.ok("subnets", "metagraph", "--netuid", str(netuid))
    at = chain.node.call("chain_getBlockHash")
    assert [n["hotkey"] for n in graph["neurons"]] == [owner_hot, bob_hot]
    for row in graph["neurons"]:
        hot = ss58_decode(row["hotkey"])
        assert raw(row["alpha_stake"]) == chain.read("TotalHotkeyAlpha", hot, u16_key(netuid), at=at)
        assert raw(row["root_stake"]) == chain.read("TotalHotkeyAlpha", hot, u16_key(0), at=at)
