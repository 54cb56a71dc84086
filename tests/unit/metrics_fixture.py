"""A hand-built district in staging tables, small enough that every metric is computed by hand.

District D1 has schools S1 and S2, departments TRN and NUT, PLCs P1 (S1) and P2 (S2), and
classrooms C1, C2 (S1, PLC P1) and C3 (S2, PLC P2) in 2026, C9 (S1, P1) in 2025.

Students in 2026 (school_year 2026; race as landing-files.md derives it):
  id   school grade sex hispanic races        -> race_ethnicity  EL   IDEA econ  sections
  s01  S1     04    F   Y        white        -> hispanic_latino yes  no   yes   C1
  s02  S1     04    M   N        black        -> black           no   no   yes   C1
  s03  S1     04    F   N        asian|white  -> two_or_more     no   no   no    C1, C2
  s04  S1     04    M   N        black        -> black           no   no   no    C1
  s05  S1     04    F   N        white        -> white           no   no   no    C2
  s06  S1     04    M   N        white        -> white           no   yes  no    C2
  s07  S2     07    F   N        black        -> black           no   no   yes   C3
  s08  S2     07    M   N        white        -> white           no   no   no    C3
  s09  S1     04    X   N        (none)       -> unknown         ?    no   no    C3 (at S2)
Attendance 2026 (P present, T tardy, D early departure, E excused, U unexcused):
  s01@S1 9P 1U (10 days, exactly 10% absent)   s02@S1 4P 2E 3U (9 days)
  s03@S1 6P 3T 1D (10 attended)                s04@S1 10P     s05@S1 8P 1E 1U   s06@S1 10P
  s07@S2 10P      s08@S2 9P 1E                 s09@S1 6P and s09@S2 5P 1U (moved)
2025: s01 (S1, 10P) and s04 (S1, 5P 5U), both in C9.
The tests write out the arithmetic for every expected value.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from assets.metrics.catalog import Catalog, load_catalog
from assets.metrics.engine import build_metric_values
from assets.metrics.entity_cells import build_metric_cells
from assets.metrics.needs import build_needs_assessment
from assets.metrics.scorecard import build_scorecard

AS_OF = dt.date(2026, 1, 15)
STAGING_SQL = Path(__file__).resolve().parents[2] / "assets" / "staging"

TABLES = {
    "districts": "district_id VARCHAR, district_name VARCHAR",
    "schools": "school_id VARCHAR, school_name VARCHAR, district_id VARCHAR, school_level VARCHAR",
    "departments": "department_id VARCHAR, department_name VARCHAR, district_id VARCHAR",
    "staff": "staff_id VARCHAR, staff_name VARCHAR, role VARCHAR, school_id VARCHAR, department_id VARCHAR",
    "plcs": "plc_id VARCHAR, plc_name VARCHAR, school_id VARCHAR, focus VARCHAR",
    "sections": "section_id VARCHAR, school_id VARCHAR, staff_id VARCHAR, plc_id VARCHAR, "
                "school_year INTEGER, course_name VARCHAR, subject VARCHAR, grade_level VARCHAR",
    "section_enrollments": "section_id VARCHAR, student_id VARCHAR, entry_date DATE, exit_date DATE, school_year INTEGER",
    "attendance_daily": "student_id VARCHAR, school_id VARCHAR, calendar_date DATE, status VARCHAR, "
                        "school_year INTEGER",
    "assessments": "student_id VARCHAR, school_id VARCHAR, school_year INTEGER, assessment_name VARCHAR, "
                   "assessment_type VARCHAR, subject VARCHAR, \"window\" VARCHAR, test_date DATE, "
                   "scale_score DOUBLE, performance_level VARCHAR, proficient BOOLEAN",
    "cfa_results": "cfa_id VARCHAR, cfa_title VARCHAR, plc_id VARCHAR, section_id VARCHAR, student_id VARCHAR, "
                   "standard_code VARCHAR, administered_date DATE, score DOUBLE, max_score DOUBLE, "
                   "proficiency_cut DOUBLE, school_year INTEGER",
    "discipline_incidents": "incident_id VARCHAR, student_id VARCHAR, school_id VARCHAR, incident_date DATE, "
                            "behavior VARCHAR, action VARCHAR, days_removed DOUBLE, school_year INTEGER",
    "mtss_interventions": "student_id VARCHAR, school_id VARCHAR, school_year INTEGER, area VARCHAR, tier INTEGER, "
                          "identified_date DATE, intervention_name VARCHAR, start_date DATE, end_date DATE",
    "special_education": "student_id VARCHAR, school_year INTEGER, disability_category VARCHAR, "
                         "educational_environment VARCHAR",
    "survey_items": "survey_id VARCHAR, survey_name VARCHAR, respondent_type VARCHAR, item_id VARCHAR, "
                    "item_text VARCHAR, construct VARCHAR, scale_points INTEGER, favorable_min INTEGER, "
                    "reverse_coded BOOLEAN",
    "survey_responses": "survey_id VARCHAR, response_id VARCHAR, school_id VARCHAR, respondent_type VARCHAR, "
                        "grade_level VARCHAR, item_id VARCHAR, value INTEGER, submitted_date DATE, school_year INTEGER",
    "survey_invitations": "survey_id VARCHAR, school_id VARCHAR, respondent_type VARCHAR, invited INTEGER, "
                          "school_year INTEGER",
    "walkthroughs": "walkthrough_id VARCHAR, school_id VARCHAR, section_id VARCHAR, observer_staff_id VARCHAR, "
                    "observed_date DATE, indicator VARCHAR, observed BOOLEAN, school_year INTEGER",
    "walkthrough_indicators": "indicator VARCHAR, label VARCHAR, focus_area VARCHAR",
    "plc_sig_ratings": "plc_id VARCHAR, school_id VARCHAR, assessed_date DATE, dimension VARCHAR, rating INTEGER, "
                       "school_year INTEGER",
    "professional_learning": "staff_id VARCHAR, activity_id VARCHAR, title VARCHAR, category VARCHAR, hours DOUBLE, "
                             "completed_date DATE, feedback_rating INTEGER, session_time VARCHAR, "
                             "session_location VARCHAR, school_year INTEGER",
    "department_kpis": "department_id VARCHAR, kpi_id VARCHAR, kpi_name VARCHAR, period_end DATE, value DOUBLE, "
                       "target DOUBLE, direction VARCHAR, school_year INTEGER",
    "team_meetings": "team VARCHAR, owner_id VARCHAR, meeting_date DATE, metrics_reviewed VARCHAR, next_steps VARCHAR, "
                     "decisions VARCHAR, school_year INTEGER",
}
PLAN_TABLES = {
    "plans": "plan_id VARCHAR, level VARCHAR, owner_id VARCHAR, title VARCHAR, start_year INTEGER, end_year INTEGER",
    "plan_goals": "goal_id VARCHAR, plan_id VARCHAR, parent_goal_id VARCHAR, kind VARCHAR, title VARCHAR, "
                  "metric_id VARCHAR, student_group VARCHAR, baseline_value DOUBLE, baseline_date DATE, "
                  "target_value DOUBLE, target_date DATE",
    "action_steps": "action_id VARCHAR, goal_id VARCHAR, strategy_id VARCHAR, step_number INTEGER, "
                    "description VARCHAR, owner VARCHAR, start_date DATE, due_date DATE, completed_date DATE, "
                    "status VARCHAR",
    "plan_strategies": "strategy_id VARCHAR, goal_id VARCHAR, if_we VARCHAR, then_adults VARCHAR, and_students VARCHAR, "
                       "evidence_metric_ids VARCHAR",
    "plan_schedule": "plan_id VARCHAR, stage VARCHAR, task VARCHAR, responsibility VARCHAR, expected_date DATE, "
                     "completed_date DATE",
    "roadmap_reviews": "plan_id VARCHAR, phase VARCHAR, review_date DATE, done VARCHAR, stakeholders_engaged VARCHAR, "
                       "still_to_do VARCHAR, by_when DATE, responsible VARCHAR",
}
RAW_STUDENTS = (
    "student_id VARCHAR, school_id VARCHAR, school_year INTEGER, grade_level VARCHAR, sex VARCHAR, "
    "hispanic_latino BOOLEAN, races VARCHAR, english_learner BOOLEAN, idea_disability BOOLEAN, "
    "economically_disadvantaged BOOLEAN"
)

D = dt.date


def school_year_of(day: dt.date) -> int:
    return day.year + (1 if day.month >= 7 else 0)


STUDENTS = [
    # student, school, year, grade, sex, hispanic, races, EL, IDEA, econ
    ("s01", "S1", 2026, "04", "F", True, "white", True, False, True),
    ("s02", "S1", 2026, "04", "M", False, "black", False, False, True),
    ("s03", "S1", 2026, "04", "F", False, "asian|white", False, False, False),
    ("s04", "S1", 2026, "04", "M", False, "black", False, False, False),
    ("s05", "S1", 2026, "04", "F", False, "white", False, False, False),
    ("s06", "S1", 2026, "04", "M", False, "white", False, True, False),
    ("s07", "S2", 2026, "07", "F", False, "black", False, False, True),
    ("s08", "S2", 2026, "07", "M", False, "white", False, False, False),
    ("s09", "S1", 2026, "04", "X", False, None, None, False, False),
    ("s01", "S1", 2025, "03", "F", True, "white", True, False, True),
    ("s04", "S1", 2025, "03", "M", False, "black", False, False, False),
]

# (student, school, statuses in day order); 2026 days start 2025-09-01, 2025 days 2024-09-02.
ATTENDANCE = {
    2026: [
        ("s01", "S1", "P" * 9 + "U"),
        ("s02", "S1", "PPPPEEUUU"),
        ("s03", "S1", "PPPPPPTTTD"),
        ("s04", "S1", "P" * 10),
        ("s05", "S1", "P" * 8 + "EU"),
        ("s06", "S1", "P" * 10),
        ("s07", "S2", "P" * 10),
        ("s08", "S2", "P" * 9 + "E"),
        ("s09", "S1", "P" * 6),
        ("s09", "S2", "......PPPPPU"),  # the six days after the move
    ],
    2025: [
        ("s01", "S1", "P" * 10),
        ("s04", "S1", "P" * 5 + "U" * 5),
    ],
}
STATUS = {"P": "present", "T": "tardy", "D": "early_departure", "E": "excused_absence", "U": "unexcused_absence"}


def _create(con: duckdb.DuckDBPyConnection, table: str, columns: str, rows: list[tuple]) -> None:
    con.execute(f"CREATE OR REPLACE TABLE {table} ({columns})")
    if rows:
        marks = ", ".join("?" * len(rows[0]))
        con.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)


def _attendance_rows() -> list[tuple]:
    rows = []
    for year, entries in ATTENDANCE.items():
        first = D(2025, 9, 1) if year == 2026 else D(2024, 9, 2)
        for student, school, codes in entries:
            for offset, code in enumerate(codes):
                if code == ".":
                    continue
                status = STATUS[code]
                rows.append((student, school, first + dt.timedelta(days=offset), status, year))
    return rows


def _meetings() -> list[tuple]:
    dates = {
        ("DLT", "D1"): [D(2025, 9, 15), D(2025, 11, 10)],
        ("OLT", "TRN"): [D(2025, 9, 8), D(2025, 11, 3), D(2025, 11, 17)],
        ("BLT", "S1"): [D(2025, 9, 3), D(2025, 9, 17), D(2025, 10, 1), D(2025, 10, 15), D(2025, 11, 5)],
        ("PLC", "P1"): [D(2025, 9, 4), D(2025, 9, 18), D(2025, 10, 2), D(2025, 10, 16), D(2025, 10, 30),
                        D(2025, 11, 6), D(2025, 11, 20)],
        ("PLC", "P2"): [D(2025, 9, 11)],
        ("CLC", "C1"): [D(2025, 9, d) for d in (5, 12, 19, 26)] + [D(2025, 10, d) for d in (3, 10, 17, 24)]
                       + [D(2025, 11, d) for d in (7, 14, 21)] + [D(2026, 1, d) for d in (5, 7, 9, 12)],
    }
    agreed = {("BLT", "S1", D(2025, 10, 15)): ("Call the families of students absent three days", None),
              ("BLT", "S1", D(2025, 11, 5)): ("Walkthroughs on learning targets; bring CFA results",
                                             "Keep the attendance plan another month")}
    return [(team, owner, day, "attendance_rate", *agreed.get((team, owner, day), (None, None)), school_year_of(day))
            for (team, owner), days in dates.items() for day in days]


def build_district(con: duckdb.DuckDBPyConnection, with_plans: bool = False) -> None:
    """Create every staging table of docs/warehouse.md with the hand-built district."""
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute("CREATE SCHEMA IF NOT EXISTS staging")
    rows: dict[str, list[tuple]] = {name: [] for name in TABLES}
    rows["districts"] = [("D1", "Demo District")]
    rows["schools"] = [("S1", "Maple Elementary", "D1", "elementary"), ("S2", "Oak Middle", "D1", "middle")]
    rows["departments"] = [("TRN", "Transportation", "D1"), ("NUT", "Nutrition", "D1")]
    rows["staff"] = [
        ("T1", "Ana Teacher", "teacher", "S1", None), ("T2", "Ben Teacher", "teacher", "S1", None),
        ("A1", "Cy Principal", "principal", "S1", None), ("T3", "Di Teacher", "teacher", "S2", None),
        ("B1", "Ed Driver", "driver", None, "TRN"), ("B2", "Flo Cook", "cook", None, "NUT"),
        ("O1", "Gus Office", "director", None, None),
    ]
    rows["plcs"] = [("P1", "Grade 4 team", "S1", "04"), ("P2", "Math 7 team", "S2", "math")]
    rows["sections"] = [
        ("C1", "S1", "T1", "P1", 2026, "Grade 4 A", "ela", "04"),
        ("C2", "S1", "T2", "P1", 2026, "Grade 4 B", "math", "04"),
        ("C3", "S2", "T3", "P2", 2026, "Math 7", "math", "07"),
        ("C9", "S1", "T1", "P1", 2025, "Grade 3 A", "ela", "03"),
    ]
    rows["section_enrollments"] = [
        (section, student, D(2025, 9, 1), None, 2026)
        for section, students in {"C1": "s01 s02 s03 s04", "C2": "s03 s05 s06", "C3": "s07 s08 s09"}.items()
        for student in students.split()
    ] + [("C9", "s01", D(2024, 9, 2), None, 2025), ("C9", "s04", D(2024, 9, 2), D(2025, 5, 30), 2025)]
    rows["attendance_daily"] = _attendance_rows()
    summative = "State test"
    rows["assessments"] = [
        ("s01", "S1", 2026, summative, "summative", "ELA", "fall", D(2025, 10, 1), 380, "2", False),
        ("s01", "S1", 2026, summative, "summative", "ELA", "spring", D(2026, 4, 15), 420, "3", True),
        ("s02", "S1", 2026, summative, "summative", "ELA", "spring", D(2026, 4, 15), 350, "1", False),
        ("s03", "S1", 2026, summative, "summative", "ELA", "spring", D(2026, 4, 15), 450, "4", True),
        ("s03", "S1", 2026, summative, "summative", "Math", "spring", D(2026, 4, 16), 440, "3", True),
        ("s04", "S1", 2026, summative, "summative", "Math", "spring", D(2026, 4, 16), 360, "2", False),
        ("s04", "S1", 2026, "Screener", "benchmark", "Math", "winter", D(2026, 1, 20), 500, "4", True),
        ("s07", "S2", 2026, summative, "summative", "Math", "spring", D(2026, 4, 16), 430, "3", True),
        ("s08", "S2", 2026, summative, "summative", "Math", "annual", D(2026, 4, 16), 300, "1", False),
    ]
    cfa1, cfa2 = ("CFA1", "Fractions check", "P1", "C1"), ("CFA2", "Operations check", "P1", "C2")
    rows["cfa_results"] = [
        (*cfa1, "s01", "4.NF.1", D(2025, 10, 1), 6, 10, 0.8, 2026),
        (*cfa1, "s01", "4.NF.1", D(2025, 10, 15), 8, 10, 0.8, 2026),  # retake: latest, exactly 80%
        (*cfa1, "s01", "4.NF.2", D(2025, 10, 1), 7, 10, 0.8, 2026),
        (*cfa1, "s02", "4.NF.1", D(2025, 10, 1), 9, 10, 0.8, 2026),
        (*cfa1, "s02", "4.NF.2", D(2025, 10, 1), 4, 10, 0.8, 2026),
        (*cfa1, "s03", "4.NF.1", D(2025, 10, 1), 10, 10, 0.8, 2026),
        (*cfa1, "s03", "4.NF.2", D(2025, 10, 1), 8, 10, 0.8, 2026),
        (*cfa2, "s03", "4.OA.1", D(2025, 10, 8), 5, 10, 0.8, 2026),
        (*cfa2, "s05", "4.OA.1", D(2025, 10, 8), 9, 10, 0.8, 2026),
    ]
    rows["discipline_incidents"] = [
        ("I1", "s02", "S1", D(2025, 11, 3), "fighting", "oss", 2, 2026),
        ("I2", "s02", "S1", D(2025, 12, 1), "defiance", "iss", 1, 2026),
        ("I3", "s05", "S1", D(2025, 11, 4), "defiance", "iss", 1, 2026),
        ("I4", "s08", "S2", D(2025, 11, 5), "weapon", "expulsion", 45, 2026),
        ("I5", "s04", "S1", D(2025, 11, 6), "tardy", "other", 0, 2026),
    ]
    rows["mtss_interventions"] = [
        ("s02", "S1", 2026, "reading", 2, D(2025, 10, 1), "Reading group", D(2025, 10, 2), None),
        ("s02", "S1", 2026, "math", 3, D(2025, 10, 1), "Math tutoring", D(2025, 10, 2), None),
        ("s04", "S1", 2026, "math", 3, D(2025, 10, 1), "Math tutoring", D(2025, 10, 2), None),
        ("s06", "S1", 2026, "behavior", 1, D(2025, 10, 1), "Check in", D(2025, 10, 2), None),
        ("s07", "S2", 2026, "behavior", 2, D(2025, 10, 1), "Check in/out", D(2025, 10, 2), None),
    ]
    rows["survey_items"] = [
        ("SV1", "Student climate", "student", "Q1", "I belong here", "belonging", 5, 4, False),
        ("SV1", "Student climate", "student", "Q2", "I feel left out", "belonging", 5, 4, True),
        ("SV1", "Student climate", "student", "Q3", "I feel safe", "safety", 5, 4, False),
        ("SV2", "Staff climate", "staff", "Q10", "We plan together", "collaboration", 4, 3, False),
    ]
    answers = [
        # survey, respondent, school, type, grade, item, value (None = skipped)
        ("SV1", "R1", "S1", "student", "04", "Q1", 5), ("SV1", "R1", "S1", "student", "04", "Q2", 1),
        ("SV1", "R1", "S1", "student", "04", "Q3", 3),
        ("SV1", "R2", "S1", "student", "04", "Q1", 4), ("SV1", "R2", "S1", "student", "04", "Q2", 4),
        ("SV1", "R2", "S1", "student", "04", "Q3", None),
        ("SV1", "R3", "S1", "student", "04", "Q1", None), ("SV1", "R3", "S1", "student", "04", "Q2", 2),
        ("SV1", "R3", "S1", "student", "04", "Q3", 4),
        ("SV1", "R4", "S2", "student", "07", "Q1", 2), ("SV1", "R4", "S2", "student", "07", "Q2", 5),
        ("SV1", "R4", "S2", "student", "07", "Q3", 5),
        ("SV2", "R10", "S1", "staff", None, "Q10", 3), ("SV2", "R11", "S1", "staff", None, "Q10", 2),
    ]
    rows["survey_responses"] = [(*a, D(2026, 2, 1), 2026) for a in answers]
    rows["survey_invitations"] = [("SV1", "S1", "student", 4, None), ("SV1", "S2", "student", 2, None),
                                  ("SV2", "S1", "staff", 3, None)]
    rows["walkthrough_indicators"] = [
        ("I1", "Students set goals", "empowered_learning"),
        ("I2", "Student voice", "empowered_learning"),
        ("I3", "Learning target posted", "standards"),
    ]
    looks = [
        ("W1", "S1", "C1", D(2026, 1, 10), "I1", True), ("W1", "S1", "C1", D(2026, 1, 10), "I2", False),
        ("W1", "S1", "C1", D(2026, 1, 10), "I3", True),
        ("W2", "S1", "C2", D(2026, 1, 12), "I1", True), ("W2", "S1", "C2", D(2026, 1, 12), "I2", True),
        ("W2", "S1", "C2", D(2026, 1, 12), "I3", False),
        ("W3", "S2", "C3", D(2026, 1, 15), "I1", False), ("W3", "S2", "C3", D(2026, 1, 15), "I2", None),
        ("W3", "S2", "C3", D(2026, 1, 15), "I3", True),
    ]
    rows["walkthroughs"] = [(w, s, c, "A1", d, i, o, 2026) for w, s, c, d, i, o in looks]
    rows["plc_sig_ratings"] = [
        ("P1", "S1", D(2025, 10, 1), "D1", 2, 2026), ("P1", "S1", D(2025, 10, 1), "D2", 3, 2026),
        ("P1", "S1", D(2025, 10, 1), "D3", 1, 2026),
        ("P1", "S1", D(2026, 3, 1), "D1", 3, 2026), ("P1", "S1", D(2026, 3, 1), "D2", 4, 2026),
        ("P1", "S1", D(2026, 3, 1), "D3", 2, 2026),
        ("P2", "S2", D(2026, 3, 5), "D1", 1, 2026), ("P2", "S2", D(2026, 3, 5), "D2", 2, 2026),
    ]
    rows["professional_learning"] = [
        # staff, activity, title, category, hours, completed, rating, when, where, year
        ("T1", "PL1", "Equity module", "mandatory", 3, D(2025, 10, 1), 5, "school_day", "on_site", 2026),
        ("T1", "PL2", "Safety module", "mandatory", 2, D(2025, 10, 2), 3, "after_hours", "off_site", 2026),
        ("T1", "PL3", "Book study", "optional", 5, D(2025, 11, 1), 4, "after_hours", "on_site", 2026),
        ("T2", "PL1", "Equity module", "mandatory", 1.5, D(2025, 10, 1), None, "school_day", "on_site", 2026),
        ("T3", "PL4", "Coaching cycle", "coaching", 2, D(2025, 12, 1), 2, None, None, 2026),
        ("B1", "PL2", "Safety module", "mandatory", 4, D(2025, 10, 2), 4, "after_hours", "off_site", 2026),
        ("O1", "PL1", "Equity module", "mandatory", 1, D(2025, 10, 1), 5, "school_day", None, 2026),
    ]
    rows["department_kpis"] = [
        ("TRN", "on_time_routes", "On-time routes", D(2024, 10, 31), 0.88, 0.95, "higher_is_better", 2025),
        ("TRN", "on_time_routes", "On-time routes", D(2025, 1, 31), 0.90, 0.95, "higher_is_better", 2025),
        ("TRN", "on_time_routes", "On-time routes", D(2025, 10, 31), 0.91, 0.95, "higher_is_better", 2026),
        ("TRN", "on_time_routes", "On-time routes", D(2026, 1, 31), 0.96, 0.95, "higher_is_better", 2026),
        ("NUT", "meal_waste", "Meal waste share", D(2026, 1, 31), 0.12, 0.10, "lower_is_better", 2026),
    ]
    rows["team_meetings"] = _meetings()
    for name, columns in TABLES.items():
        _create(con, f"staging.{name}", columns, rows[name])
    # students, student_groups and org_hierarchy come from the real staging SQL
    _create(con, "raw.students", RAW_STUDENTS, STUDENTS)
    for column in ("birth_date DATE", "first_name VARCHAR", "last_name VARCHAR"):  # optional, not in the file
        con.execute(f"ALTER TABLE raw.students ADD COLUMN {column}")
    for name in ("students", "student_groups", "org_hierarchy"):
        con.execute((STAGING_SQL / f"{name}.sql").read_text(encoding="utf-8"))
    # no teams.csv: one team per owner in team_meetings (assets/staging/teams.sql)
    _create(con, "raw.teams", "team_id VARCHAR, team_type VARCHAR, owner_id VARCHAR, team_name VARCHAR, "
                              "cadence VARCHAR, member_staff_ids VARCHAR", [])
    con.execute((STAGING_SQL / "teams.sql").read_text(encoding="utf-8"))
    if with_plans:
        add_plans(con)


def add_plans(con: duckdb.DuckDBPyConnection) -> None:
    """Plans for action_steps_on_time: a district plan and a school plan (S1), with a strategy
    and a roadmap review of the school plan."""
    _create(con, "staging.plans", PLAN_TABLES["plans"],
            [("PL1", "district", "D1", "Strategic plan", 2026, 2028), ("PL2", "school", "S1", "SIP", 2026, 2026)])
    _create(con, "staging.plan_goals", PLAN_TABLES["plan_goals"], [
        ("G1", "PL1", None, "goal", "Attendance", "attendance_rate", "all", 0.9, None, 0.95, None),
        ("G2", "PL2", "G1", "smart_goal", "Attendance at S1", "attendance_rate", "all", 0.9, None, 0.95, None),
    ])
    _create(con, "staging.action_steps", PLAN_TABLES["action_steps"], [
        ("A1", "G1", None, 1, "Launch campaign", "DLT", D(2025, 8, 1), D(2025, 10, 1), D(2025, 9, 30), "complete"),
        ("A2", "G1", None, 2, "Train clerks", "DLT", D(2025, 8, 1), D(2025, 11, 1), D(2025, 11, 5), "complete"),
        ("A3", "G1", None, 3, "Review data", "DLT", D(2025, 8, 1), D(2026, 5, 1), None, "in_progress"),
        ("A4", "G2", None, 1, "Call families", "BLT", D(2025, 8, 1), D(2025, 12, 1), None, "in_progress"),
        ("A5", "G2", None, 2, "Incentives", "BLT", D(2025, 8, 1), D(2026, 3, 1), D(2026, 1, 10), "complete"),
    ])
    # the school plan's theory of action and its monitor-and-adjust review (the team page and packet)
    _create(con, "staging.plan_strategies", PLAN_TABLES["plan_strategies"], [
        ("ST1", "G2", "call families after the second absence", "every absent student is known by name",
         "students come to school more", "attendance_rate|oss_rate|grit_score"),
    ])
    _create(con, "staging.plan_schedule", PLAN_TABLES["plan_schedule"], [])
    _create(con, "staging.roadmap_reviews", PLAN_TABLES["roadmap_reviews"], [
        ("PL2", "monitor_adjust", D(2025, 11, 5), "Reviewed attendance", "Families", "Check walkthrough data",
         D(2025, 12, 10), "Principal"),
    ])


def build_marts(con: duckdb.DuckDBPyConnection, catalog: Catalog | None = None, coding_bands=None,
                as_of: dt.date = AS_OF) -> Catalog:
    """The three metric marts on `con`, as the assets build them on `as_of` (coding_bands=(): no
    top and bottom coding, for tests of the arithmetic whose tiny groups are all 0% or 100%)."""
    catalog = catalog or load_catalog(config_path="")
    build_metric_values(con, catalog, as_of=as_of, coding_bands=coding_bands)
    build_scorecard(con, catalog)
    build_needs_assessment(con, catalog)
    return catalog


def district(with_plans: bool = False) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    build_district(con, with_plans=with_plans)
    return con


def cell(con: duckdb.DuckDBPyConnection, metric_id: str, level: str, entity_id: str,
          group: str = "all", year: int = 2026, period: str = "year") -> tuple | None:
    """(numerator, denominator, value) of one cell of mart.metric_values, or None."""
    return con.execute(
        "SELECT numerator, denominator, value FROM mart.metric_values WHERE metric_id = ? AND level = ? "
        "AND entity_id = ? AND student_group = ? AND school_year = ? AND period = ?",
        [metric_id, level, entity_id, group, year, period],
    ).fetchone()


def build_warehouse_file(path: str | Path, catalog: Catalog | None = None) -> Path:
    """A warehouse file with the hand-built staging tables (plans included), the metric marts and
    mart.metric_cells."""
    con = duckdb.connect(str(path))
    try:
        build_district(con, with_plans=True)
        build_marts(con, catalog)
        build_metric_cells(con)  # the dashboard reads the marts through it
    finally:
        con.close()
    return Path(path)
