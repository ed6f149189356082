"""`taocli wallet balance | overview | faucet`: the wallet commands that read or touch the chain.

Named in the `wallet` group's table (taocli.commands.wallet); `transfer` lives in taocli.commands.transfer.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from taocli.commands.chainctx import open_chain, parse_amount, share, table, tao
from taocli.errors import CliError
from taocli.options import Debug, Json, Network, WalletName, WalletPath, Yes

AllWallets = Annotated[bool, typer.Option("--all", "-a", help="Every wallet under the wallet path.")]
FaucetAmount = Annotated[str, typer.Option("--amount", "-a", help="TAO to receive from //Alice.")]


def _balances(client: Any, address: str) -> dict[str, Any]:
    from chain.balance import Balance

    free = client.balances.balance(address)
    staked = client.staking.holdings(address).staked_tao  # dTAO: alpha valued at spot; None if unpriced
    if staked is None:
        return {"coldkey": address, "free": free.to_json(), "staked": None, "total": None}
    return {"coldkey": address, "free": free.to_json(), "staked": Balance(staked).to_json(),
            "total": Balance(free.rao + staked).to_json()}


def _tao_or_unknown(value: dict[str, Any] | None) -> str:
    """A TAO amount from its JSON form, or "—" when the chain client could not value it."""
    return "—" if value is None else tao(value["rao"])


def balance(
    name: WalletName = None, wallet_path: WalletPath = None, all_wallets: AllWallets = False,
    network: Network = None, json_out: Json = False, yes: Yes = False, debug: Debug = False,
) -> None:
    """Show the coldkey's free, staked and total TAO."""
    from wallet.errors import WalletError
    from wallet.wallet import Wallet, list_wallets

    rows: list[dict[str, Any]] = []
    with open_chain(name, None, wallet_path, network, json_out, yes) as cs:
        names = list_wallets(cs.wallet_session.path) if all_wallets else [cs.wallet_session.name]
        for wallet_name in names:
            w = Wallet(wallet_name, "default", str(cs.wallet_session.path))
            try:
                address = w.coldkeypub.ss58_address
            except WalletError as exc:  # a wallet we cannot read; anything else is a bug and must show
                if not all_wallets:
                    raise
                cs.out.warn(f"skipping wallet {wallet_name!r}: {exc}")
                continue
            rows.append({"wallet": wallet_name, **_balances(cs.client, address)})
    data: dict[str, Any] = {"network": cs.network, "wallets": rows} if all_wallets else {"network": cs.network,
                                                                                         **rows[0]}
    render = table(f"Balances on {cs.network}", ["wallet", "coldkey", "free", "staked", "total"],
                   [[r["wallet"], r["coldkey"], tao(r["free"]["rao"]), _tao_or_unknown(r["staked"]),
                     _tao_or_unknown(r["total"])] for r in rows])
    cs.out.result(data, render)
    if any(r["staked"] is None for r in rows) and not cs.out.json_mode:
        cs.out.note("— : some stake is alpha of a subnet taocli cannot price on this runtime; see `taocli stake list`")


def overview(
    name: WalletName = None, wallet_path: WalletPath = None, network: Network = None, json_out: Json = False,
    yes: Yes = False, debug: Debug = False,
) -> None:
    """Show the wallet's balance and every hotkey's registrations, stake and rewards."""
    from wallet.errors import WalletError

    neurons: list[dict[str, Any]] = []
    with open_chain(name, None, wallet_path, network, json_out, yes) as cs:
        w = cs.wallet_session.wallet
        coldkey = w.coldkeypub.ss58_address
        client = cs.client
        head = _balances(client, coldkey)
        if client.era == "dtao":
            from taocli.commands import dtao_display

            dtao_display.overview(cs, coldkey, head)
            return
        netuids = client.subnets.netuids()
        for hk_name in w.hotkey_names():
            try:
                hk = w.hotkeypub(hk_name).ss58_address
            except WalletError as exc:  # an encrypted hotkey without its pub file, a corrupt file: say which
                cs.out.warn(f"skipping hotkey {hk_name!r}: {exc}")
                continue
            for netuid, uid, n in client.registration.registrations(hk, netuids):
                neurons.append({"hotkey_name": hk_name, "hotkey": hk, "netuid": netuid, "uid": uid,
                                "stake": n.total_stake, "rank": n.rank, "trust": n.trust,
                                "incentive": n.incentive, "dividends": n.dividends, "emission": n.emission,
                                "validator_permit": n.validator_permit,
                                "axon": f"{n.axon_info.ip_str}:{n.axon_info.port}" if n.axon_info.is_serving
                                else None})
    data = {"network": cs.network, "wallet": cs.wallet_session.name, **head, "neurons": neurons}

    def render(console: Any) -> None:
        console.print(f"Wallet {cs.wallet_session.name} — coldkey {coldkey} on {cs.network}")
        console.print(f"  free {tao(head['free']['rao'])}   staked {_tao_or_unknown(head['staked'])}   "
                      f"total {_tao_or_unknown(head['total'])}")
        if not neurons:
            console.print("  No hotkey of this wallet is registered on any subnet.")
            return
        table("Registrations", ["hotkey", "netuid", "uid", "stake", "rank", "trust", "incentive", "dividends",
                                "emission", "vpermit", "axon"],
              [[n["hotkey_name"], str(n["netuid"]), str(n["uid"]), tao(n["stake"]), share(n["rank"]), share(n["trust"]),
                share(n["incentive"]), share(n["dividends"]), tao(n["emission"]), "✓" if n["validator_permit"] else "",
                n["axon"] or "-"] for n in neurons])(console)
    cs.out.result(data, render)


def faucet(
    name: WalletName = None, wallet_path: WalletPath = None, amount: FaucetAmount = "1000",
    network: Network = None, json_out: Json = False, yes: Yes = False, debug: Debug = False,
) -> None:
    """Local chain only: receive TAO from the //Alice dev account."""
    from wallet.keypair import Keypair

    with open_chain(name, None, wallet_path, network, json_out, yes) as cs:
        value = parse_amount(amount)
        coldkey = cs.coldkey_address()
        if not cs.client.network.is_local:
            raise CliError(f"the faucet works only on a local chain; {cs.client.network.name} "
                           f"({cs.client.network.url}) is not one")
        alice = Keypair.from_uri("//Alice")
        prepared = cs.client.balances.prepare_transfer(alice.ss58_address, coldkey, value)
        cs.send(prepared, f"Faucet: {value} from //Alice to wallet '{cs.wallet_session.name}'",
                [("from", f"//Alice {alice.ss58_address}"), ("to", coldkey), ("amount", str(value))],
                lambda: alice, {"to": coldkey, "amount": value.to_json()}, done=f"Received {value}")
