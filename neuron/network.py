"""Where an axon can be reached: its advertised address, and the host's external IP when asked for.

Detection is explicit and overridable: ``Axon.info()`` never touches the network (it reports
``external_ip`` when given, else the bound host, else the address of the interface holding the default
route). ``detect_external_ip()`` asks public "what is my IP" services, for a miner behind NAT that wants
to publish its public address; an ``override`` (a ``--axon-ip`` flag) always wins.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

# Public echo services, tried in order; each answers the caller's address as plain text.
IP_SERVICES = ("https://checkip.amazonaws.com", "https://api.ipify.org", "https://icanhazip.com")


@dataclass(frozen=True)
class AxonInfo:
    """What a dendrite needs to call an axon (and what ``serve_axon`` publishes, with the hotkey's registration)."""

    ip: str
    port: int
    hotkey: str

    @property
    def url(self) -> str:
        host = f"[{self.ip}]" if ":" in self.ip else self.ip
        return f"http://{host}:{self.port}"


def valid_ip(text: str) -> str:
    """``text`` as a normalised IP address; ValueError naming the bad value otherwise."""
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        raise ValueError(f"{text!r} is not an IP address; give e.g. 203.0.113.7 or 2001:db8::1") from None


def route_ip() -> str:
    """The local address of the interface with the default route (no packet is sent); 127.0.0.1 offline."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: connect() on UDP only picks a route
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def advertised_ip(host: str) -> str:
    """The address to advertise for a server bound to ``host`` (a wildcard bind advertises the route's ip)."""
    if host in ("", "0.0.0.0", "::"):
        return route_ip()
    return host


def detect_external_ip(override: str | None = None, *, timeout: float = 3.0) -> str:
    """The public IP: ``override`` if given, else the first answer of ``IP_SERVICES``, else ``route_ip()``."""
    if override:
        return valid_ip(override)
    import urllib.request

    for service in IP_SERVICES:
        try:
            with urllib.request.urlopen(service, timeout=timeout) as reply:
                return valid_ip(reply.read(64).decode("ascii", "replace"))
        except (OSError, ValueError):
            continue
    return route_ip()
