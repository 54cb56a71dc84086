"""The scorecard page as of a day on the hand-built district (metrics_fixture.py): its layer below
shows each child's year to date through the same day, and says so in the grid's title."""
from unittest import mock

import pytest

from dashboards import queries
from dashboards.app import create_app
from tests.unit.dashboard_fixture import build_dashboard_warehouse
from tests.unit.test_plans_page import components, text


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return build_dashboard_warehouse(tmp_path_factory.mktemp("card") / "warehouse.duckdb")


@pytest.fixture
def page(warehouse):
    app = create_app(warehouse)
    from dashboards.pages import scorecard  # noqa: PLC0415 (a page registers itself once the app exists)

    with app.server.test_request_context("/"), \
            mock.patch("dashboards.components.context.viewer", return_value=queries.Viewer.analyst()):
        yield scorecard


def children_grid(drawn):
    (grid,) = [c for c in components(drawn) if getattr(c, "id", None) == "scorecard-children"]
    return grid


def test_the_layer_below_as_of_a_day_is_each_childs_year_to_date_and_its_title_says_so(page):
    drawn = page.layout(level="district", entity="D1", asof="2025-09-05")
    # NUT, TRN, S1, S2
    assert "The layer below (4), metric by metric, year to date as of 2025-09-05" in text(drawn)
    grid = children_grid(drawn)
    attendance = next(i for i, group in enumerate(c for p in grid.columnDefs[2:] for c in p["children"])
                      if group["headerTooltip"].endswith("(attendance_rate)"))
    s1 = next(r for r in grid.rowData if r["entity_id"] == "S1")
    # S1 by 2025-09-05: 34 of 35 days, on target (the whole year's 57 of 65 is off)
    assert s1[f"m{attendance}"] == pytest.approx(34 / 35) and s1[f"m{attendance}_c"] == "on_target"
    # without a day, the school year's values
    year = page.layout(level="district", entity="D1", year="2026")
    assert "year to date" not in text(year).split("The layer below")[1]
    s1_year = next(r for r in children_grid(year).rowData if r["entity_id"] == "S1")
    assert s1_year[f"m{attendance}"] == pytest.approx(57 / 65)


def test_a_child_opened_from_the_layer_below_keeps_the_day():
    from dashboards.pages.scorecard import open_child  # noqa: PLC0415

    assert open_child("school|S1", {"asof": "2025-09-05", "group": "all"}) == \
        "/?level=school&entity=S1&group=all&asof=2025-09-05"
    assert open_child("school|S1", {"year": "2026", "group": "all"}) == "/?level=school&entity=S1&year=2026&group=all"
