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


def by_id(drawn) -> dict:
    return {c.id: c for c in components(drawn) if isinstance(getattr(c, "id", None), str)}


def attendance_of(page, drawn, entity_id: str) -> tuple:
    """(value, status) of a child's attendance in the layer below, as its rows callback serves it."""
    parts = by_id(drawn)
    leaves = [leaf for group in parts["scorecard-children"].columnDefs[2:] for leaf in group["children"]]
    (field,) = [leaf["field"] for leaf in leaves if leaf["headerTooltip"].endswith("(attendance_rate)")]
    rows = page.children_rows(parts["scorecard-children-view"].data)
    (row,) = rows[rows.entity_id == entity_id].to_dict("records")
    return row[field], row[field + "_c"]


def test_the_layer_below_as_of_a_day_is_each_childs_year_to_date_and_its_title_says_so(page):
    drawn = page.layout(level="district", entity="D1", asof="2025-09-05")
    # NUT, TRN, S1, S2
    assert "The layer below (4), metric by metric, year to date as of 2025-09-05" in text(drawn)
    assert by_id(drawn)["scorecard-children-view"].data == {
        "level": "district", "entity": "D1", "year": 2026, "group": "all", "asof": "2025-09-05"}
    # S1 by 2025-09-05: 34 of 35 days, on target (95%); the whole year's 57 of 65 is off
    value, status = attendance_of(page, drawn, "S1")
    assert value == pytest.approx(34 / 35) and status == "on_target"
    year = page.layout(level="district", entity="D1", year="2026")
    assert "year to date" not in text(year).split("The layer below")[1]
    value, status = attendance_of(page, year, "S1")
    assert value == pytest.approx(57 / 65) and status == "off"


def test_a_layer_below_asked_for_with_a_malformed_day_is_a_bad_request(page):
    view = {"level": "district", "entity": "D1", "year": 2026, "group": "all"}
    for asof in ("2025-13-01", 20250905, ""):
        with pytest.raises(page.grids.BadRequest):
            page.children_rows({**view, "asof": asof})


def test_a_child_opened_from_the_layer_below_keeps_the_day():
    from dashboards.pages.scorecard import open_child  # noqa: PLC0415

    assert open_child("school|S1", {"asof": "2025-09-05", "group": "all"}) == \
        "/?level=school&entity=S1&group=all&asof=2025-09-05"
    assert open_child("school|S1", {"year": "2026", "group": "all"}) == "/?level=school&entity=S1&year=2026&group=all"
