"""btcli 9's command names and flags, accepted where taocli does the same thing, refused in one line where it
does not: read by `taocli.aliases.AliasGroup` at lookup time only, so none of it shows in `--help`, in shell
completion or in start-up time (this module loads only when a name is unknown or a command has flags).

The table in README.md ("Coming from btcli") is this module in prose; tests/unit/test_cli_btcli_aliases.py
checks every entry resolves to the command it names. Source: btcli 9.21 `bittensor_cli/cli.py` (command tree
and `Options`), read for facts only.

A taocli flag always keeps its own meaning: a btcli spelling is rewritten only where the taocli command does not
declare that spelling itself. Where the two tools give one spelling different meanings the README says so
(btcli's `--tolerance 0.05` is a fraction, 5 %; taocli's is a percentage, 0.05 %, which refuses more, never
less; btcli's `stake remove --all` empties every subnet, taocli's the one --netuid).
"""

from __future__ import annotations

from dataclasses import dataclass

# group name -> {btcli command name: taocli command name}
COMMANDS: dict[str, dict[str, str]] = {
    "taocli": {"st": "stake", "s": "subnets", "su": "sudo", "wt": "weights", "weight": "weights", "c": "config",
               "conf": "config"},
    "stake": {"children": "child"},
    "subnets": {"burn-cost": "lock-cost"},
}

_NONE_YET = "taocli has no equivalent yet"
# group name -> {btcli command name: what to do instead}
ABSENT: dict[str, dict[str, str]] = {
    "taocli": {name: _NONE_YET for name in ("view", "proxy", "utils", "crowd", "cr", "crowdloan", "liquidity")},
    "wallet": {**{name: _NONE_YET for name in ("swap-hotkey", "swap-coldkey", "swap-check", "associate-hotkey",
                                               "set-identity", "get-identity", "history")},
               "inspect": "see `taocli wallet show` and `taocli wallet overview`"},
    "stake": {name: _NONE_YET for name in ("auto", "set-auto", "wizard", "set-claim", "process-claim", "claim",
                                           "unclaim")},
    "child": {"revoke": _NONE_YET},
    "subnets": {**{name: _NONE_YET for name in ("price", "set-identity", "get-identity", "start", "check-start",
                                                "set-symbol", "mechanisms", "mech")}},
    "sudo": {**{name: _NONE_YET for name in ("senate", "proposals", "senate-vote", "trim", "stake-burn",
                                             "buyback")},
             "set-take": "use `taocli delegate take --take PCT` (a percentage; btcli's --take is a fraction)",
             "get-take": "see `taocli delegate show --delegate HOTKEY`"},
}


def absent(group: str, name: str) -> str | None:
    """The one line for a btcli command taocli lacks, or None when `name` is not one."""
    instead = ABSENT.get(group, {}).get(name.replace("_", "-"))
    if instead is None:
        return None
    spelled = "btcli " + name if group == "taocli" else f"btcli {'stake child' if group == 'child' else group} {name}"
    return f"`{spelled}` (btcli 9): {instead}"


@dataclass(frozen=True)
class Rule:
    """What a btcli flag becomes: `to` a taocli spelling, dropped (taocli already behaves so), or refused with
    `why`. `value`: the flag takes a value. `ss58_only`: rename only when the value is an SS58 address (btcli's
    `--hotkey` takes a name or an address; taocli's is the name and `--hotkey-ss58` the address)."""

    to: str | None = None
    why: str | None = None
    value: bool = False
    ss58_only: bool = False
    override: bool = False  # applies even though the command declares the spelling (with ss58_only)
    other: str | None = None  # with ss58_only: the spelling for a value that is not an address (a name)


DROP = Rule()
_PARTIAL = {"--allow-partial-stake": Rule("--partial"), "--allow": Rule("--partial"),
            "--no-allow-partial-stake": DROP, "--no-partial": DROP,
            "--not-allow": DROP, "--not-partial": DROP, "--limit": Rule("--rate-tolerance", value=True)}
_ONE = "taocli trades one hotkey on one subnet per command: give --hotkey-ss58 and --netuid"
_HOTKEY_SS58 = {"--hotkey": Rule("--hotkey-ss58", value=True, ss58_only=True, override=True),
                "-H": Rule("--hotkey-ss58", value=True, ss58_only=True, override=True),
                "--wallet-hotkey-ss58": Rule("--hotkey-ss58", value=True),
                "--wallet_hotkey_ss58": Rule("--hotkey-ss58", value=True)}
_SEVERAL = {"--all-hotkeys": Rule(why=_ONE), "--include-hotkeys": Rule(why=_ONE, value=True),
            "-in": Rule(why=_ONE, value=True), "--exclude-hotkeys": Rule(why=_ONE, value=True),
            "-ex": Rule(why=_ONE, value=True), "--all-netuids": Rule(why=_ONE),
            "--netuids": Rule(why=_ONE, value=True)}
