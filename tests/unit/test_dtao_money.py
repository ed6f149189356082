"""dTAO money maths against the vectors measured on the real spec-218 runtime (dtao-2025.md §11), exactly to
the RAO, and R233's rules as read from its source (§2.4: fee, minimum, liquidity floor, limit-price quirk)."""

from __future__ import annotations

import dataclasses
import gzip
from fractions import Fraction
from pathlib import Path

import pytest

from chain.dtao.amm import (
    R218_RULES,
    R233_RULES,
    U64_MAX,
    AmountTooLow,
    InsufficientLiquidity,
    Pool,
    alpha_for_tao,
    limit_price,
    max_alpha_under_limit,
    max_tao_under_limit,
    rules_for,
    stake_quote,
    swap_fee,
    tao_for_alpha,
    tao_value,
    unstake_quote,
)
from chain.dtao.shares import shares_for_stake_r218, value_r218, value_u64f64
from chain.runtime.shape import EnumShape, shape_from_bytes

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dtao"


def test_section_11_amm_vectors_to_the_rao() -> None:
    bob = Pool(tao=1_000_958_361_399, alpha=1_000_989_058_504)
    assert alpha_for_tao(bob, 100_000_000_000, R218_RULES) == 90_919_792_573  # a float gives …573.45
    charlie = Pool(tao=1_101_906_857_410, alpha=910_898_844_922)
    assert alpha_for_tao(charlie, 50_000_000_000, R218_RULES) == 39_538_736_967
    unstake = Pool(tao=1_152_853_762_520, alpha=872_122_010_016)
    assert tao_for_alpha(unstake, 45_819_815_806, R218_RULES) == 57_545_636_949
    fresh = Pool(tao=1, alpha=603_569_387)  # §11.5: the 1/1 pool after the drain refilled AlphaIn
    assert alpha_for_tao(fresh, 10_000_000_000, R218_RULES) == 603_569_386  # leaving A = 1, T = 10_000_000_001
    # §11.6: 1 RAO is accepted and buys 0 alpha: the pool then held about T = 1.095e12, A = 0.918e12 (after
    # Bob's unstake; the per-block drain moves them slightly), and with A < T one RAO buys less than 1 alpha
    after = Pool(tao=1_152_853_762_520 - 57_545_636_949, alpha=872_122_010_016 + 45_819_815_806)
    assert alpha_for_tao(after, 1, R218_RULES) == 0
    assert alpha_for_tao(Pool(10**12, 10**12), 1, R218_RULES) == 1  # at price 1 it would buy one


def test_section_11_share_vectors() -> None:
    assert shares_for_stake_r218(96_101_155_067, 9_021_654_641, 39_538_736_967) == 3_711_764_229
    assert value_r218(135_639_892_034, 12_733_418_870, 3_711_764_229) == 39_538_736_957  # 10 RAO under the stake
    assert value_r218(7_000_000_000, 5_000_000_000, 5_000_000_000) == 6_999_999_999  # captured StakeInfo (opaque test)
    assert shares_for_stake_r218(0, 0, 100_000_000_000) == 100_000_000_000  # §11.4: the first staker's shares
    assert value_r218(100_000_000_000, 100_000_000_000, 100_000_000_000) == 100_000_000_000
    assert value_r218(0, 0, 5) == 0
    one = 1 << 64  # U64F64: one share = 2^64 raw
    assert value_u64f64(7_000_000_000, 5_000_000_000 * one, 5_000_000_000 * one) == 6_999_999_999
    assert value_u64f64(10, 4 * one, one) == 2 and value_u64f64(10, 0, one) == 0


def test_root_and_stable_trade_one_to_one() -> None:
    root = Pool(tao=111_800_854_124, alpha=0, stable=True)
    assert alpha_for_tao(root, 100_000_000_000, R218_RULES) == 100_000_000_000  # §11.4: 100e9 TAO → 100e9 α
    assert root.spot_price() == 1 and tao_value(5, root) == 5
    assert Pool(10, 0).spot_price() == 0


def test_quotes_show_price_slippage_and_value() -> None:
    pool = Pool(tao=1_103_447_733_935, alpha=944_165_695_131)  # §11.12 at block 40
    assert pool.spot_price() == Fraction(1_103_447_733_935, 944_165_695_131)
    assert float(pool.spot_price()) == pytest.approx(1.168701, abs=1e-6)  # §11.12's price
    q = stake_quote(pool, 10_000_000_000, R218_RULES)
    assert q.fee == 0 and q.amount_out == alpha_for_tao(pool, 10_000_000_000, R218_RULES)
    # constant-product impact is x/(T+x) up to flooring
    assert abs(q.slippage - Fraction(10_000_000_000, 1_103_447_733_935 + 10_000_000_000)) < Fraction(1, 10**9)
    assert tao_value(81_171_897_379, pool) == (81_171_897_379 * 1_103_447_733_935) // 944_165_695_131
    u = unstake_quote(pool, q.amount_out, R218_RULES)
    assert u.fee == 0 and u.amount_out < 10_000_000_000 and u.slippage > 0


