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
