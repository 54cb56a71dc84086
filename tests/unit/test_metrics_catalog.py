"""The metric catalog: every DESIGN.md metric, district overrides, versions."""
import dataclasses
import textwrap

import pytest

from assets.metrics.catalog import (
    CatalogError, LEVELS, load_catalog, lock_problems, with_overrides,
)
from tests.unit.metrics_fixture import build_marts, cell, district

DESIGN_METRICS = {
    "attendance_rate", "chronic_absence_rate", "proficiency_rate", "cfa_mastery_rate", "oss_rate",
    "mtss_identified_rate", "percent_favorable", "survey_response_rate", "walkthrough_lookfor_rate",
    "plc_sig_implementing_rate", "mandatory_pd_hours", "pd_feedback_favorable", "action_steps_on_time",
    "meeting_cadence_met", "kpi", "mandatory_pd_hours_by_setting", "pd_feedback_response_rate",
}
PERSPECTIVES = ("Student Learning", "Stakeholder Perception", "Systems & Processes",
                "Staff Learning & Growth", "Resources & Operations")


def _config(tmp_path, text: str):
    path = tmp_path / "district.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def test_every_design_metric_is_in_the_catalog_with_every_field():
    catalog = load_catalog(config_path="")
    assert set(catalog.metrics) == DESIGN_METRICS
    assert catalog.perspectives == PERSPECTIVES
    for metric in catalog.metrics.values():
        assert metric.name and metric.numerator and metric.denominator and metric.definition
        assert metric.kind in ("student", "perception", "systems")
        assert metric.direction in ("higher", "lower")
        assert set(metric.levels) <= set(LEVELS) and metric.levels
        assert metric.version >= 1 and metric.min_n >= 0 and metric.near >= 0
        assert metric.sql_path.is_file()
    # DESIGN.md: tardy and early departure count as attended; chronic absence is >= 0.10 of >= 10 days
    attended = ["present", "tardy", "early_departure"]
    assert catalog.metrics["chronic_absence_rate"].parameters == {
        "cutoff": 0.10, "min_enrolled_days": 10, "attended_statuses": attended}
    assert catalog.metrics["attendance_rate"].parameters == {"attended_statuses": attended}
    assert catalog.metrics["kpi"].perspective == "Resources & Operations"
    assert catalog.metrics["proficiency_rate"].levels == ("district", "school", "student")
    assert catalog.metrics["cfa_mastery_rate"].levels == ("plc", "classroom", "student")


def test_shipped_definitions_match_their_locked_versions():
    assert lock_problems(load_catalog(config_path="")) == []


def test_editing_a_shipped_definition_without_a_bump_is_caught():
    catalog = load_catalog(config_path="")
    parameters = {**catalog.metrics["chronic_absence_rate"].parameters, "cutoff": 0.2}
    edited = with_overrides(catalog, chronic_absence_rate={"parameters": parameters})
    assert lock_problems(edited) == [
        "chronic_absence_rate: the definition changed but version 2 is locked to another definition; "
        "bump its version in catalog.yaml"
    ]
    bumped = with_overrides(edited, chronic_absence_rate={"version": 3})
    assert lock_problems(bumped) == ["chronic_absence_rate version 3 is not in catalog.lock"]


def test_district_changes_targets_bands_and_min_n_without_a_version(tmp_path, monkeypatch):
    path = _config(tmp_path, """
        metrics:
          attendance_rate: {target: 0.93, near: 0.03, min_n: 5}
          proficiency_rate:
            targets:
              proficiency_rate.math: {target: 0.5}
        needs_assessment: {systemic_min_metrics: 2}
        other_section: {ignored: true}
    """)
    monkeypatch.setenv("ALIGNBOARD_CONFIG", str(path))
    catalog = load_catalog()
    attendance = catalog.metrics["attendance_rate"]
    assert (attendance.target, attendance.near, attendance.min_n, attendance.version) == (0.93, 0.03, 5, 2)
    assert catalog.metrics["proficiency_rate"].targets == {"proficiency_rate.math": {"target": 0.5, "near": None}}
    assert catalog.systemic_min_metrics == 2
    con = district()
    build_marts(con, catalog)
    # S1 math 1/2 = 0.5 meets its own target 0.5; ELA 2/3 against the family target 0.70 is near
    status = dict(con.execute(
        "SELECT metric_id, status FROM mart.scorecard WHERE level = 'school' AND entity_id = 'S1' "
        "AND school_year = 2026 AND starts_with(metric_id, 'proficiency_rate')").fetchall())
    assert status == {"proficiency_rate.math": "on_target", "proficiency_rate.ela": "near"}


