"""The key file a register is bound to (#16): its fingerprint in the database, another key
refused naming both, rotation that keeps every erasure, login and audit event working."""

from __future__ import annotations

import pytest

from finconsole.core.access import audit, auth, keyring, users
from finconsole.core.access import credentials as cred
from finconsole.core.erasure import key_rotation
from finconsole.core.kernel.errors import ConfigError, ValidationError
from finconsole.core.settings import keys, runtime
from finconsole.core.store import db as db_mod
from finconsole.core.store import meta
from finconsole.core.store.models import Meta, User
from tests.cli.helpers import run

CUSTOMERS = (
    "Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Address1,"
    "Default Address City,Default Address Country Code,Default Address Zip,Phone\n"
    "501,Anna,Virtanen,anna@example.fi,yes,Katu 1,Helsinki,FI,00100,+358401234567\n"
    "502,Pekka,Laine,pekka@example.fi,no,Tie 2,Espoo,FI,02100,+358407654321\n"
)
PASSWORD = "correct horse battery staple"


@pytest.fixture
def folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FINCONSOLE_CONFIG", raising=False)
    assert run(capsys, "init")[0] == 0
    (tmp_path / "c.csv").write_text(CUSTOMERS)
    assert run(capsys, "import", "shopify-customers", "c.csv")[0] == 0
    code, out, _ = run(capsys, "find", "Virtanen", "--json")
    assert code == 0 and '"id": 1' in out
    assert run(capsys, "erase", "1", "--yes")[0] == 0
    return tmp_path


def use_key(folder, name):
    config = folder / "config.toml"
    text = config.read_text()
    start = text.index("key_file = ")
    end = text.index("\n", start)
    config.write_text(text[:start] + f'key_file = "{name}"' + text[end:])


def fingerprint_of(path):
    return keyring.fingerprint(keys.load_key(path))


def test_init_records_the_key_fingerprint(folder):
    db_mod.connect(f"sqlite:///{folder / 'finconsole.db'}")
    stored = Meta.get_by_id(keyring.FINGERPRINT_KEY).value
    db_mod.close()
    assert stored == fingerprint_of(folder / "finconsole.key")


def test_another_key_file_is_refused_naming_both(folder, capsys):
    """Before #16 the same database with another key file imported the erased person again."""
    keys.create_key_file(folder / "other.key")
    use_key(folder, "other.key")
    for command in (["import", "shopify-customers", "c.csv"], ["find", "x"], ["audit", "verify"]):
        code, out, err = run(capsys, *command)
        assert code == 1 and "created" not in out, command
        assert fingerprint_of(folder / "other.key") in err
        assert fingerprint_of(folder / "finconsole.key") in err
        assert len(err.strip().splitlines()) == 1
    use_key(folder, "finconsole.key")
    code, out, _ = run(capsys, "import", "shopify-customers", "c.csv")
    assert code == 0 and "skipped as erased 1" in out


def test_an_older_register_takes_its_key_at_first_start(folder, capsys):
    db_mod.connect(f"sqlite:///{folder / 'finconsole.db'}")
    Meta.delete().where(Meta.key == keyring.FINGERPRINT_KEY).execute()
    db_mod.close()
    assert run(capsys, "find", "x")[0] == 0
    db_mod.connect(f"sqlite:///{folder / 'finconsole.db'}")
    assert Meta.get_by_id(keyring.FINGERPRINT_KEY).value == fingerprint_of(
        folder / "finconsole.key"
    )
    db_mod.close()


def test_an_older_register_refuses_a_key_that_opens_no_totp_secret(db, officer, tmp_path):
    users.create(officer, "kaj", "officer", PASSWORD)
    Meta.delete().where(Meta.key == keyring.FINGERPRINT_KEY).execute()
    keys.create_key_file(tmp_path / "other.key")
    runtime.use_master_key(keys.load_key(tmp_path / "other.key"))
    with pytest.raises(ConfigError, match="does not open this register's TOTP secrets"):
        keyring.ensure_key()
    assert Meta.get_or_none(Meta.key == keyring.FINGERPRINT_KEY) is None


