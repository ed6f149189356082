"""`taocli sudo get | set`: read and change subnet hyperparameters (sudo key or subnet owner)."""

from __future__ import annotations

from typing import Annotated

import typer

from taocli.aliases import AliasGroup
from taocli.commands.chainctx import hyperparameters_of, open_chain
from taocli.errors import UsageProblem
from taocli.options import Debug, Json, Network, PasswordFd, PasswordFile, WalletName, WalletPath, Yes

app = typer.Typer(help="Subnet hyperparameters: read one, or set it with the sudo key or as the owner.",
                  cls=AliasGroup, no_args_is_help=True, rich_markup_mode=None)

Netuid = Annotated[int, typer.Option("--netuid", help="Subnet id.", min=0, max=65535)]
Param = Annotated[str, typer.Option("--param", "--hyperparameter", help="Hyperparameter name, e.g. tempo.")]
Value = Annotated[str, typer.Option("--value", help="New value (an integer, or true/false).")]


def _value(text: str) -> int | bool:
    lowered = text.strip().lower()
    if lowered in ("true", "false", "yes", "no", "on", "off"):
        return lowered in ("true", "yes", "on")
    try:
        value = int(lowered.replace("_", ""))
    except ValueError:
        raise UsageProblem(f"--value {text!r}: give an integer, or true/false") from None
    if value < 0:
        raise UsageProblem(f"--value {text!r}: hyperparameters are never negative")
    return value


@app.command("get")
def get(netuid: Netuid, param: Param, network: Network = None, json_out: Json = False, yes: Yes = False,
        debug: Debug = False) -> None:
    """Read one hyperparameter of a subnet."""
    with open_chain(None, None, None, network, json_out, yes) as cs:
        data = hyperparameters_of(cs, netuid)
        data.update(cs.client.settable_extras(netuid))
    if param not in data:
        raise UsageProblem(f"--param {param!r} is unknown; choose one of {', '.join(data)}")
    if cs.out.json_mode:
        cs.out.result({"network": cs.network, "netuid": netuid, "param": param, "value": data[param]})
    else:
        cs.out.note(f"{param} = {data[param]} on subnet {netuid}")


@app.command("set")
def set_(netuid: Netuid, param: Param, value: Value, name: WalletName = None, wallet_path: WalletPath = None,
         network: Network = None, password_file: PasswordFile = None, password_fd: PasswordFd = None,
         json_out: Json = False, yes: Yes = False, debug: Debug = False) -> None:
    """Set a hyperparameter; signed by the wallet's coldkey, which must be the sudo key or the subnet owner."""
    new = _value(value)
    with open_chain(name, None, wallet_path, network, json_out, yes, password_file, password_fd) as cs:
        coldkey = cs.coldkey_address()
        prepared = cs.client.prepare_sudo_set(coldkey, netuid, param, new)
        current = cs.client.hyperparameters(netuid)
        old = current.to_json().get(param, "?") if current is not None else "?"
        if isinstance(old, bool):
            new = bool(new)
        cs.send(prepared, f"Set {param} of subnet {netuid}", [("signer", coldkey), ("value", f"{old} → {new}")],
                cs.unlock_coldkey, {"netuid": netuid, "param": param, "old": old, "value": new},
                done=f"{param} set to {new}")