def test_r233_rules_fee_minimum_and_liquidity_floor() -> None:
    pool = Pool(tao=10**12, alpha=10**12)
    q = stake_quote(pool, 1_000_000_000, R233_RULES)
    assert q.fee == 50_000 and q.amount_out == alpha_for_tao(pool, 999_950_000, R233_RULES)
    with pytest.raises(AmountTooLow, match="549999 RAO is below the minimum stake of 550000"):
        stake_quote(pool, 549_999, R233_RULES)
    assert stake_quote(pool, 550_000, R233_RULES).amount_out > 0
    u = unstake_quote(pool, 1_000_000_000, R233_RULES)
    assert u.fee == 50_000 and u.amount_out == tao_for_alpha(pool, 1_000_000_000, R233_RULES) - 50_000
    with pytest.raises(AmountTooLow, match="not more than 500000"):
        unstake_quote(pool, 500_000, R233_RULES)
    with pytest.raises(InsufficientLiquidity, match="below the floor of 10000000"):
        alpha_for_tao(Pool(tao=20_000_000, alpha=20_000_000), 10**12, R233_RULES)
    # I110F18 floors at 18 fractional bits: the same trade can differ by a RAO from R218's I96F32
    assert abs(alpha_for_tao(pool, 10**9, R233_RULES) - alpha_for_tao(pool, 10**9, R218_RULES)) <= 1


def test_r233_limit_price_maths() -> None:
    pool = Pool(tao=2 * 10**12, alpha=10**12)  # price 2
    assert max_tao_under_limit(pool, 3 * 10**9) == 3 * 10**12 - 2 * 10**12
    assert max_tao_under_limit(pool, 1_999_999_999) == 0  # below the (whole) price
    cheap = Pool(tao=5 * 10**11, alpha=10**12)  # price 0.5 truncates to 0: any positive limit passes (quirk)
    assert max_tao_under_limit(cheap, 1) == 0 and max_tao_under_limit(cheap, 10**9) == 10**12 - 5 * 10**11
    assert max_alpha_under_limit(pool, 10**9) == 2 * 10**12 - 10**12
    assert max_alpha_under_limit(pool, 2 * 10**9) == 0 and max_alpha_under_limit(pool, 0) == U64_MAX
    root = Pool(10, 0, stable=True)
    assert max_tao_under_limit(root, 10**9) == U64_MAX and max_tao_under_limit(root, 10**9 - 1) == 0
    assert max_alpha_under_limit(root, 10**9) == U64_MAX and max_alpha_under_limit(root, 10**9 + 1) == 0
    assert limit_price(Fraction(2), Fraction(5, 100), buying=True) == 2_100_000_000
    assert limit_price(Fraction(2), Fraction(5, 100), buying=False) == 1_900_000_000
    assert swap_fee(1_000_000_000, 33) == 503_547


def test_rules_follow_the_metadata() -> None:
    r218 = shape_from_bytes(gzip.decompress((FIXTURES / "spec218-metadata-v15.scale.gz").read_bytes()))
    r143 = shape_from_bytes(gzip.decompress((FIXTURES / "spec143-metadata-v14.scale.gz").read_bytes()))
    assert rules_for(r218) is R218_RULES
    assert rules_for(r143) is None  # 2024: no pools
    errors = {**r218.errors, "SubtensorModule.InsufficientLiquidity": EnumShape("SubtensorModule",
                                                                                 "InsufficientLiquidity", 83, ())}
    assert rules_for(dataclasses.replace(r218, errors=errors)) is R233_RULES
    swap_api = dict(r218.apis)
    swap_api["SwapRuntimeApi_sim_swap_tao_for_alpha"] = swap_api["SubnetInfoRuntimeApi_get_dynamic_info"]
    assert rules_for(dataclasses.replace(r218, apis=swap_api)) is None  # only the chain can quote


def test_safefloat_shares_of_later_runtimes() -> None:
    from chain.dtao.shares import safe_float, value_safefloat

    assert safe_float(5 * 10**20, -20) == 5 and safe_float(0, 0) == 0
    # a holder of 3/7 of the shares of a 7e9 pool owns 3e9 alpha, whatever the mantissa scale
    assert value_safefloat(7 * 10**9, (7 * 10**20, -11), (3 * 10**20, -11)) == 3 * 10**9
    assert value_safefloat(10, (3 * 10**20, -20), (10**20, -20)) == 3  # floor(10/3)
    assert value_safefloat(10, (0, 0), (10**20, -20)) == 0


def test_commit_reveal_hash_and_window() -> None:
    import hashlib

    from chain.dtao.commit_reveal import commit_hash, epoch_index, reveal_window

    hot = bytes(range(32))
    payload = hot + b"\x02\x00" + b"\x04\x01\x00" + b"\x04\xff\xff" + b"\x0c\x01\x00\x02\x00\x03\x00" + bytes(8)
    assert commit_hash(hot, 2, [1], [65535], [1, 2, 3], 0) == hashlib.blake2b(payload, digest_size=32).digest()
    assert commit_hash(hot, 2, [1], [65535], [1, 2, 4], 0) != commit_hash(hot, 2, [1], [65535], [1, 2, 3], 0)
    # tempo 30, netuid 2: epochs are 31 blocks long, shifted by netuid + 1
    assert epoch_index(27, 2, 30) == 0 and epoch_index(28, 2, 30) == 1
    assert reveal_window(40, 2, 30) == (59, 89)  # the epoch after block 40's (epoch 1) is 2: blocks 59..89
    assert all(epoch_index(b, 2, 30) == 2 for b in range(59, 90)) and epoch_index(90, 2, 30) == 3


def test_stake_weight_of_section_11_14() -> None:
    from chain.dtao.shares import stake_weight_r218

    w = 3_320_413_933_267_719_290  # R218's TaoWeight (§2.1, ≈ 0.18)
    assert stake_weight_r218(82_978_467_731, 112_447_609_978, w) == 103_219_037_519  # §11.14, to the RAO
    assert stake_weight_r218(5, 0, w) == 5 and stake_weight_r218(0, 10**9, 0) == 0
