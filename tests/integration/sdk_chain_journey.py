"""Run inside an official bittensor 6.9.3 venv (tests/sdk_venv.py): the SDK's own chain journey on a node.

Not a test module (pytest does not collect it: no test_ prefix). Usage:
    python sdk_chain_journey.py <ws url> <netuid> <wallet dir>
Prints one JSON line per step: {"step": ..., "ok": ..., ...}. Alice (//Alice) funds a fresh wallet "bob",
which registers by burning, stakes, sets a self weight and reads the metagraph, all through the SDK.
"""

from __future__ import annotations

import json
import sys


def out(step: str, **fields: object) -> None:
    print(json.dumps({"step": step, **fields}, default=str), flush=True)


def main() -> None:
    url, netuid, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    import bittensor as bt

    sub = bt.subtensor(network=url)
    alice = bt.wallet(name="alice", hotkey="default", path=path)
    alice.create_coldkey_from_uri("//Alice", use_password=False, overwrite=True, suppress=True)
    bob = bt.wallet(name="bob", hotkey="default", path=path)
    bob.create_new_coldkey(use_password=False, overwrite=True, suppress=True)
    bob.create_new_hotkey(use_password=False, overwrite=True, suppress=True)
    cold, hot = bob.coldkeypub.ss58_address, bob.hotkey.ss58_address
    out("wallets", coldkey=cold, hotkey=hot)

    fee = sub.get_transfer_fee(alice, cold, bt.Balance.from_tao(100.0).rao)
    ok = sub.transfer(alice, cold, 100.0, wait_for_inclusion=True, prompt=False)
    out("transfer", ok=ok, fee=fee.rao, balance=sub.get_balance(cold).rao)

    ok = sub.burned_register(bob, netuid, wait_for_inclusion=True, wait_for_finalization=False, prompt=False)
    uid = sub.get_uid_for_hotkey_on_subnet(hot, netuid)
    out("register", ok=ok, uid=uid)

    ok = sub.add_stake(bob, hot, 10.0, wait_for_inclusion=True, prompt=False)
    stake = sub.get_stake_for_coldkey_and_hotkey(hotkey_ss58=hot, coldkey_ss58=cold)
    out("stake", ok=ok, stake=stake.rao)

    ok, message = sub.set_weights(wallet=bob, netuid=netuid, uids=[uid], weights=[1.0], wait_for_inclusion=True,
                                  prompt=False)
    out("set_weights", ok=ok, message=message)

    graph = sub.metagraph(netuid)
    mine = graph.hotkeys.index(hot)
    out("metagraph", n=int(graph.n), hotkeys=list(graph.hotkeys), uid=mine,
        stake=float(graph.S[mine]), coldkey=graph.coldkeys[mine])


if __name__ == "__main__":
    main()
