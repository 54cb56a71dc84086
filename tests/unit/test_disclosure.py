"""All-or-none disclosure (top and bottom coding, NCES 2011-603) and staff privacy, from the
suppression step to the exports of the query layer (dashboards/queries)."""
import csv
import datetime as dt
import io

import duckdb
import pandas as pd
import pytest

from assets.metrics.catalog import load_catalog, with_overrides
from assets.metrics.suppression import (
    COMPLEMENTARY_REASON, CodingBand, DisclosureError, apply_suppression, load_coding_bands,
)
from dashboards import queries
from dashboards.queries import Viewer
from tests.unit.metrics_fixture import build_warehouse_file

BANDS = [CodingBand(30, 0.10, 0.90), CodingBand(60, 0.05, 0.95), CodingBand(None, 0.01, 0.99)]


def _cells(rows):
    """A cells table for share metric m (min_n 10) from (school, group, numerator, n) rows."""
    con = duckdb.connect()
    con.execute("CREATE SCHEMA staging")
    con.execute("CREATE TABLE staging.org_hierarchy (entity_level VARCHAR, entity_id VARCHAR, entity_name VARCHAR, "
                "parent_level VARCHAR, parent_id VARCHAR, district_id VARCHAR, school_id VARCHAR)")
    con.execute("INSERT INTO staging.org_hierarchy VALUES ('district', 'D1', 'D1', NULL, NULL, 'D1', NULL), "
                "('school', 'S1', 'S1', 'district', 'D1', 'D1', 'S1')")
    con.execute("CREATE TABLE cells (cell_id BIGINT, metric_id VARCHAR, metric_version INTEGER, school_year INTEGER, "
                "period VARCHAR, level VARCHAR, entity_id VARCHAR, student_group VARCHAR, numerator DOUBLE, "
                "denominator DOUBLE, value DOUBLE, n BIGINT, min_n INTEGER, n_unit VARCHAR, suppressed BOOLEAN, "
                "suppression_reason VARCHAR)")
    con.executemany(
        "INSERT INTO cells VALUES (?, 'm.x', 1, 2026, 'year', 'school', ?, ?, ?, ?, ?, ?, 10, 'students', false, NULL)",
        [(i, school, group, a, n, a / n, n) for i, (school, group, a, n) in enumerate(rows)],
    )
    return con


def _state(con):
    return {g: (r, v) for g, r, v in con.execute(
        "SELECT student_group, suppression_reason, value_range FROM cells").fetchall()}


def test_cells_at_either_end_are_coded_by_the_band_of_their_n():
    con = _cells([
        ("S1", "all", 60, 120),
        ("S1", "race_ethnicity:black", 11, 11),   # 100% of 11: n <= 30 -> ">=90%"
        ("S1", "race_ethnicity:white", 0, 40),    # 0% of 40: n 31-60 -> "<=5%"
        ("S1", "race_ethnicity:asian", 39, 40),   # 97.5% of 40 >= 95% -> coded too
        ("S1", "race_ethnicity:hispanic_latino", 10, 29),  # 34%: shown
        ("S1", "sex:F", 1, 10),                   # 10% of 10: at the bottom of its band -> "<=10%"
        ("S1", "sex:M", 3, 9),                    # 9 < 10 students
    ])
    apply_suppression(con, "cells", ["m"], BANDS)
    assert _state(con) == {
        "all": (None, None),
        "race_ethnicity:black": ("90% or more", ">=90%"),
        "race_ethnicity:white": ("5% or less", "<=5%"),
        "race_ethnicity:asian": ("95% or more", ">=95%"),
        "race_ethnicity:hispanic_latino": (None, None),
        "sex:F": ("10% or less", "<=10%"),
        "sex:M": ("fewer than 10 students", None),
    }
    # the marts keep the exact values; only the flags and the range are added
    assert con.execute("SELECT value FROM cells WHERE student_group = 'race_ethnicity:black'").fetchone() == (1.0,)


def test_a_coded_cell_still_gets_its_complement():
    # black 12 of 12 is coded; without a complement it would follow from all - white - asian
    con = _cells([("S1", "all", 30, 52), ("S1", "race_ethnicity:black", 12, 12),
                  ("S1", "race_ethnicity:white", 8, 20), ("S1", "race_ethnicity:asian", 10, 20)])
    apply_suppression(con, "cells", ["m"], BANDS)
    state = _state(con)
    assert state["race_ethnicity:black"] == ("90% or more", ">=90%")
    # the next smallest: white and asian both have n 20 and denominator 20, so the group name
    # decides (asian before white)
    assert state["race_ethnicity:asian"] == (COMPLEMENTARY_REASON, None)
    assert state["race_ethnicity:white"] == (None, None)


def test_families_not_coded_keep_their_ends():
    con = _cells([("S1", "all", 12, 12)])
    apply_suppression(con, "cells", [], BANDS)
    assert _state(con) == {"all": (None, None)}


