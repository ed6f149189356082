"""The neurons on a dTAO-era chain: `taocli miner start` ×2 and `taocli validator start` as detached processes
against the real spec-218 runtime under chopsticks, set up by the real CLI alone (subnet create, register,
stake add --netuid, sudo set).

Spec 218 never runs Yuma (dtao-2025.md §5): no epoch grants a validator permit and no incentive is ever paid.
The permit an epoch would give the staked validator is therefore written with dev_setStorage (ValidatorPermit),
and the test asserts what a dTAO chain can show: each miner's axon published on chain, the miners served the
validator, its scores rank the good miner above the wrong one (`--template-opt wrong=true`), its weights on chain
are its processed scores as u16, and the stake each neuron sees is SubnetState.total_stake (α + w·τ).
The real runtime refuses 127.0.0.1 as an axon address (only taocli's localnet allows loopback), so the neurons
publish this host's interface address instead (neuron.serving), and the validator reaches the miners there.
A fresh R218 pool holds 1 RAO a side, so the test gives it depth with dev_setStorage before staking.
Chopsticks builds blocks only on demand: a ticker thread builds one every ~0.6 s while the neurons run.
"""

from __future__ import annotations

import ipaddress
import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from chain.storage import u16_key
from localnet.daemon import pid_alive
from neuron.state import ValidatorState
from neuron.weighting import process_weights, to_u16
from tests.integration.test_cli_chain_support import ChainCli, make_wallet
from tests.integration.test_neuron_e2e import Cli, _wait
from tests.realchain.test_dtao_spec218 import TAO, Chain, M
from tests.realchain.test_dtao_spec218 import chain as chain  # the module fixture: one chain per module
from wallet.keypair import Keypair
from wallet.ss58 import ss58_decode

pytestmark = [pytest.mark.realchain, pytest.mark.slow]
MINERS = ("good", "bad")
TICK = 0.6  # seconds between blocks while the neurons run (a block takes ~0.3 s to build here)


class Ticker:
    """Builds a block every `every` seconds until stopped: the neurons wait for blocks, chopsticks (Manual
    mode) builds one only when asked."""

    def __init__(self, chain: Chain, every: float = TICK) -> None:
        self.chain, self.every = chain, every
        self.halt = threading.Event()
        self.thread = threading.Thread(target=self._run, name="block-ticker", daemon=True)
        self.built = 0

    def _run(self) -> None:
        while not self.halt.wait(self.every):
            self.chain.new_block()
            self.built += 1

    def __enter__(self) -> Ticker:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.halt.set()
        self.thread.join(30)
        assert not self.thread.is_alive()


@pytest.fixture
def ticking(chain: Chain) -> Iterator[Ticker]:
    with Ticker(chain) as ticker:
        yield ticker


def at_best(chain: Chain) -> str:
    return str(chain.node.call("chain_getBlockHash"))


