"""`taocli config ...`: show and change the defaults in ~/.taocli/config.toml."""

from __future__ import annotations

from typing import Annotated

import typer

from taocli.options import Debug, Json

app = typer.Typer(
    help="Show or change default settings (wallet name, hotkey, wallet path, network).",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.command("show")
def show(json_out: Json = False, debug: Debug = False) -> None:
    """Show every setting, its effective value and where that value comes from."""
    from taocli.config_file import KNOWN_KEYS, config_path
    from taocli.output import Output
    from taocli.settings import Settings

    settings = Settings()
    rows = [settings.resolve(key) for key in KNOWN_KEYS]
    data = {"config_file": str(config_path()),
            "settings": {r.key: {"value": r.value, "source": r.source} for r in rows}}

    def render(console: object) -> None:
        from rich.table import Table

        table = Table(title=f"Settings ({config_path()})")
        table.add_column("setting")
        table.add_column("value")
        table.add_column("from")
        for r in rows:
            table.add_row(r.key, r.value, r.source)
        console.print(table)  # type: ignore[attr-defined]

    Output(json_out).result(data, render)


@app.command("get")
def get(
    key: Annotated[str, typer.Argument(help="Setting name, e.g. wallet_name or wallet.name.")],
    json_out: Json = False,
    debug: Debug = False,
) -> None:
    """Print the effective value of one setting."""
    from taocli.config_file import canonical_key
    from taocli.output import Output
    from taocli.settings import Settings

    resolved = Settings().resolve(canonical_key(key))
    out = Output(json_out)
    if json_out:
        out.result({"key": resolved.key, "value": resolved.value, "source": resolved.source})
    else:
        out.note(resolved.value)


@app.command("set")
def set_(
    key: Annotated[str, typer.Argument(help="Setting name: wallet_name, wallet_hotkey, wallet_path, network.")],
    value: Annotated[str, typer.Argument(help="New value; an empty string removes the setting.")],
    json_out: Json = False,
    debug: Debug = False,
) -> None:
    """Store a default in the config file (flags and TAOCLI_* variables still win over it)."""
    from taocli.config_file import canonical_key, load, save
    from taocli.output import Output

    name = canonical_key(key)
    if value != "":
        _check_value(name, value)
    settings = load()
    if value == "":
        settings.pop(name, None)
    else:
        settings[name] = value
    path = save(settings)
    out = Output(json_out)
    if json_out:
        out.result({"key": name, "value": value or None, "config_file": str(path)})
    elif value == "":
        out.success(f"Removed {name} from {path}")
    else:
        out.success(f"Set {name} = {value!r} in {path}")


def _check_value(name: str, value: str) -> None:
    """Refuse a value every later command would reject, so a typo fails here and not in each command after."""
    if name in ("wallet_name", "wallet_hotkey"):
        from wallet.wallet import validate_name

        validate_name(value, "wallet" if name == "wallet_name" else "hotkey")
    elif name == "network":
        from chain.networks import UnknownNetwork, resolve_network
        from taocli.errors import UsageProblem

        try:
            resolve_network(value)
        except UnknownNetwork as exc:
            raise UsageProblem(str(exc)) from None
