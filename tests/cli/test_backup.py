"""A populated platform backed up and restored into an empty database on the same engine (SQLite's online
backup API, or pg_dump/pg_restore): every row count matches, an earlier credential still verifies against the
restored keys, and its revocation still reads on the verify page and in the status list."""

from __future__ import annotations

import io
import tarfile
import uuid
from pathlib import Path

import jwt
import pytest
import sqlalchemy as sa

from app import backup, create_app
from app.certificates import credential, keys
from app.extensions import db as _db
from app.models import Certificate
from config import TestingConfig
from tests.interop.test_open_badges import admin_sets_status, issue


@pytest.fixture
def empty_target(database_url, tmp_path):
    """A new, empty database on the engine under test, and its app."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'restored.db'}"
        drop = None
    else:
        name = f"restore_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = str(sa.engine.make_url(database_url).set(database=name).render_as_string(hide_password=False))

        def drop():
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    class Restored(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url
        ISSUER_KEY_DIR = str(tmp_path / "restored-keys")
        UPLOAD_DIR = str(tmp_path / "restored-uploads")
        JOBS_URL = f"sqlite:///{tmp_path / 'jobs.db'}"

    app = create_app(Restored)
    yield app
    with app.app_context():
        _db.engine.dispose()
    if drop:
        drop()


def test_a_backup_restores_into_an_empty_database_and_credentials_still_verify(
        app, db, nearly_complete, empty_target, tmp_path):
    cert = issue(nearly_complete, app, db)
    admin_sets_status(app, cert, "revoked", "Falsified hours.")
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / "abc.mp4").write_bytes(b"recording")
    archive = tmp_path / "backup.tar.gz"
    manifest = backup.create(backup.Sources(db.engine, Path(app.config["ISSUER_KEY_DIR"]), uploads), archive)
    assert manifest["rows"]["certificates"] == 1 and manifest["issuer_keys"] >= 1
    serial, token = cert.serial, cert.credential_jwt

    target = empty_target
    with target.app_context():
        restored = backup.restore(archive, backup.Sources(_db.engine, Path(target.config["ISSUER_KEY_DIR"]),
                                                          Path(target.config["UPLOAD_DIR"])))
        assert restored["rows"] == backup.row_counts(_db.engine)  # every table, every row
        again = _db.session.scalar(sa.select(Certificate).where(Certificate.serial == serial))
        assert again.credential_jwt == token
        trusted = keys.known_dids(target.config["ISSUER_KEY_DIR"])
        assert credential.verify_jwt(token, trusted=trusted).ok  # the restored keys are this platform's
    assert (Path(target.config["UPLOAD_DIR"]) / "abc.mp4").read_bytes() == b"recording"
    client = target.test_client()
    page = client.get(f"/verify/{serial}").get_data(as_text=True)
    assert "This certificate was revoked" in page
    status_url = jwt.decode(token, options={"verify_signature": False})["credentialStatus"]
    listed = client.get(status_url["statusListCredential"].removeprefix("http://localhost"))
    assert listed.status_code == 200
    encoded = jwt.decode(listed.get_data(as_text=True), options={"verify_signature": False})[
        "credentialSubject"]["encodedList"]
    assert credential.bit_is_set(encoded, int(status_url["statusListIndex"]))


def test_a_damaged_archive_or_a_used_database_is_refused(app, db, nearly_complete, empty_target, tmp_path):
    keys.current_key(app.config["ISSUER_KEY_DIR"], create=True)  # whichever test ran before, there is a key
    archive = tmp_path / "backup.tar.gz"
    backup.create(backup.Sources(db.engine, Path(app.config["ISSUER_KEY_DIR"]), tmp_path / "none"), archive)
    with pytest.raises(backup.BackupError, match="not empty"):  # the live test database has rows
        backup.restore(archive, backup.Sources(db.engine, tmp_path / "k", tmp_path / "u"))
    def altered(name: str, change) -> Path:
        out_path = tmp_path / f"altered-{name.replace('/', '_')}.tar.gz"
        with tarfile.open(archive) as src, tarfile.open(out_path, "w:gz") as out:
            for member in src.getmembers():
                data = src.extractfile(member) if member.isfile() else None
                if member.name == name or (name.endswith("/") and member.name.startswith(name) and member.isfile()):
                    text = change(data.read())
                    member.size = len(text)
                    data = io.BytesIO(text)
                out.addfile(member, data)
        return out_path

    renamed = altered("manifest.json", lambda b: b.replace(b'"certificates"', b'"certificatez"'))
    key_changed = altered("issuer-keys/", lambda b: b.replace(b"-----BEGIN", b"-----BEGIM"))
    with empty_target.app_context():
        target = backup.Sources(_db.engine, tmp_path / "k2", tmp_path / "u2")
        (tmp_path / "junk.tar.gz").write_bytes(b"not an archive")
        with pytest.raises(backup.BackupError, match="not a readable backup"):
            backup.restore(tmp_path / "junk.tar.gz", target)
        with pytest.raises(backup.BackupError, match="is damaged: issuer-keys/"):
            backup.restore(key_changed, target)  # refused before anything is written
        assert backup.row_counts(_db.engine) == {} and not any((tmp_path / "k2").glob("*"))
        with pytest.raises(backup.BackupError, match="does not match the manifest"):
            backup.restore(renamed, target)


def test_losing_the_issuer_keys_is_loud(app, db, nearly_complete, tmp_path, monkeypatch):
    issue(nearly_complete, app, db)
    monkeypatch.setitem(app.config, "ISSUER_KEY_DIR", str(tmp_path / "lost"))
    monkeypatch.setitem(app.config, "ISSUER_KEY_AUTOCREATE", False)
    with pytest.raises(keys.KeyMissing, match="Restore the folder from your backup"):
        keys.check_keys_for_serving(app)
    listed = app.test_client().get("/credentials/status/suspension")
    assert listed.status_code == 503 and listed.headers["Retry-After"]  # never a 500
    assert app.test_client().get("/credentials/status/suspension/1").status_code == 404
    monkeypatch.setitem(app.config, "ISSUER_KEY_AUTOCREATE", True)
    keys.check_keys_for_serving(app)  # development makes its own key: nothing to refuse
