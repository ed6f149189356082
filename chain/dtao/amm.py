"""dTAO pool maths as pure integer functions, per era, exact to the RAO where the era's rules are known.

A subnet's pool holds T RAO of TAO and A of alpha (SubnetTAO, SubnetAlphaIn). Constant product (R218, R233):
buying with x TAO gives alpha = A − A·T/(T+x); selling a alpha gives tao = T − A·T/(A+a) (dtao-2025.md §2.3),
each step floored in the era's fixed-point type. Root and stable (mechanism 0) subnets trade 1:1.

Eras, chosen from the metadata (`rules_for`), never from a version number:
- R218 (the rao-games build, measured): I96F32, no fee, no minimum, no liquidity floor.
- R233 (the dTAO launch, read from source, not run here): I110F18, a 50_000 RAO staking fee kept in the pool,
  minimum 500_000 (+ fee), and a swap that would leave a reserve below 10_000_000 fails (InsufficientLiquidity).
- Later runtimes (a `SwapRuntimeApi`): concentrated liquidity, then a weighted Balancer pool (§P2.3/P2.5) whose
  fractional powers cannot be reproduced to the RAO here. `rules_for` returns None: quote with the chain's own
  `sim_swap_tao_for_alpha` / `sim_swap_alpha_for_tao` and price with `current_alpha_price`, never with T/A.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from chain.dtao.fixedmath import Fx
from chain.runtime.fixed import I96F32, I110F18
from chain.runtime.shape import RuntimeShape

RAO_PER_TAO = 1_000_000_000
U64_MAX = (1 << 64) - 1


class InsufficientLiquidity(ValueError):
    """The trade would leave a reserve below the runtime's floor (R233: 10_000_000); the chain refuses it."""


class AmountTooLow(ValueError):
    """Below the runtime's minimum stake (R233: 500_000 + the 50_000 fee to stake; 500_000 out to unstake)."""


@dataclass(frozen=True, slots=True)
class SwapRules:
    era: str
    fx: Fx
    stake_fee: int  # RAO taken from an add_stake (kept in SubnetTAO) and from remove_stake proceeds
    min_stake: int  # RAO
    min_reserve: int  # a swap leaving less than this in the output reserve fails; 0 = no floor


R218_RULES = SwapRules("R218", Fx(I96F32), stake_fee=0, min_stake=0, min_reserve=0)
R233_RULES = SwapRules("R233", Fx(I110F18), stake_fee=50_000, min_stake=500_000, min_reserve=10_000_000)


def rules_for(shape: RuntimeShape) -> SwapRules | None:
    """The local swap rules of the connected runtime, or None when only the chain can quote (see module doc).

    Decided by declarations: a SwapRuntimeApi means the pool is not constant product any more; the error
    `InsufficientLiquidity` (with `AmountTooLow`) appears with R233's fee and floor; per-subnet add_stake without
    them is R218's fee-less pool. Without V15 APIs, a V14 runtime with a Swap pallet is also handed to the chain.
    """
    if shape.apis is not None and any(name.startswith("SwapRuntimeApi_") for name in shape.apis):
        return None
    if "Swap" in shape.metadata.pallets:
        return None
    add_stake = shape.call("SubtensorModule", "add_stake")
    if add_stake is None or "netuid" not in add_stake.arg_names:
        return None  # the 2024 runtime: no pools
    if shape.has_error("SubtensorModule", "InsufficientLiquidity"):
        return R233_RULES
    return R218_RULES


@dataclass(frozen=True, slots=True)
class Pool:
    tao: int  # T, RAO (SubnetTAO)
    alpha: int  # A (SubnetAlphaIn)
    stable: bool = False  # root (netuid 0) or mechanism 0: 1:1

    def spot_price(self) -> Fraction:
        """TAO per alpha, exactly T/A (1 when stable, 0 when A = 0), as R218/R233's get_alpha_price."""
        if self.stable:
            return Fraction(1)
        return Fraction(0) if self.alpha == 0 else Fraction(self.tao, self.alpha)


def _constant_product(rules: SwapRules, reserve_in: int, reserve_out: int, amount: int) -> tuple[int, int]:
    """(amount out, the output reserve the runtime computes) for `amount` into the pool."""
    fx = rules.fx
    k = fx.smul(fx.of(reserve_out), fx.of(reserve_in))
    new_out = fx.div(k, fx.of(reserve_in) + fx.of(amount))
    new_out = 0 if new_out is None else new_out
    if rules.min_reserve and new_out < fx.of(rules.min_reserve):
        raise InsufficientLiquidity(f"the pool would keep {fx.to_u64(new_out)} of {reserve_out}, "
                                    f"below the floor of {rules.min_reserve}")
    return fx.to_u64(fx.ssub(fx.of(reserve_out), new_out)), new_out


