"""The dTAO writes through the real `taocli --json` against the real spec-218 runtime under chopsticks: what
the preview promised before signing, what the chain's events and storage say afterwards (read independently
by stock substrate-interface and the metadata's declarations), and a trade past the tolerance refused before
anything is signed. Reuses the chain and CLI set-up of test_dtao_spec218.py / test_dtao_cli_spec218.py."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from chain.dtao.amm import R218_RULES, Pool, alpha_for_tao, tao_for_alpha
from chain.storage import u16_key
from tests.integration.test_cli_chain_support import ChainCli
from tests.realchain.test_dtao_cli_spec218 import cli as cli  # the module fixtures: one chain per module
from tests.realchain.test_dtao_cli_spec218 import raw, stake_of, with_block
from tests.realchain.test_dtao_spec218 import TAO, Chain, M
from tests.realchain.test_dtao_spec218 import chain as chain
from wallet.keypair import Keypair
from wallet.ss58 import ss58_decode

pytestmark = [pytest.mark.realchain, pytest.mark.slow]


def events_of(chain: Chain, block: str) -> list[tuple[str, list[Any]]]:
    """This module's events in `block`, decoded by stock substrate-interface (not by taocli)."""
    return [(e.value["event_id"], e.value["attributes"]) for e in chain.substrate.get_events(block)
            if e.value["module_id"] == M]


def pool_at(chain: Chain, netuid: int, at: str) -> tuple[int, int]:
    return chain.read("SubnetTAO", u16_key(netuid), at=at), chain.read("SubnetAlphaIn", u16_key(netuid), at=at)


def free_of(chain: Chain, name: str, at: str) -> int:
    return chain.substrate.query("System", "Account", [chain.ss58(name)], block_hash=at)["data"]["free"].value


def within_slippage(outcome: int, leg: dict) -> bool:
    """The outcome is the preview's amount out, give or take the price impact the preview stated."""
    promised = raw(leg["amount_out"])
    return abs(outcome - promised) <= promised * Fraction(leg["slippage"]["exact"])


def test_stake_add_gives_the_alpha_the_preview_showed(chain: Chain, cli: ChainCli) -> None:
    before = chain.node.call("chain_getBlockHash")
    hot = chain.ss58("AliceHot")
    done = with_block(chain, lambda: cli.ok("stake", "add", "--netuid", "1", "--amount", "5", "--hotkey-ss58", hot,
                                            "--tolerance", "5", wallet="bob"))
    at = chain.node.call("chain_getBlockHash")
    ((_, (coldkey, hotkey, tao_in, alpha_out, netuid)),) = [e for e in events_of(chain, at)
                                                                if e[0] == "StakeAdded"]
    assert (coldkey, hotkey, tao_in, netuid) == (chain.ss58("Bob"), hot, 5 * TAO, 1)
    assert done["traded"] == [{"netuid": 1, "tao": 5 * TAO, "alpha": alpha_out, "added": 1}]  # to the unit
    t_after, a_after = pool_at(chain, 1, at)  # the trade is the block's last change to the pool
    assert alpha_for_tao(Pool(t_after - tao_in, a_after + alpha_out), tao_in, R218_RULES) == alpha_out
    (leg,) = done["preview"]["legs"]
    assert raw(leg["amount_in"]) == 5 * TAO and raw(leg["fee"]) == 0 and leg["amount_out"]["unit"] == "α1"
    assert Fraction(leg["slippage"]["exact"]) > 0 and within_slippage(alpha_out, leg)
    t0, a0 = pool_at(chain, 1, before)  # the preview is the pool maths on the block it read
    assert raw(leg["amount_out"]) == alpha_for_tao(Pool(t0, a0), 5 * TAO, R218_RULES)
    assert free_of(chain, "Bob", before) - free_of(chain, "Bob", at) == 5 * TAO  # Pays::No, no fee (§2.4)


def test_a_trade_past_the_tolerance_is_refused_before_signing(chain: Chain, cli: ChainCli) -> None:
    before = chain.node.call("chain_getBlockHash")
    line = cli.fails("stake", "add", "--netuid", "1", "--amount", "500", "--hotkey-ss58", chain.ss58("AliceHot"),
                     "--tolerance", "1", wallet="bob")
    assert "past your tolerance of 1.0000 %" in line and "nothing was signed" in line, line
    line = cli.fails("stake", "add", "--netuid", "1", "--amount", "500", "--hotkey-ss58", chain.ss58("AliceHot"),
                     "--rate-tolerance", "0.01", wallet="bob")
    assert "past your tolerance of 1.0000 %" in line
    assert chain.node.call("chain_getBlockHash") == before and chain.node.call("author_pendingExtrinsics") == []


