"""Every SubtensorModule storage item (spec §3), declared once with the 2024 runtime's defaults (§4.1).

One declaration gives the metadata entry, the storage key and the SCALE codec, so the calls, the custom
RPCs and a client reading storage directly can never disagree. Names, key types, hashers and value
types are those of the March-2024 pallet (including its spelling `LastMechansimStepBlock`), because
clients built for that chain look items up by name.

This module also creates the `pallet` object itself (index 7, crate `pallet_subtensor`): storage is the
first thing declared on it, and every other module of the pallet imports it from here, which keeps the
import graph a tree (storage <- events <- calls <- pallet).
"""

from __future__ import annotations

from typing import Any

from localnet.runtime.framework import Pallet

pallet = Pallet("SubtensorModule", index=7, crate="pallet_subtensor")

U64_MAX = (1 << 64) - 1
ZERO_ACCOUNT = bytes(32)
NET = ("u16", "Identity")
UID = ("u16", "Identity")
HOT_B = ("AccountId", "Blake2_128Concat")
ACC_I = ("AccountId", "Identity")

pallet.struct("AxonInfo", path="pallet_subtensor::pallet::AxonInfo", fields=[
    ("block", "u64"), ("version", "u32"), ("ip", "u128"), ("port", "u16"), ("ip_type", "u8"),
    ("protocol", "u8"), ("placeholder1", "u8"), ("placeholder2", "u8")])
pallet.struct("PrometheusInfo", path="pallet_subtensor::pallet::PrometheusInfo", fields=[
    ("block", "u64"), ("version", "u32"), ("ip", "u128"), ("port", "u16"), ("ip_type", "u8")])


def _value(name: str, ty: str, default: Any) -> Any:
    return pallet.value(name, ty, default=default)


def _net(name: str, ty: str, default: Any) -> Any:
    """A per-subnet item: `Map<netuid u16 : Identity> -> ty`."""
    return pallet.map(name, NET, ty, default=default)


# --- global and account state ----------------------------------------------------------------------
TotalStake = _value("TotalStake", "u64", 0)
DefaultTake = _value("DefaultTake", "u16", 11_796)
BlockEmission = _value("BlockEmission", "u64", 1_000_000_000)
TotalIssuance = _value("TotalIssuance", "u64", 0)
TotalHotkeyStake = pallet.map("TotalHotkeyStake", ACC_I, "u64", default=0)
TotalColdkeyStake = pallet.map("TotalColdkeyStake", ACC_I, "u64", default=0)
Owner = pallet.map("Owner", HOT_B, "AccountId", default=ZERO_ACCOUNT)
Delegates = pallet.map("Delegates", HOT_B, "u16", default=11_796)
Stake = pallet.double_map("Stake", HOT_B, ACC_I, "u64", default=0)
SenateRequiredStakePercentage = _value("SenateRequiredStakePercentage", "u64", 1)
TxRateLimit = _value("TxRateLimit", "u64", 1000)
LastTxBlock = pallet.map("LastTxBlock", ACC_I, "u64", default=0)
UsedWork = pallet.map("UsedWork", ("Vec<u8>", "Identity"), "u64", default=0)
WeightsMinStake = _value("WeightsMinStake", "u64", 0)

