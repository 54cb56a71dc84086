"""The dashboard as its users meet it, in headless Chromium against a served, loaded district."""
from __future__ import annotations

import csv
import io
import math
import time

import duckdb
import pytest

from tests.e2e.helpers import (click_row, console_errors, fetch, heading, login, message, open_path, screenshot,
                               view, wait)

pytestmark = pytest.mark.e2e

DISTRICT = "Riverbend Unified School District"
SCHOOL, SCHOOL_ID = "Curie Grove Elementary School", "01001"
OTHER_SCHOOL_ID = "03001"
PLC = "Grade 3 PLC"
CLASSROOM, CLASSROOM_ID = "Grade 3 Math (01001-2026-0031)", "01001-2026-0031"
OTHER_CLASSROOM_ID = "01001-2026-0029"


def mart(warehouse, sql: str, params: dict | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or {}).fetchall()


def test_principal_sees_only_their_school(browser, site):
    login(browser, "principal")
    assert view(browser, SCHOOL) == f"{SCHOOL}: balanced scorecard"
    assert browser.find_elements("css selector", ".tile")
    # the district's own numbers are visible (the layer above), but of its schools only theirs
    open_path(browser, "/?level=district&entity=0412")
    view(browser, DISTRICT)
    wait(browser, lambda d: d.find_elements("css selector", "#scorecard-children .ag-row"), "the layer below")
    below = browser.find_element("id", "scorecard-children").text
    assert SCHOOL in below
    assert "Southridge Lake Middle School" not in below and "Hawthorne Point High School" not in below
    # another school by editing the URL: refused, no tiles; its export: 403 and no rows
    open_path(browser, f"/?level=school&entity={OTHER_SCHOOL_ID}")
    assert "not in your scope" in message(browser)
    assert not browser.find_elements("css selector", ".tile")
    status, body = fetch(browser, f"/export/metrics.csv?level=school&entity={OTHER_SCHOOL_ID}")
    assert status == 403 and OTHER_SCHOOL_ID in body and "," not in body


def test_drill_down_district_school_plc_classroom_and_history(browser):
    login(browser, "analyst")
    view(browser, DISTRICT)
    screenshot(browser, "scorecard_district")
    click_row(browser, "scorecard-children", SCHOOL)
    view(browser, f"{SCHOOL}: balanced scorecard")
    assert f"level=school&entity={SCHOOL_ID}" in browser.current_url
    click_row(browser, "scorecard-children", PLC)
    view(browser, f"{PLC}: balanced scorecard")
    click_row(browser, "scorecard-children", CLASSROOM)
    view(browser, f"{CLASSROOM}: balanced scorecard")
    assert f"level=classroom&entity={CLASSROOM_ID}" in browser.current_url
    crumbs = browser.find_element("css selector", "nav.crumbs").text
    assert [c.strip() for c in crumbs.split("›")] == [
        f"District: {DISTRICT}", f"School: {SCHOOL}", f"PLC: {PLC}", f"Classroom: {CLASSROOM}"]
    screenshot(browser, "scorecard_classroom")

    browser.refresh()
    view(browser, f"{CLASSROOM}: balanced scorecard")
    browser.back()
    view(browser, f"{PLC}: balanced scorecard")
    browser.back()
    view(browser, f"{SCHOOL}: balanced scorecard")
    browser.forward()
    view(browser, f"{PLC}: balanced scorecard")
    # a breadcrumb goes back up; a tile opens the metric; a bar goes down again
    browser.find_element("link text", f"School: {SCHOOL}").click()
    view(browser, f"{SCHOOL}: balanced scorecard")
    browser.find_element("link text", "Attendance rate").click()
    view(browser, f"Attendance rate: {SCHOOL}")
    assert "metric=attendance_rate" in browser.current_url
    bar = wait(browser, lambda d: d.find_elements("css selector", "#metric-children .bars .point path"), "bars")[0]
    from selenium.webdriver.common.action_chains import ActionChains

    # plotly takes clicks on its drag layer above the bars: click where the bar is
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", bar)
    ActionChains(browser).move_to_element(bar).click().perform()
    wait(browser, lambda d: "Attendance rate: " in heading(d) and SCHOOL not in heading(d), "a child's metric")
    assert "metric=attendance_rate" in browser.current_url and "level=" in browser.current_url
    assert console_errors(browser) == []


