"""Today's public chains (spec 283+, a SwapRuntimeApi; shapes of spec 425): prices, sim_swap quotes, limit-price
calls and the typed metagraph, driven through the real room code (`DtaoSubnets`, `quote_leg`, `trade_call`,
`checked`) over a `DtaoContext` whose RPC answers with SCALE bytes built from the layouts of dtao-2025.md
§P2.2–P2.5 (`tests/unit/dtao_spec425.py`). These are recorded-bytes tests at the boundary where the connection
returns raw bytes, NOT a live chain: no runtime of spec 233+ runs here. The quote vectors are mainnet figures
(subnet 92 at block 9_240_388; a spec-30x 4-field reply) as published with their replies."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from chain.dtao.amm import Pool, limit_price
from chain.dtao.errors import RuntimeTooNew
from chain.dtao.trade import Leg, QuoteFailed, SlippageRefused, checked
from chain.errors import PreconditionFailed, RuntimeMismatch
from chain.rooms.dtao_subnets import DtaoSubnets
from chain.rooms.dtao_writes import need_min_unstake, quote_leg, trade_call
from chain.runtime.calls import require_call
from tests.unit.dtao_spec425 import (
    BLOCK,
    SIM_FIELDS,
    STAKE_CALLS,
    context,
    infos,
    registry,
    shape_425,
    subnet,
)
from tests.unit.test_dtao_typed import COLD, HOT
from wallet.ss58 import ss58_encode

SN92_PRICE = 1_348_210  # RAO per α, current_alpha_price(92)
SN92_BUY = {"tao_amount": 9_994_964_523, "alpha_amount": 7_289_425_629_146, "tao_fee": 5_035_477, "alpha_fee": 0,
            "tao_slippage": 0, "alpha_slippage": 127_811_335_036}  # sim_swap_tao_for_alpha(92, 10 τ)


def rooms(drop: tuple[str, ...] = ()) -> tuple[Any, Any, Any]:
    reg = registry()
    rpc, ctx = context(reg, shape_425(reg, drop))
    subnet(rpc, reg, ctx, 0, 0, 10**12, 10**12)
    subnet(rpc, reg, ctx, 5, 0, 4 * 10**9, 4 * 10**9)  # a stable (mechanism 0) subnet
    subnet(rpc, reg, ctx, 92, 1, 1_102_503_434_039, 943_304_130_678)
    rpc.reply("SubnetInfoRuntimeApi_get_all_dynamic_info", b"", infos(reg, [0, 5, 92]))
    return reg, rpc, ctx


def test_the_spec_425_shape_decides_the_features() -> None:
    _, _, ctx = rooms()
    f = ctx.features
    assert f.swap_api and f.typed_runtime_apis and ctx.rules is None  # only the chain can quote
    assert f.limit_price_calls == {"add_stake_limit", "remove_stake_limit"}
    assert ctx.min_stake() == 2_000_000  # the declared constant InitialMinStake
    # NetUid / TaoCurrency are newtypes: the argument bytes are the numbers inside (u16, u64)
    assert ctx.decoder.encode_args("SwapRuntimeApi", "sim_swap_tao_for_alpha", 92, 10**10) == (
        b"\x5c\x00" + (10**10).to_bytes(8, "little"))


def test_prices_come_from_current_alpha_price_all_in_one_call_and_stable_subnets_are_one() -> None:
    reg, rpc, ctx = rooms()
    rpc.reply("SwapRuntimeApi_current_alpha_price_all", b"", reg.encode("Vec<SubnetPrice>", [
        {"netuid": 0, "price": 10**9}, {"netuid": 92, "price": SN92_PRICE}]))
    subnets = DtaoSubnets(None, None, ctx)  # type: ignore[arg-type]  # the reads below use only the context
    pools = {p.netuid: p for p in subnets.pools(BLOCK)}
    assert {n: p.price for n, p in pools.items()} == {0: 1, 5: 1, 92: Fraction(SN92_PRICE, 10**9)}
    assert pools[92].price != Fraction(pools[92].tao_in, pools[92].alpha_in)  # not T/A on this era
    assert pools[92].to_json()["price"]["value"] == "0.001348210"
    assert rpc.api_calls().count("SwapRuntimeApi_current_alpha_price_all") == 1
    assert "SwapRuntimeApi_current_alpha_price" not in rpc.api_calls()


def test_without_the_all_method_each_pooled_subnet_is_asked_alone() -> None:
    """Specs 283–390 declare only current_alpha_price(netuid); root and stable subnets are not asked."""
    reg, rpc, ctx = rooms(drop=("SwapRuntimeApi_current_alpha_price_all",))
    rpc.reply("SwapRuntimeApi_current_alpha_price", reg.encode("NetUid", 92), reg.encode("u64", SN92_PRICE))
    prices = DtaoSubnets(None, None, ctx).prices(ctx.all_dynamic_info(BLOCK), BLOCK)  # type: ignore[arg-type]
    assert prices == {0: 1, 5: 1, 92: Fraction(SN92_PRICE, 10**9)}
    assert rpc.api_calls().count("SwapRuntimeApi_current_alpha_price") == 1


def sn92_buy_of_10_tao() -> tuple[Any, Leg]:
    """The chain's own quote of 10 τ into subnet 92 (mainnet figures), at its current price."""
    reg, rpc, ctx = rooms()
    rpc.reply("SwapRuntimeApi_current_alpha_price_all", b"",
              reg.encode("Vec<SubnetPrice>", [{"netuid": 92, "price": SN92_PRICE}]))
    rpc.reply("SwapRuntimeApi_sim_swap_tao_for_alpha", reg.encode("(NetUid, TaoCurrency)", (92, 10**10)),
              reg.encode("SimSwapResult", SN92_BUY))
    leg = quote_leg(ctx, Pool(1, 1), 92, 10**10, True, "γ", BLOCK)
    return ctx, leg


