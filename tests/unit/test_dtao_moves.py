"""`stake transfer` / `stake swap` composition on runtimes that declare transfer_stake, swap_stake and
swap_stake_limit: spec-233 and spec-425 shapes built from the layouts of dtao-2025.md (§4, §P2.2, §P2.5) with
`tests/unit/dtao_registry.py`, their replies as SCALE bytes (`tests/unit/dtao_spec425.py`). NOT a live chain:
no runtime of those versions runs here (spec 218, the only live dTAO runtime, lacks both calls: its refusal is
proven through the CLI in tests/realchain/test_dtao_moves_spec218.py).

What is proven: the call chosen and its arguments in the DECLARED order (and that they encode by the declared
types and decode back as that call), the legs (R233: both legs pay 25_000 and trade even on one subnet; spec
425: the sale pays the swap fee, the buy is the chain's quote of a fee-free swap), the limit price of
swap_stake_limit (origin/destination price ratio·(1 − tolerance)·1e9), the one-line refusals, and the staking
room's `prepare_swap` / `prepare_transfer` (held alpha, TransferToggle) up to the signing boundary."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from chain.dtao.amm import R233_RULES, Pool, alpha_for_tao, tao_for_alpha
from chain.dtao.connect import context_for
from chain.dtao.trade import SlippageRefused
from chain.dtao.transition import Side, gross_for_net, ratio_limit, swap_fee_legs, transition_legs
from chain.errors import PreconditionFailed, RuntimeMismatch
from chain.rooms.dtao_moves import Composed, compose_swap, compose_transfer, side, transition_plan
from chain.runtime.calls import require_call
from chain.runtime.portable import decode_all
from tests.unit.dtao_registry import PalletDecl, Registry
from tests.unit.dtao_spec425 import BLOCK, STAKE_CALLS, RecordedRpc, context, registry, shape_425, subnet
from tests.unit.test_dtao_typed import COLD, HOT
from wallet.ss58 import ss58_decode, ss58_encode

TAO = 10**9
HOTKEY, DEST = ss58_encode(HOT), ss58_encode(COLD)
ADDRESS_B = ss58_encode(bytes(range(32)))  # another coldkey
MOVES = {  # §P2.2 (= R233's [86], [87], [90]); amounts are the currency newtypes from spec ~300
    "transfer_stake": [("destination_coldkey", "AccountId32"), ("hotkey", "AccountId32"), ("origin_netuid", "NetUid"),
                       ("destination_netuid", "NetUid"), ("alpha_amount", "AlphaCurrency")],
    "swap_stake": [("hotkey", "AccountId32"), ("origin_netuid", "NetUid"), ("destination_netuid", "NetUid"),
                   ("alpha_amount", "AlphaCurrency")],
    "swap_stake_limit": [("hotkey", "AccountId32"), ("origin_netuid", "NetUid"), ("destination_netuid", "NetUid"),
                         ("alpha_amount", "AlphaCurrency"), ("limit_price", "TaoCurrency"), ("allow_partial", "bool")],
}
INDEX = {"transfer_stake": 86, "swap_stake": 87, "swap_stake_limit": 90}


def encoded_call(reg: Registry, shape: Any, composed: Composed) -> Any:
    """The call's bytes built from the declared argument types (accounts as raw 32 bytes), decoded back by the
    project's metadata decoder as the pallet's Call enum: what the chain would read."""
    declared = shape.call("SubtensorModule", composed.call)
    body = b"".join(reg.encode(t, ss58_decode(composed.args[n]) if t == "AccountId32" else composed.args[n])
                    for n, t in declared.args)
    pallet = shape.metadata.pallets["SubtensorModule"]
    return declared.index, decode_all(shape.metadata, pallet.calls_id, bytes([declared.index[1]]) + body)


# -- spec 233: local R233 rules (constant product, 50_000 staking fee, half of it per transition leg) --------

def shape_233(reg: Registry, calls: dict[str, list[tuple[str, str]]]) -> Any:
    """R233 as dtao-2025.md §4 declares it: u16/u64 arguments, no Swap pallet or SwapRuntimeApi, and the
    error InsufficientLiquidity that tells `rules_for` this pool has R233's fee and floor."""
    module = PalletDecl(calls=calls, errors=("InsufficientLiquidity", "AmountTooLow", "SlippageTooHigh"),
                        call_index=INDEX, storage={"SubnetTAO": (("Identity",), "u16", "u64", 0),
                                                   "SubnetAlphaIn": (("Identity",), "u16", "u64", 0)})
    return reg.shape({}, module)


