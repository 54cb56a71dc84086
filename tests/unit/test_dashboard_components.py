"""The dashboard's small pieces: URL state, numbers as people read them, category labels."""
from dashboards.components import formatting as fmt
from dashboards.components.state import href, parse, school_year_label, year_of
from dashboards.components.controls import changed_view
from dashboards.components.labels import category_label


def test_url_state_round_trips_in_a_fixed_key_order():
    link = href("/metric", group="idea:yes", year=2026, metric="attendance_rate", level="school", entity="01001")
    assert link == "/metric?level=school&entity=01001&metric=attendance_rate&year=2026&group=idea%3Ayes"
    assert parse(link.split("?", 1)[1]) == {"level": "school", "entity": "01001", "metric": "attendance_rate",
                                             "year": "2026", "group": "idea:yes"}
    assert href("/", level=None, entity="") == "/"


def test_a_selector_writes_the_url_only_when_it_changes_the_view():
    # the selectors of a page opened at "/" appear showing the latest year: the URL stays "/"
    assert changed_view("/", "", "year", 2026, shown=2026) is None
    assert changed_view("/", "?level=school&entity=01001", "group", "all", shown="all") is None
    # a person picks another year or group: same page, that key set, the others kept
    assert changed_view("/", "", "year", 2025, shown=2026) == "/?year=2025"
    assert (changed_view("/metric", "?level=school&entity=01001&metric=attendance_rate&year=2025", "group",
                         "idea:yes", shown="all")
            == "/metric?level=school&entity=01001&metric=attendance_rate&year=2025&group=idea%3Ayes")
    # another entity forgets the student that was open
    assert changed_view("/student", "?level=school&entity=01001&student=S9", "entity", "03001", shown="01001") \
        == "/student?level=school&entity=03001"
    # another landing file forgets the quarantine reason, which was one of the first file's
    assert changed_view("/quality", "?file=students&reason=unknown_code%3Agrade_level", "file", "attendance_daily",
                        shown="students") == "/quality?file=attendance_daily"
    assert changed_view("/quality", "?file=students", "reason", "missing:sex", shown="all") \
        == "/quality?file=students&reason=missing%3Asex"


def test_tabs_open_on_the_first_part_and_leave_out_empty_ones():
    from dashboards.components.sections import tabs

    shown = tabs("t", [("Empty", []), ("Schools", ["a chart"]), ("Years", ["another"])])
    assert [tab.label for tab in shown.children] == ["Schools", "Years"]
    assert shown.value == "Schools"
    assert tabs("t", [("Empty", [])]) is None


def test_years_from_the_url():
    assert year_of("2026") == 2026
    assert year_of(None) is None and year_of("") is None and year_of("last") is None
    assert school_year_label(2026) == "2025-26"
    assert school_year_label(2000) == "1999-00"


def test_numbers_in_their_units_and_no_data_is_not_zero():
    assert fmt.number(0.9354, "share") == "93.5%"
    assert fmt.number(0.0, "share") == "0.0%"
    assert fmt.number(None, "share") == "no data"
    assert fmt.number(float("nan"), "hours") == "no data"
    assert fmt.number(6.94, "hours") == "6.9 h"
    assert fmt.plot_value(None, "share") is None
    assert fmt.plot_value(0.25, "share") == 25.0


def test_every_status_has_a_word_and_an_icon():
    assert fmt.status_of("off") == ("off", "✗", "Off target")
    assert fmt.status_of("suppressed") == ("suppressed", "⊘", "Hidden")
    assert fmt.status_of(None) == ("no_target", "·", "No target")


def test_metric_and_category_names_read_as_words():
    assert fmt.metric_name("Percent favorable (family.teacher_student_relationships)") == \
        "Percent favorable (family · teacher student relationships)"
    assert fmt.metric_name("Attendance rate") == "Attendance rate"
    assert category_label("discipline_oss_exp_gt10") == \
        "Discipline: out-of-school suspension expulsion more than 10 days"
    assert category_label("mtss_reading_tier2") == "MTSS: reading tier 2"


def test_layer_labels_come_from_the_vocabulary():
    from dashboards.components.labels import LEVEL_NAMES, level_label
    from data_contracts.vocabulary import LEVELS, STATE

    assert list(LEVEL_NAMES) == [STATE, *LEVELS]
    assert [level_label(c) for c in (STATE, *LEVELS)] == ["State", "District", "Department", "School", "PLC",
                                                          "Classroom", "Student"]


def test_a_long_list_draws_its_highest_and_lowest_bars():
    import pandas as pd

    from dashboards.components.figures import extremes

    few = pd.DataFrame({"name": list("abc"), "value": [0.2, None, 0.9]})
    shown, note = extremes(few, "value", most=4)
    assert list(shown["name"]) == ["a", "b", "c"] and note == ""  # short lists: every row, as given
    many = pd.DataFrame({"name": [f"e{i}" for i in range(10)], "value": [i / 10 for i in range(9)] + [None]})
    shown, note = extremes(many, "value", most=4)
    # values 0.0 .. 0.8 and one missing: the 2 highest (0.8, 0.7) and the 2 lowest (0.1, 0.0)
    assert list(shown["name"]) == ["e8", "e7", "e1", "e0"]
    assert note == "the 2 highest and 2 lowest of 10; the table lists all"


