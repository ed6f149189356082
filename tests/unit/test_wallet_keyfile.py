"""Keyfiles on disk: every JSON dialect, cross-checks, safe writes, modes, backups, bad input.

All files are real files in tmp dirs. Only the plaintext path is exercised here; the $NACL and
legacy formats are in test_wallet_encryption.py so the argon2 cost stays in one place.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.unit.wallet_fixtures import ABANDON, ALICE, LEGAL, mode, snapshot
from wallet.errors import KeyExists, KeyfileCorrupt, KeyfileNotFound, UnsupportedKeyType, UnwritablePath
from wallet.fsio import atomic_write
from wallet.keyfile import Keyfile
from wallet.keypair import Keypair


@pytest.fixture
def mnemonic_kp() -> Keypair:
    return Keypair.from_mnemonic(ABANDON)


def _fields(kp: Keypair) -> dict[str, str]:
    pub = "0x" + kp.public_key.hex()
    return {
        "accountId": pub,
        "publicKey": pub,
        "privateKey": "0x" + kp.private_key.hex(),
        "secretPhrase": kp.mnemonic,
        "secretSeed": "0x" + kp.seed.hex(),
        "ss58Address": kp.ss58_address,
    }


def _put(path: Path, content: str | bytes) -> Keyfile:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return Keyfile(path)


# ----- reading every dialect -----------------------------------------------------------------
def test_reads_python_2024_dialect_with_nulls(tmp_path: Path, mnemonic_kp: Keypair) -> None:
    fields = _fields(mnemonic_kp)
    del fields["privateKey"]
    kf = _put(tmp_path / "hk", json.dumps(fields))
    kp = kf.read()
    assert kp == mnemonic_kp and kp.mnemonic == ABANDON and kp.seed == mnemonic_kp.seed
    seed_only = dict(fields, secretPhrase=None)
    assert _put(tmp_path / "hk2", json.dumps(seed_only)).read() == mnemonic_kp


def test_reads_rust_41_dialect_with_crypto_type_and_unknown_fields(tmp_path: Path, mnemonic_kp: Keypair) -> None:
    fields = dict(_fields(mnemonic_kp), cryptoType=1, futureField={"x": [1]})
    assert _put(tmp_path / "k", json.dumps(fields)).read() == mnemonic_kp


def test_reads_upper_case_phrase_and_returns_canonical(tmp_path: Path, mnemonic_kp: Keypair) -> None:
    fields = dict(_fields(mnemonic_kp), secretPhrase="  " + ABANDON.upper() + " ")
    assert _put(tmp_path / "k", json.dumps(fields)).read().mnemonic == ABANDON


def test_reads_private_key_only_file(tmp_path: Path) -> None:
    alice = Keypair.from_uri("//Alice")
    fields = {"privateKey": "0x" + alice.private_key.hex(), "ss58Address": ALICE}
    kp = _put(tmp_path / "k", json.dumps(fields)).read()
    assert kp.ss58_address == ALICE and kp.has_secret and kp.seed is None


def test_reads_public_forms(tmp_path: Path, mnemonic_kp: Keypair) -> None:
    pub_hex = "0x" + mnemonic_kp.public_key.hex()
    forms = [
        json.dumps({"accountId": pub_hex, "publicKey": pub_hex, "ss58Address": mnemonic_kp.ss58_address}),
        pub_hex + "\n",  # the 2024 bare-hex coldkeypub.txt
        json.dumps({"ss58Address": mnemonic_kp.ss58_address, "secretPhrase": None, "cryptoType": None}),
    ]
    for i, text in enumerate(forms):
        kp = _put(tmp_path / f"pub{i}", text).read()
        assert kp.public_key == mnemonic_kp.public_key and not kp.has_secret


def test_reads_utf8_seed_quirk(tmp_path: Path) -> None:
    """bittensor-wallet 4.x writes a seed that is valid UTF-8 as text; we recover it (spec §7)."""
    kp = Keypair.from_seed(b"A" * 32)
    fields = {
        "secretSeed": "0x" + "A" * 32,
        "privateKey": "0x" + kp.private_key.hex(),
        "publicKey": "0x" + kp.public_key.hex(),
        "ss58Address": kp.ss58_address,
    }
    again = _put(tmp_path / "k", json.dumps(fields)).read()
    assert again == kp and again.seed == b"A" * 32


def test_cryptotype_zero_refused_clearly(tmp_path: Path, mnemonic_kp: Keypair) -> None:
    kf = _put(tmp_path / "k", json.dumps(dict(_fields(mnemonic_kp), cryptoType=0)))
    with pytest.raises(UnsupportedKeyType, match="ed25519 key"):
        kf.read()


# ----- cross-checks and corrupt files --------------------------------------------------------
@pytest.mark.parametrize(
    ("field", "needle"),
    [
        ("secretSeed", "secretSeed that does not match"),
        ("privateKey", "privateKey that does not match"),
        ("publicKey", "publicKey that does not match"),
        ("accountId", "accountId that does not match"),
        ("ss58Address", "ss58Address that does not match"),
    ],
)
def test_field_disagreement_is_corrupt(tmp_path: Path, mnemonic_kp: Keypair, field: str, needle: str) -> None:
    other = _fields(Keypair.from_mnemonic(LEGAL))
    fields = _fields(mnemonic_kp)
    fields[field] = other[field]
    kf = _put(tmp_path / "w" / "k", json.dumps(fields))
    before = snapshot(tmp_path)
    with pytest.raises(KeyfileCorrupt) as info:
        kf.read()
    assert needle in str(info.value) and str(kf.path) in str(info.value)
    assert "restore the file" in str(info.value).lower()
    assert ABANDON.split()[0] not in str(info.value)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "not valid JSON"),
        (b'{"secretPhrase": "abandon abandon', "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not text"),
        (b"[1, 2, 3]", "does not hold a JSON object"),
        (b"{}", "holds no key"),
        (b'{"secretPhrase": 12}', "non-text secretPhrase"),
        (b'{"secretPhrase": "abandon abandon abandon"}', "invalid secretPhrase"),
        (b'{"secretSeed": "0x1234"}', "not 32 bytes"),
        (b'{"privateKey": "0xzz"}', "not 64 bytes"),
        (b'{"ss58Address": "5Grwva"}', "invalid key"),
        (b'{"publicKey": "0x00", "cryptoType": 7}', "unknown cryptoType"),
    ],
)
def test_corrupt_files(tmp_path: Path, content: bytes, needle: str) -> None:
    kf = _put(tmp_path / "k", content)
    before = snapshot(tmp_path)
    with pytest.raises(KeyfileCorrupt) as info:
        kf.read()
    message = str(info.value)
    assert needle in message and "\n" not in message
    assert snapshot(tmp_path) == before


def test_truncated_real_keyfile(tmp_path: Path, mnemonic_kp: Keypair) -> None:
    kf = Keyfile(tmp_path / "k")
    kf.write(mnemonic_kp)
    data = kf.path.read_bytes()
    for cut in (1, len(data) // 2, len(data) - 1):
        kf.path.write_bytes(data[:cut])
        with pytest.raises(KeyfileCorrupt):
            kf.read()


def test_missing_file(tmp_path: Path) -> None:
    kf = Keyfile(tmp_path / "nope")
    assert not kf.exists
    with pytest.raises(KeyfileNotFound, match="no keyfile at"):
        kf.read()
    with pytest.raises(KeyfileNotFound):
        _ = kf.encryption
    assert not (tmp_path / "nope").exists()


# ----- writing -------------------------------------------------------------------------------
def test_write_is_compatible_json(tmp_path: Path, mnemonic_kp: Keypair) -> None:
    kf = Keyfile(tmp_path / "a" / "b" / "hotkey")
    assert kf.write(mnemonic_kp) is None
    raw = kf.path.read_bytes()
    data = json.loads(raw)
    assert data == _fields(mnemonic_kp)
    assert "cryptoType" not in data and b" " not in raw.replace(ABANDON.encode(), b"")
    assert kf.encryption is None and not kf.is_encrypted
    assert mode(kf.path) == 0o600
    assert mode(tmp_path / "a") == 0o700 and mode(tmp_path / "a" / "b") == 0o700
    assert kf.read() == mnemonic_kp


def test_write_public_only_and_seed_as_hex(tmp_path: Path) -> None:
    kp = Keypair.from_seed(b"A" * 32)  # the UTF-8 quirk seed: we always write hex
    Keyfile(tmp_path / "k").write(kp)
    assert json.loads((tmp_path / "k").read_text())["secretSeed"] == "0x" + "41" * 32
    Keyfile(tmp_path / "p").write(kp, public_only=True)
    assert set(json.loads((tmp_path / "p").read_text())) == {"accountId", "publicKey", "ss58Address"}
    Keyfile(tmp_path / "q").write(kp.public_only())  # a public keypair writes a public file
    assert (tmp_path / "q").read_bytes() == (tmp_path / "p").read_bytes()


def test_existing_key_without_overwrite(tmp_path: Path, mnemonic_kp: Keypair) -> None:
    kf = Keyfile(tmp_path / "k")
    kf.write(mnemonic_kp)
    before = snapshot(tmp_path)
    with pytest.raises(KeyExists) as info:
        kf.write(Keypair.from_uri("//Alice"))
    assert "already exists" in str(info.value) and "overwrite" in str(info.value)
    assert snapshot(tmp_path) == before


def test_overwrite_keeps_every_old_file_as_backup(tmp_path: Path, mnemonic_kp: Keypair) -> None:
    kf = Keyfile(tmp_path / "k")
    kf.write(mnemonic_kp)
    first = kf.path.read_bytes()
    backup = kf.write(Keypair.from_uri("//Alice"), overwrite=True)
    assert backup == tmp_path / "k.bak" and backup.read_bytes() == first
    second = kf.path.read_bytes()
    backup2 = kf.write(Keypair.from_uri("//Bob"), overwrite=True)
    assert backup2 == tmp_path / "k.1.bak" and backup2.read_bytes() == second
    assert (tmp_path / "k.bak").read_bytes() == first
    assert mode(kf.path) == 0o600 and kf.read().ss58_address != ALICE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k", "k.1.bak", "k.bak"]  # no temp files left


def test_symlink_target_is_not_followed(tmp_path: Path, mnemonic_kp: Keypair) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    link = tmp_path / "k"
    link.symlink_to(victim)
    with pytest.raises(KeyExists):
        Keyfile(link).write(mnemonic_kp)
    Keyfile(link).write(mnemonic_kp, overwrite=True)
    assert victim.read_bytes() == b"precious"
    assert not link.is_symlink() and Keyfile(link).read() == mnemonic_kp
    assert (tmp_path / "k.bak").is_symlink()  # the old link itself is kept


def test_failed_verification_replaces_nothing(tmp_path: Path, mnemonic_kp: Keypair) -> None:
    kf = Keyfile(tmp_path / "k")
    kf.write(mnemonic_kp)
    before = snapshot(tmp_path)
    seen: list[bytes] = []

    def reject(data: bytes) -> None:
        seen.append(data)
        raise KeyfileCorrupt("the freshly written keyfile does not read back as the same key")

    with pytest.raises(KeyfileCorrupt):
        atomic_write(kf.path, b"new bytes", overwrite=True, verify=reject)
    assert seen == [b"new bytes"]  # the verifier saw what reached the disk
    assert snapshot(tmp_path) == before


def test_unwritable_path_parent_is_a_file(tmp_path: Path, mnemonic_kp: Keypair) -> None:
    (tmp_path / "file").write_bytes(b"x")
    before = snapshot(tmp_path)
    with pytest.raises(UnwritablePath) as info:
        Keyfile(tmp_path / "file" / "w" / "coldkey").write(mnemonic_kp)
    assert "not a directory" in str(info.value)
    assert snapshot(tmp_path) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_unwritable_path_read_only_dir(tmp_path: Path, mnemonic_kp: Keypair) -> None:
    ro = tmp_path / "ro"
    ro.mkdir(mode=0o500)
    try:
        with pytest.raises(UnwritablePath, match="Permission denied"):
            Keyfile(ro / "coldkey").write(mnemonic_kp)
        assert list(ro.iterdir()) == []
    finally:
        ro.chmod(0o700)


def test_unwritable_path_under_proc(mnemonic_kp: Keypair) -> None:
    """A path the kernel refuses even to root: the error is one line, not an OSError traceback."""
    with pytest.raises(UnwritablePath) as info:
        Keyfile("/proc/self/taocli-test/coldkey").write(mnemonic_kp)
    assert "/proc/self/taocli-test" in str(info.value)


def test_reads_non_42_address_stored_verbatim(tmp_path: Path, mnemonic_kp: Keypair) -> None:
    """bittensor-wallet stores a format-0 (Polkadot) address as given; we read it as the same key."""
    from wallet.ss58 import ss58_encode

    polkadot = ss58_encode(mnemonic_kp.public_key, 0)
    kp = _put(tmp_path / "coldkeypub.txt", json.dumps({"ss58Address": polkadot})).read()
    assert kp.ss58_address == mnemonic_kp.ss58_address


def test_concurrent_creators_never_clobber(tmp_path: Path) -> None:
    """Two writers racing to create the same key: exactly one wins, the file is whole, no temp left."""
    import threading

    keys = [Keypair.from_uri(f"//racer{i}") for i in range(8)]
    results: list[str] = []
    barrier = threading.Barrier(len(keys))

    def create(kp: Keypair) -> None:
        barrier.wait()
        try:
            Keyfile(tmp_path / "w" / "coldkey").write(kp)
            results.append(kp.ss58_address)
        except KeyExists:
            results.append("exists")

    threads = [threading.Thread(target=create, args=(kp,)) for kp in keys]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [r for r in results if r != "exists"]
    assert len(winners) == 1 and len(results) == len(keys)
    assert Keyfile(tmp_path / "w" / "coldkey").read().ss58_address == winners[0]
    assert [p.name for p in (tmp_path / "w").iterdir()] == ["coldkey"]


def test_fifo_or_device_is_not_read_as_a_keyfile(tmp_path: Path) -> None:
    fifo = tmp_path / "coldkey"
    os.mkfifo(fifo)
    with pytest.raises(KeyfileCorrupt, match="not a regular file"):
        Keyfile(fifo).read()  # must not block waiting for a writer
    with pytest.raises(KeyfileCorrupt, match="not a regular file"):
        Keyfile("/dev/zero").read()


def test_phrase_words_never_reach_the_error(tmp_path: Path) -> None:
    kf = _put(tmp_path / "k", json.dumps({"secretPhrase": ABANDON.replace("about", "abuot")}))
    with pytest.raises(KeyfileCorrupt) as info:
        kf.read()
    assert "abuot" not in str(info.value) and "abandon" not in str(info.value)
