"""`taocli miner start | stop | status | logs`: run a subnet template's miner (neuron.miner) on an axon."""

from __future__ import annotations

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


no.add_manage_commands(app, ROLE, "it finishes in-flight requests first")
