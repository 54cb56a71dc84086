"""Optional landing columns (landing-files.md): a file may leave them out and loads as before;
when present they are checked like any other column."""
from __future__ import annotations

import copy

import duckdb
import pytest

from pipelines.cli import main
from tests.integration.landing_builder import CLEAN, write_landing

pytestmark = pytest.mark.integration


def test_students_with_and_without_birth_date(after_clean_night, tmp_path, capsys):
    _, warehouse = after_clean_night  # the clean folder has no birth_date column
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*), count(birth_date) FROM staging.students").fetchone() == (6, 0)

    files = copy.deepcopy(CLEAN)
    students = files["students.csv"]
    students[0].append("birth_date")
    for row, birth in zip(students[1:], ["2017-05-02", "", "2016-13-01", "2013-01-31", "2012-08-15", "2012-02-29"]):
        row.append(birth)
    assert main(["load", "--landing", str(write_landing(tmp_path / "with", files)), "--warehouse", str(warehouse)]) == 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        loaded = dict(con.execute("SELECT student_id, birth_date::VARCHAR FROM staging.students").fetchall())
        reasons = con.execute("SELECT reasons FROM quarantine.students").fetchall()
    # a blank birth date is unknown; a month 13 and a 29 February of 2012 ... 2012 is a leap year
    assert loaded == {"00101": "2017-05-02", "00102": None, "00104": "2013-01-31", "00105": "2012-08-15",
                      "00106": "2012-02-29"}
    assert len(reasons) == 1 and "invalid_date:birth_date" in str(reasons[0])
