"""Serving: publishing a hotkey's axon endpoint on a subnet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chain.errors import PreconditionFailed

if TYPE_CHECKING:
    from chain.connection import Connection
    from chain.prepared import PreparedCall
    from chain.receipt import Receipt
    from chain.rooms.registration import Registration
    from wallet.keypair import Keypair


def ip_to_int(ip: str) -> tuple[int, int]:
    """An IPv4/IPv6 text address as (u128 value, ip_type 4|6), the way serve_axon takes it."""
    import ipaddress

    try:
        parsed = ipaddress.ip_address(ip.strip())
    except ValueError:
        raise PreconditionFailed(f"{ip!r} is not an IP address; give e.g. 203.0.113.7 or 2001:db8::1") from None
    return int(parsed), parsed.version


class Serving:
    """`serve_axon`."""

    def __init__(self, conn: Connection, registration: Registration) -> None:
        self.conn = conn
        self.registration = registration

    def prepare_serve_axon(self, hotkey: str, netuid: int, ip: str, port: int, *, protocol: int = 4,
                           version: int = 1) -> PreparedCall:
        self.registration.need_owner(hotkey)
        value, ip_type = ip_to_int(ip)
        if not 1 <= port <= 65_535:
            raise PreconditionFailed(f"port {port} is out of range 1..65535")
        params = {"netuid": netuid, "version": version, "ip": value, "port": port, "ip_type": ip_type,
                  "protocol": protocol, "placeholder1": 0, "placeholder2": 0}
        return self.conn.prepare("SubtensorModule", "serve_axon", params, hotkey)

    def serve_axon(self, hotkey: Keypair, netuid: int, ip: str, port: int, *, protocol: int = 4,
                   version: int = 1) -> Receipt:
        return self.conn.execute(self.prepare_serve_axon(hotkey.ss58_address, netuid, ip, port, protocol=protocol,
                                                         version=version), hotkey)
