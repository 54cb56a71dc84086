"""The marts after a real `alignboard load` of the hand-built district (landing_builder.py), and
after a night whose attendance file is rejected."""
from __future__ import annotations

import duckdb
import pytest

from pipelines.cli import main
from tests.integration.landing_builder import CLEAN, write_csv

pytestmark = pytest.mark.integration

# Attendance: student s on day d is absent when (s + d) % 5 == 0, days 2, 3, 4, 5, 8 of Sept 2025.
#   S1: 00101 absent day 4; 00102 days 3 and 8; 00103 day 2   -> 15 - 4 = 11 of 15 attended
#   S2: 00104 never;        00105 day 5;        00106 day 4   -> 15 - 2 = 13 of 15
#   D1: 24 of 30
EXPECTED = [("district", "D1", 24, 30), ("school", "S1", 11, 15), ("school", "S2", 13, 15),
            ("student", "00102", 3, 5), ("student", "00104", 5, 5)]


def attendance_cells(warehouse) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            """SELECT level, entity_id, numerator, denominator FROM mart.metric_values
               WHERE metric_id = 'attendance_rate' AND school_year = 2026 AND student_group = 'all'
                 AND (level IN ('district', 'school') OR entity_id IN ('00102', '00104'))
               ORDER BY level, entity_id"""
        ).fetchall()


def test_marts_after_a_real_load_and_after_a_rejected_night(after_clean_night, capsys):
    landing, warehouse = after_clean_night  # a copy of one `alignboard load` of the clean folder
    assert attendance_cells(warehouse) == EXPECTED
    with duckdb.connect(str(warehouse), read_only=True) as con:
        # girls: 00101 (4 of 5), 00103 (4 of 5), 00105 (4 of 5) -> 12 of 15
        assert con.execute(
            """SELECT numerator, denominator FROM mart.metric_values WHERE metric_id = 'attendance_rate'
               AND level = 'district' AND student_group = 'sex:F'"""
        ).fetchall() == [(12, 15)]

    # a night with 10 of the 30 attendance rows: rejected; the marts keep their last good state
    write_csv(landing / "attendance_daily.csv", CLEAN["attendance_daily.csv"][:11])
    assert main(["load", "--landing", str(landing), "--warehouse", str(warehouse)]) == 1
    assert attendance_cells(warehouse) == EXPECTED
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (run_id,) = con.execute(
            "SELECT run_id FROM mart.data_quality WHERE file = 'attendance_daily' AND status = 'rejected'"
        ).fetchone()
        failed = con.execute(
            "SELECT expectation, column_name FROM mart.gx_results WHERE run_id = ? AND file = 'attendance_daily' "
            "AND NOT success", [run_id]
        ).fetchall()
    assert failed == [("expect_column_values_to_be_between", "row_change_ratio")]
