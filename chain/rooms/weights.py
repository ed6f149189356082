"""Weights: `set_weights` on a subnet (and root weights, netuid 0), checked against the subnet's limits,
its rate limit and the validator permit before anything is signed; `commits` is the commit-reveal path
(chain/rooms/commits.py) for subnets that refuse set_weights."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from chain import weights as wt
from chain.errors import PreconditionFailed
from chain.rooms.checks import short

if TYPE_CHECKING:
    from chain.connection import Connection
    from chain.prepared import PreparedCall
    from chain.receipt import Receipt
    from chain.rooms.commits import WeightCommits
    from chain.rooms.registration import Registration
    from chain.rooms.subnets import Subnets
    from wallet.keypair import Keypair


class Weights:
    """`set_weights` and root weights."""

    def __init__(self, conn: Connection, subnets: Subnets, registration: Registration) -> None:
        self.conn = conn
        self.subnets = subnets
        self.registration = registration
        self._commits: WeightCommits | None = None

    def prepare_set_weights(self, hotkey: str, netuid: int, uids: Sequence[int], weights: Sequence[float],
                            version_key: int | None = None) -> PreparedCall:
        """Normalise and check against the subnet's limits (or root rules for netuid 0), then compose."""
        dests, values, key = self.checked_weights(hotkey, netuid, uids, weights, version_key)
        call = {"netuid": netuid, "dests": dests, "weights": values, "version_key": key}
        return self.conn.prepare("SubtensorModule", "set_weights", call, hotkey)

    def checked_weights(self, hotkey: str, netuid: int, uids: Sequence[int], weights: Sequence[float],
                        version_key: int | None = None) -> tuple[list[int], list[int], int]:
        """(uids, u16 values, version key) as the chain will take them: set_weights and commit_weights run the
        same checks (registration, rate limit, limits, permit), a commit because its reveal runs set_weights."""
        self.subnets.need_subnet(netuid)
        own = self.registration.uid_of(netuid, hotkey)
        if own is None:
            where = "the root network" if netuid == 0 else f"subnet {netuid}"
            raise PreconditionFailed(f"hotkey {short(hotkey)} is not registered on {where}")
        params = self.subnets.hyperparameters(netuid)
        info = self.subnets.subnet(netuid)
        if params is None or info is None:  # it existed a moment ago (need_subnet): removed meanwhile
            raise PreconditionFailed(f"subnet {netuid} does not exist; list subnets with `taocli subnets list`")
        self._need_weights_window(hotkey, netuid, own, params.weights_rate_limit)
        if netuid == 0:
            existing = set(self.subnets.netuids())
            missing = [u for u in uids if u not in existing]
            if missing:
                raise PreconditionFailed(f"subnet {missing[0]} does not exist; root weights go to existing netuids")
            limits = wt.WeightLimits(0, 0, 65_535, is_root=True)
        else:
            limits = wt.WeightLimits(info.subnetwork_n, params.min_allowed_weights, params.max_weights_limit)
        try:
            dests, values = wt.prepare(list(uids), list(weights), limits, own_uid=own)
        except wt.InvalidWeights as exc:
            raise PreconditionFailed(f"weights refused before sending: {exc}") from None
        self_weight = len(dests) == 1 and dests[0] == own
        if netuid != 0 and not self_weight:
            neuron = self.subnets.neuron_lite(netuid, own)
            if neuron is not None and not neuron.validator_permit:
                raise PreconditionFailed(
                    f"hotkey {short(hotkey)} (uid {own}) has no validator permit on subnet {netuid}: permits go to "
                    f"the top {params.max_validators} uids by stake at each epoch; stake more and wait for the next "
                    f"epoch, or set only a self weight")
        key = params.weights_version if version_key is None else version_key
        return dests, values, key

    def _need_weights_window(self, hotkey: str, netuid: int, uid: int, limit: int) -> None:
        """The chain's rate limit: allowed when last_update == 0 or now - last_update >= limit."""
        neuron = self.subnets.neuron_lite(netuid, uid)
        if neuron is None or neuron.last_update == 0 or limit == 0:
            return
        now = self.conn.block_number() + 1  # the block the call lands in
        if now - neuron.last_update < limit:
            raise PreconditionFailed(
                f"hotkey {short(hotkey)} last set weights (or registered) at block {neuron.last_update}; subnet "
                f"{netuid} allows one set every {limit} blocks: retry at block {neuron.last_update + limit} "
                f"(now {now - 1})")

    @property
    def commits(self) -> WeightCommits:
        """commit_weights / reveal_weights, decided by the runtime's declarations (fetched on first use here;
        the dTAO sibling hands over the shape it already read)."""
        if self._commits is None:
            from chain.rooms.commits import WeightCommits
            from chain.runtime.fetch import fetch_shape

            self._commits = WeightCommits(self.conn, self, lambda: fetch_shape(self.conn.rpc))
        return self._commits

    def commit_reveal_required(self, netuid: int) -> bool:
        """Whether set_weights would fail with CommitRevealEnabled: the runtime declares commit_weights and the
        subnet has commit-reveal on. The signing metadata answers the first half for free (compose needs it)."""
        if self.conn.call_args("SubtensorModule", "commit_weights") is None:
            return False
        return self.commits.rules(netuid).enabled

    def set_weights(self, hotkey: Keypair, netuid: int, uids: Sequence[int], weights: Sequence[float],
                    version_key: int | None = None) -> Receipt:
        return self.conn.execute(self.prepare_set_weights(hotkey.ss58_address, netuid, uids, weights, version_key),
                                 hotkey)

    def set_root_weights(self, hotkey: Keypair, netuids: Sequence[int], weights: Sequence[float]) -> Receipt:
        """Root weights are set_weights on netuid 0 in the 2024 runtime (there is no set_root_weights call)."""
        return self.set_weights(hotkey, 0, netuids, weights)
