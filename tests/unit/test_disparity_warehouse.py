"""The disparity marts from hand-built staging tables (docs/warehouse.md), no Dagster.

One district D1 with schools S1 and S2 in 2024 (and one student in 2023):
  s1 S1 KG black    IDEA SLD rc80             OSS 4 + 7 days (cumulative 11 -> >10)
  s2 S1 03 black    IDEA ED rc_lt40           ISS 3 days; expulsion, days blank (unknown: in neither
                                              OSS/expulsion category); MTSS behavior 2
  s3 S1 PK white    IDEA AUT separate_school  (PK: outside the placement population)
  s4 S1 05 white    no IDEA                   OSS 5 days (not counted: no disability); MTSS reading 2 and 3
  s5 S1 02 unknown  IDEA SLD                  OSS 3 days; outside every ratio (no race/ethnicity),
                                              counted in the rows of group 'unknown'
  s6 S1 04 hispanic IDEA OHI residential      IAES 45 days (a removal, not OSS/ISS)
  s7 S2 07 black    IDEA SLI homebound        ISS 6 + 5 days (cumulative 11 -> >10)
  s8 S2 08 asian    no IDEA                   MTSS math 3, behavior 2; action "other"
  s9 S2 06 black    IDEA SLD rc_lt40 in 2023
"""
import duckdb
import pytest

from assets.equity import engine
from data_contracts.vocabulary import CATEGORIES
from assets.equity.settings import load_settings

STUDENTS = [
    ("s1", "S1", 2024, "KG", "black"), ("s2", "S1", 2024, "03", "black"),
    ("s3", "S1", 2024, "PK", "white"), ("s4", "S1", 2024, "05", "white"),
    ("s5", "S1", 2024, "02", "unknown"), ("s6", "S1", 2024, "04", "hispanic_latino"),
    ("s7", "S2", 2024, "07", "black"), ("s8", "S2", 2024, "08", "asian"),
    ("s9", "S2", 2023, "06", "black"),
]
SPECIAL_EDUCATION = [
    ("s1", 2024, "SLD", "rc80"), ("s2", 2024, "ED", "rc_lt40"), ("s3", 2024, "AUT", "separate_school"),
    ("s5", 2024, "SLD", "rc80"), ("s6", 2024, "OHI", "residential"), ("s7", 2024, "SLI", "homebound"),
    ("s9", 2023, "SLD", "rc_lt40"),
]
INCIDENTS = [
    ("i1", "s1", "S1", "2023-10-01", "oss", 4), ("i2", "s1", "S1", "2024-01-10", "oss", 7),
    ("i3", "s2", "S1", "2023-11-02", "iss", 3), ("i4", "s2", "S1", "2024-02-03", "expulsion", None),
    ("i5", "s4", "S1", "2024-03-04", "oss", 5), ("i6", "s6", "S1", "2024-03-05", "iaes", 45),
    ("i7", "s8", "S2", "2024-03-06", "other", 1), ("i8", "s7", "S2", "2023-09-07", "iss", 6),
    ("i9", "s7", "S2", "2024-04-08", "iss", 5), ("i10", "s5", "S1", "2024-04-09", "oss", 3),
]
MTSS = [
    ("s4", "S1", "reading", 2), ("s4", "S1", "reading", 3), ("s8", "S2", "math", 3),
    ("s8", "S2", "behavior", 2), ("s2", "S1", "behavior", 2), ("s5", "S1", "reading", 2),
]


