"""Balances, fees and the runtime APIs, executed block by block on the real runtime."""

from __future__ import annotations

from typing import Any

import pytest

from localnet.runtime import balances, system, transaction_payment
from localnet.runtime.apis import ApiError, UnknownApiMethod
from localnet.runtime.executive import Runtime
from localnet.runtime.pallets import BY_NAME
from tests.support.devchain import DevBlock, DevChain
from tests.support.devsign import sign_extrinsic
from wallet.keypair import Keypair

TAO = 10**9
ALICE, BOB = Keypair.from_uri("//Alice"), Keypair.from_uri("//Bob")
NEWBIE = Keypair.from_uri("//Newbie")


@pytest.fixture
def chain() -> DevChain:
    c = DevChain(Runtime())
    c.produce([])
    return c


def call(name: str, *args: Any) -> bytes:
    return BY_NAME["Balances"].calls_by_name[name].encode(*args)


def send(chain: DevChain, kp: Keypair, raw_call: bytes) -> DevBlock:
    nonce = system.account_nonce(chain.head.state, kp.public_key)
    xt = sign_extrinsic(kp.public_key, kp.sign, raw_call, nonce=nonce, genesis_hash=chain.genesis_hash)
    block = chain.produce([xt])
    assert not block.outcome.rejected
    return block


def events(chain: DevChain, block: DevBlock) -> list[tuple[str, str, Any]]:
    out = []
    for record in chain.runtime.read(block.state, "System", "Events"):
        (pallet, inner), = record["event"].items()
        (name, fields), = inner.items() if isinstance(inner, dict) else ((inner, None),)
        out.append((pallet, name, fields))
    return out


def free(chain: DevChain, kp: Keypair) -> int:
    return balances.free_balance(chain.head.state, kp.public_key)


def test_new_account_endowed_and_issuance_tracks_fees(chain: DevChain) -> None:
    issuance = chain.runtime.read(chain.head.state, "Balances", "TotalIssuance")
    block = send(chain, ALICE, call("transfer_allow_death", {"Id": NEWBIE.public_key}, 3 * TAO))
    names = [(p, n) for p, n, _ in events(chain, block)]
    assert ("System", "NewAccount") in names and ("Balances", "Endowed") in names
    fee = next(f for p, n, f in events(chain, block) if n == "TransactionFeePaid")["actual_fee"]
    assert chain.runtime.read(block.state, "Balances", "TotalIssuance") == issuance - fee
    info = chain.runtime.read(block.state, "System", "Account", NEWBIE.public_key)
    assert info["providers"] == 1 and info["data"]["free"] == 3 * TAO


def test_existential_deposit_rules(chain: DevChain) -> None:
    block = send(chain, ALICE, call("transfer_keep_alive", {"Id": NEWBIE.public_key}, 499))
    failed = [f for p, n, f in events(chain, block) if n == "ExtrinsicFailed"]
    assert failed and failed[0]["dispatch_error"] == {"Module": {"index": 5, "error": b"\x03\x00\x00\x00"}}
    send(chain, ALICE, call("transfer_keep_alive", {"Id": NEWBIE.public_key}, 10_000))
    # keep-alive may not take the account below the ED (Expendability, index 4) ...
    fee = transaction_payment.compute_fee(145, balances.TRANSFER_WEIGHT, 0, True)
    block = send(chain, NEWBIE, call("transfer_keep_alive", {"Id": BOB.public_key}, 10_000 - fee - 100))
    failed = [f for _, n, f in events(chain, block) if n == "ExtrinsicFailed"]
    assert failed[0]["dispatch_error"] == {"Module": {"index": 5, "error": b"\x04\x00\x00\x00"}}
    # ... allow-death may: the dust is burned and the account reaped.
    issuance = chain.runtime.read(chain.head.state, "Balances", "TotalIssuance")
    left = free(chain, NEWBIE)
    block = send(chain, NEWBIE, call("transfer_allow_death", {"Id": BOB.public_key}, left - fee - 100))
    names = [n for _, n, _ in events(chain, block)]
    assert "KilledAccount" in names and "DustLost" in names
    assert not system.Account.contains(block.state, NEWBIE.public_key)
    assert chain.runtime.read(block.state, "Balances", "TotalIssuance") == issuance - fee - 100


