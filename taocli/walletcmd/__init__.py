"""The `taocli wallet ...` commands, one module per job; `taocli.commands.wallet` registers them.

Every module here imports only light things at the top; the wallet library (and with it the crypto
bindings) is imported inside the command functions.
"""
