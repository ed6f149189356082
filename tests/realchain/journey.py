"""The whole CLI journey of a user, run through the real `taocli --json` against one chain, step by step.

Holds no tests. The same `run_journey` runs against the real spec-143 runtime (chopsticks) and against
`taocli localnet`; every step asserts its own outcome on that chain (including raw storage, read by a stock
substrate-interface client, the independent decoder), and the returned `JourneyRecord` keeps what the two
chains must agree on: event names per step, fee shape, error names, storage after the same calls.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from substrateinterface import SubstrateInterface

from tests.integration.test_cli_chain_support import ALICE, ChainCli, ChainWallet, make_wallet
from tests.integration.test_cli_support import Result

TAO = 10**9
AXON_IP = "203.0.113.7"


@dataclass
class JourneyRecord:
    """What one chain answered, per step."""

    chain: str
    seconds: dict[str, float] = field(default_factory=dict)
    events: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)


def stock_client(url: str) -> SubstrateInterface:
    """A stock substrate-interface client that knows subtensor's u64 Balance, as the official tools register
    it: the independent reader of raw storage."""
    return SubstrateInterface(url=url, type_registry={"types": {"Balance": "u64"}})


class Journey:
    """Runs the steps against one chain, timing each and keeping the record."""

    def __init__(self, chain_name: str, node: Any, home: Path) -> None:
        self.cli = ChainCli(node, home)
        self.node = node
        self.record = JourneyRecord(chain_name)
        self.stock = stock_client(node.url)

    def step(self, name: str, action: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        try:
            return action()
        finally:
            self.record.seconds[name] = round(time.perf_counter() - t0, 2)

    def ok(self, name: str, *args: str, **kwargs: Any) -> Any:
        """A command that must succeed; a write's receipt events are recorded under `name`."""
        out = self.step(name, lambda: self.cli.ok(*args, **kwargs))
        if isinstance(out, dict) and "receipt" in out:
            self.record.events[name] = list(out["receipt"]["events"])
        return out

    def fails(self, name: str, *args: str, **kwargs: Any) -> str:
        """A command that must fail with one clear line; its error kind and text are recorded."""
        res: Result = self.step(name, lambda: self.cli.run(*args, **kwargs))
        assert res.code != 0, f"{name} should have failed: {res.stdout}"
        assert "Traceback" not in res.stderr, res.stderr
        error = res.json()["error"]
        self.record.errors[name] = f"{error['kind']}: {error['message']}"
        return str(error["message"])

    def query(self, module: str, item: str, params: list[Any] | None = None) -> Any:
        return self.stock.query(module, item, params or []).value

    def close(self) -> None:
        self.stock.close()


def run_journey(chain_name: str, node: Any, home: Path) -> JourneyRecord:
    """balance, transfer, lock-cost, subnet create, burned and PoW register, hyperparameters, metagraph, stake
    add/list/remove, delegate become/add/list/show/mine/remove, root register/list/weights, weights set/get,
    sudo get/set (subnet and network-wide), axon set — each checked on the chain itself."""
    j = Journey(chain_name, node, home)
    try:
        _journey(j, home)
    finally:
        j.close()
    return j.record


