"""The early-warning page in headless Chromium: a principal (no student access) reads counts of
flagged students and never a student; a teacher who may see students finds the students of
their classroom behind each flag, filters them, downloads them for the meeting and opens a
folder with the indicators by month end."""
from __future__ import annotations

import csv
import re

import duckdb
import pytest

from tests.e2e.helpers import console_errors, login, open_path, screenshot, view, wait

pytestmark = pytest.mark.e2e

SCHOOL_ID, CLASSROOM_ID = "01001", "01001-2026-0031"


def mart(warehouse, sql: str, params: dict | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or {}).fetchall()


def latest(warehouse, classroom: str | None = None) -> tuple:
    """(as_of, school_year) the page opens on: the last month end of the latest year, or of the
    classroom's own school year."""
    year = ("(SELECT school_year FROM staging.sections WHERE section_id = $c)" if classroom
            else "(SELECT max(school_year) FROM mart.early_warning)")
    return mart(warehouse, f"SELECT max(as_of), max(school_year) FROM mart.early_warning WHERE school_year = {year}",
                {"c": classroom} if classroom else None)[0]


def ids_in(text: str, warehouse) -> set[str]:
    every = {s for (s,) in mart(warehouse, "SELECT DISTINCT student_id FROM staging.students")}
    return {s for s in re.findall(r"\d{7}", text) if s in every}


def tab(driver, starts: str):
    return wait(driver, lambda d: d.find_element(
        "xpath", f"//div[@id='ews-parts']//*[starts-with(normalize-space(), '{starts}')]"), f"the tab {starts!r}")


def test_a_principal_sees_counts_of_flagged_students_and_no_student(browser, site):
    warehouse = site[1]
    as_of, _ = latest(warehouse)
    students, flagged, attendance = mart(warehouse, """SELECT count(*), count(*) FILTER (WHERE flags > 0),
        count(*) FILTER (WHERE attendance <> 'none') FROM mart.early_warning WHERE as_of = $d AND school_id = $s""",
                                         {"d": as_of, "s": SCHOOL_ID})[0]
    assert students >= 10 and flagged
    login(browser, "principal")
    browser.find_element("id", "nav").find_element("link text", "Early warning").click()
    view(browser, "early warning")
    tiles = wait(browser, lambda d: d.find_element("id", "ews-summary").text, "the summary tiles")
    assert f"{flagged:,} ({flagged / students:.0%})" in tiles
    assert f"{attendance:,} ({attendance / students:.0%})" in tiles
    assert "Counts only" in browser.find_element("id", "ews-counts-only").text
    assert not browser.find_elements("id", "ews-csv")  # nothing to download: no student rows
    assert not ids_in(browser.find_element("tag name", "body").text, warehouse)
    screenshot(browser, "principal_early_warning")
    tab(browser, "By school, grade and group").click()
    grid = wait(browser, lambda d: d.find_element("id", "ews-breakdown").text, "the breakdown grid")
    assert "Grade" in grid and "Student group" in grid
    screenshot(browser, "principal_early_warning_breakdown")
    open_path(browser, f"/equity?level=school&entity={SCHOOL_ID}")
    view(browser, "disproportionality")
    tab_mtss = wait(browser, lambda d: d.find_element(
        "xpath", "//div[@id='equity-parts']//*[starts-with(normalize-space(), 'MTSS: flagged and supported')]"),
        "the MTSS tab")
    tab_mtss.click()
    shares = wait(browser, lambda d: d.find_element("id", "equity-mtss-groups").text, "the MTSS shares")
    assert "Share flagged" in shares and "Share supported" in shares
    screenshot(browser, "principal_equity_mtss")
    assert console_errors(browser) == []


def test_a_teacher_sees_their_students_behind_the_flags_and_downloads_them(browser, site):
    warehouse = site[1]
    as_of, year = latest(warehouse, CLASSROOM_ID)
    mine = {s for (s,) in mart(warehouse, "SELECT student_id FROM staging.section_enrollments WHERE section_id = $c "
                                          "AND school_year = $y", {"c": CLASSROOM_ID, "y": year})}
    flagged = {s for (s,) in mart(warehouse, "SELECT student_id FROM mart.early_warning WHERE as_of = $d "
                                             "AND flags > 0", {"d": as_of})}
    listed = {s for (s,) in mart(warehouse, "SELECT student_id FROM mart.early_warning WHERE as_of = $d "
                                            "AND (flags > 0 OR supports IS NOT NULL)", {"d": as_of})}
    assert flagged & mine and flagged - mine
    login(browser, "teacher")
    browser.find_element("id", "nav").find_element("link text", "Early warning").click()
    view(browser, "early warning")
    assert tab(browser, "Flagged (").text == f"Flagged ({len(flagged & mine)})"
    grid = wait(browser, lambda d: d.find_element("id", "ews-students-0").text, "the flagged students")
    shown = ids_in(browser.find_element("tag name", "body").text, warehouse)
    assert shown and shown <= mine, sorted(shown - mine)[:5]
    (last, first) = mart(warehouse, """SELECT last_name, first_name FROM staging.students
        WHERE school_year = $y AND student_id = $s""", {"y": year, "s": min(shown)})[0]
    assert f"{last}, {first} ({min(shown)})" in grid  # the name beside the id
    screenshot(browser, "teacher_early_warning")
    browser.find_element("id", "ews-csv").click()
    files = wait(browser, lambda d: [f for f in d.downloads.glob("early_warning_*.csv")], "the download")
    with files[0].open(encoding="utf-8") as handle:
        downloaded = {row["student_id"] for row in csv.DictReader(handle)}
    assert downloaded == listed & mine
    # the filter goes into the URL and the list keeps the teacher's students flagged on attendance
    browser.find_element("xpath", "//*[contains(@id, '\"key\":\"indicator\"')]").click()
    option = wait(browser, lambda d: [e for e in d.find_elements("css selector", ".dash-dropdown-option")
                                      if e.is_displayed() and e.text == "Attendance"], "the indicator's options")
    option[0].click()
    wait(browser, lambda d: "indicator=attendance" in d.current_url, "the indicator in the URL")
    view(browser, "early warning")
    absent = {s for (s,) in mart(warehouse, "SELECT student_id FROM mart.early_warning WHERE as_of = $d "
                                            "AND attendance <> 'none'", {"d": as_of})} & mine
    wait(browser, lambda d: tab(d, "Flagged (").text == f"Flagged ({len(absent)})", "the filtered list")
    screenshot(browser, "teacher_early_warning_attendance")
    open_path(browser, f"/student?student={min(shown)}")
    view(browser, "data folder")
    folder = wait(browser, lambda d: d.find_element("id", "student-early_warning").text, "the indicators by month")
    assert as_of.strftime("%Y-%m-%d") in folder
    screenshot(browser, "teacher_student_folder_indicators")
    assert console_errors(browser) == []
