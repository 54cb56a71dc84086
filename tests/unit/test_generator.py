"""The synthetic district generator: the files it writes keep the landing contract, are
deterministic, plausible (attendance, chronic absence, disparities), referentially whole when
clean, and --messy faults reconcile exactly with _messy_manifest.json.

Every expected value is computed here from the written files and the definitions (DESIGN.md,
landing-files.md), not taken from the generator's own summary.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from data_contracts.contract import load_contracts

from pipelines.commands import generate as generate_command
from sample_data.generator import generate
from sample_data.messy import KEYS
from sample_data.writer import BOM, COLUMNS, MANIFEST

from tests.landing_docs import documented_files

ATTENDED = ("present", "tardy", "early_departure")
STATUSES = ATTENDED + ("excused_absence", "unexcused_absence")
EXPORT_DAY = dt.date(2026, 12, 7)


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("clean")
    generate(out, students=300, seed=7, years=2, end_year=2026)
    return out


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> Path:
    """A few thousand students: several schools per level, so students can move between them."""
    out = tmp_path_factory.mktemp("district")
    generate(out, students=3000, seed=42, years=1, end_year=2026)
    return out


@pytest.fixture(scope="module")
def in_progress(tmp_path_factory) -> Path:
    """Exported on 2026-12-07, a Monday of the 2026-27 school year (2027), with the default end year."""
    out = tmp_path_factory.mktemp("in_progress")
    generate(out, students=300, seed=7, years=2, today=EXPORT_DAY)
    return out


@pytest.fixture(scope="module")
def messy(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("messy")
    generate(out, students=300, seed=7, years=2, end_year=2026, messy=True)
    return out


def connect(folder: Path) -> duckdb.DuckDBPyConnection:
    """A connection with one view per written file, every column as text (ids keep their zeros)."""
    con = duckdb.connect()
    for name in COLUMNS:
        path = folder / name
        con.execute(f"CREATE VIEW {name[:-4]} AS SELECT * FROM read_csv('{path}', header = true, "
                    "all_varchar = true, quote = '\"', delim = ',')")
    con.execute("CREATE MACRO sy(d) AS year(d::DATE) + (month(d::DATE) >= 7)::INT")
    con.execute("""CREATE VIEW student_race AS SELECT *, CASE
        WHEN hispanic_latino = 'Y' THEN 'hispanic_latino'
        WHEN races LIKE '%|%' THEN 'two_or_more'
        WHEN races IS NULL OR races = '' THEN 'unknown'
        ELSE races END AS race_ethnicity FROM students""")
    return con


def one(con, sql: str):
    return con.execute(sql).fetchone()[0]


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


# --- the contract ------------------------------------------------------------------------------

def test_every_file_has_exactly_the_contract_columns(clean):
    documented = documented_files()
    written = {p.name for p in clean.iterdir() if p.suffix == ".csv"}
    assert written == {f"{name}.csv" for name in load_contracts()}
    for name in written:
        header, rows = read_rows(clean / name)
        # the required columns of docs/landing-files.md, then the optional ones the contract declares
        declared = load_contracts()[name.removesuffix(".csv")]
        assert declared.required_column_names == documented[name.removesuffix(".csv")], name
        assert header == declared.column_names, name
        assert all(len(r) == len(header) for r in rows), name


def test_codes_ids_and_dates_follow_the_conventions(clean):
    con = connect(clean)
    # ids are zero-padded strings, booleans Y/N, codes from the contract
    assert one(con, "SELECT count(*) FROM students WHERE NOT regexp_full_match(student_id, '0[0-9]{6}')") == 0
    assert one(con, "SELECT count(*) FROM students WHERE sex NOT IN ('F', 'M', 'X')") == 0
    for col in ("hispanic_latino", "english_learner", "idea_disability", "economically_disadvantaged"):
        assert one(con, f"SELECT count(*) FROM students WHERE {col} NOT IN ('Y', 'N')") == 0
    assert one(con, f"SELECT count(*) FROM attendance_daily WHERE status NOT IN {STATUSES}") == 0
    assert one(con, "SELECT count(*) FROM discipline_incidents WHERE action NOT IN "
                    "('oss', 'iss', 'expulsion', 'iaes', 'other')") == 0
    assert one(con, "SELECT count(*) FROM mtss_interventions WHERE tier NOT IN ('2', '3')") == 0
    # every date parses and falls in its school year (July 1 .. June 30 of 2025 and 2026)
    for table, col in (("attendance_daily", "calendar_date"), ("assessments", "test_date"),
                       ("cfa_results", "administered_date"), ("discipline_incidents", "incident_date"),
                       ("survey_responses", "submitted_date"), ("walkthroughs", "observed_date"),
                       ("section_enrollments", "entry_date"), ("team_meetings", "meeting_date")):
        assert one(con, f"SELECT count(*) FROM {table} WHERE TRY_CAST({col} AS DATE) IS NULL") == 0, table
        assert one(con, f"SELECT count(*) FROM {table} WHERE sy({col}) NOT IN (2025, 2026)") == 0, table
    assert one(con, "SELECT count(*) FROM assessments WHERE sy(test_date) <> school_year::INT") == 0
    # the calendar: weekdays only, ~175-180 days a year
    assert one(con, "SELECT count(*) FROM attendance_daily WHERE dayofweek(calendar_date::DATE) IN (0, 6)") == 0
    days = con.execute("SELECT sy(calendar_date), count(DISTINCT calendar_date) FROM attendance_daily "
                       "GROUP BY 1").fetchall()
    assert all(175 <= n <= 180 for _, n in days)


def test_proficient_follows_the_performance_level(clean):
    con = connect(clean)
    assert one(con, """SELECT count(*) FROM assessments WHERE
        (proficient = 'Y') <> (performance_level IN ('meets', 'exceeds'))""") == 0
    # a higher level never has a lower scale score in the same grade, subject and test
    assert one(con, """SELECT count(*) FROM (
        SELECT a.performance_level, max(a.scale_score::INT) hi, min(a.scale_score::INT) lo,
               s.grade_level, a.subject, a.assessment_name, a."window"
        FROM assessments a JOIN students s USING (student_id, school_year) GROUP BY ALL) x
        JOIN (SELECT * FROM (VALUES ('below', 0), ('approaching', 1), ('meets', 2), ('exceeds', 3)) v(l, r)) r1
          ON x.performance_level = r1.l
        JOIN (SELECT a.performance_level, min(a.scale_score::INT) lo2, s.grade_level, a.subject,
                     a.assessment_name, a."window"
              FROM assessments a JOIN students s USING (student_id, school_year) GROUP BY ALL) y
          USING (grade_level, subject, assessment_name, "window")
        JOIN (SELECT * FROM (VALUES ('below', 0), ('approaching', 1), ('meets', 2), ('exceeds', 3)) v(l, r)) r2
          ON y.performance_level = r2.l
        WHERE r2.r > r1.r AND y.lo2 <= x.hi""") == 0


# --- determinism -------------------------------------------------------------------------------

def test_same_seed_gives_identical_bytes_and_another_seed_does_not(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, students=200, seed=11, years=1)
    generate(b, students=200, seed=11, years=1)
    generate(c, students=200, seed=12, years=1)
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (a / "students.csv").read_bytes() != (c / "students.csv").read_bytes()
    assert (a / "attendance_daily.csv").read_bytes() != (c / "attendance_daily.csv").read_bytes()


# --- plausibility ------------------------------------------------------------------------------

def test_attendance_rate_and_chronic_absence_are_plausible(clean):
    con = connect(clean)
    rate = one(con, f"SELECT avg((status IN {ATTENDED})::INT) FROM attendance_daily")
    assert 0.90 <= rate <= 0.96
    # chronic: among students with >= 10 enrolled days at a school in a year, absent >= 10% of them
    chronic = one(con, f"""SELECT avg((absent / enrolled >= 0.10)::INT) FROM (
        SELECT student_id, school_id, sy(calendar_date), count(*) enrolled,
               count(*) FILTER (WHERE status NOT IN {ATTENDED})::DOUBLE absent
        FROM attendance_daily GROUP BY ALL) WHERE enrolled >= 10""")
    assert 0.08 <= chronic <= 0.25


def test_one_student_row_per_student_per_year_and_students_move_up_a_grade(clean):
    con = connect(clean)
    rows, keys = con.execute("SELECT count(*), count(DISTINCT (student_id, school_year)) FROM students").fetchone()
    assert rows == keys > 0
    # continuing students are one grade up (a few retained); seniors do not come back
    moved, stayed, skipped = con.execute("""
        WITH g(grade_level, n) AS (VALUES ('PK',0),('KG',1),('01',2),('02',3),('03',4),('04',5),('05',6),
            ('06',7),('07',8),('08',9),('09',10),('10',11),('11',12),('12',13))
        SELECT count(*) FILTER (WHERE g2.n = g1.n + 1), count(*) FILTER (WHERE g2.n = g1.n),
               count(*) FILTER (WHERE g2.n NOT IN (g1.n, g1.n + 1))
        FROM students a JOIN students b ON a.student_id = b.student_id AND b.school_year::INT = a.school_year::INT + 1
        JOIN g g1 ON g1.grade_level = a.grade_level JOIN g g2 ON g2.grade_level = b.grade_level""").fetchone()
    assert skipped == 0 and moved > 0 and stayed <= 0.05 * moved
    assert one(con, """SELECT count(*) FROM students a JOIN students b ON a.student_id = b.student_id
        AND b.school_year::INT = a.school_year::INT + 1 WHERE a.grade_level = '12'""") == 0


def test_clean_output_has_unique_keys(clean):
    con = connect(clean)
    for name, key in KEYS.items():
        table = name[:-4]
        cols = ", ".join(f'"{c}"' for c in key)
        rows, distinct = con.execute(f"SELECT count(*), count(DISTINCT ({cols})) FROM {table}").fetchone()
        assert rows == distinct, name


def test_every_foreign_key_in_the_clean_output_resolves(clean):
    con = connect(clean)
    checks = {
        "attendance -> students (id, year)": """SELECT count(*) FROM attendance_daily a ANTI JOIN students s
            ON s.student_id = a.student_id AND s.school_year::INT = sy(a.calendar_date)""",
        "enrollments -> students": "SELECT count(*) FROM section_enrollments e ANTI JOIN students s USING (student_id)",
        "enrollments -> sections": "SELECT count(*) FROM section_enrollments e ANTI JOIN sections s USING (section_id)",
        "sections -> plcs": "SELECT count(*) FROM sections ANTI JOIN plcs USING (plc_id)",
        "sections -> staff": "SELECT count(*) FROM sections ANTI JOIN staff USING (staff_id)",
        "sections -> schools": "SELECT count(*) FROM sections ANTI JOIN schools USING (school_id)",
        "students -> schools": "SELECT count(*) FROM students ANTI JOIN schools USING (school_id)",
        "attendance -> schools": "SELECT count(*) FROM attendance_daily ANTI JOIN schools USING (school_id)",
        "plcs -> schools": "SELECT count(*) FROM plcs ANTI JOIN schools USING (school_id)",
        "schools -> districts": "SELECT count(*) FROM schools ANTI JOIN districts USING (district_id)",
        "departments -> districts": "SELECT count(*) FROM departments ANTI JOIN districts USING (district_id)",
        "staff -> schools": "SELECT count(*) FROM staff WHERE school_id IS NOT NULL AND school_id NOT IN "
                            "(SELECT school_id FROM schools)",
        "staff -> departments": "SELECT count(*) FROM staff WHERE department_id IS NOT NULL AND department_id "
                                "NOT IN (SELECT department_id FROM departments)",
        "assessments -> students": "SELECT count(*) FROM assessments ANTI JOIN students "
                                   "USING (student_id, school_year)",
        "discipline -> students": """SELECT count(*) FROM discipline_incidents d ANTI JOIN students s
            ON s.student_id = d.student_id AND s.school_year::INT = sy(d.incident_date)""",
        "mtss -> students": "SELECT count(*) FROM mtss_interventions ANTI JOIN students "
                            "USING (student_id, school_year)",
        "special_education -> students": "SELECT count(*) FROM special_education ANTI JOIN students "
                                         "USING (student_id, school_year)",
        "cfa -> students": """SELECT count(*) FROM cfa_results c ANTI JOIN students s
            ON s.student_id = c.student_id AND s.school_year::INT = sy(c.administered_date)""",
        "cfa -> sections": "SELECT count(*) FROM cfa_results ANTI JOIN sections USING (section_id)",
        "marks -> students": "SELECT count(*) FROM course_marks ANTI JOIN students USING (student_id, school_year)",
        "marks -> sections of the year": "SELECT count(*) FROM course_marks ANTI JOIN sections "
                                         "USING (section_id, school_year)",
        "marks student enrolled in the section on the period's last day": """SELECT count(*) FROM course_marks m
            ANTI JOIN section_enrollments e ON e.section_id = m.section_id AND e.student_id = m.student_id
            AND m.period_end_date::DATE BETWEEN e.entry_date::DATE
                AND coalesce(e.exit_date::DATE, DATE '2100-01-01')""",
        "cfa -> plcs": "SELECT count(*) FROM cfa_results ANTI JOIN plcs USING (plc_id)",
        "cfa student enrolled in the section that day": """SELECT count(*) FROM cfa_results c ANTI JOIN
            section_enrollments e ON e.section_id = c.section_id AND e.student_id = c.student_id
            AND c.administered_date::DATE BETWEEN e.entry_date::DATE
                AND coalesce(e.exit_date::DATE, DATE '2100-01-01')""",
        "walkthroughs -> sections": "SELECT count(*) FROM walkthroughs ANTI JOIN sections USING (section_id)",
        "walkthroughs -> indicators": "SELECT count(*) FROM walkthroughs ANTI JOIN walkthrough_indicators "
                                      "USING (indicator)",
        "walkthroughs -> observer": "SELECT count(*) FROM walkthroughs w ANTI JOIN staff s "
                                    "ON s.staff_id = w.observer_staff_id",
        "responses -> items": "SELECT count(*) FROM survey_responses ANTI JOIN survey_items USING (survey_id, item_id)",
        "responses -> schools": "SELECT count(*) FROM survey_responses ANTI JOIN schools USING (school_id)",
        "invitations -> schools": "SELECT count(*) FROM survey_invitations ANTI JOIN schools USING (school_id)",
        "plc_sig -> plcs": "SELECT count(*) FROM plc_sig_ratings ANTI JOIN plcs USING (plc_id)",
        "pd -> staff": "SELECT count(*) FROM professional_learning ANTI JOIN staff USING (staff_id)",
        "kpis -> departments": "SELECT count(*) FROM department_kpis ANTI JOIN departments USING (department_id)",
        "meetings -> owners": """SELECT count(*) FROM team_meetings m WHERE owner_id NOT IN (
            SELECT district_id FROM districts WHERE m.team = 'DLT'
            UNION ALL SELECT department_id FROM departments WHERE m.team = 'OLT'
            UNION ALL SELECT school_id FROM schools WHERE m.team = 'BLT'
            UNION ALL SELECT plc_id FROM plcs WHERE m.team = 'PLC'
            UNION ALL SELECT section_id FROM sections WHERE m.team = 'CLC')""",
    }
    broken = {name: n for name, sql in checks.items() if (n := one(con, sql))}
    assert broken == {}


def test_mid_year_changes_close_one_enrollment_and_open_the_next(district):
    con = connect(district)
    students = one(con, "SELECT count(*) FROM students")
    changed = one(con, """SELECT count(DISTINCT (e.student_id, s.school_year)) FROM section_enrollments e
        JOIN sections s USING (section_id) JOIN section_enrollments e2 ON e2.student_id = e.student_id
        JOIN sections s2 ON s2.section_id = e2.section_id AND s2.school_year = s.school_year
        WHERE e.exit_date IS NOT NULL AND e2.entry_date::DATE > e.exit_date::DATE""")
    assert 0.01 <= changed / students <= 0.06
    assert one(con, "SELECT count(*) FROM section_enrollments WHERE exit_date::DATE < entry_date::DATE") == 0


def test_summative_retests_are_about_two_percent_and_later(clean):
    con = connect(clean)
    tested, retested = con.execute("""SELECT count(DISTINCT (student_id, school_year)),
        count(DISTINCT (student_id, school_year)) FILTER (WHERE n > 1) FROM (
          SELECT student_id, school_year, subject, count(*) n FROM assessments
          WHERE assessment_type = 'summative' GROUP BY ALL)""").fetchone()
    assert tested > 100 and 0.003 <= retested / tested <= 0.05


def test_survey_items_and_response_rates(clean):
    con = connect(clean)
    reverse = one(con, "SELECT avg((reverse_coded = 'Y')::INT) FROM survey_items")
    assert 0.15 <= reverse <= 0.25
    assert one(con, "SELECT count(*) FROM survey_items WHERE scale_points <> '5' OR favorable_min <> '4'") == 0
    rates = con.execute("""SELECT any_value(i.invited::INT), count(DISTINCT r.response_id) FROM survey_invitations i
        JOIN survey_responses r USING (survey_id, school_id, respondent_type)
        GROUP BY survey_id, school_id, respondent_type""").fetchall()
    assert rates and all(0.4 <= got / invited <= 0.95 for invited, got in rates if invited >= 30)
    skipped = one(con, "SELECT avg((value IS NULL)::INT) FROM survey_responses")
    assert 0.01 <= skipped <= 0.06
    assert one(con, "SELECT count(*) FROM survey_responses WHERE respondent_type <> 'student' "
                    "AND grade_level IS NOT NULL") == 0


def test_state_counts_cover_every_year_category_and_group(clean):
    from data_contracts.vocabulary import CATEGORIES, EVENT_CATEGORIES, GROUPS
    con = connect(clean)
    got = set(con.execute('SELECT school_year, category, "group" FROM state_counts').fetchall())
    assert got == {(str(y), c, g) for y in (2025, 2026) for c in CATEGORIES for g in GROUPS}
    assert one(con, "SELECT count(*) FROM state_counts WHERE count::INT > population::INT") == 0
    district = one(con, "SELECT count(*) FROM students WHERE school_year = '2026'")
    state = one(con, "SELECT sum(population::INT) FROM state_counts WHERE school_year = '2026' "
                     "AND category = 'identification_all'")
    assert 25 * district <= state <= 35 * district
    assert EVENT_CATEGORIES == ("discipline_total_removals",)


def test_black_students_are_over_identified_for_special_education(district):
    con = connect(district)
    black, others = con.execute("""SELECT
        avg((idea_disability = 'Y')::INT) FILTER (WHERE race_ethnicity = 'black'),
        avg((idea_disability = 'Y')::INT) FILTER (WHERE race_ethnicity <> 'black')
        FROM student_race""").fetchone()
    assert black / others > 2
    # ... and special_education.csv agrees: one row per IDEA student and year
    assert one(con, "SELECT count(*) FROM students WHERE idea_disability = 'Y'") == one(
        con, "SELECT count(*) FROM special_education")
    # other groups stay near parity with white students
    white = one(con, "SELECT avg((idea_disability = 'Y')::INT) FROM student_race WHERE race_ethnicity = 'white'")
    hispanic = one(con, "SELECT avg((idea_disability = 'Y')::INT) FROM student_race "
                        "WHERE race_ethnicity = 'hispanic_latino'")
    assert 0.7 <= hispanic / white <= 1.4


# --- messy -------------------------------------------------------------------------------------

def test_messy_files_are_valid_csv_with_the_same_header(messy):
    for name, columns in COLUMNS.items():
        header, rows = read_rows(messy / name)
        assert header == columns, name
        assert all(len(r) == len(columns) for r in rows), name


def test_messy_manifest_matches_what_is_in_the_files(messy, clean):
    manifest = json.loads((messy / MANIFEST).read_text())
    # BOM: exactly the files the manifest says
    boms = {p.name for p in messy.glob("*.csv") if p.read_bytes().startswith(BOM)}
    assert boms == {name for name, faults in manifest.items() if faults.get("bom")}
    assert boms

    con = connect(messy)
    att = manifest["attendance_daily.csv"]
    unknown = one(con, f"SELECT count(*) FROM attendance_daily WHERE trim(status) NOT IN {STATUSES}")
    assert unknown == att["unknown_code"]
    assert one(con, "SELECT count(*) FROM attendance_daily WHERE status <> trim(status)") == att["whitespace"]
    assert one(con, "SELECT count(*) FROM attendance_daily WHERE TRY_CAST(calendar_date AS DATE) IS NULL") == \
        att["impossible_date"]
    assert one(con, "SELECT count(*) FROM attendance_daily WHERE length(student_id) = 8") == att["orphan_fk"]
    assert one(con, "SELECT count(*) FROM attendance_daily WHERE student_id NOT LIKE '0%' "
                    "AND length(student_id) < 7") == att["leading_zeros_dropped"]
    rows, keys = con.execute("SELECT count(*), count(DISTINCT (student_id, calendar_date)) "
                             "FROM attendance_daily").fetchone()
    assert rows - keys == att["duplicate_key"] + att["duplicate_key_conflict"]
    exact = one(con, "SELECT count(*) - count(DISTINCT (student_id, school_id, calendar_date, status)) "
                     "FROM attendance_daily")
    assert exact == att["duplicate_key"]
    # every fault adds or changes exactly one row: the clean run of the same seed has the rest
    clean_rows = one(connect(clean), "SELECT count(*) FROM attendance_daily")
    assert rows == clean_rows + att["duplicate_key"] + att["duplicate_key_conflict"]
    assert att["unknown_code"] > 0 and att["duplicate_key"] > 0

    # duplicate keys and unknown codes in the other files, by their natural keys
    for name, faults in manifest.items():
        if name not in KEYS:
            continue
        cols = ", ".join(f'"{c}"' for c in KEYS[name])
        rows, keys = con.execute(f"SELECT count(*), count(DISTINCT ({cols})) FROM {name[:-4]}").fetchone()
        assert rows - keys == faults.get("duplicate_key", 0) + faults.get("duplicate_key_conflict", 0), name
    disc = manifest["discipline_incidents.csv"]
    assert one(con, "SELECT count(*) FROM discipline_incidents WHERE trim(action) NOT IN "
                    "('oss', 'iss', 'expulsion', 'iaes', 'other')") == disc["unknown_code"]
    assert one(con, "SELECT count(*) FROM discipline_incidents WHERE days_removed::DOUBLE < 0") == disc["out_of_range"]
    sig = manifest["plc_sig_ratings.csv"]
    assert one(con, "SELECT count(*) FROM plc_sig_ratings WHERE rating::INT NOT BETWEEN 1 AND 4") == sig["out_of_range"]


def test_a_clean_run_removes_a_stale_manifest(tmp_path):
    generate(tmp_path, students=50, seed=1, years=1, messy=True)
    assert (tmp_path / MANIFEST).exists()
    generate(tmp_path, students=50, seed=1, years=1)
    assert not (tmp_path / MANIFEST).exists()
    assert not (tmp_path / "students.csv").read_bytes().startswith(BOM)


# --- the command -------------------------------------------------------------------------------

def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    generate_command.add_arguments(parser)
    return parser.parse_args(list(argv))


def test_command_defaults_and_help():
    args = parse("--out", "x")
    assert (args.students, args.seed, args.years, args.end_year, args.messy) == (5000, 42, 3, None, False)
    assert "\n" not in generate_command.HELP


def test_command_writes_a_summary_and_never_student_rows(tmp_path, capsys):
    assert generate_command.run(parse("--out", str(tmp_path / "out"), "--students", "120", "--years", "1")) == 0
    err = capsys.readouterr().err
    # 24 landing files, course_marks, state_counts, 6 plan files
    assert "attendance_daily.csv" in err and "wrote 32 files" in err
    header, rows = read_rows(tmp_path / "out" / "students.csv")
    first_student = rows[0]
    assert first_student[0] not in err
    assert first_student[header.index("last_name")] not in err


@pytest.mark.parametrize("argv, message", [
    (("--students", "0"), "--students must be at least 1"),
    (("--years", "0"), "--years must be at least 1"),
    (("--seed", "-1"), "--seed must be 0 or more"),
])
def test_command_rejects_bad_arguments(tmp_path, capsys, argv, message):
    assert generate_command.run(parse("--out", str(tmp_path), *argv)) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err


def test_command_rejects_an_unwritable_folder(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert generate_command.run(parse("--out", str(blocker / "sub"))) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("alignboard generate: cannot write to") and "\n" not in err


def test_birth_dates_fit_the_grade_and_stay_the_same_every_year(clean):
    import datetime as dt

    header, rows = read_rows(clean / "students.csv")
    col = {name: i for i, name in enumerate(header)}
    grades = ["PK", "KG"] + [f"{g:02d}" for g in range(1, 13)]
    births: dict[str, set[str]] = {}
    first: dict[str, tuple[int, str, str]] = {}
    for row in rows:
        student, year, grade, birth = (row[col["student_id"]], int(row[col["school_year"]]),
                                       row[col["grade_level"]], row[col["birth_date"]])
        births.setdefault(student, set()).add(birth)
        if student not in first or year < first[student][0]:
            first[student] = (year, grade, birth)
    assert all(len(b) == 1 for b in births.values())  # one birth date per student
    for year, grade, birth in first.values():
        born = dt.date.fromisoformat(birth)
        september = dt.date(year - 1, 9, 1)
        age = september.year - born.year - ((september.month, september.day) < (born.month, born.day))
        assert age == grades.index(grade) + 4  # 4 in PK, 5 in KG, 6 in grade 1 ... in their first year


MARK_AS_LETTER = """CASE WHEN mark IN ('A', 'B', 'C', 'D', 'F') THEN mark WHEN mark::INT >= 90 THEN 'A'
    WHEN mark::INT >= 80 THEN 'B' WHEN mark::INT >= 70 THEN 'C' WHEN mark::INT >= 60 THEN 'D' ELSE 'F' END"""


def test_marks_are_letters_in_secondary_and_percentages_in_elementary_schools(clean):
    con = connect(clean)
    by_level = dict(con.execute("""
        SELECT sc.school_level, list_distinct(list(CASE WHEN m.mark IN ('A', 'B', 'C', 'D', 'F') THEN 'letter'
                                                        WHEN regexp_full_match(m.mark, '[0-9]+')
                                                             AND m.mark::INT <= 100 THEN 'percent'
                                                        ELSE m.mark END))
        FROM course_marks m JOIN sections s USING (section_id) JOIN schools sc ON sc.school_id = s.school_id
        GROUP BY 1""").fetchall())
    assert by_level == {"elementary": ["percent"], "middle": ["letter"], "high": ["letter"]}
    # four quarters a year, PK and KG without marks, 0.25 credit a quarter in high school only
    assert one(con, "SELECT string_agg(DISTINCT grading_period, ',' ORDER BY grading_period) FROM course_marks") == "Q1,Q2,Q3,Q4"
    assert one(con, "SELECT count(*) FROM course_marks JOIN sections s USING (section_id) "
                    "WHERE s.grade_level IN ('PK', 'KG')") == 0
    credits = con.execute("""SELECT sc.school_level, string_agg(DISTINCT coalesce(m.credit_attempted, 'blank'), ',')
        FROM course_marks m JOIN sections s USING (section_id) JOIN schools sc ON sc.school_id = s.school_id
        GROUP BY 1 ORDER BY 1""").fetchall()
    assert credits == [("elementary", "blank"), ("high", "0.25"), ("middle", "blank")]


def test_marks_have_a_few_fs_and_follow_attendance(district):
    con = connect(district)
    con.execute(f"CREATE VIEW letters AS SELECT *, {MARK_AS_LETTER} AS letter FROM course_marks")
    share_f = one(con, "SELECT avg((letter = 'F')::INT) FROM letters")
    assert 0.01 <= share_f <= 0.06  # a few F's
    # chronically absent students (10% or more of their days absent) fail far more often
    f_chronic, f_others = con.execute("""
        WITH absence AS (SELECT student_id, sy(calendar_date) AS school_year,
                                avg((status LIKE '%absence')::INT) >= 0.10 AS chronic
                         FROM attendance_daily GROUP BY ALL)
        SELECT avg((letter = 'F')::INT) FILTER (WHERE chronic), avg((letter = 'F')::INT) FILTER (WHERE NOT chronic)
        FROM letters l JOIN absence a ON a.student_id = l.student_id AND a.school_year = l.school_year::INT
    """).fetchone()
    assert f_chronic > 3 * f_others
    # and the benchmark screener: students whose latest benchmark was not proficient fail more often
    f_not_proficient, f_proficient = con.execute("""
        WITH latest AS (SELECT student_id, school_year, arg_max(proficient, test_date) AS proficient
                        FROM assessments WHERE assessment_type = 'benchmark' AND subject = 'math' GROUP BY ALL)
        SELECT avg((letter = 'F')::INT) FILTER (WHERE proficient = 'N'),
               avg((letter = 'F')::INT) FILTER (WHERE proficient = 'Y')
        FROM letters l JOIN sections s USING (section_id, school_year) JOIN latest b USING (student_id, school_year)
        WHERE s.subject = 'math'""").fetchone()
    assert f_not_proficient > 3 * f_proficient


def test_a_year_in_progress_has_the_marks_of_the_periods_ended_by_the_export_day(tmp_path):
    import datetime as dt

    generate(tmp_path, students=150, seed=7, years=1, end_year=2026, today=dt.date(2026, 2, 1))
    con = connect(tmp_path)
    # the four quarters of 2025-26 end on 2025-10-29, 2026-01-21, 2026-04-02 and 2026-06-04 (quarter_ends
    # of its 178-day calendar, 177 + 2026 % 3): on 2026-02-01 only Q1 and Q2 have ended
    assert con.execute("SELECT DISTINCT grading_period, period_end_date FROM course_marks ORDER BY 1").fetchall() == [
        ("Q1", "2025-10-29"), ("Q2", "2026-01-21")]


def test_every_student_has_a_name_that_stays_the_same_every_year(clean):
    con = connect(clean)
    assert one(con, "SELECT count(*) FROM students WHERE first_name IS NULL OR last_name IS NULL") == 0
    assert one(con, "SELECT count(*) FROM (SELECT student_id FROM students GROUP BY 1 "
                    "HAVING count(DISTINCT (first_name, last_name)) > 1)") == 0
    # a small list, so names repeat: many more students than distinct full names would be odd
    assert one(con, "SELECT count(DISTINCT (first_name, last_name)) FROM students") > 100


def test_plans_are_shaped_like_the_seeds(clean):
    con = connect(clean)
    # a district plan of four goals, each with objectives and action steps numbered 1..n
    assert one(con, "SELECT count(*) FROM plan_goals WHERE plan_id = 'SP' AND kind = 'goal' AND parent_goal_id IS NULL") == 4
    assert one(con, """SELECT min(n) FROM (SELECT g.parent_goal_id, count(*) AS n FROM plan_goals AS g
                       WHERE g.plan_id = 'SP' AND g.kind = 'objective' GROUP BY 1)""") >= 2
    assert one(con, """SELECT count(*) FROM (SELECT goal_id, list(step_number::INT ORDER BY step_number::INT) AS s
                       FROM action_steps GROUP BY 1) WHERE s <> range(1, len(s) + 1)""") == 0
    # every level of the alignment model has plans; SMART goals name a student group
    assert {r[0] for r in con.execute("SELECT DISTINCT level FROM plans").fetchall()} == {
        "district", "department", "school", "plc", "classroom"}
    assert one(con, "SELECT count(*) FROM plan_goals WHERE kind = 'smart_goal' AND student_group IS NULL") == 0
    # the schedule's stages and the roadmap's phases
    assert {r[0] for r in con.execute("SELECT DISTINCT stage FROM plan_schedule").fetchall()} == {
        "prepare", "stage_1", "stage_2", "stage_3", "stage_4"}
    assert one(con, "SELECT count(DISTINCT phase) FROM roadmap_reviews") == 4


# --- a year in progress ------------------------------------------------------------------------

def test_the_default_last_year_is_the_school_year_of_the_export_day(in_progress):
    # 2026-12-07 is in July 2026 - June 2027: school year 2027; two years back to 2026
    con = connect(in_progress)
    assert con.execute("SELECT DISTINCT school_year FROM students ORDER BY 1").fetchall() == [("2026",), ("2027",)]
    # the year in progress has its fall: attendance up to the export day (a Monday, a school day)
    assert one(con, "SELECT max(calendar_date) FROM attendance_daily") == "2026-12-07"


DATED_COLUMNS = [
    ("attendance_daily", "calendar_date"), ("assessments", "test_date"), ("cfa_results", "administered_date"),
    ("discipline_incidents", "incident_date"), ("mtss_interventions", "identified_date"),
    ("mtss_interventions", "start_date"), ("mtss_interventions", "end_date"),
    ("section_enrollments", "entry_date"), ("section_enrollments", "exit_date"),
    ("survey_responses", "submitted_date"), ("walkthroughs", "observed_date"), ("plc_sig_ratings", "assessed_date"),
    ("professional_learning", "completed_date"), ("department_kpis", "period_end"),
    ("team_meetings", "meeting_date"), ("action_steps", "completed_date"), ("roadmap_reviews", "review_date"),
    ("plan_schedule", "completed_date"),
]


@pytest.mark.parametrize(("file", "column"), DATED_COLUMNS)
def test_nothing_happens_after_the_export_day(in_progress, file, column):
    con = connect(in_progress)
    assert one(con, f"SELECT count(*) FROM {file} WHERE {column} > '2026-12-07'") == 0


def test_surveys_not_given_by_the_export_day_have_no_invitations(in_progress):
    # the spring surveys of 2027 open in April 2027; the fall student survey (October 2026) was given
    con = connect(in_progress)
    surveys = {s for (s,) in con.execute("SELECT DISTINCT survey_id FROM survey_invitations "
                                         "WHERE school_year = '2027'").fetchall()}
    assert surveys == {"2027-student-fall"}


def test_a_step_not_done_by_the_export_day_is_still_open(in_progress):
    con = connect(in_progress)
    assert one(con, "SELECT count(*) FROM action_steps WHERE status = 'complete' AND completed_date IS NULL") == 0
    # the plans start in the year in progress, so some steps are due later and cannot be complete yet
    assert one(con, "SELECT count(*) FROM action_steps WHERE due_date > '2026-12-07'") > 0
    assert one(con, "SELECT count(*) FROM action_steps WHERE due_date > '2026-12-07' AND status = 'complete' "
                    "AND completed_date > '2026-12-07'") == 0
    # a step due before the export day is at most a few months overdue, never a year
    assert one(con, "SELECT min(due_date) FROM action_steps") >= "2026-07-01"


def test_teams_file_lists_every_owner_meeting_in_the_year_in_progress(in_progress):
    con = connect(in_progress)
    meeting = set(con.execute("SELECT DISTINCT team, owner_id FROM team_meetings "
                              "WHERE meeting_date >= '2026-07-01'").fetchall())
    teams = con.execute("SELECT team_id, team_type, owner_id, cadence FROM teams").fetchall()
    assert {(t, o) for _, t, o, _ in teams} >= meeting
    assert all(team_id == f"{t}:{o}" for team_id, t, o, _ in teams)
    cadence = {t: c for _, t, _, c in teams}
    assert cadence == {"DLT": "quarterly", "OLT": "monthly", "BLT": "biweekly", "PLC": "biweekly", "CLC": "weekly"}


def test_a_plc_team_lists_the_teachers_of_its_sections(in_progress):
    con = connect(in_progress)
    wrong = one(con, """
        WITH listed AS (SELECT owner_id AS plc_id, unnest(string_split(member_staff_ids, '|')) AS staff_id
                        FROM teams WHERE team_type = 'PLC'),
             taught AS (SELECT DISTINCT plc_id, staff_id FROM sections WHERE school_year = '2027')
        SELECT count(*) FROM (SELECT * FROM listed EXCEPT SELECT * FROM taught
                              UNION ALL (SELECT * FROM taught WHERE plc_id IN (SELECT plc_id FROM listed)
                                         EXCEPT SELECT * FROM listed))""")
    assert wrong == 0


def test_every_meeting_has_next_steps_and_some_record_a_decision(in_progress):
    con = connect(in_progress)
    assert one(con, "SELECT count(*) FROM team_meetings WHERE next_steps IS NULL OR next_steps = ''") == 0
    share = one(con, "SELECT avg(CASE WHEN decisions <> '' THEN 1.0 ELSE 0 END) FROM team_meetings")
    assert 0.2 < share < 0.4  # DECISION_SHARE 0.3 of a few thousand meetings
