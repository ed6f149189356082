"""`taocli miner start | stop | status | logs`: run a subnet template's miner (neuron.miner) on an axon."""

from __future__ import annotations

from typing import Any

import typer

from taocli.aliases import AliasGroup
from taocli.commands import neuron_options as no
from taocli.options import Debug, Hotkey, Json, Network, PasswordFile, WalletName, WalletPath

ROLE = "miner"
app = typer.Typer(help="Run a miner: serve a subnet template on an axon, published on chain.", cls=AliasGroup,
                  no_args_is_help=True, rich_markup_mode=None)


@app.command("start")
def start(netuid: no.Netuid, template: no.Template = None, template_path: no.TemplatePath = None,
          template_opt: no.TemplateOpt = None, axon_port: no.AxonPort = 8091, external_ip: no.ExternalIp = None,
          external_port: no.ExternalPort = None, epoch_length: no.EpochLength = None, detach: no.Detach = False,
          name: WalletName = None, hotkey: Hotkey = None, wallet_path: WalletPath = None, network: Network = None,
          password_file: PasswordFile = None, json_out: Json = False, debug: Debug = False) -> None:
    """Start a miner of a template on a subnet (foreground until Ctrl-C, or --detach)."""
    req = no.StartRequest(ROLE, netuid, template, template_path, template_opt or [], axon_port, external_ip,
                          external_port, epoch_length, name, hotkey, wallet_path, network, password_file, debug)
    no.start(req, detach, json_out, lambda config: None)


@app.command("stop")
def stop(netuid: no.NetuidOptional = None, name: WalletName = None, hotkey: Hotkey = None,
         wallet_path: WalletPath = None, json_out: Json = False, debug: Debug = False) -> None:
    """Stop a running miner (SIGTERM: it finishes in-flight requests first)."""
    from taocli.commands import neurons

    neurons.stop(ROLE, _session(name, hotkey, wallet_path, json_out), netuid)


@app.command("status")
def status(netuid: no.NetuidOptional = None, name: WalletName = None, hotkey: Hotkey = None,
           wallet_path: WalletPath = None, json_out: Json = False, debug: Debug = False) -> None:
    """Show a miner's uid, stake, incentive, trust, axon and the requests it served."""
    from taocli.commands import neurons

    neurons.status(ROLE, _session(name, hotkey, wallet_path, json_out), netuid)


@app.command("logs")
def logs(netuid: no.NetuidOptional = None, name: WalletName = None, hotkey: Hotkey = None,
         wallet_path: WalletPath = None, lines: no.Lines = 50, follow: no.Follow = False, json_out: Json = False,
         debug: Debug = False) -> None:
    """Show the log of a miner started with --detach."""
    from taocli.commands import neurons

    neurons.logs(ROLE, _session(name, hotkey, wallet_path, json_out), netuid, lines, follow)


def _session(name: str | None, hotkey: str | None, wallet_path: str | None, json_out: bool) -> Any:
    from taocli.walletcmd.session import open_session

    return open_session(name, hotkey, wallet_path, json_out, True)
