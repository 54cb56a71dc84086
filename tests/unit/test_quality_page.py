"""The data-quality page: shares quarantined on a linear scale, and a file loaded with warnings
shown in words and amber, never as a green "loaded"."""
from __future__ import annotations

import pandas as pd
import pytest

from dashboards.components import figures
from tests.dash_trees import components, text


@pytest.fixture(scope="module")
def quality_page(tmp_path_factory):
    from dashboards.app import create_app

    create_app(tmp_path_factory.mktemp("w") / "warehouse.duckdb")  # registers the pages
    from dashboards.pages import quality

    return quality


FILES = pd.DataFrame({
    "file": ["students.csv", "cfa_results.csv", "attendance_daily.csv"],
    "status": ["loaded", "loaded_with_warnings", "rejected"],
    "rows_read": [1_000, 104_310, 30],
    "rows_quarantined": [0, 3_025, 30],
})


def test_the_chart_shows_each_files_quarantined_share_on_a_linear_scale(quality_page):
    figure = quality_page.quarantine_chart(FILES).figure
    bar = figure["data"][0]
    # sorted by share: 0 / 1,000 = 0%; 3,025 / 104,310 = 2.9%; 30 / 30 = 100%
    assert bar["y"] == ["students.csv", "cfa_results.csv", "attendance_daily.csv"]
    assert bar["x"] == pytest.approx([0.0, 2.9000096, 100.0])
    assert figure["layout"]["xaxis"].get("type", "linear") == "linear"
    assert bar["marker"]["color"] == [figures.BLUE, figures.NEAR, figures.OFF]


def test_a_state_chart_shows_each_districts_share_of_rows_quarantined_from_zero(quality_page):
    files = pd.DataFrame({
        "district": ["A", "A", "B", "B"], "district_name": ["Alder", "Alder", "Birch", "Birch"],
        "file": ["students.csv", "attendance_daily.csv"] * 2,
        "status": ["loaded", "loaded_with_warnings", "loaded", "rejected"],
        "rows_read": [100, 300, 50, 50], "rows_quarantined": [0, 12, 0, 50],
    })
    figure = quality_page.district_chart(files).figure
    bar = figure["data"][0]
    # Alder: 12 of 400 rows = 3%; Birch: 50 of 100 = 50%, with a rejected file (vermillion)
    assert bar["y"] == ["Alder", "Birch"]
    assert bar["x"] == pytest.approx([3.0, 50.0])
    assert bar["marker"]["color"] == [figures.BLUE, figures.OFF]
    assert figure["layout"]["xaxis"]["rangemode"] == "tozero"
    assert figure["layout"]["xaxis"]["ticksuffix"] == "%"


def test_a_file_loaded_with_warnings_says_so_in_words(quality_page):
    assert quality_page.STATUS_TEXT["loaded_with_warnings"] == "⚠ loaded with warnings"
    assert quality_page.STATUS_TEXT["loaded"] == "✓ loaded"


# --- the quarantined rows on the page: the hand-built district of tests/quarantine_district.py ---

@pytest.fixture(scope="module")
def bad_rows_warehouse(tmp_path_factory):
    from tests.quarantine_district import build_quarantine_warehouse

    return build_quarantine_warehouse(tmp_path_factory.mktemp("quarantine"))


@pytest.fixture
def page_as(bad_rows_warehouse):
    """Draw the page's parts as a viewer (the login mocked) over the warehouse."""
    from contextlib import ExitStack
    from unittest import mock

    from dashboards.app import create_app

    app = create_app(bad_rows_warehouse)
    from dashboards.pages import quality  # noqa: PLC0415 (a page registers itself once the app exists)

    stack = ExitStack()

    def as_viewer(viewer):
        stack.enter_context(app.server.test_request_context("/quality"))
        stack.enter_context(mock.patch("dashboards.components.context.viewer", return_value=viewer))
        return quality

    with stack:
        yield as_viewer


def by_id(page, component_id):
    found = [c for c in components(page) if getattr(c, "id", None) == component_id]
    return found[0] if found else None


