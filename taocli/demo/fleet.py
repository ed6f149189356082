"""The demo's neurons: one validator and three miners of a template, as real processes, always stopped.

They are started by the real commands a user types (`taocli validator start ... --detach`), four at once,
each in its own process with its own axon port. Everything they write (pid, log, status and state files,
trained models) stays in the demo directory: the commands run with HOME and TAOCLI_CACHE_DIR pointing
there. `stop_all` stops them by the same commands, then checks each pid is gone and kills what is not
(our own children, by pid): after the demo no neuron is left running unless `--keep` asked for it.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from taocli.demo.narrate import Narrator
from taocli.demo.wallets import MINERS, VALIDATOR
from taocli.errors import CliError

#: template -> (the miners' quality knob, its values for miner1..miner3 from weakest to strongest).
QUALITY: dict[str, tuple[str, tuple[int, int, int]]] = {
    "text_prompting": ("steps", (20, 80, 250)),
    "price_prediction": ("steps", (10, 30, 300)),
}
VALIDATOR_STEP_SECONDS = 0.5
START_TIMEOUT = 120.0


@dataclass
class Neuron:
    role: str  # "validator" | "miner"
    wallet: str
    hotkey: str
    quality: str  # "" for the validator, e.g. "steps=20" for a miner
    pid: int | None = None
    uid: int | None = None
    directory: Path | None = None

    @property
    def label(self) -> str:
        return f"{self.role} {self.wallet}/{self.hotkey}"


@dataclass
class Fleet:
    """The neurons of one demo run and how to reach their commands."""

    root: Path
    template: str
    netuid: int
    wallet_path: Path
    endpoint: str
    neurons: list[Neuron] = field(default_factory=list)
    stopped: dict[str, bool] = field(default_factory=dict)

    @property
    def home(self) -> Path:
        return self.root / "home"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TAOCLI_", "BT_"))}
        env.update(HOME=str(self.home), TAOCLI_CONFIG=str(self.home / "config.toml"),
                   TAOCLI_CACHE_DIR=str(self.root / "cache"), NO_COLOR="1")
        return env

    def who(self, n: Neuron) -> list[str]:
        return ["--netuid", str(self.netuid), "-w", n.wallet, "-H", n.hotkey]

    def start_argv(self, n: Neuron) -> list[str]:
        from taocli.demo.node import free_port

        argv = [n.role, "start", "--template", self.template, *self.who(n), "-p", str(self.wallet_path),
                "--network", self.endpoint, "--axon-port", str(free_port()), "--detach", "--json"]
        if n.role == "validator":
            argv += ["--step-seconds", str(VALIDATOR_STEP_SECONDS)]
        else:
            argv += ["--template-opt", n.quality]
        return argv

    def directory(self, n: Neuron) -> Path:
        """Where the neuron's commands keep its files: the neuron layer's layout under the demo's HOME."""
        from neuron.base import default_state_dir

        return self.home / default_state_dir(n.role, n.wallet, n.hotkey, self.netuid).relative_to(Path.home())

    def status(self, n: Neuron) -> dict[str, Any]:
        """The neuron's status file (uid, scores, weights, requests served), or {} before it writes one."""
        from neuron.status import STATUS_FILE, read_json

        return read_json((n.directory or self.directory(n)) / STATUS_FILE) or {}

    def stop_commands(self) -> list[str]:
        prefix = f"HOME={shlex.quote(str(self.home))} taocli"
        return [f"{prefix} {n.role} stop {shlex.join(self.who(n))}" for n in self.neurons]


def plan(root: Path, template: str, netuid: int, wallet_path: Path, endpoint: str) -> Fleet:
    knob, values = QUALITY[template]
    fleet = Fleet(root, template, netuid, wallet_path, endpoint)
    fleet.neurons.append(Neuron("validator", VALIDATOR[0], VALIDATOR[1], ""))
    for (wallet, hotkey), value in zip(MINERS, values, strict=True):
        fleet.neurons.append(Neuron("miner", wallet, hotkey, f"{knob}={value}"))
    return fleet


def _run(fleet: Fleet, argv: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "taocli", *argv], env=fleet.env(), text=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def start_all(narrator: Narrator, fleet: Fleet) -> None:
    """Start every neuron at once (models train in parallel); fail with the first one's own error line."""
    started = time.monotonic()
    procs = []
    for n in fleet.neurons:
        argv = fleet.start_argv(n)
        narrator.command(argv)
        procs.append((n, _run(fleet, argv)))
    failures = []
    for n, proc in procs:
        try:
            out, err = proc.communicate(timeout=START_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        if proc.returncode != 0:
            failures.append(f"{n.label}: {(err.strip().splitlines() or ['no output'])[-1]}")
            continue
        info = json.loads(out)
        n.pid, n.uid, n.directory = int(info["pid"]), info.get("uid"), Path(info["dir"])
        narrator.step(f"{n.label} running", f"pid {n.pid}, uid {n.uid}, axon {info.get('axon') or '-'}"
                      + (f", {n.quality}" if n.quality else ""), pid=n.pid, uid=n.uid, quality=n.quality)
    if failures:
        raise CliError("a neuron did not start: " + "; ".join(failures))
    narrator.step("neurons ready", f"4 processes up in {time.monotonic() - started:.1f} s (models trained and "
                  f"cached in {fleet.root / 'cache'})")


def stop_all(narrator: Narrator, fleet: Fleet) -> None:
    """Stop every neuron by its command, then prove each pid gone (SIGKILL for any that is not)."""
    from localnet.daemon import pid_alive

    _find_orphans(fleet)
    running = [n for n in fleet.neurons if n.pid is not None]
    procs = [(n, _run(fleet, [n.role, "stop", *fleet.who(n), "--json"])) for n in running]
    for _, proc in procs:
        try:
            proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
    deadline = time.monotonic() + 10
    while any(pid_alive(n.pid) for n in running) and time.monotonic() < deadline:  # type: ignore[arg-type]
        time.sleep(0.1)
    for n in running:
        if pid_alive(n.pid):  # type: ignore[arg-type]
            os.kill(n.pid, signal.SIGKILL)  # type: ignore[arg-type]
            time.sleep(0.2)
        fleet.stopped[n.label] = not pid_alive(n.pid)  # type: ignore[arg-type]
    gone = ", ".join(f"{n.pid} {'gone' if fleet.stopped[n.label] else 'STILL RUNNING'}" for n in running)
    narrator.say(f"\n  • neurons stopped: pids {gone}" if running else "\n  • no neuron was running")


def _find_orphans(fleet: Fleet, wait: float = 5.0) -> None:
    """Pids of neurons whose start command was cut short (Ctrl-C) after it spawned them.

    A spawned neuron's log exists before the process does; the process writes its pid into its status file
    as its first act, so a neuron with a log and no pid yet gets a few seconds to say who it is.
    """
    from neuron.status import LOG_FILE

    deadline = time.monotonic() + wait
    for n in fleet.neurons:
        if n.pid is not None:
            continue
        spawned = (fleet.directory(n) / LOG_FILE).exists()
        while True:
            pid = fleet.status(n).get("pid")
            if pid:
                n.pid = int(pid)
                break
            if not spawned or time.monotonic() > deadline:
                break
            time.sleep(0.1)
