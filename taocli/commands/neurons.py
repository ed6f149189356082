"""What `taocli miner ...` and `taocli validator ...` share: which neuron a command means, and its process.

A neuron is named by (role, wallet, hotkey, netuid); its directory `~/.taocli/neurons/<wallet>/<hotkey>/
netuid<N>/<role>/` holds the pid file, log, status file and state. `start` runs the loop in this process,
or with `--detach` spawns `python -m taocli <role> start ...` (the same command, without --detach) through
localnet.daemon, the node's detached-process pattern, and waits until the child says it is running or
shows why it stopped. No chain logic here: the loops are neuron.miner / neuron.validator.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from taocli.errors import CliError, UsageProblem
from taocli.output import Output

if TYPE_CHECKING:  # pragma: no cover
    from taocli.walletcmd.session import Session

MARKER = b"taocli"  # a neuron's command line is `python -m taocli <role> start ...`
START_WAIT = 120.0  # seconds a detached start waits for "running" (a template may load a model first)


@dataclass
class Target:
    """One neuron's identity and where its files are."""

    role: str
    wallet: str
    hotkey: str
    netuid: int
    directory: Path

    @property
    def what(self) -> str:
        return f"{self.role} {self.wallet}/{self.hotkey} on subnet {self.netuid}"

    def flags(self) -> str:
        return f"--netuid {self.netuid} --wallet-name {self.wallet} --hotkey {self.hotkey}"


def target(role: str, session: Session, netuid: int) -> Target:
    from neuron.status import default_state_dir

    return Target(role, session.name, session.hotkey, netuid,
                  default_state_dir(role, session.name, session.hotkey, netuid))


def find_targets(role: str, session: Session, netuid: int | None) -> list[Target]:
    """The neuron of --netuid, or every netuid this wallet/hotkey has run this role on."""
    if netuid is not None:
        return [target(role, session, netuid)]
    from neuron.status import neurons_root

    root = neurons_root() / session.name / session.hotkey
    found = []
    for path in sorted(root.glob(f"netuid*/{role}")):
        try:
            found.append(target(role, session, int(path.parent.name[len("netuid"):])))
        except ValueError:
            continue
    return found


def running_pid(t: Target) -> int | None:
    from localnet.daemon import read_pid_record
    from neuron.status import PID_FILE

    record = read_pid_record(t.directory / PID_FILE, MARKER)
    return int(record["pid"]) if record else None


def refuse_if_running(t: Target) -> None:
    pid = running_pid(t)
    if pid is not None:
        raise CliError(f"the {t.what} is already running (pid {pid}); stop it with "
                       f"`taocli {t.role} stop {t.flags()}` or see it with `taocli {t.role} status {t.flags()}`")


# -- start ---------------------------------------------------------------------------------------------

def resolve_template(name: str | None, path: Path | None) -> Path:
    from neuron.template import TemplateError, resolve

    try:
        return resolve(name, path)
    except TemplateError as exc:
        raise UsageProblem(str(exc)) from None


def parse_template_options(pairs: list[str] | None) -> dict[str, str]:
    from neuron.template import TemplateError, parse_options

    try:
        return parse_options(pairs)
    except TemplateError as exc:
        raise UsageProblem(str(exc)) from None


def start_detached(t: Target, argv: list[str], out: Output) -> dict[str, Any]:
    """Spawn `python -m taocli <argv>`; wait for the child's status "running" (or its failure line)."""
    from localnet.daemon import spawn
    from neuron.status import LOG_FILE, STATUS_FILE, read_json

    t.directory.mkdir(parents=True, exist_ok=True)
    status_path = t.directory / STATUS_FILE
    status_path.unlink(missing_ok=True)
    log_path = t.directory / LOG_FILE
    proc = spawn([sys.executable, "-m", "taocli", *argv], log_path)
    deadline = time.monotonic() + START_WAIT
    while time.monotonic() < deadline:
        code = proc.poll()
        status = read_json(status_path) or {}
        if code is not None:
            why = status.get("error") or _last_error(log_path) or f"exit code {code}"
            raise CliError(f"the {t.what} stopped during start-up: {why} (log: {log_path})")
        if status.get("pid") == proc.pid and status.get("state") == "running":
            return {"started": True, "pid": proc.pid, "log": str(log_path), "dir": str(t.directory),
                    "uid": status.get("uid"), "axon": status.get("axon")}
        time.sleep(0.1)
    return {"started": True, "pid": proc.pid, "log": str(log_path), "dir": str(t.directory),
            "note": f"still starting after {START_WAIT:.0f} s; follow it with `taocli {t.role} logs -f`"}


def _last_error(log_path: Path) -> str | None:
    from localnet.daemon import tail

    try:
        lines = [line.strip() for line in tail(log_path, 40) if line.strip()]
    except OSError:
        return None
    errors = [line for line in lines if "ERROR" in line or line.startswith("Error:")]
    return (errors or lines or [None])[-1]


