"""The metrics CSV is kept in the query cache until the next load: a viewer must never be handed
the CSV kept for another scope or audience, whichever asked first.

The hand-built district of tests/unit/metrics_fixture.py; attendance in 2025-26 (school_year 2026):
  S1: s01 9 of 10, s02 4 of 9, s03 10, s04 10, s05 8, s06 10, s09 6 of 6 before the move
      -> 57 of 65 days, 7 students (fewer than 10: hidden from staff without student access)
  S2: s07 10 of 10, s08 9 of 10, s09 5 of 6 after the move -> 24 of 26 days, 3 students
"""
from __future__ import annotations

import pytest

from dashboards.queries import Viewer, cache, metric_values_csv
from tests.unit.dashboard_fixture import build_dashboard_warehouse

HEADER = ("metric_id,metric_version,school_year,period,level,entity_id,student_group,"
          "numerator,denominator,value,suppressed,suppression_reason,value_range")
SAME_REQUEST = {"level": "school", "metric": "attendance_rate", "year": 2026, "group": "all"}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return build_dashboard_warehouse(tmp_path_factory.mktemp("cached_exports") / "warehouse.duckdb")


def rows(text: str) -> list[list[str]]:
    lines = text.splitlines()
    assert lines[0] == HEADER
    return [line.split(",") for line in lines[1:]]


def test_viewers_of_different_scopes_asking_the_same_csv_each_get_their_own_rows(warehouse):
    cache.clear_cache()
    analyst = Viewer.analyst()  # asks first: the widest answer is in the cache before the others ask
    s1_principal = Viewer("school", "S1", may_see_students=False, user="pat")
    s1_counsellor = Viewer("school", "S1", may_see_students=True, user="cal")
    s2_principal = Viewer("school", "S2", may_see_students=True, user="sam")
    answers = {}
    for _ in range(2):  # the second round is answered from the cache
        for viewer in (analyst, s1_principal, s1_counsellor, s2_principal):
            answers[viewer.user] = rows(metric_values_csv(viewer, warehouse=warehouse, **SAME_REQUEST))

    # the analyst: both schools with their days, 57/65 and 24/26
    assert [(r[5], r[7], r[8]) for r in answers[""]] == [("S1", "57", "65"), ("S2", "24", "26")]
    assert float(answers[""][0][9]) == pytest.approx(57 / 65)
    # S1's principal, without student access: S1 only, its 7 students under the minimum of 10 -> hidden
    assert answers["pat"] == [["attendance_rate", "2", "2026", "year", "school", "S1", "all", "", "", "", "Y",
                               "fewer than 10 students", ""]]
    # the same scope with student access: S1 with its days
    assert [(r[5], r[7], r[8], r[10]) for r in answers["cal"]] == [("S1", "57", "65", "N")]
    # S2 with student access: S2 only
    assert [(r[5], r[7], r[8], r[10]) for r in answers["sam"]] == [("S2", "24", "26", "N")]
    # one kept answer per access (level, entity, students), not one for all
    kept = [key for key in cache.QUERIES.keys() if key[0] == "metric_values_csv"]
    assert sorted(key[2][2] for key in kept) == sorted([("district", None, True), ("school", "S1", False),
                                                        ("school", "S1", True), ("school", "S2", True)])
