"""The network part of the demo: blocks pass while the validator scores the miners, and the metagraph moves.

The chain is an --instant one, so the demo seals a block every BLOCK_SECONDS while the neurons work. Each
block it reads the metagraph and the validator's status file (its moving-average scores and the weights it
last set) and shows them: a live rich table on a terminal, a plain table at every epoch elsewhere (CI logs,
`--json`'s stderr). It stops when the validator's weights have been through two epochs and the miners'
incentive is ordered like their quality, or fails with one line after PHASE_TIMEOUT seconds.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chain.balance import Balance
from chain.types import NeuronInfoLite, proportion
from taocli.demo.fleet import Fleet
from taocli.demo.narrate import Narrator
from taocli.demo.report import aligned
from taocli.errors import CliError

if TYPE_CHECKING:  # pragma: no cover
    from chain.client import Subtensor
    from taocli.demo.node import DemoNode

BLOCK_SECONDS = 0.25
EPOCHS_WITH_WEIGHTS = 2
PHASE_TIMEOUT = 75.0
COLUMNS = ["uid", "role", "quality", "score", "incentive", "dividends", "emission τ", "stake τ", "served"]


@dataclass
class NetworkOutcome:
    """What the network phase showed, for the report and the JSON summary."""

    template: str
    quality: dict[int, str] = field(default_factory=dict)  # miner uid -> its knob, weakest first
    first_weights_block: int | None = None
    epochs: list[int] = field(default_factory=list)  # epoch blocks after the validator's first weights
    blocks: tuple[int, int] = (0, 0)
    seconds: float = 0.0
    neurons: list[NeuronInfoLite] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)
    nominator_before: Balance = field(default_factory=lambda: Balance(0))
    nominator_after: Balance = field(default_factory=lambda: Balance(0))

    def incentive_order(self) -> list[int]:
        """Miner uids from least to most incentive."""
        rows = {n.uid: n.incentive for n in self.neurons}
        return sorted(self.quality, key=lambda uid: rows.get(uid, 0))

    def follows_quality(self) -> bool:
        rows = {n.uid: n.incentive for n in self.neurons}
        values = [rows.get(uid, 0) for uid in self.quality]  # weakest miner first
        return all(a < b for a, b in itertools.pairwise(values))


def _table_rows(fleet: Fleet, neurons: list[NeuronInfoLite], scores: dict[str, Any],
                served: dict[int, int]) -> list[list[str]]:
    roles = {n.uid: n for n in fleet.neurons}
    rows = []
    for row in neurons:
        who = roles.get(row.uid)
        score = scores.get(str(row.uid))
        rows.append([str(row.uid), who.role if who else "", who.quality if who else "",
                     f"{score:.3f}" if score is not None else "", f"{proportion(row.incentive):.4f}",
                     f"{proportion(row.dividends):.4f}", f"{row.emission / 1e9:,.4f}", f"{row.total_stake / 1e9:,.2f}",
                     str(served.get(row.uid, "")) if who and who.role == "miner" else ""])
    return rows


@contextlib.contextmanager
def _display(narrator: Narrator) -> Iterator[Callable[[str, list[list[str]], bool], None]]:
    """A function (title, rows, epoch?) that shows the table: live on a terminal, per epoch elsewhere."""
    stream = narrator.stream
    if not narrator.json_mode and getattr(stream, "isatty", lambda: False)():
        from rich.console import Console
        from rich.live import Live
        from rich.table import Table

        def render(title: str, rows: list[list[str]]) -> Table:
            table = Table(title=title, title_justify="left")
            for i, name in enumerate(COLUMNS):
                table.add_column(name, justify="left" if i in (1, 2) else "right")
            for row in rows:
                table.add_row(*row)
            return table

        with Live(console=Console(file=stream), auto_refresh=False) as live:
            yield lambda title, rows, _epoch: live.update(render(title, rows), refresh=True)
        return

    def plain(title: str, rows: list[list[str]], epoch: bool) -> None:
        if epoch:
            narrator.say(f"  {title}")
            for line in aligned([COLUMNS, *rows], {1, 2}):
                narrator.say(line)

    yield plain


def run_network(narrator: Narrator, client: Subtensor, node: DemoNode, fleet: Fleet, nominator: tuple[str, str]
                ) -> NetworkOutcome:
    """Seal blocks until incentive follows quality two epochs after the validator's first weights."""
    validator = fleet.neurons[0]
    outcome = NetworkOutcome(fleet.template, {n.uid: n.quality for n in fleet.neurons[1:] if n.uid is not None})
    hot, cold = nominator
    outcome.nominator_before = client.stake(hot, cold)
    started = time.monotonic()
    first_block = client.block_number()
    with _display(narrator) as show:
        while True:
            tick = time.monotonic()
            if tick - started > PHASE_TIMEOUT:
                raise CliError(_timeout_reason(outcome, PHASE_TIMEOUT, fleet))
            node.seal()
            block = client.block_number()
            info = client.subnet(fleet.netuid)
            epoch = info is not None and info.blocks_since_last_step == 0
            status = fleet.status(validator)
            weights = status.get("last_weights") or {}
            if outcome.first_weights_block is None and weights.get("block"):
                outcome.first_weights_block = int(weights["block"])
            if epoch and outcome.first_weights_block is not None and block > outcome.first_weights_block:
                outcome.epochs.append(block)
            outcome.neurons = client.neurons_lite(fleet.netuid)
            outcome.scores = {str(k): float(v) for k, v in (status.get("scores") or {}).items()}
            outcome.weights = {str(k): float(v) for k, v in (weights.get("weights") or {}).items()}
            served = {n.uid: int(fleet.status(n).get("requests_served") or 0) for n in fleet.neurons[1:]
                      if n.uid is not None}
            title = (f"subnet {fleet.netuid} · block #{block} · {len(outcome.epochs)} epoch(s) since the validator's "
                     f"first weights · {time.monotonic() - started:.0f} s")
            show(title, _table_rows(fleet, outcome.neurons, outcome.scores, served), epoch)
            if len(outcome.epochs) >= EPOCHS_WITH_WEIGHTS and outcome.follows_quality() and _validator_paid(
                    outcome, validator.uid):
                break
            time.sleep(max(0.0, BLOCK_SECONDS - (time.monotonic() - tick)))
    outcome.blocks = (first_block, client.block_number())
    outcome.seconds = time.monotonic() - started
    outcome.nominator_after = client.stake(hot, cold)
    return outcome


def _validator_paid(outcome: NetworkOutcome, uid: int | None) -> bool:
    return any(n.uid == uid and n.dividends > 0 for n in outcome.neurons)


def _timeout_reason(outcome: NetworkOutcome, limit: float, fleet: Fleet) -> str:
    if outcome.first_weights_block is None:
        why = "the validator set no weights"
    elif len(outcome.epochs) < EPOCHS_WITH_WEIGHTS:
        why = f"only {len(outcome.epochs)} epoch(s) ran after the validator's first weights"
    else:
        why = "the miners' incentive is not ordered like their quality"
    log = fleet.neurons[0].directory
    return f"after {limit:.0f} s {why}; see the neurons' logs under {log.parent.parent.parent if log else fleet.home}"
