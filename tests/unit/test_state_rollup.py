"""The state's roll-up from two hand-built district warehouses, no Dagster.

District A (schools A1) and district B (school B1), school year 2024, grades stand in for ages:
  a1 A1 03 black  IDEA SLD     a2 A1 04 white   no IDEA
  b1 B1 05 black  IDEA SLD     b2 B1 06 white   IDEA SLD
  m  A1 02 black  IDEA SLD  and  m  B1 02 black  IDEA SLD: one student who moved from A to B
Attendance rate, group all: A 90 of 100 days, B 180 of 200 days.
"""
import datetime as dt
from pathlib import Path

import duckdb
import pytest

from assets.equity import engine
from assets.equity.settings import load_settings
from assets.metrics.catalog import load_catalog
from assets.metrics.engine import write_catalog_table
from assets.metrics.entity_cells import build_metric_cells
from assets.metrics.scorecard import build_scorecard
from assets.state import months
from assets.state.rollup import DistrictResult, RollupRefused, publish_state

DISTRICTS = {
    "A": {"school": "A1", "students": [("a1", "03", "black", "SLD"), ("a2", "04", "white", None),
                                       ("m", "02", "black", "SLD")], "attendance": (90.0, 100.0)},
    "B": {"school": "B1", "students": [("b1", "05", "black", "SLD"), ("b2", "06", "white", "SLD"),
                                       ("m", "02", "black", "SLD")], "attendance": (180.0, 200.0)},
}


def build_district(path: Path, district_id: str, spec: dict) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA staging")
        con.execute("CREATE SCHEMA mart")
        con.execute("CREATE TABLE staging.schools(school_id VARCHAR, school_name VARCHAR, district_id VARCHAR, "
                    "school_level VARCHAR)")
        con.execute("INSERT INTO staging.schools VALUES (?, 'x', ?, 'elementary')", [spec["school"], district_id])
        con.execute("CREATE TABLE staging.students(student_id VARCHAR, school_id VARCHAR, school_year INTEGER, "
                    "grade_level VARCHAR, birth_date DATE, race_ethnicity VARCHAR)")
        con.execute("CREATE TABLE staging.special_education(student_id VARCHAR, school_year INTEGER, "
                    "disability_category VARCHAR, educational_environment VARCHAR)")
        for student, grade, race, category in spec["students"]:
            con.execute("INSERT INTO staging.students VALUES (?, ?, 2024, ?, NULL, ?)", [student, spec["school"], grade, race])
            if category:
                con.execute("INSERT INTO staging.special_education VALUES (?, 2024, ?, 'rc80')", [student, category])
        con.execute("CREATE TABLE staging.discipline_incidents(student_id VARCHAR, school_year INTEGER, action VARCHAR, "
                    "days_removed DOUBLE)")
        con.execute("CREATE TABLE staging.mtss_interventions(student_id VARCHAR, school_year INTEGER, area VARCHAR, "
                    "tier INTEGER)")
        con.execute("CREATE TABLE staging.org_hierarchy(entity_level VARCHAR, entity_id VARCHAR, entity_name VARCHAR, "
                    "parent_level VARCHAR, parent_id VARCHAR, district_id VARCHAR, school_id VARCHAR)")
        con.execute("INSERT INTO staging.org_hierarchy VALUES ('district', ?, ?, NULL, NULL, ?, NULL)",
                    [district_id, f"District {district_id}", district_id])
        engine.build_counts(con, "mart.disparity_counts", load_settings())
        attended, enrolled = spec["attendance"]
        con.execute("CREATE TABLE mart.metric_values(metric_id VARCHAR, metric_version INTEGER, school_year INTEGER, "
                    "period VARCHAR, level VARCHAR, entity_id VARCHAR, student_group VARCHAR, numerator DOUBLE, "
                    "denominator DOUBLE, value DOUBLE, suppressed BOOLEAN, suppression_reason VARCHAR, "
                    "value_range VARCHAR)")
        con.execute("INSERT INTO mart.metric_values VALUES ('attendance_rate', 1, 2024, 'year', 'district', ?, 'all', "
                    "?, ?, ?, false, NULL, NULL)", [district_id, attended, enrolled, attended / enrolled])
        con.execute("CREATE TABLE mart.metric_value_counts(metric_id VARCHAR, metric_version INTEGER, "
                    "school_year INTEGER, period VARCHAR, level VARCHAR, entity_id VARCHAR, student_group VARCHAR, "
                    "n BIGINT)")
        con.execute("INSERT INTO mart.metric_value_counts VALUES ('attendance_rate', 1, 2024, 'year', 'district', ?, "
                    "'all', 3)", [district_id])
        # the catalog as a load writes it, with a minimum n of 5 for attendance; the scorecard and
        # its cells built from these values as a load builds them
        write_catalog_table(con, load_catalog(), {})
        con.execute("UPDATE mart.metric_catalog SET min_n = 5 WHERE family = 'attendance_rate'")
        con.execute("CREATE TABLE staging.sections(section_id VARCHAR, school_year INTEGER)")
        con.execute("CREATE TABLE staging.department_kpis(department_id VARCHAR, kpi_id VARCHAR, kpi_name VARCHAR, "
                    "period_end DATE, target DOUBLE, direction VARCHAR, school_year INTEGER)")
        build_scorecard(con)
        build_metric_cells(con)
        con.execute("CREATE TABLE mart.early_warning(student_id VARCHAR, attendance BOOLEAN)")  # a student's row
        con.execute("INSERT INTO mart.early_warning VALUES (?, true)", [spec["students"][0][0]])
        con.execute("CREATE TABLE mart.data_quality(file VARCHAR, status VARCHAR)")
        con.execute("INSERT INTO mart.data_quality VALUES ('students.csv', 'loaded')")


