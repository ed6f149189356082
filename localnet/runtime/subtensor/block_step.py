"""The pallet's `on_initialize` (spec §7): registration-cost adjustment, root epoch, payout, emission.

Order per block b: (1) move Burn/Difficulty towards the registration target for subnets whose
adjustment interval elapsed; (2) on root's tempo block, recompute each subnet's share of block emission
from root weights; (3) pay the tuples the previous block's epochs loaded; (4) accumulate each subnet's
emission (less the owner's cut) and, on its tempo block, run Yuma consensus and load its payout for b+1.

Deliberate differences (spec §14): block emission follows the halving schedule of the current runtime,
computed from the pallet's TotalIssuance, which here counts only real tokens (so drained emission is
counted once, when minted as stake); with EmissionWithoutRoot (local genesis), user subnets share block
emission equally while no staked root validator weights any of them.
"""

from __future__ import annotations

import logging
from typing import Any

from localnet.runtime.subtensor import host
from localnet.runtime.subtensor.epoch import epoch
from localnet.runtime.subtensor.epoch_types import EpochInput, EpochOutput
from localnet.runtime.subtensor.events import DifficultySet
from localnet.runtime.subtensor.pallet_math import adjusted_term, blocks_until_next_epoch, owner_cut
from localnet.runtime.subtensor.root import root_directs_emission, run_root_epoch, share_emission_equally
from localnet.runtime.subtensor.staking import emit_inflation_through_hotkey_account
from localnet.runtime.subtensor.storage import (
    Active,
    ActivityCutoff,
    AdjustmentAlpha,
    AdjustmentInterval,
    BlockAtRegistration,
    BlockEmission,
    BlocksSinceLastStep,
    Bonds,
    BondsMovingAverage,
    Burn,
    BurnRegistrationsThisInterval,
    Consensus,
    Difficulty,
    Dividends,
    Emission,
    EmissionValues,
    EmissionWithoutRoot,
    Incentive,
    Kappa,
    Keys,
    LastAdjustmentBlock,
    LastMechansimStepBlock,
    LastUpdate,
    LoadedEmission,
    MaxAllowedValidators,
    MaxBurn,
    MaxDifficulty,
    MinBurn,
    MinDifficulty,
    NetworksAdded,
    PendingEmission,
    POWRegistrationsThisInterval,
    PruningScores,
    Rank,
    RegistrationsThisBlock,
    RegistrationsThisInterval,
    SubnetOwner,
    SubnetOwnerCut,
    SubnetworkN,
    TargetRegistrationsPerInterval,
    Tempo,
    TotalHotkeyStake,
    TotalIssuance,
    Trust,
    ValidatorPermit,
    ValidatorTrust,
    Weights,
)

State = Any
_log = logging.getLogger(__name__)
SUPPLY_CAP = 21_000_000 * 10**9
BASE_EMISSION = 10**9


def block_emission_for(issuance: int) -> int:
    """Halving schedule (§14.1): 1 TAO/block halved each time half the remaining supply is issued.

    Exact integer form of `floor(1e9 / 2^floor(log2(1 / (1 - issuance / 21e15))))`: the exponent is the
    largest k with 2^k · (cap − issuance) ≤ cap.
    """
    if issuance >= SUPPLY_CAP:
        return 0
    remaining, halvings = SUPPLY_CAP - issuance, 0
    while (remaining << (halvings + 1)) <= SUPPLY_CAP:
        halvings += 1
    return BASE_EMISSION >> halvings


def _added_netuids(state: State) -> list[int]:
    return [keys[0] for keys, added in NetworksAdded.iter(state) if added]


# --- 7.1 ----------------------------------------------------------------------------------------------


def adjust_registration_terms(ctx: Any, block: int) -> None:
    """Move Burn and Difficulty towards TargetRegistrationsPerInterval (cases A–F of §7.1)."""
    state = ctx.state
    for netuid in _added_netuids(state):
        if block - LastAdjustmentBlock.get(state, netuid) >= AdjustmentInterval.get(state, netuid):
            regs = RegistrationsThisInterval.get(state, netuid)
            pow_regs = POWRegistrationsThisInterval.get(state, netuid)
            burn_regs = BurnRegistrationsThisInterval.get(state, netuid)
            target = TargetRegistrationsPerInterval.get(state, netuid)
            more_pow = pow_regs > burn_regs
            if pow_regs == burn_regs:
                adjust_difficulty = adjust_burn = True
            else:
                # Above target, the busier registration path gets dearer; at or below target, the idle
                # path gets cheaper (its counterpart's price is left alone).
                adjust_difficulty = more_pow if regs > target else not more_pow
                adjust_burn = not adjust_difficulty
            alpha = AdjustmentAlpha.get(state, netuid)
            if adjust_difficulty:
                new = adjusted_term(Difficulty.get(state, netuid), regs, target, alpha,
                                    MinDifficulty.get(state, netuid), MaxDifficulty.get(state, netuid))
                Difficulty.set(state, netuid, new)
                ctx.deposit_event(DifficultySet, netuid, new)
            if adjust_burn:
                Burn.set(state, netuid, adjusted_term(Burn.get(state, netuid), regs, target, alpha,
                                                      MinBurn.get(state, netuid), MaxBurn.get(state, netuid)))
            LastAdjustmentBlock.set(state, netuid, block)
            for counter in (RegistrationsThisInterval, POWRegistrationsThisInterval,
                            BurnRegistrationsThisInterval):
                counter.set(state, netuid, 0)
        RegistrationsThisBlock.set(state, netuid, 0)


# --- 7.3 ----------------------------------------------------------------------------------------------


