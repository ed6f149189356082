"""The rooms of the chain client: one small class per domain over the one `chain.connection.Connection`.

Each room takes the connection (and, typed in its constructor, the few other rooms it asks) and offers the
domain's reads, a `prepare_*` per extrinsic (the runtime's checks first, then compose and price) and a
one-call shortcut per extrinsic for code holding an unlocked key. `chain.client.Subtensor` wires them:
`client.staking.prepare_add_stake(...)`, `client.subnets.neurons_lite(netuid)`.

A second runtime era (dTAO) is a sibling class with the same methods (e.g. `rooms/staking_dtao.py`), chosen
once per connection from what the chain's metadata declares (calls, arguments, storage items, runtime
APIs), never from a spec-version number: no room branches on the era inside its methods.
"""