def test_a_buy_leg_is_the_chains_sim_swap_and_the_limit_follows_its_price() -> None:
    _, leg = sn92_buy_of_10_tao()
    q = leg.quote
    assert (q.amount_in, q.fee, q.amount_out, leg.fee_unit) == (10**10, 5_035_477, 7_289_425_629_146, "τ")
    assert q.at_spot == 7_289_425_629_146 + 127_811_335_036  # the chain's slippage, measured from 10 τ at spot
    assert q.slippage == Fraction(127_811_335_036, 7_417_236_964_182)  # ≈ 1.72 %
    assert leg.price == Fraction(SN92_PRICE, 10**9)
    with pytest.raises(SlippageRefused, match=r"slippage is 1.72.. %, past your tolerance of 0.5000 %"):
        checked((leg,), Fraction(5, 1000), True)
    plan = checked((leg,), Fraction(2, 100), True)
    assert plan.limit == 1_375_174  # floor(1_348_210 · 1.02): RAO per α, above spot as add_stake_limit needs
    partial = checked((leg,), Fraction(5, 1000), True, partial=True)  # the chain fills up to the limit instead
    assert (partial.limit, partial.partial) == (1_354_951, True)  # floor(1_348_210 · 1.005)


def test_a_sell_leg_from_a_four_field_reply_takes_slippage_from_the_price() -> None:
    """The SimSwapResult of specs 302–3xx has no slippage fields; the alpha fee is in alpha (§P2.5)."""
    reg = registry(SIM_FIELDS[:4])
    rpc, ctx = context(reg, shape_425(reg))
    subnet(rpc, reg, ctx, 1, 1, 10**12, 10**12)
    rpc.reply("SwapRuntimeApi_current_alpha_price_all", b"",
              reg.encode("Vec<SubnetPrice>", [{"netuid": 1, "price": 9_330_000}]))
    rpc.reply("SwapRuntimeApi_sim_swap_alpha_for_tao", reg.encode("(NetUid, AlphaCurrency)", (1, 107_272_764_827)),
              reg.encode("SimSwapResult", {"tao_amount": 999_453_341, "alpha_amount": 107_218_747_871,
                                           "tao_fee": 0, "alpha_fee": 54_016_956}))
    leg = quote_leg(ctx, Pool(1, 1), 1, 107_272_764_827, False, "α1", BLOCK)
    assert (leg.quote.amount_out, leg.quote.fee, leg.fee_unit, leg.unit_out) == (999_453_341, 54_016_956, "α1", "τ")
    at_spot = Fraction(107_218_747_871 * 9_330_000, 10**9)
    assert leg.quote.at_spot == at_spot and leg.quote.slippage == 1 - Fraction(999_453_341) / at_spot
    assert leg.to_json()["fee"] == {"raw": 54_016_956, "value": "0.054016956", "unit": "α1"}
    assert checked((leg,), Fraction(5, 1000), True).limit == 9_283_350  # floor(9_330_000 · 0.995): below spot


