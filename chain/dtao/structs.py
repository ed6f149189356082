"""Typed dTAO runtime-API records, built from decoded field dicts of any era (opaque table or typed registry).

Amounts stay integers of the smallest unit, and each field's unit is named: τ fields are RAO of TAO, α
fields are 1e-9 alpha of the record's subnet. A field the connected era does not send is None ("unknown"),
never 0, so the CLI can show "—" instead of a number it does not have. Accounts are SS58 strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from chain.dtao.errors import RuntimeTooNew
from chain.dtao.tables import REQUIRED_FIELDS
from wallet.ss58 import ss58_encode


def account(value: Any, what: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray) and len(value) == 32:
        return ss58_encode(bytes(value))
    raise RuntimeTooNew(f"{what} is not a 32-byte account")


def text(value: Any) -> str:
    """Runtime text (`Vec<u8>`, or R233's `Vec<Compact<u8>>` decoded as ints) as a str; invalid UTF-8 is shown
    with replacement characters rather than refused, since names are chosen by subnet owners."""
    if isinstance(value, list):
        value = bytes(value)
    return bytes(value).decode("utf-8", errors="replace")


def need(fields: dict[str, Any], struct: str, names: tuple[str, ...]) -> None:
    missing = [n for n in names if n not in fields]
    if missing:
        raise RuntimeTooNew(f"{struct} lacks {', '.join(missing)}")


def amount(fields: dict[str, Any], struct: str, name: str) -> int | None:
    """An integer field, None when the era does not send it; any other kind means a changed layout."""
    value = fields.get(name)
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise RuntimeTooNew(f"{struct}.{name} is a {type(value).__name__}, not an amount")


@dataclass(frozen=True, slots=True)
class Identity:
    """SubnetIdentity V1/V2/V3 or ChainIdentity V1/V2: every text field the runtime sent, by its own name."""

    fields: dict[str, str]

    @staticmethod
    def of(value: dict[str, Any] | None) -> Identity | None:
        if value is None:
            return None
        return Identity({name: text(v) for name, v in value.items()})

    def get(self, name: str) -> str:
        return self.fields.get(name, "")


@dataclass(frozen=True, slots=True)
class DynamicInfo:
    """A subnet's pool and emission state (get_dynamic_info). R218 sends 11 fields, R233+ 21."""

    netuid: int
    owner_coldkey: str
    owner_hotkey: str | None
    subnet_name: str | None
    token_symbol: str | None
    tempo: int
    last_step: int
    blocks_since_last_step: int
    tao_in: int  # τ: the pool's TAO reserve (SubnetTAO)
    alpha_in: int  # α: the pool's alpha reserve
    alpha_out: int  # α: alpha held outside the pool (staked)
    emission: int | None  # τ per block in R218 (EmissionValues); stale in R233; 0 from 252
    alpha_out_emission: int | None  # α per block
    alpha_in_emission: int | None  # α per block
    tao_in_emission: int | None  # τ per block
    pending_alpha_emission: int | None  # α
    pending_root_emission: int | None  # τ
    subnet_volume: int | None  # τ (u128)
    network_registered_at: int | None
    subnet_identity: Identity | None
    moving_price: Fraction | None  # τ per α (I96F32)
    total_locked: int | None  # τ (R218 only)
    owner_locked: int | None  # τ (R218 only)

    @staticmethod
    def of(f: dict[str, Any]) -> DynamicInfo:
        s = "DynamicInfo"
        owner = f.get("owner_coldkey", f.get("owner"))
        need({**f, "owner_coldkey": owner}, s, ("netuid", "owner_coldkey", "tempo", "last_step",
                                                "blocks_since_last_step", "tao_in", "alpha_in", "alpha_out"))
        name, symbol = f.get("subnet_name"), f.get("token_symbol")
        price = f.get("moving_price")
        if price is not None and not isinstance(price, Fraction):
            raise RuntimeTooNew("DynamicInfo.moving_price is not a fixed-point number taocli knows")
        return DynamicInfo(
            netuid=f["netuid"], owner_coldkey=account(owner, "DynamicInfo.owner_coldkey"),
            owner_hotkey=None if f.get("owner_hotkey") is None else account(f["owner_hotkey"], "owner_hotkey"),
            subnet_name=None if name is None else text(name), token_symbol=None if symbol is None else text(symbol),
            tempo=f["tempo"], last_step=f["last_step"], blocks_since_last_step=f["blocks_since_last_step"],
            tao_in=amount(f, s, "tao_in") or 0, alpha_in=amount(f, s, "alpha_in") or 0,
            alpha_out=amount(f, s, "alpha_out") or 0, emission=amount(f, s, "emission"),
            alpha_out_emission=amount(f, s, "alpha_out_emission"),
            alpha_in_emission=amount(f, s, "alpha_in_emission"), tao_in_emission=amount(f, s, "tao_in_emission"),
            pending_alpha_emission=amount(f, s, "pending_alpha_emission"),
            pending_root_emission=amount(f, s, "pending_root_emission"), subnet_volume=amount(f, s, "subnet_volume"),
            network_registered_at=amount(f, s, "network_registered_at"),
            subnet_identity=Identity.of(f.get("subnet_identity")), moving_price=price,
            total_locked=amount(f, s, "total_locked"), owner_locked=amount(f, s, "owner_locked"),
        )


@dataclass(frozen=True, slots=True)
class StakeInfo:
    """One (hotkey, coldkey, netuid) position. `stake` is the alpha VALUE (not shares); `emission` is the
    hotkey's last dividend on that subnet, the same for every nominator (§8)."""

    hotkey: str
    coldkey: str
    netuid: int
    stake: int  # α of `netuid`
    emission: int  # α of `netuid`
    is_registered: bool
    locked: int | None
    tao_emission: int | None  # τ (238+)

    @staticmethod
    def of(f: dict[str, Any]) -> StakeInfo:
        s = "StakeInfo"
        need(f, s, ("hotkey", "coldkey", "netuid", "stake", "emission", "is_registered"))
        return StakeInfo(account(f["hotkey"], "StakeInfo.hotkey"), account(f["coldkey"], "StakeInfo.coldkey"),
                         f["netuid"], amount(f, s, "stake") or 0, amount(f, s, "emission") or 0,
                         bool(f["is_registered"]), amount(f, s, "locked"), amount(f, s, "tao_emission"))


@dataclass(frozen=True, slots=True)
class SubnetState:
    """Per-uid arrays of one subnet (get_subnet_state). alpha_stake is α, tao_stake τ (root), total_stake the
    stake weight α + w·τ; u16 proportions stay raw."""

    netuid: int
    hotkeys: list[str]
    coldkeys: list[str]
    active: list[bool]
    validator_permit: list[bool]
    emission: list[int]
    dividends: list[int]
    incentives: list[int]
    alpha_stake: list[int]
    tao_stake: list[int]
    total_stake: list[int]
    other: dict[str, Any]  # the remaining arrays as sent (pruning_score, rank, trust, emission_history, …)

    @staticmethod
    def of(f: dict[str, Any]) -> SubnetState:
        named = ("netuid", "hotkeys", "coldkeys", "active", "validator_permit", "emission", "dividends",
                 "incentives", "alpha_stake", "tao_stake", "total_stake")
        need(f, "SubnetState", named)
        n = len(f["hotkeys"])
        for name in named[2:]:
            if len(f[name]) != n:
                raise RuntimeTooNew(f"SubnetState.{name} has {len(f[name])} entries for {n} hotkeys")
        return SubnetState(
            f["netuid"], [account(h, "hotkey") for h in f["hotkeys"]], [account(c, "coldkey") for c in f["coldkeys"]],
            [bool(x) for x in f["active"]], [bool(x) for x in f["validator_permit"]], list(f["emission"]),
            list(f["dividends"]), list(f["incentives"]), list(f["alpha_stake"]), list(f["tao_stake"]),
            list(f["total_stake"]), {k: v for k, v in f.items() if k not in named})


@dataclass(frozen=True, slots=True)
class Hyperparams:
    """A subnet's hyperparameters by the runtime's own names, whichever layout sent them (2024: 22 fields,
    dTAO: 27, v2: 33, v3: a name/value list). Look values up by name; absent means the runtime has none."""

    values: dict[str, int | bool | Fraction]

    def get(self, name: str) -> int | bool | Fraction | None:
        return self.values.get(name)


@dataclass(frozen=True, slots=True)
class Metagraph:
    """A subnet's full picture (get_metagraph, spec 233+; typed by the metadata). The fields the CLI shows
    are typed here; the other ~50 arrive in `other` under the runtime's own names."""

    netuid: int
    name: str
    symbol: str
    tempo: int
    owner_hotkey: str
    owner_coldkey: str
    tao_in: int  # τ
    alpha_in: int  # α
    alpha_out: int  # α
    hotkeys: list[str]
    coldkeys: list[str]
    axons: list[Any]
    active: list[bool]
    validator_permit: list[bool]
    emission: list[int]  # α per uid
    dividends: list[int]
    incentives: list[int]
    alpha_stake: list[int]  # α
    tao_stake: list[int]  # τ (root)
    total_stake: list[int]  # stake weight α + w·τ
    other: dict[str, Any]

    @staticmethod
    def of(f: dict[str, Any]) -> Metagraph:
        names = REQUIRED_FIELDS["Metagraph"]
        need(f, "Metagraph", names)
        n = len(f["hotkeys"])
        for name in ("coldkeys", "active", "validator_permit", "emission", "dividends", "incentives", "alpha_stake",
                     "tao_stake", "total_stake"):
            if len(f[name]) != n:
                raise RuntimeTooNew(f"Metagraph.{name} has {len(f[name])} entries for {n} hotkeys")
        return Metagraph(
            netuid=f["netuid"], name=text(f["name"]), symbol=text(f["symbol"]), tempo=f["tempo"],
            owner_hotkey=account(f["owner_hotkey"], "owner_hotkey"),
            owner_coldkey=account(f["owner_coldkey"], "owner_coldkey"),
            tao_in=amount(f, "Metagraph", "tao_in") or 0, alpha_in=amount(f, "Metagraph", "alpha_in") or 0,
            alpha_out=amount(f, "Metagraph", "alpha_out") or 0,
            hotkeys=[account(h, "hotkey") for h in f["hotkeys"]],
            coldkeys=[account(c, "coldkey") for c in f["coldkeys"]],
            axons=list(f["axons"]), active=[bool(x) for x in f["active"]],
            validator_permit=[bool(x) for x in f["validator_permit"]], emission=list(f["emission"]),
            dividends=list(f["dividends"]), incentives=list(f["incentives"]), alpha_stake=list(f["alpha_stake"]),
            tao_stake=list(f["tao_stake"]), total_stake=list(f["total_stake"]),
            other={k: v for k, v in f.items() if k not in names},
        )


@dataclass(frozen=True, slots=True)
class SimSwap:
    """The chain's own quote (SwapRuntimeApi sim_swap_*, spec 302+): amounts and fees in RAO of each token.
    All zeros means the simulation failed (§P2.4), shown as `failed`, never as a zero-cost trade."""

    tao_amount: int
    alpha_amount: int
    tao_fee: int
    alpha_fee: int
    tao_slippage: int | None
    alpha_slippage: int | None

    @property
    def failed(self) -> bool:
        return not (self.tao_amount or self.alpha_amount or self.tao_fee or self.alpha_fee)

    @staticmethod
    def of(f: dict[str, Any]) -> SimSwap:
        s = "SimSwapResult"
        need(f, s, ("tao_amount", "alpha_amount", "tao_fee", "alpha_fee"))
        return SimSwap(amount(f, s, "tao_amount") or 0, amount(f, s, "alpha_amount") or 0,
                       amount(f, s, "tao_fee") or 0, amount(f, s, "alpha_fee") or 0,
                       amount(f, s, "tao_slippage"), amount(f, s, "alpha_slippage"))


@dataclass(frozen=True, slots=True)
class Delegate:
    """A hotkey's delegate record. `nominations` = [(coldkey, netuid, alpha)] where the runtime sends stake per
    subnet (spec 244+); None where it sends the frozen 2024 `Stake` amounts (R218/R233), which omit every dTAO
    staker: rebuild those from the share map (`nominations.py`) instead of showing them."""

    hotkey: str
    owner: str
    take: int  # u16 proportion
    registrations: list[int]
    validator_permits: list[int]
    nominations: list[tuple[str, int, int]] | None

    @staticmethod
    def of(f: dict[str, Any], per_subnet: bool) -> Delegate:
        """`per_subnet`: the runtime declares nominators as (account, [(netuid, alpha)]) — decided from the
        declared type, since an empty list looks the same in both eras."""
        need(f, "DelegateInfo", REQUIRED_FIELDS["DelegateInfo"])
        found: list[tuple[str, int, int]] = []
        for coldkey, held in f["nominators"] if per_subnet else ():
            if not isinstance(held, list):
                raise RuntimeTooNew("DelegateInfo.nominators is not a per-subnet list")
            for netuid, alpha in held:
                if alpha:
                    found.append((account(coldkey, "nominator"), netuid, alpha))
        return Delegate(account(f["delegate_ss58"], "delegate_ss58"), account(f["owner_ss58"], "owner_ss58"),
                        f["take"], list(f["registrations"]), list(f["validator_permits"]),
                        found if per_subnet else None)
