"""Every way an extrinsic can be invalid ends as a TransactionError with Substrate's code and text.

Extrinsics are signed by hand (tests.support.devsign) so each field can be made wrong on purpose.
"""

from __future__ import annotations

import os

import ed25519_zebra
import pytest

from localnet.runtime import balances, system
from localnet.runtime.errors import TransactionError
from localnet.runtime.executive import SPEC_VERSION, Runtime
from localnet.runtime.validation import nonce_tag
from localnet.scale.codec import encode_compact
from localnet.scale.extrinsic import SIG_ED25519, encode_unsigned, era_birth, mortal_era
from tests.support.devchain import DevChain
from tests.support.devsign import sign_extrinsic
from wallet.keypair import Keypair

TAO = 10**9
ALICE = Keypair.from_uri("//Alice")
BOB = Keypair.from_uri("//Bob")


def transfer_call(dest: bytes, value: int, keep_alive: bool = True) -> bytes:
    return bytes((5, 3 if keep_alive else 0)) + b"\x00" + dest + encode_compact(value)


@pytest.fixture
def chain() -> DevChain:
    c = DevChain(Runtime())
    c.produce([])
    return c


def signed(chain: DevChain, kp: Keypair = ALICE, nonce: int = 0, value: int = TAO, **kw: object) -> bytes:
    kw.setdefault("genesis_hash", chain.genesis_hash)
    return sign_extrinsic(kp.public_key, kp.sign, transfer_call(BOB.public_key, value), nonce=nonce, **kw)


def rejected(chain: DevChain, raw: bytes) -> TransactionError:
    with pytest.raises(TransactionError) as err:
        chain.validate(raw)
    return err.value


def test_valid_transfer_provides_its_nonce_tag(chain: DevChain) -> None:
    v = chain.validate(signed(chain))
    assert v.sender == ALICE.public_key and v.nonce == 0
    assert v.provides == [nonce_tag(ALICE.public_key, 0)] and v.requires == []
    assert v.longevity == 2**64 - 1 and v.fee > 0


def test_bad_signature(chain: DevChain) -> None:
    raw = bytearray(signed(chain))
    raw[40] ^= 0xFF  # inside the signature
    err = rejected(chain, bytes(raw))
    assert (err.code, err.message, err.data) == (1010, "Invalid Transaction", "Transaction has a bad signature")


def test_malformed_signature_bytes_are_a_bad_signature(chain: DevChain) -> None:
    raw = bytearray(signed(chain))
    raw[4 + 33 + 64 - 1] = 0x00  # clears the schnorrkel marker bit: sr25519.verify raises ValueError
    assert rejected(chain, bytes(raw)).data == "Transaction has a bad signature"


def test_wrong_genesis_and_spec_version_break_the_signature(chain: DevChain) -> None:
    assert rejected(chain, signed(chain, genesis_hash=os.urandom(32))).data == "Transaction has a bad signature"
    raw = signed(chain, spec_version=SPEC_VERSION + 1)
    assert rejected(chain, raw).data == "Transaction has a bad signature"


def test_stale_and_future_nonce(chain: DevChain) -> None:
    chain.produce([signed(chain, nonce=0)])
    assert rejected(chain, signed(chain, nonce=0)).data == "Transaction is outdated"
    future = chain.validate(signed(chain, nonce=3))
    assert future.requires == [nonce_tag(ALICE.public_key, 2)]
    block = chain.produce([signed(chain, nonce=3)])  # a block only takes the exact next nonce
    assert block.outcome.rejected and len(block.extrinsics) == 1


def test_expired_mortal_era_is_outdated(chain: DevChain) -> None:
    for _ in range(4):
        chain.produce([])
    era = mortal_era(8, chain.head.number)  # as a client does: current = finalized head
    raw = signed(chain, era=era, birth_hash=chain.block_hash(era_birth(era, chain.head.number)))
    assert 0 < chain.validate(raw).longevity <= 8
    for _ in range(10):
        chain.produce([])
    assert rejected(chain, raw).data == "Transaction is outdated"


def test_unknown_birth_block_is_ancient(chain: DevChain) -> None:
    raw = signed(chain, era=(64, 60), birth_hash=bytes(32))  # birth 60 > head: hash unknown
    assert rejected(chain, raw).data == "Transaction has an ancient birth block"


def test_cannot_pay_fee(chain: DevChain) -> None:
    poor = Keypair.from_uri("//Poor")
    raw = signed(chain, kp=poor)
    err = rejected(chain, raw)
    assert err.data == "Inability to pay some fees (e.g. account balance too low)"


