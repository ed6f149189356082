"""`taocli weights commit | reveal`, and `weights set` on a subnet with commit-reveal on (it commits instead).

The checks and the window rules are the chain client's (`client.weights.commits`); the reveal data lives in one
file per commit under the wallet (`chain.commit_store`), written before the commit is signed and removed after a
successful reveal. Here: the order of things, what the user sees, and which files to keep or drop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from taocli.commands.chainctx import ChainSession, waiting
from taocli.errors import CliError
from taocli.prompts import confirm

if TYPE_CHECKING:  # pragma: no cover
    from chain.commit_store import CommitRecord, CommitStore
    from chain.dtao.commit_reveal import Reveal, RevealWindow
    from chain.receipt import Receipt


def store_of(cs: ChainSession) -> CommitStore:
    from chain.commit_store import CommitStore

    return CommitStore(cs.wallet_session.wallet.wallet_dir)


def window_json(window: RevealWindow | None) -> dict[str, Any] | None:
    if window is None:
        return None
    return {"state": window.state, "first": window.first, "last": window.last, "exact": window.exact}


def shown(uids: tuple[int, ...], values: tuple[int, ...]) -> str:
    total = sum(values) or 1
    return ", ".join(f"{u}:{v / total:.4f}" for u, v in zip(uids, values, strict=True))


def commit(cs: ChainSession, netuid: int, uids: list[int], values: list[float], version_key: int | None,
           salt: list[int] | None, why: str = "") -> None:
    """Check, show, save the reveal data, sign commit_weights with the hotkey, then say when to reveal."""
    from chain.errors import ExtrinsicFailed, TransactionRejected

    hot = cs.hotkey_address()
    commits = cs.client.weights.commits
    prepared = commits.prepare_commit_weights(hot, netuid, uids, values, version_key, salt)
    reveal, digest = prepared.reveal, prepared.digest
    store, genesis = store_of(cs), cs.client.genesis_hash()
    saved: list[CommitRecord] = []
    landed: list[Receipt] = []

    def save_then_unlock() -> Any:  # after the confirmation, before anything is signed
        saved.append(store.save(hot, genesis, reveal, digest))
        return cs.unlock_hotkey()

    def after(receipt: Receipt) -> dict[str, Any]:
        landed.append(receipt)  # from here on the chain holds the commit: its file is never removed
        record = store.save(hot, genesis, reveal, digest, receipt.block_number)
        _, (state,) = commits.pending(hot, netuid, [digest])
        window = state.window
        if cs.out.json_mode or window is None:
            return {"commit_block": receipt.block_number, "reveal_window": window_json(window),
                    "file": str(record.path)}
        about = "" if window.exact else "about "
        return {"reveal": f"between {about}blocks {window.first} and {window.last} with `taocli weights reveal "
                          f"--netuid {netuid}`", "reveal data kept in": str(record.path)}

    if why:
        cs.out.note(why)
    w = prepared.window
    lines = [("hotkey (signs)", f"{cs.wallet_session.hotkey} {hot}"), ("uid:share", shown(reveal.uids, reveal.values)),
             ("version key", str(reveal.version_key)), ("hash", "0x" + digest.hex()),
             ("reveal window", f"{'' if w.exact else 'about '}blocks {w.first}–{w.last} if included next block")]
    try:
        cs.send(prepared.call, f"Commit weights on subnet {netuid}", lines, save_then_unlock,
                {"netuid": netuid, "hotkey": hot, "committed": True, "hash": "0x" + digest.hex(),
                 "uids": list(reveal.uids), "weights": list(reveal.values), "version_key": reveal.version_key},
                done=f"Weights committed on subnet {netuid}", after=after)
    except BaseException as exc:
        from chain.errors import ChainError

        # Drop the reveal data only when the chain certainly holds no such commit: refused at or before inclusion,
        # or stopped before signing (a wrong password, Ctrl-C at the prompt). "Interrupted after submitting"
        # (a CliError) and a lost node (a ChainError) may still land: keep it.
        refused = isinstance(exc, (ExtrinsicFailed, TransactionRejected, KeyboardInterrupt))
        unsigned = not isinstance(exc, (ChainError, CliError))
        if not landed and (refused or unsigned):
            for record in saved:
                store.remove(record)
        raise


def reveal_explicit(cs: ChainSession, forms: list[Reveal]) -> None:
    """btcli's form: the uids, weights and salt given on the command line, in whichever of the conversions
    (`explicit_reveal`) hashes to a commit on chain; none: the first form's one-line refusal."""
    hot = cs.hotkey_address()
    commits = cs.client.weights.commits
    if len(forms) > 1:
        from wallet.ss58 import ss58_decode

        digests = [form.digest(ss58_decode(hot)) for form in forms]
        _, found = commits.pending(hot, forms[0].netuid, digests)
        on_chain = {p.digest for p in found if p.commit is not None}
        forms = [form for form, d in zip(forms, digests, strict=True) if d in on_chain] or forms
    reveal = forms[0]
    prepared = commits.prepare_reveal_weights(hot, reveal)
    cs.send(prepared, f"Reveal weights on subnet {reveal.netuid}",
            [("hotkey (signs)", f"{cs.wallet_session.hotkey} {hot}"), ("uid:share", shown(reveal.uids, reveal.values))],
            cs.unlock_hotkey, {"netuid": reveal.netuid, "hotkey": hot, "revealed": [{"uids": list(reveal.uids),
                                                                                   "weights": list(reveal.values)}]},
            done=f"Weights revealed on subnet {reveal.netuid}")


