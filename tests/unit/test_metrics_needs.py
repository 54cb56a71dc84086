"""The needs assessment mart on the hand-built district (tests/unit/metrics_fixture.py).

The district is tiny, so the student metrics use min_n 1 and no top and bottom coding here
(nothing suppressed); the last test keeps the defaults and checks that suppressed cells produce
no gap, rank or flag.
"""
import pytest

from assets.metrics.catalog import load_catalog, with_overrides
from tests.unit.metrics_fixture import build_marts, district

STUDENT_METRICS = ("attendance_rate", "chronic_absence_rate", "proficiency_rate", "cfa_mastery_rate",
                   "oss_rate", "mtss_identified_rate")


@pytest.fixture(scope="module")
def con():
    catalog = load_catalog(config_path="")
    catalog = with_overrides(catalog, **{m: {"min_n": 1} for m in STUDENT_METRICS})
    connection = district()
    build_marts(connection, catalog, coding_bands=())
    yield connection
    connection.close()


def _rows(con, where: str, params: list) -> list[dict]:
    cursor = con.execute(f"SELECT * FROM mart.needs_assessment WHERE school_year = 2026 AND {where}", params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _metric(con, level, entity_id, metric_id) -> dict:
    (row,) = _rows(con, "row_type = 'metric' AND level = ? AND entity_id = ? AND metric_id = ?",
                   [level, entity_id, metric_id])
    return row


def _gap(con, level, entity_id, metric_id, group) -> dict:
    (row,) = _rows(con, "row_type = 'group_gap' AND level = ? AND entity_id = ? AND metric_id = ? "
                        "AND student_group = ?", [level, entity_id, metric_id, group])
    return row


def test_gap_to_target_and_to_the_district(con):
    row = _metric(con, "school", "S1", "attendance_rate")
    # S1 57/65 vs target 0.95 and district 81/91; positive = better
    assert row["gap_to_target"] == pytest.approx(57 / 65 - 0.95)
    assert row["district_value"] == pytest.approx(81 / 91)
    assert row["gap_to_district"] == pytest.approx(57 / 65 - 81 / 91)
    assert row["n"] == 7 and row["assessment"] == "need"
    # chronic absence is lower-is-better: 0.4 vs 0.10 is 0.30 worse -> gap -0.30
    row = _metric(con, "school", "S1", "chronic_absence_rate")
    assert row["gap_to_target"] == pytest.approx(-0.3)
    assert row["gap_to_district"] == pytest.approx(-(0.4 - 3 / 8))
    # the district has no district comparison
    assert _metric(con, "district", "D1", "attendance_rate")["gap_to_district"] is None


def test_strengths_and_needs_are_ranked_by_gap_in_bands(con):
    needs = [(r["rank"], r["metric_id"]) for r in _rows(
        con, "row_type = 'metric' AND entity_id = 'S1' AND assessment = 'need' ORDER BY rank", [])]
    # in bands: oss -(0.1429 - 0.02)/0.01 = -12.3, chronic -0.30/0.03 = -10, then cadence and
    # math at -4.0 (by id), attendance -3.65 (mandatory PD, 2.17 h under its 12 h ceiling, is no need)
    assert needs[:5] == [(1, "oss_rate"), (2, "chronic_absence_rate"), (3, "meeting_cadence_met"),
                         (4, "proficiency_rate.math"), (5, "attendance_rate")]
    # the district: mandatory PD 11.5 / 7 = 1.64 h, (12 - 1.64)/2 = 5.2 bands under the ceiling; its
    # DLT cadence 2 of 2 quarters, (1 - 0.9)/0.1 = 1 band; PD feedback answered 6 of 7, 0.57 band
    strengths = _rows(con, "row_type = 'metric' AND entity_id = 'D1' AND assessment = 'strength' ORDER BY rank", [])
    assert [(r["metric_id"], r["rank"]) for r in strengths] == [
        ("mandatory_pd_hours", 1), ("meeting_cadence_met", 2), ("pd_feedback_response_rate", 3)]


def test_group_gap_against_all_other_students_with_both_n(con):
    row = _gap(con, "district", "D1", "attendance_rate", "race_ethnicity:black")
    # black s02 4/9, s04 10/10, s07 10/10 = 24/29 (n 3); others = (81 - 24)/(91 - 29) = 57/62 (n 6)
    assert (row["value"], row["n"], row["others_n"]) == (pytest.approx(24 / 29), 3, 6)
    assert row["others_value"] == pytest.approx(57 / 62)
    assert row["group_gap"] == pytest.approx(24 / 29 - 57 / 62)
    assert row["large_gap"] is True  # -0.092 is beyond one band (0.02)
    # chronic absence (lower is better): black 0/2 vs others 3/6 -> the group does better
    row = _gap(con, "district", "D1", "chronic_absence_rate", "race_ethnicity:black")
    assert row["group_gap"] == pytest.approx(0.5) and row["large_gap"] is False


def test_a_gap_recurring_across_metrics_is_a_possible_systemic_inequity(con):
    # black students at the district do worse than the others by at least one band in
    # attendance (-0.092), proficiency ELA (0/1 vs 2/2 = -1), OSS (1/3 vs 1/6, -0.167 against
    # a band of 0.01) and MTSS identification (3/3 vs 0/6) -> 4 metrics >= 3
    black = _rows(con, "row_type = 'group_gap' AND entity_id = 'D1' AND student_group = 'race_ethnicity:black'", [])
    assert {r["metric_id"] for r in black if r["large_gap"]} == {
        "attendance_rate", "proficiency_rate.ela", "oss_rate", "mtss_identified_rate"}
    assert {(r["systemic_metric_count"], r["possible_systemic_inequity"]) for r in black} == {(4, True)}
    # white students: chronic absence 2/3 vs 1/5, math 0/1 vs 2/3, OSS 1/3 vs 1/6 -> 3 -> flagged
    white = _rows(con, "row_type = 'group_gap' AND entity_id = 'D1' AND student_group = 'race_ethnicity:white'", [])
    assert {r["metric_id"] for r in white if r["large_gap"]} == {
        "chronic_absence_rate", "proficiency_rate.math", "oss_rate"}
    assert all(r["possible_systemic_inequity"] for r in white)
    # girls: no large gap anywhere except where they do worse; never 3 -> not flagged
    girls = _rows(con, "row_type = 'group_gap' AND entity_id = 'D1' AND student_group = 'sex:F'", [])
    assert not any(r["possible_systemic_inequity"] for r in girls)


def test_largest_group_gaps_rank_first(con):
    first = _rows(con, "row_type = 'group_gap' AND entity_id = 'D1' AND rank = 1", [])
    # the most negative gap in bands: boys' OSS rate, s02 and s08 of s02 s04 s06 s08 = 2/4 against
    # 0/5 for the others, -0.5 = -50 bands of 0.01
    assert [(r["metric_id"], r["student_group"], r["n"], r["others_n"]) for r in first] == [
        ("oss_rate", "sex:M", 4, 5)]
    assert first[0]["group_gap"] == pytest.approx(-0.5)


def test_suppressed_cells_give_no_gaps_ranks_or_flags():
    con = district()
    build_marts(con)  # default min_n 10: every student cell of this district is suppressed
    rows = con.execute(
        "SELECT count(*) FILTER (WHERE large_gap), count(*) FILTER (WHERE possible_systemic_inequity), "
        "count(*) FILTER (WHERE rank IS NOT NULL) FROM mart.needs_assessment "
        "WHERE row_type = 'group_gap' OR metric_id = 'attendance_rate'"
    ).fetchone()
    assert rows == (0, 0, 0)