def test_stake_remove_pays_the_tao_the_preview_showed(chain: Chain, cli: ChainCli) -> None:
    before = chain.node.call("chain_getBlockHash")
    held = stake_of(chain, "Bob", 1, before)
    done = with_block(chain, lambda: cli.ok("stake", "remove", "--netuid", "1", "--amount", "2", "--hotkey-ss58",
                                            chain.ss58("AliceHot"), "--tolerance", "5", wallet="bob"))
    at = chain.node.call("chain_getBlockHash")
    ((_, (_, _, tao_out, alpha_sold, netuid)),) = [e for e in events_of(chain, at) if e[0] == "StakeRemoved"]
    assert (alpha_sold, netuid) == (2 * TAO, 1)
    assert done["traded"] == [{"netuid": 1, "tao": tao_out, "alpha": 2 * TAO, "added": 0}]
    t_after, a_after = pool_at(chain, 1, at)
    assert tao_for_alpha(Pool(t_after + tao_out, a_after - alpha_sold), alpha_sold, R218_RULES) == tao_out
    assert free_of(chain, "Bob", at) - free_of(chain, "Bob", before) == tao_out
    (leg,) = done["preview"]["legs"]
    assert leg["amount_in"]["unit"] == "α1" and leg["amount_out"]["unit"] == "τ" and within_slippage(tao_out, leg)
    assert abs(stake_of(chain, "Bob", 1, at) - (held - alpha_sold)) <= 10  # share rounding (§2.2)
    too_much = str(held)  # more alpha than Bob holds: refused, naming what he holds
    line = cli.fails("stake", "remove", "--netuid", "1", "--amount", too_much, "--hotkey-ss58",
                     chain.ss58("AliceHot"), wallet="bob")
    assert "asked to remove" in line and "α1" in line


def test_stake_move_is_previewed_as_two_legs(chain: Chain, cli: ChainCli) -> None:
    before = chain.node.call("chain_getBlockHash")
    hot = chain.ss58("AliceHot")
    done = with_block(chain, lambda: cli.ok("stake", "move", "--netuid", "1", "--dest-netuid", "0", "--amount", "1",
                                            "--hotkey-ss58", hot, "--tolerance", "5", wallet="bob"))
    at = chain.node.call("chain_getBlockHash")
    events = events_of(chain, at)
    assert [name for name, _ in events][-3:] == ["StakeRemoved", "StakeAdded", "StakeMoved"]
    removed, added = events[-3][1], events[-2][1]
    assert done["traded"] == [{"netuid": 1, "tao": removed[2], "alpha": TAO, "added": 0},
                              {"netuid": 0, "tao": added[2], "alpha": added[3], "added": 1}]
    sell, buy = done["preview"]["legs"]
    t0, a0 = pool_at(chain, 1, before)
    assert raw(sell["amount_out"]) == tao_for_alpha(Pool(t0, a0), TAO, R218_RULES)
    assert raw(buy["amount_in"]) == raw(sell["amount_out"]) == raw(buy["amount_out"])  # root is 1:1
    assert within_slippage(removed[2], sell) and added[3] == added[2]


def test_subnets_create_with_the_owner_hotkey(chain: Chain, cli: ChainCli) -> None:
    chain.allow_network_registration()
    declared = chain.shape.call(M, "register_network").arg_names
    assert declared == ("hotkey", "mechid")
    done = with_block(chain, lambda: cli.ok("subnets", "create", wallet="owner"))
    at = chain.node.call("chain_getBlockHash")
    netuid = done["netuid"]
    assert done["owner_hotkey"] == chain.ss58("AliceHot")
    assert chain.read("NetworksAdded", u16_key(netuid), at=at)
    assert chain.read("SubnetOwner", u16_key(netuid), at=at) == chain.pub("Alice")
    assert chain.read("Keys", u16_key(netuid), u16_key(0), at=at) == ss58_decode(chain.ss58("AliceHot"))
    assert chain.read("SubnetMechanism", u16_key(netuid), at=at) == 1


def test_the_preview_is_shown_to_people_before_signing(chain: Chain, cli: ChainCli) -> None:
    done = with_block(chain, lambda: cli.ok("stake", "add", "--netuid", "1", "--amount", "1", "--hotkey-ss58",
                                            chain.ss58("AliceHot"), "--tolerance", "5", wallet="bob",
                                            json_out=False))
    at = chain.node.call("chain_getBlockHash")
    ((_, (_, _, _, alpha_out, _)),) = [e for e in events_of(chain, at) if e[0] == "StakeAdded"]
    shown = (done.stdout + done.stderr).splitlines()
    signed = next(i for i, line in enumerate(shown) if line.startswith("Submitted"))
    plan = {line.split()[0]: line for line in shown[:signed] if line.startswith("  ")}
    assert "1.000000000 τ → " in plan["trade"] and "α1 on subnet 1 (at spot" in plan["trade"]
    assert plan["slippage"].split()[1:] != [] and plan["tolerance"].split()[1:] == ["5.0000", "%"]
    after = "\n".join(shown[signed:])
    assert "✅ Staked τ1 in subnet 1" in after and f"received: {alpha_out // TAO}.{alpha_out % TAO:09d} α1" in after


