"""Weights on a dTAO runtime: root weights mean nothing there and are refused in one line naming what replaces
them, decided by what the runtime declares (`Features.root_weights`), before any key is unlocked. The sibling
of `Weights`, chosen by `chain.era` (`become_delegate`'s refusal lives in `dtao_delegation`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from chain.errors import PreconditionFailed
from chain.rooms.weights import Weights

if TYPE_CHECKING:
    from chain.connection import Connection
    from chain.dtao.connect import DtaoContext
    from chain.prepared import PreparedCall
    from chain.rooms.registration import Registration
    from chain.rooms.subnets import Subnets

NO_ROOT_WEIGHTS = ("root weights do not exist on this chain (dTAO: emission follows the subnet pools); set "
                   "weights per subnet with `taocli weights set --netuid N`")


class DtaoWeights(Weights):
    def __init__(self, conn: Connection, subnets: Subnets, registration: Registration, ctx: DtaoContext) -> None:
        super().__init__(conn, subnets, registration)
        self.ctx = ctx
        from chain.rooms.commits import WeightCommits

        self._commits = WeightCommits(conn, self, lambda: ctx.shape)  # the shape read at connect

    def prepare_set_weights(self, hotkey: str, netuid: int, uids: Sequence[int], weights: Sequence[float],
                            version_key: int | None = None) -> PreparedCall:
        if netuid == 0 and not self.ctx.features.root_weights:
            raise PreconditionFailed(NO_ROOT_WEIGHTS)
        return super().prepare_set_weights(hotkey, netuid, uids, weights, version_key)
