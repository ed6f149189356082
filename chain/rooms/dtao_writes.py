"""What the dTAO write rooms share: the pool of a subnet read at one block, the quote's rules, the call chosen
from what the runtime declares, and the one-line refusal of a write whose dTAO form taocli does not send.

Why here and not in each room: staking (add, remove, move) and subnets (create) all need "is there a
subnet N, what is its pool and symbol at this block", and every dTAO call is composed only after
`require_call` matched the arguments the runtime declares."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from chain.dtao.amm import AmountTooLow, InsufficientLiquidity, Pool, Quote
from chain.dtao.trade import Leg, buy_leg, sell_leg, sim_leg
from chain.dtao.views import TAO_UNIT, decimal
from chain.errors import PreconditionFailed, RuntimeMismatch
from chain.runtime.calls import require_call
from chain.storage import u16_key

if TYPE_CHECKING:
    from chain.connection import Connection
    from chain.dtao.amm import SwapRules
    from chain.dtao.connect import DtaoContext
    from chain.dtao.trade import TradePlan
    from chain.prepared import PreparedCall
    from chain.receipt import Receipt

MODULE = "SubtensorModule"


@dataclass(frozen=True)
class PreparedTrade:
    """A composed, priced dTAO trade and what it gives the user; nothing is signed yet."""

    prepared: PreparedCall
    plan: TradePlan


def not_yet(ctx: DtaoContext, call: str, command: str) -> RuntimeMismatch:
    declared = ctx.shape.call(MODULE, call)
    takes = declared.signature() if declared is not None else f"no SubtensorModule.{call}"
    return RuntimeMismatch(f"`taocli {command}` does not support this chain's dTAO runtime yet (it declares "
                           f"{takes}); nothing was signed")


def per_subnet(ctx: DtaoContext, call: str, command: str) -> RuntimeMismatch:
    """A 2024-shaped stake write (no subnet) on a dTAO runtime: name the declared call and the command."""
    declared = ctx.shape.call(MODULE, call)
    takes = declared.signature() if declared is not None else f"no SubtensorModule.{call}"
    return RuntimeMismatch(f"stake on this chain is per subnet (it declares {takes}): use `taocli {command} "
                           f"--netuid N --hotkey-ss58 HOTKEY`; nothing was signed")


def quote_rules(ctx: DtaoContext, command: str) -> SwapRules | None:
    """The runtime's local swap rules (R218/R233), None when the chain quotes with its SwapRuntimeApi, or one
    line when it can do neither (a V14-only runtime with a swap pallet: no declared reply types)."""
    if ctx.rules is None and not ctx.features.swap_api:
        raise RuntimeMismatch(f"`taocli {command}`: this chain prices its pools with a swap API its metadata "
                              f"does not describe (no V15 runtime APIs), so taocli cannot quote it; nothing was "
                              f"signed")
    return ctx.rules


def quote_leg(ctx: DtaoContext, pool: Pool, netuid: int, amount: int, buying: bool, symbol: str, at: str) -> Leg:
    """THE quoting entry point of every dTAO trade leg (stake add/remove/move and the transfer/swap
    commands): `amount` TAO (buying) or alpha (selling) into subnet `netuid`'s pool at block `at`.

    R218/R233: the pool maths of `amm` on `pool`'s reserves. A SwapRuntimeApi runtime (302+): 1:1 without a
    fee on stable subnets (root), else the chain's own `sim_swap_*` at its spot price (`current_alpha_price*`);
    a buy below the declared minimum stake is refused before signing rather than by `AmountTooLow` after.
    Every refusal is one line (`PreconditionFailed`)."""
    rules = quote_rules(ctx, "stake")
    if rules is not None:
        try:
            return (buy_leg if buying else sell_leg)(pool, netuid, amount, rules, symbol)
        except (AmountTooLow, InsufficientLiquidity) as exc:
            raise PreconditionFailed(f"the chain would refuse this trade: {exc}; nothing was signed") from None
    if pool.stable:  # root and mechanism 0 trade 1:1 with no swap fee (§P2.5): nothing for the chain to simulate
        units = (TAO_UNIT, symbol) if buying else (symbol, TAO_UNIT)
        leg = Leg(netuid, buying, *units, Fraction(1), Quote(amount, 0, amount, Fraction(amount), Fraction(0)))
    else:
        method = "sim_swap_tao_for_alpha" if buying else "sim_swap_alpha_for_tao"
        if ctx.shape.api("SwapRuntimeApi", method) is None:
            raise RuntimeMismatch(f"this chain prices its pools with its own swap API but declares no "
                                  f"SwapRuntimeApi_{method} (specs 283–301), so taocli cannot show what the trade "
                                  f"gives and does not send it; nothing was signed")
        price = spot_price(ctx, pool, netuid, at)
        if price is None:
            raise PreconditionFailed(f"the chain gives no price for subnet {netuid}; nothing was signed")
        leg = sim_leg(netuid, amount, buying, price, ctx.sim_swap(netuid, amount, buying, at), symbol)
    minimum = ctx.min_stake()
    if buying and minimum is not None and amount - leg.quote.fee < minimum:
        raise PreconditionFailed(f"{decimal(amount)} τ is below this chain's minimum stake of {decimal(minimum)} "
                                 f"τ plus the swap fee (AmountTooLow); stake more; nothing was signed")
    return leg


def spot_price(ctx: DtaoContext, pool: Pool, netuid: int, at: str) -> Fraction | None:
    """τ per α of one subnet now: 1 when stable, the pool's T/A under R218/R233 rules, else the chain's own
    `current_alpha_price*` (None if it gives none)."""
    if pool.stable or ctx.rules is not None:
        return pool.spot_price()
    return ctx.swap_prices([netuid], at).get(netuid)


def need_min_unstake(ctx: DtaoContext, leg: Leg, emptying: bool) -> None:
    """§P2.5: a removal must pay at least the minimum stake in TAO unless it empties the position."""
    minimum = ctx.min_stake() if ctx.rules is None else None
    if minimum is not None and not emptying and leg.quote.amount_out < minimum:
        raise PreconditionFailed(f"this removal would pay {decimal(leg.quote.amount_out)} τ, below this chain's "
                                 f"minimum of {decimal(minimum)} τ (AmountTooLow): remove more, or all with "
                                 f"--all; nothing was signed")


def trade_call(ctx: DtaoContext, plain: str, limited: str, args: dict[str, Any], plan: TradePlan,
               command: str) -> tuple[str, dict[str, Any]]:
    """The call to send and its arguments in the DECLARED order: `limited` (e.g. add_stake_limit) with
    `limit_price` and `allow_partial` when the plan carries a limit, else `plain`. The limit call is sent
    only when its declared arguments are exactly the ones taocli knows, else one line naming the declaration."""
    if plan.limit is None:
        return plain, args
    known = {**args, "limit_price": plan.limit, "allow_partial": plan.partial}
    declared = ctx.shape.call(MODULE, limited)
    if declared is None or set(declared.arg_names) != set(known):
        raise not_yet(ctx, limited, command)
    return limited, {name: known[name] for name in declared.arg_names}


def pool_of(ctx: DtaoContext, netuid: int, at: str) -> Pool:
    """Subnet `netuid`'s reserves at `at`; root and mechanism-0 subnets trade 1:1. A missing subnet is refused."""
    if not ctx.read(MODULE, "NetworksAdded", u16_key(netuid), at=at):
        raise PreconditionFailed(f"subnet {netuid} does not exist on this chain; see `taocli subnets list`")
    stable = ctx.mechanism(netuid, at) == 0
    return Pool(ctx.read(MODULE, "SubnetTAO", u16_key(netuid), at=at),
                ctx.read(MODULE, "SubnetAlphaIn", u16_key(netuid), at=at), stable)


def prepare(conn: Connection, ctx: DtaoContext, call: str, args: dict[str, Any], signer: str) -> PreparedCall:
    """Compose and price a dTAO call after checking the runtime declares exactly `args`, in this order."""
    require_call(ctx.shape, MODULE, call, tuple(args))
    return conn.prepare(MODULE, call, args, signer)


def traded(receipt: Receipt) -> list[dict[str, int]]:
    """What the chain says each leg did: StakeAdded / StakeRemoved `(coldkey, hotkey, tao, alpha, netuid, ..)`
    in order, as {"netuid", "tao", "alpha", "added"} (added: 1 for a buy, 0 for a sale)."""
    out: list[dict[str, int]] = []
    for event in receipt.events:
        if event.pallet != MODULE or event.name not in ("StakeAdded", "StakeRemoved"):
            continue
        fields = event.attributes
        fields = list(fields.values()) if isinstance(fields, dict) else list(fields)
        out.append({"netuid": int(fields[4]), "tao": int(fields[2]), "alpha": int(fields[3]),
                    "added": int(event.name == "StakeAdded")})
    return out