def r233_calls() -> dict[str, list[tuple[str, str]]]:
    plain = {k: [(n, {"NetUid": "u16", "AlphaCurrency": "u64", "TaoCurrency": "u64"}.get(t, t)) for n, t in v]
             for k, v in {**STAKE_CALLS, **MOVES}.items()}
    return {**plain, "add_stake": [("hotkey", "AccountId32"), ("netuid", "u16"), ("amount_staked", "u64")]}


def ctx_233() -> tuple[Registry, Any, Any]:
    reg = Registry()
    shape = shape_233(reg, r233_calls())
    return reg, shape, context_for(RecordedRpc(), shape, BLOCK)


POOL_1, POOL_2 = Pool(2_000 * TAO, 1_000 * TAO), Pool(500 * TAO, 2_000 * TAO)
SIDE_1, SIDE_2 = Side(1, POOL_1, "α1", POOL_1.spot_price()), Side(2, POOL_2, "β", POOL_2.spot_price())


def test_r233_is_chosen_from_the_declarations() -> None:
    _, _, ctx = ctx_233()
    assert ctx.rules is R233_RULES and ctx.features.swap_api is False
    assert ctx.features.stake_moves == {"move_stake", "transfer_stake", "swap_stake"}
    assert ctx.features.limit_price_calls == {"add_stake_limit", "remove_stake_limit", "swap_stake_limit"}


def test_r233_cross_subnet_legs_each_pay_half_the_staking_fee() -> None:
    _, _, ctx = ctx_233()
    sold, bought = transition_plan(ctx, SIDE_1, SIDE_2, 10 * TAO, BLOCK, Fraction(5, 100)).legs
    gross = tao_for_alpha(POOL_1, 10 * TAO, R233_RULES)  # the runtime's transition_stake_internal, by hand
    assert (sold.quote.amount_in, sold.quote.fee, sold.quote.amount_out) == (10 * TAO, 25_000, gross - 25_000)
    assert (bought.quote.amount_in, bought.quote.fee) == (gross - 25_000, 25_000)
    assert bought.quote.amount_out == alpha_for_tao(POOL_2, gross - 50_000, R233_RULES)
    assert (sold.unit_in, sold.unit_out, bought.unit_out) == ("α1", "τ", "β")


def test_r233_trades_both_legs_on_one_subnet_from_the_pool_the_sale_moved() -> None:
    legs = transition_legs(SIDE_1, SIDE_1, 10 * TAO, R233_RULES)
    gross = tao_for_alpha(POOL_1, 10 * TAO, R233_RULES)
    moved = Pool(POOL_1.tao - gross + 25_000, POOL_1.alpha + 10 * TAO)  # the fee is credited back to SubnetTAO
    assert [leg.quote.fee for leg in legs] == [25_000, 25_000]
    assert legs[1].quote.amount_out == alpha_for_tao(moved, gross - 50_000, R233_RULES)
    assert legs[1].price == moved.spot_price() < legs[0].price


def test_r233_refuses_a_move_whose_tao_the_chain_would_keep() -> None:
    """R233 re-stakes only when the TAO after the first fee is at least min stake + fee (525_000)."""
    with pytest.raises(PreconditionFailed, match=r"below the 0\.000525000 τ the chain re-stakes.*nothing was signed"):
        transition_legs(SIDE_1, SIDE_2, 200_000, R233_RULES)


