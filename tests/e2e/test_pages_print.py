"""The scorecard's layer below metric by metric, words instead of codes on the scorecard and
plans pages, and printing: whole tables, no controls, charts at paper width."""
from __future__ import annotations

import base64
import re
import shutil
import subprocess

import duckdb
import pytest

from tests.e2e.helpers import console_errors, login, open_path, view, wait

pytestmark = pytest.mark.e2e

SCHOOL, SCHOOL_ID = "Curie Grove Elementary School", "01001"
PLC_ID = "01001-grade_03"
# codes the warehouse stores that a page must say in words
CODES = ("on_time", "not_started", "in_progress", "stage_1", "stage_2", "stage_3", "stage_4", "at_risk",
         "off_track", "on_track", "no_data", "no_metric", "not_measurable", "smart_goal", "on_target",
         "parent_not_found", "parent_wrong_layer", "school_plan_not_aligned", "action_step_overdue",
         "plc_without_smart_goal", "district_goal_unsupported")


def mart(warehouse, sql: str, params: dict | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or {}).fetchall()


def main_text(browser) -> str:
    return browser.execute_script("return document.querySelector('main').innerText")


def grid_column(browser, grid_id: str, field: str) -> list:
    """A grid's column, rows in the order shown (sorted and filtered); of a grid whose rows stay
    on the server (the infinite row model), the rows it has loaded, in the server's order."""
    return browser.execute_script(
        "const api = dash_ag_grid.getApi(arguments[0]); const out = [];"
        "const infinite = api.getGridOption('rowModelType') === 'infinite';"
        "api[infinite ? 'forEachNode' : 'forEachNodeAfterFilterAndSort']("
        "  n => { if (n.data) out.push(n.data[arguments[1]]); });"
        "return out;", grid_id, field)


def test_the_layer_below_compares_children_metric_by_metric(browser, site):
    login(browser, "principal")
    view(browser, f"{SCHOOL}: balanced scorecard")
    wait(browser, lambda d: d.find_elements("css selector", "#scorecard-children .ag-row"), "the layer below")
    headers = browser.find_element("id", "scorecard-children").text
    assert "Student Learning" in headers and "Attendance rate" in headers
    # the Grade 3 PLC's attendance as the mart holds it, shown as a percent with its status icon
    (value, status), = mart(site[1], """
        SELECT value, status FROM mart.metric_cells
        WHERE level = 'plc' AND entity_id = $id AND metric_id = 'attendance_rate' AND student_group = 'all'
          AND period = 'year' AND school_year = (SELECT max(school_year) FROM mart.scorecard)""", {"id": PLC_ID})
    field = browser.execute_script(
        "return dash_ag_grid.getApi('scorecard-children').getColumnDefs().flatMap(g => g.children || [g])"
        ".find(c => c.headerName === 'Attendance rate').field")
    shown = browser.execute_script(
        "const api = dash_ag_grid.getApi('scorecard-children');"
        "return api.getCellValue({rowNode: api.getRowNode(arguments[0]), colKey: arguments[1], useFormatter: true});",
        f"plc|{PLC_ID}", field)
    icon = {"on_target": "✓", "near": "●", "off": "✗"}[status]
    assert shown == f"{value * 100:.1f}% {icon}"
    # sortable: a click on the header puts the children in order of their attendance (in their
    # own order they are not: the sort has something to do)
    before = [v for v in grid_column(browser, "scorecard-children", field) if v is not None]
    assert len(before) > 2 and before != sorted(before)
    header = browser.find_element("css selector", f"#scorecard-children .ag-header-cell[col-id='{field}']")
    header.click()
    wait(browser, lambda d: d.find_elements("css selector", f"#scorecard-children .ag-header-cell[col-id='{field}']"
                                                           "[aria-sort='ascending']"), "the sort")
    # (the rows come from the server sorted: wait for that page to replace the unsorted one)
    def sorted_values(driver):
        values = [v for v in grid_column(driver, "scorecard-children", field) if v is not None]
        return values if len(values) > 2 and values == sorted(values) else None

    wait(browser, sorted_values, "the children in order of their attendance")
    assert console_errors(browser) == []


@pytest.mark.parametrize("user", ["principal", "plclead", "teacher"])
def test_scorecard_and_plans_pages_say_words_not_codes(browser, user):
    login(browser, user)
    view(browser, "balanced scorecard")
    text = main_text(browser)
    assert [c for c in CODES if c in text] == []
    # every tile's change is worded better or worse by its metric's direction
    for tile in browser.find_elements("css selector", ".tile"):
        lines = tile.text.split("\n")
        direction = next(line for line in lines if " is better" in line)
        change = next(line for line in lines if " vs " in line or line == "no prior year")
        match = re.match(r"^([▲▼]) [\d.,]+( pts| h)?, (better|worse) vs \d{4}-\d{2}$", change)
        if match:
            good_news = (match.group(1) == "▲") == ("higher is better" in direction)
            assert match.group(3) == ("better" if good_news else "worse"), change
        else:
            assert change == "no prior year" or change.startswith("▶ no change vs "), change
    browser.find_element("id", "nav").find_element("link text", "Plans").click()
    view(browser, "Plans")
    text = main_text(browser)
    assert [c for c in CODES if c in text] == []
    assert re.search(r"Supporting goals: \d+ \(\d+ met, \d+ on track, \d+ at risk, \d+ off track, \d+ no data\)",
                     text)
    assert console_errors(browser) == []


