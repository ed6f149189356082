"""taocli: a fast command-line wallet, local chain and operator toolkit for Bittensor-style networks.

Kept empty of imports on purpose: `taocli --help` should pay only for what it shows.
"""

from __future__ import annotations

__version__ = "0.1.0"