@pytest.fixture
def con(monkeypatch):
    monkeypatch.delenv("ALIGNBOARD_CONFIG", raising=False)
    con = duckdb.connect()
    con.execute("CREATE SCHEMA staging")
    con.execute("CREATE SCHEMA mart")
    con.execute("CREATE TABLE staging.schools(school_id VARCHAR, school_name VARCHAR, district_id VARCHAR, school_level VARCHAR)")
    con.execute("INSERT INTO staging.schools VALUES ('S1', 'Elm', 'D1', 'elementary'), ('S2', 'Oak', 'D1', 'middle')")
    con.execute("""CREATE TABLE staging.students(student_id VARCHAR, school_id VARCHAR, school_year INTEGER,
        grade_level VARCHAR, sex VARCHAR, hispanic_latino BOOLEAN, races VARCHAR, english_learner BOOLEAN,
        idea_disability BOOLEAN, economically_disadvantaged BOOLEAN, birth_date DATE, race_ethnicity VARCHAR)""")
    con.executemany("INSERT INTO staging.students VALUES (?, ?, ?, ?, 'F', NULL, NULL, false, NULL, false, NULL, ?)",
                    STUDENTS)
    con.execute("""CREATE TABLE staging.special_education(student_id VARCHAR, school_year INTEGER,
        disability_category VARCHAR, educational_environment VARCHAR)""")
    con.executemany("INSERT INTO staging.special_education VALUES (?, ?, ?, ?)", SPECIAL_EDUCATION)
    con.execute("""CREATE TABLE staging.discipline_incidents(incident_id VARCHAR, student_id VARCHAR,
        school_id VARCHAR, incident_date DATE, behavior VARCHAR, action VARCHAR, days_removed DOUBLE,
        school_year INTEGER)""")
    con.executemany("INSERT INTO staging.discipline_incidents VALUES (?, ?, ?, ?, 'fighting', ?, ?, 2024)", INCIDENTS)
    con.execute("""CREATE TABLE staging.mtss_interventions(student_id VARCHAR, school_id VARCHAR,
        school_year INTEGER, area VARCHAR, tier INTEGER, identified_date DATE, intervention_name VARCHAR,
        start_date DATE, end_date DATE)""")
    con.executemany("INSERT INTO staging.mtss_interventions VALUES (?, ?, 2024, ?, ?, '2023-10-01', 'x', NULL, NULL)", MTSS)
    con.execute("""CREATE TABLE staging.state_counts(school_year INTEGER, category VARCHAR, "group" VARCHAR,
        count INTEGER, population INTEGER)""")
    con.execute("""INSERT INTO staging.state_counts VALUES
        (2024, 'identification_sld', 'black', 50, 1000), (2024, 'identification_sld', 'white', 30, 3000)""")
    yield con
    con.close()


def counts(con, lea_level, lea_id, year=2024):
    rows = con.execute(
        'SELECT category, "group", count, population FROM mart.disparity_counts '
        "WHERE lea_level = ? AND lea_id = ? AND school_year = ?", [lea_level, lea_id, year]
    ).fetchall()
    return {(category, group): (count, population) for category, group, count, population in rows}


