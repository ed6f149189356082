"""chain.types decodes the §11 info layouts exactly as bt_decode (an independent Rust decoder) does.

The replies are built here byte by byte from random values, then decoded by both decoders; every field
must agree. bt_decode 0.8 knows only the later, longer SubnetHyperparameters, so the 2024 layout is
checked by appending the later fields and comparing the shared prefix.
"""

from __future__ import annotations

import random

import bt_decode
import pytest

from chain import types
from chain.scale import Reader, ScaleError, encode_compact, encode_uint, encode_vec
from wallet.ss58 import ss58_encode

C = encode_compact


def u(value: int, n: int) -> bytes:
    return encode_uint(value, n)


def acct(rng: random.Random) -> bytes:
    return bytes(rng.getrandbits(8) for _ in range(32))


def axon(rng: random.Random) -> tuple[bytes, list[int]]:
    v = [rng.getrandbits(64), rng.getrandbits(32), rng.getrandbits(128), rng.getrandbits(16), 4, 0, 1, 2]
    return u(v[0], 8) + u(v[1], 4) + u(v[2], 16) + u(v[3], 2) + bytes(v[4:]), v


def prometheus(rng: random.Random) -> tuple[bytes, list[int]]:
    v = [rng.getrandbits(64), rng.getrandbits(32), rng.getrandbits(128), rng.getrandbits(16), 6]
    return u(v[0], 8) + u(v[1], 4) + u(v[2], 16) + u(v[3], 2) + bytes([v[4]]), v


def neuron_bytes(rng: random.Random, full: bool) -> bytes:
    out = acct(rng) + acct(rng) + C(rng.getrandbits(16)) + C(rng.getrandbits(16)) + bytes([rng.getrandbits(1)])
    out += axon(rng)[0] + prometheus(rng)[0]
    out += encode_vec([acct(rng) + C(rng.getrandbits(rng.choice([6, 14, 30, 64]))) for _ in range(rng.randint(0, 4))])
    out += C(rng.getrandbits(16)) + C(rng.getrandbits(64))
    out += b"".join(C(rng.getrandbits(16)) for _ in range(5)) + C(rng.getrandbits(40)) + bytes([rng.getrandbits(1)])
    if full:
        for _ in range(2):
            out += encode_vec([C(rng.getrandbits(16)) + C(rng.getrandbits(16)) for _ in range(rng.randint(0, 5))])
    return out + C(rng.getrandbits(16))


def same_neuron(ours: types.NeuronInfoLite, theirs: object, full: bool) -> None:
    assert ours.hotkey == ss58_encode(bytes(theirs.hotkey))
    assert ours.coldkey == ss58_encode(bytes(theirs.coldkey))
    for name in ("uid", "netuid", "active", "rank", "emission", "incentive", "consensus", "trust",
                 "validator_trust", "dividends", "last_update", "validator_permit", "pruning_score"):
        assert getattr(ours, name) == getattr(theirs, name), name
    for name in ("block", "version", "ip", "port", "ip_type", "protocol", "placeholder1", "placeholder2"):
        assert getattr(ours.axon_info, name) == getattr(theirs.axon_info, name), name
    for name in ("block", "version", "ip", "port", "ip_type"):
        assert getattr(ours.prometheus_info, name) == getattr(theirs.prometheus_info, name), name
    assert ours.stake == [(ss58_encode(bytes(c)), s) for c, s in theirs.stake]
    if full:
        assert ours.weights == [tuple(p) for p in theirs.weights]
        assert ours.bonds == [tuple(p) for p in theirs.bonds]


@pytest.mark.parametrize("seed", range(5))
def test_neurons_lite_and_full_match_bt_decode(seed: int) -> None:
    rng = random.Random(seed)
    for full in (False, True):
        blob = encode_vec([neuron_bytes(rng, full) for _ in range(rng.randint(0, 6))])
        ours = types.decode_neurons(blob) if full else types.decode_neurons_lite(blob)
        theirs = (bt_decode.NeuronInfo if full else bt_decode.NeuronInfoLite).decode_vec(blob)
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs, strict=True):
            same_neuron(a, b, full)


def subnet_bytes(rng: random.Random) -> bytes:
    widths = [16, 16, 16, 64, 16, 16, 16, 16, 16, 16, 16, 64, 16, 16]
    out = b"".join(C(rng.getrandbits(w)) for w in widths)
    out += encode_vec([u(rng.getrandbits(16), 2) + u(rng.getrandbits(16), 2) for _ in range(rng.randint(0, 2))])
    return out + C(rng.getrandbits(64)) + C(rng.getrandbits(64)) + acct(rng)


@pytest.mark.parametrize("seed", range(5))
def test_subnets_match_bt_decode(seed: int) -> None:
    rng = random.Random(seed)
    entries = [b"\x01" + subnet_bytes(rng) for _ in range(rng.randint(1, 5))]
    blob = encode_vec(entries)
    ours = types.decode_subnets(blob)
    theirs = bt_decode.SubnetInfo.decode_vec_option(blob)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs, strict=True):
        for name in ("netuid", "rho", "kappa", "difficulty", "immunity_period", "max_allowed_validators",
                     "min_allowed_weights", "max_weights_limit", "scaling_law_power", "subnetwork_n",
                     "max_allowed_uids", "blocks_since_last_step", "tempo", "network_modality",
                     "emission_values", "burn"):
            assert getattr(a, name) == getattr(b, name), name
        assert a.owner == ss58_encode(bytes(b.owner))
        assert [list(p) for p in a.network_connect] == [list(p) for p in b.network_connect]
    single = types.decode_subnet(entries[0][1:])
    assert single == ours[0]
    assert types.decode_subnet(b"") is None


