"""Signing in and out as a browser does it: a deep link survives the login, Back after logout
does not show the page again, and Dash draws its pages under the Content-Security-Policy."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.conftest import password
from tests.e2e.helpers import console_errors, login, open_path, view, wait
from tests.e2e.test_dashboard import SCHOOL, SCHOOL_ID, mart

pytestmark = pytest.mark.e2e


def on_login_page(driver) -> bool:
    return bool(driver.find_elements("id", "login-button")) and not driver.find_elements("css selector", ".topbar")


def test_a_deep_link_through_login_keeps_every_parameter(browser, site):
    (year,) = mart(site[1], "SELECT min(school_year) FROM mart.scorecard")[0]
    deep = f"/metric?level=school&entity={SCHOOL_ID}&metric=attendance_rate&year={year}&group=econ_disadvantaged%3Ayes"
    open_path(browser, deep)
    wait(browser, on_login_page, "the login page")
    browser.find_element("id", "username").send_keys("principal")
    browser.find_element("id", "password").send_keys(password("principal"))
    browser.find_element("id", "login-button").click()
    view(browser, f"Attendance rate: {SCHOOL}")
    opened = urlsplit(browser.current_url)
    assert opened.path == "/metric"
    assert parse_qs(opened.query) == {"level": ["school"], "entity": [SCHOOL_ID], "metric": ["attendance_rate"],
                                      "year": [str(year)], "group": ["econ_disadvantaged:yes"]}
    # the view is the linked one: its year (2024-25 for 2025) and its group
    subtitle = browser.find_element("css selector", "main .subtitle").text
    assert f"{year - 1}-{str(year)[-2:]}" in subtitle and "disadvantaged" in subtitle.lower()


def test_back_after_logout_does_not_show_the_page(browser):
    login(browser, "principal")
    open_path(browser, f"/?level=school&entity={SCHOOL_ID}")
    view(browser, SCHOOL)
    assert browser.find_elements("css selector", ".tile")
    browser.find_element("id", "logout-button").click()
    wait(browser, on_login_page, "the login page after logout")
    browser.back()
    wait(browser, on_login_page, "the login page again after Back")
    assert not browser.find_elements("css selector", ".tile")
    assert "Signed in as" not in browser.find_element("tag name", "body").text
    assert urlsplit(browser.current_url).path == "/login"
    # and the scorecard asked for anew is not drawn either
    open_path(browser, f"/?level=school&entity={SCHOOL_ID}")
    wait(browser, on_login_page, "the login page for a page asked for after logout")


def test_dash_draws_grids_and_charts_under_the_content_security_policy(browser):
    login(browser, "analyst")
    policy = browser.execute_async_script(
        "const done = arguments[0]; fetch('/').then(r => done(r.headers.get('Content-Security-Policy')));")
    assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    open_path(browser, f"/?level=school&entity={SCHOOL_ID}")
    view(browser, SCHOOL)
    wait(browser, lambda d: d.find_elements("css selector", "#scorecard-children .ag-row"), "the grid's rows")
    browser.find_element("link text", "Attendance rate").click()
    view(browser, f"Attendance rate: {SCHOOL}")
    wait(browser, lambda d: d.find_elements("css selector", "#metric-children .bars .point path"), "the chart's bars")
    # a script or style the policy blocked is a console error: there is none
    assert console_errors(browser) == []
