"""`taocli weights set | get`: a validator's weights on a subnet, checked against its limits first."""

from __future__ import annotations

from typing import Annotated

import typer

from taocli.aliases import AliasGroup
from taocli.commands.chainctx import ChainSession, missing_subnet, open_chain, table
from taocli.errors import CliError, UsageProblem
from taocli.options import Debug, Hotkey, Json, Network, PasswordFd, PasswordFile, WalletName, WalletPath, Yes

app = typer.Typer(help="Set and read weights on a subnet.", cls=AliasGroup, no_args_is_help=True,
                  rich_markup_mode=None)

Netuid = Annotated[int, typer.Option("--netuid", help="Subnet id.", min=0, max=65535)]
Uids = Annotated[str, typer.Option("--uids", "--dests", help="Comma-separated uids, e.g. 0,1,5.")]
Weights = Annotated[str, typer.Option("--weights", help="Comma-separated weights (any scale; normalised).")]
VersionKey = Annotated[int | None, typer.Option("--version-key", help="Weights version key (default: the "
                                                "subnet's).", show_default=False)]
Uid = Annotated[int | None, typer.Option("--uid", help="Only this uid's row.", show_default=False, min=0,
                                         max=65535)]


def parse_list(text: str, flag: str, kind: type) -> list:
    """'0,1,5' -> [0, 1, 5]; a bad item is a usage error naming the flag."""
    items = [t.strip() for t in text.replace(" ", ",").split(",") if t.strip()]
    try:
        return [kind(t) for t in items]
    except ValueError:
        raise UsageProblem(f"{flag} {text!r}: give comma-separated {'integers' if kind is int else 'numbers'}") \
            from None


def send_weights(cs: ChainSession, netuid: int, uids: list[int], values: list[float],
                 version_key: int | None) -> None:
    """Shared with `root weights`: normalise, check, confirm, sign with the hotkey."""
    hot = cs.hotkey_address()
    prepared = cs.client.weights.prepare_set_weights(hot, netuid, uids, values, version_key)
    u16 = prepared.params["weights"]
    total = sum(u16)
    shown = ", ".join(f"{d}:{w / total:.4f}" for d, w in zip(prepared.params["dests"], u16, strict=True))
    what = "netuid" if netuid == 0 else "uid"
    cs.send(prepared, f"Set weights on {'the root network' if netuid == 0 else f'subnet {netuid}'}",
            [("hotkey (signs)", f"{cs.wallet_session.hotkey} {hot}"), (f"{what}:share", shown),
             ("version key", str(prepared.params["version_key"]))],
            cs.unlock_hotkey, {"netuid": netuid, "hotkey": hot, "dests": prepared.params["dests"], "weights": u16},
            done="Weights set")


@app.command("set")
def set_(netuid: Netuid, uids: Uids, weights: Weights, version_key: VersionKey = None, name: WalletName = None,
         hotkey: Hotkey = None, wallet_path: WalletPath = None, network: Network = None,
         password_file: PasswordFile = None, password_fd: PasswordFd = None, json_out: Json = False,
         yes: Yes = False, debug: Debug = False) -> None:
    """Set this hotkey's weights on a subnet (normalised, checked against min/max limits before sending)."""
    dests = parse_list(uids, "--uids", int)
    values = parse_list(weights, "--weights", float)
    with open_chain(name, hotkey, wallet_path, network, json_out, yes, password_file, password_fd) as cs:
        send_weights(cs, netuid, dests, values, version_key)


@app.command("get")
def get(netuid: Netuid, uid: Uid = None, network: Network = None, json_out: Json = False, yes: Yes = False,
        debug: Debug = False) -> None:
    """Show the weights every uid (or --uid) of a subnet has set, as stored (u16) and normalised."""
    with open_chain(None, None, None, network, json_out, yes) as cs:
        if uid is not None:
            one = cs.client.subnets.neuron(netuid, uid)
            if one is None:
                raise CliError(f"uid {uid} does not exist on subnet {netuid}")
            neurons = [one]
        else:
            if not cs.client.subnets.subnet_exists(netuid):
                raise missing_subnet(netuid)
            neurons = cs.client.subnets.neurons(netuid)
    rows = [{"uid": n.uid, "hotkey": n.hotkey, "weights": [[d, w] for d, w in n.weights]} for n in neurons]

    def norm(pairs: list[tuple[int, int]]) -> str:
        total = sum(w for _, w in pairs) or 1
        return " ".join(f"{d}:{w / total:.3f}" for d, w in pairs) or "-"
    render = table(f"Weights on subnet {netuid} ({cs.network})", ["uid", "hotkey", "weights (dest:share)"],
                   [[str(n.uid), n.hotkey, norm(n.weights)] for n in neurons])
    cs.out.result({"network": cs.network, "netuid": netuid, "rows": rows}, render)
