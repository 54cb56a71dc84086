"""What the browser tests do with a page: log in, wait for a view, click a grid row, read the
console, save a screenshot."""
from __future__ import annotations

import time
import urllib.request

from tests.e2e.conftest import ARTIFACTS, password

TIMEOUT = 45


def wait(driver, condition, what: str, timeout: float = TIMEOUT):
    """Poll `condition(driver)` until it returns something truthy."""
    deadline = time.time() + timeout
    while True:
        try:
            result = condition(driver)
        except Exception:  # an element replaced while it was read: try again
            result = None
        if result:
            return result
        if time.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}; page: {driver.current_url}\n"
                                 f"{driver.find_element('tag name', 'body').text[:1500]}")
        time.sleep(0.2)


def login(driver, name: str) -> None:
    driver.get(driver.base + "/login")
    driver.find_element("id", "username").send_keys(name)
    driver.find_element("id", "password").send_keys(password(name))
    driver.find_element("id", "login-button").click()
    # the login page has a main h1 too: wait for the app's top bar, then for its first view
    wait(driver, lambda d: d.find_elements("css selector", ".topbar")
         and d.find_elements("css selector", "#_pages_content h1, #_pages_content .message"), "the first page")


def heading(driver) -> str:
    found = driver.find_elements("css selector", "main h1")
    return found[0].text if found else ""


def view(driver, text: str) -> str:
    """Wait until the page's title contains `text` and its charts and grids are drawn."""
    wait(driver, lambda d: text in heading(d), f"a page titled {text!r}")
    wait(driver, lambda d: not d.find_elements("css selector", "[data-dash-is-loading='true']"), "loading to end")
    return heading(driver)


def message(driver) -> str:
    """The refusal or error shown instead of a view."""
    return wait(driver, lambda d: " ".join(e.text for e in d.find_elements("css selector", "main .message")),
                "a message")


def open_path(driver, path: str) -> None:
    driver.get(driver.base + path)


def click_row(driver, grid_id: str, text: str) -> None:
    """Click the cell of grid `grid_id` that reads `text` (a drill-down). While AG Grid places a
    page of rows from the server, a stale copy of a row can lie under the new one: the cell
    clicked is the one on top at its centre, as a person's click would be."""
    xpath = f"//div[@id='{grid_id}']//div[contains(@class,'ag-cell') and normalize-space()='{text}']"
    on_top = """const r = arguments[0].getBoundingClientRect();
                const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                return hit !== null && arguments[0].contains(hit);"""

    def click(d) -> bool:  # again while the grid is still placing its rows
        for cell in d.find_elements("xpath", xpath):
            d.execute_script("arguments[0].scrollIntoView({block: 'center'});", cell)
            if d.execute_script(on_top, cell):
                cell.click()
                return True
        return False

    wait(driver, click, f"row {text!r} of {grid_id}")


def console_errors(driver) -> list[str]:
    """SEVERE entries of the browser console since the last call."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def screenshot(driver, name: str, width: int = 1280) -> None:
    """The whole page at `width` pixels, as test-artifacts/e2e/<name>.png."""
    height = driver.execute_script("return Math.max(document.body.scrollHeight, 800)")
    driver.set_window_size(width, min(height + 120, 6000))
    time.sleep(1.0)  # grids and charts redraw for the new size
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))
    driver.set_window_size(1280, 800)


def fetch(driver, path: str) -> tuple[int, str]:
    """GET `path` with the browser's session cookie (what a hand-edited URL would get)."""
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    request = urllib.request.Request(driver.base + path, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")
