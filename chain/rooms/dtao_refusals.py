"""The 2024 calls that mean nothing on a dTAO runtime, refused in one line naming what replaces them.

Siblings of `Weights` and `Delegation`, chosen by `chain.era`; each refusal is decided by what the runtime
declares (`Features.root_weights`, `Features.every_hotkey_delegates`), checked before any key is unlocked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from chain.errors import PreconditionFailed
from chain.rooms.delegation import Delegation
from chain.rooms.weights import Weights

if TYPE_CHECKING:
    from chain.connection import Connection
    from chain.dtao.connect import DtaoContext
    from chain.prepared import PreparedCall
    from chain.rooms.registration import Registration
    from chain.rooms.subnets import Subnets

NO_ROOT_WEIGHTS = ("root weights do not exist on this chain (dTAO: emission follows the subnet pools); set "
                   "weights per subnet with `taocli weights set --netuid N`")
EVERY_HOTKEY_DELEGATES = ("every hotkey takes nominations on this chain (dTAO), so there is nothing to become: "
                          "nominators stake to the hotkey on a subnet directly")


class DtaoWeights(Weights):
    def __init__(self, conn: Connection, subnets: Subnets, registration: Registration, ctx: DtaoContext) -> None:
        super().__init__(conn, subnets, registration)
        self.ctx = ctx

    def prepare_set_weights(self, hotkey: str, netuid: int, uids: Sequence[int], weights: Sequence[float],
                            version_key: int | None = None) -> PreparedCall:
        if netuid == 0 and not self.ctx.features.root_weights:
            raise PreconditionFailed(NO_ROOT_WEIGHTS)
        return super().prepare_set_weights(hotkey, netuid, uids, weights, version_key)


class DtaoDelegation(Delegation):
    def __init__(self, conn: Connection, registration: Registration, ctx: DtaoContext) -> None:
        super().__init__(conn, registration)
        self.ctx = ctx

    def prepare_become_delegate(self, coldkey: str, hotkey: str) -> PreparedCall:
        if self.ctx.features.every_hotkey_delegates:
            raise PreconditionFailed(EVERY_HOTKEY_DELEGATES)
        return super().prepare_become_delegate(coldkey, hotkey)
