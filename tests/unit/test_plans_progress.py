"""Goal progress computed by hand on both sides of every boundary.

Every goal runs from baseline_date 2025-07-01 to target_date 2027-07-01 (D = 730 days); on the
as-of date 2026-07-01, d = 365 days, so expected = baseline + (target - baseline) / 2.
  higher is better (attendance_rate): baseline 0.80, target 0.90 -> expected 0.85; band 0.05
      met >= 0.90 > on_track >= 0.85 > at_risk >= 0.80 > off_track
  lower is better (chronic_absence_rate): baseline 0.20, target 0.10 -> expected 0.15
      met <= 0.10 < on_track <= 0.15 < at_risk <= 0.20 < off_track
The as-of date falls in school year 2027; values are in 2026 (2028 is after the as-of date).
"""
import duckdb
import pandas as pd
import pytest

from assets.metrics.catalog import load_catalog
from assets.plans.engine import PlansError, build_goal_progress, goal_progress_query, load_settings
from tests.unit.plans_fixture import D, create_plan_tables

AS_OF = D(2026, 7, 1)
START, END = D(2025, 7, 1), D(2027, 7, 1)
CASES = [  # entity, metric, current value 2026, expected status
    ("H1", "attendance_rate", 0.90, "met"),
    ("H2", "attendance_rate", 0.8999, "on_track"),
    ("H3", "attendance_rate", 0.85, "on_track"),
    ("H4", "attendance_rate", 0.8499, "at_risk"),
    ("H5", "attendance_rate", 0.80, "at_risk"),
    ("H6", "attendance_rate", 0.7999, "off_track"),
    ("L1", "chronic_absence_rate", 0.10, "met"),
    ("L2", "chronic_absence_rate", 0.1001, "on_track"),
    ("L3", "chronic_absence_rate", 0.15, "on_track"),
    ("L4", "chronic_absence_rate", 0.1501, "at_risk"),
    ("L5", "chronic_absence_rate", 0.20, "at_risk"),
    ("L6", "chronic_absence_rate", 0.2001, "off_track"),
    ("N1", "attendance_rate", None, "no_data"),
]
LINE = {"attendance_rate": (0.80, 0.90), "chronic_absence_rate": (0.20, 0.10)}


def _value(metric, year, entity, value, group="all", suppressed=False):
    return (metric, 1, year, "year", "school", entity, group, None, None, value, suppressed, None)


