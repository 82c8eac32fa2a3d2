"""Uploads that cannot be half-stored, against a real small disk (a tmpfs mounted for the test): a full disk
and a read-only disk answer "nothing was saved" and leave no file and no row; an upload whose request died
(a part left in `.incoming/`) and files without rows are removed by the reconciler, which reports rows
whose file is gone."""

from __future__ import annotations

import io
import os
import subprocess
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.db import utcnow
from app.jobs import JOBS
from app.jobs.record import run_recorded
from app.models import JobRun, Recording, RolePlaySubmission
from tests import factories
from tests.web.test_learning import signed_in
from tests.web.test_roleplay import MP4, files_in, post, submit_url


@pytest.fixture
def small_disk(tmp_path, roleplay_cohort, app, monkeypatch):
    """A 1 MB tmpfs as the upload folder (needs mount rights, which the project's machines give root)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(mount))
    monkeypatch.setitem(app.config, "UPLOAD_RESERVE_MB", 0)  # the whole megabyte is usable
    roleplay_cohort["upload_dir"] = mount
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _submit(app, rc, data: bytes):
    client = signed_in(app, rc["trainee"])
    return post(client, submit_url(rc), {"transcript": "**Mentor:** Hi.", "consent": "y",
                                         "recording": (io.BytesIO(data), "session.mp4")},
                content_type="multipart/form-data")


def _nothing_stored(db, disk: Path) -> None:
    assert files_in(disk) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RolePlaySubmission)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Recording)) == 0


def test_a_full_disk_saves_nothing_and_says_so(app, db, roleplay_cohort, small_disk):
    (small_disk / "filler").write_bytes(b"x" * 900_000)  # the disk is nearly full
    response = _submit(app, roleplay_cohort, MP4 + b"\0" * 300_000)
    assert response.status_code == 422
    assert "its storage is full" in response.get_data(as_text=True)
    (small_disk / "filler").unlink()
    _nothing_stored(db, small_disk)


def test_a_read_only_disk_saves_nothing_and_says_so(app, db, roleplay_cohort, small_disk):
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    response = _submit(app, roleplay_cohort, MP4)
    assert response.status_code == 422
    assert "its storage is read-only" in response.get_data(as_text=True)
    subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    _nothing_stored(db, small_disk)


def test_a_stored_recording_is_in_place_only_with_its_row(app, db, roleplay_cohort, small_disk):
    assert _submit(app, roleplay_cohort, MP4).status_code == 302
    rec = db.session.scalar(sa.select(Recording))
    assert files_in(small_disk) == [rec.stored_name] and (small_disk / rec.stored_name).exists()


def test_the_reconciler_clears_what_died_and_reports_what_is_missing(app, db, roleplay_cohort, small_disk):
    rc = roleplay_cohort
    incoming = small_disk / ".incoming"
    incoming.mkdir()
    old = time.time() - 24 * 3600
    for path in (incoming / "a1b2.mp4.part", small_disk / "c3d4.mp4"):  # a killed upload; a file without a row
        path.write_bytes(MP4)
        os.utime(path, (old, old))
    (incoming / "fresh.mp4.part").write_bytes(MP4)  # an upload in progress right now: left alone
    scenario = next(s for m in rc["course"].modules for s in m.scenarios)
    sub = factories.make_submission(scenario, rc["cohort"], rc["trainee"])
    db.session.add(Recording(submission_id=sub.id, stored_name="gone.mp4", mime="video/mp4", extension="mp4",
                             size_bytes=10, consent_confirmed_at=utcnow()))
    db.session.commit()
    with pytest.raises(Exception, match="1 recording\\(s\\) have no file"):
        run_recorded(app, JOBS["uploads-reconcile"])
    assert files_in(small_disk) == ["fresh.mp4.part"]
    run = db.session.scalar(sa.select(JobRun).where(JobRun.job == "uploads-reconcile"))
    assert run.status == "failed" and "1 file(s) without a recording removed, 1 unfinished upload(s) removed" in run.summary
