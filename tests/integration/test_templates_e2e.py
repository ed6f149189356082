"""End to end on a real local chain, per model template: 1 validator and 3 miners of different quality
(`--template-opt steps=N`) as separate processes started by `taocli validator|miner start --detach`.

Shown per template: after two epochs of real weights the miners' incentive ranks equal their quality ranks;
a stopped miner falls to the bottom; the validator's weights on chain are what it set from its scores.
The process helpers are the echo end-to-end test's (tests/integration/test_neuron_e2e.py).
"""

from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path
from typing import Any

import pytest

from chain.client import Subtensor
from localnet.daemon import pid_alive
from neuron.state import ValidatorState
from tests.integration.subnet_fixtures import build_subnet, start_node
from tests.integration.test_neuron_e2e import Cli, _wait

pytestmark = pytest.mark.slow

TEMPO = 10
QUALITY = {  # template -> miner wallet -> its training steps; weak < fair < strong
    "text_prompting": {"weak": 20, "fair": 80, "strong": 250},
    "price_prediction": {"weak": 10, "fair": 30, "strong": 300},
}


class TemplateCli(Cli):
    """The echo test's command runner, starting another template (by name, or a directory by path)."""

    def __init__(self, template: str | Path, *args: Any) -> None:
        super().__init__(*args)
        self.template = template

    def start_args(self, role: str, wallet: str, *extra: str) -> list[str]:
        args = super().start_args(role, wallet, *extra)
        at = args.index("--template")
        if isinstance(self.template, Path):
            args[at:at + 2] = ["--template-path", str(self.template)]
        else:
            args[at + 1] = self.template
        return args


def incentives(client: Subtensor, netuid: int, uid: dict[str, int]) -> dict[str, int]:
    rows = {n.uid: n for n in client.subnets.neurons_lite(netuid)}
    return {name: rows[u].incentive for name, u in uid.items()}


def ranked(values: dict[str, float]) -> list[str]:
    return sorted(values, key=lambda name: values[name])


def validator_log(cli: Cli) -> str:
    status = cli.status("validator", "vali")
    log = Path(status["dir"]) / "neuron.log"
    return log.read_text()[-3000:] if log.is_file() else f"(no log; status {status})"


@pytest.mark.parametrize(("template", "scaffolded"), [("text_prompting", False), ("price_prediction", False),
                                                     ("price_prediction", True)])
def test_incentive_follows_model_quality(tmp_path: Path, template: str, scaffolded: bool) -> None:
    """`scaffolded`: the subnet is a directory made by `taocli subnets new`, run with --template-path."""
    t0 = time.monotonic()
    miners = QUALITY[template]
    names = ["vali", *miners]
    node, keys = start_node(tmp_path, names, "--fast", tempo=TEMPO)
    pids: list[int] = []
    cli: TemplateCli | None = None
    try:
        subnet = build_subnet(node, tmp_path / "wallets", keys, names, stake={"vali": 100})
        cli = TemplateCli(template, tmp_path / "home", subnet.wallet_path, node.url, subnet.netuid)
        if scaffolded:
            cli.template = tmp_path / "forecasts"
            made = cli.run("subnets", "new", "forecasts", "--template", template, "--dir", str(cli.template))
            assert made.returncode == 0, made.stderr
        uid = subnet.uids
        starts = {"vali": cli.spawn(*cli.start_args("validator", "vali", "--step-seconds", "0.5"))}
        for name, steps in miners.items():
            starts[name] = cli.spawn(*cli.start_args("miner", name, "--template-opt", f"steps={steps}"))
        for name, proc in starts.items():
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, f"{name}: {err}"
            pids.append(int(json.loads(out)["pid"]))
        assert cli.status("miner", "strong")["template"] == ("forecasts" if scaffolded else template)
        client = Subtensor(node.url)
        miner_uids = {name: uid[name] for name in miners}

        # -- incentive ranks = quality ranks, two epochs after weights that tell the miners apart ----------
        def ordered() -> dict[str, int] | None:
            now = incentives(client, subnet.netuid, miner_uids)
            return now if ranked(now) == ["weak", "fair", "strong"] and len(set(now.values())) == 3 else None

        try:
            first = _wait("incentive ordered by quality", ordered, 90)
            since = client.block_number()
            _wait("two more epochs", lambda: client.block_number() >= since + 2 * (TEMPO + 1), 90)
            held = _wait("incentive still ordered two epochs later", ordered, 60)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{validator_log(cli)}") from None
        assert first and held
        rows = {n.uid: n for n in client.subnets.neurons_lite(subnet.netuid)}
        assert rows[uid["vali"]].dividends > 0  # the validator earns for its work

        # -- the strongest miner stops: it falls to the bottom -------------------------------------------
        cli.stop("miner", "strong")
        assert not pid_alive(pids[3])

        def strong_last() -> dict[str, int] | None:
            now = incentives(client, subnet.netuid, miner_uids)
            return now if ranked(now)[0] == "strong" else None

        try:
            _wait("the stopped miner at the bottom", strong_last, 120)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{validator_log(cli)}") from None

        # -- the weights on chain are the ones the validator set from its scores ---------------------------
        cli.stop("validator", "vali")
        final = cli.status("validator", "vali")
        sent = {int(k): v for k, v in final["last_weights"]["weights"].items()}
        state = ValidatorState.load(Path(final["dir"]) / "state.npz")
        assert state is not None
        row = dict(client.subnets.neuron(subnet.netuid, uid["vali"]).weights)
        top = max(sent.values())
        # a neuron's info lists only non-zero weights (as the real runtime's does): a score that decayed to a
        # share below 1/65535 of the top (the stopped miner's) is sent as u16 0 and is absent from the row
        sent_u16 = {int(k): v for k, v in final["last_weights"]["u16"].items()}
        assert sorted(row) == sorted(d for d, v in sent_u16.items() if v > 0)
        for dest, share in sent.items():
            if sent_u16[dest] == 0:
                assert share / top < 1.5 / 65535, (row, sent)
                continue
            # the status file shows the weights rounded to 4 decimals; the chain has them max-upscaled to u16
            assert math.isclose(row[dest] / 65535, share / top, abs_tol=1e-3), (row, sent)
        # the order of the scores those weights came from (the live scores move on after the last set)
        from_scores = final["last_weights"]["from_scores"]
        by_score = sorted(miner_uids.values(), key=lambda u: from_scores[u])
        by_weight = sorted(miner_uids.values(), key=lambda u: sent.get(u, 0.0))
        assert by_score == by_weight, (from_scores, state.scores, sent)
        client.close()
    finally:
        if cli is not None:
            for role, name in (("validator", "vali"), *(("miner", m) for m in miners)):
                cli.stop(role, name)
        for pid in pids:
            if pid_alive(pid):
                os.kill(pid, 9)
        node.stop()
    assert not any(pid_alive(pid) for pid in pids)
    assert time.monotonic() - t0 < 240
