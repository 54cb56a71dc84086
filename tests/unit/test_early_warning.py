"""Early-warning indicators on a hand-built district: each indicator at both sides of each
threshold, as of a date (school year 2025-26, most questions asked on 2025-12-01).

Attendance days are consecutive calendar days from 2025-09-01 (the indicators count rows, not
weekdays); marks' grading periods are Q1 (ended 2025-10-31) and Q2 (ended 2026-01-20).
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from assets.early_warning.indicators import COLUMNS, absence_metric, build_early_warning, early_warning, month_ends
from assets.early_warning.settings import EarlyWarningError, Settings, load_settings
from assets.warehouse import SETUP_SQL

AS_OF = dt.date(2025, 12, 1)
FIRST_DAY = dt.date(2025, 9, 1)


def days(student: str, statuses: list[str], school: str = "S1", start: dt.date = FIRST_DAY) -> list[tuple]:
    return [(student, school, start + dt.timedelta(days=i), status) for i, status in enumerate(statuses)]


def present(n: int) -> list[str]:
    return ["present"] * n


def absent(n: int) -> list[str]:
    return ["unexcused_absence"] * n


ATTENDANCE = [
    *days("A30_3", present(27) + ["excused_absence"] + absent(2)),  # 3 / 30 = 10% exactly: chronic
    *days("A31_3", present(28) + absent(3)),  # 3 / 31 = 9.7%: none
    *days("A20_4", present(16) + absent(4)),  # 4 / 20 = 20% exactly: severe
    *days("A21_4", present(17) + absent(4)),  # 4 / 21 = 19.0%: chronic
    *days("A10_1", present(9) + absent(1)),  # 1 / 10 = 10% of exactly 10 days: chronic
    *days("A9_9", absent(9)),  # 9 / 9 absent, but fewer than 10 enrolled days: none
    # 18 attended (6 tardy, 2 early departures) + 2 absent of 20 = 10%: tardy counts as attended
    *days("A_TARDY", present(10) + ["tardy"] * 6 + ["early_departure"] * 2 + absent(2)),
    # 10 days at S1 without absence, then 10 at S2 with 2: 2 / 20 = 10% across the schools: chronic
    # (at S2 alone it would be 20%)
    *days("A_MOVED", present(10)),
    *days("A_MOVED", present(8) + absent(2), school="S2", start=FIRST_DAY + dt.timedelta(days=10)),
    # 1 / 20 absent by 2025-12-01; 10 more days absent in December: 11 / 30 = 36.7% by 2026-01-01
    *days("A_LATER", present(19) + absent(1)),
    *days("A_LATER", absent(10), start=dt.date(2025, 12, 2)),
]

INCIDENTS = [  # incident_id, student_id, incident_date, action, days_removed
    ("I1", "B_OSS_HALF", "2025-10-01", "oss", 0.5),  # a removal of half a day: Y
    ("I2", "B_OSS_LESS", "2025-10-01", "oss", 0.4),  # shorter than half a day, one incident: N
    ("I3", "B_ISS", "2025-10-01", "iss", 1.0),  # in-school suspension of a day: Y
    ("I4", "B_EXPELLED", "2025-10-01", "expulsion", 30.0),  # Y
    ("I5", "B_IAES", "2025-10-01", "iaes", 5.0),  # not a removal by default, one incident: N
    ("I6", "B_TWO", "2025-10-01", "other", None),  # two incidents: Y
    ("I7", "B_TWO", "2025-11-01", "other", None),
    ("I8", "B_ONE", "2025-10-01", "other", None),  # one incident: N
    ("I9", "B_BLANK_DAYS", "2025-10-01", "oss", None),  # removal of unknown length, one incident: N
    ("I10", "B_AFTER", "2025-12-02", "oss", 3.0),  # after the date: N on 2025-12-01, Y on 2026-01-01
    ("I11", "B_LAST_YEAR", "2025-05-01", "oss", 3.0),  # 2024-25: not this year to date: N
    ("I12", "B_LAST_YEAR", "2025-06-01", "other", None),
]

SECTIONS = [  # section_id, subject
    ("ELA1", "ela"), ("MATH1", "math"), ("SCI1", "science"), ("ART1", "arts"), ("ENG1", "ELA"),
]
Q1, Q2 = ("Q1", "2025-10-31"), ("Q2", "2026-01-20")
MARKS = [  # student_id, section_id, (grading_period, period_end_date), mark
    ("C_SCIENCE_F", "SCI1", Q1, "F"), ("C_SCIENCE_F", "ELA1", Q1, "B"),  # an F in science alone: N
    ("C_ELA_F", "ELA1", Q1, "F"), ("C_ELA_F", "SCI1", Q1, "A"),  # an F in ELA: Y
    ("C_ENGLISH_F", "ENG1", Q1, "f"),  # subject 'ELA' in capitals is ELA: Y
    ("C_MATH_59", "MATH1", Q1, "59"),  # under 60 in math: Y
    ("C_MATH_60", "MATH1", Q1, "60"),  # 60 is not under 60: N
    ("C_TWO_F", "SCI1", Q1, "F"), ("C_TWO_F", "ART1", Q1, "50"),  # two failing marks, no core: Y
    # Q1 had an F in ELA; Q2 (ended 2026-01-20) a C: Y on 2025-12-01, N on 2026-02-01
    ("C_RECOVERED", "ELA1", Q1, "F"), ("C_RECOVERED", "ELA1", Q2, "C"),
    ("C_NOT_YET", "ELA1", Q2, "F"),  # the first period ends after 2025-12-01: blank, Y on 2026-02-01
    ("C_PASSING", "ELA1", Q1, "D"), ("C_PASSING", "MATH1", Q1, "65.5"),  # N
]

BENCHMARKS = [  # student_id, assessment_type, subject, test_date, proficient
    ("D_WINTER_DROP", "benchmark", "ela", "2025-09-15", True),  # proficient in the fall: N on 12-01
    ("D_WINTER_DROP", "benchmark", "ela", "2026-01-15", False),  # not in the winter: Y on 02-01
    ("D_FALL_LOW", "benchmark", "ela", "2025-09-15", False),  # Y
    ("D_FALL_LOW", "benchmark", "ela", "2026-01-15", True),  # ... and N once the winter result is in
    ("D_MATH_LOW", "benchmark", "ela", "2025-09-16", True),  # latest ELA proficient,
    ("D_MATH_LOW", "benchmark", "math", "2025-09-15", False),  # latest math not: Y
    ("D_SUMMATIVE", "summative", "ela", "2025-11-15", False),  # no benchmark: blank
    ("D_BLANK", "benchmark", "ela", "2025-09-15", None),  # proficiency unknown: blank
]

INTERVENTIONS = [  # student_id, school_year, area, identified_date, start_date, end_date
    ("E_ENDED", 2026, "reading", "2025-09-10", "2025-09-15", "2025-11-30"),  # ended the day before: none
    ("E_ENDS_TODAY", 2026, "math", "2025-09-10", "2025-09-15", "2025-12-01"),  # ends on the date: math
    ("E_STARTS_TOMORROW", 2026, "behavior", "2025-11-20", "2025-12-02", None),  # not started: none
    ("E_STARTS_TODAY", 2026, "behavior", "2025-11-20", "2025-12-01", None),  # starts on the date: behavior
    ("E_TWO", 2026, "reading", "2025-09-10", "2025-09-15", None),  # two areas: math|reading
    ("E_TWO", 2026, "math", "2025-09-10", "2025-09-20", None),
    ("E_NO_START", 2026, "attendance", "2025-10-01", None, None),  # no start date: from identification
    ("E_LAST_YEAR", 2025, "reading", "2025-03-01", "2025-03-05", None),  # last year's, never ended: none
]

# A student with all four flags: severe absence, an OSS, an F in math, not proficient, in support.
ALL_FOUR = "Z_ALL_FOUR"


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    con.execute(SETUP_SQL)
    con.execute("CREATE SCHEMA staging")
    students = sorted({row[0] for row in ATTENDANCE} | {row[1] for row in INCIDENTS} | {row[0] for row in MARKS}
                      | {row[0] for row in BENCHMARKS} | {row[0] for row in INTERVENTIONS} | {ALL_FOUR, "X_NOTHING"})
    school = {"A_MOVED": "S2"}  # the primary school of the year
    con.execute("CREATE TABLE staging.students (student_id VARCHAR, school_id VARCHAR, school_year INTEGER, "
                "grade_level VARCHAR)")
    con.executemany("INSERT INTO staging.students VALUES (?, ?, 2026, '09')",
                    [(s, school.get(s, "S1")) for s in students])
    con.execute("INSERT INTO staging.students VALUES ('B_LAST_YEAR', 'S1', 2025, '08'), ('E_LAST_YEAR', 'S1', 2025, '08')")
    con.execute("CREATE TABLE staging.attendance_daily (student_id VARCHAR, school_id VARCHAR, calendar_date DATE, "
                "status VARCHAR, school_year INTEGER)")
    all_four_days = days(ALL_FOUR, present(8) + absent(2))  # 2 / 10 = 20%: severe
    con.executemany("INSERT INTO staging.attendance_daily VALUES (?, ?, ?, ?, school_year_of(?::DATE))",
                    [(*row, row[2]) for row in ATTENDANCE + all_four_days])
    con.execute("CREATE TABLE staging.discipline_incidents (incident_id VARCHAR, student_id VARCHAR, school_id VARCHAR, "
                "incident_date DATE, behavior VARCHAR, action VARCHAR, days_removed DOUBLE, school_year INTEGER)")
    con.executemany("INSERT INTO staging.discipline_incidents VALUES (?, ?, 'S1', ?, 'fighting', ?, ?, school_year_of(?::DATE))",
                    [(*row, row[2]) for row in INCIDENTS + [("I99", ALL_FOUR, "2025-10-01", "oss", 1.0)]])
    con.execute("CREATE TABLE staging.sections (section_id VARCHAR, school_id VARCHAR, school_year INTEGER, subject VARCHAR)")
    con.executemany("INSERT INTO staging.sections VALUES (?, 'S1', 2026, ?)", SECTIONS)
    con.execute("CREATE TABLE staging.course_marks (student_id VARCHAR, section_id VARCHAR, school_year INTEGER, "
                "grading_period VARCHAR, period_end_date DATE, mark VARCHAR, mark_letter VARCHAR, mark_score DOUBLE)")
    con.executemany("""INSERT INTO staging.course_marks VALUES (?, ?, 2026, ?, ?, upper(?),
                       CASE WHEN upper(?) IN ('A', 'B', 'C', 'D', 'F') THEN upper(?) END, TRY_CAST(? AS DOUBLE))""",
                    [(s, sec, p, end, mark, mark, mark, mark)
                     for s, sec, (p, end), mark in MARKS + [(ALL_FOUR, "MATH1", Q1, "F")]])
    con.execute("CREATE TABLE staging.assessments (student_id VARCHAR, school_year INTEGER, assessment_type VARCHAR, "
                "subject VARCHAR, test_date DATE, proficient BOOLEAN)")
    con.executemany("INSERT INTO staging.assessments VALUES (?, 2026, ?, ?, ?, ?)",
                    BENCHMARKS + [(ALL_FOUR, "benchmark", "math", "2025-09-15", False)])
    con.execute("CREATE TABLE staging.mtss_interventions (student_id VARCHAR, school_year INTEGER, area VARCHAR, "
                "identified_date DATE, start_date DATE, end_date DATE)")
    con.executemany("INSERT INTO staging.mtss_interventions VALUES (?, ?, ?, ?, ?, ?)",
                    INTERVENTIONS + [(ALL_FOUR, 2026, "attendance", "2025-09-20", "2025-09-21", None)])
    yield con
    con.close()


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()  # the defaults, whatever $ALIGNBOARD_CONFIG says


def at(con, settings, as_of: dt.date = AS_OF) -> dict[str, dict]:
    return {row["student_id"]: row for row in early_warning(con, as_of, settings=settings)}


# --- attendance: the chronic_absence_rate rule (10% of at least 10 days), severe at 20% --------

def test_a_student_absent_exactly_ten_percent_is_chronic_and_just_under_is_not(con, settings):
    rows = at(con, settings)
    assert (rows["A30_3"]["attendance"], rows["A30_3"]["absent_days"], rows["A30_3"]["enrolled_days"]) == ("chronic", 3, 30)
    assert rows["A30_3"]["absence_rate"] == pytest.approx(0.10)
    assert rows["A31_3"]["attendance"] == "none"  # 3 / 31 = 0.0968


def test_a_student_absent_exactly_twenty_percent_is_severe_and_just_under_is_chronic(con, settings):
    rows = at(con, settings)
    assert rows["A20_4"]["attendance"] == "severe"  # 4 / 20 = 0.20
    assert rows["A21_4"]["attendance"] == "chronic"  # 4 / 21 = 0.190


def test_attendance_needs_ten_enrolled_days(con, settings):
    rows = at(con, settings)
    assert rows["A10_1"]["attendance"] == "chronic"  # 1 / 10 with exactly 10 days
    assert rows["A9_9"]["attendance"] == "none"  # 9 / 9 absent but only 9 days
    assert rows["A9_9"]["absence_rate"] == 1.0  # the value is still shown
    assert rows["X_NOTHING"]["attendance"] == "none" and rows["X_NOTHING"]["absence_rate"] is None


def test_tardies_and_early_departures_count_as_attended(con, settings):
    row = at(con, settings)["A_TARDY"]
    assert (row["attendance"], row["absent_days"], row["enrolled_days"]) == ("chronic", 2, 20)  # 2 / 20


def test_attendance_counts_the_days_at_every_school_of_the_year(con, settings):
    row = at(con, settings)["A_MOVED"]
    # 0 absent of 10 at S1 + 2 of 10 at S2 = 2 / 20 = 10%: chronic (not severe, as S2 alone would be)
    assert (row["school_id"], row["attendance"], row["absent_days"], row["enrolled_days"]) == ("S2", "chronic", 2, 20)


def test_attendance_counts_only_the_days_up_to_the_date(con, settings):
    assert at(con, settings)["A_LATER"]["attendance"] == "none"  # 1 / 20 = 5% by 2025-12-01
    later = at(con, settings, dt.date(2026, 1, 1))["A_LATER"]
    assert (later["attendance"], later["absent_days"], later["enrolled_days"]) == ("severe", 11, 30)  # 36.7%


# --- behavior: a removal of at least half a day (OSS, ISS, expulsion) or two incidents --------

def test_one_removal_of_half_a_day_raises_behavior_and_less_does_not(con, settings):
    rows = at(con, settings)
    assert (rows["B_OSS_HALF"]["behavior"], rows["B_OSS_HALF"]["removals"]) == ("Y", 1)
    assert (rows["B_OSS_LESS"]["behavior"], rows["B_OSS_LESS"]["removals"], rows["B_OSS_LESS"]["incidents"]) == ("N", 0, 1)


def test_iss_and_expulsion_are_removals_an_interim_setting_is_not(con, settings):
    rows = at(con, settings)
    assert rows["B_ISS"]["behavior"] == "Y" and rows["B_EXPELLED"]["behavior"] == "Y"
    assert (rows["B_IAES"]["behavior"], rows["B_IAES"]["removals"]) == ("N", 0)


def test_two_incidents_raise_behavior_and_one_does_not(con, settings):
    rows = at(con, settings)
    assert (rows["B_TWO"]["behavior"], rows["B_TWO"]["incidents"], rows["B_TWO"]["removals"]) == ("Y", 2, 0)
    assert (rows["B_ONE"]["behavior"], rows["B_ONE"]["incidents"]) == ("N", 1)


def test_a_removal_of_unknown_length_is_an_incident_not_a_removal(con, settings):
    row = at(con, settings)["B_BLANK_DAYS"]
    assert (row["behavior"], row["removals"], row["incidents"]) == ("N", 0, 1)


def test_behavior_counts_this_school_year_up_to_the_date(con, settings):
    assert at(con, settings)["B_AFTER"]["behavior"] == "N"  # the OSS is on 2025-12-02
    assert at(con, settings, dt.date(2026, 1, 1))["B_AFTER"]["behavior"] == "Y"
    last_year = at(con, settings, dt.date(2025, 6, 30))["B_LAST_YEAR"]
    assert (last_year["behavior"], last_year["incidents"]) == ("Y", 2)  # in 2024-25 ...
    this_year = at(con, settings)["B_LAST_YEAR"]
    assert (this_year["behavior"], this_year["incidents"]) == ("N", 0)  # ... not in 2025-26


# --- course: an F (or under 60) in ELA or math, or two in any courses, latest period ---------

def test_an_f_in_a_science_course_alone_does_not_raise_course(con, settings):
    row = at(con, settings)["C_SCIENCE_F"]
    assert (row["course"], row["failing_marks"], row["failing_core_marks"], row["grading_period"]) == ("N", 1, 0, "Q1")


def test_an_f_in_ela_raises_course_whatever_the_subjects_case(con, settings):
    rows = at(con, settings)
    assert (rows["C_ELA_F"]["course"], rows["C_ELA_F"]["failing_core_marks"]) == ("Y", 1)
    assert rows["C_ENGLISH_F"]["course"] == "Y"  # subject 'ELA', mark 'f'


def test_a_math_mark_under_sixty_raises_course_and_sixty_does_not(con, settings):
    rows = at(con, settings)
    assert rows["C_MATH_59"]["course"] == "Y"
    assert (rows["C_MATH_60"]["course"], rows["C_MATH_60"]["failing_marks"]) == ("N", 0)
    assert rows["C_PASSING"]["course"] == "N"  # a D and 65.5


def test_two_failing_marks_in_any_courses_raise_course(con, settings):
    row = at(con, settings)["C_TWO_F"]  # F in science, 50 in art
    assert (row["course"], row["failing_marks"], row["failing_core_marks"]) == ("Y", 2, 0)


def test_course_reads_the_latest_grading_period_ended_by_the_date(con, settings):
    assert at(con, settings)["C_RECOVERED"]["course"] == "Y"  # Q1's F in ELA
    later = at(con, settings, dt.date(2026, 2, 1))["C_RECOVERED"]
    assert (later["course"], later["grading_period"], later["failing_marks"]) == ("N", "Q2", 0)  # Q2's C


def test_course_is_blank_without_a_mark_by_the_date(con, settings):
    rows = at(con, settings)
    assert rows["C_NOT_YET"]["course"] is None and rows["C_NOT_YET"]["grading_period"] is None
    assert rows["X_NOTHING"]["course"] is None
    assert at(con, settings, dt.date(2026, 2, 1))["C_NOT_YET"]["course"] == "Y"


# --- assessment: the latest benchmark result of the year to date (each subject's) -------------

def test_assessment_follows_the_latest_benchmark_by_the_date(con, settings):
    rows, later = at(con, settings), at(con, settings, dt.date(2026, 2, 1))
    assert rows["D_WINTER_DROP"]["assessment"] == "N" and later["D_WINTER_DROP"]["assessment"] == "Y"
    assert rows["D_FALL_LOW"]["assessment"] == "Y" and later["D_FALL_LOW"]["assessment"] == "N"
    assert (later["D_WINTER_DROP"]["benchmark_date"], later["D_WINTER_DROP"]["benchmark_not_proficient"]) == (
        dt.date(2026, 1, 15), "ela")


def test_a_subject_whose_latest_benchmark_is_not_proficient_raises_assessment(con, settings):
    row = at(con, settings)["D_MATH_LOW"]  # ELA proficient on 09-16, math not on 09-15
    assert (row["assessment"], row["benchmark_not_proficient"], row["benchmark_date"]) == (
        "Y", "math", dt.date(2025, 9, 16))


def test_assessment_is_blank_without_a_benchmark_result(con, settings):
    rows = at(con, settings)
    assert rows["D_SUMMATIVE"]["assessment"] is None
    assert rows["D_BLANK"]["assessment"] is None
    assert rows["X_NOTHING"]["assessment"] is None


# --- supports: interventions active on the date -----------------------------------------------

def test_an_intervention_that_ended_the_day_before_is_not_a_support(con, settings):
    rows = at(con, settings)
    assert rows["E_ENDED"]["supports"] is None
    assert rows["E_ENDS_TODAY"]["supports"] == "math"


def test_an_intervention_supports_from_its_start_date(con, settings):
    rows = at(con, settings)
    assert rows["E_STARTS_TOMORROW"]["supports"] is None
    assert rows["E_STARTS_TODAY"]["supports"] == "behavior"
    assert rows["E_NO_START"]["supports"] == "attendance"  # identified 2025-10-01, no start date


def test_supports_list_every_area_once_in_order(con, settings):
    assert at(con, settings)["E_TWO"]["supports"] == "math|reading"


def test_last_years_open_intervention_is_not_this_years_support(con, settings):
    assert at(con, settings, dt.date(2025, 6, 30))["E_LAST_YEAR"]["supports"] == "reading"
    assert at(con, settings)["E_LAST_YEAR"]["supports"] is None


# --- flags, rows, school ----------------------------------------------------------------------

def test_flags_count_the_raised_indicators(con, settings):
    rows = at(con, settings)
    four = rows[ALL_FOUR]
    assert (four["attendance"], four["behavior"], four["course"], four["assessment"], four["flags"]) == (
        "severe", "Y", "Y", "Y", 4)
    assert four["supports"] == "attendance"
    assert rows["X_NOTHING"]["flags"] == 0
    assert rows["A30_3"]["flags"] == 1  # chronic only (no marks, no benchmark: blank, not raised)
    assert rows["C_SCIENCE_F"]["flags"] == 0


def test_one_row_per_student_of_the_year_flagged_or_not(con, settings):
    rows = early_warning(con, AS_OF, settings=settings)
    ids = [r["student_id"] for r in rows]
    assert len(ids) == len(set(ids))
    students = con.execute("SELECT count(*) FROM staging.students WHERE school_year = 2026").fetchone()[0]
    assert len(rows) == students
    assert list(rows[0]) == list(COLUMNS)


def test_a_school_gets_only_its_students_with_days_from_every_school(con, settings):
    rows = early_warning(con, AS_OF, school="S2", settings=settings)
    assert [(r["student_id"], r["enrolled_days"], r["attendance"]) for r in rows] == [("A_MOVED", 20, "chronic")]


# --- thresholds from the district config --------------------------------------------------------

def test_thresholds_come_from_the_district_config(con, tmp_path):
    config = tmp_path / "district.yaml"
    config.write_text("early_warning:\n"
                      "  attendance: {severe: 0.3}\n"
                      "  behavior: {incidents: 3, removal_min_days: 0.4}\n"
                      "  course: {core_subjects: [ela, math, science], any_failures: 3}\n")
    rows = {r["student_id"]: r for r in early_warning(con, AS_OF, settings=load_settings(config))}
    assert rows["A20_4"]["attendance"] == "chronic"  # 20% is under the severe 30%
    assert rows["B_TWO"]["behavior"] == "N"  # 2 incidents < 3
    assert rows["B_OSS_LESS"]["behavior"] == "Y"  # 0.4 day now counts
    assert rows["C_SCIENCE_F"]["course"] == "Y"  # science is core
    assert rows["C_TWO_F"]["course"] == "Y"  # science F is core now (any_failures 3 alone would say N)


def test_the_chronic_cutoff_is_the_metrics_own(con, tmp_path, monkeypatch):
    monkeypatch.delenv("ALIGNBOARD_CONFIG", raising=False)
    version = absence_metric().version + 1  # a changed definition needs a higher version
    config = tmp_path / "district.yaml"
    config.write_text(f"metrics:\n  chronic_absence_rate:\n    parameters: {{cutoff: 0.15}}\n    version: {version}\n")
    monkeypatch.setenv("ALIGNBOARD_CONFIG", str(config))
    rows = at(con, Settings())
    assert rows["A30_3"]["attendance"] == "none"  # 10% < the district's 15%
    assert rows["A21_4"]["attendance"] == "chronic"  # 19.0%


@pytest.mark.parametrize("yaml_text, message", [
    ("early_warning:\n  behavior: {incidents: 0}\n", "early_warning.behavior.incidents: Input should be greater than or equal to 1"),
    ("early_warning:\n  behavior: {removal_actions: [suspend]}\n", "early_warning.behavior.removal_actions.0: Input should be"),
    ("early_warning:\n  course: {failing_grade: 50}\n", "early_warning.course.failing_grade: Extra inputs are not permitted"),
])
def test_a_bad_threshold_is_one_line_naming_it(tmp_path, yaml_text, message):
    config = tmp_path / "district.yaml"
    config.write_text(yaml_text)
    with pytest.raises(EarlyWarningError) as error:
        load_settings(config)
    assert message in str(error.value) and str(config) in str(error.value) and "\n" not in str(error.value)


def test_severe_must_be_above_the_chronic_cutoff(con):
    with pytest.raises(EarlyWarningError, match=r"severe \(0.1\) must be above the chronic_absence_rate cutoff \(0.1\)"):
        early_warning(con, AS_OF, settings=Settings.model_validate({"attendance": {"severe": 0.1}}))


# --- the mart: the same rows at each month end -------------------------------------------------

def test_the_mart_holds_the_indicators_at_each_date_as_asked_one_by_one(con, settings):
    dates = [dt.date(2025, 10, 31), dt.date(2025, 12, 1), dt.date(2026, 2, 1)]
    con.execute("CREATE SCHEMA IF NOT EXISTS mart")
    build_early_warning(con, dates, settings)
    for as_of in dates:
        mart = con.execute("SELECT * EXCLUDE (as_of, school_year) FROM mart.early_warning WHERE as_of = ? "
                           "ORDER BY school_id, student_id", [as_of]).fetchall()
        asked = [tuple(v for k, v in r.items() if k not in ("as_of", "school_year"))
                 for r in early_warning(con, as_of, settings=settings)]
        assert mart == asked, as_of
    assert con.execute("SELECT count(DISTINCT as_of) FROM mart.early_warning").fetchone()[0] == 3


def test_month_ends_run_from_august_to_june_up_to_today(con):
    ends = month_ends(con, dt.date(2025, 11, 15))  # students in 2024-25 (two) and 2025-26
    assert ends[:2] == [dt.date(2024, 8, 31), dt.date(2024, 9, 30)]
    assert dt.date(2025, 2, 28) in ends and dt.date(2025, 6, 30) in ends and dt.date(2025, 7, 31) not in ends
    assert ends[-3:] == [dt.date(2025, 8, 31), dt.date(2025, 9, 30), dt.date(2025, 10, 31)]
    assert len(ends) == 11 + 3
