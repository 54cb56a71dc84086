"""Primary and complementary suppression (DESIGN.md "Privacy")."""
import duckdb

from assets.metrics.catalog import load_catalog, with_overrides
from assets.metrics.suppression import COMPLEMENTARY_REASON as HIDDEN_BY_COMPLEMENT, apply_suppression
from tests.unit.metrics_fixture import build_marts, district

HIERARCHY = [
    ("district", "D1", None, None), ("school", "S1", "district", "D1"),
    ("school", "S2", "district", "D1"), ("school", "S3", "district", "D1"),
    ("plc", "P4", "school", "S1"), ("plc", "P5", "school", "S1"),
]


def _cells(rows: list[tuple[str, str, int]]) -> duckdb.DuckDBPyConnection:
    """A cells table for metric m (min_n 10) from (level/entity, student_group, n) rows."""
    con = duckdb.connect()
    con.execute("CREATE SCHEMA staging")
    con.execute("CREATE TABLE staging.org_hierarchy (entity_level VARCHAR, entity_id VARCHAR, entity_name VARCHAR, "
                "parent_level VARCHAR, parent_id VARCHAR, district_id VARCHAR, school_id VARCHAR)")
    con.executemany("INSERT INTO staging.org_hierarchy VALUES (?, ?, ?, ?, ?, 'D1', NULL)",
                    [(level, entity, entity, pl, pid) for level, entity, pl, pid in HIERARCHY])
    con.execute("CREATE TABLE cells (cell_id BIGINT, metric_id VARCHAR, metric_version INTEGER, school_year INTEGER, "
                "period VARCHAR, level VARCHAR, entity_id VARCHAR, student_group VARCHAR, numerator DOUBLE, "
                "denominator DOUBLE, value DOUBLE, n BIGINT, min_n INTEGER, n_unit VARCHAR, suppressed BOOLEAN, "
                "suppression_reason VARCHAR)")
    if rows:
        con.executemany(
            "INSERT INTO cells VALUES (?, 'm', 1, 2026, 'year', ?, ?, ?, 0, ?, 0, ?, 10, 'students', false, NULL)",
            [(i, level, entity, group, n, n) for i, ((level, entity), group, n) in enumerate(rows)],
        )
    return con


def _state(con) -> dict:
    return {(e, g): r for e, g, r in con.execute(
        "SELECT entity_id, student_group, suppression_reason FROM cells").fetchall()}


def test_one_small_cell_suppresses_the_next_smallest():
    s1 = ("school", "S1")
    con = _cells([(s1, "all", 30), (s1, "race_ethnicity:asian", 3), (s1, "race_ethnicity:black", 12),
                  (s1, "race_ethnicity:white", 15)])
    assert apply_suppression(con, "cells") == 2
    assert _state(con) == {
        ("S1", "all"): None,
        ("S1", "race_ethnicity:asian"): "fewer than 10 students",
        ("S1", "race_ethnicity:black"): HIDDEN_BY_COMPLEMENT,  # else asian = all - black - white
        ("S1", "race_ethnicity:white"): None,
    }


def test_two_small_cells_need_no_complement():
    s1 = ("school", "S1")
    con = _cells([(s1, "all", 30), (s1, "sex:F", 4), (s1, "sex:X", 2), (s1, "sex:M", 24)])
    apply_suppression(con, "cells")
    assert _state(con) == {("S1", "all"): None, ("S1", "sex:F"): "fewer than 10 students",
                           ("S1", "sex:X"): "fewer than 10 students", ("S1", "sex:M"): None}


def test_complements_cascade_across_schools_and_groups():
    s1, s2, s3 = ("school", "S1"), ("school", "S2"), ("school", "S3")
    con = _cells([
        (("district", "D1"), "sex:F", 54), (("district", "D1"), "sex:M", 77),
        (s1, "sex:F", 4), (s1, "sex:M", 12),
        (s2, "sex:F", 20), (s2, "sex:M", 25),
        (s3, "sex:F", 30), (s3, "sex:M", 40),
    ])
    apply_suppression(con, "cells")
    # round 1: S1 F is small; S1 M completes S1's sex breakdown and S2 F (smallest other school)
    # completes the schools of D1 for sex:F. Round 2: S2 M now completes S2's breakdown.
    # Then sex:M across schools has two hidden cells (S1, S2) and nothing more is needed.
    assert _state(con) == {
        ("D1", "sex:F"): None, ("D1", "sex:M"): None,
        ("S1", "sex:F"): "fewer than 10 students", ("S1", "sex:M"): HIDDEN_BY_COMPLEMENT,
        ("S2", "sex:F"): HIDDEN_BY_COMPLEMENT, ("S2", "sex:M"): HIDDEN_BY_COMPLEMENT,
        ("S3", "sex:F"): None, ("S3", "sex:M"): None,
    }


def test_cells_that_are_one_population_are_hidden_together():
    # S1 has a grade-4 PLC (P4, 5 students) and a grade-5 PLC (P5, 28 students). grade:04 of S1,
    # grade:04 of P4 and 'all' of P4 are the same 5 students; grade:05 of S1, grade:05 of P5 and
    # 'all' of P5 the same 28. The 5 are too few, so S1's grade breakdown (33 = 5 + 28) needs a
    # second hidden population: grade:05, and with it every cell of those 28 students. Hiding
    # only S1's grade:05 would leave P5's grade:05 (28 of 28) showing what it hides.
    s1, p4, p5 = ("school", "S1"), ("plc", "P4"), ("plc", "P5")
    con = _cells([(s1, "all", 33), (s1, "grade:04", 5), (s1, "grade:05", 28),
                  (p4, "all", 5), (p4, "grade:04", 5), (p5, "all", 28), (p5, "grade:05", 28)])
    assert apply_suppression(con, "cells") == 6
    few = "fewer than 10 students"
    assert _state(con) == {
        ("S1", "all"): None,
        ("S1", "grade:04"): few, ("P4", "grade:04"): few, ("P4", "all"): few,
        ("S1", "grade:05"): HIDDEN_BY_COMPLEMENT, ("P5", "grade:05"): HIDDEN_BY_COMPLEMENT,
        ("P5", "all"): HIDDEN_BY_COMPLEMENT,
    }