def test_coding_bands_from_the_config_file(tmp_path, monkeypatch):
    monkeypatch.delenv("ALIGNBOARD_CONFIG", raising=False)
    shipped = load_coding_bands()
    assert shipped[0] == CodingBand(30, 0.10, 0.90) and shipped[-1].max_n is None
    config = tmp_path / "alignboard.yaml"
    config.write_text("disclosure:\n  coding:\n    - {max_n: 100, bottom: 0.05, top: 0.95}\n"
                      "    - {max_n: null, bottom: 0.02, top: 0.98}\n")
    monkeypatch.setenv("ALIGNBOARD_CONFIG", str(config))
    assert load_coding_bands() == [CodingBand(100, 0.05, 0.95), CodingBand(None, 0.02, 0.98)]
    config.write_text("disclosure:\n  coding:\n    - {max_n: 100, bottom: 0.6, top: 0.95}\n")
    with pytest.raises(DisclosureError, match="band 1: need 0 <= bottom < 0.5 < top <= 1"):
        load_coding_bands()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    # MTSS identification with min_n 3: at the district, black students 3 of 3 (s02, s04, s07 have
    # tier 2 or 3 support) and white students 0 of 3 (s05, s06 tier 1 only, s08 none)
    catalog = with_overrides(load_catalog(config_path=""), mtss_identified_rate={"min_n": 3})
    return build_warehouse_file(tmp_path_factory.mktemp("wh") / "warehouse.duckdb", catalog)