def test_transfer_all_keep_alive_leaves_the_ed(chain: DevChain) -> None:
    send(chain, ALICE, call("transfer_allow_death", {"Id": NEWBIE.public_key}, 2 * TAO))
    send(chain, NEWBIE, call("transfer_all", {"Id": BOB.public_key}, True))
    assert free(chain, NEWBIE) == balances.EXISTENTIAL_DEPOSIT


def test_force_set_balance_needs_root(chain: DevChain) -> None:
    block = send(chain, BOB, call("force_set_balance", {"Id": NEWBIE.public_key}, 5 * TAO))
    failed = [f for _, n, f in events(chain, block) if n == "ExtrinsicFailed"]
    assert failed[0]["dispatch_error"] == "BadOrigin"
    assert free(chain, NEWBIE) == 0


def test_payment_apis_agree_with_the_charged_fee(chain: DevChain) -> None:
    raw_call = call("transfer_keep_alive", {"Id": BOB.public_key}, TAO)
    xt = sign_extrinsic(ALICE.public_key, ALICE.sign, raw_call, nonce=0, genesis_hash=chain.genesis_hash, tip=7)
    rt, state = chain.runtime, chain.head.state
    info = rt.query_info(state, xt)
    assert info["class"] == "normal" and info["weight"]["ref_time"] == balances.TRANSFER_WEIGHT
    details = rt.query_fee_details(state, xt)
    assert details["tip"] == hex(7)
    parts = details["inclusionFee"]
    assert int(parts["lenFee"], 16) == len(xt)
    assert int(info["partialFee"]) == sum(int(v, 16) for v in parts.values())
    before = free(chain, ALICE)
    block = chain.produce([xt])
    paid = next(f for _, n, f in events(chain, block) if n == "TransactionFeePaid")
    assert paid["actual_fee"] == int(info["partialFee"]) + 7 and paid["tip"] == 7
    assert free(chain, ALICE) == before - TAO - paid["actual_fee"]
    api = rt.call(state, "TransactionPaymentApi_query_info", xt + len(xt).to_bytes(4, "little"))
    assert int.from_bytes(api[-8:], "little") == int(info["partialFee"])  # u64 Balance, as spec 143 encodes it


def test_account_nonce_api_and_unknown_methods(chain: DevChain) -> None:
    send(chain, ALICE, call("transfer_keep_alive", {"Id": BOB.public_key}, TAO))
    rt, state = chain.runtime, chain.head.state
    assert rt.call(state, "AccountNonceApi_account_nonce", ALICE.public_key) == (1).to_bytes(4, "little")
    assert rt.account_nonce(state, ALICE.public_key) == 1
    with pytest.raises(UnknownApiMethod):
        rt.call(state, "Nope_nothing", b"")
    with pytest.raises(ApiError):
        rt.call(state, "AccountNonceApi_account_nonce", b"\x01\x02")


def test_timestamp_inherent_first_and_monotonic(chain: DevChain) -> None:
    b1 = chain.produce([], timestamp_ms=5_000)
    b2 = chain.produce([], timestamp_ms=1_000)  # a clock going backwards is clamped
    assert b1.extrinsics[0][1:4] == b"\x04\x02\x00"
    now1 = chain.runtime.read(b1.state, "Timestamp", "Now")
    assert chain.runtime.read(b2.state, "Timestamp", "Now") > now1
    assert chain.runtime.read(b2.state, "System", "Number") == b2.number
    assert chain.runtime.read(b2.state, "System", "BlockHash", b1.number) == b1.hash
    assert chain.runtime.read(b2.state, "System", "ParentHash") == b1.hash


def test_events_reset_each_block(chain: DevChain) -> None:
    send(chain, ALICE, call("transfer_keep_alive", {"Id": BOB.public_key}, TAO))
    empty = chain.produce([])
    assert [n for _, n, _ in events(chain, empty)] == ["ExtrinsicSuccess"]  # only the inherent
    assert chain.runtime.read(empty.state, "System", "EventCount") == 1
    remark = BY_NAME["System"].calls_by_name["remark_with_event"].encode(b"hello")
    block = send(chain, ALICE, remark)
    assert "Remarked" in [n for _, n, _ in events(chain, block)]