def test_an_all_zero_simulation_is_one_line_not_a_free_trade() -> None:
    reg, rpc, ctx = rooms()
    rpc.reply("SwapRuntimeApi_current_alpha_price_all", b"",
              reg.encode("Vec<SubnetPrice>", [{"netuid": 92, "price": SN92_PRICE}]))
    rpc.reply("SwapRuntimeApi_sim_swap_alpha_for_tao", reg.encode("(NetUid, AlphaCurrency)", (92, 5 * 10**9)),
              reg.encode("SimSwapResult", dict.fromkeys(SN92_BUY, 0)))
    with pytest.raises(QuoteFailed, match=r"^the chain could not simulate this trade: 5.000000000 γ into subnet 92"):
        quote_leg(ctx, Pool(1, 1), 92, 5 * 10**9, False, "γ", BLOCK)


def test_a_runtime_without_sim_swap_prices_but_does_not_trade_unquoted() -> None:
    """Specs 283–301 declare current_alpha_price but no sim_swap_*: prices work, trades are refused."""
    _, _, ctx = rooms(drop=("SwapRuntimeApi_sim_swap_tao_for_alpha", "SwapRuntimeApi_sim_swap_alpha_for_tao"))
    with pytest.raises(RuntimeMismatch, match=r"declares no SwapRuntimeApi_sim_swap_tao_for_alpha .*nothing was"):
        quote_leg(ctx, Pool(1, 1), 92, 10**9, True, "γ", BLOCK)


def test_the_declared_minimum_stake_is_checked_before_signing() -> None:
    reg, rpc, ctx = rooms()
    rpc.reply("SwapRuntimeApi_current_alpha_price_all", b"",
              reg.encode("Vec<SubnetPrice>", [{"netuid": 92, "price": SN92_PRICE}]))
    small = {"tao_amount": 1_999_000, "alpha_amount": 1_482_000_000, "tao_fee": 1_000, "alpha_fee": 0,
             "tao_slippage": 0, "alpha_slippage": 0}
    rpc.reply("SwapRuntimeApi_sim_swap_tao_for_alpha", reg.encode("(NetUid, TaoCurrency)", (92, 2_000_000)),
              reg.encode("SimSwapResult", small))
    with pytest.raises(PreconditionFailed, match=r"below this chain's minimum stake of 0.002000000 τ"):
        quote_leg(ctx, Pool(1, 1), 92, 2_000_000, True, "γ", BLOCK)
    sale = {"tao_amount": 1_500_000, "alpha_amount": 1_112_000_000, "tao_fee": 0, "alpha_fee": 500_000,
            "tao_slippage": 0, "alpha_slippage": 0}
    rpc.reply("SwapRuntimeApi_sim_swap_alpha_for_tao", reg.encode("(NetUid, AlphaCurrency)", (92, 1_112_500_000)),
              reg.encode("SimSwapResult", sale))
    leg = quote_leg(ctx, Pool(1, 1), 92, 1_112_500_000, False, "γ", BLOCK)
    with pytest.raises(PreconditionFailed, match=r"would pay 0.001500000 τ, below this chain's minimum"):
        need_min_unstake(ctx, leg, emptying=False)
    need_min_unstake(ctx, leg, emptying=True)  # emptying the position is allowed below the minimum


def test_root_limits_and_the_plain_call_on_stable_subnets() -> None:
    """§P2.5: on root add needs limit ≥ 1e9, remove ≤ 1e9; a stable pool cannot slip, so taocli (like btcli)
    sends the plain call there."""
    tol = Fraction(5, 1000)
    assert limit_price(Fraction(1), tol, buying=True) == 1_005_000_000 >= 10**9
    assert limit_price(Fraction(1), tol, buying=False) == 995_000_000 <= 10**9
    _, rpc, ctx = rooms()
    leg = quote_leg(ctx, Pool(10**12, 10**12, stable=True), 0, 10**9, True, "τ", BLOCK)
    assert leg.price == 1 and leg.quote.slippage == 0 and leg.quote.fee == 0 and leg.quote.amount_out == 10**9
    assert not rpc.api_calls()  # 1:1 without a fee (§P2.5): the chain is not asked
    with pytest.raises(PreconditionFailed, match=r"minimum stake of 0\.002000000 τ"):
        quote_leg(ctx, Pool(10**12, 10**12, stable=True), 0, 1_999_999, True, "τ", BLOCK)
    plan = checked((leg,), tol, with_limit=False)  # what prepare_stake asks for on a stable pool
    args = {"hotkey": ss58_encode(HOT), "netuid": 0, "amount_staked": 10**9}
    assert trade_call(ctx, "add_stake", "add_stake_limit", args, plan, "stake add") == ("add_stake", args)


