"""The demo's ending: the metagraph as a plain text table, the checks the journey promises, and JSON.

A plain fixed-width table rather than rich: the demo is read in CI logs and pipes as often as on a
terminal, and a table that wraps at 80 columns is no use there. Proportions (rank, trust, consensus,
incentive, dividends) are the chain's u16 values shown as fractions of 1; stake and emission are τ.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chain.balance import Balance
from chain.types import NeuronInfoLite, proportion
from taocli.demo.journey import Outcome
from taocli.demo.narrate import Narrator, short
from taocli.errors import CliError

if TYPE_CHECKING:  # pragma: no cover
    from taocli.demo.fleet import Fleet
    from taocli.demo.network import NetworkOutcome

COLUMNS = ("uid", "role", "hotkey", "stake τ", "rank", "trust", "consensus", "incentive", "dividends",
           "emission τ", "vpermit")


def _tao(rao: int) -> str:
    return f"{rao / 1e9:,.4f}"


def _row(neuron: NeuronInfoLite, role: str) -> list[str]:
    fractions = [f"{proportion(v):.4f}" for v in (neuron.rank, neuron.trust, neuron.consensus,
                                                   neuron.incentive, neuron.dividends)]
    return [str(neuron.uid), role, short(neuron.hotkey), _tao(neuron.total_stake), *fractions,
            _tao(neuron.emission), "yes" if neuron.validator_permit else ""]


def aligned(rows: list[list[str]], text_columns: set[int]) -> list[str]:
    """Rows as fixed-width lines: text columns to the left, numbers to the right."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(cell.ljust(w) if i in text_columns else cell.rjust(w)
                             for i, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip()
            for row in rows]


def metagraph_lines(outcome: Outcome) -> list[str]:
    """The subnet's neurons, one line each, columns aligned (numbers to the right)."""
    return aligned([list(COLUMNS)] + [_row(n, outcome.roles.get(n.uid, "")) for n in outcome.neurons], {1, 2})


def _by_role(outcome: Outcome, prefix: str) -> list[NeuronInfoLite]:
    return [n for n in outcome.neurons if outcome.roles.get(n.uid, "").startswith(prefix)]


def check(outcome: Outcome) -> None:
    """What the journey promises: miners earned incentive, the validator dividends, the nominator grew."""
    epoch = f"the epoch in block #{outcome.epoch_block}"
    for miner in _by_role(outcome, "miner"):
        if miner.incentive <= 0:
            raise CliError(f"{epoch} gave miner uid {miner.uid} no incentive; the weights did not count")
    for validator in _by_role(outcome, "validator"):
        if validator.dividends <= 0:
            raise CliError(f"{epoch} gave validator uid {validator.uid} no dividends")
    if outcome.nominator_after <= outcome.nominator_before:
        raise CliError(f"the nominator's stake did not grow ({outcome.nominator_before} before, "
                       f"{outcome.nominator_after} after {epoch})")


def show(narrator: Narrator, outcome: Outcome) -> None:
    """Print the metagraph and what it shows, in words."""
    info = outcome.subnet
    tempo = f", tempo {info.tempo}, burn {Balance(info.burn)}" if info is not None else ""
    narrator.section(f"Metagraph of subnet {outcome.netuid} after the epoch in block #{outcome.epoch_block}"
                     f"{tempo} (`taocli subnets metagraph --netuid {outcome.netuid}`)")
    for line in metagraph_lines(outcome):
        narrator.say(line)
    for miner in _by_role(outcome, "miner"):
        narrator.step(f"miner uid {miner.uid} earned", f"incentive {proportion(miner.incentive):.4f}, "
                      f"{Balance(miner.emission)} paid as stake to its hotkey")
    for validator in _by_role(outcome, "validator"):
        narrator.step(f"validator uid {validator.uid} earned", f"dividends {proportion(validator.dividends):.4f}, "
                      f"{Balance(validator.emission)} shared by its owner and nominator (after the take)")
    gain = outcome.nominator_after - outcome.nominator_before
    narrator.step("nominator's stake", f"{outcome.nominator_before} → {outcome.nominator_after} (+{gain})")
    cut = outcome.owner_after - outcome.owner_before
    narrator.step("subnet owner's free balance", f"{outcome.owner_before} → {outcome.owner_after} (+{cut}: the "
                  "owner's cut of every block's emission since the subnet was tuned)")


def summary(narrator: Narrator, outcome: Outcome, node: dict[str, Any], wallets: dict[str, Any]) -> dict[str, Any]:
    """The `--json` document: the final metagraph, every step, and the numbers the demo set out to show."""
    neurons = []
    for neuron in outcome.neurons:
        data = neuron.to_json()
        data["role"] = outcome.roles.get(neuron.uid, "")
        neurons.append(data)
    gain = outcome.nominator_after - outcome.nominator_before
    return {
        "ok": True,
        "seconds": round(narrator.elapsed(), 2),
        "node": node,
        "netuid": outcome.netuid,
        "epoch_block": outcome.epoch_block,
        "wallets": wallets,
        "metagraph": {"subnet": outcome.subnet.to_json() if outcome.subnet else None, "neurons": neurons},
        "summary": {
            "subnet_exists": outcome.subnet is not None,
            "miner_incentive": {str(n.uid): proportion(n.incentive) for n in _by_role(outcome, "miner")},
            "validator_dividends": {str(n.uid): proportion(n.dividends) for n in _by_role(outcome, "validator")},
            "nominator_stake_before": outcome.nominator_before.to_json(),
            "nominator_stake_after": outcome.nominator_after.to_json(),
            "nominator_gain": gain.to_json(),
            "owner_balance_before": outcome.owner_before.to_json(),
            "owner_balance_after": outcome.owner_after.to_json(),
        },
        "steps": narrator.steps,
    }


# -- the network phase ------------------------------------------------------------------------------------


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