@pytest.mark.parametrize("seed", range(5))
def test_hyperparams_2024_layout_is_the_prefix_bt_decode_reads(seed: int) -> None:
    rng = random.Random(seed)
    parts = []
    for _, kind in types.HYPERPARAM_FIELDS:
        parts.append(bytes([rng.getrandbits(1)]) if kind == "bool" else C(rng.getrandbits(16 if kind == "c16" else 64)))
    blob_2024 = b"".join(parts)
    later = C(7) + b"\x01" + C(1) + C(2) + b"\x00"  # commit_reveal interval/enabled, alpha_high/low, liquid
    ours = types.decode_hyperparams(blob_2024)
    theirs = bt_decode.SubnetHyperparameters.decode(blob_2024 + later)
    for name, _ in types.HYPERPARAM_FIELDS:
        assert getattr(ours, name) == getattr(theirs, name), name
    with pytest.raises(ScaleError, match="trailing"):
        types.decode_hyperparams(blob_2024 + later)


def delegate_bytes(rng: random.Random) -> bytes:
    out = acct(rng) + C(rng.getrandbits(16))
    out += encode_vec([acct(rng) + C(rng.getrandbits(50)) for _ in range(rng.randint(0, 4))])
    out += acct(rng)
    out += encode_vec([C(rng.getrandbits(16)) for _ in range(rng.randint(0, 3))])
    out += encode_vec([C(rng.getrandbits(16)) for _ in range(rng.randint(0, 3))])
    return out + C(rng.getrandbits(64)) + C(rng.getrandbits(64))


def same_delegate(a: types.DelegateInfo, b: object) -> None:
    assert a.hotkey == ss58_encode(bytes(b.delegate_ss58))
    assert a.owner == ss58_encode(bytes(b.owner_ss58))
    assert a.take == b.take
    assert a.nominators == [(ss58_encode(bytes(c)), s) for c, s in b.nominators]
    assert a.registrations == list(b.registrations)
    assert a.validator_permits == list(b.validator_permits)
    assert (a.return_per_1000, a.total_daily_return) == (b.return_per_1000, b.total_daily_return)


@pytest.mark.parametrize("seed", range(5))
def test_delegates_match_bt_decode(seed: int) -> None:
    rng = random.Random(seed)
    blob = encode_vec([delegate_bytes(rng) for _ in range(rng.randint(0, 4))])
    ours = types.decode_delegates(blob)
    theirs = bt_decode.DelegateInfo.decode_vec(blob)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs, strict=True):
        same_delegate(a, b)
    one = delegate_bytes(rng)
    same_delegate(types.decode_delegate(one), bt_decode.DelegateInfo.decode(one))
    delegated = types.decode_delegated(encode_vec([one + C(12345)]))
    assert delegated[0][1] == 12345
    same_delegate(delegated[0][0], bt_decode.DelegateInfo.decode(one))


def test_stake_infos_match_bt_decode() -> None:
    rng = random.Random(9)
    blob = encode_vec([acct(rng) + acct(rng) + C(rng.getrandbits(60)) for _ in range(4)])
    ours = types.decode_stake_infos(blob)
    theirs = bt_decode.StakeInfo.decode_vec(blob)
    assert [(s.hotkey, s.coldkey, s.stake) for s in ours] == [
        (ss58_encode(bytes(t.hotkey)), ss58_encode(bytes(t.coldkey)), t.stake) for t in theirs
    ]


def test_compact_round_trips_at_every_mode_boundary() -> None:
    for value in (0, 63, 64, 16383, 16384, 2**30 - 1, 2**30, 2**64 - 1, 2**128 - 1):
        assert Reader(C(value)).compact() == value


def test_truncated_and_malformed_replies_raise_scale_error() -> None:
    blob = encode_vec([neuron_bytes(random.Random(1), False)])
    with pytest.raises(ScaleError, match="truncated"):
        types.decode_neurons_lite(blob[:-3])
    with pytest.raises(ScaleError, match="vector length"):
        types.decode_neurons_lite(C(10_000) + b"\x00")
    with pytest.raises(ScaleError, match="Option tag"):
        types.decode_subnets(encode_vec([b"\x07"]))
    assert types.decode_neuron_lite(b"") is None


def test_axon_ip_rendering() -> None:
    v4 = types.AxonInfo(1, 1, 0x7F000001, 8091, 4, 0, 0, 0)
    v6 = types.AxonInfo(1, 1, 1, 8091, 6, 0, 0, 0)
    assert (v4.ip_str, v6.ip_str, v4.is_serving) == ("127.0.0.1", "::1", True)
    assert not types.AxonInfo(0, 0, 0, 0, 0, 0, 0, 0).is_serving


def test_neuron_json_carries_every_field() -> None:
    import dataclasses

    blob = encode_vec([neuron_bytes(random.Random(3), True)])
    (n,) = types.decode_neurons(blob)
    data = n.to_json()
    expected = dataclasses.asdict(n)
    expected["stake"] = [list(p) for p in n.stake]
    expected["weights"] = [list(p) for p in n.weights]
    expected["bonds"] = [list(p) for p in n.bonds]
    expected["total_stake"] = sum(s for _, s in n.stake)
    assert data == expected
