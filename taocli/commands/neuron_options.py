"""The flags `taocli miner start` and `taocli validator start` share, and the start ritual behind them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer

from taocli.errors import CliError, UsageProblem

NEURON = "Neuron"

Netuid = Annotated[int, typer.Option("--netuid", help="Subnet id.", min=0, max=65535, rich_help_panel=NEURON)]
NetuidOptional = Annotated[int | None, typer.Option("--netuid", help="Subnet id (default: every subnet this "
                                                    "wallet/hotkey ran on).", min=0, max=65535, show_default=False)]
Template = Annotated[str | None, typer.Option("--template", "-t", help="Built-in template name (e.g. echo).",
                                              show_default=False, rich_help_panel=NEURON)]
TemplatePath = Annotated[Path | None, typer.Option("--template-path", help="A template directory (a scaffolded "
                                                   "subnet) instead of --template.", show_default=False,
                                                   rich_help_panel=NEURON)]
TemplateOpt = Annotated[list[str] | None, typer.Option("--template-opt", help="KEY=VALUE passed to the template "
                                                       "(repeatable), e.g. wrong=true.", show_default=False,
                                                       rich_help_panel=NEURON)]
AxonPort = Annotated[int, typer.Option("--axon-port", "--axon.port", help="Port the axon listens on (0 = any free).",
                                       min=0, max=65535, rich_help_panel=NEURON)]
ExternalIp = Annotated[str | None, typer.Option("--external-ip", "--axon.external_ip", help="IP to publish on "
                                                "chain (default: detected; 127.0.0.1 on a local chain).",
                                                show_default=False, rich_help_panel=NEURON)]
ExternalPort = Annotated[int | None, typer.Option("--external-port", "--axon.external_port", help="Port to publish "
                                                  "on chain (default: --axon-port).", min=1, max=65535,
                                                  show_default=False, rich_help_panel=NEURON)]
EpochLength = Annotated[int | None, typer.Option("--epoch-length", help="Blocks between metagraph resyncs "
                                                 "(default: the subnet's tempo + 1).", min=1, show_default=False,
                                                 rich_help_panel=NEURON)]
Detach = Annotated[bool, typer.Option("--detach", "-d", help="Run in the background (pid, log and status files).",
                                      rich_help_panel=NEURON)]
Lines = Annotated[int, typer.Option("--lines", "-n", min=0, help="How many lines to show.")]
Follow = Annotated[bool, typer.Option("--follow", "-f", help="Keep printing new lines.")]


@dataclass
class StartRequest:
    """Everything `<role> start` was given, resolved; `argv()` replays it for the detached child."""

    role: str
    netuid: int
    template: str | None
    template_path: Path | None
    template_opts: list[str]
    axon_port: int
    external_ip: str | None
    external_port: int | None
    epoch_length: int | None
    name: str | None
    hotkey: str | None
    wallet_path: str | None
    network: str | None
    password_file: Path | None
    debug: bool
    extra: dict[str, Any] = field(default_factory=dict)  # role-specific flags, name -> value

    def argv(self, wallet: str, hotkey: str, wallet_path: Path, network: str, template_dir: Path) -> list[str]:
        args = [self.role, "start", "--netuid", str(self.netuid), "--template-path", str(template_dir),
                "--axon-port", str(self.axon_port), "--wallet-name", wallet, "--hotkey", hotkey,
                "--wallet-path", str(wallet_path), "--network", network]
        for opt in self.template_opts:
            args += ["--template-opt", opt]
        for flag, value in (("--external-ip", self.external_ip), ("--external-port", self.external_port),
                            ("--epoch-length", self.epoch_length), ("--password-file", self.password_file)):
            if value is not None:
                args += [flag, str(value)]
        for flag, value in self.extra.items():
            if isinstance(value, bool):
                if value:
                    args.append(flag)
            elif value is not None:
                args += [flag, str(value)]
        if self.debug:
            args.append("--debug")
        return args


def start(req: StartRequest, detach: bool, json_out: bool, apply_extra: Any) -> None:
    """Resolve wallet, network and template; refuse a second copy; run here or detached."""
    from taocli.commands import neurons
    from taocli.commands.chainctx import open_chain

    template_dir = neurons.resolve_template(req.template, req.template_path)
    options = neurons.parse_template_options(req.template_opts)
    cs = open_chain(req.name, req.hotkey, req.wallet_path, req.network, json_out, False, req.password_file)
    session = cs.wallet_session
    t = neurons.target(req.role, session, req.netuid)
    neurons.refuse_if_running(t)
    try:
        hotkey_pub = cs.hotkey_address()
    except Exception as exc:  # the wallet layer's errors are one-liners already
        raise CliError(str(exc)) from None
    if detach:
        hotkey_file = session.wallet.hotkey_file
        if hotkey_file.exists and hotkey_file.is_encrypted and req.password_file is None:
            raise UsageProblem(f"hotkey '{session.hotkey}' is encrypted and a detached {req.role} cannot ask for its "
                               "password; give --password-file FILE (mode 0600), or run it in the foreground")
        network_url = cs.client.network.url
        info = neurons.start_detached(t, req.argv(session.name, session.hotkey, session.path, network_url,
                                                  template_dir), session.out)
        if json_out:
            session.out.result({**info, "role": req.role, "netuid": req.netuid, "hotkey": hotkey_pub})
        else:
            session.out.success(f"{req.role} {session.name}/{session.hotkey} running in the background on subnet "
                                f"{req.netuid} (pid {info['pid']}, uid {info.get('uid', '?')}, axon "
                                f"{info.get('axon') or '-'}); log: {info['log']}")
            if info.get("note"):
                session.out.note(info["note"])
        return
    from neuron.base import NeuronConfig

    keypair = cs.unlock_hotkey()
    config = NeuronConfig(role=req.role, netuid=req.netuid, network=cs.client.network.url, hotkey=keypair,
                          wallet_name=session.name, hotkey_name=session.hotkey, template_dir=template_dir,
                          state_dir=t.directory, template_options=options, axon_port=req.axon_port,
                          external_ip=req.external_ip, external_port=req.external_port,
                          epoch_length=req.epoch_length)
    apply_extra(config)
    make = _factory(req.role)
    neurons.run_foreground(config, make, req.debug)


def _factory(role: str) -> Any:
    if role == "miner":
        from neuron.miner import Miner

        return Miner
    from neuron.validator import Validator

    return Validator