_IDENTITY = "taocli creates a subnet without an identity"
# btcli takes the wallet options everywhere and ignores the hotkey where only the coldkey acts: so does taocli
_NO_HOTKEY = {name: Rule(value=True) for name in ("--hotkey", "-H", "--wallet_hotkey", "--wallet-hotkey",
                                                   "--wallet.hotkey")}
_SECRET = "secrets never go on the command line (ps, shell history)"
_RESTORE = {"--mnemonic": Rule(why=f"{_SECRET}: put the words in a file and give --mnemonic-file PATH, or answer "
                                   f"the hidden prompt", value=True),
            "--seed": Rule(why=f"{_SECRET}: give --seed-file PATH", value=True),
            "-j": Rule("--json-file", value=True),  # btcli's `--json PATH` is taocli's --json output flag
            "--json-password": Rule(why=f"{_SECRET}: give --json-password-file PATH, or answer the prompt",
                                    value=True),
            "--uri": Rule(why="taocli does not derive keys from a development URI (//Alice)", value=True)}
_OWN_COLDKEY = Rule(why="taocli reads the wallet's own coldkey: give -w NAME (and -p PATH)", value=True)

# flags every btcli command takes
GLOBAL: dict[str, Rule] = {
    "--prompt": DROP,  # taocli asks before signing unless --yes
    "--wait-for-inclusion": DROP,  # taocli always waits for inclusion
    "--no-mev-protection": DROP,  # taocli never wraps a transaction in MevShield
    "--no-overwrite": DROP,  # taocli never overwrites keys without --overwrite
    "--mev-protection": Rule(why="taocli does not wrap transactions in MevShield (btcli's default); leave it out"),
    "--wait-for-finalization": Rule(why="taocli waits for inclusion, not finality; leave it out"),
    "--period": Rule(why="taocli sends immortal transactions; leave it out", value=True),
    "--era": Rule(why="taocli sends immortal transactions; leave it out", value=True),
    "--proxy": Rule(why="taocli does not sign through a proxy account", value=True),
    "--no": Rule(why="to decline, leave out --yes and answer no at the prompt"),
    "--quiet": Rule(why="taocli has no --quiet: --json gives one machine-readable document"),
    "--verbose": Rule(why="taocli has no --verbose: --debug shows a traceback on errors"),
}