def test_printing_shows_whole_tables_without_controls(browser, site):
    """Before printing, every grid is copied into a plain table of all its rows (shown only on
    paper) and the charts are drawn at paper width; after printing, the screen is as it was."""
    login(browser, "analyst")
    open_path(browser, "/plans")
    view(browser, "Plans")
    wait(browser, lambda d: d.find_elements("css selector", "#plans-progress .main-svg"), "the progress chart")
    steps = mart(site[1], "SELECT count(*) FROM staging.action_steps")[0][0]
    assert steps > 20, "the demo has more action steps than a grid's page"
    browser.execute_script("window.dispatchEvent(new Event('beforeprint'))")
    rows = browser.execute_script(
        "return document.querySelector('#plans-actions + table.print-table').tBodies[0].rows.length")
    assert rows == steps
    widths = browser.execute_script(
        "return [...document.querySelectorAll('.js-plotly-plot')].map(g => g._fullLayout.width)")
    assert widths and max(widths) <= 980
    browser.execute_script("window.dispatchEvent(new Event('afterprint'))")
    assert browser.find_elements("css selector", "table.print-table") == []


def test_the_layer_below_prints_one_table_per_perspective_and_the_print_button_prints_every_child(browser, site):
    """Printed, the layer below (a page at a time from the server) is one table per perspective
    (the grid's column groups), names first. Ctrl+P prints the rows loaded and says how many
    there are; the Print button first loads the rest, then the grid is as it was."""
    login(browser, "principal")
    view(browser, f"{SCHOOL}: balanced scorecard")
    wait(browser, lambda d: d.find_elements("css selector", "#scorecard-children .ag-row"), "the layer below")
    api = "dash_ag_grid.getApi('scorecard-children')"
    first = wait(browser, lambda d: grid_column(d, "scorecard-children", "entity_name"), "the first page")
    total = browser.execute_script(f"return {api}.paginationGetRowCount()")
    assert len(first) == 20 and total > 40, "the school's PLCs and classrooms fill more than two grid pages"
    groups = browser.execute_script(f"return {api}.getColumnDefs().filter(c => c.children).map(c => c.headerName)")
    assert "Student Learning" in groups
    printed = ("return [...document.querySelectorAll('#scorecard-children ~ table.print-table')].map(t => "
               "[t.caption.innerText, t.tHead.rows[0].cells[0].innerText, "
               " [...t.tBodies[0].rows].map(r => r.cells[0].innerText), t.tFoot ? t.tFoot.innerText : null])")
    browser.execute_script("window.dispatchEvent(new Event('beforeprint'))")
    note = f"the 20 of {total} rows loaded on screen; the Print button at the top prints them all"
    assert browser.execute_script(printed) == [[group, "Name (click to open)", first, note] for group in groups]
    browser.execute_script("window.dispatchEvent(new Event('afterprint'))")
    browser.execute_async_script("window.alignboardPrint.loadEveryRow().then(arguments[0])")
    every = grid_column(browser, "scorecard-children", "entity_name")
    assert len(every) == total and every[:20] == first
    browser.execute_script("window.dispatchEvent(new Event('beforeprint'))")
    assert browser.execute_script(printed) == [[group, "Name (click to open)", every, None] for group in groups]
    browser.execute_script("window.dispatchEvent(new Event('afterprint'))")
    assert browser.execute_script(f"return [{api}.getGridOption('paginationPageSize'), "
                                  f"{api}.paginationGetCurrentPage()]") == [20, 0]
    assert console_errors(browser) == []


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="reading the PDF needs pdftotext (make browsers)")
def test_a_printed_page_has_every_row_and_no_top_bar_or_buttons(browser, site, tmp_path):
    from selenium.webdriver.common.print_page_options import PrintOptions

    login(browser, "analyst")
    open_path(browser, "/plans")
    view(browser, "Plans")
    wait(browser, lambda d: d.find_elements("css selector", "#plans-progress .main-svg"), "the progress chart")
    options = PrintOptions()
    options.orientation = "landscape"
    pdf = tmp_path / "plans.pdf"
    pdf.write_bytes(base64.b64decode(browser.print_page(options)))
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "Plans: goals, alignment and execution" in text
    for absent in ("Signed in as", "Log out", "Needs assessment", "Data quality", "Page 1 of"):
        assert absent not in text
    # the action steps past the grid's first page of 20 rows are printed too
    later = [d for (d,) in mart(site[1], """SELECT description FROM staging.action_steps
                                            ORDER BY owner, due_date NULLS LAST OFFSET 20""")]
    short = [d for d in later if len(d) <= 40]
    assert short and all(" ".join(d.split()) in text for d in short)
