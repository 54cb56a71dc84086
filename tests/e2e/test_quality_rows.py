"""The data-quality page's quarantined rows in headless Chromium: a login with student access
picks a file in the counts table and a reason, reads the rows and downloads them.

Served over the hand-built district of tests/quarantine_district.py (its docstring lists every
bad row, its line and who may read it) by a server of its own: the session's generated district
has no bad rows. special_education.csv has four quarantined rows: lines 3 and 5
unknown_code:disability_category (00104 of S2, 00101 of S1), 4 invalid_school_year, 6 orphan:students.
"""
from __future__ import annotations

import csv

import pytest

from tests.e2e.conftest import password
from tests.e2e.helpers import click_row, console_errors, login, open_path, screenshot, view, wait
from tests.quarantine_district import build_quarantine_warehouse
from tests.security.conftest import start, stop

ACCOUNTS = {"coordinator": ("district", True, password("coordinator")),
            "s1lead": ("school:S1", True, password("s1lead"))}


@pytest.fixture(scope="module")
def quarantine_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("quarantine_e2e")
    site = start(build_quarantine_warehouse(folder), folder / "server", accounts=ACCOUNTS)
    yield site
    stop(site)


@pytest.fixture
def here(browser, quarantine_site):
    """The session's browser, pointed at this module's server for one test."""
    session_base = browser.base
    browser.base = quarantine_site.base
    yield browser
    browser.delete_all_cookies()
    browser.base = session_base


def lines_shown(driver) -> list[str]:
    cells = driver.find_elements("css selector", "#quality-rows .ag-center-cols-container [col-id='line']")
    return sorted((c.text for c in cells), key=int)


def choose(driver, key: str, label: str) -> None:
    """Open the page's `key` dropdown and pick the option reading `label`."""
    driver.find_element("xpath", f"//*[contains(@id, '\"key\":\"{key}\"')]").click()
    option = wait(driver, lambda d: [e for e in d.find_elements("css selector", ".dash-dropdown-option")
                                     if e.is_displayed() and e.text == label], f"the option {label!r}")
    option[0].click()


def test_a_viewer_with_student_access_picks_a_file_and_a_reason_and_reads_and_downloads_its_rows(here):
    login(here, "coordinator")
    open_path(here, "/quality")
    view(here, "Data quality")
    # the file with the most quarantined rows is shown first: attendance_daily.csv, lines 32-37
    wait(here, lambda d: lines_shown(d) == ["32", "33", "34", "35", "36", "37"], "attendance_daily's rows")
    # the hours since each good load are counted in the browser: loaded minutes ago
    age = here.execute_script("const api = dash_ag_grid.getApi('quality-files');"
                              "return api.getCellValue({rowNode: api.getRowNode('attendance_daily'), colKey: 'age_hours'});")
    assert 0 <= age < 1
    # a click on a file's row in the counts table shows its rows (the table scrolls: 32 files)
    here.execute_script("const api = dash_ag_grid.getApi('quality-files');"
                        "api.ensureNodeVisible(api.getRowNode('special_education'), 'middle');")
    click_row(here, "quality-files", "special_education.csv")
    wait(here, lambda d: "file=special_education" in d.current_url, "the file in the URL")
    view(here, "Data quality")
    wait(here, lambda d: lines_shown(d) == ["3", "4", "5", "6"], "special_education's rows")
    choose(here, "reason", "unknown_code:disability_category (2)")
    wait(here, lambda d: "reason=unknown_code%3Adisability_category" in d.current_url, "the reason in the URL")
    view(here, "Data quality")
    wait(here, lambda d: lines_shown(d) == ["3", "5"], "the rows with that reason")
    grid = here.find_element("id", "quality-rows").text
    assert "XYZ" in grid and "QQQ" in grid and "abcd" not in grid  # line 4's year is another reason
    assert "special_education.csv, last load: all 2 rows quarantined with reason unknown_code:disability_category" \
        in here.find_element("id", "quarantine-count").text
    here.find_element("id", "quarantined-rows").location_once_scrolled_into_view
    screenshot(here, "quality_quarantined_rows")
    here.find_element("id", "quarantine-export").click()
    files = wait(here, lambda d: [f for f in d.downloads.glob("quarantine_*.csv")], "the download")
    with files[0].open(encoding="utf-8") as handle:
        downloaded = list(csv.DictReader(handle))
    assert [(r["line"], r["student_id"], r["disability_category"]) for r in downloaded] == [
        ("3", "00104", "XYZ"), ("5", "00101", "QQQ")]
    assert console_errors(here) == []


def test_a_school_viewer_reads_the_rows_of_their_school_only_and_is_told_why_fewer(here):
    login(here, "s1lead")
    open_path(here, "/quality?file=special_education&reason=unknown_code%3Adisability_category")
    view(here, "Data quality")
    wait(here, lambda d: lines_shown(d) == ["5"], "S1's row")  # 00101 of S1; line 3 is S2's
    assert "1 of the 2 rows quarantined with reason unknown_code:disability_category is in your scope" in \
        here.find_element("id", "quarantine-count").text
    screenshot(here, "quality_quarantined_rows_school")
    assert console_errors(here) == []
