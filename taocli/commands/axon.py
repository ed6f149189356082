"""`taocli axon set | reset`: publish (or clear) where the hotkey's axon serves on a subnet."""

from __future__ import annotations

from typing import Annotated

import typer

from taocli.aliases import AliasGroup
from taocli.commands.chainctx import open_chain
from taocli.options import Debug, Hotkey, Json, Network, PasswordFd, PasswordFile, WalletName, WalletPath, Yes

app = typer.Typer(help="Publish the hotkey's axon endpoint on chain.", cls=AliasGroup, no_args_is_help=True,
                  rich_markup_mode=None)

Netuid = Annotated[int, typer.Option("--netuid", help="Subnet id.", min=0, max=65535)]
Ip = Annotated[str, typer.Option("--ip", help="Public IPv4 or IPv6 address (not 127.0.0.1).")]
Port = Annotated[int, typer.Option("--port", help="Public TCP port.")]
Protocol = Annotated[int, typer.Option("--protocol", help="Protocol number (4 = HTTP/TCP, the default).")]

# serve_axon refuses ip 0 and port 0, so "reset" publishes a reserved, unroutable placeholder that
# every client treats as "not serving": TEST-NET-1 (RFC 5737) 192.0.2.0 and port 1.
RESET_IP = "192.0.2.0"
RESET_PORT = 1


def _serve(netuid: int, ip: str, port: int, protocol: int, title: str, name: str | None, hotkey: str | None,
           wallet_path: str | None, network: str | None, password_file: object, password_fd: int | None,
           json_out: bool, yes: bool) -> None:
    with open_chain(name, hotkey, wallet_path, network, json_out, yes, password_file, password_fd) as cs:  # type: ignore[arg-type]
        hot = cs.hotkey_address()
        prepared = cs.client.serving.prepare_serve_axon(hot, netuid, ip, port, protocol=protocol)
        cs.send(prepared, title, [("hotkey (signs)", f"{cs.wallet_session.hotkey} {hot}"),
                                  ("subnet", str(netuid)), ("endpoint", f"{ip}:{port}")],
                cs.unlock_hotkey, {"netuid": netuid, "hotkey": hot, "ip": ip, "port": port}, done="Axon published")


@app.command("set")
def set_(netuid: Netuid, ip: Ip, port: Port, protocol: Protocol = 4, name: WalletName = None,
         hotkey: Hotkey = None, wallet_path: WalletPath = None, network: Network = None,
         password_file: PasswordFile = None, password_fd: PasswordFd = None, json_out: Json = False,
         yes: Yes = False, debug: Debug = False) -> None:
    """Publish ip:port as this hotkey's axon on a subnet."""
    _serve(netuid, ip, port, protocol, f"Serve axon {ip}:{port} on subnet {netuid}", name, hotkey, wallet_path,
           network, password_file, password_fd, json_out, yes)


@app.command("reset")
def reset(netuid: Netuid, name: WalletName = None, hotkey: Hotkey = None, wallet_path: WalletPath = None,
          network: Network = None, password_file: PasswordFile = None, password_fd: PasswordFd = None,
          json_out: Json = False, yes: Yes = False, debug: Debug = False) -> None:
    """Replace the published axon with an unroutable placeholder (the chain cannot store 'none')."""
    _serve(netuid, RESET_IP, RESET_PORT, 4, f"Reset axon on subnet {netuid}", name, hotkey, wallet_path, network,
           password_file, password_fd, json_out, yes)
