"""A team's page and its meeting packet in headless Chromium, and the scorecard as of a day, on the
served district (2 school years, the last one in progress)."""
from __future__ import annotations

import datetime as dt
import io
import urllib.request

import pytest
from pypdf import PdfReader

from tests.e2e.helpers import console_errors, fetch, login, message, open_path, screenshot, view, wait

pytestmark = pytest.mark.e2e

BLT, BLT_ID = "Curie Grove Elementary School building leadership team", "BLT:01001"
PLC_TEAM = "Grade 3 PLC"


def fetch_bytes(driver, path: str) -> tuple[int, dict, bytes]:
    """GET `path` with the browser's session cookie: status, headers, body."""
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    request = urllib.request.Request(driver.base + path, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def cells(driver, metric: str) -> list[str]:
    """The scorecard row of the team page whose metric reads `metric`."""
    for row in driver.find_elements("css selector", ".team-page table tbody tr"):
        tds = [td.text for td in row.find_elements("css selector", "td")]
        if tds and tds[0] == metric:
            return tds
    return []


# a day of the browser tests' district (2024-25 and 2025-26): computed on request
DAY = dt.date(2026, 3, 31)


def test_a_principal_opens_my_team_and_its_packet_holds_the_page_values(browser):
    login(browser, "principal")
    link = wait(browser, lambda d: [a for a in d.find_elements("css selector", ".topbar nav a") if a.text == "My team"],
                "the My team link")[0]
    link.click()
    assert view(browser, BLT) == BLT
    assert f"team={BLT_ID.replace(':', '%3A')}" in browser.current_url
    page = browser.find_element("css selector", ".team-page").text
    for section in ("Scorecard as of", "Goals", "Strategies (If / Then / And)", "Roadmap reviews", "Last meeting"):
        assert section in page
    attendance = cells(browser, "Attendance rate")
    now, at_last, change = attendance[1], attendance[2], attendance[3]
    assert now.endswith("%") and (change == "no change" or change.endswith(("(better)", "(worse)")))
    screenshot(browser, "team_principal")
    # the button serves the same packet as a PDF, for this viewer, never kept by a cache
    button = browser.find_element("id", "team-packet")
    assert button.text == "Meeting packet (PDF)"
    status, headers, body = fetch_bytes(browser, button.get_attribute("href").replace(browser.base, ""))
    assert status == 200 and headers["Content-Type"] == "application/pdf" and headers["Cache-Control"] == "no-store"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    assert f"{BLT}: meeting packet" in text
    last = page.split("Last meeting: ", 1)[1].split()[0]
    assert dt.date.fromisoformat(last) < dt.date.today() and last in text
    # the page's values of attendance, now and at the last meeting, are the packet's
    assert now in text and at_last in text and change in text
    assert console_errors(browser) == []


def test_a_team_outside_the_scope_is_refused_and_so_is_its_packet(browser):
    login(browser, "principal")
    open_path(browser, "/team?team=BLT:03001")
    assert message(browser) == "team 'BLT:03001' is not in your scope"
    assert not browser.find_elements("css selector", ".team-page")
    status, body = fetch(browser, "/export/team-packet.pdf?team=BLT:03001")
    assert (status, body) == (403, "team 'BLT:03001' is not in your scope\n")


def test_a_plc_lead_lands_on_their_team(browser):
    login(browser, "plclead")
    open_path(browser, "/team")
    assert view(browser, PLC_TEAM) == PLC_TEAM
    assert "Professional learning community" in browser.find_element("css selector", ".subtitle").text
    screenshot(browser, "team_plclead")


def test_the_scorecard_as_of_a_day_says_so_on_every_tile(browser):
    login(browser, "principal")
    day = DAY
    open_path(browser, f"/?level=school&entity=01001&asof={day.isoformat()}")
    view(browser, "balanced scorecard")
    tiles = browser.find_elements("css selector", ".tile")
    assert tiles and all(f"year to date as of {day.isoformat()}" in t.text for t in tiles)
    assert f"year to date as of {day.isoformat()}" in browser.find_element("css selector", ".subtitle").text
    # without a day every tile says the latest data date it is as of
    open_path(browser, "/?level=school&entity=01001")
    view(browser, "balanced scorecard")
    wait(browser, lambda d: all("as of " in t.text for t in d.find_elements("css selector", ".tile")), "as-of lines")


def test_picking_a_day_puts_it_in_the_url_and_the_scorecard_follows(browser):
    from selenium.webdriver.common.keys import Keys

    login(browser, "principal")
    view(browser, "balanced scorecard")
    box = browser.find_element("css selector", "[id*='state-date'] input")
    # the default: the latest data date of the year shown (nothing is dated after today)
    assert dt.date.fromisoformat(box.get_attribute("value")) <= dt.date.today()
    day = DAY.isoformat()
    box.click()
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(day, Keys.ENTER)
    wait(browser, lambda d: f"asof={day}" in d.current_url, "the day in the URL")
    view(browser, "balanced scorecard")
    wait(browser, lambda d: f"year to date as of {day}" in d.find_element("css selector", ".subtitle").text,
         "the scorecard as of the day")