def reveal_pending(cs: ChainSession, netuid: int) -> None:
    """Reveal every kept commit of this hotkey on `netuid` whose window is open, oldest first."""
    from chain.dtao.commit_reveal import EARLY, EXPIRED, OPEN
    from chain.errors import ChainError
    from chain.rooms.checks import short

    hot = cs.hotkey_address()
    store, commits = store_of(cs), cs.client.weights.commits
    commits.need_declared()  # a runtime without commit-reveal says so before any file is looked at
    records, bad = store.pending(hot, netuid, cs.client.genesis_hash())
    for problem in bad:
        cs.out.warn(str(problem))
    if not records:
        raise CliError(f"no pending commit of hotkey {short(hot)} on subnet {netuid} on this chain in "
                       f"{store.dir_for(hot)}: commit first with `taocli weights commit --netuid {netuid}`")
    _, states = commits.pending(hot, netuid, [r.digest for r in records])
    by_digest = {r.digest: r for r in records}
    now = states[0].at - 1
    opened = [s for s in states if s.window is not None and s.window.state == OPEN]
    early = [s for s in states if s.window is not None and s.window.state == EARLY]
    expired = [s for s in states if s.window is not None and s.window.state == EXPIRED]
    missing = [by_digest[s.digest] for s in states if s.commit is None]
    for s in expired:  # the chain will never take these: drop the data, say so
        store.remove(by_digest[s.digest])
        assert s.window is not None
        cs.out.warn(f"commit 0x{s.digest.hex()[:16]}… expired after block {s.window.last} (now {now}): "
                    f"removed {by_digest[s.digest].path}; commit again")
    for r in missing:
        cs.out.warn(f"commit 0x{r.digest.hex()[:16]}… is not on chain (revealed already or never included); kept "
                    f"{r.path}: delete it once you know it is done")
    next_first = min((s.window.first for s in early if s.window is not None), default=None)
    if not opened:
        if next_first is not None:
            about = "" if all(s.window is not None and s.window.exact for s in early) else "about "
            raise CliError(f"too early: no commit of hotkey {short(hot)} on subnet {netuid} can be revealed yet; the "
                           f"next window opens at {about}block {next_first} (now {now}): run "
                           f"`taocli weights reveal --netuid {netuid}` then")
        raise CliError(f"nothing to reveal for hotkey {short(hot)} on subnet {netuid}: "
                       f"{len(expired)} expired (removed), {len(missing)} not on chain")
    plans = [(by_digest[s.digest], commits.prepare_reveal_weights(hot, by_digest[s.digest].reveal, s.digest))
             for s in opened]
    cs.out.note(f"Reveal {len(plans)} weights commit(s) on subnet {netuid}")
    for record, _ in plans:
        cs.out.note(f"  0x{record.digest.hex()[:16]}… (block {record.commit_block})  uid:share "
                    f"{shown(record.reveal.uids, record.reveal.values)}")
    cs.out.note(f"  network  {cs.client.network.name} ({cs.client.network.url})")
    confirm("Sign and submit?", yes=cs.yes)
    keypair = cs.unlock_hotkey()
    revealed: list[dict[str, Any]] = []
    for record, prepared in plans:
        try:
            with waiting(cs.out, f"Revealing 0x{record.digest.hex()[:16]}…"):
                receipt = cs.client.execute(prepared, keypair)
        except ChainError as exc:
            raise CliError(f"{exc} (commit 0x{record.digest.hex()[:16]}…; its file {record.path} was kept"
                           f"{f'; {len(revealed)} revealed before it' if revealed else ''})") from None
        store.remove(record)
        revealed.append({"hash": "0x" + record.digest.hex(), "commit_block": record.commit_block,
                         "uids": list(record.reveal.uids), "weights": list(record.reveal.values),
                         "receipt": receipt.to_json()})
        if not cs.out.json_mode:
            cs.out.success(f"✅ Weights revealed on subnet {netuid} — commit 0x{record.digest.hex()[:16]}…, included "
                           f"in block #{receipt.block_number}")
    if next_first is not None and not cs.out.json_mode:
        cs.out.note(f"{len(early)} more commit(s) open from block {next_first}: reveal them then")
    if cs.out.json_mode:
        cs.out.result({"ok": True, "network": cs.network, "netuid": netuid, "hotkey": hot, "revealed": revealed,
                       "waiting": [{"hash": "0x" + s.digest.hex(), "window": window_json(s.window)} for s in early],
                       "expired": [{"hash": "0x" + s.digest.hex(), "removed": str(by_digest[s.digest].path)}
                                   for s in expired],
                       "not_on_chain": [str(r.path) for r in missing]})
