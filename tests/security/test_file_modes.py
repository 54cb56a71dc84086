"""The warehouse holds every student's records and the users file every password hash: both,
and the files made while writing them, are readable by their owner only."""
from __future__ import annotations

import os
import stat

from assets import warehouse as wh
from dashboards import auth


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_loaded_warehouse_and_its_lock_are_owner_only(district):
    assert mode(district) == 0o600
    assert mode(f"{district}.lock") == 0o600


def test_a_build_its_write_ahead_log_and_the_published_copy_are_owner_only(tmp_path):
    published = tmp_path / "warehouse.duckdb"
    umask = os.umask(0o022)  # what most shells set: files 0644 unless the code says otherwise
    try:
        for run in ("first", "second"):  # a new warehouse, then a copy of the published one
            build = wh.begin_build(published, run)
            con = wh.connect_build(published)
            con.execute("CREATE OR REPLACE TABLE staging.students AS SELECT range AS id FROM range(1000)")
            assert mode(build.build) == 0o600
            assert mode(f"{build.build}.wal") == 0o600  # the rows just written, before a checkpoint
            wh.finish_build(published, publish=True)
            assert mode(published) == 0o600
        assert os.umask(0o022) == 0o022  # the build gave the process its umask back
    finally:
        os.umask(umask)


def test_the_users_file_and_its_lock_are_owner_only(tmp_path):
    users = tmp_path / "users.yaml"
    auth.add_user("pat", "school:01001", "pat-password-2026", path=users)
    assert mode(users) == 0o600 and mode(f"{users}.lock") == 0o600
