"""`stake transfer`, `stake swap` and `stake child take` through the real `taocli --json` against the real
spec-218 runtime under chopsticks. Spec 218 declares move_stake but not transfer_stake/swap_stake: both are
refused in one line naming the commands that do the same here, before anything is signed. It declares
set_childkey_take with storage bounds and a rate limit: set, read back equal to storage, out of bounds and too
soon refused (the composition on runtimes that do declare transfer/swap is in tests/unit/test_dtao_moves.py,
on registries built from their layouts: no live runtime of those versions exists here)."""

from __future__ import annotations

import pytest

from chain.rooms.dtao_children import SET_CHILDKEY_TAKE_TX
from chain.storage import u16_key
from tests.integration.test_cli_chain_support import ChainCli
from tests.realchain.test_dtao_cli_spec218 import cli as cli  # the module fixtures: one chain per module
from tests.realchain.test_dtao_cli_spec218 import with_block
from tests.realchain.test_dtao_spec218 import Chain
from tests.realchain.test_dtao_spec218 import chain as chain

pytestmark = [pytest.mark.realchain, pytest.mark.slow]


def untouched(chain: Chain, before: str) -> bool:
    """Nothing was submitted: Manual mode builds no block and the pool is empty."""
    return chain.node.call("chain_getBlockHash") == before and chain.node.call("author_pendingExtrinsics") == []


def test_transfer_and_swap_are_refused_naming_what_this_chain_has(chain: Chain, cli: ChainCli) -> None:
    assert not chain.shape.has_call("SubtensorModule", "transfer_stake")
    assert not chain.shape.has_call("SubtensorModule", "swap_stake")
    before = chain.node.call("chain_getBlockHash")
    line = cli.fails("stake", "transfer", "--netuid", "1", "--dest", chain.ss58("Alice"), "--amount", "1",
                     "--hotkey-ss58", chain.ss58("AliceHot"), wallet="bob")
    assert line.startswith("Error: this chain has no transfer_stake (spec 218): unstake with "
                           "`taocli stake remove`"), line
    assert "`taocli transfer`" in line and "`taocli stake add`" in line and "nothing was signed" in line
    line = cli.fails("stake", "swap", "--netuid", "1", "--dest-netuid", "0", "--all", "--hotkey-ss58",
                     chain.ss58("AliceHot"), wallet="bob")
    assert line.startswith("Error: this chain has no swap_stake (spec 218): `taocli stake move --netuid A "
                           "--dest-netuid B`"), line
    assert untouched(chain, before)
    for named in (["stake", "remove"], ["transfer"], ["stake", "add"], ["stake", "move"]):  # they exist
        assert cli.run(*named, "--help", json_out=False).code == 0


def test_childkey_take_set_read_back_and_refused_out_of_bounds_or_too_soon(chain: Chain, cli: ChainCli) -> None:
    hot, key = chain.pub("AliceHot"), u16_key(1)
    shown = cli.ok("stake", "child", "take", "--netuid", "1", wallet="owner")
    assert (shown["take"], shown["stored"], shown["last_change_block"]) == (0, False, 0)
    assert shown["bounds"] == {"min": 0, "min_from": "storage MinChildkeyTake", "max": 11_796,
                               "max_from": "storage MaxChildkeyTake"}
    at = chain.node.call("chain_getBlockHash")
    assert shown["bounds"]["max"] == chain.read("MaxChildkeyTake", at=at)
    assert shown["rate_limit"] == {"blocks": chain.read("TxChildkeyTakeRateLimit", at=at),
                                   "from": "storage TxChildkeyTakeRateLimit"} and shown["rate_limit"]["blocks"] > 0

    done = with_block(chain, lambda: cli.ok("stake", "child", "take", "--netuid", "1", "--take", "5",
                                            wallet="owner"))
    at = chain.node.call("chain_getBlockHash")
    number = int(chain.node.call("chain_getHeader")["number"], 16)
    assert done["take"] == 3276 == chain.read("ChildkeyTake", hot, key, at=at)  # floor(5 % · 65535)
    assert done["receipt"]["block_number"] == number
    # the runtime's rate-limit key (TransactionType::SetChildkeyTake = 1) holds the block it was set in
    assert chain.read("TransactionKeyLastBlock", hot, key, u16_key(SET_CHILDKEY_TAKE_TX), at=at) == number
    read = cli.ok("stake", "child", "take", "--netuid", "1", "--hotkey-ss58", chain.ss58("AliceHot"))
    assert (read["take"], read["stored"], read["last_change_block"]) == (3276, True, number)
    shown_text = cli.ok("stake", "child", "take", "--netuid", "1", wallet="owner", json_out=False).stdout
    assert "3276/65535 (5.00%)" in shown_text and "0/65535 (0.00%) .. 11796/65535 (18.00%)" in shown_text

    before = chain.node.call("chain_getBlockHash")
    line = cli.fails("stake", "child", "take", "--netuid", "1", "--take", "50", wallet="owner")
    assert "take 32767/65535 is outside this chain's bounds 0..11796" in line and "nothing was signed" in line
    line = cli.fails("stake", "child", "take", "--netuid", "1", "--take", "9", wallet="owner")
    limit = shown["rate_limit"]["blocks"]
    assert (f"last changed at block {number}; an increase is allowed from block {number + limit}" in line
            and "nothing was signed" in line), line
    line = cli.fails("stake", "child", "take", "--netuid", "1", "--take", "5", "--hotkey-ss58",
                     chain.ss58("AliceHot"), wallet="bob")
    assert "belongs to coldkey" in line and "only its owner" in line
    assert untouched(chain, before)
    # a decrease is not checked before signing (later runtimes allow it any time; the metadata cannot tell):
    # spec 218 limits it too, and its refusal comes back as one line
    res = with_block(chain, lambda: cli.run("stake", "child", "take", "--netuid", "1", "--take", "1", wallet="owner"))
    assert res.code != 0 and "Traceback" not in res.stderr
    assert "SubtensorModule.TxChildkeyTakeRateLimitExceeded" in res.json()["error"]["message"]
    assert chain.read("ChildkeyTake", hot, key, at=chain.node.call("chain_getBlockHash")) == 3276
    # a decrease is not checked before signing (later runtimes allow it any time; the metadata cannot tell):
    # spec 218 limits it too, and its refusal comes back as one line
    res = with_block(chain, lambda: cli.run("stake", "child", "take", "--netuid", "1", "--take", "1", wallet="owner"))
    assert res.code != 0 and "Traceback" not in res.stderr
    assert "SubtensorModule.TxChildkeyTakeRateLimitExceeded" in res.json()["error"]["message"]
    assert chain.read("ChildkeyTake", hot, key, at=chain.node.call("chain_getBlockHash")) == 3276