def test_r233_transfer_and_swap_compose_by_the_declared_arguments() -> None:
    reg, shape, ctx = ctx_233()
    plan = transition_plan(ctx, SIDE_1, SIDE_2, 10 * TAO, BLOCK, Fraction(5, 100))
    sent = compose_transfer(ctx, plan, SIDE_1, SIDE_2, DEST, HOTKEY, 10 * TAO)
    assert sent.call == "transfer_stake" and tuple(sent.args) == tuple(n for n, _ in MOVES["transfer_stake"])
    require_call(shape, "SubtensorModule", sent.call, tuple(sent.args))  # what `prepare` checks
    index, decoded = encoded_call(reg, shape, sent)
    assert index == (7, 86) and decoded == ("transfer_stake", {
        "destination_coldkey": COLD, "hotkey": HOT, "origin_netuid": 1, "destination_netuid": 2,
        "alpha_amount": 10 * TAO})
    swapped = compose_swap(ctx, plan, SIDE_1, SIDE_2, HOTKEY, 10 * TAO)
    limit = 2 * 95 * TAO // (Fraction(1, 4) * 100)  # price 2 τ/α1 over 0.25 τ/β, less 5 %, ·1e9
    assert swapped.call == "swap_stake_limit" and swapped.plan.limit == limit == 7_600_000_000
    assert swapped.args == {"hotkey": HOTKEY, "origin_netuid": 1, "destination_netuid": 2, "alpha_amount": 10 * TAO,
                            "limit_price": limit, "allow_partial": False}
    index, decoded = encoded_call(reg, shape, swapped)
    assert index == (7, 90) and decoded[0] == "swap_stake_limit" and decoded[1]["limit_price"] == limit


def test_the_plain_swap_without_a_check_or_a_declared_limit_call() -> None:
    reg, shape, ctx = ctx_233()
    plan = transition_plan(ctx, SIDE_1, SIDE_2, TAO, BLOCK, None)  # --no-safe-staking
    sent = compose_swap(ctx, plan, SIDE_1, SIDE_2, HOTKEY, TAO)
    assert (sent.call, sent.plan.limit) == ("swap_stake", None)
    assert encoded_call(reg, shape, sent) == ((7, 87), ("swap_stake", {
        "hotkey": HOT, "origin_netuid": 1, "destination_netuid": 2, "alpha_amount": TAO}))
    without = {k: v for k, v in r233_calls().items() if k != "swap_stake_limit"}
    reg2 = Registry()
    ctx2 = context_for(RecordedRpc(), shape_233(reg2, without), BLOCK)
    checked = transition_plan(ctx2, SIDE_1, SIDE_2, TAO, BLOCK, Fraction(5, 100))
    assert compose_swap(ctx2, checked, SIDE_1, SIDE_2, HOTKEY, TAO).call == "swap_stake"  # checked client-side
    with pytest.raises(PreconditionFailed, match="--partial needs a limit"):
        compose_swap(ctx2, checked, SIDE_1, SIDE_2, HOTKEY, TAO, partial=True)
    with pytest.raises(PreconditionFailed, match="two different subnets"):
        compose_swap(ctx, plan, SIDE_1, SIDE_1, HOTKEY, TAO)


def test_past_the_tolerance_both_legs_count() -> None:
    _, _, ctx = ctx_233()
    with pytest.raises(SlippageRefused, match=r"past your tolerance of 1\.0000 %"):
        transition_plan(ctx, SIDE_1, SIDE_2, 100 * TAO, BLOCK, Fraction(1, 100))


def test_a_runtime_without_the_calls_names_what_it_has() -> None:
    reg = Registry()
    calls = {k: v for k, v in r233_calls().items() if k not in ("transfer_stake", "swap_stake", "swap_stake_limit")}
    rpc = RecordedRpc()
    ctx = context_for(rpc, shape_233(reg, calls), BLOCK)  # its version call answers 425: named in the line
    plan = transition_plan(ctx, SIDE_1, SIDE_2, TAO, BLOCK, None)
    with pytest.raises(RuntimeMismatch, match=r"^this chain has no transfer_stake \(spec 425\): unstake with "
                                              r"`taocli stake remove`, send the TAO with `taocli transfer`"):
        compose_transfer(ctx, plan, SIDE_1, SIDE_2, DEST, HOTKEY, TAO)
    with pytest.raises(RuntimeMismatch, match=r"no swap_stake .*`taocli stake move --netuid A --dest-netuid B`"):
        compose_swap(ctx, plan, SIDE_1, SIDE_2, HOTKEY, TAO)