def test_district_counts(con):
    engine.build_counts(con, "mart.disparity_counts", load_settings())
    d = counts(con, "district", "D1")
    # identification: population = enrolled students with a known race/ethnicity
    assert d["identification_all", "black"] == (3, 3)
    assert d["identification_all", "white"] == (1, 2)
    assert d["identification_all", "hispanic_latino"] == (1, 1)
    assert d["identification_all", "asian"] == (0, 1)  # zero counts are rows, not gaps
    assert d["identification_sld", "black"] == (1, 3)  # s5 (unknown) is not counted
    assert d["identification_ed", "black"] == (1, 3)
    assert d["identification_sli", "black"] == (1, 3)
    assert d["identification_aut", "white"] == (1, 2)
    assert d["identification_ohi", "hispanic_latino"] == (1, 1)
    assert d["identification_id", "black"] == (0, 3)
    # placement: children with disabilities outside PK; homebound is not a separate setting
    assert d["placement_rc_lt40", "black"] == (1, 3)
    assert d["placement_separate", "black"] == (0, 3)
    assert d["placement_separate", "hispanic_latino"] == (1, 1)
    assert ("placement_separate", "white") not in d  # s3 is PK: no white child in the population
    # discipline: children with disabilities; cumulative days per removal type
    assert d["discipline_oss_exp_gt10", "black"] == (1, 3)  # s1: 4 + 7
    assert d["discipline_oss_exp_le10", "black"] == (0, 3)  # s2: expulsion, days blank: unknown
    assert d["discipline_iss_le10", "black"] == (1, 3)  # s2: 3
    assert d["discipline_iss_gt10", "black"] == (1, 3)  # s7: 6 + 5
    assert d["discipline_oss_exp_le10", "white"] == (0, 1)  # s4 has no disability
    assert d["discipline_total_removals", "black"] == (6, 3)  # removals (the blank one too), not children
    assert d["discipline_total_removals", "hispanic_latino"] == (1, 1)  # IAES counts
    assert ("discipline_total_removals", "asian") not in d  # no asian child with a disability
    # MTSS: enrolled students identified for tier 2 or 3
    assert d["mtss_any", "white"] == (1, 2)
    assert d["mtss_any", "asian"] == (1, 1)
    assert d["mtss_any", "black"] == (1, 3)
    assert d["mtss_reading_tier2", "white"] == (1, 2)
    assert d["mtss_reading_tier3", "white"] == (1, 2)
    assert d["mtss_math_tier3", "asian"] == (1, 1)
    assert d["mtss_behavior_tier2", "black"] == (1, 3)
    assert d["mtss_attendance_tier2", "white"] == (0, 2)
    # groups x categories of each population; s5 (unknown race) has rows of group 'unknown'
    assert len(d) == 5 * 16 + 4 * 5 + 3 * 2
    assert d["identification_all", "unknown"] == (1, 1)
    categories = {row[0] for row in con.execute("SELECT DISTINCT category FROM mart.disparity_counts").fetchall()}
    assert categories == set(CATEGORIES)


def test_school_counts_and_years(con):
    engine.build_counts(con, "mart.disparity_counts", load_settings())
    s1, s2 = counts(con, "school", "S1"), counts(con, "school", "S2")
    assert s1["identification_all", "black"] == (2, 2)
    assert s2["identification_all", "black"] == (1, 1)
    assert s2["identification_all", "asian"] == (0, 1)
    assert s1["discipline_total_removals", "black"] == (4, 2)
    assert s2["discipline_total_removals", "black"] == (2, 1)
    assert s1["mtss_reading_tier2", "white"] == (1, 2)
    assert ("mtss_any", "asian") not in s1
    earlier = counts(con, "district", "D1", 2023)
    assert earlier["identification_sld", "black"] == (1, 1)
    assert earlier["placement_rc_lt40", "black"] == (1, 1)


def test_disparity_mart_with_state_counts(con):
    engine.build_counts(con, "mart.disparity_counts", load_settings())
    rows = engine.build_disparity(con, "mart.disparity_counts", "staging.state_counts", "mart.disparity",
                                  load_settings(min_cell=1, min_n=1))
    # every count row but those of unknown race/ethnicity, which are outside the ratios
    assert rows == con.execute(
        "SELECT count(*) FROM mart.disparity_counts WHERE \"group\" <> 'unknown'").fetchone()[0]

    def row(lea_level, lea_id, category, group):
        cursor = con.execute(
            'SELECT * FROM mart.disparity WHERE lea_level = ? AND lea_id = ? AND category = ? '
            'AND "group" = ? AND school_year = 2024', [lea_level, lea_id, category, group])
        return dict(zip([d[0] for d in cursor.description], cursor.fetchone()))

    # black: 3 of 3 identified; others: white 1 + hispanic 1 + asian 0 = 2 of 4
    rr = row("district", "D1", "identification_all", "black")
    assert (rr["ratio_type"], rr["ratio"], rr["flagged"]) == ("RR", 2.0, False)
    # SLD: no other group in D1 has a child with SLD (comparison count 0 < cell 1), so the
    # state's other groups are the comparison: white 30 of 3000 -> ARR = (1/3) / 0.01
    arr = row("district", "D1", "identification_sld", "black")
    assert arr["ratio_type"] == "ARR"
    assert (arr["comparison_count"], arr["comparison_population"]) == (30, 3000)
    assert arr["ratio"] == pytest.approx(100 / 3, rel=1e-15) and arr["flagged"] is True
    assert arr["years_over_threshold"] == 1 and arr["significant"] is False
    school = row("school", "S1", "identification_all", "black")
    assert school["ratio"] == 1.5  # S1: black 2 of 2; white 1 of 2 + hispanic 1 of 1 = 2 of 3
    assert (row("district", "D1", "identification_all", "black")["threshold"],
            rr["min_cell"], rr["min_n"], rr["consecutive_years"]) == ("3.0", 1, 1, 3)


