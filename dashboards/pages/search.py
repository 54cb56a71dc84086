"""Find a student by name or id, among the students the viewer may see (the query layer's
visible_students), to open their data folder. The text is sent in the callback's body, never in
the URL: names stay out of the address bar, the history and the server's access log."""
from __future__ import annotations

import dash
from dash import Input, Output, State, callback, dcc, html

from dashboards import queries
from dashboards.components import context
from dashboards.components.labels import grade_label, student_label
from dashboards.components.state import href, school_year_label

dash.register_page(__name__, path="/search", name="Student search", title="Alignboard · Student search", order=6)


@context.safe
def layout(**_):
    viewer = context.viewer()
    header = [html.H1("Find a student"),
              html.P("By name or student id, among the students you may see: the students enrolled in your "
                     "scope, in the years they were there.", className="subtitle")]
    if not viewer.may_see_students:
        return html.Div(header + [context.message("This login may not see student-level data, so it cannot "
                                                  "search for students.")])
    form = html.Div([
        html.Label(["Name or student id",
                    dcc.Input(id="student-search-text", type="search", placeholder="e.g. Lee, or 00015",
                              debounce=True, maxLength=100, autoComplete="off", className="search-box")]),
        html.Button("Search", id="student-search-button", n_clicks=0),
    ], className="controls")
    return html.Div(header + [form, html.Div(id="student-search-results")])


@callback(
    Output("student-search-results", "children"),
    Input("student-search-button", "n_clicks"),
    Input("student-search-text", "n_submit"),
    State("student-search-text", "value"),
    prevent_initial_call=True,
)
@context.safe
def search(_clicks, _submitted, text):
    if not (text or "").strip():
        return html.P("Type part of a name or the start of a student id.", className="note")
    found = queries.student_search(context.viewer(), text, warehouse=context.warehouse())
    if found.empty:
        return html.P("No student you may see matches.", className="note", id="student-search-none")
    items = [html.Li([dcc.Link(student_label(r.student_id, r.first_name, r.last_name),
                               href=href("/student", student=r.student_id)),
                      f" · {r.school_name or r.school_id} · grade {grade_label(r.grade_level)} · "
                      f"{school_year_label(r.school_year)}"])
             for r in found.itertuples()]
    more = (html.P(f"The first {queries.SEARCH_LIMIT} matches: type more of the name to narrow them.", className="note")
            if len(found) >= queries.SEARCH_LIMIT else None)
    return [html.P(f"{len(found)} student{'s' if len(found) != 1 else ''}", className="note"), more,
            html.Ul(items, id="student-search-list")]
