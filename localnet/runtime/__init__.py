"""The local chain's runtime: a pure state machine (no disk, sockets or threads).

Entry point: `localnet.runtime.executive.Runtime`. Pallets are declared with the DSL in `framework.py`
and listed in `pallets.py`; see docs/design/localnet-runtime.md for the contract with the node.
"""
