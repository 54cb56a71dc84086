"""Student-data metrics on the hand-built district (tests/unit/metrics_fixture.py), by hand.

Each expected value is written as the arithmetic of DESIGN.md's definition over the fixture's
rows; the docstring of metrics_fixture.py lists the students, their sections and attendance.
"""
import pytest

from tests.unit.metrics_fixture import build_marts, cell, district


@pytest.fixture(scope="module")
def con():
    connection = district()
    build_marts(connection)
    yield connection
    connection.close()


def test_attendance_rate_at_every_level(con):
    # school S1: s01 9/10, s02 4/9, s03 10/10, s04 10/10, s05 8/10, s06 10/10, s09 6/6
    assert cell(con, "attendance_rate", "school", "S1") == (57, 65, 57 / 65)
    # school S2: s07 10/10, s08 9/10, s09 5/6 (s09 moved from S1 to S2: each school its own days)
    assert cell(con, "attendance_rate", "school", "S2") == (24, 26, 24 / 26)
    # district: every day anywhere
    assert cell(con, "attendance_rate", "district", "D1") == (81, 91, 81 / 91)
    # classroom C1 = s01, s02, s03, s04 at S1: 9+4+10+10 / 10+9+10+10
    assert cell(con, "attendance_rate", "classroom", "C1") == (33, 39, 33 / 39)
    # classroom C2 = s03, s05, s06: 10+8+10 / 30
    assert cell(con, "attendance_rate", "classroom", "C2") == (28, 30, 28 / 30)
    # classroom C3 (at S2) = s07, s08 and s09 with s09's S2 days: 10+9+5 / 10+10+6
    assert cell(con, "attendance_rate", "classroom", "C3") == (24, 26, 24 / 26)
    # PLC P1 = C1 and C2; s03 (in both) counts once: 9+4+10+10+8+10 / 59
    assert cell(con, "attendance_rate", "plc", "P1") == (51, 59, 51 / 59)


def test_tardy_and_early_departure_count_as_attended(con):
    # s03: 6 present, 3 tardy, 1 early departure -> 10 of 10
    assert cell(con, "attendance_rate", "student", "s03") == (10, 10, 1.0)
    # s02: 4 present, 2 excused, 3 unexcused -> 4 of 9
    assert cell(con, "attendance_rate", "student", "s02") == (4, 9, 4 / 9)
    # s09 at the student level: all 12 days in the district, one absence
    assert cell(con, "attendance_rate", "student", "s09") == (11, 12, 11 / 12)


def test_student_in_two_sections_counts_in_both_classrooms(con):
    c1 = con.execute(
        "SELECT numerator, denominator FROM mart.metric_values WHERE metric_id = 'attendance_rate' "
        "AND level = 'classroom' AND entity_id IN ('C1', 'C2') AND student_group = 'race_ethnicity:two_or_more' "
        "AND period = 'year' "
        "ORDER BY entity_id"
    ).fetchall()
    # s03 (two_or_more) is the only two_or_more student and is in C1 and C2
    assert c1 == [(10, 10), (10, 10)]


def test_chronic_absence_exactly_ten_percent_counts_and_nine_days_are_excluded(con):
    # s01: 1 absent of 10 enrolled = exactly 10% -> chronic
    assert cell(con, "chronic_absence_rate", "student", "s01") == (1, 1, 1.0)
    # s02: 9 enrolled days -> not in the denominator anywhere
    assert cell(con, "chronic_absence_rate", "student", "s02") is None
    # S1 eligible (>= 10 days at S1): s01 (10%, chronic), s03, s04, s05 (20%, chronic), s06;
    # s02 has 9 days and s09 6 days at S1 -> 2 / 5
    assert cell(con, "chronic_absence_rate", "school", "S1") == (2, 5, 0.4)
    # S2: s07 (0%), s08 (1 of 10 = 10%, chronic); s09 has 6 days at S2 -> 1 / 2
    assert cell(con, "chronic_absence_rate", "school", "S2") == (1, 2, 0.5)
    # district: s09 has 12 days in the district (1 absent, 8.3%) -> eligible, not chronic;
    # eligible s01 s03 s04 s05 s06 s07 s08 s09, chronic s01 s05 s08 -> 3 / 8
    assert cell(con, "chronic_absence_rate", "district", "D1") == (3, 8, 3 / 8)
    assert cell(con, "chronic_absence_rate", "student", "s09") == (0, 1, 0.0)
    # C1: s01 chronic, s02 excluded, s03 and s04 not -> 1 / 3; C2: s03, s05 chronic, s06 -> 1 / 3
    assert cell(con, "chronic_absence_rate", "classroom", "C1") == (1, 3, 1 / 3)
    assert cell(con, "chronic_absence_rate", "classroom", "C2") == (1, 3, 1 / 3)
    # C3: s07, s08 chronic; s09 has 6 days at S2 -> 1 / 2
    assert cell(con, "chronic_absence_rate", "classroom", "C3") == (1, 2, 0.5)