# "group command" -> {btcli flag: rule}
COMMAND_FLAGS: dict[str, dict[str, Rule]] = {
    "wallet create": {"--uri": _RESTORE["--uri"],
                      "--use-password": Rule(why="taocli's create always encrypts the coldkey; protect a hotkey with "
                                                 "`wallet new-hotkey --encrypt`")},
    "wallet new-coldkey": {**_NO_HOTKEY, "--uri": _RESTORE["--uri"], "--use-password": DROP},  # encrypted anyway
    "wallet new-hotkey": {"--uri": _RESTORE["--uri"], "--use-password": Rule("--encrypt")},
    "wallet regen-coldkey": {**_NO_HOTKEY, **_RESTORE, "--use-password": DROP},
    "wallet regen-hotkey": {**_RESTORE, "--use-password": Rule("--encrypt")},
    "wallet regen-coldkeypub": {**_NO_HOTKEY, "--public-key-hex": Rule("--public-key", value=True)},
    "wallet regen-hotkeypub": {"--public-key-hex": Rule("--public-key", value=True)},
    "wallet balance": {**_NO_HOTKEY, "--ss58": _OWN_COLDKEY, "--ss58-address": _OWN_COLDKEY,
                       "--sort": Rule(why="taocli lists in one order", value=True)},
    "wallet overview": {**_NO_HOTKEY},
    "wallet transfer": {**_NO_HOTKEY, "--announce-only": Rule(why="taocli has no coldkey-swap announcements")},
    "wallet sign": {"--no-use-hotkey": DROP},  # the coldkey signs unless --use-hotkey
    "wallet verify": {"-a": Rule("--address", value=True, ss58_only=True)},
    "axon set": {"--ip-type": Rule(why="taocli takes the IP version from --ip", value=True)},
    "sudo set": {**_NO_HOTKEY, "--parameter": Rule("--param", value=True),
                 "--normalize": Rule(why="give --value as the chain stores it")},
    "stake add": {**_PARTIAL, **_SEVERAL, "--all-tokens": Rule("--all"),
                  "--hotkey-ss58-address": Rule("--hotkey-ss58", value=True)},
    "stake remove": {**_PARTIAL, **_SEVERAL, "--hotkey-ss58-address": Rule("--hotkey-ss58", value=True),
                     "--unstake-all": Rule(why="taocli empties one subnet per command: `stake remove --netuid N "
                                                "--all`"),
                     "--unstake-all-alpha": Rule(why="taocli empties one subnet per command: `stake remove "
                                                      "--netuid N --all`"),
                     "--all-alpha": Rule(why="taocli empties one subnet per command: `stake remove --netuid N "
                                              "--all`"),
                     "--interactive": Rule(why="taocli asks for --netuid and --amount on the command line"),
                     "-i": Rule(why="taocli asks for --netuid and --amount on the command line")},
    "stake move": {**_HOTKEY_SS58, "--from": Rule("--hotkey-ss58", value=True, ss58_only=True, other="--hotkey"),
                   "--to": Rule("--dest-hotkey", value=True), "--dest-ss58": Rule("--dest-hotkey", value=True),
                   "--stake-all": Rule("--all")},
    "stake transfer": {**_HOTKEY_SS58},
    "stake swap": {**_PARTIAL, **_HOTKEY_SS58, "-o": Rule("--netuid", value=True),
                   "--origin": Rule("--netuid", value=True), "--dest": Rule("--dest-netuid", value=True)},
    "stake list": {**_NO_HOTKEY, "--live": Rule(why="taocli has no live view; run the command again"),
                   **{name: _OWN_COLDKEY for name in ("--ss58", "--coldkey-ss58", "--coldkey_ss58", "--key", "-k")}},
    "child get": {"--all-netuids": Rule(why="give one --netuid"), "--all": Rule(why="give one --netuid"),
                  "--allnetuids": Rule(why="give one --netuid")},
    "child set": {"--all-netuids": Rule(why="give one --netuid")},
    "child take": {"--child-hotkey-ss58": Rule("--hotkey-ss58", value=True),
                   "--all-netuids": Rule(why="give one --netuid"), "--all": Rule(why="give one --netuid"),
                   "--allnetuids": Rule(why="give one --netuid")},
    "subnets show": {**{name: Rule(why="taocli shows a subnet's first mechanism only", value=True)
                        for name in ("--mechid", "--mech-id", "--mech_id", "--mechanism-id", "--mechanism_id")},
                     "--sort": Rule(why="taocli lists neurons by uid")},
    "subnets list": {"--live": Rule(why="taocli has no live view; run the command again")},
    "subnets create": {name: Rule(why=_IDENTITY, value=True) for name in (
        "--subnet-name", "--github-repo", "--repo", "--subnet-contact", "--contact", "--email", "--subnet-url",
        "--url", "--discord-handle", "--discord", "--description", "--logo-url", "--additional-info")},
    "subnets register": {"--unsafe-register": DROP, "--unsafe": DROP,  # taocli sends the plain burned_register
                         "--safe-register": Rule(why="taocli has no limit-price registration yet: it sends "
                                                      "burned_register at the current burn"),
                         "--safe": Rule(why="taocli has no limit-price registration yet"),
                         "--tolerance": Rule(why="taocli has no limit-price registration yet", value=True),
                         "--rate-tolerance": Rule(why="taocli has no limit-price registration yet", value=True),
                         "--limit": Rule(why="taocli has no limit-price registration yet", value=True)},
}
COMMAND_FLAGS["subnets metagraph"] = COMMAND_FLAGS["subnets show"]


class Refused(ValueError):
    """A btcli flag taocli does not support: the message is the one line to show."""


def _is_ss58(text: str) -> bool:
    from wallet.ss58 import is_valid_ss58

    return is_valid_ss58(text)


def rewrite(path: str, args: list[str], declared: set[str]) -> list[str]:
    """`args` of the taocli command `path` ("stake add") with btcli spellings turned into taocli's; `declared`:
    the spellings the command itself takes (they keep their meaning). Raises `Refused` for a btcli flag taocli
    does not support."""
    rules = COMMAND_FLAGS.get(path, {})
    out: list[str] = []
    i = 0
    while i < len(args):
        token = args[i]
        if token == "--":
            out.extend(args[i:])
            break
        flag, eq, inline = token.partition("=")
        rule = rules.get(flag) or GLOBAL.get(flag)
        if not token.startswith("-") or rule is None or (flag in declared and not rule.override):
            out.append(token)
            i += 1
            continue
        value: str | None = inline if eq else None
        taken = 1
        if rule.value and not eq:
            value = args[i + 1] if i + 1 < len(args) else None
            taken = 2
        if rule.why is not None:
            raise Refused(f"{flag} (btcli 9): {rule.why}")
        to = rule.to
        if rule.ss58_only and (value is None or not _is_ss58(value)):
            to = rule.other
        if to is None and rule.ss58_only:
            out.extend(args[i:i + taken])
        elif to is not None:
            out.extend([to] + ([] if value is None else [value]) if rule.value else [to])
        i += taken
    return out