def test_changing_the_chronic_cutoff_needs_a_new_version(tmp_path):
    path = _config(tmp_path, """
        metrics:
          chronic_absence_rate:
            parameters: {cutoff: 0.15}
    """)
    with pytest.raises(CatalogError, match="chronic_absence_rate: numerator, definition, parameters changed.*"
                                           "set version to 3"):
        load_catalog(path)


def test_the_definition_text_shows_the_configured_parameters(tmp_path):
    default = load_catalog(config_path="").metrics["chronic_absence_rate"]
    assert "is 10% or more (exactly 10% counts)" in default.definition
    assert "at least 10 enrolled days" in default.definition
    assert "one of present, tardy, early_departure" in default.definition
    path = _config(tmp_path, """
        metrics:
          chronic_absence_rate:
            parameters: {cutoff: 0.15, min_enrolled_days: 20}
            version: 3
    """)
    changed = load_catalog(path).metrics["chronic_absence_rate"]
    assert "is 15% or more (exactly 15% counts)" in changed.definition
    assert "at least 20 enrolled days" in changed.definition
    assert "10%" not in changed.definition
    assert changed.numerator.endswith(">= 15%")
    assert changed.denominator == "students with at least 20 enrolled days at the entity"


def test_changing_the_attended_statuses_needs_a_new_version(tmp_path):
    path = _config(tmp_path, """
        metrics:
          attendance_rate:
            parameters: {attended_statuses: [present]}
    """)
    with pytest.raises(CatalogError, match="attendance_rate: numerator, definition, parameters changed.*"
                                           "set version to 3"):
        load_catalog(path)
    catalog = load_catalog(config_path="")
    edited = with_overrides(catalog, attendance_rate={"parameters": {"attended_statuses": ["present"]}})
    assert lock_problems(edited) == [
        "attendance_rate: the definition changed but version 2 is locked to another definition; "
        "bump its version in catalog.yaml"
    ]


def test_attended_statuses_are_a_parameter_of_each_attendance_metric(tmp_path):
    path = _config(tmp_path, """
        metrics:
          attendance_rate:
            parameters: {attended_statuses: [present]}
            version: 3
    """)
    catalog = load_catalog(path)
    assert "one of present; every other status" in catalog.metrics["attendance_rate"].definition
    con = district()
    build_marts(con, catalog)
    # S1 present days: s01 9, s02 4, s03 6 (3 tardy, 1 early departure now absent), s04 10, s05 8,
    # s06 10, s09 6 = 53 of 10+9+10+10+10+10+6 = 65 enrolled days
    assert cell(con, "attendance_rate", "school", "S1") == (53, 65, 53 / 65)
    # chronic_absence_rate keeps its own statuses (tardy attended): S1 still 2 / 5
    assert cell(con, "chronic_absence_rate", "school", "S1") == (2, 5, 0.4)


def test_a_changed_cutoff_with_a_new_version_is_computed_and_carried(tmp_path):
    path = _config(tmp_path, """
        metrics:
          chronic_absence_rate:
            parameters: {cutoff: 0.15}
            version: 3
    """)
    con = district()
    build_marts(con, load_catalog(path))
    # S1 eligible s01 (10%), s03, s04, s05 (20%), s06: only s05 reaches 15% -> 1/5
    assert cell(con, "chronic_absence_rate", "school", "S1") == (1, 5, 0.2)
    versions = con.execute(
        "SELECT DISTINCT metric_version FROM mart.metric_values WHERE metric_id = 'chronic_absence_rate'").fetchall()
    assert versions == [(3,)]
    assert con.execute("SELECT DISTINCT metric_version FROM mart.metric_values "
                       "WHERE metric_id = 'attendance_rate'").fetchall() == [(2,)]
    assert con.execute("SELECT version FROM mart.metric_catalog WHERE metric_key = 'chronic_absence_rate'"
                       ).fetchone() == (3,)