# -- spec 425: SwapRuntimeApi quotes, the swap fee on one leg (§P2.5) ---------------------------------------

P92, P7 = 1_348_210, 25_000_000  # RAO per α


def ctx_425(calls: dict[str, list[tuple[str, str]]] | None = None) -> tuple[Registry, Any, Any]:
    reg = registry()
    rpc, ctx = context(reg, shape_425(reg, calls={**STAKE_CALLS, **MOVES} if calls is None else calls))
    subnet(rpc, reg, ctx, 0, 0, 10**12, 10**12)
    subnet(rpc, reg, ctx, 92, 1, 1_102_503_434_039, 943_304_130_678)
    subnet(rpc, reg, ctx, 7, 1, 50 * TAO, 2_000 * TAO)
    rpc.reply("SwapRuntimeApi_current_alpha_price_all", b"", reg.encode("Vec<SubnetPrice>", [
        {"netuid": 0, "price": TAO}, {"netuid": 92, "price": P92}, {"netuid": 7, "price": P7}]))
    return reg, rpc, ctx


def sim(reg: Registry, **fields: int) -> bytes:
    base = dict.fromkeys(("tao_amount", "alpha_amount", "tao_fee", "alpha_fee", "tao_slippage", "alpha_slippage"), 0)
    return reg.encode("SimSwapResult", {**base, **fields})


def test_the_fee_is_charged_on_one_leg_only() -> None:
    assert swap_fee_legs(92, 7) == (True, False)  # the sale pays (the runtime's drop_fee_destination)
    assert swap_fee_legs(0, 7) == (False, True)  # from root the buy pays (drop_fee_origin)
    assert swap_fee_legs(7, 7) == (False, False)  # one subnet: a share transfer
    for net in (0, 1, 999_496, 10**12 + 7):
        gross = gross_for_net(net, 33)  # Swap.FeeRate's default
        assert gross - gross * 33 // 65_535 == net
        assert gross == 0 or (gross - 1) - (gross - 1) * 33 // 65_535 < net  # the smallest such gross


def test_spec_425_swap_sells_with_the_fee_and_buys_the_fee_free_quote() -> None:
    reg, rpc, ctx = ctx_425()
    alpha, tao = 1_000 * TAO, 1_347_500_000  # sim_swap_alpha_for_tao(92, 1000 α): the alpha fee comes first
    rpc.reply("SwapRuntimeApi_sim_swap_alpha_for_tao", reg.encode("(NetUid, AlphaCurrency)", (92, alpha)),
              sim(reg, tao_amount=tao, alpha_amount=alpha - 503_555, alpha_fee=503_555, tao_slippage=30_000))
    gross = gross_for_net(tao, 33)  # the buy is asked for the gross whose 33/65535 fee leaves exactly `tao`
    assert gross - tao == gross * 33 // 65_535 == 678_872
    rpc.reply("SwapRuntimeApi_sim_swap_tao_for_alpha", reg.encode("(NetUid, TaoCurrency)", (7, gross)),
              sim(reg, tao_amount=tao, alpha_amount=53_800_000_000, tao_fee=gross - tao, alpha_slippage=100_000_000))
    origin, dest = side(ctx, 92, "γ", BLOCK), side(ctx, 7, "δ", BLOCK)
    assert (origin.price, dest.price) == (Fraction(P92, TAO), Fraction(P7, TAO))  # the chain's prices, not T/A
    plan = transition_plan(ctx, origin, dest, alpha, BLOCK, Fraction(2, 100))
    sold, bought = plan.legs
    assert (sold.quote.amount_out, sold.quote.fee, sold.fee_unit) == (tao, 503_555, "γ")  # the sale pays
    assert (bought.quote.amount_in, bought.quote.fee, bought.quote.amount_out) == (tao, 0, 53_800_000_000)
    assert bought.quote.at_spot == Fraction(tao * TAO, P7)  # slippage of the net amount at the chain's price
    sent = compose_swap(ctx, plan, origin, dest, HOTKEY, alpha)
    limit = P92 * 98 * TAO // (100 * P7)  # floor(1_348_210/25_000_000 · 0.98 · 1e9)
    assert sent.call == "swap_stake_limit" and sent.args["limit_price"] == limit == ratio_limit(
        origin.price, dest.price, Fraction(2, 100)) == 52_849_832
    assert encoded_call(reg, ctx.shape, sent)[1] == ("swap_stake_limit", {
        "hotkey": HOT, "origin_netuid": 92, "destination_netuid": 7, "alpha_amount": alpha, "limit_price": limit,
        "allow_partial": False})
    partial = compose_swap(ctx, transition_plan(ctx, origin, dest, alpha, BLOCK, Fraction(2, 100), check=False),
                           origin, dest, HOTKEY, alpha, partial=True)
    assert partial.args["allow_partial"] is True and partial.plan.partial