def test_race_ethnicity_groups_follow_the_federal_rule(con):
    metric = "attendance_rate"
    # s01 is Hispanic and white -> hispanic_latino only (9 of 10), not white
    assert cell(con, metric, "district", "D1", "race_ethnicity:hispanic_latino") == (9, 10, 0.9)
    # s03 is asian and white -> two_or_more (10 of 10), in neither asian nor white
    assert cell(con, metric, "district", "D1", "race_ethnicity:two_or_more") == (10, 10, 1.0)
    assert cell(con, metric, "district", "D1", "race_ethnicity:asian") is None
    # white = s05 8/10, s06 10/10, s08 9/10
    assert cell(con, metric, "district", "D1", "race_ethnicity:white") == (27, 30, 0.9)
    # black = s02 4/9, s04 10/10, s07 10/10
    assert cell(con, metric, "district", "D1", "race_ethnicity:black") == (24, 29, 24 / 29)
    # s09 (no race, not Hispanic) is unknown: in `all` only; the race groups add up to all - s09
    races = con.execute(
        "SELECT sum(numerator), sum(denominator) FROM mart.metric_values WHERE metric_id = ? AND level = 'district' "
        "AND school_year = 2026 AND period = 'year' AND starts_with(student_group, 'race_ethnicity:')", [metric]
    ).fetchone()
    assert races == (81 - 11, 91 - 12)


def test_other_group_dimensions(con):
    metric = "chronic_absence_rate"
    # sex: F = s01 (chronic), s03, s05 (chronic), s07 -> 2/4; M = s04, s06, s08 (chronic) -> 1/3
    # (s02 not eligible); X = s09 -> 0/1
    assert cell(con, metric, "district", "D1", "sex:F") == (2, 4, 0.5)
    assert cell(con, metric, "district", "D1", "sex:M") == (1, 3, 1 / 3)
    assert cell(con, metric, "district", "D1", "sex:X") == (0, 1, 0.0)
    # English learner unknown for s09 -> in neither yes nor no: yes = s01 9/10; no = 61/69
    assert cell(con, "attendance_rate", "district", "D1", "english_learner:yes") == (9, 10, 0.9)
    assert cell(con, "attendance_rate", "district", "D1", "english_learner:no") == (61, 69, 61 / 69)
    # grade: S2 sees s09 (grade 04) with 5 of 6 days, s07 and s08 (07) with 19 of 20
    assert cell(con, "attendance_rate", "school", "S2", "grade:04") == (5, 6, 5 / 6)
    assert cell(con, "attendance_rate", "school", "S2", "grade:07") == (19, 20, 0.95)
    # idea:yes = s06; econ_disadvantaged:yes = s01, s02, s07
    assert cell(con, "attendance_rate", "district", "D1", "idea:yes") == (10, 10, 1.0)
    assert cell(con, "attendance_rate", "district", "D1", "econ_disadvantaged:yes") == (23, 29, 23 / 29)


def test_student_level_rows_have_no_group_breakdown(con):
    groups = con.execute(
        "SELECT DISTINCT student_group FROM mart.metric_values WHERE level = 'student'"
    ).fetchall()
    assert groups == [("all",)]


def test_proficiency_uses_the_latest_summative_result(con):
    # s01 ELA: fall not proficient, spring proficient -> the spring result counts
    assert cell(con, "proficiency_rate.ela", "student", "s01") == (1, 1, 1.0)
    # S1 ELA: s01 yes (latest), s02 no, s03 yes -> 2 / 3 (the earliest result would give 1 / 3)
    assert cell(con, "proficiency_rate.ela", "school", "S1") == (2, 3, 2 / 3)
    # math: the benchmark screener of s04 is not summative; S1 s03 yes, s04 no -> 1/2;
    # S2 s07 yes, s08 no (annual window) -> 1/2; district 2/4
    assert cell(con, "proficiency_rate.math", "school", "S1") == (1, 2, 0.5)
    assert cell(con, "proficiency_rate.math", "school", "S2") == (1, 2, 0.5)
    assert cell(con, "proficiency_rate.math", "district", "D1") == (2, 4, 0.5)
    # grade level comes from the grade groups: grade 07 math = s07, s08
    assert cell(con, "proficiency_rate.math", "district", "D1", "grade:07") == (1, 2, 0.5)
    # no classroom level in the catalog
    assert cell(con, "proficiency_rate.ela", "classroom", "C1") is None


