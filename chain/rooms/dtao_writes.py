"""What the dTAO write rooms share: the pool of a subnet read at one block, the quote's rules, the call chosen
from what the runtime declares, and the one-line refusal of a write whose dTAO form taocli does not send.

Why here and not in each room: staking (add, remove, move) and subnets (create) all need "is there a
subnet N, what is its pool and symbol at this block", and every dTAO call is composed only after
`require_call` matched the arguments the runtime declares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chain.dtao.amm import Pool
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


def quote_rules(ctx: DtaoContext, command: str) -> SwapRules:
    """The runtime's swap rules, or one line when only the chain can quote (a SwapRuntimeApi runtime)."""
    if ctx.rules is None:
        raise RuntimeMismatch(f"`taocli {command}`: this chain prices its pools with its own swap API, which "
                              f"taocli cannot quote yet; nothing was signed")
    return ctx.rules


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
