"""The demo from start to finish: wallets, a fresh chain, the journey, the metagraph, the node stopped.

The order matters for honesty: the metagraph is printed while the node still runs, the node is stopped
(and checked gone, its port free) before the journey's promises are judged, and only then is the JSON
document written, so `--json` output always describes a run whose node is already stopped.
"""

from __future__ import annotations

from pathlib import Path

from taocli.demo import report
from taocli.demo.journey import TEMPO, Journey, Outcome
from taocli.demo.narrate import Narrator
from taocli.demo.node import fresh_node
from taocli.demo.wallets import create_wallets
from taocli.errors import CliError
from taocli.output import emit_json


def run_demo(root: Path, json_mode: bool) -> None:
    """Run the whole journey in `root` (a new or empty directory that the caller owns)."""
    from chain.client import Subtensor

    narrator = Narrator(json_mode)
    narrator.say(f"taocli demo: wallets, a fresh local chain, a subnet, a validator, two miners and a "
                 f"nominator, all in {root} (throw-away keys; nothing outside it is touched)")
    wallets = create_wallets(narrator, root)
    narrator.section("Start a fresh local chain in the demo directory (`taocli localnet start`)")
    outcome = Outcome()
    with fresh_node(narrator, root, TEMPO) as node:
        client = Subtensor(node.url, metadata_cache=False)
        try:
            outcome = Journey(narrator, client, node, wallets).run()
        finally:
            client.close()
        report.show(narrator, outcome)
    if not (node.stopped and node.port_free):
        raise CliError(f"the demo's node (pid {node.pid}) did not stop cleanly; stop it with `taocli localnet "
                       f"stop --data-dir {node.config.data_dir}`")
    report.check(outcome)
    if json_mode:
        document = report.summary(narrator, outcome, node.to_json(), wallets.to_json())
        emit_json(document)
    narrator.say(f"\nDone in {narrator.elapsed():.1f} s. Replay any step by hand against `taocli localnet "
                 "start`; every command takes --json and --yes.")