def test_spec_425_a_fee_other_than_fee_rates_formula_is_quoted_as_the_chain_says() -> None:
    """If the chain's fee on the gross is not FeeRate's, the fee-free figure would be a guess: the buy leg is
    the chain's plain quote of the net amount instead (showing less than the chain gives, never more)."""
    reg, rpc, ctx = ctx_425()
    alpha, tao = 1_000 * TAO, 1_347_500_000
    rpc.reply("SwapRuntimeApi_sim_swap_alpha_for_tao", reg.encode("(NetUid, AlphaCurrency)", (92, alpha)),
              sim(reg, tao_amount=tao, alpha_amount=alpha, alpha_fee=1))
    gross = gross_for_net(tao, 33)
    rpc.reply("SwapRuntimeApi_sim_swap_tao_for_alpha", reg.encode("(NetUid, TaoCurrency)", (7, gross)),
              sim(reg, tao_amount=tao, alpha_amount=53_800_000_000, tao_fee=1_000_000))
    rpc.reply("SwapRuntimeApi_sim_swap_tao_for_alpha", reg.encode("(NetUid, TaoCurrency)", (7, tao)),
              sim(reg, tao_amount=tao - 900_000, alpha_amount=53_700_000_000, tao_fee=900_000))
    plan = transition_plan(ctx, side(ctx, 92, "γ", BLOCK), side(ctx, 7, "δ", BLOCK), alpha, BLOCK, None)
    assert (plan.legs[1].quote.fee, plan.amount_out) == (900_000, 53_700_000_000)


def test_spec_425_transfer_on_one_subnet_moves_shares_without_a_quote() -> None:
    reg, rpc, ctx = ctx_425()
    origin = side(ctx, 92, "γ", BLOCK)
    plan = transition_plan(ctx, origin, origin, 5 * TAO, BLOCK, Fraction(5, 1000))
    assert not any("sim_swap" in name for name in rpc.api_calls())  # no trade, no fee (§P2.5)
    (leg,) = plan.legs
    assert (leg.quote.amount_in, leg.quote.fee, leg.quote.amount_out, plan.slippage) == (5 * TAO, 0, 5 * TAO, 0)
    sent = compose_transfer(ctx, plan, origin, origin, DEST, HOTKEY, 5 * TAO)
    assert encoded_call(reg, ctx.shape, sent)[1] == ("transfer_stake", {
        "destination_coldkey": COLD, "hotkey": HOT, "origin_netuid": 92, "destination_netuid": 92,
        "alpha_amount": 5 * TAO})


