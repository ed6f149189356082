"""Registration: which hotkey holds which uid, who owns a hotkey, and registering by burn, by
proof-of-work (the retry on a stale block lives here once) or on the root network."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from chain import storage as st
from chain import types as ty
from chain.balance import Balance
from chain.errors import ChainError, PreconditionFailed
from chain.rooms.balances import account_id
from chain.rooms.checks import hotkey_owner, short

if TYPE_CHECKING:
    from chain.connection import Connection
    from chain.pow import PowProgress, PowSolution
    from chain.prepared import PreparedCall
    from chain.receipt import Receipt
    from chain.rooms.balances import Balances
    from chain.rooms.subnets import Subnets
    from wallet.keypair import Keypair

# A PoW seal is accepted while the chain is fewer than this many blocks past the block it was solved on.
POW_VALID_BLOCKS = 3
# How often a solver asks the chain whether its block went stale (seconds).
POW_STALE_CHECK = 0.5


class Registration:
    """Uids and owners of hotkeys, and the registration extrinsics."""

    def __init__(self, conn: Connection, balances: Balances, subnets: Subnets) -> None:
        self.conn = conn
        self.balances = balances
        self.subnets = subnets

    def uid_of(self, netuid: int, hotkey: str | bytes) -> int | None:
        raw = self.conn.storage("Uids", st.u16_key(netuid), st.blake2_128_concat(account_id(hotkey)))
        return None if raw is None else int.from_bytes(raw, "little")

    def hotkey_owner(self, hotkey: str | bytes) -> str | None:
        """The coldkey that owns a hotkey, or None when the hotkey never registered."""
        return hotkey_owner(self.conn, hotkey)

    def need_owner(self, hotkey: str) -> str:
        owner = self.hotkey_owner(hotkey)
        if owner is None:
            raise PreconditionFailed(f"hotkey {short(hotkey)} is not registered on any subnet; register it first "
                                     f"with `taocli subnets register`")
        return owner

    def registrations(self, hotkey: str, netuids: list[int] | None = None
                      ) -> list[tuple[int, int, ty.NeuronInfoLite]]:
        """(netuid, uid, neuron) for every subnet where `hotkey` holds a uid (all subnets by default)."""
        found = []
        for netuid in self.subnets.netuids() if netuids is None else netuids:
            uid = self.uid_of(netuid, hotkey)
            neuron = None if uid is None else self.subnets.neuron_lite(netuid, uid)
            if uid is not None and neuron is not None:
                found.append((netuid, uid, neuron))
        return found

    # -- by burning TAO --------------------------------------------------------------------------

    def prepare_burned_register(self, coldkey: str, netuid: int, hotkey: str) -> PreparedCall:
        if netuid == 0:
            raise PreconditionFailed("subnet 0 is the root network: use `taocli root register`")
        self.subnets.need_subnet(netuid)
        uid = self.uid_of(netuid, hotkey)
        if uid is not None:
            raise PreconditionFailed(f"hotkey {short(hotkey)} is already registered on subnet {netuid} as uid {uid}")
        params = self.subnets.hyperparameters(netuid)
        if params is not None and not params.registration_allowed:
            raise PreconditionFailed(f"registration is disabled on subnet {netuid}")
        owner = self.hotkey_owner(hotkey)
        if owner is not None and owner != coldkey:
            raise PreconditionFailed(f"hotkey {short(hotkey)} belongs to coldkey {short(owner)}, not {short(coldkey)}")
        info = self.subnets.subnet(netuid)
        burn = Balance(info.burn if info is not None else 0)
        self.balances.need_withdrawable(coldkey, burn, f"to burn for registration on subnet {netuid}")
        return self.conn.prepare("SubtensorModule", "burned_register", {"netuid": netuid, "hotkey": hotkey}, coldkey)

    def burned_register(self, coldkey: Keypair, netuid: int, hotkey: str) -> Receipt:
        return self.conn.execute(self.prepare_burned_register(coldkey.ss58_address, netuid, hotkey), coldkey)

    # -- by proof-of-work ------------------------------------------------------------------------

    def pow_target(self, netuid: int, hotkey: str) -> tuple[int, int, bytes]:
        """(block_number, difficulty, block_hash) to solve PoW on now; refuses when PoW is off."""
        self.subnets.need_subnet(netuid)
        if netuid == 0:
            raise PreconditionFailed("the root network takes no PoW registration: use `taocli root register`")
        uid = self.uid_of(netuid, hotkey)
        if uid is not None:
            raise PreconditionFailed(f"hotkey {short(hotkey)} is already registered on subnet {netuid} as uid {uid}")
        raw = self.conn.stored_or_default("NetworkPowRegistrationAllowed", netuid.to_bytes(2, "little"))
        if raw != b"\x01":
            raise PreconditionFailed(f"PoW registration is disabled on subnet {netuid}; register by burning TAO "
                                     f"(drop --pow) or ask the owner to enable it")
        params = self.subnets.hyperparameters(netuid)
        difficulty = params.difficulty if params is not None else 10_000_000
        number = self.conn.block_number()
        block_hash = bytes.fromhex(self.conn.block_hash(number)[2:])
        return number, difficulty, block_hash

    def solve_pow(self, netuid: int, hotkey: str, hotkey_public: bytes, *, processes: int | None = None,
                  progress: Callable[[PowProgress], None] | None = None, attempts: int = 20,
                  target: tuple[int, int, bytes] | None = None) -> PowSolution:
        """Solve PoW for `hotkey` on `netuid`, starting again on a fresh block whenever the chain moves
        POW_VALID_BLOCKS past the one being solved (the runtime would refuse that seal). `target` is a
        `pow_target` the caller already read (to show the difficulty before asking)."""
        from chain import pow as pw

        for _ in range(attempts):
            block, difficulty, block_hash = target or self.pow_target(netuid, hotkey)
            target = None
            solution = pw.solve(block, block_hash, hotkey_public, difficulty, processes=processes,
                                progress=progress, stale=self._stale_check(block))
            if solution is not None:
                return solution
        raise ChainError(f"the chain moved on before a proof-of-work solution was found {attempts} times; "
                         "retry with more --processes")

    def _stale_check(self, block: int) -> Callable[[], bool]:
        """Whether work on `block` went stale; asks the chain at most every POW_STALE_CHECK seconds."""
        last = [time.monotonic()]

        def stale() -> bool:
            if time.monotonic() - last[0] < POW_STALE_CHECK:
                return False
            last[0] = time.monotonic()
            return self.conn.block_number() + 1 - block >= POW_VALID_BLOCKS

        return stale

    def prepare_pow_register(self, netuid: int, hotkey: str, coldkey: str, solution: PowSolution) -> PreparedCall:
        params = {"netuid": netuid, "block_number": solution.block_number, "nonce": solution.nonce,
                  "work": "0x" + solution.seal.hex(), "hotkey": hotkey, "coldkey": coldkey}
        return self.conn.prepare("SubtensorModule", "register", params, hotkey)

    def register(self, hotkey: Keypair, coldkey: str, netuid: int, *, processes: int | None = None,
                 progress: Callable[[PowProgress], None] | None = None, attempts: int = 20) -> Receipt:
        """PoW registration: solve on `processes` cores (fresh block when the work goes stale), then submit."""
        solution = self.solve_pow(netuid, hotkey.ss58_address, hotkey.public_key, processes=processes,
                                  progress=progress, attempts=attempts)
        return self.conn.execute(self.prepare_pow_register(netuid, hotkey.ss58_address, coldkey, solution), hotkey)

    # -- the root network ------------------------------------------------------------------------

    def prepare_root_register(self, coldkey: str, hotkey: str) -> PreparedCall:
        uid = self.uid_of(0, hotkey)
        if uid is not None:
            raise PreconditionFailed(f"hotkey {short(hotkey)} is already on the root network as uid {uid}")
        return self.conn.prepare("SubtensorModule", "root_register", {"hotkey": hotkey}, coldkey)

    def root_register(self, coldkey: Keypair, hotkey: str) -> Receipt:
        return self.conn.execute(self.prepare_root_register(coldkey.ss58_address, hotkey), coldkey)
