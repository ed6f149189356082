"""The pieces of `taocli demo`, the README's main job, split by concern.

- `narrate`: how the demo talks (section headers, one line per step, the JSON record of every step);
- `wallets`: the wallet part, run through the real `taocli wallet` commands in-process;
- `node`: a fresh local chain in the demo's directory, always stopped at the end;
- `journey`: the chain part, through the same `prepare_*` / `execute` calls the CLI commands make;
- `report`: the final metagraph as a text table and the JSON summary.

Nothing here is imported by `taocli --help`: `taocli.commands.demo` imports this package only when the
demo actually runs.
"""