def _export(warehouse, viewer, public):
    out = io.StringIO()
    queries.write_metric_values_csv(viewer, out, warehouse=warehouse, metric="mtss_identified_rate", year=2026,
                                 level="district", public=public)
    return {r["student_group"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}


def test_public_output_shows_a_range_and_the_non_public_export_the_exact_value(warehouse):
    public = _export(warehouse, Viewer.analyst(), public=True)
    black, white = public["race_ethnicity:black"], public["race_ethnicity:white"]
    assert (black["numerator"], black["denominator"], black["value"]) == ("", "", "")
    assert (black["suppressed"], black["suppression_reason"], black["value_range"]) == ("Y", "90% or more", ">=90%")
    assert (white["numerator"], white["value"], white["suppression_reason"], white["value_range"]) == (
        "", "", "10% or less", "<=10%")
    # staff without student access see the exact 3 of 3 (its n reaches this fixture's minimum n):
    # top and bottom coding is a rule of public releases
    staff = queries.metric_values(Viewer("district", "D1", may_see_students=False), warehouse=warehouse,
                                  metric="mtss_identified_rate", year=2026, level="district")
    row = staff[staff.student_group == "race_ethnicity:black"].iloc[0]
    assert (row.numerator, row.value, bool(row.suppressed)) == (3, 1, False) and pd.isna(row.value_range)
    internal = _export(warehouse, Viewer.analyst(may_see_students=True), public=False)
    assert (internal["race_ethnicity:black"]["numerator"], internal["race_ethnicity:black"]["denominator"],
            internal["race_ethnicity:black"]["value"]) == ("3", "3", "1")
    assert (internal["race_ethnicity:white"]["numerator"], internal["race_ethnicity:white"]["value"]) == ("0", "0")
    assert internal["race_ethnicity:black"]["suppressed"] == "N"


def _walkthrough_classrooms(frame):
    rows = frame[frame.metric_id.str.startswith("walkthrough_lookfor_rate") & (frame.level == "classroom")]
    return set(rows.entity_id)


def test_classroom_systems_metrics_describe_a_teacher_and_are_never_public(warehouse):
    everyone = queries.metric_values(Viewer.analyst(), warehouse=warehouse, year=2026)
    assert _walkthrough_classrooms(everyone) == {"C1", "C2", "C3"}
    public = queries.metric_values(Viewer.analyst(), warehouse=warehouse, year=2026, public=True)
    assert _walkthrough_classrooms(public) == set()
    assert not public[(public.level == "classroom")].metric_id.str.startswith(
        ("walkthrough", "meeting_cadence", "action_steps")).any()
    # the school's walkthrough rates stay public (many teachers); student metrics of a classroom too
    assert {"S1", "S2"} <= set(public[public.metric_id.str.startswith("walkthrough")].entity_id)
    # a teacher sees their own classroom, not the one next door; the school sees both of its own
    teacher = queries.metric_values(Viewer("classroom", "C2", may_see_students=False), warehouse=warehouse, year=2026)
    assert _walkthrough_classrooms(teacher) == {"C2"}
    school = queries.metric_values(Viewer("school", "S1", may_see_students=False), warehouse=warehouse, year=2026)
    assert _walkthrough_classrooms(school) == {"C1", "C2"}
    # the classroom scorecard: systems rows only outside public output
    card = queries.scorecard(Viewer.analyst(), "classroom", "C1", warehouse=warehouse, year=2026)
    public_card = queries.scorecard(Viewer.analyst(), "classroom", "C1", warehouse=warehouse, year=2026, public=True)
    assert card.metric_id.str.startswith("walkthrough").any()
    assert not public_card.metric_id.str.startswith(("walkthrough", "meeting_cadence", "action_steps")).any()
    assert public_card.metric_id.str.startswith("attendance_rate").any()


# -- values as of a day, computed on request: the same rules as the yearly values ---------------

STAFF = Viewer("district", "D1", may_see_students=False)


@pytest.fixture
def same_config(tmp_path, monkeypatch):
    """The district config the warehouse fixture was built with (mtss_identified_rate min_n 3):
    values computed on request read the config, as the nightly build does."""
    config = tmp_path / "alignboard.yaml"
    config.write_text("metrics:\n  mtss_identified_rate: {min_n: 3}\n")
    monkeypatch.setenv("ALIGNBOARD_CONFIG", str(config))


def _by_group(warehouse, viewer, public, day=None):
    """The district's mtss_identified_rate rows as the export writes them, by student group:
    the school year's (day None) or the year to date through `day`."""
    out = io.StringIO()
    when = {"year": 2026} if day is None else {"as_of": day}
    queries.write_metric_values_csv(viewer, out, warehouse=warehouse, metric="mtss_identified_rate",
                                    level="district", public=public, **when)
    return {r["student_group"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}


def _shown(row):
    return row["numerator"], row["denominator"], row["value"], row["suppressed"], row["suppression_reason"], \
        row["value_range"]


def test_the_year_to_date_is_hidden_from_the_public_and_staff_as_the_yearly_value_is(warehouse, same_config):
    # every tier 2/3 student (s02, s04, s07: all black) was identified on 2025-10-01, so the year
    # to date through 2025-10-15 equals the whole year: black 3 of 3, white 0 of 3 (s05, s06
    # tier 1 only, s08 none), English learners no 3 of 7 (s02-s08), yes 1 student (s01)
    day = dt.date(2025, 10, 15)
    for viewer, public in ((Viewer.analyst(), True), (STAFF, False)):
        year, to_date = _by_group(warehouse, viewer, public), _by_group(warehouse, viewer, public, day)
        assert set(year) == set(to_date)
        for group in year:
            assert _shown(to_date[group]) == _shown(year[group]), (public, group)
        assert {r["period"] for r in to_date.values()} == {"ytd:2025-10-15"}
    public = _by_group(warehouse, Viewer.analyst(), True, day)
    # public: 3 of 3 (n 3, band n <= 30: top 90%) shown only as ">=90%"; 0 of 3 as "<=10%";
    # EL yes (1 student, under 3) hidden, so EL no (= all - EL yes) hidden with it
    assert _shown(public["race_ethnicity:black"]) == ("", "", "", "Y", "90% or more", ">=90%")
    assert _shown(public["race_ethnicity:white"]) == ("", "", "", "Y", "10% or less", "<=10%")
    assert _shown(public["english_learner:yes"]) == ("", "", "", "Y", "fewer than 3 students", "")
    assert _shown(public["english_learner:no"]) == (
        "", "", "", "Y", "hidden so another hidden value cannot be worked out", "")
    # staff: exact wherever n reaches 3, no coding and no complement
    staff = _by_group(warehouse, STAFF, False, day)
    assert _shown(staff["race_ethnicity:black"]) == ("3", "3", "1", "N", "", "")
    assert _shown(staff["race_ethnicity:white"]) == ("0", "3", "0", "N", "", "")
    assert _shown(staff["english_learner:no"])[:4] == ("3", "7", str(3 / 7), "N")
    assert _shown(staff["english_learner:yes"]) == ("", "", "", "Y", "fewer than 3 students", "")


def test_a_year_to_date_is_judged_on_its_own_value_by_the_same_rules(warehouse, same_config):
    # through 2025-09-30 nobody is identified yet (identification on 2025-10-01): 0 of 9 at the
    # district, black 0 of 3. The public sees each coded at the bottom (0% <= 10%, n <= 30) where
    # the yearly black 3 of 3 was coded at the top; staff see 0 of 9 and 0 of 3 exactly
    day = dt.date(2025, 9, 30)
    public = _by_group(warehouse, Viewer.analyst(), True, day)
    for group in ("all", "race_ethnicity:black"):
        assert _shown(public[group]) == ("", "", "", "Y", "10% or less", "<=10%")
    assert _shown(public["race_ethnicity:hispanic_latino"]) == ("", "", "", "Y", "fewer than 3 students", "")
    staff = _by_group(warehouse, STAFF, False, day)
    assert _shown(staff["all"]) == ("0", "9", "0", "N", "", "")
    assert _shown(staff["race_ethnicity:black"]) == ("0", "3", "0", "N", "", "")
    assert _shown(staff["race_ethnicity:hispanic_latino"]) == ("", "", "", "Y", "fewer than 3 students", "")
    # the same frame through metric_values(), for a principal's page
    frame = queries.metric_values(STAFF, warehouse=warehouse, metric="mtss_identified_rate", level="district",
                                  as_of=day)
    black = frame[frame.student_group == "race_ethnicity:black"].iloc[0]
    assert (black.numerator, black.denominator, bool(black.suppressed)) == (0, 3, False)