def test_url_holds_year_and_group(browser, site):
    """A pasted link with a year and a student group re-cuts every tile the same way."""
    login(browser, "analyst")
    (year,) = mart(site[1], "SELECT min(school_year) FROM mart.scorecard")[0]
    open_path(browser, f"/?level=school&entity={SCHOOL_ID}&year={year}&group=econ_disadvantaged:yes")
    view(browser, SCHOOL)
    subtitle = browser.find_element("css selector", "main .subtitle").text
    assert f"{year - 1}-{str(year)[-2:]}" in subtitle and "disadvantaged" in subtitle.lower()
    tile = browser.find_element("css selector", ".tile[data-metric='attendance_rate']")
    (value,) = mart(site[1], """SELECT value FROM mart.metric_values WHERE level = 'school' AND entity_id = $e
                                AND metric_id = 'attendance_rate' AND school_year = $y AND period = 'year'
                                AND student_group = 'econ_disadvantaged:yes'""", {"e": SCHOOL_ID, "y": year})[0]
    assert f"{value * 100:.1f}%" in tile.text


def test_equity_page_shows_the_flagged_group(browser, site):
    login(browser, "analyst")
    flagged = mart(site[1], """SELECT category, "group", ratio FROM mart.disparity
                               WHERE lea_level = 'district' AND flagged
                                 AND school_year = (SELECT max(school_year) FROM mart.disparity)""")
    assert flagged, "the e2e district is built with a threshold that flags a group"
    open_path(browser, "/equity?level=district&entity=0412")
    view(browser, "disproportionality")
    flags = browser.find_element("id", "equity-flags").text
    for category, group, ratio in flagged:
        assert f"{ratio:.2f}" in flags
        assert group.replace("_", " ") in flags.lower()
    screenshot(browser, "equity_district")
    # every school's rows come a page at a time from the server; a row opens that school's page
    (schools,) = mart(site[1], """SELECT count(*) FROM mart.disparity WHERE lea_level = 'school'
                                  AND category = 'identification_all'
                                  AND school_year = (SELECT max(school_year) FROM mart.disparity)""")[0]
    wait(browser, lambda d: f"1 to {min(schools, 20)} of {schools}" in d.find_element("id", "equity-schools-grid").text,
         "the school grid's first page")
    # the other comparisons are drawn when their tab is opened
    browser.find_element("xpath", "//div[@id='equity-parts']//*[normalize-space()='MTSS by building']").click()
    wait(browser, lambda d: d.find_elements("css selector", "#equity-mtss-grid .ag-row"), "the MTSS grid's rows")
    browser.find_element("xpath", "//div[@id='equity-parts']//*[normalize-space()='Schools side by side']").click()
    click_row(browser, "equity-schools-grid", SCHOOL)
    view(browser, f"{SCHOOL}: disproportionality")
    assert f"level=school&entity={SCHOOL_ID}" in browser.current_url
    assert console_errors(browser) == []


def test_plans_page_shows_the_district_goals(browser, site):
    """The district analyst's Plans page: every district goal with its status from the mart, the
    alignment tree with the goal whose parent does not exist flagged, and no console error."""
    login(browser, "analyst")
    goals = mart(site[1], """SELECT goal_id, title, status FROM mart.goal_progress
                             WHERE level = 'district' AND parent_goal_id IS NULL ORDER BY goal_id""")
    assert len(goals) == 4, "the generated district plan has four goals"
    open_path(browser, "/plans")
    view(browser, "Plans")
    district = browser.find_element("id", "plans-district").text
    words = {"met": "met", "on_track": "on track", "at_risk": "at risk", "off_track": "off track"}
    for goal_id, title, status in goals:
        assert f"{goal_id}: {title} {'✓✓!✗'[list(words).index(status)]} {words[status]}" in district
    orphans = mart(site[1], "SELECT goal_id FROM mart.plan_alignment WHERE problem = 'parent_not_found'")
    tree = browser.find_element("id", "plans-tree").text
    for (goal_id,) in orphans:
        line = next(t for t in tree.split("\n") if f" {goal_id} " in t)
        assert "⚑ parent goal not found" in line
    wait(browser, lambda d: d.find_elements("css selector", "#plans-progress .main-svg"), "the progress chart")
    screenshot(browser, "plans_district")
    assert console_errors(browser) == []