# --- registration and difficulty, per subnet ---------------------------------------------------------
Burn = _net("Burn", "u64", 1_000_000_000)
MinBurn = _net("MinBurn", "u64", 1_000_000_000)
MaxBurn = _net("MaxBurn", "u64", 100_000_000_000)
Difficulty = _net("Difficulty", "u64", 10_000_000)
MinDifficulty = _net("MinDifficulty", "u64", 10_000_000)
MaxDifficulty = _net("MaxDifficulty", "u64", U64_MAX // 4)
LastAdjustmentBlock = _net("LastAdjustmentBlock", "u64", 0)
RegistrationsThisBlock = _net("RegistrationsThisBlock", "u16", 0)
MaxRegistrationsPerBlock = _net("MaxRegistrationsPerBlock", "u16", 1)
RAORecycledForRegistration = _net("RAORecycledForRegistration", "u64", 0)
RegistrationsThisInterval = _net("RegistrationsThisInterval", "u16", 0)
POWRegistrationsThisInterval = _net("POWRegistrationsThisInterval", "u16", 0)
BurnRegistrationsThisInterval = _net("BurnRegistrationsThisInterval", "u16", 0)
TargetRegistrationsPerInterval = _net("TargetRegistrationsPerInterval", "u16", 2)
AdjustmentInterval = _net("AdjustmentInterval", "u16", 100)
AdjustmentAlpha = _net("AdjustmentAlpha", "u64", 0)

# --- subnets -------------------------------------------------------------------------------------------
SubnetLimit = _value("SubnetLimit", "u16", 12)
TotalNetworks = _value("TotalNetworks", "u16", 0)
SubnetworkN = _net("SubnetworkN", "u16", 0)
NetworkModality = _net("NetworkModality", "u16", 0)
NetworksAdded = _net("NetworksAdded", "bool", False)
IsNetworkMember = pallet.double_map("IsNetworkMember", HOT_B, NET, "bool", default=False)
NetworkRegistrationAllowed = _net("NetworkRegistrationAllowed", "bool", False)
NetworkPowRegistrationAllowed = _net("NetworkPowRegistrationAllowed", "bool", False)
NetworkRegisteredAt = _net("NetworkRegisteredAt", "u64", 0)
NetworkImmunityPeriod = _value("NetworkImmunityPeriod", "u64", 50_400)
NetworkLastRegistered = _value("NetworkLastRegistered", "u64", 0)
NetworkMinAllowedUids = _value("NetworkMinAllowedUids", "u16", 128)
NetworkMinLockCost = _value("NetworkMinLockCost", "u64", 1_000_000_000_000)
NetworkLastLockCost = _value("NetworkLastLockCost", "u64", 1_000_000_000_000)
NetworkLockReductionInterval = _value("NetworkLockReductionInterval", "u64", 100_800)
SubnetOwnerCut = _value("SubnetOwnerCut", "u16", 11_796)
NetworkRateLimit = _value("NetworkRateLimit", "u64", 7200)
Tempo = _net("Tempo", "u16", 99)
EmissionValues = _net("EmissionValues", "u64", 0)
PendingEmission = _net("PendingEmission", "u64", 0)
BlocksSinceLastStep = _net("BlocksSinceLastStep", "u64", 0)
LastMechansimStepBlock = _net("LastMechansimStepBlock", "u64", 0)
SubnetOwner = _net("SubnetOwner", "AccountId", ZERO_ACCOUNT)
SubnetLocked = _net("SubnetLocked", "u64", 0)
LoadedEmission = pallet.map("LoadedEmission", NET, "Vec<(AccountId, u64, u64)>", optional=True)

# --- serving -------------------------------------------------------------------------------------------
ServingRateLimit = _net("ServingRateLimit", "u64", 50)
Axons = pallet.double_map("Axons", NET, HOT_B, "AxonInfo", optional=True)
Prometheus = pallet.double_map("Prometheus", NET, HOT_B, "PrometheusInfo", optional=True)

# --- hyperparameters, per subnet -----------------------------------------------------------------------
Rho = _net("Rho", "u16", 10)
Kappa = _net("Kappa", "u16", 32_767)
MaxAllowedUids = _net("MaxAllowedUids", "u16", 4096)
ImmunityPeriod = _net("ImmunityPeriod", "u16", 4096)
ActivityCutoff = _net("ActivityCutoff", "u16", 5000)
MaxWeightsLimit = _net("MaxWeightsLimit", "u16", 1000)
WeightsVersionKey = _net("WeightsVersionKey", "u64", 0)
MinAllowedWeights = _net("MinAllowedWeights", "u16", 1024)
MaxAllowedValidators = _net("MaxAllowedValidators", "u16", 128)
BondsMovingAverage = _net("BondsMovingAverage", "u64", 900_000)
WeightsSetRateLimit = _net("WeightsSetRateLimit", "u64", 100)
ValidatorPruneLen = _net("ValidatorPruneLen", "u64", 1)
ScalingLawPower = _net("ScalingLawPower", "u16", 50)
NeuronsToPruneAtNextEpoch = _net("NeuronsToPruneAtNextEpoch", "u16", 0)
BlockAtRegistration = pallet.double_map("BlockAtRegistration", NET, UID, "u64", default=0)

# --- neurons and consensus state -----------------------------------------------------------------------
Uids = pallet.double_map("Uids", NET, HOT_B, "u16", optional=True)
Keys = pallet.double_map("Keys", NET, UID, "AccountId", default=ZERO_ACCOUNT)
Active = _net("Active", "Vec<bool>", [])
Rank = _net("Rank", "Vec<u16>", [])
Trust = _net("Trust", "Vec<u16>", [])
Consensus = _net("Consensus", "Vec<u16>", [])
Incentive = _net("Incentive", "Vec<u16>", [])
Dividends = _net("Dividends", "Vec<u16>", [])
Emission = _net("Emission", "Vec<u64>", [])
LastUpdate = _net("LastUpdate", "Vec<u64>", [])
ValidatorTrust = _net("ValidatorTrust", "Vec<u16>", [])
PruningScores = _net("PruningScores", "Vec<u16>", [])
ValidatorPermit = _net("ValidatorPermit", "Vec<bool>", [])
Weights = pallet.double_map("Weights", NET, UID, "Vec<(u16, u16)>", default=[])
Bonds = pallet.double_map("Bonds", NET, UID, "Vec<(u16, u16)>", default=[])

# --- local-chain only (not in the 2024 pallet; spec §14.3) ---------------------------------------------
#: Lets neurons serve on 127.0.0.1 / ::1, which the public chain rejects; the local genesis turns it on
#: because on a one-machine network every axon is on the loopback address.
AllowLoopbackServing = _value("AllowLoopbackServing", "bool", False)
#: Tempo `register_network` gives a new subnet (360 in 2024); a local genesis may shorten it so epochs
#: come round in seconds.
NewSubnetTempo = _value("NewSubnetTempo", "u16", 360)
#: Burn `register_network` gives a new subnet when set (a local genesis' `burn`); absent, a new subnet keeps
#: the 2024 behaviour (Burn untouched: the default, or what a pruned subnet on that netuid left).
NewSubnetBurn = pallet.value("NewSubnetBurn", "u64", optional=True)
#: While no staked root validator weights any user subnet, split block emission equally between user
#: subnets (2024: they get nothing). A fresh local chain has no root validators, and without this its
#: subnets would never pay emission.
EmissionWithoutRoot = _value("EmissionWithoutRoot", "bool", False)

#: The per-uid vectors, with the value a freshly appended neuron gets (§9 `append_neuron`).
NEURON_VECTORS: tuple[tuple[Any, Any], ...] = (
    (Rank, 0), (Trust, 0), (Active, True), (Emission, 0), (Consensus, 0), (Incentive, 0),
    (Dividends, 0), (PruningScores, 0), (ValidatorTrust, 0), (ValidatorPermit, False),
)
