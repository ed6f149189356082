"""The subnet hyperparameters, one row each: how the info RPC encodes it, where storage keeps it, which
AdminUtils call sets it and whether only the sudo key may. Every other table is derived from this one.

Why one table: the SCALE layout (spec §11), the storage fallback and `sudo set` used to keep three lists of
the same names; a parameter added to one and not the others decoded, read or set wrongly.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Hyperparameter:
    """One row. `kind`: "c16"/"c64" a compact of that width in the info RPC, "bool" one byte."""

    name: str
    kind: str
    storage: str | None  # SubtensorModule item keyed by netuid; None when SubnetHyperparams has no such field
    setter: str | None  # AdminUtils call; None when the runtime has none
    root_only: bool = False  # AdminUtils guards the setter with ensure_root: the owner gets a bare BadOrigin

    @property
    def width(self) -> int | str:
        """Bytes of the stored value (or "bool")."""
        return "bool" if self.kind == "bool" else int(self.kind[1:]) // 8


H = Hyperparameter
# SubnetHyperparams fields in encoding order (the 2024 layout of spec §11), then the settable extras.
TABLE: tuple[Hyperparameter, ...] = (
    H("rho", "c16", "Rho", "sudo_set_rho"),
    H("kappa", "c16", "Kappa", "sudo_set_kappa"),
    H("immunity_period", "c16", "ImmunityPeriod", "sudo_set_immunity_period"),
    H("min_allowed_weights", "c16", "MinAllowedWeights", "sudo_set_min_allowed_weights"),
    H("max_weights_limit", "c16", "MaxWeightsLimit", "sudo_set_max_weight_limit"),
    H("tempo", "c16", "Tempo", "sudo_set_tempo", root_only=True),
    H("min_difficulty", "c64", "MinDifficulty", "sudo_set_min_difficulty"),
    H("max_difficulty", "c64", "MaxDifficulty", "sudo_set_max_difficulty"),
    H("weights_version", "c64", "WeightsVersionKey", "sudo_set_weights_version_key"),
    H("weights_rate_limit", "c64", "WeightsSetRateLimit", "sudo_set_weights_set_rate_limit"),
    H("adjustment_interval", "c16", "AdjustmentInterval", "sudo_set_adjustment_interval", root_only=True),
    H("activity_cutoff", "c16", "ActivityCutoff", "sudo_set_activity_cutoff"),
    H("registration_allowed", "bool", "NetworkRegistrationAllowed", "sudo_set_network_registration_allowed"),
    H("target_regs_per_interval", "c16", "TargetRegistrationsPerInterval",
      "sudo_set_target_registrations_per_interval", root_only=True),
    H("min_burn", "c64", "MinBurn", "sudo_set_min_burn"),
    H("max_burn", "c64", "MaxBurn", "sudo_set_max_burn"),
    H("bonds_moving_avg", "c64", "BondsMovingAverage", "sudo_set_bonds_moving_average"),
    H("max_regs_per_block", "c16", "MaxRegistrationsPerBlock", "sudo_set_max_registrations_per_block",
      root_only=True),
    H("serving_rate_limit", "c64", "ServingRateLimit", "sudo_set_serving_rate_limit"),
    H("max_validators", "c16", "MaxAllowedValidators", "sudo_set_max_allowed_validators", root_only=True),
    H("adjustment_alpha", "c64", "AdjustmentAlpha", "sudo_set_adjustment_alpha"),
    H("difficulty", "c64", "Difficulty", "sudo_set_difficulty"),
)
# Settable, but not fields of SubnetHyperparams (`sudo get` reads them back through Admin.settable_extras).
EXTRAS: tuple[Hyperparameter, ...] = (
    H("pow_registration_allowed", "bool", None, "sudo_set_network_pow_registration_allowed"),
    H("max_allowed_uids", "c16", None, "sudo_set_max_allowed_uids", root_only=True),
)

FIELDS: tuple[tuple[str, str], ...] = tuple((h.name, h.kind) for h in TABLE)
STORAGE: dict[str, tuple[str, int | str]] = {h.name: (h.storage, h.width) for h in TABLE if h.storage}
SETTERS: dict[str, str] = {h.name: h.setter for h in (*TABLE, *EXTRAS) if h.setter}
BOOL = frozenset(h.name for h in (*TABLE, *EXTRAS) if h.kind == "bool")
ROOT_ONLY = frozenset(h.name for h in (*TABLE, *EXTRAS) if h.root_only)
U16 = frozenset(h.name for h in (*TABLE, *EXTRAS) if h.kind == "c16")
U16_MAX = 65_535
