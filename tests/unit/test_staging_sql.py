"""Staging SQL on hand-built raw tables: federal race/ethnicity, student groups, org hierarchy."""
from pathlib import Path

import duckdb
import pytest

STAGING = Path(__file__).parents[2] / "assets" / "staging"


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA staging")
    yield con
    con.close()


def make_students(con, rows):
    con.execute(
        """CREATE TABLE raw.students (student_id VARCHAR, school_id VARCHAR, school_year INTEGER,
           grade_level VARCHAR, sex VARCHAR, hispanic_latino BOOLEAN, races VARCHAR, english_learner BOOLEAN,
           idea_disability BOOLEAN, economically_disadvantaged BOOLEAN, birth_date DATE)"""
    )
    con.executemany("INSERT INTO raw.students VALUES (?, 'S1', 2026, '03', 'F', ?, ?, ?, ?, ?, NULL)", rows)
    con.execute((STAGING / "students.sql").read_text())


@pytest.mark.parametrize(
    "hispanic, races, expected",
    [
        (True, "white", "hispanic_latino"),  # Hispanic plus a race counts as hispanic_latino
        (True, None, "hispanic_latino"),
        (False, "black|white", "two_or_more"),  # two races count as two_or_more
        (None, "asian|white|black", "two_or_more"),
        (False, "asian", "asian"),
        (False, " native_hawaiian_pacific_islander ", "native_hawaiian_pacific_islander"),
        (False, "white|white", "white"),  # the same race twice is one race
        (False, None, "unknown"),  # no race and not Hispanic
        (None, "", "unknown"),
    ],
)
def test_federal_race_ethnicity(con, hispanic, races, expected):
    make_students(con, [("1", hispanic, races, False, False, False)])
    assert con.execute("SELECT race_ethnicity FROM staging.students").fetchone()[0] == expected


def test_student_groups_in_landing_file_codes(con):
    make_students(con, [("1", False, "black", True, None, False), ("2", False, None, False, True, True)])
    con.execute((STAGING / "student_groups.sql").read_text())
    groups = {
        sid: sorted(g for (g,) in con.execute(
            "SELECT student_group FROM staging.student_groups WHERE student_id = ?", [sid]).fetchall())
        for sid in ("1", "2")
    }
    # student 1: IDEA unknown, so neither idea:yes nor idea:no
    assert groups["1"] == ["all", "econ_disadvantaged:no", "english_learner:yes", "grade:03",
                           "race_ethnicity:black", "sex:F"]
    # student 2: race unknown, counted in `all` only
    assert groups["2"] == ["all", "econ_disadvantaged:yes", "english_learner:no", "grade:03", "idea:yes", "sex:F"]


def test_org_hierarchy_links_every_layer(con):
    con.execute("""
        CREATE TABLE staging.districts AS SELECT 'D1' AS district_id, 'Demo' AS district_name;
        CREATE TABLE staging.departments AS SELECT 'T' AS department_id, 'Transportation' AS department_name, 'D1' AS district_id;
        CREATE TABLE staging.schools AS SELECT 'S1' AS school_id, 'North' AS school_name, 'D1' AS district_id, 'elementary' AS school_level;
        CREATE TABLE staging.plcs AS SELECT 'P1' AS plc_id, 'Grade 3' AS plc_name, 'S1' AS school_id, 'grade_03' AS focus;
        CREATE TABLE staging.sections AS SELECT * FROM (VALUES ('C1', 'S1', 'P1', 'Reading 3'), ('C2', 'S1', NULL, 'Art'))
            AS t(section_id, school_id, plc_id, course_name);
    """)
    con.execute((STAGING / "org_hierarchy.sql").read_text())
    rows = con.execute(
        "SELECT entity_level, entity_id, parent_level, parent_id, school_id FROM staging.org_hierarchy ORDER BY ALL"
    ).fetchall()
    assert rows == [
        ("classroom", "C1", "plc", "P1", "S1"),
        ("classroom", "C2", "school", "S1", "S1"),  # a section with no PLC hangs from its school
        ("department", "T", "district", "D1", None),
        ("district", "D1", None, None, None),
        ("plc", "P1", "school", "S1", "S1"),
        ("school", "S1", "district", "D1", "S1"),
    ]


def make_teams(con, listed):
    con.execute("CREATE TABLE raw.teams (team_id VARCHAR, team_type VARCHAR, owner_id VARCHAR, team_name VARCHAR, "
                "cadence VARCHAR, member_staff_ids VARCHAR)")
    if listed:
        con.executemany("INSERT INTO raw.teams VALUES (?, ?, ?, ?, ?, ?)", listed)
    con.execute("CREATE TABLE staging.team_meetings (team VARCHAR, owner_id VARCHAR, meeting_date DATE)")
    con.executemany("INSERT INTO staging.team_meetings VALUES (?, ?, ?)", [
        ("BLT", "01001", "2026-09-10"), ("BLT", "01001", "2026-09-24"), ("PLC", "P1", "2026-09-11"),
        ("DLT", "D1", "2026-09-30"), ("CLC", "SEC9", "2026-09-12"),
    ])
    con.execute("CREATE TABLE staging.org_hierarchy (entity_level VARCHAR, entity_id VARCHAR, entity_name VARCHAR)")
    con.execute("INSERT INTO staging.org_hierarchy VALUES ('school', '01001', 'Lincoln Elementary'), "
                "('plc', 'P1', 'Grade 3 PLC'), ('district', 'D1', 'Riverside')")
    con.execute((STAGING / "teams.sql").read_text())
    return con.execute("SELECT team_id, team_type, owner_level, owner_id, team_name, cadence, cadence_days, "
                       "member_staff_ids, source FROM staging.teams ORDER BY team_id").fetchall()


def test_without_a_teams_file_each_meeting_owner_is_a_team_with_its_seed_cadence(con):
    # BLT 2-3 a month -> biweekly (14 days); PLC 2-4 -> biweekly; DLT quarterly (91); CLC 4 a month -> weekly
    assert make_teams(con, []) == [
        ("BLT:01001", "BLT", "school", "01001", "BLT Lincoln Elementary", "biweekly", 14, None, "team_meetings.csv"),
        ("CLC:SEC9", "CLC", "classroom", "SEC9", "CLC SEC9", "weekly", 7, None, "team_meetings.csv"),
        ("DLT:D1", "DLT", "district", "D1", "DLT Riverside", "quarterly", 91, None, "team_meetings.csv"),
        ("PLC:P1", "PLC", "plc", "P1", "PLC Grade 3 PLC", "biweekly", 14, None, "team_meetings.csv"),
    ]


def test_a_teams_file_replaces_the_derived_teams_and_reads_its_cadence_and_members(con):
    rows = make_teams(con, [
        ("math-plc", "PLC", "P1", "Grade 3 math", "Every 10 days", "T1| T2 ||"),
        ("blt", "blt", "01001", "Lincoln BLT", " Monthly", None),
    ])
    assert rows == [
        ("blt", "BLT", "school", "01001", "Lincoln BLT", "monthly", 30, None, "teams.csv"),
        ("math-plc", "PLC", "plc", "P1", "Grade 3 math", "every 10 days", 10, ["T1", "T2"], "teams.csv"),
    ]