def test_the_limit_call_is_composed_by_its_declared_arguments() -> None:
    ctx, leg = sn92_buy_of_10_tao()
    plan = checked((leg,), Fraction(2, 100), True, partial=True)
    hot = ss58_encode(HOT)
    call, args = trade_call(ctx, "add_stake", "add_stake_limit",
                            {"hotkey": hot, "netuid": 92, "amount_staked": 10**10}, plan, "stake add")
    assert call == "add_stake_limit"
    assert tuple(args) == tuple(n for n, _ in STAKE_CALLS["add_stake_limit"])  # the declared order
    assert args == {"hotkey": hot, "netuid": 92, "amount_staked": 10**10, "limit_price": 1_375_174,
                    "allow_partial": True}
    require_call(ctx.shape, "SubtensorModule", call, tuple(args))  # what `prepare` checks before composing
    # a runtime whose limit call takes something taocli does not know is refused, naming its declaration
    newer = dict(STAKE_CALLS, add_stake_limit=[*STAKE_CALLS["add_stake_limit"], ("mev_shield", "bool")])
    reg2 = registry()
    _, ctx2 = context(reg2, shape_425(reg2, calls=newer))
    with pytest.raises(RuntimeMismatch, match=r"declares SubtensorModule.add_stake_limit\(.*mev_shield: bool\)"):
        trade_call(ctx2, "add_stake", "add_stake_limit", {"hotkey": hot, "netuid": 92, "amount_staked": 1}, plan,
                   "stake add")


def test_the_typed_metagraph_is_one_call_with_every_amount_in_its_unit() -> None:
    reg, rpc, ctx = rooms()
    rpc.reply("SwapRuntimeApi_current_alpha_price_all", b"",
              reg.encode("Vec<SubnetPrice>", [{"netuid": 92, "price": SN92_PRICE}]))
    axon = {"block": 9, "version": 1, "ip": 2130706433, "port": 8091, "ip_type": 4, "protocol": 4,
            "placeholder1": 0, "placeholder2": 0}
    value: dict[str, Any] = {n: (False if t == "bool" else 0) for n, t in reg.structs["Metagraph"]}
    value.update({"netuid": 92, "name": list(b"apex"), "symbol": list("γ".encode()), "identity": None,
                  "owner_hotkey": HOT, "owner_coldkey": COLD, "moving_price": Fraction(1, 8), "tempo": 360,
                  "activity_cutoff": 5_000, "hotkeys": [HOT, COLD], "coldkeys": [COLD, COLD],
                  "identities": [None, None], "axons": [axon, axon], "active": [True, False],
                  "validator_permit": [True, False], "tao_dividends_per_hotkey": [(HOT, 0)],
                  "alpha_dividends_per_hotkey": [(HOT, 77)]})
    for name, _ in reg.structs["Metagraph"][58:70]:
        value[name] = [0, 0]
    value.update({"pruning_score": [], "trust": [], "rank": [],  # emptied at HEAD (§P2.4)
                  "alpha_stake": [82_978_467_731, 5], "tao_stake": [112_447_609_978, 0],
                  "total_stake": [103_219_037_519, 5], "emission": [150_373_983, 0], "dividends": [65_535, 0],
                  "incentives": [0, 65_535]})
    rpc.reply("SubnetInfoRuntimeApi_get_metagraph", reg.encode("NetUid", 92), reg.encode("Option<Metagraph>", value))
    graph = DtaoSubnets(None, None, ctx).metagraph(92, BLOCK)  # type: ignore[arg-type]
    assert graph is not None
    assert rpc.api_calls().count("SubnetInfoRuntimeApi_get_metagraph") == 1
    assert not [c for c in rpc.api_calls() if "subnet_state" in c or "neurons" in c]
    first = graph.neurons[0]
    assert (first.alpha_stake, first.root_stake, first.stake_weight, first.emission) == (
        82_978_467_731, 112_447_609_978, 103_219_037_519, 150_373_983)
    assert first.alpha_tao_value == 82_978_467_731 * SN92_PRICE // 10**9  # valued at the chain's price
    row = graph.to_json()["neurons"][0]
    assert row["alpha_stake"]["unit"] == "γ" and row["root_stake"]["unit"] == "τ"
    assert row["alpha_tao_value"] == {"raw": 111_872_399, "value": "0.111872399", "unit": "τ"}
    assert graph.pool.price == Fraction(SN92_PRICE, 10**9)


