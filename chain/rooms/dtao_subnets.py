"""Subnets on a dTAO runtime: the sibling of `chain.rooms.subnets.Subnets`, chosen by `chain.era`.

Every subnet is an AMM pool of TAO against its own alpha, so the list shows price, reserves, symbol and the
emission share; hyperparameters come from the runtime's own API (defaults included). Writes are inherited,
and a 2024 call the runtime no longer takes is refused by `Connection.compose` before anything is signed.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from chain import types as ty
from chain.dtao.decode import SUBNET
from chain.dtao.errors import RuntimeTooNew
from chain.dtao.portfolio import spot_prices, symbol
from chain.dtao.structs import DynamicInfo, Hyperparams, Metagraph, SubnetState
from chain.dtao.views import TAO_UNIT, NeuronStake, SubnetMetagraph, SubnetPool
from chain.errors import PreconditionFailed
from chain.rooms.checks import hotkey_owner, short
from chain.rooms.dtao_writes import not_yet, prepare
from chain.rooms.subnets import Subnets
from chain.runtime.storage_items import decode_value, storage_key
from chain.storage import u16_key

if TYPE_CHECKING:
    from chain.connection import Connection
    from chain.dtao.connect import DtaoContext
    from chain.prepared import PreparedCall
    from chain.rooms.balances import Balances

MODULE = "SubtensorModule"


class DtaoSubnets(Subnets):
    """Subnet reads of the dTAO era: pools, prices, symbols, the runtime's hyperparameters."""

    def __init__(self, conn: Connection, balances: Balances, ctx: DtaoContext) -> None:
        super().__init__(conn, balances)
        self.ctx = ctx

    def pools(self, at: str | None = None) -> list[SubnetPool] | None:
        """Every subnet's pool, read at one block so prices, reserves and shares agree."""
        at = at or self.conn.block_hash()
        infos = self.ctx.all_dynamic_info(at)
        prices = self.prices(infos, at)
        shares = emission_shares(infos)
        units = self.symbols(infos, at)
        return [SubnetPool(i.netuid, units[i.netuid], i.subnet_name, i.owner_coldkey, i.tempo,
                           prices.get(i.netuid), i.tao_in, i.alpha_in, i.alpha_out, shares.get(i.netuid))
                for i in infos]

    def prepare_register_network(self, coldkey: str, hotkey: str | None = None) -> PreparedCall:
        """register_network with the owner hotkey (and mechanism 1 where the runtime declares `mechid`): the
        runtime's checks in its order (the hotkey is new or the caller's, then the lock)."""
        args: dict[str, Any] = {"hotkey": hotkey, "mechid": 1}
        declared = self.ctx.features.register_network_args
        if hotkey is None or "hotkey" not in declared or not set(declared) <= set(args):
            raise not_yet(self.ctx, "register_network", "subnets create")
        owner = hotkey_owner(self.conn, hotkey)
        if owner is not None and owner != coldkey:
            raise PreconditionFailed(f"hotkey {short(hotkey)} belongs to coldkey {short(owner)}: the owner hotkey "
                                     f"must be new or yours; pick another with --hotkey")
        cost = self.lock_cost()
        self.balances.need_withdrawable(coldkey, cost, "to lock for a new subnet")
        return prepare(self.conn, self.ctx, "register_network", {n: args[n] for n in declared}, coldkey)

    def metagraph(self, netuid: int, at: str | None = None) -> SubnetMetagraph | None:
        """Every uid's alpha stake (valued in TAO at spot), root stake and stake weight; None: no subnet.
        The uids come from the typed `get_metagraph` where the runtime declares it with typed replies (spec
        233+: one call), else from R218's `get_subnet_state`; the pool row and the emission share from
        DynamicInfo either way (the share needs every subnet)."""
        at = at or self.conn.block_hash()
        infos = self.ctx.all_dynamic_info(at)
        info = next((i for i in infos if i.netuid == netuid), None)
        typed = self.ctx.features.typed_runtime_apis and self.ctx.shape.api(SUBNET, "get_metagraph") is not None
        state: SubnetState | Metagraph | None = None
        if info is not None:
            state = self.ctx.metagraph(netuid, at) if typed else self.ctx.subnet_state(netuid, at)
        if info is None or state is None:
            return None
        return self._graph(info, state, self.prices([info], at).get(netuid), emission_shares(infos).get(netuid),
                           self.symbols([info], at)[netuid])

    def stake_weights(self, netuid: int, at: str | None = None) -> list[int] | None:
        """SubnetState.total_stake by uid (α + w·τ, the stake the runtime's epoch and permits use).

        Why not the neurons' `stake`: on spec 218 NeuronInfoLite.stake is the frozen 2024 Stake map (0 for every
        dTAO stake) and from spec 233 it is alpha alone (dtao-2025.md §8), so neither is what validators weigh."""
        state = self.ctx.subnet_state(netuid, at or self.conn.block_hash())
        return None if state is None else list(state.total_stake)

    def stake_unit(self, netuid: int, at: str | None = None) -> str:
        """The subnet's own symbol: stake weights (α + w·τ) and emission count its alpha, as `subnets metagraph`
        labels them; τ for a subnet that is gone (nothing will be shown in it)."""
        at = at or self.conn.block_hash()
        info = self.ctx.dynamic_info(netuid, at)
        return TAO_UNIT if info is None else self.symbols([info], at)[netuid]

    def registrations(self, hotkeys: Iterable[str], at: str | None = None) -> list[tuple[SubnetPool, NeuronStake]]:
        """Where each of `hotkeys` holds a uid, with its stake there, read at one block (`wallet overview`)."""
        at = at or self.conn.block_hash()
        wanted = set(hotkeys)
        infos = self.ctx.all_dynamic_info(at)
        shares = emission_shares(infos)  # a share of every subnet's emission: before the filter
        member = self._member_netuids(wanted, [i.netuid for i in infos], at)
        infos = [i for i in infos if i.netuid in member]
        prices, units = self.prices(infos, at), self.symbols(infos, at)
        found = []
        for info in infos:
            state = self.ctx.subnet_state(info.netuid, at)
            if state is None or not wanted & set(state.hotkeys):
                continue
            graph = self._graph(info, state, prices.get(info.netuid), shares.get(info.netuid), units[info.netuid])
            found += [(graph.pool, n) for n in graph.neurons if n.hotkey in wanted]
        return found

    def _member_netuids(self, hotkeys: set[str], netuids: list[int], at: str) -> set[int]:
        """The subnets where any of `hotkeys` holds a uid, from storage `Uids` in one batched read.

        Why: a public chain has ~128 subnets and a subnet state reply is tens of KB, so reading every subnet's
        state to find a few registrations cost seconds; the `Uids` entries answer it in one round trip."""
        from wallet.ss58 import public_key_from

        pairs = [(n, public_key_from(h)) for n in netuids for h in sorted(hotkeys)]
        keys = [storage_key(self.ctx.shape, "SubtensorModule", "Uids", u16_key(n), pub) for n, pub in pairs]
        return {n for (n, _), raw in zip(pairs, self.ctx.raw_many(keys, at), strict=True) if raw is not None}

    @staticmethod
    def _graph(info: DynamicInfo, state: SubnetState | Metagraph, price: Fraction | None, share: Fraction | None,
               unit: str) -> SubnetMetagraph:
        pool = SubnetPool(info.netuid, unit, info.subnet_name, info.owner_coldkey, info.tempo, price,
                          info.tao_in, info.alpha_in, info.alpha_out, share)
        neurons = [NeuronStake(uid, hotkey, state.coldkeys[uid], state.alpha_stake[uid],
                               None if price is None else (state.alpha_stake[uid] * price).__floor__(),
                               state.tao_stake[uid], state.total_stake[uid], state.emission[uid],
                               state.dividends[uid], state.incentives[uid], state.validator_permit[uid],
                               state.active[uid])
                   for uid, hotkey in enumerate(state.hotkeys)]
        return SubnetMetagraph(pool, neurons)

    def prices(self, infos: Iterable[DynamicInfo], at: str) -> dict[int, Fraction]:
        """τ per α by subnet: THE place every dTAO view takes prices from. Root and mechanism-0 (stable)
        subnets are 1 (mechanisms read in one batch). Constant-product runtimes (R218/R233) price the others
        from the pool; a runtime with a SwapRuntimeApi (spec 283+: concentrated liquidity, then Balancer) is
        asked for its own prices (`current_alpha_price_all`, else `current_alpha_price` per subnet), because
        there T/A is not the price. Without either (a V14-only runtime with a swap pallet) there is no price,
        so every value depending on it shows "—"."""
        infos = list(infos)
        if self.ctx.rules is None and not self.ctx.features.swap_api:
            return {}
        stored = self.ctx.per_subnet("SubnetMechanism", [i.netuid for i in infos if i.netuid != 0], at)
        mechanisms = {n: decode_value(self.ctx.shape, MODULE, "SubnetMechanism", raw) for n, raw in stored.items()}
        mechanisms[0] = 0
        if self.ctx.rules is not None:
            return spot_prices(infos, mechanisms)
        stable = {i.netuid: Fraction(1) for i in infos if mechanisms.get(i.netuid) == 0}
        pooled = [i.netuid for i in infos if i.netuid not in stable]
        return {**self.ctx.swap_prices(pooled, at), **stable}

    def symbols(self, infos: Iterable[DynamicInfo], at: str) -> dict[int, str]:
        """Each subnet's unit: DynamicInfo's symbol (R233+), else storage `TokenSymbol` where declared and
        written (one batch). An unwritten one reads as the declared default, one glyph shared by every such
        subnet, so it names nothing: root (the stable mechanism, 1 α = 1 τ) is then τ, others α<netuid>."""
        infos = list(infos)
        found: dict[int, bytes | str | None] = {i.netuid: i.token_symbol for i in infos}
        missing = [n for n, sym in found.items() if not sym]
        if missing and self.ctx.shape.item(MODULE, "TokenSymbol") is not None:
            for n, raw in self.ctx.per_subnet("TokenSymbol", missing, at).items():
                if raw is not None:
                    found[n] = decode_value(self.ctx.shape, MODULE, "TokenSymbol", raw)
        return {n: TAO_UNIT if n == 0 and not sym else symbol(n, sym) for n, sym in found.items()}

    def hyperparameters_by_name(self, netuid: int) -> dict[str, Any] | None:
        """The runtime's own `get_subnet_hyperparams`, every field by its name (unwritten storage answered
        with the chain's defaults); fixed-point values as exact fractions "n/d"."""
        found: Hyperparams | None = self.ctx.hyperparams(netuid)
        if found is None:
            return None
        return {k: f"{v.numerator}/{v.denominator}" if isinstance(v, Fraction) else v
                for k, v in found.values.items()}

    def hyperparameters(self, netuid: int) -> ty.SubnetHyperparams | None:
        """The 2024 record the other rooms' checks read (weights limits, burn), from the runtime's own reply;
        None: no such subnet. A reply without one of the 2024 fields is a runtime taocli does not know."""
        found = self.ctx.hyperparams(netuid)
        if found is None:
            return None
        missing = [name for name, _ in ty.HYPERPARAM_FIELDS if name not in found.values]
        if missing:
            raise RuntimeTooNew(f"SubnetHyperparams lacks {', '.join(missing)}")
        fields: dict[str, Any] = {name: found.values[name] for name, _ in ty.HYPERPARAM_FIELDS}
        return ty.SubnetHyperparams(**fields)


def emission_shares(infos: list[DynamicInfo]) -> dict[int, Fraction]:
    """Each subnet's share of the emission: R218's `emission` (τ per block) or, where the era sends it,
    `tao_in_emission`, over their sum. Empty when the era sends neither or all are zero."""
    values = {i.netuid: i.tao_in_emission if i.tao_in_emission is not None else i.emission for i in infos}
    known = {n: v for n, v in values.items() if v is not None}
    total = sum(known.values())
    if not known or total == 0:
        return {}
    return {n: Fraction(v, total) for n, v in known.items()}