def test_dtao_write_refusals_are_one_line(chain: Chain, cli: ChainCli) -> None:
    """A missing subnet, an unregistered hotkey and the 2024 one-step call from library code: one line each,
    nothing submitted."""
    from chain.balance import Balance
    from chain.client import Subtensor
    from chain.errors import RuntimeMismatch

    before = chain.node.call("chain_getBlockHash")
    hot = chain.ss58("AliceHot")
    assert "subnet 77 does not exist" in cli.fails("stake", "add", "--netuid", "77", "--amount", "1",
                                                   "--hotkey-ss58", hot, wallet="bob")
    nobody = Keypair.from_uri("//Nobody").ss58_address
    assert "is not registered on any subnet" in cli.fails("stake", "add", "--netuid", "1", "--amount", "1",
                                                          "--hotkey-ss58", nobody, wallet="bob")
    assert "no stake on hotkey" in cli.fails("stake", "remove", "--netuid", "1", "--all", "--hotkey-ss58", hot,
                                             wallet="alice")
    with Subtensor(chain.node.url, metadata_cache=False) as client, \
            pytest.raises(RuntimeMismatch, match=r"per subnet .*add_stake\(hotkey: AccountId32, netuid: u16"):
        client.staking.prepare_add_stake(chain.ss58("Bob"), hot, Balance.from_tao(1))
    assert chain.node.call("chain_getBlockHash") == before and chain.node.call("author_pendingExtrinsics") == []


def test_delegate_take_down_then_up(chain: Chain, cli: ChainCli) -> None:
    """decrease_take then increase_take through `delegate take`: the stored take is what the preview named."""
    hot = chain.pub("AliceHot")
    current = chain.read("Delegates", hot, at=chain.node.call("chain_getBlockHash"))
    lower = with_block(chain, lambda: cli.ok("delegate", "take", "--take", "5", wallet="owner"))
    at = chain.node.call("chain_getBlockHash")
    assert (lower["take_before"], lower["take"]) == (current, 65535 * 5 // 100)
    assert chain.read("Delegates", hot, at=at) == lower["take"]
    assert [n for n, _ in events_of(chain, at)] == ["TakeDecreased"]
    higher = with_block(chain, lambda: cli.ok("delegate", "take", "--take", "9", wallet="owner"))
    at = chain.node.call("chain_getBlockHash")
    assert chain.read("Delegates", hot, at=at) == higher["take"] == 65535 * 9 // 100
    assert [n for n, _ in events_of(chain, at)] == ["TakeIncreased"]
    assert "already takes" in cli.fails("delegate", "take", "--take", "9", wallet="owner")
    assert "outside this chain's bounds" in cli.fails("delegate", "take", "--take", "50", wallet="owner")


def test_stake_child_set_and_get(chain: Chain, cli: ChainCli) -> None:
    """set_children(AliceHot, 1, [(½·u64::MAX, BobHot)]) through the CLI; `stake child get` equals ChildKeys."""
    child = chain.ss58("BobHot")
    done = with_block(chain, lambda: cli.ok("stake", "child", "set", "--netuid", "1", "--children", child,
                                            "--proportions", "0.5", wallet="owner"))
    at = chain.node.call("chain_getBlockHash")
    assert done["children"] == [{"hotkey": child, "proportion": "1/2"}]
    stored = chain.read("ChildKeys", chain.pub("AliceHot"), u16_key(1), at=at)
    assert [(int(p), bytes(c)) for p, c in stored] == [(((1 << 64) - 1) // 2, chain.pub("BobHot"))]
    shown = cli.ok("stake", "child", "get", "--netuid", "1", "--hotkey-ss58", chain.ss58("AliceHot"))
    assert shown["children"] == [{"hotkey": child, "proportion": f"{((1 << 64) - 1) // 2}/{(1 << 64) - 1}"}]
    assert "own child" in cli.fails("stake", "child", "set", "--netuid", "1", "--children", chain.ss58("AliceHot"),
                                    "--proportions", "0.5", wallet="owner")
    assert "on root" in cli.fails("stake", "child", "set", "--netuid", "0", "--children", child,
                                  "--proportions", "0.5", wallet="owner")