def _journey(j: Journey, home: Path) -> None:
    rec, wallets = j.record, home / "wallets"
    alice = make_wallet(wallets, "alice", ALICE)
    bob, carol = make_wallet(wallets, "bob"), make_wallet(wallets, "carol")

    # network-wide values, read and set with the sudo key (mainnet-like limits would stall the journey)
    for param in ("tx_rate_limit", "network_rate_limit"):
        got = j.ok(f"sudo get {param}", "sudo", "get", "--param", param)
        rec.facts[f"default {param}"] = got["value"]
        assert got["value"] == j.query("SubtensorModule", _GLOBAL_ITEMS[param])
        j.ok(f"sudo set {param}", "sudo", "set", "--param", param, "--value", "0", wallet="alice")
        assert j.query("SubtensorModule", _GLOBAL_ITEMS[param]) == 0

    balance = j.ok("wallet balance", "wallet", "balance", wallet="alice")
    assert balance["free"]["rao"] == j.query("System", "Account", [alice.cold])["data"]["free"] > 0

    sent = j.ok("transfer", "transfer", "--dest", bob.cold, "--amount", "3000", wallet="alice")
    fee = sent["receipt"]["fee"]["rao"]
    assert 0 < fee < TAO // 1000, fee  # a transfer costs a few hundred RAO (mostly the length fee)
    assert j.query("System", "Account", [bob.cold])["data"]["free"] == 3000 * TAO
    rec.facts["transfer fee"] = fee
    rec.facts["fee estimate shown"] = sent.get("fee", {}).get("rao") if isinstance(sent.get("fee"), dict) else None

    lock = j.ok("subnets lock-cost", "subnets", "lock-cost")["lock_cost"]["rao"]
    created = j.ok("subnets create", "subnets", "create", wallet="bob")
    netuid = created["netuid"]
    assert created["locked"]["rao"] == lock == j.query("SubtensorModule", "SubnetLocked", [netuid]), \
        "lock-cost must be what create locks"
    assert j.query("SubtensorModule", "SubnetOwner", [netuid]) == bob.cold
    rec.facts["netuid"] = netuid

    hp = j.ok("subnets hyperparameters", "subnets", "hyperparameters", "--netuid", str(netuid))["hyperparameters"]
    for name, item in (("tempo", "Tempo"), ("immunity_period", "ImmunityPeriod"), ("min_burn", "MinBurn"),
                       ("max_burn", "MaxBurn"), ("kappa", "Kappa"), ("rho", "Rho"),
                       ("weights_rate_limit", "WeightsSetRateLimit"), ("difficulty", "Difficulty")):
        assert hp[name] == j.query("SubtensorModule", item, [netuid]), name
    rec.facts["new subnet hyperparameters"] = hp

    for param, value in (("weights_rate_limit", "0"), ("difficulty", "1000"), ("pow_registration_allowed", "true"),
                         ("serving_rate_limit", "1000")):
        j.ok(f"sudo set {param}", "sudo", "set", "--netuid", str(netuid), "--param", param, "--value", value,
             wallet="alice")
    got = j.ok("sudo get difficulty", "sudo", "get", "--netuid", str(netuid), "--param", "difficulty")
    assert got["value"] == 1000 == j.query("SubtensorModule", "Difficulty", [netuid])
    j.ok("sudo set root weights_rate_limit", "sudo", "set", "--netuid", "0", "--param", "weights_rate_limit",
         "--value", "0", wallet="alice")

    burned = j.ok("subnets register (burn)", "subnets", "register", "--netuid", str(netuid), wallet="bob")
    pow_reg = j.ok("subnets register (pow)", "subnets", "register", "--netuid", str(netuid), "--pow",
                   "--processes", "1", wallet="carol")
    assert {burned["uid"], pow_reg["uid"]} == {0, 1}
    assert j.query("SubtensorModule", "Uids", [netuid, bob.hot]) == burned["uid"]
    assert j.query("SubtensorModule", "Uids", [netuid, carol.hot]) == pow_reg["uid"]

    shown = j.ok("subnets show (metagraph)", "subnets", "show", "--netuid", str(netuid))
    assert shown["subnet"]["subnetwork_n"] == 2 == j.query("SubtensorModule", "SubnetworkN", [netuid])
    for neuron in shown["neurons"]:
        assert neuron["hotkey"] == j.query("SubtensorModule", "Keys", [netuid, neuron["uid"]])
        assert neuron["coldkey"] == j.query("SubtensorModule", "Owner", [neuron["hotkey"]])
    rec.facts["metagraph hotkeys"] = sorted((n["uid"], n["hotkey"] == bob.hot) for n in shown["neurons"])

    _staking(j, alice, bob, netuid)
    _root_weights_axon(j, bob, netuid)


_GLOBAL_ITEMS = {"tx_rate_limit": "TxRateLimit", "network_rate_limit": "NetworkRateLimit"}


