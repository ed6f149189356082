"""What a miner and a validator share: configuration, the registration check, retries, the axon, status.

A neuron runs for days against a chain that restarts, a node that goes away, peers that vanish. So every
chain call of the running loop goes through `retry`, which waits with exponential backoff (1 s doubling
to 30 s) while the node is unreachable and logs one line per wait instead of crashing into a supervisor's
restart loop. Only start-up is strict: an unregistered hotkey, a missing subnet or no node at all is one
clear line and exit code 1, since nothing useful can be done and the operator is watching.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from chain.errors import NodeUnreachable
from neuron import template as tpl
from neuron.chain_link import ChainLink
from neuron.metagraph import Metagraph
from neuron.status import PID_FILE, StatusBoard, write_json

if TYPE_CHECKING:
    from wallet.keypair import Keypair

T = TypeVar("T")
log = logging.getLogger("taocli.neuron")

BACKOFF_START = 1.0
BACKOFF_MAX = 30.0


class NeuronError(Exception):
    """The neuron cannot start or must stop; `str()` is the one line shown to the operator."""


class Stopped(Exception):
    """Raised inside the loop when a stop was requested (Ctrl-C, SIGTERM) during a wait."""


@dataclass
class NeuronConfig:
    """Everything a neuron needs, resolved by the CLI (flags, wallet, template)."""

    role: str  # "miner" | "validator"
    netuid: int
    network: str | None
    hotkey: Keypair
    wallet_name: str
    hotkey_name: str
    template_dir: Path
    state_dir: Path
    template_options: dict[str, str] = field(default_factory=dict)
    axon_port: int = 8091
    axon_host: str = "0.0.0.0"
    external_ip: str | None = None
    external_port: int | None = None
    serve: bool = True  # validators may run with no axon (--no-axon)
    epoch_length: int | None = None  # blocks between resyncs; None = the subnet's tempo + 1
    step_seconds: float = 5.0  # validator: pause between query rounds
    sample_size: int = 50
    vpermit_tao_limit: float = 4096.0
    set_weights: bool = True
    chain_timeout: float = 10.0

    @property
    def register_hint(self) -> str:
        net = f" --network {self.network}" if self.network else ""
        return (f"taocli subnets register --netuid {self.netuid} --wallet-name {self.wallet_name} "
                f"--hotkey {self.hotkey_name}{net}")


class Neuron:
    """The shared skeleton; subclasses implement `setup()` and `tick()`."""

    role = "neuron"

    def __init__(self, config: NeuronConfig) -> None:
        self.config = config
        self.link = ChainLink(config.network, config.chain_timeout)
        self.metagraph = Metagraph(config.netuid, str(config.network or "local"))
        self.stop_event = threading.Event()
        self.status = StatusBoard(config.state_dir)
        self.uid: int | None = None
        self.last_sync_block = -1
        self.epoch_length = config.epoch_length or 0
        self.axon: Any = None
        self.template: Any = None

    @property
    def hotkey(self) -> str:
        return self.config.hotkey.ss58_address

    # -- life cycle ----------------------------------------------------------------------------

    def run(self) -> int:
        """Start, loop until stopped, shut down cleanly; returns the process exit code."""
        self._install_signals()
        pid_path = self.config.state_dir / PID_FILE
        self.config.state_dir.mkdir(parents=True, exist_ok=True)
        write_json(pid_path, {"pid": os.getpid(), "role": self.config.role, "netuid": self.config.netuid,
                              "hotkey": self.hotkey, "started": time.time()})
        self.status.update(role=self.config.role, netuid=self.config.netuid, hotkey=self.hotkey,
                           wallet=self.config.wallet_name, hotkey_name=self.config.hotkey_name,
                           template=self.config.template_dir.name, state="starting")
        self.status.flush(force=True)
        code = 0
        try:
            self.check_registered()
            self.setup()
            self.status.update(state="running")
            self.status.flush(force=True)
            log.info("%s running: uid %s on subnet %s (%s)", self.role, self.uid, self.config.netuid, self.link.url)
            self.loop()
        except Stopped:
            pass
        except (NeuronError, tpl.TemplateError) as exc:  # the CLI prints it (one line, into the log when detached)
            self.status.update(state="failed", error=str(exc))
            code = 1
        finally:
            self.shutdown()
            self.status.update(state="stopped" if code == 0 else self.status.fields.get("state"))
            self.status.flush(force=True)
            pid_path.unlink(missing_ok=True)
        return code

    def loop(self) -> None:
        """tick() until stopped. An unexpected error costs one tick (logged with its traceback, then a
        backoff wait), never the process: a neuron under a supervisor must not become a crash loop."""
        failures = 0
        while not self.stop_event.is_set():
            try:
                self.tick()
                if failures:
                    self.status.update(error=None)
                failures = 0
            except (Stopped, NeuronError, tpl.TemplateError):
                raise
            except Exception:
                failures += 1
                delay = min(BACKOFF_START * 2 ** (failures - 1), BACKOFF_MAX)
                log.exception("unexpected error in the %s loop (%d in a row); going on in %.0f s", self.role,
                              failures, delay)
                self.status.update(error=f"unexpected error ({failures} in a row); see the log")
                self.wait(delay)

    def _install_signals(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        import faulthandler
        import sys

        # `kill -USR1 <pid>` writes every thread's stack to the log: what a stuck neuron is waiting on.
        faulthandler.register(signal.SIGUSR1, file=sys.stderr, all_threads=True)

        def handle(signum: int, frame: Any) -> None:
            log.info("%s received %s: finishing in-flight work and stopping", self.role,
                     signal.Signals(signum).name)
            self.stop_event.set()

        signal.signal(signal.SIGTERM, handle)
        signal.signal(signal.SIGINT, handle)

    def build_template(self) -> Any:
        """The template's miner/validator object, built once (a model may load or train here)."""
        cfg = self.config
        ctx = tpl.TemplateContext(name=cfg.template_dir.name, role=cfg.role, netuid=cfg.netuid, hotkey=self.hotkey,
                                  cache_dir=tpl.default_cache_root() / "templates" / cfg.template_dir.name,
                                  state_dir=cfg.state_dir / "template", options=cfg.template_options,
                                  log=lambda msg: log.info("%s", msg))
        started = time.monotonic()
        built = tpl.build(cfg.template_dir, ctx)
        log.info("template %s ready in %.2f s", ctx.name, time.monotonic() - started)
        return built

    def setup(self) -> None:
        raise NotImplementedError

    def tick(self) -> None:
        raise NotImplementedError

    def shutdown(self) -> None:
        if self.axon is not None:
            try:
                self.axon.stop()
            except Exception as exc:
                log.warning("axon did not stop cleanly: %s", exc)
        self.link.close()

    # -- waiting and retrying --------------------------------------------------------------------

    def wait(self, seconds: float) -> None:
        """Sleep, but wake at once (raising Stopped) when a stop is requested."""
        if self.stop_event.wait(max(0.0, seconds)):
            raise Stopped

    def retry(self, what: str, fn: Callable[[], T]) -> T:
        """`fn()` until it succeeds, waiting 1, 2, 4 ... 30 s while the node is unreachable."""
        delay = BACKOFF_START
        while True:
            if self.stop_event.is_set():
                raise Stopped
            try:
                result = fn()
            except NodeUnreachable as exc:
                log.warning("%s: %s; retrying in %.0f s", what, exc, delay)
                self.status.update(state="waiting for the node", error=str(exc))
                self.status.flush(force=True)
                self.wait(delay)
                delay = min(delay * 2, BACKOFF_MAX)
                continue
            if self.status.fields.get("state") == "waiting for the node":
                log.info("node reachable again")
                self.status.update(state="running", error=None)
            return result

    # -- chain ---------------------------------------------------------------------------------

    def check_registered(self) -> None:
        """Refuse to start (one line, naming the register command) when the hotkey has no uid here."""
        netuid = self.config.netuid
        try:
            if not self.link.subnet_exists(netuid):
                raise NeuronError(f"subnet {netuid} does not exist on {self.link.url}; list subnets with "
                                  "`taocli subnets list` or create one with `taocli subnets create`")
            uid = self.link.uid_of(netuid, self.hotkey)
        except NodeUnreachable as exc:
            raise NeuronError(str(exc)) from None
        if uid is None:
            raise NeuronError(f"hotkey {self.config.hotkey_name} ({self.hotkey}) of wallet {self.config.wallet_name} "
                              f"is not registered on subnet {netuid}; register it with `{self.config.register_hint}`")
        self.uid = uid

    def resync(self, force: bool = False) -> None:
        """Re-read the metagraph and the subnet's rules; notice a deregistration of our own hotkey."""
        report = self.retry("metagraph sync", lambda: self.metagraph.sync(self.link, force=force))
        self.last_sync_block = report.block
        if self.config.epoch_length is None:
            rules = self.retry("subnet rules", lambda: self.link.rules(self.config.netuid))
            self.epoch_length = rules.tempo + 1
        uid = self.metagraph.uid_of(self.hotkey)
        if uid is None:
            raise NeuronError(f"hotkey {self.hotkey} is no longer registered on subnet {self.config.netuid} "
                              f"(deregistered at block ~{report.block}); register again with "
                              f"`{self.config.register_hint}`")
        self.uid = uid
        if "unit" not in self.status.fields:  # a symbol is set once, when the subnet is created
            self.status.update(unit=self.retry("stake unit", lambda: self.link.stake_unit(self.config.netuid)))
        self.on_resync(report)
        self._status_from_metagraph()

    def on_resync(self, report: Any) -> None:
        """Hook for the validator (align scores with hotkeys that changed)."""

    def epoch_due(self, block: int) -> bool:
        return self.last_sync_block < 0 or block - self.last_sync_block >= max(1, self.epoch_length)

    def _status_from_metagraph(self) -> None:
        m, uid = self.metagraph, self.uid
        if uid is None or uid >= m.n:
            return
        self.status.update(uid=uid, block=m.block, n=m.n, stake=float(m.stake[uid]),
                           incentive=float(m.incentive[uid]), dividends=float(m.dividends[uid]),
                           trust=float(m.trust[uid]), consensus=float(m.consensus[uid]),
                           emission=float(m.emission[uid]), validator_permit=bool(m.validator_permit[uid]),
                           last_update=int(m.last_update[uid]),
                           axon_on_chain=f"{m.axon_ip[uid]}:{int(m.axon_port[uid])}")
