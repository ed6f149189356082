"""What every chain command starts from: the network, the wallet, the output mode, and the send ritual.

The ritual for a state-changing command is always the same and lives here once:
  1. the chain client checks the call and prices it with only public keys (`prepare_*`);
  2. we show what will happen — action, from, to, amount, fee — and ask (unless --yes);
  3. only then is the coldkey/hotkey unlocked (password), the call signed, submitted and awaited;
  4. the receipt is printed, or with --json one document on stdout.
No chain logic lives here: the checks and the calls are `chain.client.Subtensor`'s.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from taocli.errors import EXIT_INTERRUPTED, CliError, UsageProblem
from taocli.output import Output
from taocli.prompts import confirm
from taocli.walletcmd.session import Session

if TYPE_CHECKING:  # pragma: no cover
    from chain.balance import Balance
    from chain.client import PreparedCall, Subtensor
    from chain.receipt import Receipt
    from wallet.keypair import Keypair


def parse_amount(text: str, flag: str = "--amount") -> Balance:
    """A TAO amount from the command line, or a usage error naming the flag."""
    from chain.balance import Balance, InvalidAmount

    try:
        return Balance.from_tao(text)
    except InvalidAmount as exc:
        raise UsageProblem(f"{flag}: {exc}") from None


def take_u16(text: str, flag: str = "--take") -> int:
    """A take given in percent ("9", "11.5 %") as the chain's u16 of 65535 (floored), or a usage error."""
    from fractions import Fraction

    try:
        ratio = Fraction(text.strip().rstrip("%").strip()) / 100
    except (ValueError, ZeroDivisionError):
        raise UsageProblem(f"{flag}: {text!r} is not a number") from None
    if not 0 <= ratio <= 1:
        raise UsageProblem(f"{flag}: {text} is out of range (0 to 100 %)")
    return (ratio * 65535).__floor__()


def ss58_argument(address: str, flag: str) -> str:
    """An SS58 address given with `flag`, or a usage error naming the flag."""
    from wallet.ss58 import is_valid_ss58

    if not is_valid_ss58(address):
        raise UsageProblem(f"{flag} {address!r} is not a valid SS58 address")
    return address


def missing_subnet(netuid: int) -> CliError:
    """The one line for a netuid the chain does not know, pointing at the list."""
    return CliError(f"subnet {netuid} does not exist; list subnets with `taocli subnets list`")


