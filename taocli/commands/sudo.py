"""`taocli sudo get | set`: read and change subnet hyperparameters (sudo key or subnet owner), and, without
--netuid, network-wide values such as tx_rate_limit (sudo key only)."""

from __future__ import annotations

from typing import Annotated

import typer

from taocli.aliases import AliasGroup
from taocli.commands.chainctx import hyperparameters_of, open_chain
from taocli.errors import UsageProblem
from taocli.options import Debug, Json, Network, PasswordFd, PasswordFile, WalletName, WalletPath, Yes

app = typer.Typer(help="Subnet hyperparameters (or, without --netuid, network-wide values such as "
                       "tx_rate_limit): read one, or set it with the sudo key or as the owner.",
                  cls=AliasGroup, no_args_is_help=True, rich_markup_mode=None)

Netuid = Annotated[int | None, typer.Option("--netuid", help="Subnet id; leave out for a network-wide value.",
                                            min=0, max=65535)]
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
def _global_names() -> list[str]:
    from chain.calls import GLOBAL_SETTERS

    return sorted(GLOBAL_SETTERS)


def _need_netuid(netuid: int | None, param: str) -> int:
    """A subnet parameter needs --netuid; a network-wide one must not have it."""
    names = _global_names()
    if netuid is None and param not in names:
        raise UsageProblem(f"--param {param!r} belongs to a subnet: give --netuid, or one of the network-wide "
                           f"values {', '.join(names)} without it")
    if netuid is not None and param in names:
        raise UsageProblem(f"--param {param!r} is network-wide: leave out --netuid {netuid}")
    return -1 if netuid is None else netuid


@app.command("get")
def get(param: Param, netuid: Netuid = None, network: Network = None, json_out: Json = False, yes: Yes = False,
        debug: Debug = False) -> None:
    """Read one hyperparameter of a subnet, or a network-wide value (no --netuid)."""
    if _need_netuid(netuid, param) < 0:
        with open_chain(None, None, None, network, json_out, yes) as cs:
            found = cs.client.global_values()[param]
        if cs.out.json_mode:
            cs.out.result({"network": cs.network, "netuid": None, "param": param, "value": found})
        else:
            cs.out.note(f"{param} = {found} (network-wide)")
        return
    assert netuid is not None
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
def set_(param: Param, value: Value, netuid: Netuid = None, name: WalletName = None,
         wallet_path: WalletPath = None, network: Network = None, password_file: PasswordFile = None,
         password_fd: PasswordFd = None, json_out: Json = False, yes: Yes = False, debug: Debug = False) -> None:
    """Set a hyperparameter; signed by the wallet's coldkey, which must be the sudo key or the subnet owner.
    Without --netuid, set a network-wide value (tx_rate_limit, network_rate_limit, ...) with the sudo key."""
    new = _value(value)
    if _need_netuid(netuid, param) < 0:
        with open_chain(name, None, wallet_path, network, json_out, yes, password_file, password_fd) as cs:
            coldkey = cs.coldkey_address()
            prepared = cs.client.prepare_sudo_set_global(coldkey, param, new)
            old = cs.client.global_values()[param]
            cs.send(prepared, f"Set network-wide {param}", [("signer", coldkey), ("value", f"{old} → {int(new)}")],
                    cs.unlock_coldkey, {"netuid": None, "param": param, "old": old, "value": int(new)},
                    done=f"{param} set to {int(new)}")
        return
    assert netuid is not None
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