def test_a_viewer_with_student_access_sees_their_rows_of_the_chosen_file_and_reason_and_their_csv(page_as):
    from dashboards.queries import Viewer

    quality = page_as(Viewer("school", "S2", may_see_students=True))
    page = quality.quality_page(file="attendance_daily", reason="unknown_code:status")
    # lines 32-34 have unknown_code:status; S2 has 33 (S2, its student 00104) only
    assert [r["line"] for r in by_id(page, "quality-rows").rowData] == [33]
    assert ("attendance_daily.csv, last load: 1 of the 3 rows quarantined with reason unknown_code:status is in "
            "your scope" in text(by_id(page, "quarantine-count")))
    assert by_id(page, "quarantine-export").href == "/export/quarantine.csv?file=attendance_daily&reason=unknown_code%3Astatus"
    reason = by_id(page, {"type": "state", "key": "reason"})
    # every reason of the file with its rows (6 quarantined: 3 + 1 + 1 + 1)
    assert [o["value"] for o in reason.options][:2] == ["all", "unknown_code:status"]
    assert reason.options[0]["label"] == "every reason (6)" and reason.value == "unknown_code:status"


def test_without_a_file_in_the_url_the_page_shows_the_file_with_the_most_quarantined_rows(page_as):
    from dashboards.queries import Viewer

    page = page_as(Viewer.analyst()).quality_page(file=None, reason=None)
    # attendance_daily 6, special_education 4, students 1
    assert by_id(page, {"type": "state", "key": "file"}).value == "attendance_daily"
    assert [r["line"] for r in by_id(page, "quality-rows").rowData] == [32, 33, 34, 35, 36, 37]
    assert "attendance_daily.csv, last load: all 6 rows quarantined." in text(by_id(page, "quarantine-count"))
    chosen = [r["file"] for r in by_id(page, "quality-files").rowData if r["chosen"]]
    assert chosen == ["attendance_daily.csv"]  # marked in the counts table


def test_staff_see_the_counts_and_who_may_see_the_rows_never_the_rows(page_as):
    from dashboards.queries import Viewer

    page = page_as(Viewer("school", "S1", may_see_students=False)).quality_page(file="attendance_daily", reason=None)
    assert by_id(page, "quality-rows") is None and by_id(page, "quarantine-export") is None
    who = text(by_id(page, "quarantine-who"))
    assert "only a login with student access" in who and "alignboard quarantine attendance_daily.csv" in who
    files = {r["file"]: r for r in by_id(page, "quality-files").rowData}
    assert files["attendance_daily.csv"]["rows_quarantined"] == 6  # the counts, for everyone
    assert "sick" not in str(page.to_plotly_json())  # a value of the bad rows


def test_a_file_with_more_rows_than_the_page_draws_is_served_a_page_at_a_time(page_as, monkeypatch):
    from dashboards.components import grids
    from dashboards.queries import Viewer

    quality = page_as(Viewer("district", "D1", may_see_students=True))
    monkeypatch.setattr(quality, "ROWS_DRAWN", 2)
    page = quality.quality_page(file="attendance_daily", reason="all")
    grid = by_id(page, "quality-rows")
    assert grid.rowModelType == "infinite" and getattr(grid, "rowData", None) is None
    # D1 reads lines 32-34 (35-37 cannot be placed in a district of a warehouse of two)
    served = grids.page_of(quality.served_rows("?file=attendance_daily"),
                           {"startRow": 2, "endRow": 4, "sortModel": [], "filterModel": {}})
    assert served["rowCount"] == 3 and [r["line"] for r in served["rowData"]] == [34]


def test_the_page_is_kept_until_the_next_load_and_its_ages_are_counted_in_the_browser(page_as, bad_rows_warehouse):
    import os

    from dashboards.queries import Viewer

    quality = page_as(Viewer.analyst())
    first = quality.quality_page(file="students", reason=None)
    assert quality.quality_page(file="students", reason=None) is first
    stat = os.stat(bad_rows_warehouse)
    os.utime(bad_rows_warehouse, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))  # a new version, as a load publishes
    assert quality.quality_page(file="students", reason=None) is not first
    files = by_id(first, "quality-files")
    (age,) = [c for c in files.columnDefs if c["field"] == "age_hours"]
    assert age["valueGetter"]["function"] == "hoursSince(params.data.last_good_ms)"  # static/grid_functions.js
    assert all("age_hours" not in r and "last_good_ms" in r for r in files.rowData)