def alpha_for_tao(pool: Pool, tao: int, rules: SwapRules) -> int:
    """Alpha the pool pays for `tao` RAO going in (after any fee: see `stake_quote`)."""
    if pool.stable:
        return tao
    return _constant_product(rules, pool.tao, pool.alpha, tao)[0]


def tao_for_alpha(pool: Pool, alpha: int, rules: SwapRules) -> int:
    """TAO (RAO) the pool pays for `alpha` going in (before any fee: see `unstake_quote`)."""
    if pool.stable:
        return alpha
    return _constant_product(rules, pool.alpha, pool.tao, alpha)[0]


@dataclass(frozen=True, slots=True)
class Quote:
    amount_in: int
    fee: int  # RAO
    amount_out: int
    at_spot: Fraction  # what amount_in − fee would get at the spot price, with no price impact
    slippage: Fraction  # 1 − amount_out/at_spot: the price impact, in [0, 1]


def _quote(amount_in: int, fee: int, out: int, at_spot: Fraction) -> Quote:
    slip = Fraction(0) if at_spot == 0 else max(Fraction(0), 1 - Fraction(out) / at_spot)
    return Quote(amount_in, fee, out, at_spot, slip)


def stake_quote(pool: Pool, tao: int, rules: SwapRules) -> Quote:
    """What add_stake(tao) buys: the fee stays in the pool, the rest is swapped (R233 §2.4)."""
    if tao < rules.min_stake + rules.stake_fee:
        raise AmountTooLow(f"{tao} RAO is below the minimum stake of {rules.min_stake + rules.stake_fee}")
    net = max(tao - rules.stake_fee, 0)
    price = pool.spot_price()
    at_spot = Fraction(net) / price if price else Fraction(0)
    return _quote(tao, tao - net, alpha_for_tao(pool, net, rules), at_spot)


def unstake_quote(pool: Pool, alpha: int, rules: SwapRules) -> Quote:
    """What remove_stake(alpha) pays in TAO: the swap, less the fee (R233 requires more than 500_000 out)."""
    gross = tao_for_alpha(pool, alpha, rules)
    if rules.min_stake and gross <= rules.min_stake:
        raise AmountTooLow(f"unstaking {alpha} would return {gross} RAO, not more than {rules.min_stake}")
    fee = min(rules.stake_fee, gross)
    return _quote(alpha, fee, gross - fee, Fraction(alpha) * pool.spot_price())


def tao_value(alpha: int, pool: Pool) -> int:
    """The TAO valuation of an alpha holding at the spot price (floored): what `stake list` shows as Value,
    not what unstaking would pay (that is `unstake_quote`)."""
    return (alpha * pool.spot_price()).__floor__()


def limit_price(price: Fraction, tolerance: Fraction, buying: bool) -> int:
    """The `limit_price` argument (RAO per whole alpha) for a tolerance: price·(1 ± tolerance)·1e9, floored."""
    factor = 1 + tolerance if buying else 1 - tolerance
    return max((price * factor * RAO_PER_TAO).__floor__(), 0)


def max_tao_under_limit(pool: Pool, limit: int) -> int:
    """R233 `get_max_amount_add`: the most TAO add_stake_limit may swap before the price passes `limit`.

    Faithful to the runtime's quirk: the spot price is truncated to whole TAO before the comparison, so
    below a price of 1 any positive limit passes the check."""
    if pool.stable:
        return U64_MAX if limit >= RAO_PER_TAO else 0
    if pool.alpha == 0 or pool.tao == 0:
        return 0
    whole_price = Fx(I96F32).to_u64(Fx(I96F32).div(Fx(I96F32).of(pool.tao), Fx(I96F32).of(pool.alpha)) or 0)
    if limit == 0 or limit < whole_price * RAO_PER_TAO:
        return 0
    return min(max(limit * pool.alpha // RAO_PER_TAO - pool.tao, 0), U64_MAX)


def max_alpha_under_limit(pool: Pool, limit: int) -> int:
    """R233 `get_max_amount_remove`: the most alpha remove_stake_limit may sell before the price drops to
    `limit`."""
    if pool.stable:
        return U64_MAX if limit <= RAO_PER_TAO else 0
    if pool.alpha == 0 or pool.tao == 0:
        return 0
    if limit == 0:
        return U64_MAX
    if limit >= pool.tao * RAO_PER_TAO // pool.alpha:
        return 0
    return min(max(pool.tao * RAO_PER_TAO // limit - pool.alpha, 0), U64_MAX)


def swap_fee(amount: int, fee_rate: int) -> int:
    """Later runtimes' swap fee in the input token: amount·FeeRate/65535, floored (§P2.5; FeeRate default 33)."""
    return amount * fee_rate // 65_535
