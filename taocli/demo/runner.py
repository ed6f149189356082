"""The demo from start to finish: wallets, a fresh chain, the journey, the network of neurons, all stopped.

The order matters for honesty: the metagraph is printed while the node still runs; the neurons and then the
node are stopped (and checked gone, the node's port free) before the promises are judged, and only then is
the JSON document written, so `--json` output always describes a run whose processes are already stopped.
With `keep`, nothing is stopped and the demo ends by printing the commands that stop everything.
"""

from __future__ import annotations

from pathlib import Path

from taocli.demo import report
from taocli.demo.fleet import Fleet, plan, start_all, stop_all
from taocli.demo.journey import TEMPO, Journey, Outcome
from taocli.demo.narrate import Narrator
from taocli.demo.network import NetworkOutcome, run_network
from taocli.demo.node import fresh_node
from taocli.demo.wallets import NOMINATOR, VALIDATOR, create_wallets
from taocli.errors import CliError
from taocli.output import emit_json


def run_demo(root: Path, json_mode: bool, template: str = "text_prompting", keep: bool = False) -> None:
    """Run the whole journey in `root` (a new or empty directory that the caller owns)."""
    from chain.client import Subtensor

    narrator = Narrator(json_mode)
    narrator.say(f"taocli demo: wallets, a fresh local chain, a subnet, a validator, three {template} miners and "
                 f"a nominator, all in {root} (throw-away keys; nothing outside it is touched)")
    wallets = create_wallets(narrator, root)
    narrator.section("Start a fresh local chain in the demo directory (`taocli localnet start`)")
    outcome = Outcome()
    network: NetworkOutcome | None = None
    fleet: Fleet | None = None
    with fresh_node(narrator, root, TEMPO, keep=keep) as node:
        client = Subtensor(node.url, metadata_cache=False)
        try:
            outcome = Journey(narrator, client, node, wallets).run()
            report.show(narrator, outcome)
            narrator.section(f"Start a validator and three {template} miners of different quality as real "
                             "processes (`taocli validator start`, `taocli miner start`)")
            fleet = plan(root, template, outcome.netuid, wallets.path, node.url)
            start_all(narrator, fleet)
            narrator.section("Let blocks pass: the validator queries and scores the miners, sets weights, and "
                             "Yuma consensus pays by quality")
            network = run_network(narrator, client, node, fleet,
                                  (wallets.hotkeys[VALIDATOR], wallets.coldkeys[NOMINATOR[0]]))
            report.show_network(narrator, network, fleet)
        finally:
            if fleet is not None and not (keep and network is not None):  # an error stops them even under --keep
                stop_all(narrator, fleet)
            client.close()
    if keep and node.pid is not None and not node.stopped:
        _print_keep(narrator, node, fleet)
    elif not (node.stopped and node.port_free):
        raise CliError(f"the demo's node (pid {node.pid}) did not stop cleanly; stop it with `taocli localnet "
                       f"stop --data-dir {node.config.data_dir}`")
    elif fleet is not None and not all(fleet.stopped.values()):
        raise CliError("a neuron did not stop: " + "; ".join(fleet.stop_commands()))
    report.check(outcome)
    if network is not None:
        report.check_network(network)
    if json_mode:
        document = report.summary(narrator, outcome, node.to_json(), wallets.to_json())
        if network is not None and fleet is not None:
            document["network"] = report.network_summary(network, fleet, keep)
        emit_json(document)
    narrator.say(f"\nDone in {narrator.elapsed():.1f} s. Replay any step by hand against `taocli localnet "
                 "start`; every command takes --json and --yes.")


def _print_keep(narrator: Narrator, node: object, fleet: Fleet | None) -> None:
    data_dir = node.config.data_dir  # type: ignore[attr-defined]
    narrator.section("Kept running (--keep): the chain and the neurons")
    narrator.say(f"  The chain at {node.url} (pid {node.pid}) makes a block every 0.25 s; the neurons keep "  # type: ignore[attr-defined]
                 "serving, scoring and setting weights. Stop everything with:")
    for line in (fleet.stop_commands() if fleet is not None else []):
        narrator.say(f"    {line}")
    narrator.say(f"    taocli localnet stop --data-dir {data_dir}")
