"""SubtensorModule events and errors, in the 2024 pallet's exact order (spec §5.1).

Clients find an event or a module error by its index (substrate-interface looks errors up by list
position), so the order below is part of the wire contract: never insert in the middle, only append.
Calls raise errors by name (`raise pallet.error("NotRegistered")`).
"""

from __future__ import annotations

from typing import Any

from localnet.runtime.subtensor.storage import pallet

_U16, _U64 = "u16", "u64"


def _ev(name: str, *types: str) -> Any:
    return pallet.event(name, [(None, ty) for ty in types])


NetworkAdded = _ev("NetworkAdded", _U16, _U16)
NetworkRemoved = _ev("NetworkRemoved", _U16)
StakeAdded = _ev("StakeAdded", "AccountId", _U64)
StakeRemoved = _ev("StakeRemoved", "AccountId", _U64)
WeightsSet = _ev("WeightsSet", _U16, _U16)
NeuronRegistered = _ev("NeuronRegistered", _U16, _U16, "AccountId")
BulkNeuronsRegistered = _ev("BulkNeuronsRegistered", _U16, _U16)
BulkBalancesSet = _ev("BulkBalancesSet", _U16, _U16)
MaxAllowedUidsSet = _ev("MaxAllowedUidsSet", _U16, _U16)
MaxWeightLimitSet = _ev("MaxWeightLimitSet", _U16, _U16)
DifficultySet = _ev("DifficultySet", _U16, _U64)
AdjustmentIntervalSet = _ev("AdjustmentIntervalSet", _U16, _U16)
RegistrationPerIntervalSet = _ev("RegistrationPerIntervalSet", _U16, _U16)
MaxRegistrationsPerBlockSet = _ev("MaxRegistrationsPerBlockSet", _U16, _U16)
ActivityCutoffSet = _ev("ActivityCutoffSet", _U16, _U16)
RhoSet = _ev("RhoSet", _U16, _U16)
KappaSet = _ev("KappaSet", _U16, _U16)
MinAllowedWeightSet = _ev("MinAllowedWeightSet", _U16, _U16)
ValidatorPruneLenSet = _ev("ValidatorPruneLenSet", _U16, _U64)
ScalingLawPowerSet = _ev("ScalingLawPowerSet", _U16, _U16)
WeightsSetRateLimitSet = _ev("WeightsSetRateLimitSet", _U16, _U64)
ImmunityPeriodSet = _ev("ImmunityPeriodSet", _U16, _U16)
BondsMovingAverageSet = _ev("BondsMovingAverageSet", _U16, _U64)
MaxAllowedValidatorsSet = _ev("MaxAllowedValidatorsSet", _U16, _U16)
AxonServed = _ev("AxonServed", _U16, "AccountId")
PrometheusServed = _ev("PrometheusServed", _U16, "AccountId")
EmissionValuesSet = _ev("EmissionValuesSet")
DelegateAdded = _ev("DelegateAdded", "AccountId", "AccountId", _U16)
DefaultTakeSet = _ev("DefaultTakeSet", _U16)
WeightsVersionKeySet = _ev("WeightsVersionKeySet", _U16, _U64)
MinDifficultySet = _ev("MinDifficultySet", _U16, _U64)
MaxDifficultySet = _ev("MaxDifficultySet", _U16, _U64)
ServingRateLimitSet = _ev("ServingRateLimitSet", _U16, _U64)
BurnSet = _ev("BurnSet", _U16, _U64)
MaxBurnSet = _ev("MaxBurnSet", _U16, _U64)
MinBurnSet = _ev("MinBurnSet", _U16, _U64)
TxRateLimitSet = _ev("TxRateLimitSet", _U64)
Sudid = _ev("Sudid", "DispatchResult")
RegistrationAllowed = _ev("RegistrationAllowed", _U16, "bool")
PowRegistrationAllowed = _ev("PowRegistrationAllowed", _U16, "bool")
TempoSet = _ev("TempoSet", _U16, _U16)
RAORecycledForRegistrationSet = _ev("RAORecycledForRegistrationSet", _U16, _U64)
WeightsMinStake = _ev("WeightsMinStake", _U64)
SenateRequiredStakePercentSet = _ev("SenateRequiredStakePercentSet", _U64)
AdjustmentAlphaSet = _ev("AdjustmentAlphaSet", _U16, _U64)
Faucet = _ev("Faucet", "AccountId", _U64)
SubnetOwnerCutSet = _ev("SubnetOwnerCutSet", _U16)
NetworkRateLimitSet = _ev("NetworkRateLimitSet", _U64)
NetworkImmunityPeriodSet = _ev("NetworkImmunityPeriodSet", _U64)
NetworkMinLockCostSet = _ev("NetworkMinLockCostSet", _U64)
SubnetLimitSet = _ev("SubnetLimitSet", _U16)
NetworkLockCostReductionIntervalSet = _ev("NetworkLockCostReductionIntervalSet", _U64)
HotkeySwapped = pallet.event("HotkeySwapped", [
    ("coldkey", "AccountId"), ("old_hotkey", "AccountId"), ("new_hotkey", "AccountId")])

ERRORS: tuple[str, ...] = (
    "NetworkDoesNotExist", "NetworkExist", "InvalidModality", "InvalidIpType", "InvalidIpAddress",
    "InvalidPort", "NotRegistered", "NonAssociatedColdKey", "NotEnoughStaketoWithdraw",
    "NotEnoughStakeToSetWeights", "NotEnoughBalanceToStake", "BalanceWithdrawalError",
    "NoValidatorPermit", "WeightVecNotEqualSize", "DuplicateUids", "InvalidUid", "NotSettingEnoughWeights",
    "TooManyRegistrationsThisBlock", "AlreadyRegistered", "InvalidWorkBlock", "InvalidDifficulty",
    "InvalidSeal", "MaxAllowedUIdsNotAllowed", "CouldNotConvertToBalance", "StakeAlreadyAdded",
    "MaxWeightExceeded", "StorageValueOutOfRange", "TempoHasNotSet", "InvalidTempo",
    "EmissionValuesDoesNotMatchNetworks", "InvalidEmissionValues", "AlreadyDelegate",
    "SettingWeightsTooFast", "IncorrectNetworkVersionKey", "ServingRateLimitExceeded", "BalanceSetError",
    "MaxAllowedUidsExceeded", "TooManyUids", "TxRateLimitExceeded", "RegistrationDisabled",
    "TooManyRegistrationsThisInterval", "BenchmarkingOnly", "HotkeyOriginMismatch", "SenateMember",
    "NotSenateMember", "AlreadySenateMember", "BelowStakeThreshold", "NotDelegate",
    "IncorrectNetuidsLength", "FaucetDisabled", "NotSubnetOwner", "OperationNotPermittedonRootSubnet",
    "StakeTooLowForRoot", "AllNetworksInImmunity", "NotEnoughBalance",
)
pallet.errors(*ERRORS)
