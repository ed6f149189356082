"""`Subtensor`: the one connection (chain.connection) with the rooms (chain.rooms) wired over it.

    with Subtensor("local") as client:
        client.balances.balance(address)                       # a read
        prepared = client.staking.prepare_add_stake(cold, hot, amount)   # checked, composed, priced
        receipt = client.execute(prepared, coldkey_keypair)   # signed, submitted, included

Each room is a small class for one domain; it gets the connection and, typed, the few other rooms it asks.
Which era's rooms (2024, or the dTAO siblings) is decided once per connection from what the runtime's
metadata declares (`chain.era`), on the first use of a room: a connection that only reads blocks never pays
for the metadata.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from chain.rooms.dtao_staking import DtaoStaking


@dataclass(frozen=True)
class Rooms:
    balances: Balances
    subnets: Subnets
    registration: Registration
    delegation: Delegation
    staking: Staking
    weights: Weights
    serving: Serving
    admin: Admin
    era: str  # "2024" or "dtao": a label for messages; the rooms themselves are the decision


def legacy_rooms(conn: Connection, balances: Balances) -> Rooms:
    subnets = Subnets(conn, balances)
    registration = Registration(conn, balances, subnets)
    delegation = Delegation(conn, registration)
    staking = Staking(conn, balances, registration, delegation)
    return Rooms(balances, subnets, registration, delegation, staking, Weights(conn, subnets, registration),
                 Serving(conn, registration), Admin(conn, subnets), "2024")


def rooms_for(conn: Connection, balances: Balances) -> Rooms:
    """The dTAO siblings when the runtime declares stake per subnet and subnet pools, else the 2024 rooms."""
    from chain.era import learn_era

    ctx = learn_era(conn.rpc, memo=conn.uses_disk_cache)
    if ctx is None:
        return legacy_rooms(conn, balances)
    from chain.rooms.dtao_delegation import DtaoDelegation
    from chain.rooms.dtao_staking import DtaoStaking
    from chain.rooms.dtao_subnets import DtaoSubnets
    from chain.rooms.dtao_weights import DtaoWeights

    subnets = DtaoSubnets(conn, balances, ctx)
    registration = Registration(conn, balances, subnets)
    delegation = DtaoDelegation(conn, registration, ctx, subnets)
    staking = DtaoStaking(conn, balances, registration, delegation, ctx, subnets)
    return Rooms(balances, subnets, registration, delegation, staking, DtaoWeights(conn, subnets, registration, ctx),
                 Serving(conn, registration), Admin(conn, subnets), "dtao")


class Subtensor(Connection):
    """A connection to one chain and its rooms: balances, subnets, registration, staking, delegation,
    weights, serving, admin."""

    def __init__(self, network: str | None = None, *, timeout: float = 10.0, metadata_cache: bool = True) -> None:
        super().__init__(network, timeout=timeout, metadata_cache=metadata_cache)
        self._balances = Balances(self)  # the same in every era: a transfer never waits for the metadata
        self._rooms: Rooms | None = None

    @property
    def rooms(self) -> Rooms:
        """This connection's rooms, chosen on first use from the runtime's declarations."""
        if self._rooms is None:
            self._rooms = rooms_for(self, self._balances)
        return self._rooms

    @property
    def era(self) -> str:
        return self.rooms.era

    @property
    def balances(self) -> Balances:
        return self._balances

    @property
    def subnets(self) -> Subnets:
        return self.rooms.subnets

    @property
    def registration(self) -> Registration:
        return self.rooms.registration

    @property
    def delegation(self) -> Delegation:
        return self.rooms.delegation

    @property
    def staking(self) -> Staking:
        return self.rooms.staking

    @property
    def dtao_staking(self) -> DtaoStaking:
        """The staking room as its dTAO sibling (subnet trades: quotes, tolerance, moves), typed as such.

        Why a second accessor: `staking` is typed as the room both eras share; code that needs the trades of
        the dTAO era asks for them here and gets one line on a 2024 chain instead of an AttributeError.
        """
        from chain.errors import RuntimeMismatch
        from chain.rooms.dtao_staking import DtaoStaking

        room = self.rooms.staking
        if not isinstance(room, DtaoStaking):
            raise RuntimeMismatch("this chain runs the 2024 runtime: stake is not held per subnet here (drop --netuid)")
        return room

    @property
    def weights(self) -> Weights:
        return self.rooms.weights

    @property
    def serving(self) -> Serving:
        return self.rooms.serving

    @property
    def admin(self) -> Admin:
        return self.rooms.admin

    def __enter__(self) -> Subtensor:
        return self


__all__ = ["ConnectTimings", "PreparedCall", "Rooms", "Subtensor"]