def test_grid_rows_are_plain_json_and_long_lists_are_paged():
    import math

    import pandas as pd

    from dashboards.components import grids

    frame = pd.DataFrame({"n": [1.0, math.nan], "flag": [True, None], "day": pd.to_datetime(["2026-01-05", None]),
                          "text": ["a", None]})
    assert grids.records(frame) == [{"n": 1.0, "flag": True, "day": "2026-01-05", "text": "a"},
                                    {"n": None, "flag": None, "day": None, "text": None}]
    short = grids.grid("g", pd.DataFrame({"a": range(20)}), [grids.column("a", "A")])
    assert "pagination" not in short.dashGridOptions
    long = grids.grid("g", pd.DataFrame({"a": range(21)}), [grids.column("a", "A")])
    assert long.dashGridOptions["pagination"] is True and long.dashGridOptions["paginationPageSize"] == 20
    assert len(long.rowData) == 21  # every row is in the grid, a page at a time on screen


def test_a_server_grid_filters_each_column_of_a_column_group_as_page_of_can():
    from dashboards.components import grids

    grouped = grids.server_grid("g", [grids.column("name", "Name"), {"headerName": "Student Learning", "children": [
        grids.column("m0", "Attendance", "percent"), {"field": "m1", "headerName": "Look-fors", "filter": False}]}])
    name, group = grouped.columnDefs
    assert name["filter"] == "agTextColumnFilter" and name["filterParams"]["maxNumConditions"] == 1
    # the group stays a group, with no filter of its own; its number column keeps the number
    # filter (one condition), its unfiltered column stays unfiltered
    assert set(group) == {"headerName", "children"}
    attendance, lookfors = group["children"]
    assert attendance["filter"] == "agNumberColumnFilter" and attendance["filterParams"]["maxNumConditions"] == 1
    assert "contains" not in attendance["filterParams"]["filterOptions"]
    assert lookfors["filter"] is False


def test_drawn_pages_are_kept_per_access_and_warehouse_version(tmp_path):
    """A page is drawn once per (URL arguments, viewer's access, warehouse version); a refusal is
    never kept, so it reaches the query layer (and its access log) every time."""
    import os
    from unittest import mock

    import flask
    import pytest

    from dashboards import queries
    from dashboards.components import context

    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes(b"x")
    server = flask.Flask(__name__)
    server.config["ALIGNBOARD_WAREHOUSE"] = str(warehouse)
    drawn = []

    @context.cached_page
    def page(level=None, entity=None, **_):
        kwargs = {"level": level, "entity": entity}
        drawn.append(kwargs)
        if kwargs.get("entity") == "other":
            raise queries.AccessDenied("school 'other' is not in your scope")
        return f"page {kwargs}"

    principal = queries.Viewer("school", "S1", user="pat")
    same_access = queries.Viewer("school", "S1", user="sam")
    with server.test_request_context("/"):
        with mock.patch("dashboards.auth.current_viewer", return_value=principal):
            assert page(level="school", entity="S1") == page(level="school", entity="S1")
            assert len(drawn) == 1
            for junk in range(3):  # parameters the page does not read draw the same page, kept once
                assert page(level="school", entity="S1", junk=str(junk)) == page(level="school", entity="S1")
            assert len(drawn) == 1
            for _ in range(2):
                with pytest.raises(queries.AccessDenied):
                    page(level="school", entity="other")
            assert len(drawn) == 3
        with mock.patch("dashboards.auth.current_viewer", return_value=same_access):
            page(level="school", entity="S1")
            assert len(drawn) == 3  # same scope and student access: the same page
        with mock.patch("dashboards.auth.current_viewer", return_value=queries.Viewer("school", "S1", True)):
            page(level="school", entity="S1")
            assert len(drawn) == 4  # may see students: drawn for them
        stat = warehouse.stat()
        os.utime(warehouse, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # a load published
        with mock.patch("dashboards.auth.current_viewer", return_value=principal):
            page(level="school", entity="S1")
            assert len(drawn) == 5


def test_a_kept_page_is_sent_exactly_as_it_was_drawn():
    """A kept page hands Dash its JSON form made once: the same text Dash makes from its components."""
    import math

    import plotly.graph_objects as go
    from dash import dcc, html
    from plotly.io.json import to_json_plotly

    from dashboards.components import context

    page = html.Div([html.H1("Attendance"), html.P("n = 7", className="note"),
                     dcc.Graph(id="g", figure=go.Figure(go.Bar(x=["S1", "S2"], y=[57 / 65, math.nan])))])
    drawn = to_json_plotly(page)
    assert context.sent_as_drawn(page) is page  # the page itself is kept: its parts can still be read
    assert to_json_plotly({"response": {"content": page}}) == '{"response":{"content":' + drawn + "}}"
    # the figure's missing value is sent as JSON null, as Dash sends it
    assert '"y":[0.8769230769230769,null]' in drawn
    assert page.children[1].children == "n = 7"
    assert context.sent_as_drawn("a string") == "a string"  # rows and text are kept as they are
