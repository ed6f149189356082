"""`taocli localnet ...`: start, stop and inspect the embedded chain node.

Thin on purpose: every command calls `localnet.process` (imported inside the function, so `taocli --help`
stays fast) and only turns its answers into output and its `LocalnetError`s into one-line CLI errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from taocli.options import Debug, Json, Yes

app = typer.Typer(help="Run the local chain that ships inside taocli.", no_args_is_help=True,
                  rich_markup_mode=None)

Name = Annotated[str, typer.Option("--name", help="Chain name; data in ~/.taocli/localnet/<name>.")]
DataDir = Annotated[Path | None, typer.Option("--data-dir", help="Data directory (overrides --name).",
                                              show_default=False)]
Host = Annotated[str, typer.Option("--host", help="Interface to listen on.")]
Port = Annotated[int, typer.Option("--port", help="JSON-RPC port (WebSocket and HTTP POST).")]


def _dir(name: str, data_dir: Path | None) -> Path:
    from localnet.process import default_data_dir

    return data_dir if data_dir is not None else default_data_dir(name)


def _fail(err: Exception) -> None:
    from taocli.errors import CliError

    raise CliError(str(err)) from None


@app.command("start")
def start(
    name: Name = "default",
    data_dir: DataDir = None,
    host: Host = "127.0.0.1",
    port: Port = 9944,
    block_time: Annotated[float | None, typer.Option("--block-time", help="Seconds per block (default 12).",
                                                     show_default=False)] = None,
    fast: Annotated[bool, typer.Option("--fast", help="A block every 0.25 s.")] = False,
    instant: Annotated[bool, typer.Option("--instant", help="Seal a block as soon as extrinsics wait.")] = False,
    archive: Annotated[bool, typer.Option("--archive", help="Keep the state of every block.")] = False,
    genesis: Annotated[Path | None, typer.Option("--genesis", help="Genesis file (TOML or JSON) for a fresh chain.",
                                                 show_default=False)] = None,
    detach: Annotated[bool, typer.Option("--detach", "-d", help="Run in the background (log in the data dir).")]
    = False,
    json_out: Json = False,
    debug: Debug = False,
) -> None:
    """Start the local chain (foreground until Ctrl-C, or --detach)."""
    from localnet.process import LocalnetError, NodeConfig, check_can_start, start_detached
    from taocli.errors import UsageProblem
    from taocli.output import Output

    config = NodeConfig(_dir(name, data_dir), host, port, block_time, fast, instant, archive, genesis)
    try:
        config.check()
    except LocalnetError as err:
        raise UsageProblem(str(err)) from None
    out = Output(json_out)
    try:
        if detach:
            info = start_detached(config)
            out.result({"started": True, **info}) if json_out else out.success(
                f"localnet running in the background on ws://{host}:{info['port']} (pid {info['pid']}, "
                f"blocks {info['mode']}); log: {info['log']}")
            return
        check_can_start(config)
    except LocalnetError as err:
        _fail(err)
    from localnet.__main__ import run

    run(config)


@app.command("stop")
def stop(name: Name = "default", data_dir: DataDir = None, json_out: Json = False, debug: Debug = False) -> None:
    """Stop the running local chain (its blocks and state are kept)."""
    from localnet.process import LocalnetError
    from localnet.process import stop as stop_node
    from taocli.output import Output

    try:
        pid = stop_node(_dir(name, data_dir))
    except LocalnetError as err:
        _fail(err)
    out = Output(json_out)
    out.result({"stopped": True, "pid": pid}) if json_out else out.success(f"localnet stopped (pid {pid})")


@app.command("status")
def status(
    name: Name = "default",
    data_dir: DataDir = None,
    port: Annotated[int | None, typer.Option("--port", help="Ask the node on this port instead.",
                                             show_default=False)] = None,
    json_out: Json = False,
    debug: Debug = False,
) -> None:
    """Show endpoint, block mode, best block, accounts and subnets of the local chain."""
    from localnet.process import LocalnetError
    from localnet.process import status as node_status
    from taocli.output import Output

    try:
        data = node_status(_dir(name, data_dir), port=port)
    except LocalnetError as err:
        _fail(err)

    def render(console: Any) -> None:
        if not data.get("running"):
            console.print(f"localnet is not running (data dir {data['dataDir']}"
                          f"{', chain kept' if data.get('hasChain') else ''}); "
                          "start it with `taocli localnet start`")
            return
        from rich.table import Table

        table = Table(show_header=False, title="localnet")
        rows = [("endpoint", data["endpoint"]), ("pid", str(data.get("pid") or "-")), ("chain", data["chain"]),
                ("blocks", data["mode"]), ("best block", f"#{data['best']} {data['bestHash']}"),
                ("accounts", str(data.get("accounts", "-"))), ("subnets", str(data.get("subnets", "-"))),
                ("pool", f"{data['pool']['ready']} ready, {data['pool']['future']} future"),
                ("data dir", data["dataDir"])]
        for key, value in rows:
            table.add_row(key, value)
        console.print(table)

    Output(json_out).result(data, render)


@app.command("reset")
def reset(name: Name = "default", data_dir: DataDir = None, yes: Yes = False, json_out: Json = False,
          debug: Debug = False) -> None:
    """Delete the chain (blocks and state) so the next start begins from a fresh genesis."""
    from localnet.process import LocalnetError
    from localnet.process import reset as reset_chain
    from taocli.output import Output
    from taocli.prompts import confirm

    where = _dir(name, data_dir)
    confirm(f"Delete every block and all state of the local chain in {where}?", yes=yes)
    try:
        removed = reset_chain(where)
    except LocalnetError as err:
        _fail(err)
    out = Output(json_out)
    if json_out:
        out.result({"reset": True, "removed": removed, "dataDir": str(where)})
    else:
        out.success(f"local chain in {where} reset; the next start writes a fresh genesis"
                    if removed else f"nothing to reset in {where}")


@app.command("logs")
def logs(
    name: Name = "default",
    data_dir: DataDir = None,
    lines: Annotated[int, typer.Option("--lines", "-n", min=0, help="How many lines to show.")] = 50,
    follow: Annotated[bool, typer.Option("--follow", "-f", help="Keep printing new lines.")] = False,
    json_out: Json = False,
    debug: Debug = False,
) -> None:
    """Show the log of a node started with --detach."""
    import sys

    from localnet.process import LOG_FILE, LocalnetError, follow_log, log_tail

    where = _dir(name, data_dir)
    if json_out:
        # One document cannot keep growing; scripts that follow read the plain lines instead.
        from taocli.errors import UsageProblem
        from taocli.output import Output

        if follow:
            raise UsageProblem("--follow cannot be combined with --json (one document); drop one of them")
        try:
            tail = log_tail(where, lines)
        except LocalnetError as err:
            _fail(err)
        Output(json_out).result({"log": str(where / LOG_FILE), "lines": [line.rstrip("\n") for line in tail]})
        return
    try:
        for line in log_tail(where, lines):
            sys.stdout.write(line)
        sys.stdout.flush()
        if follow:
            for line in follow_log(where):
                sys.stdout.write(line)
                sys.stdout.flush()
    except LocalnetError as err:
        _fail(err)
    except KeyboardInterrupt:
        return