def test_rotation_keeps_erasures_logins_and_the_audit_trail(folder, capsys):
    db_mod.connect(f"sqlite:///{folder / 'finconsole.db'}")
    from finconsole.core.kernel.actor import Actor

    setup = users.create(Actor.cli(), "kaj", "officer", PASSWORD)
    db_mod.close()
    old = fingerprint_of(folder / "finconsole.key")

    code, out, err = run(capsys, "key", "rotate", "new.key")
    assert code == 0, err
    new = fingerprint_of(folder / "new.key")
    assert f"re-keyed from {old} to {new}" in out and "1 ledger entries" in out
    assert "1 TOTP secrets" in out and "10 recovery codes" in out

    code, _, err = run(capsys, "find", "x")  # the old key is refused from now on
    assert code == 1 and old in err and new in err
    use_key(folder, "new.key")
    code, out, _ = run(capsys, "import", "shopify-customers", "c.csv")
    assert code == 0 and "skipped as erased 1" in out and "created 0" in out
    code, out, _ = run(capsys, "audit", "verify")
    assert code == 0 and "intact" in out and "ends match" in out

    runtime.set_config(runtime.get_config())  # the new key, as a console would load it
    db_mod.connect(f"sqlite:///{folder / 'finconsole.db'}")
    try:
        runtime_key = keys.load_key(folder / "new.key")
        runtime.use_master_key(runtime_key)
        user = User.get(User.username == "kaj")
        assert cred.decrypt_secret(user.totp_secret_enc) == setup.secret
        actor = auth.login("kaj", PASSWORD, setup.recovery_codes[0], channel="cli")
        assert actor.username == "kaj"
        assert audit.verify(actor).ok
    finally:
        db_mod.close()


def test_rotation_to_the_key_in_use_is_refused(db, officer, runtime_config, tmp_path):
    with pytest.raises(ValidationError, match="the key in use"):
        key_rotation.rotate(officer, tmp_path / "finconsole.key")


def test_rotation_refuses_a_broken_audit_trail_and_changes_nothing(db, officer, tmp_path):
    audit.record(officer, "login")
    audit.record(officer, "logout")
    db.execute_sql("UPDATE audit_event SET outcome = 'x' WHERE id = 1")
    with pytest.raises(audit.ChainBroken, match="broken at event 1"):
        key_rotation.rotate(officer, tmp_path / "new.key")
    assert not (tmp_path / "new.key").exists()
    assert meta.get(keyring.HISTORY_KEY) is None


def test_a_backup_from_before_a_rotation_is_rekeyed_when_restored(folder, capsys):
    db_mod.connect(f"sqlite:///{folder / 'finconsole.db'}")
    from finconsole.core.kernel.actor import Actor

    setup = users.create(Actor.cli(), "kaj", "officer", PASSWORD)
    db_mod.close()
    assert run(capsys, "backup", "before.db")[0] == 0
    code, out, _ = run(capsys, "find", "Laine", "--json")
    assert code == 0 and '"id": 2' in out
    assert run(capsys, "erase", "2", "--yes")[0] == 0  # erased after the backup
    assert run(capsys, "key", "rotate", "new.key")[0] == 0
    use_key(folder, "new.key")

    code, out, err = run(capsys, "restore", "before.db", "--yes")
    assert code == 0, err
    code, out, _ = run(capsys, "audit", "verify")
    assert code == 0 and "intact" in out
    code, out, _ = run(capsys, "import", "shopify-customers", "c.csv")
    assert code == 0 and "skipped as erased 2" in out and "created 0" in out
    db_mod.connect(f"sqlite:///{folder / 'finconsole.db'}")
    try:
        runtime.use_master_key(keys.load_key(folder / "new.key"))
        user = User.get(User.username == "kaj")
        assert cred.decrypt_secret(user.totp_secret_enc) == setup.secret
        assert auth.login("kaj", PASSWORD, setup.recovery_codes[1], channel="cli")
    finally:
        db_mod.close()


def test_a_console_left_open_across_a_rotation_writes_nothing(db, officer, runtime_config):
    """Its keyed hashes and audit events would be made under the key the register left."""
    keyring.record_fingerprint(runtime.master_key())
    audit.record(officer, "login")
    meta.put(keyring.FINGERPRINT_KEY, "0000-1111-2222-3333")  # rotated elsewhere
    with pytest.raises(ConfigError, match="the register was re-keyed .*0000-1111-2222-3333"):
        audit.record(officer, "logout")
    assert [e["action"] for e in audit.search(officer)] == ["login"]