def progress(extra_goals=(), extra_values=(), band=0.05, as_of=AS_OF) -> dict[str, dict]:
    con = duckdb.connect()
    plans, goals, values = [("PD", "district", "D1", "Plan", 2026, 2028)], [], []
    goals.append(("DG", "PD", None, "goal", "District goal", None, None, None, None, None, None))
    for entity, metric, current, _ in CASES:
        baseline, target = LINE[metric]
        plans.append((f"P-{entity}", "school", entity, "SIP", 2026, 2027))
        goals.append((f"G-{entity}", f"P-{entity}", "DG", "smart_goal", "g", metric, "all", baseline, START,
                      target, END))
        if current is not None:
            values.append(_value(metric, 2026, entity, current))
    plans.append(("P-K", "department", "HR", "HR plan", 2026, 2027))
    create_plan_tables(con, {"plans": plans, "plan_goals": goals + list(extra_goals)})
    con.execute("CREATE SCHEMA mart")
    con.execute("""CREATE TABLE mart.metric_values (metric_id VARCHAR, metric_version INTEGER, school_year INTEGER,
        period VARCHAR, level VARCHAR, entity_id VARCHAR, student_group VARCHAR, numerator DOUBLE, denominator DOUBLE,
        value DOUBLE, suppressed BOOLEAN, suppression_reason VARCHAR)""")
    con.executemany("INSERT INTO mart.metric_values VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    values + list(extra_values))
    con.execute(COUNTS_SQL)
    con.execute("""CREATE TABLE staging.department_kpis AS SELECT * FROM (VALUES
        ('HR', 'vacancy_fill_days', 'Days to fill', DATE '2026-06-30', 35.0, 30.0, 'lower_is_better', 2026))
        AS t(department_id, kpi_id, kpi_name, period_end, value, target, direction, school_year)""")
    sql, params = goal_progress_query(as_of, band, load_catalog(config_path=""))
    frame = con.execute(sql, params).df()
    return {row["goal_id"]: row for row in frame.to_dict("records")}

# The n behind every value (the query layer hides a goal's value by it): 30 students each.
COUNTS_SQL = """CREATE TABLE mart.metric_value_counts AS
    SELECT metric_id, metric_version, school_year, period, level, entity_id, student_group, 30::BIGINT AS n
    FROM mart.metric_values"""


@pytest.fixture(scope="module")
def by_goal():
    return progress()


@pytest.mark.parametrize("entity, metric, current, status", CASES)
def test_status_on_both_sides_of_every_boundary(by_goal, entity, metric, current, status):
    row = by_goal[f"G-{entity}"]
    assert row["status"] == status
    assert row["expected_value"] == pytest.approx({"attendance_rate": 0.85, "chronic_absence_rate": 0.15}[metric])
    assert row["direction"] == ("lower" if metric == "chronic_absence_rate" else "higher")


def test_the_band_is_configurable():
    # 0.7999 is 0.0501 behind 0.85: off_track with the 0.05 band, at_risk with 0.06
    assert progress(band=0.06)["G-H6"]["status"] == "at_risk"
    assert progress(band=0.0)["G-H5"]["status"] == "off_track"


def test_the_band_comes_from_the_plans_section_of_the_config(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("plans:\n  status_band: 0.08\n")
    assert load_settings(config).status_band == 0.08
    config.write_text("plans:\n  status_band: -1\n")
    with pytest.raises(PlansError, match="status_band must be a number >= 0"):
        load_settings(config)


def test_expected_value_is_clamped_to_the_goal_period():
    # before the baseline date d = 0 (expected = baseline); after the target date d = D (= target)
    assert progress(as_of=D(2025, 1, 1))["G-H1"]["expected_value"] == pytest.approx(0.80)
    assert progress(as_of=D(2028, 1, 1))["G-H1"]["expected_value"] == pytest.approx(0.90)
    # a quarter of the way: 2025-07-01 + 182.5 days is not a day; 2025-12-31 is d = 183 of 730
    assert progress(as_of=D(2025, 12, 31))["G-H1"]["expected_value"] == pytest.approx(0.80 + 0.10 * 183 / 730)


def test_current_value_is_the_latest_year_on_or_before_the_as_of_date_and_the_trend_projects_it():
    # H1 has 2025: 0.80 and 2026: 0.90 (and 2028: 0.0, after the as-of date's school year 2027)
    # trend: +0.10 a year, read at the target date's school year 2028 -> 0.90 + 2 * 0.10 = 1.10
    rows = progress(extra_values=[_value("attendance_rate", 2025, "H1", 0.80),
                                  _value("attendance_rate", 2028, "H1", 0.0)])
    assert rows["G-H1"]["current_value"] == pytest.approx(0.90)
    assert rows["G-H1"]["current_year"] == 2026
    assert rows["G-H1"]["projected_value"] == pytest.approx(1.10)
    assert pd.isna(rows["G-H2"]["projected_value"])  # one loaded year: no trend


def test_a_kpi_goal_follows_the_direction_of_its_department_kpi():
    # vacancy_fill_days: lower is better; baseline 38, target 30 -> expected 34; current 35 is 1 day behind
    goal = ("G-K", "P-K", "DG", "smart_goal", "Fill vacancies faster", "kpi.vacancy_fill_days", "all", 38.0, START,
            30.0, END)
    value = ("kpi.vacancy_fill_days", 1, 2026, "year", "department", "HR", "all", None, None, 35.0, False, None)
    row = progress(extra_goals=[goal], extra_values=[value])["G-K"]
    assert (row["direction"], row["expected_value"], row["status"]) == ("lower", pytest.approx(34.0), "off_track")
    assert progress(extra_goals=[goal], extra_values=[value], band=1.0)["G-K"]["status"] == "at_risk"


def test_a_goal_without_baseline_or_target_is_not_measurable():
    goal = ("G-X", "P-H1", "DG", "smart_goal", "g", "attendance_rate", "all", None, START, 0.9, END)
    assert progress(extra_goals=[goal])["G-X"]["status"] == "not_measurable"


def test_the_mart_is_written(tmp_path):
    con = duckdb.connect()
    create_plan_tables(con, {"plans": [("PD", "district", "D1", "Plan", 2026, 2028)], "plan_goals": [
        ("DG", "PD", None, "goal", "Attendance", "attendance_rate", None, 0.8, START, 0.9, END)]})
    con.execute("CREATE SCHEMA mart")
    con.execute("""CREATE TABLE mart.metric_values AS SELECT 'attendance_rate' AS metric_id, 1 AS metric_version,
        2026 AS school_year, 'year' AS period, 'district' AS level, 'D1' AS entity_id, 'all' AS student_group,
        NULL::DOUBLE AS numerator, NULL::DOUBLE AS denominator, 0.86 AS value, false AS suppressed,
        NULL::VARCHAR AS suppression_reason""")
    con.execute(COUNTS_SQL)
    con.execute("""CREATE TABLE staging.department_kpis (department_id VARCHAR, kpi_id VARCHAR, kpi_name VARCHAR,
        period_end DATE, value DOUBLE, target DOUBLE, direction VARCHAR, school_year INTEGER)""")
    assert build_goal_progress(con, AS_OF, 0.05, load_catalog(config_path="")) == 1
    # a blank student group means all students; 0.86 >= expected 0.85
    assert con.execute("SELECT student_group, status FROM mart.goal_progress").fetchone() == ("all", "on_track")
