"""`taocli subnets ...`: list subnets, show a metagraph, hyperparameters, lock cost, create, register."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer

from taocli.aliases import AliasGroup
from taocli.commands.chainctx import ChainSession, hyperparameters_of, missing_subnet, open_chain, share, table, tao
from taocli.options import Debug, Hotkey, Json, Network, PasswordFd, PasswordFile, WalletName, WalletPath, Yes

app = typer.Typer(help="Subnets: list, metagraph, hyperparameters, create and register.", cls=AliasGroup,
                  no_args_is_help=True, rich_markup_mode=None)

Netuid = Annotated[int, typer.Option("--netuid", "--netuids", help="Subnet id.", min=0, max=65535)]
Pow = Annotated[bool, typer.Option("--pow", help="Register by proof-of-work instead of burning TAO.")]
Processes = Annotated[int | None, typer.Option("--processes", help="CPU processes for --pow (default: all cores).",
                                               show_default=False, min=1, max=256)]


@app.command("list")
def list_(network: Network = None, json_out: Json = False, yes: Yes = False, debug: Debug = False) -> None:
    """List every subnet with its size, tempo, burn and emission."""
    with open_chain(None, None, None, network, json_out, yes) as cs:
        pools = cs.client.subnets.pools()
        subnets = [] if pools is not None else cs.client.subnets.subnets()
    if pools is not None:  # a dTAO chain: every subnet is a pool of TAO against its own alpha
        from taocli.commands import dtao_display

        cs.out.result({"network": cs.network, "subnets": [p.to_json() for p in pools]},
                      dtao_display.subnet_pools(f"Subnets on {cs.network}", pools))
        if any(p.price is None for p in pools) and not cs.out.json_mode:
            cs.out.note(dtao_display.UNPRICED_NOTE)
        return
    rows = [s.to_json() for s in subnets]
    render = table(f"Subnets on {cs.network}", ["netuid", "n", "max n", "tempo", "burn", "emission", "owner"],
                   [[str(s.netuid), str(s.subnetwork_n), str(s.max_allowed_uids), str(s.tempo), tao(s.burn),
                     f"{s.emission_values / 1e9:.2%}", s.owner] for s in subnets])
    cs.out.result({"network": cs.network, "subnets": rows}, render)


@app.command("show")
def show(netuid: Netuid, network: Network = None, json_out: Json = False, yes: Yes = False,
         debug: Debug = False) -> None:
    """Show a subnet's metagraph: every uid with stake, ranks, incentive, dividends, emission and axon."""
    with open_chain(None, None, None, network, json_out, yes) as cs:
        if cs.client.era == "dtao":
            dtao_show(cs, netuid)
            return
        info = cs.client.subnets.subnet(netuid)
        if info is None:
            raise missing_subnet(netuid)
        neurons = cs.client.subnets.neurons_lite(netuid)
    data = {"network": cs.network, "netuid": netuid, "subnet": info.to_json(),
            "neurons": [n.to_json() for n in neurons]}
    rows = [[str(n.uid), n.hotkey, tao(n.total_stake), share(n.rank), share(n.trust), share(n.consensus),
             share(n.incentive), share(n.dividends), tao(n.emission), "✓" if n.validator_permit else "",
             str(n.last_update),
             f"{n.axon_info.ip_str}:{n.axon_info.port}" if n.axon_info.is_serving else "-"] for n in neurons]
    render = table(f"Metagraph of subnet {netuid} on {cs.network}: {len(neurons)}/{info.max_allowed_uids} uids, "
                   f"tempo {info.tempo}, burn {tao(info.burn)}",
                   ["uid", "hotkey", "stake", "rank", "trust", "consensus", "incentive", "dividends", "emission",
                    "vpermit", "updated", "axon"], rows)
    cs.out.result(data, render)


app.command("metagraph")(show)


def dtao_show(cs: ChainSession, netuid: int) -> None:
    """A dTAO metagraph: alpha stake in the subnet's symbol with its TAO value, root stake in τ."""
    from chain.rooms.dtao_subnets import DtaoSubnets
    from taocli.commands import dtao_display

    subnets = cs.client.subnets
    assert isinstance(subnets, DtaoSubnets)  # era "dtao" picked the dTAO rooms (chain.client.rooms_for)
    graph = subnets.metagraph(netuid)
    if graph is None:
        raise missing_subnet(netuid)
    cs.out.result({"network": cs.network, "netuid": netuid, **graph.to_json()},
                  dtao_display.metagraph(f"Metagraph of subnet {netuid} on {cs.network}", graph))
    if graph.pool.price is None and not cs.out.json_mode:
        cs.out.note(dtao_display.UNPRICED_NOTE)


@app.command("hyperparameters")
def hyperparameters(netuid: Netuid, network: Network = None, json_out: Json = False, yes: Yes = False,
                    debug: Debug = False) -> None:
    """Show a subnet's hyperparameters."""
    with open_chain(None, None, None, network, json_out, yes) as cs:
        data = hyperparameters_of(cs, netuid)
    render = table(f"Hyperparameters of subnet {netuid} on {cs.network}", ["name", "value"],
                   [[k, str(v)] for k, v in data.items()])
    cs.out.result({"network": cs.network, "netuid": netuid, "hyperparameters": data}, render)


@app.command("lock-cost")
def lock_cost(network: Network = None, json_out: Json = False, yes: Yes = False, debug: Debug = False) -> None:
    """Show the TAO the next `subnets create` will lock."""
    with open_chain(None, None, None, network, json_out, yes) as cs:
        cost = cs.client.subnets.lock_cost()
    if cs.out.json_mode:
        cs.out.result({"network": cs.network, "lock_cost": cost.to_json()})
    else:
        cs.out.note(f"Creating a subnet on {cs.network} now locks {cost}")