def test_spec_425_from_root_the_buy_leg_is_the_one_charged() -> None:
    reg, rpc, ctx = ctx_425()
    rpc.reply("SwapRuntimeApi_sim_swap_alpha_for_tao", reg.encode("(NetUid, AlphaCurrency)", (0, TAO)),
              sim(reg, tao_amount=TAO, alpha_amount=TAO))  # root: 1:1, no fee
    rpc.reply("SwapRuntimeApi_sim_swap_tao_for_alpha", reg.encode("(NetUid, TaoCurrency)", (7, TAO)),
              sim(reg, tao_amount=TAO - 503_547, alpha_amount=39_900_000_000, tao_fee=503_547))
    plan = transition_plan(ctx, side(ctx, 0, "τ", BLOCK), side(ctx, 7, "δ", BLOCK), TAO, BLOCK, None)
    assert [leg.quote.fee for leg in plan.legs] == [0, 503_547] and plan.amount_out == 39_900_000_000
    assert not any(p[1] == "0x" + reg.encode("(NetUid, TaoCurrency)", (7, gross_for_net(TAO, 33))).hex()
                   for m, p in rpc.calls if m == "state_call")  # no fee-free re-quote: this leg pays


def test_spec_425_a_sale_below_the_declared_minimum_stake_is_refused() -> None:
    """§P2.5: a cross-subnet move must be worth more than InitialMinStake (2_000_000 RAO) in TAO."""
    reg, rpc, ctx = ctx_425()
    rpc.reply("SwapRuntimeApi_sim_swap_alpha_for_tao", reg.encode("(NetUid, AlphaCurrency)", (92, TAO)),
              sim(reg, tao_amount=1_348_000, alpha_amount=TAO - 503_555, alpha_fee=503_555))
    with pytest.raises(PreconditionFailed, match=r"pays 0\.001348000 τ, below this chain's minimum stake of "
                                                 r"0\.002000000 τ \(AmountTooLow\)"):
        transition_plan(ctx, side(ctx, 92, "γ", BLOCK), side(ctx, 7, "δ", BLOCK), TAO, BLOCK, None)


def staking_425(toggle: bool = True) -> tuple[Registry, RecordedRpc, Any, Any]:
    """`DtaoStaking` on a spec-425 shape that also declares StakeInfoRuntimeApi and TransferToggle: the coldkey
    holds 1000 α on subnet 92; the signing side is `_SigningBoundary` (it hands back the composed call)."""
    from chain.rooms.dtao_staking import DtaoStaking
    from chain.rooms.dtao_subnets import DtaoSubnets
    from tests.unit.dtao_spec425 import SWAP_APIS, infos
    from tests.unit.test_dtao_swap_api import _SigningBoundary

    reg = registry()
    reg.structs["StakeInfo"] = [("hotkey", "AccountId32"), ("coldkey", "AccountId32"), ("netuid", "Compact<u16>"),
                                ("stake", "Compact<u64>"), ("locked", "Compact<u64>"), ("emission", "Compact<u64>"),
                                ("tao_emission", "Compact<u64>"), ("drain", "Compact<u64>"), ("is_registered", "bool")]
    apis = {**SWAP_APIS, "SubnetInfoRuntimeApi_get_all_dynamic_info": ([], "Vec<Option<DynamicInfo>>"),
            "SubnetInfoRuntimeApi_get_dynamic_info": ([("netuid", "NetUid")], "Option<DynamicInfo>"),
            "StakeInfoRuntimeApi_get_stake_info_for_coldkey": ([("coldkey_account", "AccountId32")],
                                                               "Vec<StakeInfo>")}
    storage = {name: (("Identity",), "NetUid", ty, default) for name, ty, default in (
        ("NetworksAdded", "bool", False), ("SubnetMechanism", "u16", 1), ("SubnetTAO", "TaoCurrency", 0),
        ("SubnetAlphaIn", "AlphaCurrency", 0), ("TokenSymbol", "Vec<u8>", b""), ("TransferToggle", "bool", toggle))}
    module = PalletDecl(calls={**STAKE_CALLS, **MOVES}, storage=storage,
                        constants={"InitialMinStake": ("TaoCurrency", 2_000_000)})
    swap = PalletDecl(name="Swap", index=28, storage={"FeeRate": (("Identity",), "NetUid", "u16", 33)})
    rpc, ctx = context(reg, reg.shape(apis, module, swap))
    subnet(rpc, reg, ctx, 92, 1, 1_102_503_434_039, 943_304_130_678)
    subnet(rpc, reg, ctx, 7, 1, 50 * TAO, 2_000 * TAO)
    rpc.reply("SwapRuntimeApi_current_alpha_price_all", b"", reg.encode("Vec<SubnetPrice>", [
        {"netuid": 92, "price": P92}, {"netuid": 7, "price": P7}]))
    for netuid in (92, 7):
        rpc.reply("SubnetInfoRuntimeApi_get_dynamic_info", reg.encode("NetUid", netuid), infos(reg, [netuid])[1:])
    rpc.reply("StakeInfoRuntimeApi_get_stake_info_for_coldkey", COLD, reg.encode("Vec<StakeInfo>", [
        {"hotkey": HOT, "coldkey": COLD, "netuid": 92, "stake": 1_000 * TAO, "locked": 0, "emission": 0,
         "tao_emission": 0, "drain": 0, "is_registered": True}]))
    edge = _SigningBoundary()
    staking = DtaoStaking(edge, edge, edge, None, ctx, DtaoSubnets(edge, edge, ctx))  # type: ignore[arg-type]
    return reg, rpc, ctx, staking


