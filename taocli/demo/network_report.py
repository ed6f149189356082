"""The end of the demo's network phase: what the table ended on in words, its promises, and its JSON."""

from __future__ import annotations

from typing import Any

from chain.balance import Balance
from chain.types import proportion
from taocli.demo.fleet import Fleet
from taocli.demo.narrate import Narrator
from taocli.demo.network import NetworkOutcome
from taocli.errors import CliError


def show_network(narrator: Narrator, network: NetworkOutcome, fleet: Fleet) -> None:
    """What the live table ended on, in words: who earned what, by quality."""
    rows = {n.uid: n for n in network.neurons}
    first, last = network.blocks
    narrator.step("blocks run", f"#{first}→#{last} in {network.seconds:.1f} s; epochs in blocks "
                  f"{', '.join(f'#{b}' for b in network.epochs)} after the validator's first weights "
                  f"(block #{network.first_weights_block})", epochs=network.epochs)
    for uid in network.incentive_order()[::-1]:
        row = rows.get(uid)
        if row is not None:
            narrator.step(f"miner uid {uid} ({network.quality[uid]})", f"score {network.scores.get(str(uid), 0):.3f}"
                          f", incentive {proportion(row.incentive):.4f}, {Balance(row.emission)} this epoch")
    validator = fleet.neurons[0]
    row = rows.get(validator.uid) if validator.uid is not None else None
    if row is not None:
        narrator.step(f"validator uid {row.uid}", f"dividends {proportion(row.dividends):.4f}, "
                      f"{Balance(row.emission)} this epoch")
    gain = network.nominator_after - network.nominator_before
    narrator.step("nominator's stake while the neurons ran", f"{network.nominator_before} → "
                  f"{network.nominator_after} (+{gain})")


def check_network(network: NetworkOutcome) -> None:
    """What the network phase promises: incentive ordered like quality; validator and nominator earned."""
    if not network.follows_quality():
        order = ", ".join(network.quality[uid] for uid in network.incentive_order())
        raise CliError(f"the miners' incentive is not ordered by quality (lowest first: {order})")
    if network.nominator_after <= network.nominator_before:
        raise CliError(f"the nominator's stake did not grow while the neurons ran ({network.nominator_before})")


def network_summary(network: NetworkOutcome, fleet: Fleet, kept: bool) -> dict[str, Any]:
    rows = {n.uid: n for n in network.neurons}
    neurons = []
    for n in fleet.neurons:
        row = rows.get(n.uid) if n.uid is not None else None
        neurons.append({"role": n.role, "wallet": n.wallet, "hotkey": n.hotkey, "uid": n.uid, "pid": n.pid,
                        "quality": n.quality, "score": network.scores.get(str(n.uid)),
                        "incentive": proportion(row.incentive) if row else None,
                        "dividends": proportion(row.dividends) if row else None,
                        "stopped": fleet.stopped.get(n.label, False)})
    return {"template": network.template, "seconds": round(network.seconds, 2),
            "blocks": list(network.blocks), "first_weights_block": network.first_weights_block,
            "epochs": network.epochs, "neurons": neurons,
            "incentive_follows_quality": network.follows_quality(),
            "validator_weights": network.weights,
            "nominator_stake_before": network.nominator_before.to_json(),
            "nominator_stake_after": network.nominator_after.to_json(), "kept": kept}
