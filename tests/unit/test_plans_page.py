"""The Plans page on the hand-built plans warehouse of test_plans_data: drawn once a day, and
its meeting-cadence grid (every team of the district) served a page of rows at a time."""
from unittest import mock

import pytest

from dashboards import queries
from dashboards.app import create_app
from dashboards.components import grids
from tests.dash_trees import components, text
from tests.unit.test_plans_data import S1, warehouse  # noqa: F401 (the warehouse fixture)


@pytest.fixture
def as_s1(warehouse):  # noqa: F811
    app = create_app(warehouse)
    from dashboards.pages import plans  # noqa: PLC0415 (a page registers itself once the app exists)

    with app.server.test_request_context("/plans"), \
            mock.patch("dashboards.components.context.viewer", return_value=S1):
        yield plans


def test_the_plans_page_is_drawn_once_a_day_and_again_the_next(as_s1):
    first = as_s1.plans_page(goal=None, today="2026-01-15")
    assert as_s1.plans_page(goal=None, today="2026-01-15") is first
    next_day = as_s1.plans_page(goal=None, today="2026-01-16")
    assert next_day is not first
    assert "As of 2026-01-15" in text(first) and "As of 2026-01-16" in text(next_day)


def test_the_meeting_cadence_grid_gets_its_rows_a_page_at_a_time(as_s1):
    page = as_s1.plans_page(goal=None, today="2026-01-15")
    (grid,) = [c for c in components(page) if getattr(c, "id", None) == "plans-cadence"]
    assert grid.rowModelType == "infinite" and getattr(grid, "rowData", None) is None  # no rows with the page
    # S1's teams (test_plans_data.test_meeting_cadence_by_team): DLT D1, BLT S1, PLC P1, CLC C1 and C2
    served = grids.page_of(as_s1.cadence_rows(), {"startRow": 0, "endRow": 2, "sortModel": [], "filterModel": {}})
    assert served["rowCount"] == 5
    assert [(r["team"], r["entity_id"]) for r in served["rowData"]] == [("DLT", "D1"), ("BLT", "S1")]


@pytest.fixture
def as_analyst(warehouse):  # noqa: F811
    app = create_app(warehouse)
    from dashboards.pages import plans  # noqa: PLC0415

    with app.server.test_request_context("/plans"), \
            mock.patch("dashboards.components.context.viewer", return_value=queries.Viewer.analyst()):
        yield plans


def district_card(page) -> str:
    (card,) = [c for c in components(page) if getattr(c, "id", None) == "plans-district"]
    return text(card)


def test_a_goals_status_is_judged_on_this_years_value_to_date(as_analyst):
    # DG1: district attendance, baseline 90% on 2025-06-30, target 95% on 2028-06-30 (1,096 days)
    # On 2025-09-05 the year to date is 44 of 45 days (s02 PPPPE, the eight others 5 of 5) = 97.8%,
    # at least the target: met; the whole year's 81 of 91 (S1 57/65 + S2 24/26) is not used
    early = district_card(as_analyst.plans_page(goal=None, today="2025-09-05"))
    assert "Attendance rate · All students: 97.8% (2025-26)" in early and "✓ met" in early
    assert "89.0%" not in early
    # On 2026-01-15 every attendance day (September) is in the year to date: 81 of 91 = 89.0%;
    # expected 90% + 5 points x 199 / 1,096 days = 90.9%: 1.9 points behind, within the 5-point band
    late = district_card(as_analyst.plans_page(goal=None, today="2026-01-15"))
    assert "Attendance rate · All students: 89.0% (2025-26)" in late and "! at risk" in late