def test_the_staking_room_sends_swap_stake_limit_and_transfer_stake_on_spec_425() -> None:
    """`DtaoStaking.prepare_swap` / `prepare_transfer`, what `taocli stake swap/transfer` call, up to signing."""
    reg, rpc, _, staking = staking_425()
    alpha, tao = 1_000 * TAO, 1_347_500_000
    rpc.reply("SwapRuntimeApi_sim_swap_alpha_for_tao", reg.encode("(NetUid, AlphaCurrency)", (92, alpha)),
              sim(reg, tao_amount=tao, alpha_amount=alpha - 503_555, alpha_fee=503_555))
    rpc.reply("SwapRuntimeApi_sim_swap_tao_for_alpha", reg.encode("(NetUid, TaoCurrency)", (7, gross_for_net(tao, 33))),
              sim(reg, tao_amount=tao, alpha_amount=53_800_000_000, tao_fee=gross_for_net(tao, 33) - tao))
    swapped = staking.prepare_swap(DEST, HOTKEY, 92, 7, None, Fraction(2, 100))  # --all: what the chain says
    assert swapped.prepared == ("SubtensorModule", "swap_stake_limit", {
        "hotkey": HOTKEY, "origin_netuid": 92, "destination_netuid": 7, "alpha_amount": alpha,
        "limit_price": 52_849_832, "allow_partial": False})
    assert [leg.quote.fee for leg in swapped.plan.legs] == [503_555, 0] and swapped.plan.amount_out == 53_800_000_000
    given = staking.prepare_transfer(DEST, ADDRESS_B, HOTKEY, 92, 92, 5 * TAO, Fraction(5, 1000))
    assert given.prepared == ("SubtensorModule", "transfer_stake", {
        "destination_coldkey": ADDRESS_B, "hotkey": HOTKEY, "origin_netuid": 92, "destination_netuid": 92,
        "alpha_amount": 5 * TAO})
    with pytest.raises(PreconditionFailed, match=r"holds 1000\.000000000 γ on hotkey .* asked to move 1001"):
        staking.prepare_swap(DEST, HOTKEY, 92, 7, 1_001 * TAO, None)
    with pytest.raises(PreconditionFailed, match="nothing would change"):
        staking.prepare_transfer(DEST, DEST, HOTKEY, 92, 92, TAO, None)


def test_a_subnet_that_disallows_transfers_is_refused_before_signing() -> None:
    _, _, _, staking = staking_425(toggle=False)
    with pytest.raises(PreconditionFailed, match=r"subnet 92 does not allow stake transfers \(its owner turned "
                                                 r"TransferToggle off\)"):
        staking.prepare_transfer(DEST, ADDRESS_B, HOTKEY, 92, 92, TAO, None)
