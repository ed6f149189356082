"""`taocli weights set | get | commit | reveal`: a validator's weights on a subnet, checked against its limits
first; on a subnet with commit-reveal on, `set` commits (as btcli 9 does) and `reveal` sends them later."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from taocli.aliases import AliasGroup
from taocli.commands.chainctx import ChainSession, missing_subnet, open_chain, table
from taocli.errors import CliError, UsageProblem
from taocli.options import Debug, Hotkey, Json, Network, PasswordFd, PasswordFile, WalletName, WalletPath, Yes

if TYPE_CHECKING:  # pragma: no cover
    from chain.dtao.commit_reveal import Reveal

app = typer.Typer(help="Set, commit, reveal and read weights on a subnet.", cls=AliasGroup, no_args_is_help=True,
                  rich_markup_mode=None)

Netuid = Annotated[int, typer.Option("--netuid", help="Subnet id.", min=0, max=65535)]
Uids = Annotated[str, typer.Option("--uids", "-u", "--dests", help="Comma-separated uids, e.g. 0,1,5.")]
Weights = Annotated[str, typer.Option("--weights", help="Comma-separated weights (any scale; normalised).")]
VersionKey = Annotated[int | None, typer.Option("--version-key", help="Weights version key (default: the "
                                                "subnet's).", show_default=False)]
# btcli 9 spells --weights also -w; here -w is the wallet name (every command's), so only the long form
Salt = Annotated[str | None, typer.Option("--salt", "-s", help="Comma-separated salt words (u16), e.g. 163,241,217; "
                                          "default: 8 random ones.", show_default=False)]
OptUids = Annotated[str | None, typer.Option("--uids", "-u", "--dests", show_default=False, help=(
    "With --weights and --salt: reveal exactly these (btcli's form) instead of the kept commits."))]
OptWeights = Annotated[str | None, typer.Option("--weights", show_default=False, help=(
    "Weights as given to commit (normalised the same way: largest = 65535)."))]
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
    """Shared with `root weights`: normalise, check, confirm, sign with the hotkey. A subnet with commit-reveal
    on refuses set_weights (CommitRevealEnabled): commit instead, as btcli 9's `weights set` path does."""
    if netuid != 0 and cs.client.weights.commit_reveal_required(netuid):
        from taocli.commands.weights_commits import commit

        commit(cs, netuid, uids, values, version_key, None,
               why=f"subnet {netuid} has commit-reveal on (it refuses set_weights): committing instead; reveal in "
                   f"the window with `taocli weights reveal --netuid {netuid}`")
        return
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


@app.command("commit")
def commit_(netuid: Netuid, uids: Uids, weights: Weights, salt: Salt = None, version_key: VersionKey = None,
            name: WalletName = None, hotkey: Hotkey = None, wallet_path: WalletPath = None, network: Network = None,
            password_file: PasswordFile = None, password_fd: PasswordFd = None, json_out: Json = False,
            yes: Yes = False, debug: Debug = False) -> None:
    """Commit this hotkey's weights as a hash (commit-reveal subnets); the reveal data is kept under the wallet
    until `taocli weights reveal` sends it in the window an epoch later."""
    from taocli.commands.weights_commits import commit

    dests = parse_list(uids, "--uids", int)
    values = parse_list(weights, "--weights", float)
    words = None if salt is None else parse_list(salt, "--salt", int)
    if words is not None and (not words or any(not 0 <= w < 65_536 for w in words)):
        raise UsageProblem(f"--salt {salt!r}: give comma-separated integers from 0 to 65535")
    with open_chain(name, hotkey, wallet_path, network, json_out, yes, password_file, password_fd) as cs:
        commit(cs, netuid, dests, values, version_key, words)


@app.command("reveal")
def reveal(netuid: Netuid, uids: OptUids = None, weights: OptWeights = None, salt: Salt = None,
           version_key: VersionKey = None, name: WalletName = None, hotkey: Hotkey = None,
           wallet_path: WalletPath = None, network: Network = None, password_file: PasswordFile = None,
           password_fd: PasswordFd = None, json_out: Json = False, yes: Yes = False, debug: Debug = False) -> None:
    """Reveal every kept commit of this hotkey on the subnet whose window is open (or, with --uids, --weights and
    --salt, exactly those); says when the next window opens."""
    from taocli.commands import weights_commits as wc

    given = [flag for flag, v in (("--uids", uids), ("--weights", weights), ("--salt", salt)) if v is not None]
    if given and len(given) != 3:
        raise UsageProblem("give --uids, --weights and --salt together (btcli's form), or none of them to reveal "
                           "the commits kept under the wallet")
    with open_chain(name, hotkey, wallet_path, network, json_out, yes, password_file, password_fd) as cs:
        if not given:
            wc.reveal_pending(cs, netuid)
            return
        assert uids is not None and weights is not None and salt is not None
        wc.reveal_explicit(cs, explicit_reveal(cs, netuid, parse_list(uids, "--uids", int),
                                               parse_list(weights, "--weights", float),
                                               parse_list(salt, "--salt", int), version_key))


def explicit_reveal(cs: ChainSession, netuid: int, uids: list[int], weights: list[float], salt: list[int],
                    version_key: int | None) -> list[Reveal]:
    """The reveals btcli users type, in the two forms a commit may have hashed: taocli's (largest = 65535, half
    up, zeros kept) and btcli 9's / the SDK's (round half to even, zeros dropped); the subnet's version key
    unless given (btcli commits with its own version number: pass it with --version-key)."""
    from chain.dtao.commit_reveal import Reveal
    from chain.weights import InvalidWeights, normalize, sdk_emit_form, to_u16

    try:
        key = version_key
        if key is None:
            params = cs.client.subnets.hyperparameters(netuid)
            if params is None:
                raise missing_subnet(netuid)
            key = params.weights_version
        ours = Reveal(netuid, tuple(uids), tuple(to_u16(normalize(weights))), tuple(salt), key)
        sdk_uids, sdk_values = sdk_emit_form(uids, weights)
        theirs = Reveal(netuid, tuple(sdk_uids), tuple(sdk_values), tuple(salt), key)
        return [ours] if theirs == ours else [ours, theirs]
    except (InvalidWeights, ValueError) as exc:
        raise UsageProblem(f"reveal refused before sending: {exc}") from None


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