def test_ed25519_signature_verified(chain: DevChain) -> None:
    secret, public = ed25519_zebra.ed_from_seed(b"\x07" * 32)
    # fund the ed25519 account first
    chain.produce([sign_extrinsic(ALICE.public_key, ALICE.sign, transfer_call(public, 10 * TAO), nonce=0,
                                  genesis_hash=chain.genesis_hash)])
    raw = sign_extrinsic(public, lambda m: ed25519_zebra.ed_sign(secret, m), transfer_call(BOB.public_key, TAO),
                         nonce=0, genesis_hash=chain.genesis_hash, sig_type=SIG_ED25519)
    assert chain.validate(raw).sender == public
    bad = bytearray(raw)
    bad[40] ^= 1
    assert rejected(chain, bytes(bad)).data == "Transaction has a bad signature"


@pytest.mark.parametrize("raw", [b"", b"\x00", b"\x04", b"\x08\x84\x00", b"\xff" * 10, os.urandom(150),
                                 b"\x10\x04\x05\x03\x00", encode_compact(3) + b"\x04\x63\x00"])
def test_garbage_is_a_1010_never_an_exception(chain: DevChain, raw: bytes) -> None:
    err = rejected(chain, raw)
    assert err.code == 1010 and err.message == "Invalid Transaction" and err.data


def test_truncated_extrinsic(chain: DevChain) -> None:
    raw = signed(chain)
    for cut in (1, 10, 50, len(raw) - 1):
        assert rejected(chain, raw[:cut]).code == 1010


def test_unsigned_calls(chain: DevChain) -> None:
    err = rejected(chain, encode_unsigned(transfer_call(BOB.public_key, 1)))
    assert (err.code, err.message) == (1011, "Unknown Transaction")
    inherent = rejected(chain, encode_unsigned(b"\x02\x00" + encode_compact(5)))
    assert inherent.code == 1010


def test_zero_sender_rejected(chain: DevChain) -> None:
    raw = bytearray(signed(chain))
    raw[4:36] = bytes(32)
    assert rejected(chain, bytes(raw)).data == "Invalid signing address"


def test_block_rejects_invalid_and_keeps_state(chain: DevChain) -> None:
    good, bad = signed(chain, nonce=0), signed(chain, nonce=0, value=2 * TAO)
    b0 = balances.free_balance(chain.head.state, BOB.public_key)
    block = chain.produce([good, bad])
    assert len(block.extrinsics) == 2 and len(block.outcome.rejected) == 1
    assert block.outcome.rejected[0][1].data == "Transaction is outdated"
    assert balances.free_balance(block.state, BOB.public_key) == b0 + TAO
    assert system.account_nonce(block.state, ALICE.public_key) == 1


def test_mutation_fuzz_only_ever_raises_transaction_error(chain: DevChain) -> None:
    import random

    rng = random.Random(11)
    base = signed(chain)
    outcomes = {"valid": 0, "invalid": 0}
    for _ in range(400):
        raw = bytearray(base)
        for _ in range(rng.randrange(1, 4)):
            op = rng.randrange(3)
            pos = rng.randrange(len(raw))
            if op == 0:
                raw[pos] = rng.randrange(256)
            elif op == 1:
                del raw[pos]
            else:
                raw.insert(pos, rng.randrange(256))
        try:
            chain.validate(bytes(raw))
            outcomes["valid"] += 1
        except TransactionError as err:
            assert err.code in (1010, 1011) and err.data
            outcomes["invalid"] += 1
    assert outcomes["invalid"] > 350


def test_block_with_garbage_includes_only_valid(chain: DevChain) -> None:
    good, next_good = signed(chain, nonce=0), signed(chain, nonce=1)
    block = chain.produce([os.urandom(64), good, b"", good[:-3], next_good])
    assert block.extrinsics[1:] == [good, next_good]
    assert len(block.outcome.rejected) == 3
    assert all(isinstance(err, TransactionError) for _, err in block.outcome.rejected)


def test_check_weight_rejects_oversized_calls(chain: DevChain) -> None:
    remark = bytes((0, 0)) + encode_compact(4 * 1024 * 1024) + b"x" * (4 * 1024 * 1024)
    raw = sign_extrinsic(ALICE.public_key, ALICE.sign, remark, nonce=0, genesis_hash=chain.genesis_hash)
    assert rejected(chain, raw).data == "Transaction would exhaust the block limits"


def test_concurrent_validation_and_execution_agree(chain: DevChain) -> None:
    """The node validates on RPC threads while the author executes blocks: results must not interfere."""
    from concurrent.futures import ThreadPoolExecutor

    xts = [signed(chain, nonce=i) for i in range(40)]
    head_state = chain.head.state
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(chain.runtime.validate_transaction, head_state, x, best_number=chain.head.number,
                               block_hash=chain.block_hash, genesis_hash=chain.genesis_hash) for x in xts]
        block = chain.produce(xts[:20])
        valid = [f.result() for f in futures]
    assert [v.nonce for v in valid] == list(range(40))
    assert len(block.extrinsics) == 21 and not block.outcome.rejected
    assert system.account_nonce(block.state, ALICE.public_key) == 20
