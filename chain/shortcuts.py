"""One call per extrinsic for library users (neurons, scripts): check, sign, submit, wait, return a Receipt.

The CLI uses the two-step `prepare_*` + `execute` so it can show the plan and fee before unlocking a key;
code that already holds an unlocked keypair (a validator setting weights every tempo, a miner serving its
axon) wants one line. Each method raises the same typed errors as the two-step path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from chain.errors import ChainError

if TYPE_CHECKING:
    from chain.balance import Balance
    from chain.pow import PowProgress
    from chain.receipt import Receipt
    from wallet.keypair import Keypair


class ChainShortcuts:
    """Mixin over `prepare_*` / `execute` of chain.client.Subtensor."""

    execute: Any
    prepare_transfer: Any
    prepare_burned_register: Any
    prepare_pow_register: Any
    pow_target: Any
    prepare_add_stake: Any
    prepare_remove_stake: Any
    prepare_become_delegate: Any
    prepare_set_weights: Any
    prepare_serve_axon: Any
    prepare_register_network: Any
    prepare_root_register: Any
    prepare_sudo_set: Any

    def transfer(self, coldkey: Keypair, dest: str, amount: Balance, *, keep_alive: bool = True) -> Receipt:
        return self.execute(self.prepare_transfer(coldkey.ss58_address, dest, amount, keep_alive=keep_alive),
                            coldkey)

    def burned_register(self, coldkey: Keypair, netuid: int, hotkey: str) -> Receipt:
        return self.execute(self.prepare_burned_register(coldkey.ss58_address, netuid, hotkey), coldkey)

    def register(self, hotkey: Keypair, coldkey: str, netuid: int, *, processes: int | None = None,
                 progress: Callable[[PowProgress], None] | None = None, attempts: int = 20) -> Receipt:
        """PoW registration: solve on `processes` cores (fresh block when the work goes stale), then submit."""
        from chain import pow as pw

        for _ in range(attempts):
            block, difficulty, block_hash = self.pow_target(netuid, hotkey.ss58_address)

            def stale(start: int = block) -> bool:
                return self.block_number() + 1 - start >= 3  # type: ignore[attr-defined]

            solution = pw.solve(block, block_hash, hotkey.public_key, difficulty, processes=processes,
                                progress=progress, stale=stale)
            if solution is not None:
                return self.execute(self.prepare_pow_register(netuid, hotkey.ss58_address, coldkey, solution), hotkey)
        raise ChainError(f"no PoW solution before the block went stale {attempts} times; add --processes")

    def add_stake(self, coldkey: Keypair, hotkey: str, amount: Balance) -> Receipt:
        return self.execute(self.prepare_add_stake(coldkey.ss58_address, hotkey, amount), coldkey)

    def remove_stake(self, coldkey: Keypair, hotkey: str, amount: Balance) -> Receipt:
        return self.execute(self.prepare_remove_stake(coldkey.ss58_address, hotkey, amount), coldkey)

    def become_delegate(self, coldkey: Keypair, hotkey: str) -> Receipt:
        return self.execute(self.prepare_become_delegate(coldkey.ss58_address, hotkey), coldkey)

    def set_weights(self, hotkey: Keypair, netuid: int, uids: Sequence[int], weights: Sequence[float],
                    version_key: int | None = None) -> Receipt:
        return self.execute(self.prepare_set_weights(hotkey.ss58_address, netuid, uids, weights, version_key),
                            hotkey)

    def set_root_weights(self, hotkey: Keypair, netuids: Sequence[int], weights: Sequence[float]) -> Receipt:
        """Root weights are set_weights on netuid 0 in the 2024 runtime (there is no set_root_weights call)."""
        return self.set_weights(hotkey, 0, netuids, weights)

    def serve_axon(self, hotkey: Keypair, netuid: int, ip: str, port: int, *, protocol: int = 4,
                   version: int = 1) -> Receipt:
        return self.execute(self.prepare_serve_axon(hotkey.ss58_address, netuid, ip, port, protocol=protocol,
                                                    version=version), hotkey)

    def register_network(self, coldkey: Keypair) -> Receipt:
        return self.execute(self.prepare_register_network(coldkey.ss58_address), coldkey)

    def root_register(self, coldkey: Keypair, hotkey: str) -> Receipt:
        return self.execute(self.prepare_root_register(coldkey.ss58_address, hotkey), coldkey)

    def sudo_set_hyperparameter(self, signer: Keypair, netuid: int, name: str, value: int | bool) -> Receipt:
        return self.execute(self.prepare_sudo_set(signer.ss58_address, netuid, name, value), signer)