def test_a_validator_and_two_miners_run_on_a_dtao_subnet(chain: Chain, ticking: Ticker, tmp_path: Path) -> None:
    t0 = time.monotonic()
    home = tmp_path / "home"
    wallets = home / "wallets"
    make_wallet(wallets, "owner", Keypair.from_uri("//Alice"))  # rich (the module fixture)
    keys = {name: make_wallet(wallets, name) for name in ("vali", *MINERS)}
    funded = {"providers": 1, "data": {"free": 1_000 * TAO}}
    chain.set_storage({"System": {"Account": [[[w.cold], funded] for w in keys.values()]}})
    setup = ChainCli(chain.node, home)  # type: ignore[arg-type]  # anything with .url

    # -- the subnet, its members and the validator's stake, by the real CLI --------------------------
    chain.allow_network_registration()
    created = setup.ok("subnets", "create", wallet="owner")
    netuid = int(created["netuid"])
    for name, value in (("max_weights_limit", "65535"), ("weights_rate_limit", "0")):  # as the subnet's owner
        setup.ok("sudo", "set", "--netuid", str(netuid), "--param", name, "--value", value, wallet="owner")
    uid = {name: int(setup.ok("subnets", "register", "--netuid", str(netuid), wallet=name)["uid"])
           for name in ("vali", *MINERS)}
    # a fresh R218 pool holds 1 RAO a side (dtao-2025.md §11.2): any buy is ~100 % slippage; give it depth
    chain.set_storage({M: {"SubnetTAO": [[[netuid], 10**12]], "SubnetAlphaIn": [[[netuid], 10**12]]}})
    staked = setup.ok("stake", "add", "--netuid", str(netuid), "--amount", "50", "--tolerance", "10",
                      wallet="vali")
    assert "SubtensorModule.StakeAdded" in staked["receipt"]["events"], staked
    n = u16_key(netuid)
    size = int(chain.read("SubnetworkN", n, at=at_best(chain)))  # type: ignore[call-overload]
    assert size == 1 + len(uid) and sorted(uid.values()) == list(range(1, size))
    # the permit an epoch would grant the staked validator (spec 218 runs no epoch, see the module docstring)
    chain.set_storage({M: {"ValidatorPermit": [[[netuid], [u == uid["vali"] for u in range(size)]]]}})

    cli = Cli(home, wallets, chain.node.url, netuid)
    pids: list[int] = []
    logs: list[Path] = []
    try:
        # -- the miners first (the validator's first metagraph then shows their axons) ----------------
        ports = {}
        for name in MINERS:
            extra = ("--template-opt", "wrong=true") if name == "bad" else ()
            args = cli.start_args("miner", name, *extra)
            ports[name] = int(args[args.index("--axon-port") + 1])
            info = _started(cli, args, uid[name])
            pids.append(info["pid"])
            logs.append(Path(info["log"]))

        def axons_on_chain() -> bool:
            at = at_best(chain)
            served = {m: _axon_on_chain(chain, n, keys[m].hot, at) for m in MINERS}
            return all(served[m] is not None and served[m][1] == ports[m] for m in MINERS)  # type: ignore[index]

        _wait("both miners' axons on chain", axons_on_chain, 40)
        info = _started(cli, cli.start_args("validator", "vali", "--step-seconds", "0.5"), uid["vali"])
        pids.append(info["pid"])
        logs.append(Path(info["log"]))
        assert all(pid_alive(pid) for pid in pids)

        def weights_on_chain() -> Any:
            rows = chain.read("Weights", n, u16_key(uid["vali"]), at=at_best(chain))
            return rows or None

        _wait("the validator's weights on chain", weights_on_chain, 60)
        _wait("the good miner served the validator", lambda: cli.status("miner", "good")["requests_served"] > 0, 20)
        at = at_best(chain)
        for name in MINERS:
            shown = cli.status("miner", name)
            assert shown["requests_served"] > 0
            ip, port = _axon_on_chain(chain, n, keys[name].hot, at) or ("", 0)
            assert shown["axon"] == f"{ip}:{port}" and ip != "127.0.0.1"  # the real runtime refuses loopback

        # -- the stake each neuron sees is the chain's own stake weight ------------------------------
        for role, name in (("validator", "vali"), *(("miner", m) for m in MINERS)):
            shown = cli.status(role, name)
            state = chain.ctx.subnet_state(netuid, chain.node.call("chain_getBlockHash", [shown["block"]]))
            assert state is not None and shown["uid"] == uid[name]
            assert round(shown["stake"] * TAO) == state.total_stake[uid[name]], (name, shown["stake"])
        vali = cli.status("validator", "vali")
        assert vali["stake"] > 0 and vali["validator_permit"]
        # ... counted in the subnet's alpha, labelled with its symbol as `subnets metagraph` does (not τ)
        symbol = next(r["symbol"] for r in setup.ok("subnets", "list")["subnets"] if r["netuid"] == netuid)
        text = cli.run("validator", "status", "--netuid", str(netuid), "-w", "vali").stdout
        assert vali["unit"] == symbol != "τ" and f"{symbol}{vali['stake']:,.4f}" in text, text

        # -- stop, then the weights on chain are the validator's processed scores ---------------------
        stopped = cli.run("validator", "stop", "--netuid", str(netuid), "-w", "vali", "--json")
        assert json.loads(stopped.stdout)["stopped"] == [{"netuid": netuid, "pid": pids[-1], "clean": True}]
        final = cli.status("validator", "vali")
        state = ValidatorState.load(Path(final["dir"]) / "state.npz")
        assert state is not None and state.scores[uid["good"]] > state.scores[uid["bad"]]
        sent_u16 = {int(k): v for k, v in final["last_weights"]["u16"].items()}
        row = dict(chain.read("Weights", n, u16_key(uid["vali"]), at=at_best(chain)))  # type: ignore[call-overload]
        assert row == sent_u16 and row.get(uid["good"], 0) > row.get(uid["bad"], 0)
        min_allowed, max_u16 = final["last_weights"]["rules"]
        dests, shares = process_weights(np.array(final["last_weights"]["from_scores"]), min_allowed, max_u16 / 65535)
        assert dict(zip(dests.tolist(), to_u16(shares), strict=True)) == row
    except BaseException:
        for pid in pids:  # a stuck neuron writes its threads' stacks into its log (neuron.base)
            if pid_alive(pid):
                os.kill(pid, signal.SIGUSR1)
        time.sleep(0.5)
        for log in logs:  # pytest shows this output with the failure
            print(f"--- {log}\n" + "\n".join(log.read_text(errors="replace").splitlines()[-40:]))
        raise
    finally:
        for role, name in (("validator", "vali"), *(("miner", m) for m in MINERS)):
            cli.stop(role, name)
        for pid in pids:
            if pid_alive(pid):
                os.kill(pid, signal.SIGKILL)
    assert not any(pid_alive(pid) for pid in pids)
    assert time.monotonic() - t0 < 150  # ~32 s alone on 2 shared cores; generous for a loaded CI machine


def _started(cli: Cli, args: list[str], expected_uid: int) -> dict[str, Any]:
    proc = cli.spawn(*args)
    out, err = proc.communicate(timeout=90)
    assert proc.returncode == 0, err
    info = json.loads(out)
    assert info["started"] and info["uid"] == expected_uid, info
    return {**info, "pid": int(info["pid"])}


def _axon_on_chain(chain: Chain, n: bytes, hotkey: str, at: str) -> tuple[str, int] | None:
    """(ip, port) of the hotkey's Axons entry, decoded by the metadata's declaration; None if never served."""
    axon = chain.read("Axons", n, ss58_decode(hotkey), at=at)
    if axon is None:
        return None
    assert isinstance(axon, dict), axon
    return str(ipaddress.ip_address(int(axon["ip"]))), int(axon["port"])