def test_a_district_adds_a_metric_with_its_own_sql(tmp_path):
    (tmp_path / "iss_rate.sql").write_text(textwrap.dedent("""
        -- students with an in-school suspension / enrolled students
        WITH iss AS (
            SELECT DISTINCT school_year, student_id FROM staging.discipline_incidents WHERE action = 'iss'
        )
        SELECT $metric_id AS metric_id, e.school_year, e.level, e.entity_id, e.student_id,
               CASE WHEN i.student_id IS NULL THEN 0 ELSE 1 END AS numerator, 1 AS denominator, 1 AS n
        FROM metric_enrolled_scopes AS e
        LEFT JOIN iss AS i ON i.school_year = e.school_year AND i.student_id = e.student_id
    """))
    path = _config(tmp_path, """
        metrics:
          iss_rate:
            name: In-school suspension rate
            perspective: Student Learning
            kind: student
            levels: [district, school]
            direction: lower
            unit: share
            numerator: enrolled students with an in-school suspension
            denominator: enrolled students
            target: 0.05
            near: 0.02
            min_n: 10
            n_unit: students
            version: 1
            definition: Students with at least one in-school suspension / enrolled students.
            sql: iss_rate.sql
            prep: [section_members, enrolled_scopes]
            requires: [staging.students, staging.discipline_incidents]
    """)
    con = district()
    build_marts(con, load_catalog(path))
    # ISS: s02 and s05, both enrolled at S1 (7 students); district 2 of 9
    assert cell(con, "iss_rate", "school", "S1") == (2, 7, 2 / 7)
    assert cell(con, "iss_rate", "district", "D1") == (2, 9, 2 / 9)
    assert cell(con, "iss_rate", "district", "D1", "race_ethnicity:white") == (1, 3, 1 / 3)
    assert cell(con, "iss_rate", "classroom", "C1") is None  # not in its levels
    assert con.execute("SELECT status FROM mart.scorecard WHERE metric_id = 'iss_rate' AND entity_id = 'S1' "
                       "AND school_year = 2026"
                       ).fetchone() == ("off",)


@pytest.mark.parametrize("text, message", [
    ("metrics: {attendance_rate: {colour: red}}", "unknown field"),
    ("metrics: {attendance_rate: {levels: [galaxy]}}", "levels must be"),
    ("metrics: {attendance_rate: {perspective: Fun}}", "perspective 'Fun'"),
    ("metrics: {chronic_absence_rate: {parameters: {cut_off: 0.2}, version: 3}}", "unknown parameter"),
    ("metrics: {attendance_rate: {min_n: -1}}", "min_n must be a whole number"),
    ("metrics: {chronic_absence_rate: {parameters: {cutoff: high}, version: 3}}", "parameter cutoff must be like"),
    ("metrics: {new_metric: {name: x}}", "missing field"),
    ("metrics: {attendance_rate: {target: high}}", "target must be a number"),
    ("needs_assessment: {systemic_min_metrics: 0}", "systemic_min_metrics"),
    ("metrics: [1, 2]", "metrics must map"),
    ("metrics: {attendance_rate: {definition: 'Days {{nothing}}', version: 3}}", "names {{nothing}}, which is not"),
    ("metrics: {chronic_absence_rate: {definition: 'At {{min_enrolled_days|odd}}', version: 3}}", "unknown style"),
])
def test_invalid_configuration_is_refused_with_a_reason(tmp_path, text, message):
    with pytest.raises(CatalogError, match=message):
        load_catalog(_config(tmp_path, text))


def test_metric_is_immutable_and_fingerprint_ignores_comments(tmp_path):
    catalog = load_catalog(config_path="")
    metric = catalog.metrics["attendance_rate"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        metric.target = 1.0  # type: ignore[misc]
    copy = tmp_path / "attendance_rate.sql"
    copy.write_text("-- another comment\n" + metric.sql_text().replace("\n", "\n\n"))
    assert dataclasses.replace(metric, sql_path=copy).fingerprint() == metric.fingerprint()


def test_docs_list_every_metric():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "metrics.md").read_text()
    for metric in load_catalog(config_path="").metrics.values():
        assert f"`{metric.id}" in text, metric.id


def test_a_metric_sql_that_names_another_metric_stops_the_build(tmp_path):
    from assets.metrics.engine import MetricsError

    (tmp_path / "bad.sql").write_text(
        "SELECT 'attendance_rate' AS metric_id, 2026 AS school_year, 'district' AS level, 'D1' AS entity_id, "
        "NULL AS student_id, 1 AS numerator, 1 AS denominator, 1 AS n")
    path = _config(tmp_path, """
        metrics:
          bad_metric:
            name: Bad
            perspective: Systems & Processes
            kind: systems
            levels: [district]
            direction: higher
            unit: share
            numerator: x
            denominator: y
            target: 1
            near: 0
            min_n: 0
            n_unit: things
            version: 1
            definition: Writes another metric's id.
            sql: bad.sql
    """)
    with pytest.raises(MetricsError, match="metric bad_metric: its SQL produced metric_id attendance_rate"):
        build_marts(district(), load_catalog(path))
