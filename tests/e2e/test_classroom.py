"""The classroom data center and the student folder in headless Chromium: a PLC lead compares
the PLC's classrooms on an assessment and on a standard, a principal picks one instead of
drawing every pair, a department says what it has, and a teacher finds their re-teach groups
and their students (and no one else's)."""
from __future__ import annotations

import duckdb
import pytest
from selenium.webdriver.common.keys import Keys

from tests.e2e.helpers import console_errors, login, message, open_path, screenshot, view, wait

pytestmark = pytest.mark.e2e

SCHOOL_ID, PLC_ID, CLASSROOM_ID = "01001", "01001-grade_03", "01001-2026-0031"
PLC = "Grade 3 PLC"


def mart(warehouse, sql: str, params: dict | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or {}).fetchall()


def latest_cfa(warehouse, column: str, entity: str) -> tuple[str, int]:
    """The newest assessment given in the entity's classrooms of the latest CFA year, the one a
    page opens on: (cfa_id, school_year)."""
    return mart(warehouse, f"""SELECT cfa_id, school_year FROM mart.cfa_mastery WHERE {column} = $e
        AND school_year = (SELECT max(school_year) FROM mart.cfa_mastery WHERE {column} = $e)
        ORDER BY administered_date DESC, cfa_id DESC LIMIT 1""", {"e": entity})[0]


def choose(driver, key: str, text: str) -> None:
    """Pick `text` in the page's selector `key` as a person does: open it, type, Enter."""
    box = driver.find_element("xpath", f"//*[contains(@id, '\"key\":\"{key}\"')]")
    box.click()
    typed = wait(driver, lambda d: [e for e in d.find_elements("css selector", "input") if e.is_displayed()
                                    and e.get_attribute("id") != "username"], "the selector's search box")
    typed[-1].send_keys(text)
    typed[-1].send_keys(Keys.ENTER)


def test_a_plc_lead_compares_the_plcs_classrooms_on_an_assessment_and_on_a_standard(browser, site):
    warehouse = site[1]
    login(browser, "plclead")
    open_path(browser, "/classroom")
    view(browser, f"{PLC}: common formative assessments")
    cfa, year = latest_cfa(warehouse, "plc_id", PLC_ID)
    # the PLC's total per standard of that assessment: students and mastered summed over its classrooms
    totals = mart(warehouse, """SELECT standard_code, sum(students), sum(mastered) FROM mart.cfa_mastery
                                WHERE plc_id = $p AND cfa_id = $c AND school_year = $y GROUP BY 1""",
                  {"p": PLC_ID, "c": cfa, "y": year})
    rooms = mart(warehouse, """SELECT DISTINCT h.entity_name FROM mart.cfa_mastery AS m
                               JOIN staging.org_hierarchy AS h ON h.entity_level = 'classroom' AND h.entity_id = m.section_id
                               WHERE m.plc_id = $p AND m.cfa_id = $c AND m.school_year = $y""",
                 {"p": PLC_ID, "c": cfa, "y": year})
    assert len(rooms) > 1 and totals
    grid = wait(browser, lambda d: d.find_element("id", "classroom-compared").text, "the comparison grid")
    for (room,) in rooms:
        assert room in grid  # each classroom of the PLC with its teacher
    assert "All classrooms" in grid
    figure = browser.find_element("id", "classroom-heatmap").text
    for standard, students, mastered in totals:
        assert standard in figure
        if students >= 10:  # a staff login sees each cell of at least 10 students exactly
            assert f"{100 * mastered / students:.0f}%" in figure
    screenshot(browser, "plclead_classroom_comparison")
    # compare on one standard instead: the URL holds it, the assessment leaves it
    standard = totals[0][0]
    choose(browser, "standard", standard)
    wait(browser, lambda d: f"standard={standard}" in d.current_url and "cfa=" not in d.current_url,
         "the standard in the URL")
    view(browser, f"{PLC}: common formative assessments")
    wait(browser, lambda d: f"standard {standard}, by assessment" in d.find_element("id", "classroom-heatmap").text,
         "the heatmap by assessment")
    screenshot(browser, "plclead_classroom_standard")
    assert "Re-teach" not in browser.find_element("id", "classroom-parts").text  # no student access
    assert console_errors(browser) == []


def test_a_principal_picks_one_assessment_and_a_department_says_what_it_has(browser, site):
    warehouse = site[1]
    login(browser, "principal")
    open_path(browser, f"/classroom?level=school&entity={SCHOOL_ID}")
    view(browser, "common formative assessments")
    (rooms,) = mart(warehouse, "SELECT count(*) FROM staging.sections WHERE school_id = $s AND school_year = "
                               "(SELECT max(school_year) FROM mart.cfa_mastery)", {"s": SCHOOL_ID})[0]
    # one assessment's classrooms: at most every classroom and the total, never 60 x 100 pairs
    rows = browser.execute_script(
        "const g = document.querySelector('#classroom-heatmap .js-plotly-plot');"
        "return g && g.data ? g.data[0].y.length : null;")
    assert rows is not None and 1 <= rows <= rooms + 1
    screenshot(browser, "principal_classroom_school")
    below = browser.find_element("xpath", "//div[@id='classroom-parts']//*[starts-with(normalize-space(), 'The layer below')]")
    below.click()
    with_cfa = {name for (name,) in mart(warehouse, """SELECT h.entity_name FROM staging.org_hierarchy AS h
        WHERE h.school_id = $s AND ((h.entity_level = 'plc' AND h.entity_id IN (SELECT plc_id FROM mart.cfa_mastery
              WHERE school_year = (SELECT max(school_year) FROM mart.cfa_mastery)))
          OR (h.entity_level = 'classroom' AND h.parent_level = 'school' AND h.entity_id IN (SELECT section_id
              FROM mart.cfa_mastery WHERE school_year = (SELECT max(school_year) FROM mart.cfa_mastery))))""",
        {"s": SCHOOL_ID})}
    listed = wait(browser, lambda d: d.find_element("id", "classroom-children").text, "the layer below")
    assert all(name in listed for name in with_cfa)
    login(browser, "transport")
    open_path(browser, "/classroom?level=department&entity=TRN")
    assert "no classrooms" in message(browser)
    assert browser.find_element("id", "classroom-department-scorecard").get_attribute("href").endswith(
        "/?level=department&entity=TRN")
    screenshot(browser, "transport_classroom")
    assert console_errors(browser) == []


