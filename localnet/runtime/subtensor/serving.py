"""serve_axon (call 4) and serve_prometheus (call 5): where a neuron tells the world its endpoints (§5.1).

The 2024 pallet only checks that the hotkey is registered on *some* subnet (not on `netuid`), that the
address is plausible, and a per-subnet serving rate limit; the record is then stored per (netuid,
hotkey) with the block it was served at, which is what the rate limit compares against next time.
"""

from __future__ import annotations

from typing import Any

from localnet.runtime.subtensor import host
from localnet.runtime.subtensor.events import AxonServed, PrometheusServed
from localnet.runtime.subtensor.neurons import is_registered_anywhere
from localnet.runtime.subtensor.storage import AllowLoopbackServing, Axons, Prometheus, ServingRateLimit, pallet

State = Any
U128_MAX = (1 << 128) - 1


def ip_is_valid(ip: int, ip_type: int, allow_loopback: bool = False) -> bool:
    """`is_valid_ip_address`: non-zero, and not the broadcast/loopback values the Rust code rejects.

    `allow_loopback` (local chain only) accepts 127.0.0.1 and ::1.
    """
    if ip == 0:
        return False
    if ip_type == 4:
        return ip < 0xFFFFFFFF and (allow_loopback or ip != 0x7F000001)
    if ip_type == 6:
        return ip != U128_MAX and (allow_loopback or ip != 1)
    return False


def _check(state: State, hotkey: bytes, netuid: int, ip: int, ip_type: int, port: int,
           previous: dict | None, block: int) -> None:
    if not is_registered_anywhere(state, hotkey):
        raise pallet.error("NotRegistered")
    if ip_type not in (4, 6):
        raise pallet.error("InvalidIpType")
    if not ip_is_valid(ip, ip_type, AllowLoopbackServing.get(state)):
        raise pallet.error("InvalidIpAddress")
    limit = ServingRateLimit.get(state, netuid)
    last = previous["block"] if previous else 0
    if limit != 0 and last != 0 and block - last < limit:
        raise pallet.error("ServingRateLimitExceeded")
    if port == 0:
        raise pallet.error("InvalidPort")


def serve_axon(ctx: Any, netuid: int, version: int, ip: int, port: int, ip_type: int, protocol: int,
               placeholder1: int, placeholder2: int) -> None:
    """Publish the signing hotkey's axon endpoint on `netuid`."""
    hotkey = ctx.ensure_signed()
    state, block = ctx.state, host.block_number(ctx)
    _check(state, hotkey, netuid, ip, ip_type, port, Axons.get(state, netuid, hotkey), block)
    Axons.set(state, netuid, hotkey, {
        "block": block, "version": version, "ip": ip, "port": port, "ip_type": ip_type,
        "protocol": protocol, "placeholder1": placeholder1, "placeholder2": placeholder2})
    ctx.deposit_event(AxonServed, netuid, hotkey)


def serve_prometheus(ctx: Any, netuid: int, version: int, ip: int, port: int, ip_type: int) -> None:
    """Publish the signing hotkey's Prometheus metrics endpoint on `netuid`."""
    hotkey = ctx.ensure_signed()
    state, block = ctx.state, host.block_number(ctx)
    _check(state, hotkey, netuid, ip, ip_type, port, Prometheus.get(state, netuid, hotkey), block)
    Prometheus.set(state, netuid, hotkey, {
        "block": block, "version": version, "ip": ip, "port": port, "ip_type": ip_type})
    ctx.deposit_event(PrometheusServed, netuid, hotkey)