def test_disparity_mart_with_default_minimums_says_why_there_is_no_ratio(con):
    engine.build_counts(con, "mart.disparity_counts", load_settings())
    engine.build_disparity(con, "mart.disparity_counts", "staging.state_counts", "mart.disparity",
                           load_settings())
    reasons = dict(con.execute(
        "SELECT na_reason, count(*) FROM mart.disparity GROUP BY na_reason").fetchall())
    assert set(reasons) == {"group_count_below_min_cell"}  # every group here is tiny
    assert con.execute("SELECT count(*) FROM mart.disparity WHERE ratio IS NOT NULL OR flagged").fetchone()[0] == 0


def add_students(con, year, rows):
    """rows: (student_id, grade, birth_date or None, disability or None, environment or None)."""
    for student_id, grade, birth, disability, environment in rows:
        con.execute("INSERT INTO staging.students VALUES (?, 'S1', ?, ?, 'F', NULL, NULL, false, NULL, false, ?, "
                    "'black')", [student_id, year, grade, birth])
        if disability:
            con.execute("INSERT INTO staging.special_education VALUES (?, ?, ?, ?)",
                        [student_id, year, disability, environment])


def test_discipline_counts_half_days_and_leaves_blank_durations_unknown(con):
    # 2026, black children with disabilities: d1 one OSS of 0.25 day (under half a day: in no
    # category, not a removal); d2 two OSS of 0.25 (0.5 cumulative: <= 10, 2 removals); d3 one OSS
    # of 0.5 day; d4 OSS of blank length (unknown: in neither <= 10 nor > 10, still a removal);
    # d5 OSS 11 days and one of blank length (> 10 whatever the blank one was).
    add_students(con, 2026, [(f"d{i}", "05", None, "SLD", "rc80") for i in range(1, 6)])
    incidents = [("j1", "d1", 0.25), ("j2", "d2", 0.25), ("j3", "d2", 0.25), ("j4", "d3", 0.5),
                 ("j5", "d4", None), ("j6", "d5", 11), ("j7", "d5", None)]
    con.executemany("INSERT INTO staging.discipline_incidents VALUES (?, ?, 'S1', '2026-01-05', 'x', 'oss', ?, 2026)",
                    incidents)
    engine.build_counts(con, "mart.disparity_counts", load_settings())
    rows = {r[0]: r[1:] for r in con.execute(
        "SELECT category, count, population, children, unknown_days_removals FROM mart.disparity_counts "
        "WHERE lea_level = 'district' AND school_year = 2026 AND \"group\" = 'black'").fetchall()}
    assert rows["discipline_oss_exp_le10"] == (2, 5, 2, 2)  # d2, d3; blank removals of d4 and d5
    assert rows["discipline_oss_exp_gt10"] == (1, 5, 1, 2)  # d5
    assert rows["discipline_total_removals"] == (6, 5, 4, 2)  # d2 x2, d3, d4, d5 x2 (not d1's)
    assert rows["discipline_iss_le10"][3] == 0
    assert rows["identification_all"][3] is None  # not a discipline row