@pytest.fixture
def districts(tmp_path, monkeypatch) -> list[DistrictResult]:
    monkeypatch.delenv("ALIGNBOARD_CONFIG", raising=False)
    results = []
    for district_id, spec in DISTRICTS.items():
        path = tmp_path / f"{district_id}.duckdb"
        build_district(path, district_id, spec)
        results.append(DistrictResult(district_id, str(path), "loaded"))
    return results


def query(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_student_enrolled_in_two_districts_counts_once_in_the_state_and_in_each_district(districts, tmp_path):
    state = tmp_path / "state.duckdb"
    publish_state(state, districts, load_settings())
    sql = ("SELECT lea_id, \"group\", count, population FROM mart.disparity_counts "
           "WHERE category = 'identification_sld' ORDER BY ALL")
    # district A: black a1, m identified of 2; white a2 0 of 1. B: black b1, m 2 of 2; white b2 1 of 1.
    # state: black a1, b1, m = 3 of 3 (m once, not 4 of 4); white b2 = 1 of 2
    assert query(state, sql) == [
        ("A", "black", 2, 2), ("A", "white", 0, 1), ("A1", "black", 2, 2), ("A1", "white", 0, 1),
        ("B", "black", 2, 2), ("B", "white", 1, 1), ("B1", "black", 2, 2), ("B1", "white", 1, 1),
        ("state", "black", 3, 3), ("state", "white", 1, 2),
    ]


def test_a_district_below_the_minimums_is_compared_with_the_states_counts(districts, tmp_path):
    state = tmp_path / "state.duckdb"
    publish_state(state, districts, load_settings(min_cell=1, min_n=2))
    # A's black students: A's other group (white, 0 of 1) is under min cell 1 and min n 2, so the
    # comparison is the state's other groups (white, 1 of 2): ARR = (2/2) / (1/2) = 2
    rows = query(state, "SELECT ratio_type, comparison_count, comparison_population, ratio FROM mart.disparity "
                        "WHERE lea_id = 'A' AND category = 'identification_sld' AND \"group\" = 'black'")
    assert rows == [("ARR", 1, 2, 2.0)]


def test_the_states_attendance_rate_is_every_attended_day_over_every_enrolled_day(districts, tmp_path):
    state = tmp_path / "state.duckdb"
    publish_state(state, districts, load_settings())
    # (90 + 180) / (100 + 200) = 0.9, not the mean of 0.9 and 0.9 by luck: n = 3 + 3 = 6 >= min n 5
    assert query(state, "SELECT numerator, denominator, value, suppressed FROM mart.metric_values "
                        "WHERE level = 'state'") == [(270.0, 300.0, 0.9, False)]
    assert query(state, "SELECT n FROM mart.metric_value_counts WHERE level = 'state'") == [(6,)]
    assert query(state, "SELECT DISTINCT district_id FROM mart.data_quality ORDER BY 1") == [("A",), ("B",)]


def test_the_states_scorecard_holds_its_districts_metrics_with_the_states_value_and_status(districts, tmp_path):
    state = tmp_path / "state.duckdb"
    publish_state(state, districts, load_settings())
    # attendance (90 + 180) / (100 + 200) = 0.9 against the catalog's target 0.95, near within 0.02:
    # 0.05 short, so off; no 2023 value, so no prior
    assert query(state, "SELECT school_year, metric_id, entity_name, value, target, status, prior_value "
                        "FROM mart.scorecard WHERE level = 'state'") == [
        (2024, "attendance_rate", "State", 0.9, 0.95, "off", None)]
    # its cell, which the dashboard reads: n = 3 + 3 students, the same status
    assert query(state, "SELECT student_group, period, value, n, status FROM mart.metric_cells "
                        "WHERE level = 'state'") == [("all", "year", 0.9, 6, "off")]
    # the districts are the state's layer below; the groups of its values; no student's row
    assert query(state, "SELECT entity_id, parent_level, parent_id FROM staging.org_hierarchy "
                        "WHERE entity_level = 'district' ORDER BY 1") == [("A", "state", "state"), ("B", "state", "state")]
    assert query(state, "SELECT student_group FROM mart.group_codes") == [("all",)]
    assert query(state, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'early_warning'") == [(0,)]


def test_a_missing_district_stops_the_roll_up_unless_allowed_and_is_named(districts, tmp_path):
    state = tmp_path / "state.duckdb"
    districts[1].status, districts[1].message = "missing", "its step did not finish"
    with pytest.raises(RollupRefused, match=r"1 of 2 districts .*\(B\)"):
        publish_state(state, districts, load_settings())
    assert not state.exists()
    result = publish_state(state, districts, load_settings(), allow_missing=True)
    assert (result.districts, result.missing) == (["A"], ["B"])
    assert query(state, "SELECT district_id, status, message, rolled_up FROM mart.state_districts ORDER BY 1") == [
        ("A", "loaded", "", True), ("B", "missing", "its step did not finish", False)]
    assert query(state, "SELECT DISTINCT lea_id FROM mart.disparity_counts WHERE lea_level = 'district'") == [("A",)]


def test_a_district_whose_months_stop_earlier_lacks_the_later_months_alone_and_to_date():
    # its load kept months to February 2026 (ytd:2026-02-28), another's to March: it lacks March
    # alone (March 1-31) and the year to date at March's end (July 1, 2025 - March 31, 2026)
    lacking = months.lacking(dt.date(2026, 2, 28), dt.date(2026, 3, 31))
    assert [(p.period, p.start, p.end) for p in lacking] == [
        ("month:2026-03", dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
        ("ytd:2026-03-31", dt.date(2025, 7, 1), dt.date(2026, 3, 31))]
    assert months.lacking(dt.date(2026, 3, 31), dt.date(2026, 3, 31)) == []
    # no months at all (its data ends in 2024-25): every month of 2025-26 to March, 9 x 2 periods
    assert len(months.lacking(None, dt.date(2026, 3, 31))) == 18
    assert len(months.lacking(dt.date(2025, 6, 30), dt.date(2026, 3, 31))) == 18