def test_a_teacher_sees_re_teach_groups_and_finds_only_their_students(browser, site):
    warehouse = site[1]
    login(browser, "teacher")
    cfa, year = latest_cfa(warehouse, "section_id", CLASSROOM_ID)
    open_path(browser, f"/classroom?level=classroom&entity={CLASSROOM_ID}")
    view(browser, "common formative assessments")
    below_cut = {s for (s,) in mart(warehouse, """SELECT student_id FROM (
            SELECT student_id, score / max_score >= proficiency_cut - 1e-9 AS mastered FROM staging.cfa_results
            WHERE section_id = $c AND cfa_id = $cfa AND school_year = $y
            QUALIFY row_number() OVER (PARTITION BY student_id, standard_code
                                       ORDER BY administered_date DESC, score DESC) = 1) WHERE NOT mastered""",
                                    {"c": CLASSROOM_ID, "cfa": cfa, "y": year})}
    tab = browser.find_element("xpath", "//div[@id='classroom-parts']//*[starts-with(normalize-space(), 'Re-teach groups')]")
    assert f"({len(below_cut)} students)" in tab.text
    tab.click()
    if below_cut:
        links = wait(browser, lambda d: d.find_elements("css selector", ".reteach a"), "the re-teach links")
        assert {a.get_attribute("href").split("student=")[1].split("&")[0] for a in links} == below_cut
    screenshot(browser, "teacher_classroom_reteach")
    own = mart(warehouse, "SELECT min(student_id) FROM staging.section_enrollments WHERE section_id = $c",
               {"c": CLASSROOM_ID})[0][0]
    other = mart(warehouse, """SELECT min(student_id) FROM staging.students WHERE student_id NOT IN
        (SELECT student_id FROM staging.section_enrollments WHERE section_id = $c)""", {"c": CLASSROOM_ID})[0][0]
    browser.find_element("id", "nav").find_element("link text", "Find a student").click()
    view(browser, "Find a student")
    box = browser.find_element("id", "student-search-text")
    box.send_keys(own, Keys.ENTER)
    wait(browser, lambda d: own in d.find_element("id", "student-search-results").text, "the teacher's student")
    screenshot(browser, "teacher_search")
    box.clear()
    box.send_keys(other, Keys.ENTER)
    wait(browser, lambda d: d.find_elements("id", "student-search-none"), "no match outside the classroom")
    # the folder of the teacher's student with the most incidents and interventions: codes in words
    (busy,) = mart(warehouse, """SELECT e.student_id FROM staging.section_enrollments AS e
        LEFT JOIN staging.discipline_incidents AS d ON d.student_id = e.student_id AND d.school_year = e.school_year
        LEFT JOIN staging.mtss_interventions AS i ON i.student_id = e.student_id AND i.school_year = e.school_year
        WHERE e.section_id = $c GROUP BY 1 ORDER BY count(DISTINCT d.incident_id) + count(i.area) DESC, 1 LIMIT 1""",
                   {"c": CLASSROOM_ID})[0]
    actions = {a for (a,) in mart(warehouse, "SELECT DISTINCT action FROM staging.discipline_incidents "
                                             "WHERE student_id = $s AND school_year = $y", {"s": busy, "y": year})}
    tiers = {t for (t,) in mart(warehouse, "SELECT DISTINCT tier FROM staging.mtss_interventions "
                                           "WHERE student_id = $s AND school_year = $y", {"s": busy, "y": year})}
    assert actions or tiers  # the screenshot has codes to read
    open_path(browser, f"/student?student={busy}")
    view(browser, busy)
    folder = browser.find_element("id", "student-folder").text
    assert ".00" not in folder and "excused_absence" not in folder and "race_ethnicity" not in folder
    words = {"oss": "Out-of-school suspension", "iss": "In-school suspension", "expulsion": "Expulsion",
             "iaes": "Interim alternative educational setting", "other": "Other action"}
    for action in actions:
        assert words[action] in folder
    for tier in tiers:
        assert f"Tier {tier} ({'targeted' if tier == 2 else 'intensive'})" in folder
    screenshot(browser, "teacher_student_folder")
    assert console_errors(browser) == []


def test_a_login_without_student_access_has_no_search(browser):
    login(browser, "principal")
    assert not browser.find_element("id", "nav").find_elements("link text", "Find a student")
    open_path(browser, "/search")
    assert "may not see student-level data" in message(browser)
    assert not browser.find_elements("id", "student-search-text")