def test_a_hidden_total_whose_parts_all_show_gets_a_part_hidden():
    # D1 (70) = S1 (25) + S2 (40) + S3 (5): S3 is too few, so S1, the smallest other school, is
    # hidden as its complement. S1's 25 = sex:F 15 + sex:M 10 would give it back, so the smaller
    # part, sex:M, is hidden too; then S1's breakdown has two hidden cells and F stays shown.
    con = _cells([(("district", "D1"), "all", 70), (("school", "S1"), "all", 25), (("school", "S2"), "all", 40),
                  (("school", "S3"), "all", 5), (("school", "S1"), "sex:F", 15), (("school", "S1"), "sex:M", 10)])
    apply_suppression(con, "cells")
    assert _state(con) == {
        ("D1", "all"): None, ("S1", "all"): HIDDEN_BY_COMPLEMENT, ("S2", "all"): None,
        ("S3", "all"): "fewer than 10 students", ("S1", "sex:F"): None, ("S1", "sex:M"): HIDDEN_BY_COMPLEMENT,
    }


def test_breakdowns_of_other_metrics_and_periods_do_not_mix():
    # The same school and groups in four slices: metric m and m2, each for the year and for
    # ytd:2026-03-31. Only (m, year) has a small cell (sex:X, 3), so only its own breakdown gets
    # a complement (sex:F 12, the smallest shown part); the other three slices, all large, keep
    # every cell. Breakdowns numbered without their metric or period would pull those in too.
    con = _cells([])
    rows = [(metric, period, group, n) for metric in ("m", "m2") for period in ("year", "ytd:2026-03-31")
            for group, n in (("all", 40), ("sex:F", 12), ("sex:M", 25), ("sex:X", 3))]
    rows = [(m, p, g, 30 if (m, p) != ("m", "year") and g == "sex:X" else n) for m, p, g, n in rows]
    con.executemany(
        "INSERT INTO cells VALUES (?, ?, 1, 2026, ?, 'school', 'S1', ?, 0, ?, 0, ?, 10, 'students', false, NULL)",
        [(i, m, p, g, n, n) for i, (m, p, g, n) in enumerate(rows)])
    assert apply_suppression(con, "cells") == 2
    hidden = con.execute("SELECT metric_id, period, student_group, suppression_reason FROM cells "
                         "WHERE suppressed ORDER BY student_group").fetchall()
    assert hidden == [("m", "year", "sex:F", HIDDEN_BY_COMPLEMENT), ("m", "year", "sex:X", "fewer than 10 students")]


def test_student_level_rows_are_not_marked():
    con = _cells([(("student", "s1"), "all", 1)])
    assert apply_suppression(con, "cells") == 0


def test_engine_marks_the_hand_built_district_with_min_n_3():
    catalog = load_catalog(config_path="")
    catalog = with_overrides(catalog, chronic_absence_rate={"min_n": 3})
    con = district()
    build_marts(con, catalog)
    rows = dict(con.execute(
        "SELECT student_group, coalesce(suppression_reason, '') FROM mart.metric_values "
        "WHERE metric_id = 'chronic_absence_rate' AND level = 'district' AND school_year = 2026 AND period = 'year' "
        "AND (starts_with(student_group, 'sex:') OR starts_with(student_group, 'race_ethnicity:'))"
    ).fetchall())
    # sex: F 4 eligible, M 3, X 1 -> X is small; M, the next smallest, is suppressed with it
    assert rows["sex:X"] == "fewer than 3 students"
    assert rows["sex:M"] == HIDDEN_BY_COMPLEMENT
    assert rows["sex:F"] == ""
    # race: hispanic 1, two_or_more 1, black 2 are small; three hidden cells need no complement
    assert rows["race_ethnicity:hispanic_latino"] == "fewer than 3 students"
    assert rows["race_ethnicity:two_or_more"] == "fewer than 3 students"
    assert rows["race_ethnicity:black"] == "fewer than 3 students"
    assert rows["race_ethnicity:white"] == ""
    # values stay in the mart; hiding them is the query layer's job (dashboards/queries)
    assert con.execute(
        "SELECT numerator, denominator FROM mart.metric_values WHERE metric_id = 'chronic_absence_rate' "
        "AND level = 'district' AND school_year = 2026 AND student_group = 'sex:X' AND period = 'year'"
    ).fetchone() == (0, 1)


def test_default_min_n_is_ten_students():
    con = district()
    build_marts(con)
    # S1 attendance has 7 students -> suppressed; walkthroughs (systems data) are not
    assert con.execute(
        "SELECT suppressed, suppression_reason FROM mart.metric_values WHERE metric_id = 'attendance_rate' "
        "AND level = 'school' AND entity_id = 'S1' AND student_group = 'all' AND school_year = 2026 AND period = 'year'"
    ).fetchone() == (True, "fewer than 10 students")
    assert con.execute(
        "SELECT bool_or(suppressed) FROM mart.metric_values WHERE starts_with(metric_id, 'walkthrough')"
    ).fetchone() == (False,)
