"""`taocli validator start | stop | status | logs`: query miners, score them, set weights (neuron.validator)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from taocli.aliases import AliasGroup
from taocli.commands import neuron_options as no
from taocli.commands.miner import _session
from taocli.options import Debug, Hotkey, Json, Network, PasswordFile, WalletName, WalletPath

ROLE = "validator"
app = typer.Typer(help="Run a validator: query miners with a subnet template, score them, set weights.",
                  cls=AliasGroup, no_args_is_help=True, rich_markup_mode=None)

StepSeconds = Annotated[float, typer.Option("--step-seconds", help="Seconds between query rounds.", min=0.05,
                                            rich_help_panel=no.NEURON)]
SampleSize = Annotated[int, typer.Option("--sample-size", help="Miners queried per round.", min=1,
                                         rich_help_panel=no.NEURON)]
NoAxon = Annotated[bool, typer.Option("--no-axon", help="Serve no axon (miners may firewall validators "
                                      "without one).", rich_help_panel=no.NEURON)]
NoWeights = Annotated[bool, typer.Option("--no-weights", help="Score but never set weights (a dry run).",
                                         rich_help_panel=no.NEURON)]


@app.command("start")
def start(netuid: no.Netuid, template: no.Template = None, template_path: no.TemplatePath = None,
          template_opt: no.TemplateOpt = None, axon_port: no.AxonPort = 8092, external_ip: no.ExternalIp = None,
          external_port: no.ExternalPort = None, epoch_length: no.EpochLength = None, step_seconds: StepSeconds = 5.0,
          sample_size: SampleSize = 50, no_axon: NoAxon = False, no_weights: NoWeights = False,
          detach: no.Detach = False, name: WalletName = None, hotkey: Hotkey = None, wallet_path: WalletPath = None,
          network: Network = None, password_file: PasswordFile = None, json_out: Json = False,
          debug: Debug = False) -> None:
    """Start a validator of a template on a subnet (foreground until Ctrl-C, or --detach)."""
    extra = {"--step-seconds": step_seconds, "--sample-size": sample_size, "--no-axon": no_axon,
             "--no-weights": no_weights}
    req = no.StartRequest(ROLE, netuid, template, template_path, template_opt or [], axon_port, external_ip,
                          external_port, epoch_length, name, hotkey, wallet_path, network, password_file, debug,
                          extra)

    def apply(config: Any) -> None:
        config.step_seconds = step_seconds
        config.sample_size = sample_size
        config.serve = not no_axon
        config.set_weights = not no_weights

    no.start(req, detach, json_out, apply)


@app.command("stop")
def stop(netuid: no.NetuidOptional = None, name: WalletName = None, hotkey: Hotkey = None,
         wallet_path: WalletPath = None, json_out: Json = False, debug: Debug = False) -> None:
    """Stop a running validator (SIGTERM: it saves its state first)."""
    from taocli.commands import neurons

    neurons.stop(ROLE, _session(name, hotkey, wallet_path, json_out), netuid)


@app.command("status")
def status(netuid: no.NetuidOptional = None, name: WalletName = None, hotkey: Hotkey = None,
           wallet_path: WalletPath = None, json_out: Json = False, debug: Debug = False) -> None:
    """Show a validator's uid, stake, dividends, trust, last weights set, axon and requests served."""
    from taocli.commands import neurons

    neurons.status(ROLE, _session(name, hotkey, wallet_path, json_out), netuid)


@app.command("logs")
def logs(netuid: no.NetuidOptional = None, name: WalletName = None, hotkey: Hotkey = None,
         wallet_path: WalletPath = None, lines: no.Lines = 50, follow: no.Follow = False, json_out: Json = False,
         debug: Debug = False) -> None:
    """Show the log of a validator started with --detach."""
    from taocli.commands import neurons

    neurons.logs(ROLE, _session(name, hotkey, wallet_path, json_out), netuid, lines, follow)
