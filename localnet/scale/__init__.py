"""SCALE for the local chain: hand codecs for hot paths, hashers, the type model and metadata V14/V15."""