def test_ages_replace_grades_when_birth_dates_are_known(con):
    # Ages on the count date 12-01 of school year 2025 = 2024-12-01.
    add_students(con, 2025, [
        ("a2", "PK", "2021-12-02", "DD", "rc80"),       # 2: outside 3-21
        ("a3", "PK", "2021-12-01", "DD", "rc80"),       # 3: identification and discipline
        ("a5", "KG", "2019-12-01", "DD", "rc_lt40"),    # 5 (in KG): not in placement
        ("a6", "KG", "2018-12-01", "SLD", "rc_lt40"),   # 6: placement too
        ("a21", "12", "2003-12-01", "SLD", "rc_lt40"),  # 21: every population
        ("a22", "12", "2002-12-01", "SLD", "rc_lt40"),  # 22: outside 3-21 and 6-21
        ("g1", "PK", None, "DD", "rc80"),               # no birth date: PK stands in for 3-21, not 6-21
    ])
    engine.build_counts(con, "mart.disparity_counts", load_settings())
    rows = {r[0]: r[1:] for r in con.execute(
        "SELECT category, count, population, placed_by_grade FROM mart.disparity_counts "
        "WHERE lea_level = 'district' AND school_year = 2025 AND \"group\" = 'black'").fetchall()}
    assert rows["identification_all"] == (5, 5, 1)  # a3, a5, a6, a21, g1
    assert rows["identification_sld"] == (2, 5, 1)  # a6, a21 (a22 is 22)
    assert rows["placement_rc_lt40"] == (2, 2, 0)  # a6, a21 (a5 is 5)
    assert rows["discipline_oss_exp_le10"][1:] == (5, 1)
    assert rows["mtss_any"] == (0, 7, 1)  # MTSS is not an IDEA category: every enrolled student


def test_age_date_is_a_setting(con, tmp_path, monkeypatch):
    # Born 2021-10-15: 3 on the default count date 2024-12-01, still 2 on 2024-10-01.
    add_students(con, 2025, [("b1", "PK", "2021-10-15", "DD", "rc80")])

    def population():
        engine.build_counts(con, "mart.disparity_counts", load_settings())
        row = con.execute(
            "SELECT population FROM mart.disparity_counts WHERE lea_level = 'district' AND school_year = 2025 "
            "AND category = 'identification_all' AND \"group\" = 'black'").fetchone()
        return row[0] if row else None

    assert population() == 1
    config = tmp_path / "alignboard.yaml"
    config.write_text('disparity:\n  age_date: "10-01"\n')
    monkeypatch.setenv("ALIGNBOARD_CONFIG", str(config))
    assert population() is None  # nobody of that group in the population: no row


def test_every_disparity_row_says_how_many_students_of_unknown_race_were_left_out(con):
    engine.build_counts(con, "mart.disparity_counts", load_settings())
    engine.build_disparity(con, "mart.disparity_counts", "staging.state_counts", "mart.disparity",
                           load_settings(min_cell=1, min_n=1))
    left_out = dict(con.execute(
        "SELECT lea_level || ':' || lea_id || ':' || category, max(unknown_race_population) FROM mart.disparity "
        "WHERE school_year = 2024 AND \"group\" = 'black' GROUP BY ALL").fetchall())
    assert left_out["district:D1:identification_all"] == 1  # s5 (grade 02, no race, not Hispanic)
    assert left_out["school:S1:identification_all"] == 1
    assert left_out["school:S2:identification_all"] == 0  # nobody left out at S2
    assert left_out["district:D1:discipline_total_removals"] == 1  # s5 has a disability
    assert con.execute("SELECT count(*) FROM mart.disparity WHERE \"group\" = 'unknown'").fetchone()[0] == 0


def test_the_data_quality_report_counts_removals_of_unknown_length(con):
    from assets.equity.notes import data_notes

    # i4 (s2's expulsion) is the one removal with a blank days_removed; i7 ("other") is no removal
    con.execute("INSERT INTO staging.discipline_incidents VALUES ('i11', 's8', 'S2', '2024-05-01', 'x', 'other', NULL, 2024)")
    (note,) = data_notes(con)["discipline_incidents"]
    assert note.startswith("1 removals (oss, iss, expulsion, iaes) have a blank days_removed")
