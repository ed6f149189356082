"""`Subtensor`: the one connection (chain.connection) with the rooms (chain.rooms) wired over it.

    with Subtensor("local") as client:
        client.balances.balance(address)                       # a read
        prepared = client.staking.prepare_add_stake(cold, hot, amount)   # checked, composed, priced
        receipt = client.execute(prepared, coldkey_keypair)   # signed, submitted, included

Each room is a small class for one domain; it gets the connection and, typed, the few other rooms it asks.
"""

from __future__ import annotations

from chain.connection import Connection, ConnectTimings
from chain.prepared import PreparedCall
from chain.rooms.admin import Admin
from chain.rooms.balances import Balances
from chain.rooms.delegation import Delegation
from chain.rooms.registration import Registration
from chain.rooms.serving import Serving
from chain.rooms.staking import Staking
from chain.rooms.subnets import Subnets
from chain.rooms.weights import Weights


class Subtensor(Connection):
    """A connection to one chain and its rooms: balances, subnets, registration, staking, delegation,
    weights, serving, admin."""

    def __init__(self, network: str | None = None, *, timeout: float = 10.0, metadata_cache: bool = True) -> None:
        super().__init__(network, timeout=timeout, metadata_cache=metadata_cache)
        self.balances = Balances(self)
        self.subnets = Subnets(self, self.balances)
        self.registration = Registration(self, self.balances, self.subnets)
        self.delegation = Delegation(self, self.registration)
        self.staking = Staking(self, self.balances, self.registration, self.delegation)
        self.weights = Weights(self, self.subnets, self.registration)
        self.serving = Serving(self, self.registration)
        self.admin = Admin(self, self.subnets)

    def __enter__(self) -> Subtensor:
        return self


__all__ = ["ConnectTimings", "PreparedCall", "Subtensor"]