def test_cfa_mastery_latest_result_per_student_cfa_standard(con):
    # C1 (CFA1): s01 4.NF.1 retake 8/10 = 80% (latest) mastered, 4.NF.2 7/10 not;
    # s02 9/10 yes, 4/10 no; s03 10/10 yes, 8/10 yes -> 4 / 6
    assert cell(con, "cfa_mastery_rate", "classroom", "C1") == (4, 6, 4 / 6)
    # C2 (CFA2): s03 5/10 no, s05 9/10 yes -> 1 / 2
    assert cell(con, "cfa_mastery_rate", "classroom", "C2") == (1, 2, 0.5)
    # P1: all eight latest results -> 5 / 8
    assert cell(con, "cfa_mastery_rate", "plc", "P1") == (5, 8, 5 / 8)
    assert cell(con, "cfa_mastery_rate", "student", "s03") == (2, 3, 2 / 3)
    # not a school or district metric
    assert cell(con, "cfa_mastery_rate", "school", "S1") is None


def test_oss_and_mtss_rates_over_enrolled_students(con):
    # enrolled (students records): S1 = s01..s06, s09; S2 = s07, s08
    # OSS or expulsion: s02 (oss), s08 (expulsion); iss and "other" do not count
    assert cell(con, "oss_rate", "school", "S1") == (1, 7, 1 / 7)
    assert cell(con, "oss_rate", "school", "S2") == (1, 2, 0.5)
    assert cell(con, "oss_rate", "district", "D1") == (2, 9, 2 / 9)
    # C3 = s07, s08, s09 (s09's record is at S1; the section counts anyway)
    assert cell(con, "oss_rate", "classroom", "C3") == (1, 3, 1 / 3)
    # tier 2 or 3: s02 (twice, counts once), s04, s07; s06's tier 1 does not count
    assert cell(con, "mtss_identified_rate", "school", "S1") == (2, 7, 2 / 7)
    assert cell(con, "mtss_identified_rate", "district", "D1") == (3, 9, 3 / 9)
    assert cell(con, "mtss_identified_rate", "plc", "P1") == (2, 6, 2 / 6)
    assert cell(con, "mtss_identified_rate", "district", "D1", "race_ethnicity:black") == (3, 3, 1.0)


def test_several_school_years_side_by_side(con):
    # 2025: s01 10/10 and s04 5/10 at S1 (C9) -> 15/20; s04 is chronic -> 1/2
    assert cell(con, "attendance_rate", "school", "S1", year=2025) == (15, 20, 0.75)
    assert cell(con, "attendance_rate", "classroom", "C9", year=2025) == (15, 20, 0.75)
    assert cell(con, "chronic_absence_rate", "district", "D1", year=2025) == (1, 2, 0.5)
    years = con.execute("SELECT DISTINCT school_year FROM mart.metric_values ORDER BY 1").fetchall()
    assert years == [(2025,), (2026,)]


def test_every_value_carries_its_version_and_period(con):
    versions = dict(con.execute(
        "SELECT DISTINCT split_part(metric_id, '.', 1), metric_version FROM mart.metric_values").fetchall())
    # version 2: the definitions gained months and years to date; 3 for survey_response_rate and
    # meeting_cadence_met (a later change of their definitions); the two new families start at 1
    new = {"mandatory_pd_hours_by_setting", "pd_feedback_response_rate"}
    third = {"survey_response_rate", "meeting_cadence_met"}
    assert versions == {f: 1 if f in new else 3 if f in third else 2 for f in versions}
    periods = [p for (p,) in con.execute(
        "SELECT DISTINCT period FROM mart.metric_values WHERE school_year = 2025 ORDER BY 1").fetchall()]
    assert periods == ["year"]  # a past year has its whole-year values only
    columns = [c[0] for c in con.execute("DESCRIBE mart.metric_values").fetchall()]
    assert columns == ["metric_id", "metric_version", "school_year", "period", "level", "entity_id",
                       "student_group", "numerator", "denominator", "value", "suppressed", "suppression_reason",
                       "value_range"]