def run_foreground(config: Any, make: Callable[[Any], Any], debug: bool) -> None:
    """Run the loop here until Ctrl-C/SIGTERM; exit code 1 (one line) when it cannot start."""
    import logging

    logging.basicConfig(level=logging.DEBUG if debug else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(message)s")
    for noisy in ("httpx", "httpcore", "websockets", "substrateinterface", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    code = make(config).run()
    if code:
        raise CliError(str(_failure(config)), exit_code=code)


def _failure(config: Any) -> str:
    from neuron.status import STATUS_FILE, read_json

    status = read_json(config.state_dir / STATUS_FILE) or {}
    return status.get("error") or "the neuron stopped with an error; see the lines above"


# -- stop / status / logs ------------------------------------------------------------------------------

def stop(role: str, session: Session, netuid: int | None) -> None:
    from localnet.daemon import terminate

    stopped = []
    for t in find_targets(role, session, netuid):
        pid = running_pid(t)
        if pid is not None:
            clean = terminate(pid, timeout=20.0)
            stopped.append({"netuid": t.netuid, "pid": pid, "clean": clean})
    if not stopped:
        where = f"subnet {netuid}" if netuid is not None else "any subnet"
        raise CliError(f"no {role} of {session.name}/{session.hotkey} runs on {where}; nothing to stop")
    out = session.out
    if out.json_mode:
        out.result({"stopped": stopped})
        return
    for item in stopped:
        how = "cleanly" if item["clean"] else "killed after 20 s"
        out.success(f"{role} {session.name}/{session.hotkey} on subnet {item['netuid']} stopped "
                    f"(pid {item['pid']}, {how})")


def status(role: str, session: Session, netuid: int | None) -> None:
    from neuron.status import STATUS_FILE, read_json

    rows = []
    for t in find_targets(role, session, netuid):
        data = read_json(t.directory / STATUS_FILE)
        if data is None:
            continue
        pid = running_pid(t)
        data["running"] = pid is not None
        if pid is None and data.get("state") not in ("stopped", "failed"):
            data["state"] = "not running (ended without a clean stop)"
        data["dir"] = str(t.directory)
        rows.append(data)
    if not rows:
        where = f" on subnet {netuid}" if netuid is not None else ""
        raise CliError(f"no {role} of {session.name}/{session.hotkey} has run{where}; start one with "
                       f"`taocli {role} start --template echo --netuid N`")
    session.out.result({"neurons": rows} if netuid is None else rows[0], lambda console: _render(console, rows))


def _render(console: Any, rows: list[dict[str, Any]]) -> None:
    from rich.table import Table

    for data in rows:
        table = Table(show_header=False, title=f"{data.get('role')} {data.get('wallet')}/{data.get('hotkey_name')} "
                      f"on subnet {data.get('netuid')}", title_justify="left")
        for key, value in status_lines(data):
            table.add_row(key, value)
        console.print(table)


def status_lines(d: dict[str, Any]) -> list[tuple[str, str]]:
    """The status file as (label, text) rows for people."""
    def num(key: str, fmt: str = "{:.4f}") -> str:
        value = d.get(key)
        return fmt.format(value) if isinstance(value, (int, float)) else "-"

    unit = str(d.get("unit") or "τ")  # dTAO: the subnet's alpha symbol (the stake weight and emission count alpha)
    weights = d.get("last_weights") or {}
    if weights:
        shown = " ".join(f"{u}:{w:.3f}" for u, w in weights.get("weights", {}).items())
        weights_text = f"block #{weights.get('block')}: {shown}"
    else:
        weights_text = "never"
    updated = d.get("updated")
    ago = f"{time.time() - updated:.0f} s ago" if isinstance(updated, (int, float)) else "-"
    rows = [("state", f"{d.get('state', '?')}" + (f" (pid {d.get('pid')})" if d.get("running") else "")),
            ("hotkey", str(d.get("hotkey", "-"))), ("uid", str(d.get("uid", "-"))),
            ("block", str(d.get("block", "-"))), ("stake", num("stake", unit + "{:,.4f}")),
            ("incentive", num("incentive")), ("dividends", num("dividends")), ("trust", num("trust")),
            ("emission", num("emission", unit + "{:,.6f}")),
            ("axon served", f"{d.get('axon') or '-'} (on chain: {d.get('axon_on_chain', '-')})"),
            ("requests served", f"{d.get('requests_served', 0)} ({num('request_rate', '{:.2f}')}/s)")]
    if d.get("role") == "validator":
        rows += [("step", str(d.get("step", "-"))), ("last weights set", weights_text)]
        if d.get("weights_wait"):
            rows.append(("weights not set because", str(d["weights_wait"])))
        commit = d.get("last_commit") or {}
        if commit:  # a commit-reveal subnet: committed weights count once revealed
            rows.append(("last weights committed",
                         f"block #{commit.get('block')} (hash {str(commit.get('hash'))[:16]}…)"))
        if d.get("reveal_wait"):
            rows.append(("reveal waits", str(d["reveal_wait"])))
    if d.get("error"):
        rows.append(("error", str(d["error"])))
    rows += [("updated", ago), ("files", str(d.get("dir", "-")))]
    return rows


def logs(role: str, session: Session, netuid: int | None, lines: int, follow: bool) -> None:
    from localnet.daemon import follow as follow_log
    from localnet.daemon import tail
    from neuron.status import LOG_FILE

    targets = find_targets(role, session, netuid)
    if not targets:
        raise CliError(f"no {role} of {session.name}/{session.hotkey} has run; start one with "
                       f"`taocli {role} start --template echo --netuid N --detach`")
    if len(targets) != 1:
        which = ", ".join(str(t.netuid) for t in targets) or "none"
        raise UsageProblem(f"give --netuid: {role} logs of {session.name}/{session.hotkey} exist for netuids {which}")
    path = targets[0].directory / LOG_FILE
    if not path.exists():
        raise CliError(f"no log at {path}; only a {role} started with --detach writes one")
    if session.out.json_mode:
        if follow:
            raise UsageProblem("--follow cannot be combined with --json (one document); drop one of them")
        session.out.result({"log": str(path), "lines": [line.rstrip("\n") for line in tail(path, lines)]})
        return
    for line in tail(path, lines):
        sys.stdout.write(line)
    sys.stdout.flush()
    if follow:
        try:
            for line in follow_log(path):
                sys.stdout.write(line)
                sys.stdout.flush()
        except KeyboardInterrupt:
            return