@app.command("create")
def create(name: WalletName = None, hotkey: Hotkey = None, wallet_path: WalletPath = None,
           network: Network = None, password_file: PasswordFile = None, password_fd: PasswordFd = None,
           json_out: Json = False, yes: Yes = False, debug: Debug = False) -> None:
    """Create a new subnet owned by this wallet's coldkey (locks the current lock cost); on a dTAO chain the
    wallet's hotkey becomes the owner hotkey (uid 0)."""
    with open_chain(name, hotkey, wallet_path, network, json_out, yes, password_file, password_fd) as cs:
        coldkey = cs.coldkey_address()
        cost = cs.client.subnets.lock_cost()
        owner_hotkey = cs.hotkey_address() if cs.client.era == "dtao" else None
        prepared = cs.client.subnets.prepare_register_network(coldkey, owner_hotkey)
        def netuid(receipt: Any) -> dict[str, Any]:
            return {"netuid": cs.client.subnets.created_netuid(receipt)}
        owner = [("owner hotkey", owner_hotkey)] if owner_hotkey else []
        cs.send(prepared, "Create a subnet", [("owner", f"{cs.wallet_session.name} {coldkey}"), *owner,
                                              ("lock", str(cost))],
                cs.unlock_coldkey, {"owner": coldkey, **({"owner_hotkey": owner_hotkey} if owner_hotkey else {}),
                                  "locked": cost.to_json()},
                done="Subnet created", after=netuid)


@app.command("register")
def register(netuid: Netuid, pow_: Pow = False, processes: Processes = None, name: WalletName = None,
             hotkey: Hotkey = None, wallet_path: WalletPath = None, network: Network = None,
             password_file: PasswordFile = None, password_fd: PasswordFd = None, json_out: Json = False,
             yes: Yes = False, debug: Debug = False) -> None:
    """Register this wallet's hotkey on a subnet: burn TAO (default) or solve proof-of-work (--pow)."""
    with open_chain(name, hotkey, wallet_path, network, json_out, yes, password_file, password_fd) as cs:
        coldkey = cs.coldkey_address()
        hot = cs.hotkey_address()
        if pow_:
            _register_pow(cs, netuid, coldkey, hot, processes)
            return
        prepared = cs.client.registration.prepare_burned_register(coldkey, netuid, hot)
        info = cs.client.subnets.subnet(netuid)
        burn = tao(info.burn) if info else "?"
        cs.send(prepared, f"Register on subnet {netuid} by burning {burn}",
                [("coldkey (pays)", f"{cs.wallet_session.name} {coldkey}"),
                 ("hotkey", f"{cs.wallet_session.hotkey} {hot}"), ("burn", burn)],
                cs.unlock_coldkey, {"netuid": netuid, "hotkey": hot, "coldkey": coldkey},
                done=f"Registered on subnet {netuid}",
                after=lambda _r: {"uid": cs.client.registration.uid_of(netuid, hot)})


def _register_pow(cs: ChainSession, netuid: int, coldkey: str, hot: str, processes: int | None) -> None:
    """Solve PoW with a progress bar (the chain's registration room restarts it when the block goes stale)."""
    from chain import pow as pw
    from wallet.ss58 import public_key_from

    registration = cs.client.registration
    target = registration.pow_target(netuid, hot)
    difficulty = target[1]
    cs.out.note(f"Proof-of-work registration on subnet {netuid}: difficulty {difficulty:,}, "
                f"{processes or pw.default_processes()} processes")
    from taocli.prompts import confirm

    confirm(f"Solve and register hotkey {hot}?", yes=cs.yes)
    keypair = cs.unlock_hotkey()
    with _pow_progress(cs) as progress:
        solution = registration.solve_pow(netuid, hot, public_key_from(hot), processes=processes, progress=progress,
                                          target=target)
    prepared = registration.prepare_pow_register(netuid, hot, coldkey, solution)
    receipt = cs.client.execute(prepared, keypair)
    uid = registration.uid_of(netuid, hot)
    cs.report(receipt, {"netuid": netuid, "hotkey": hot, "coldkey": coldkey,
                        "pow": {"difficulty": solution.difficulty, "hashes": solution.hashes,
                                "seconds": round(solution.elapsed, 3), "block_number": solution.block_number},
                        "uid": uid},
              f"✅ Registered by PoW on subnet {netuid} as uid {uid} after {solution.hashes:,} hashes in "
              f"{solution.elapsed:.1f} s (block #{receipt.block_number})")


@contextmanager
def _pow_progress(cs: ChainSession) -> Iterator[Callable[[Any], None] | None]:
    """A rich progress bar fed by the solver on a terminal; no callback otherwise."""
    import sys

    if cs.out.json_mode or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("PoW"), BarColumn(), TextColumn("{task.fields[rate]}"),
               TextColumn("difficulty {task.fields[difficulty]}"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True)) as bar:
        task = bar.add_task("pow", total=None, rate="0 H/s", difficulty="")

        def show(p: Any) -> None:
            bar.update(task, total=float(p.difficulty), completed=min(float(p.hashes), float(p.difficulty) * 0.99),
                       rate=f"{p.hash_rate:,.0f} H/s", difficulty=f"{p.difficulty:,}")

        yield show


def _register_new() -> None:
    """`subnets new` (scaffolding, no chain) lives in its own module; registered here to share the group."""
    from taocli.commands.subnets_new import new

    app.command("new")(new)


_register_new()