def test_download_numbers_equal_the_mart(browser, site):
    login(browser, "analyst")
    open_path(browser, f"/metric?level=school&entity={SCHOOL_ID}&metric=attendance_rate")
    view(browser, f"Attendance rate: {SCHOOL}")
    browser.find_element("css selector", "[id*='metric-csv'][id*='groups']").click()
    files = wait(browser, lambda d: [p for p in d.downloads.glob("*.csv")], "the CSV download", timeout=30)
    time.sleep(0.5)
    rows = list(csv.DictReader(io.StringIO(files[0].read_text(encoding="utf-8"))))
    expected = {g: (v, n, d) for g, v, n, d in mart(site[1], """
        SELECT student_group, value, numerator, denominator FROM mart.metric_values
        WHERE level = 'school' AND entity_id = $e AND metric_id = 'attendance_rate' AND period = 'year'
          AND school_year = (SELECT max(school_year) FROM mart.metric_values WHERE level = 'school')""",
        {"e": SCHOOL_ID})}
    assert {r["student_group"] for r in rows} == set(expected)
    for row in rows:
        value, numerator, denominator = expected[row["student_group"]]
        assert math.isclose(float(row["value"]), value, rel_tol=1e-12)
        assert float(row["numerator"]) == numerator and float(row["denominator"]) == denominator
    # the HTTP export of the same metric has the same numbers
    status, body = fetch(browser, f"/export/metrics.csv?level=school&entity={SCHOOL_ID}&metric=attendance_rate")
    assert status == 200
    exported = {r["student_group"]: r for r in csv.DictReader(io.StringIO(body))
                if r["school_year"] == rows[0]["school_year"]}
    assert {g: float(r["value"]) for g, r in exported.items()} == {g: v[0] for g, v in expected.items()}
    screenshot(browser, "metric_school")


def test_teacher_cannot_reach_other_classrooms_by_editing_the_url(browser, site):
    login(browser, "teacher")
    view(browser, CLASSROOM)
    own = mart(site[1], "SELECT student_id FROM staging.section_enrollments WHERE section_id = $s ORDER BY 1 LIMIT 1",
               {"s": CLASSROOM_ID})[0][0]
    other = mart(site[1], """SELECT student_id FROM staging.students WHERE school_id = $school
                             AND student_id NOT IN (SELECT student_id FROM staging.section_enrollments
                                                    WHERE section_id = $s) ORDER BY 1 LIMIT 1""",
                 {"school": OTHER_SCHOOL_ID, "s": CLASSROOM_ID})[0][0]
    open_path(browser, f"/student?student={own}")
    view(browser, own)  # the title names the student: "Lee, Ana (id)", or "Student id" without names
    assert "Attendance" in browser.find_element("id", "student-folder").text
    screenshot(browser, "student_folder")
    open_path(browser, f"/student?student={other}")
    assert "not in your scope" in message(browser)
    assert not browser.find_elements("id", "student-folder")
    open_path(browser, f"/classroom?level=classroom&entity={OTHER_CLASSROOM_ID}")
    assert "not in your scope" in message(browser)
    status, body = fetch(browser, f"/export/metrics.csv?level=classroom&entity={OTHER_CLASSROOM_ID}")
    assert status == 403 and "metric_id" not in body
    status, body = fetch(browser, f"/export/metrics.csv?level=student&entity={other}")
    assert status == 403 and other not in body.split("\n", 1)[-1]


# (name, link of the top bar, words of its title)
PAGES = (
    ("scorecard", "Scorecard", "balanced scorecard"),
    ("needs", "Needs assessment", "needs assessment"),
    ("equity", "Equity", "disproportionality"),
    ("classroom", "Classroom data", ""),
    ("quality", "Data quality", "Data quality"),
    ("plans", "Plans", "Plans"),
)


def main_text(browser) -> str:
    """The page's text, read in one step (the page may be redrawn between finding it and reading it)."""
    return browser.execute_script("return document.querySelector('main').innerText")


@pytest.mark.parametrize("user", ["analyst", "principal", "transport", "plclead", "teacher"])
def test_every_page_renders_without_console_errors(browser, user):
    """Every page for every demo login, opened from the top bar as a user does: a title or a
    one-line refusal, and no console error."""
    login(browser, user)
    for name, link, title in PAGES:
        before = main_text(browser)
        browser.find_element("id", "nav").find_element("link text", link).click()
        wait(browser, lambda d: d.find_elements("css selector", "main h1, main .message")
             and (name == "scorecard" or main_text(d) != before), f"{link} for {user}")
        if browser.find_elements("css selector", "main h1"):
            view(browser, title)
        if user in ("analyst", "plclead") or name == "scorecard":
            screenshot(browser, f"{user}_{name}")
    assert console_errors(browser) == []


def test_tablet_width(browser):
    """At tablet width the page reflows: nothing sticks out to the side."""
    login(browser, "principal")
    view(browser, SCHOOL)
    browser.set_window_size(820, 1100)
    time.sleep(1)
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 820
    screenshot(browser, "scorecard_tablet", width=820)
