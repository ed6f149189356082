"""The chain part of the demo: from a funded wallet to a validator's dividends and a nominator's reward.

Every write goes through the chain client exactly as the CLI commands do: a `prepare_*` call checks what
the chain would refuse and prices the call with public keys only, then `execute` signs, submits and waits
for inclusion. Each section names the `taocli` command that makes the same call, so a reader can replay
the journey by hand against `taocli localnet start`. Time passes by sealing empty blocks, and the demo
watches the subnet's own `blocks_since_last_step` to see an epoch happen instead of predicting it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chain.balance import Balance
from taocli.demo.narrate import Narrator, short
from taocli.demo.wallets import MINERS, NOMINATOR, OWNER, VALIDATOR, DemoWallets
from taocli.errors import CliError

if TYPE_CHECKING:  # pragma: no cover
    from chain.client import Subtensor
    from chain.prepared import PreparedCall
    from chain.receipt import Receipt
    from chain.types import NeuronInfoLite, SubnetInfo
    from taocli.demo.node import DemoNode
    from wallet.keypair import Keypair

#: Genesis tempo of the demo chain's subnets: an epoch every 11 blocks, so two epochs take ~0.1 s.
TEMPO = 10
FUNDS = {"owner": "200", "validator": "300", "miner": "20", "nominator": "100"}
VALIDATOR_STAKE = "200"
NOMINATION = "50"
MINER_WEIGHTS = (0.5, 0.3, 0.2)


@dataclass
class Outcome:
    """What the journey built and measured, for the metagraph table and the JSON summary."""

    netuid: int = 0
    roles: dict[int, str] = field(default_factory=dict)
    nominator_before: Balance = field(default_factory=lambda: Balance(0))
    nominator_after: Balance = field(default_factory=lambda: Balance(0))
    owner_before: Balance = field(default_factory=lambda: Balance(0))
    owner_after: Balance = field(default_factory=lambda: Balance(0))
    epoch_block: int | None = None
    subnet: SubnetInfo | None = None
    neurons: list[NeuronInfoLite] = field(default_factory=list)


class Journey:
    """One run of the chain journey against one node, with the demo's wallets."""

    def __init__(self, narrator: Narrator, client: Subtensor, node: DemoNode, wallets: DemoWallets) -> None:
        self.say = narrator
        self.client = client
        self.node = node
        self.wallets = wallets
        self.outcome = Outcome()

    # -- keys ----------------------------------------------------------------------------------------

    def _wallet(self, role: tuple[str, str]) -> Any:
        from wallet.wallet import Wallet

        return Wallet(role[0], role[1], str(self.wallets.path))

    def cold(self, role: tuple[str, str]) -> str:
        return self.wallets.coldkeys[role[0]]

    def hot(self, role: tuple[str, str]) -> str:
        return self.wallets.hotkeys[role]

    def coldkey(self, role: tuple[str, str]) -> Keypair:
        """A demo coldkey; only the owner's is encrypted, and its password comes from the 0600 file."""
        from taocli.secret_input import existing_password

        w = self._wallet(role)
        password = None
        if w.coldkey_file.is_encrypted:
            password = existing_password(Path(w.coldkey_file.path), "coldkey", file=self.wallets.password_file,
                                         fd=None, yes=True)
        return w.coldkey(password)

    def send(self, prepared: PreparedCall, keypair: Keypair) -> Receipt:
        return self.client.execute(prepared, keypair)

    # -- the journey ---------------------------------------------------------------------------------

    def run(self) -> Outcome:
        self.fund()
        self.create_subnet()
        self.register()
        self.stake_and_nominate()
        self.get_permit()
        self.set_weights()
        self.pay()
        return self.outcome

    def fund(self) -> None:
        from wallet.keypair import Keypair

        self.say.section("Fund the wallets from //Alice (what `taocli wallet faucet -w NAME -a TAO` does)")
        alice = Keypair.from_uri("//Alice")
        for name, amount in FUNDS.items():
            value = Balance.from_tao(amount)
            coldkey = self.wallets.coldkeys[name]
            receipt = self.send(self.client.prepare_transfer(alice.ss58_address, coldkey, value), alice)
            self.say.step(f"faucet → {name}", f"{value} from //Alice to {short(coldkey)}, balance now "
                          f"{self.client.balance(coldkey)}", receipt, amount=value.to_json())

    def create_subnet(self) -> None:
        from wallet.keypair import Keypair

        self.say.section("Create a subnet and tune it as its owner (`taocli subnets create`, `taocli sudo set`)")
        owner = self.coldkey(OWNER)
        self.say.step("owner's coldkey unlocked", f"password read from the 0600 file "
                      f"{self.wallets.password_file.name} (--password-file)")
        lock = self.client.lock_cost()
        receipt = self.send(self.client.prepare_register_network(owner.ss58_address), owner)
        added = receipt.find("SubtensorModule", "NetworkAdded")
        if added is None:
            raise CliError(f"register_network was included in block #{receipt.block_number} but added no subnet")
        netuid = int(added.attributes[0] if isinstance(added.attributes, (list, tuple)) else
                     next(iter(added.attributes.values())))
        self.outcome.netuid = netuid
        info = self.client.subnet(netuid)
        self.say.step("subnet created", f"netuid {netuid}, {lock} locked, tempo {info.tempo if info else '?'} "
                      f"blocks, set by the genesis file", receipt, netuid=netuid, locked=lock.to_json())
        old = self.client.hyperparameters(netuid).weights_rate_limit
        prepared = self.client.prepare_sudo_set(owner.ss58_address, netuid, "weights_rate_limit", 0)
        receipt = self.send(prepared, owner)
        self.say.step("weights rate limit", f"{old} → 0 blocks (owner call {prepared.describe()}, no sudo "
                      f"needed), so new neurons may set weights at once", receipt)
        old = self.client.hyperparameters(netuid).max_weights_limit
        prepared = self.client.prepare_sudo_set(owner.ss58_address, netuid, "max_weights_limit", 65535)
        receipt = self.send(prepared, owner)
        self.say.step("max weight limit", f"{old} → 65535 (owner call): the default caps one miner's share at "
                      f"{old / 65535:.1%}, below 1/n for a few neurons, which makes a validator's weights uniform",
                      receipt)
        alice = Keypair.from_uri("//Alice")
        prepared = self.client.prepare_sudo_set(alice.ss58_address, netuid, "target_regs_per_interval", 4)
        receipt = self.send(prepared, alice)
        self.say.step("registrations per interval", "target 1 → 4 (sudo call by //Alice, the dev chain's sudo "
                      "key): a new subnet admits 3 registrations per interval, the demo makes 4", receipt)
        self.outcome.owner_before = self.client.balance(owner.ss58_address)

    def register(self) -> None:
        netuid = self.outcome.netuid
        self.say.section(f"Register a validator and three miners on subnet {netuid} by burning TAO "
                         "(`taocli subnets register`)")
        for role in (VALIDATOR, *MINERS):
            info = self.client.subnet(netuid)
            burn = Balance(info.burn if info else 0)
            prepared = self.client.prepare_burned_register(self.cold(role), netuid, self.hot(role))
            receipt = self.send(prepared, self.coldkey(role))
            uid = self.client.uid_of(netuid, self.hot(role))
            self.outcome.roles[int(uid)] = "validator" if role == VALIDATOR else f"miner {role[1]}"
            self.say.step(f"{role[0]}/{role[1]} registered", f"uid {uid}, hotkey {short(self.hot(role))}, "
                          f"burned {burn}", receipt, uid=uid, burned=burn.to_json())

    def stake_and_nominate(self) -> None:
        self.say.section("Stake, become a delegate, nominate (`taocli stake add`, `taocli delegate become`, "
                         "`taocli delegate add`)")
        hot = self.hot(VALIDATOR)
        validator = self.coldkey(VALIDATOR)
        amount = Balance.from_tao(VALIDATOR_STAKE)
        receipt = self.send(self.client.prepare_add_stake(validator.ss58_address, hot, amount), validator)
        self.say.step("validator stakes to its own hotkey", f"{amount}, hotkey stake now "
                      f"{self.client.total_hotkey_stake(hot)}", receipt, amount=amount.to_json())
        receipt = self.send(self.client.prepare_become_delegate(validator.ss58_address, hot), validator)
        info = self.client.delegate(hot)
        take = f"take {info.take_ratio:.0%}" if info is not None else "take ?"
        self.say.step("validator becomes a delegate", f"{take}: nominators may stake to {short(hot)}", receipt)
        nominator = self.coldkey(NOMINATOR)
        amount = Balance.from_tao(NOMINATION)
        receipt = self.send(self.client.prepare_add_stake(nominator.ss58_address, hot, amount), nominator)
        self.outcome.nominator_before = self.client.stake(hot, nominator.ss58_address)
        self.say.step("nominator delegates to the validator", f"{amount}, its stake on {short(hot)} is "
                      f"{self.outcome.nominator_before}", receipt, amount=amount.to_json())

    def get_permit(self) -> None:
        netuid = self.outcome.netuid
        uid = self.client.uid_of(netuid, self.hot(VALIDATOR))
        self.say.section("A validator permit: each epoch grants one to the largest stakes (64 slots per subnet)")
        neuron = self.client.neuron_lite(netuid, uid)
        info = self.client.subnet(netuid)
        if neuron is not None and neuron.validator_permit and info is not None:
            last_epoch = self.client.block_number() - info.blocks_since_last_step
            self.say.step("validator permit", f"uid {uid} holds one since the epoch in block #{last_epoch} (fewer "
                          f"uids than slots: every uid got one)", epoch_block=last_epoch)
            return
        start, epoch, end = self.run_to_epoch()
        neuron = self.client.neuron_lite(netuid, uid)
        if neuron is None or not neuron.validator_permit:
            raise CliError(f"the epoch at block #{epoch} gave uid {uid} no validator permit")
        self.say.step(f"sealed {end - start} blocks (#{start + 1}→#{end})", f"epoch ran in block #{epoch}, "
                      f"uid {uid} now holds a validator permit", block=end, epoch_block=epoch)

    def set_weights(self) -> None:
        netuid = self.outcome.netuid
        self.say.section("The validator weights the miners (`taocli weights set`, signed by the hotkey)")
        uids = [self.client.uid_of(netuid, self.hot(role)) for role in MINERS]
        prepared = self.client.prepare_set_weights(self.hot(VALIDATOR), netuid, uids, list(MINER_WEIGHTS))
        receipt = self.send(prepared, self._wallet(VALIDATOR).hotkey_keypair())
        values = prepared.params["weights"]
        shares = ", ".join(f"uid {d} {w / sum(values):.0%}" for d, w in zip(prepared.params["dests"], values,
                                                                               strict=True))
        self.say.step("weights set", f"{shares} (u16 {values})", receipt, dests=prepared.params["dests"],
                      weights=values)

    def pay(self) -> None:
        netuid = self.outcome.netuid
        self.say.section("Run blocks past the next epoch: Yuma consensus scores and pays")
        start, epoch, end = self.run_to_epoch()
        self.outcome.epoch_block = epoch
        self.outcome.subnet = self.client.subnet(netuid)
        self.outcome.neurons = self.client.neurons_lite(netuid)
        self.outcome.nominator_after = self.client.stake(self.hot(VALIDATOR), self.cold(NOMINATOR))
        self.outcome.owner_after = self.client.balance(self.cold(OWNER))
        paid = sum(n.emission for n in self.outcome.neurons)
        self.say.step(f"sealed {end - start} blocks (#{start + 1}→#{end})", f"epoch ran in block #{epoch}, paid "
                      f"{Balance(paid)} as stake in block #{epoch + 1}", block=end, epoch_block=epoch,
                      paid=Balance(paid).to_json())

    def run_to_epoch(self) -> tuple[int, int, int]:
        """Seal blocks until the subnet's epoch runs, then one more for its payout: (start, epoch, end)."""
        netuid = self.outcome.netuid
        start = self.client.block_number()
        limit = 2 * (TEMPO + 1) + 2
        for _ in range(limit):
            self.node.seal()
            info = self.client.subnet(netuid)
            if info is not None and info.blocks_since_last_step == 0:
                epoch = self.client.block_number()
                self.node.seal()  # the epoch loads its payout; the next block pays it as stake
                return start, epoch, self.client.block_number()
        raise CliError(f"no epoch ran on subnet {netuid} in {limit} blocks after #{start}; see the node log in "
                       f"{self.node.config.data_dir}")