def drain_emission(state: State) -> None:
    """Pay every tuple the previous block's epochs loaded, as stake (§7.5), then forget them."""
    for (netuid,), _ in list(Tempo.iter(state)):
        tuples = LoadedEmission.get(state, netuid)
        if tuples is None:
            continue
        for hotkey, server, validator in tuples:
            emit_inflation_through_hotkey_account(state, hotkey, server, validator)
        LoadedEmission.remove(state, netuid)


# --- 7.4 ----------------------------------------------------------------------------------------------

_OUTPUT_ITEMS = (("active", Active), ("emission", Emission), ("rank", Rank), ("trust", Trust),
                 ("consensus", Consensus), ("incentive", Incentive), ("dividends", Dividends),
                 ("validator_trust", ValidatorTrust), ("pruning_scores", PruningScores),
                 ("validator_permit", ValidatorPermit))


def _padded(values: list, n: int, fill: Any) -> list:
    return (list(values) + [fill] * n)[:n]


def epoch_input(state: State, netuid: int, block: int, rao_emission: int) -> tuple[EpochInput, list[bytes]]:
    """Snapshot what Yuma consensus reads for `netuid` (§8 "Inputs") and the hotkeys by uid."""
    n = SubnetworkN.get(state, netuid)
    hotkeys = [Keys.get(state, netuid, uid) for uid in range(n)]
    weights = {keys[0]: row for keys, row in Weights.iter_prefix(state, netuid)}
    bonds = {keys[0]: row for keys, row in Bonds.iter_prefix(state, netuid)}
    inp = EpochInput(
        n=n, block=block, activity_cutoff=ActivityCutoff.get(state, netuid),
        last_update=_padded(LastUpdate.get(state, netuid), n, 0),
        block_at_registration=[BlockAtRegistration.get(state, netuid, uid) for uid in range(n)],
        stake=[TotalHotkeyStake.get(state, hk) for hk in hotkeys],
        validator_permit=_padded(ValidatorPermit.get(state, netuid), n, False),
        max_allowed_validators=MaxAllowedValidators.get(state, netuid), kappa=Kappa.get(state, netuid),
        bonds_moving_average=BondsMovingAverage.get(state, netuid), weights=weights, bonds=bonds,
        rao_emission=rao_emission)
    return inp, hotkeys


def store_epoch_output(state: State, netuid: int, out: EpochOutput) -> None:
    """Write the epoch's per-uid vectors and bond rows back (§8 step 17)."""
    for attr, item in _OUTPUT_ITEMS:
        item.set(state, netuid, list(getattr(out, attr)))
    for uid, row in out.bond_rows().items():
        Bonds.set(state, netuid, uid, row)


def run_subnet_epoch(state: State, netuid: int, block: int, rao_emission: int) -> list[tuple[bytes, int, int]]:
    """Yuma consensus for one subnet; returns (hotkey, server RAO, validator RAO) in uid order."""
    inp, hotkeys = epoch_input(state, netuid, block, rao_emission)
    if inp.n == 0:
        return []
    try:
        out = epoch(inp)
    except (ValueError, OverflowError, ZeroDivisionError) as err:
        # The Rust runtime would panic and halt the chain; the local chain skips this epoch (its
        # emission is lost, storage unchanged) and keeps producing blocks.
        _log.warning("subnet %d epoch at block %d skipped: %s", netuid, block, err)
        return []
    store_epoch_output(state, netuid, out)
    return [(hotkeys[uid], se, ve) for uid, se, ve in out.emission_tuples()]


def generate_emission(state: State, block: int) -> None:
    """Accumulate each subnet's share of block emission and run its epoch on its tempo block."""
    cut_share = SubnetOwnerCut.get(state)
    for (netuid,), tempo in list(Tempo.iter(state)):
        if netuid == 0:
            continue
        emission = EmissionValues.get(state, netuid)
        remaining = emission
        if SubnetOwner.contains(state, netuid):
            cut, remaining = owner_cut(emission, cut_share)
            minted = host.deposit(state, SubnetOwner.get(state, netuid), cut)
            TotalIssuance.set(state, TotalIssuance.get(state) + minted)
        PendingEmission.set(state, netuid, PendingEmission.get(state, netuid) + remaining)
        if blocks_until_next_epoch(netuid, tempo, block) != 0:
            BlocksSinceLastStep.set(state, netuid, BlocksSinceLastStep.get(state, netuid) + 1)
            continue
        drain = PendingEmission.get(state, netuid)
        PendingEmission.set(state, netuid, 0)
        tuples = run_subnet_epoch(state, netuid, block, drain)
        if sum(se + ve for _, se, ve in tuples) > drain:
            continue
        LoadedEmission.set(state, netuid, tuples + (LoadedEmission.get(state, netuid) or []))
        BlocksSinceLastStep.set(state, netuid, 0)
        LastMechansimStepBlock.set(state, netuid, block)


# --- the hook -----------------------------------------------------------------------------------------


def on_initialize(ctx: Any, block: int) -> None:
    """The whole §7 block step, in the 2024 order."""
    state = ctx.state
    adjust_registration_terms(ctx, block)
    emission = block_emission_for(TotalIssuance.get(state))
    changed = emission != BlockEmission.get(state)
    BlockEmission.set(state, emission)
    # EmissionValues are RAO amounts fixed at the root epoch; when block emission changes (a halving),
    # recompute them now, or subnets would keep minting the old amount until the next root tempo.
    if changed or blocks_until_next_epoch(0, Tempo.get(state, 0), block) == 0:
        run_root_epoch(state, block)
    if EmissionWithoutRoot.get(state) and not root_directs_emission(state):
        share_emission_equally(state)
    drain_emission(state)
    generate_emission(state, block)