@dataclass
class ChainSession:
    """The resolved network and wallet of one chain command, and a lazily opened client."""

    wallet_session: Session
    network: str
    password_file: Path | None = None
    password_fd: int | None = None
    _client: Any = field(default=None, repr=False)

    @property
    def out(self) -> Output:
        return self.wallet_session.out

    @property
    def yes(self) -> bool:
        return self.wallet_session.yes

    @property
    def client(self) -> Subtensor:
        if self._client is None:
            from chain.client import Subtensor

            self._client = Subtensor(self.network)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def __enter__(self) -> ChainSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Close the connection, if one was opened, however the command ends."""
        self.close()

    # -- keys ------------------------------------------------------------------------------------

    def coldkey_address(self) -> str:
        return self.wallet_session.wallet.coldkeypub.ss58_address

    def hotkey_address(self) -> str:
        return self.wallet_session.wallet.hotkeypub().ss58_address

    def unlock_coldkey(self) -> Keypair:
        from taocli.secret_input import existing_password

        w = self.wallet_session.wallet
        password = None
        if w.coldkey_file.exists and w.coldkey_file.is_encrypted:
            password = existing_password(Path(w.coldkey_file.path), "coldkey", file=self.password_file,
                                         fd=self.password_fd, yes=self.yes)
        return w.coldkey(password)

    def unlock_hotkey(self) -> Keypair:
        from taocli.secret_input import existing_password

        w = self.wallet_session.wallet
        password = None
        if w.hotkey_file.exists and w.hotkey_file.is_encrypted:
            password = existing_password(Path(w.hotkey_file.path), f"hotkey '{w.hotkey}'",
                                         file=self.password_file, fd=self.password_fd, yes=self.yes)
        return w.hotkey_keypair(password=password)

    # -- the send ritual -------------------------------------------------------------------------

    def send(self, prepared: PreparedCall, title: str, lines: list[tuple[str, str]], unlock: Callable[[], Keypair],
             result: dict[str, Any] | None = None, done: str = "",
             after: Callable[[Receipt], dict[str, Any]] | None = None) -> Receipt:
        """Show the plan, confirm, unlock, sign, submit, wait; print the outcome.

        `after(receipt)` adds what only the chain knows afterwards (a new netuid or uid) to the result.
        """
        plan = [*lines, ("fee estimate", str(prepared.fee)), ("call", prepared.describe()),
                ("network", f"{self.client.network.name} ({self.client.network.url})")]
        width = max(len(k) for k, _ in plan)
        self.out.note(title)
        for key, value in plan:
            self.out.note(f"  {key.ljust(width)}  {value}")
        confirm("Sign and submit?", yes=self.yes)
        keypair = unlock()
        # "Submitted…" is said once the call is signed and about to leave (the client's `on_signed`), inside
        # the try: a Ctrl-C from then on, even the instant the line is written, says the transaction may land;
        # a Ctrl-C while signing is a plain "interrupted" (nothing was sent).
        submitted = False
        try:
            with waiting(self.out, f"Signing {prepared.describe()}…") as say:
                def signed() -> None:
                    nonlocal submitted
                    submitted = True
                    say(f"Submitted {prepared.describe()}; waiting for inclusion…")

                receipt = self.client.execute(prepared, keypair, on_signed=signed)
        except KeyboardInterrupt:
            if not submitted:
                raise
            # the node may hold it already: a bare "interrupted" invites paying twice
            raise CliError("interrupted after submitting: the transaction may still be included, check the "
                           "balance or stake before retrying", exit_code=EXIT_INTERRUPTED) from None
        extra = after(receipt) if after is not None else {}
        self.report(receipt, {**(result or {}), **extra},
                    f"✅ {done or title} — included in block #{receipt.block_number} "
                    f"({receipt.block_hash[:18]}…), fee {receipt.fee}")
        if not self.out.json_mode:
            for key, value in extra.items():
                self.out.note(f"  {key}: {value}")
        return receipt

    def report(self, receipt: Receipt, fields: dict[str, Any], line: str) -> None:
        """The outcome of an included call: one JSON document (fields + receipt), or `line` for people."""
        if self.out.json_mode:
            self.out.result({"ok": True, "network": self.network, **fields, "receipt": receipt.to_json()})
        else:
            self.out.success(line)


@contextmanager
def waiting(out: Output, message: str) -> Iterator[Callable[[str], None]]:
    """A spinner on a terminal showing `message`, then what `say(text)` reports; without a terminal only
    what `say` reports, one note line each (never on stdout in JSON mode)."""
    if out.json_mode or not sys.stderr.isatty():
        yield (lambda text: None) if out.json_mode else out.note
        return
    from rich.console import Console

    with Console(stderr=True).status(message) as status:
        yield status.update


def hyperparameters_of(cs: ChainSession, netuid: int) -> dict[str, Any]:
    """A subnet's hyperparameters by name, or the missing-subnet error."""
    params = cs.client.subnets.hyperparameters_by_name(netuid)
    if params is None:
        raise missing_subnet(netuid)
    return params


def open_chain(name: str | None, hotkey: str | None, path: str | None, network: str | None, json_out: bool,
               yes: bool, password_file: Path | None = None, password_fd: int | None = None) -> ChainSession:
    """Resolve wallet and network flags against env, config and defaults (see taocli.settings)."""
    from taocli.network import network_from
    from taocli.walletcmd.session import open_session

    session = open_session(name, hotkey, path, json_out, yes)
    resolved = network_from(network)
    return ChainSession(session, resolved.url if resolved.name == "custom" else resolved.name, password_file,
                        password_fd)


def share(value: int) -> str:
    """A u16 proportion (rank, trust, incentive, ...) as the fraction of 65535 it stands for."""
    return f"{value / 65535:.4f}"


def tao(rao: int) -> str:
    from chain.balance import Balance

    return str(Balance(rao))


def table(title: str, columns: list[str], rows: list[list[str]]) -> Callable[[Any], None]:
    """A render function drawing one rich table (right-aligned numbers are the caller's strings)."""
    def render(console: Any) -> None:
        from rich.table import Table

        t = Table(title=title, title_justify="left", show_lines=False)
        for col in columns:
            t.add_column(col, justify="right" if col.startswith(("τ", "#")) or col in NUMERIC else "left",
                         no_wrap=True)
        for row in rows:
            t.add_row(*row)
        console.print(t)
    return render


NUMERIC = {"netuid", "uid", "n", "max n", "tempo", "burn", "stake", "balance", "free", "staked", "total",
           "emission", "take", "rank", "trust", "consensus", "incentive", "dividends", "value", "nominators",
           "updated", "weight", "difficulty", "cost"}
