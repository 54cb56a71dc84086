"""The balanced scorecard mart on the hand-built district (tests/unit/metrics_fixture.py)."""
import pytest

from assets.metrics.catalog import load_catalog, with_overrides
from assets.metrics.scorecard import build_scorecard
from tests.unit.metrics_fixture import build_marts, district


@pytest.fixture(scope="module")
def con():
    connection = district(with_plans=True)
    build_marts(connection)
    yield connection
    connection.close()


def _row(con, level, entity_id, metric_id, year=2026) -> dict:
    cursor = con.execute(
        "SELECT * FROM mart.scorecard WHERE level = ? AND entity_id = ? AND metric_id = ? AND school_year = ?",
        [level, entity_id, metric_id, year])
    names = [d[0] for d in cursor.description]
    row = cursor.fetchone()
    return dict(zip(names, row)) if row else None


def test_status_is_direction_aware_with_bands(con):
    # attendance (higher, target 0.95, band 0.02): S1 57/65 = 0.877 -> off; C2 28/30 = 0.933 -> near
    assert _row(con, "school", "S1", "attendance_rate")["status"] == "off"
    assert _row(con, "classroom", "C2", "attendance_rate")["status"] == "near"
    # chronic absence (lower, target 0.10): S1 0.4 -> off; mtss (lower, target 0.20) 2025 S1 0/2 -> on_target
    assert _row(con, "school", "S1", "chronic_absence_rate")["status"] == "off"
    assert _row(con, "school", "S1", "mtss_identified_rate", 2025)["status"] == "on_target"
    # walkthrough empowered learning (target 0.80, band 0.10): S1 0.75 -> near; S2 standards 1.0 -> on_target
    assert _row(con, "school", "S1", "walkthrough_lookfor_rate.empowered_learning")["status"] == "near"
    assert _row(con, "school", "S2", "walkthrough_lookfor_rate.standards")["status"] == "on_target"
    # P1 cadence 0.75 vs 0.90 with band 0.10 -> off
    assert _row(con, "plc", "P1", "meeting_cadence_met")["status"] == "off"


def test_the_edge_of_the_band_is_near():
    # S1 empowered learning 3/4 = 0.75 vs target 0.80 with a band of exactly 0.05 (0.80 - 0.75 is
    # 0.05000000000000004 in binary floating point; the status still says near)
    catalog = with_overrides(load_catalog(config_path=""), walkthrough_lookfor_rate={"near": 0.05})
    con = district()
    build_marts(con, catalog)
    assert _row(con, "school", "S1", "walkthrough_lookfor_rate.empowered_learning")["status"] == "near"
    # S1 standards 0.5 is 0.30 away -> off
    assert _row(con, "school", "S1", "walkthrough_lookfor_rate.standards")["status"] == "off"


def test_kpis_use_the_departments_target_and_direction(con):
    # on_time_routes: 0.96 vs the reported target 0.95, higher is better -> on_target;
    # change vs 2025 (0.90) = +0.06
    row = _row(con, "department", "TRN", "kpi.on_time_routes")
    assert (row["value"], row["target"], row["direction"], row["status"]) == (0.96, 0.95, "higher", "on_target")
    assert row["prior_value"] == 0.90 and row["change_vs_prior"] == pytest.approx(0.06)
    assert row["metric_name"] == "On-time routes" and row["perspective"] == "Resources & Operations"
    # meal_waste: 0.12 vs 0.10, lower is better; near = within 5% of the target (0.005) -> off
    row = _row(con, "department", "NUT", "kpi.meal_waste")
    assert (row["direction"], row["near_band"], row["status"]) == ("lower", pytest.approx(0.005), "off")
    # a department only carries the KPIs it reports
    assert _row(con, "department", "NUT", "kpi.on_time_routes") is None


def test_change_vs_prior_year(con):
    # S1 attendance 57/65 (2026) vs 15/20 (2025)
    row = _row(con, "school", "S1", "attendance_rate")
    assert row["prior_value"] == 0.75
    assert row["change_vs_prior"] == pytest.approx(57 / 65 - 0.75)
    # chronic absence 0.4 vs 0.5
    assert _row(con, "school", "S1", "chronic_absence_rate")["change_vs_prior"] == pytest.approx(-0.1)
    # no prior value -> no change
    assert _row(con, "school", "S1", "mandatory_pd_hours")["change_vs_prior"] is None


def test_no_data_rows_are_explicit(con):
    # S2 has no staff survey: the row says no_data, with no value (not zero)
    row = _row(con, "school", "S2", "percent_favorable.staff.collaboration")
    assert (row["status"], row["value"], row["numerator"]) == ("no_data", None, None)
    assert _row(con, "school", "S2", "proficiency_rate.ela")["status"] == "no_data"
    # 2025: S2 had no students -> attendance no_data
    assert _row(con, "school", "S2", "attendance_rate", 2025)["status"] == "no_data"


def test_every_layer_comes_from_the_same_mart(con):
    levels = con.execute("SELECT DISTINCT level FROM mart.scorecard ORDER BY 1").fetchall()
    assert levels == [("classroom",), ("department",), ("district",), ("plc",), ("school",)]
    perspectives = {p for (p,) in con.execute("SELECT DISTINCT perspective FROM mart.scorecard").fetchall()}
    assert perspectives == {"Student Learning", "Stakeholder Perception", "Systems & Processes",
                            "Staff Learning & Growth", "Resources & Operations"}
    # the classroom scorecard of C1 has its CFA data and its CLC cadence; 2026 classrooms only
    c1 = {m for (m,) in con.execute(
        "SELECT metric_id FROM mart.scorecard WHERE level = 'classroom' AND entity_id = 'C1' AND school_year = 2026"
    ).fetchall()}
    assert {"cfa_mastery_rate", "meeting_cadence_met", "attendance_rate"} <= c1
    assert con.execute("SELECT count(*) FROM mart.scorecard WHERE entity_id = 'C9' AND school_year = 2026"
                       ).fetchone() == (0,)
    # the support-services (department) scorecard
    trn = {m for (m,) in con.execute(
        "SELECT metric_id FROM mart.scorecard WHERE level = 'department' AND entity_id = 'TRN' AND school_year = 2026"
    ).fetchall()}
    assert trn == {"kpi.on_time_routes", "mandatory_pd_hours", "pd_feedback_favorable", "meeting_cadence_met",
                   "pd_feedback_response_rate", *(f"mandatory_pd_hours_by_setting.{s}" for s in
                                                  ("school_day", "after_hours", "on_site", "off_site"))}


def test_suppression_flags_reach_the_scorecard(con):
    row = _row(con, "school", "S1", "attendance_rate")
    assert (row["suppressed"], row["suppression_reason"], row["prior_suppressed"]) == (
        True, "fewer than 10 students", True)


def test_change_is_only_between_equal_versions():
    con = district()
    build_marts(con)
    con.execute("UPDATE mart.metric_values SET metric_version = 3 WHERE school_year = 2026 "
                "AND metric_id = 'attendance_rate'")
    build_scorecard(con)
    row = _row(con, "school", "S1", "attendance_rate")
    assert (row["metric_version"], row["prior_value"], row["change_vs_prior"]) == (3, None, None)
