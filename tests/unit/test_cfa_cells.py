"""mart.cfa_cells: CFA mastery by assessment and standard, marked for public release."""
import duckdb

from assets.metrics.catalog import load_catalog
from assets.metrics.cfa_cells import build_cfa_cells
from assets.metrics.suppression import COMPLEMENTARY_REASON, CodingBand

BANDS = [CodingBand(30, 0.10, 0.90), CodingBand(60, 0.05, 0.95), CodingBand(None, 0.01, 0.99)]
HIERARCHY = [("school", "S1", "district", "D1"), ("plc", "P1", "school", "S1"), ("plc", "P2", "school", "S1"),
             ("classroom", "C1", "plc", "P1"), ("classroom", "C2", "plc", "P1"), ("classroom", "C3", "plc", "P2")]


def _build(rows: list[tuple[str, str, int, int]]) -> dict:
    """Build mart.cfa_cells from (section, standard, students, mastered) rows of assessment A1;
    return (level, entity, standard) -> (students, mastered, reason, range)."""
    con = duckdb.connect()
    con.execute("CREATE SCHEMA staging")
    con.execute("CREATE SCHEMA mart")
    con.execute("CREATE TABLE staging.org_hierarchy (entity_level VARCHAR, entity_id VARCHAR, entity_name VARCHAR, "
                "parent_level VARCHAR, parent_id VARCHAR, district_id VARCHAR, school_id VARCHAR)")
    con.executemany("INSERT INTO staging.org_hierarchy VALUES (?, ?, ?, ?, ?, 'D1', 'S1')",
                    [(level, entity, entity, pl, pid) for level, entity, pl, pid in HIERARCHY])
    con.execute("CREATE TABLE mart.cfa_mastery (school_year INTEGER, section_id VARCHAR, plc_id VARCHAR, "
                "school_id VARCHAR, cfa_id VARCHAR, cfa_title VARCHAR, standard_code VARCHAR, "
                "administered_date DATE, students BIGINT, mastered BIGINT)")
    plc = {"C1": "P1", "C2": "P1", "C3": "P2"}
    con.executemany("INSERT INTO mart.cfa_mastery VALUES "
                    "(2026, ?, ?, 'S1', 'A1', 'Fractions', ?, DATE '2026-02-01', ?, ?)",
                    [(section, plc[section], standard, students, mastered)
                     for section, standard, students, mastered in rows])
    build_cfa_cells(con, load_catalog(config_path="").metrics["cfa_mastery_rate"], BANDS)
    return {(level, entity, standard): rest for level, entity, standard, *rest in con.execute(
        "SELECT level, entity_id, standard_code, students, mastered, suppression_reason, value_range "
        "FROM mart.cfa_cells").fetchall()}


def test_a_small_classroom_cannot_be_worked_out_from_its_plc():
    # P1: C1 12 students, 3 mastered; C2 9, 2 (under 10). P1 = 21 / 5 would give C2 = 21 - 12, 5 - 3,
    # so C1 is hidden too. P2 = C3 = 17 / 8 (47%) shows; S1 = 38 / 13 shows.
    cells = _build([("C1", "X", 12, 3), ("C2", "X", 9, 2), ("C3", "X", 17, 8)])
    assert cells == {
        ("classroom", "C1", "X"): [12, 3, COMPLEMENTARY_REASON, None],
        ("classroom", "C2", "X"): [9, 2, "fewer than 10 students", None],
        ("classroom", "C3", "X"): [17, 8, None, None],
        ("plc", "P1", "X"): [21, 5, None, None],
        ("plc", "P2", "X"): [17, 8, None, None],
        ("school", "S1", "X"): [38, 13, None, None],
    }


def test_all_mastered_shows_as_a_range_and_its_plc_twin_is_hidden_with_it():
    # C3 17 of 17 (n <= 30: ">=90%"); P2 is C3's students only, the same 17 of 17, hidden with it.
    # S1 (38 / 22) = P1 + P2 with only P2 hidden would give P2 back, so P1 (21 / 5, 24%) is hidden as
    # its complement; C1 is hidden as C2's complement, as in the test above. S1 still shows: its
    # PLCs hold two hidden populations (P1, and P2 with C3).
    cells = _build([("C1", "X", 12, 3), ("C2", "X", 9, 2), ("C3", "X", 17, 17)])
    assert cells == {
        ("classroom", "C1", "X"): [12, 3, COMPLEMENTARY_REASON, None],
        ("classroom", "C2", "X"): [9, 2, "fewer than 10 students", None],
        ("classroom", "C3", "X"): [17, 17, "90% or more", ">=90%"],
        ("plc", "P1", "X"): [21, 5, COMPLEMENTARY_REASON, None],
        ("plc", "P2", "X"): [17, 17, "90% or more", ">=90%"],
        ("school", "S1", "X"): [38, 22, None, None],
    }