@pytest.mark.parametrize("what", ["sim", "price_all", "metagraph"])
def test_an_unknown_newer_layout_is_refused_in_one_line(what: str) -> None:
    reg = registry([("tao_in", "TaoCurrency"), *SIM_FIELDS[1:]])  # a renamed quote field
    reg.structs["SubnetPrice"] = [("netuid", "NetUid"), ("price_rao", "u64")]
    reg.structs["Metagraph"] = [("stake_alpha" if n == "alpha_stake" else n, t) for n, t in reg.structs["Metagraph"]]
    _, ctx = context(reg, shape_425(reg))
    with pytest.raises(RuntimeTooNew, match=r"^this chain's runtime is newer than taocli knows: ") as err:
        if what == "sim":
            ctx.decoder.sim_swap(reg.encode("SimSwapResult", {n: 1 for n, _ in reg.structs["SimSwapResult"]}), True)
        elif what == "price_all":
            ctx.decoder.alpha_prices(reg.encode("Vec<SubnetPrice>", [{"netuid": 1, "price_rao": 5}]))
        else:
            value = {n: (False if t == "bool" else 0) for n, t in reg.structs["Metagraph"]}
            value.update({n: [] for n, t in reg.structs["Metagraph"] if t.startswith("Vec<") and "u8" not in t})
            value.update({"name": [], "symbol": [], "identity": None, "owner_hotkey": HOT, "owner_coldkey": COLD,
                          "moving_price": 0})
            ctx.decoder.metagraph(reg.encode("Option<Metagraph>", value))
    assert "\n" not in str(err.value)
    assert {"sim": "SimSwapResult lacks tao_amount", "price_all": "not (netuid, price)",
            "metagraph": "Metagraph lacks alpha_stake"}[what] in str(err.value)


class _SigningBoundary:
    """The connection's other side: its block hash, and `prepare`, which would compose and price the call with
    substrate-interface against a node; here it hands back what it was given, so the test sees the exact call
    name and arguments the room chose. The balance and hotkey checks pass (they are 2024 code, tested live)."""

    def block_hash(self) -> str:
        return BLOCK

    def prepare(self, pallet: str, call: str, args: dict[str, Any], signer: str) -> tuple[str, str, dict[str, Any]]:
        return pallet, call, args

    def need_withdrawable(self, *_: Any) -> None:
        return None

    def need_owner(self, *_: Any) -> None:
        return None


def test_stake_add_on_a_swap_api_runtime_sends_the_limit_call_and_root_the_plain_one() -> None:
    """`DtaoStaking.prepare_stake`, the room `stake add --netuid` calls, on the spec-425 shape: it no longer
    refuses; it quotes with sim_swap and sends add_stake_limit at spot·1.005 (plain add_stake on root)."""
    from chain.balance import Balance
    from chain.rooms.dtao_staking import DtaoStaking

    reg, rpc, ctx = rooms()
    rpc.reply("SwapRuntimeApi_current_alpha_price_all", b"",
              reg.encode("Vec<SubnetPrice>", [{"netuid": 92, "price": SN92_PRICE}]))
    for netuid in (0, 92):  # a one-entry Vec<Option<DynamicInfo>> minus its length byte is the Option alone
        rpc.reply("SubnetInfoRuntimeApi_get_dynamic_info", reg.encode("NetUid", netuid), infos(reg, [netuid])[1:])
    small = {**SN92_BUY, "tao_amount": 999_496_453, "tao_fee": 503_547, "alpha_amount": 741_240_000_000,
             "alpha_slippage": 500_000_000}
    rpc.reply("SwapRuntimeApi_sim_swap_tao_for_alpha", reg.encode("(NetUid, TaoCurrency)", (92, 10**9)),
              reg.encode("SimSwapResult", small))
    edge = _SigningBoundary()
    staking = DtaoStaking(edge, edge, edge, None, ctx, DtaoSubnets(edge, edge, ctx))  # type: ignore[arg-type]
    hot, cold = ss58_encode(HOT), ss58_encode(COLD)
    trade = staking.prepare_stake(cold, hot, 92, Balance(10**9), Fraction(5, 1000))
    assert trade.prepared == ("SubtensorModule", "add_stake_limit", {
        "hotkey": hot, "netuid": 92, "amount_staked": 10**9, "limit_price": 1_354_951, "allow_partial": False})
    assert trade.plan.amount_out == 741_240_000_000 and trade.plan.legs[0].unit_out == "γ"
    root = staking.prepare_stake(cold, hot, 0, Balance(10**9), Fraction(5, 1000), partial=True)
    assert root.prepared == ("SubtensorModule", "add_stake", {"hotkey": hot, "netuid": 0, "amount_staked": 10**9})
    assert root.plan.limit is None and root.plan.amount_out == 10**9