def _staking(j: Journey, alice: ChainWallet, bob: ChainWallet, netuid: int) -> None:
    rec = j.record
    j.ok("stake add", "stake", "add", "--amount", "100", wallet="bob")
    assert j.query("SubtensorModule", "Stake", [bob.hot, bob.cold]) == 100 * TAO
    listed = j.ok("stake list", "stake", "list", wallet="bob")
    assert [(s["hotkey"], s["stake"]) for s in listed["stakes"]] == [(bob.hot, 100 * TAO)]
    j.ok("stake remove", "stake", "remove", "--amount", "10", wallet="bob")
    assert j.query("SubtensorModule", "Stake", [bob.hot, bob.cold]) == 90 * TAO

    # the whole free balance: the chain withdraws KeepAlive and refuses; the pre-check must say so first
    free = j.query("System", "Account", [bob.cold])["data"]["free"]
    message = j.fails("stake add (whole free balance)", "stake", "add", "--amount", f"{free / TAO:.9f}",
                      wallet="bob")
    assert "existential deposit" in message, message
    assert j.query("System", "Account", [bob.cold])["data"]["free"] == free

    j.ok("delegate become", "delegate", "become", wallet="bob")
    assert j.query("SubtensorModule", "Delegates", [bob.hot]) == 11_796
    listed = j.ok("delegate list", "delegate", "list")
    assert bob.hot in [d["hotkey"] for d in listed["delegates"]]
    j.ok("delegate add", "delegate", "add", "--delegate", bob.hot, "--amount", "5", wallet="alice")
    assert j.query("SubtensorModule", "Stake", [bob.hot, alice.cold]) == 5 * TAO
    shown = j.ok("delegate show", "delegate", "show", "--delegate", bob.hot)
    assert sorted(map(tuple, shown["delegate"]["nominators"])) == sorted([(alice.cold, 5 * TAO),
                                                                          (bob.cold, 90 * TAO)])
    mine = j.ok("delegate mine", "delegate", "mine", wallet="alice")
    assert [d["stake"] for d in mine["delegations"]] == [5 * TAO], mine
    j.ok("delegate remove", "delegate", "remove", "--delegate", bob.hot, "--amount", "1", wallet="alice")
    assert j.query("SubtensorModule", "Stake", [bob.hot, alice.cold]) == 4 * TAO
    rec.facts["total hotkey stake"] = j.query("SubtensorModule", "TotalHotkeyStake", [bob.hot])


def _root_weights_axon(j: Journey, bob: ChainWallet, netuid: int) -> None:
    rec = j.record
    j.ok("root register", "root", "register", wallet="bob")
    members = j.ok("root list", "root", "list")["members"]
    assert [m["hotkey"] for m in members] == [bob.hot] == [j.query("SubtensorModule", "Keys", [0, 0])]
    j.ok("root weights", "root", "weights", "--netuids", str(netuid), "--weights", "1", wallet="bob")
    assert j.query("SubtensorModule", "Weights", [0, 0]) == [(netuid, 65535)]

    own = j.query("SubtensorModule", "Uids", [netuid, bob.hot])
    j.ok("weights set", "weights", "set", "--netuid", str(netuid), "--uids", str(own), "--weights", "1",
         wallet="bob")
    assert j.query("SubtensorModule", "Weights", [netuid, own]) == [(own, 65535)]
    rows = j.ok("weights get", "weights", "get", "--netuid", str(netuid))["rows"]
    assert {r["uid"]: r["weights"] for r in rows}[own] == [[own, 65535]] or \
        {r["uid"]: r["weights"] for r in rows}[own] == [[own, 1.0]], rows

    j.ok("axon set", "axon", "set", "--netuid", str(netuid), "--ip", AXON_IP, "--port", "8091", wallet="bob")
    axon = j.query("SubtensorModule", "Axons", [netuid, bob.hot])
    assert (axon["ip"], axon["port"], axon["ip_type"]) == (3405803783, 8091, 4), axon
    # served again at once: the serving rate limit is enforced on chain (no pre-check), same error name
    rec.facts["axon again"] = j.fails("axon set again", "axon", "set", "--netuid", str(netuid), "--ip", AXON_IP,
                                      "--port", "8092", wallet="bob")
