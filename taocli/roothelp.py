"""`taocli --help` and `taocli --version` in a few milliseconds: no Typer, no click.

Importing Typer (and the click it carries) is most of taocli's start-up, and the root help is the first
thing a new user runs. The root command's table (each group's module and one-line help) lives here, so
`taocli.main` builds the real Typer app from the same data, and this module renders the same text click
would, with the standard library only. tests/unit/test_cli_root_help.py compares the two at many terminal
widths, so any drift (a new option, a changed line, another click layout) fails there.
"""

from __future__ import annotations

import shutil
import textwrap

PROG = "taocli"
USAGE_ARGS = "[OPTIONS] COMMAND [ARGS]..."
HELP = (
    "A fast wallet, local chain and operator toolkit for Bittensor-style networks.\n\n"
    "Secrets are never taken from the command line: use --password-file/--password-fd, "
    "--mnemonic-file, or the prompt."
)
VERSION_FLAGS = ("--version", "-V")
HELP_FLAGS = ("--help", "-h")
# The root command's own options, as its --help lists them (taocli.main declares them).
VERSION_HELP = "Print the version and exit."
DEBUG_HELP = "Show a traceback on errors."
OPTIONS: tuple[tuple[str, str], ...] = (
    ("-V, --version", VERSION_HELP),
    ("--debug", DEBUG_HELP),
    ("-h, --help", "Show this message and exit."),
)
# name -> (module under taocli.commands, attribute, one-line help), in --help order.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "demo": ("demo", "demo", "Run the main job: wallets, a local chain, a subnet, and a validator and three model "
             "miners paid by quality."),
    "transfer": ("transfer", "transfer", "Send TAO from this wallet's coldkey; shows amount, fee and destination "
                 "before signing."),
    "wallet": ("wallet", "app", "Create, restore, list and use wallets (coldkeys and hotkeys)."),
    "localnet": ("localnet", "app", "Run the local chain that ships inside taocli."),
    "config": ("config", "app", "Show or change default settings (wallet name, hotkey, wallet path, network)."),
    "subnets": ("subnets", "app", "Subnets: list, metagraph, hyperparameters, create and register."),
    "stake": ("stake", "app", "Stake TAO on hotkeys and remove it."),
    "delegate": ("delegate", "app", "Delegates: list them, nominate stake, or make your hotkey one."),
    "root": ("root", "app", "The root network: register, list members, set subnet weights."),
    "weights": ("weights", "app", "Set, commit, reveal and read weights on a subnet."),
    "sudo": ("sudo", "app", "Subnet hyperparameters (or, without --netuid, network-wide values such as "
             "tx_rate_limit): read one, or set it with the sudo key or as the owner."),
    "axon": ("axon", "app", "Publish the hotkey's axon endpoint on chain."),
    "miner": ("miner", "app", "Run a miner: serve a subnet template on an axon, published on chain."),
    "validator": ("validator", "app", "Run a validator: query miners with a subnet template, score them, set "
                  "weights."),
}


def fast_answer(argv: list[str], version: str) -> str | None:
    """The text to print for `taocli`, `taocli --help|-h` or `taocli --version|-V`; None for anything else."""
    if not argv or (len(argv) == 1 and argv[0] in HELP_FLAGS):
        return render_help()
    if len(argv) == 1 and argv[0] in VERSION_FLAGS:
        return f"{PROG} {version}\n"
    return None


def render_help(columns: int | None = None) -> str:
    """The root --help exactly as click lays it out (usage, help paragraphs, Options, Commands)."""
    cols = shutil.get_terminal_size().columns if columns is None else columns
    width = max(min(cols, 80) - 2, 50)
    prefix = f"Usage: {PROG} "
    out = [_wrap(USAGE_ARGS, width, prefix, " " * len(prefix)), "\n", "\n"]
    out += [_paragraphs(HELP, width, "  "), "\n"]
    out += ["\n", "Options:\n", *_definitions(OPTIONS, width, 2)]
    limit = width - 6 - max(len(name) for name in COMMANDS)
    rows = tuple((name, short_help(text, limit)) for name, (_, _, text) in COMMANDS.items())
    out += ["\n", "Commands:\n", *_definitions(rows, width, 2)]
    return "".join(out)


def _wrap(text: str, width: int, first: str = "", rest: str = "") -> str:
    return textwrap.TextWrapper(width, initial_indent=first, subsequent_indent=rest,
                                replace_whitespace=False).fill(text)


def _paragraphs(text: str, width: int, indent: str = "") -> str:
    """Each blank-line separated paragraph re-wrapped on its own (click's `preserve_paragraphs`)."""
    paragraphs = [" ".join(line.strip() for line in block.splitlines()) for block in text.split("\n\n")]
    return "\n\n".join(_wrap(p, width, indent, indent) for p in paragraphs if p)


def _definitions(rows: tuple[tuple[str, str], ...], width: int, indent: int) -> list[str]:
    """click's definition list: names in a column up to 30 wide, then the text wrapped beside it."""
    first_col = min(max(len(name) for name, _ in rows), 30) + 2
    out: list[str] = []
    for name, text in rows:
        out.append(" " * indent + name)
        if len(name) <= first_col - 2:
            out.append(" " * (first_col - len(name)))
        else:
            out.append("\n" + " " * (first_col + indent))
        lines = _paragraphs(text, max(width - first_col - 2, 10)).splitlines() or [""]
        out.append(lines[0] + "\n")
        out += [" " * (first_col + indent) + line + "\n" for line in lines[1:]]
    return out


def short_help(text: str, limit: int) -> str:
    """The first sentence, or as many words as fit in `limit` followed by "..." (click's short help)."""
    words = text.split("\n\n")[0].split()
    total = 0
    for i, word in enumerate(words):
        total += len(word) + (i > 0)
        if total > limit:
            break
        if word.endswith("."):
            return " ".join(words[: i + 1])
        if total == limit and i != len(words) - 1:
            break
    else:
        return " ".join(words)
    total += 3
    while i > 0:
        total -= len(words[i]) + 1
        if total <= limit:
            break
        i -= 1
    return " ".join(words[:i]) + "..."
