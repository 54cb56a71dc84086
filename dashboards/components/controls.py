"""Selectors that re-cut a view (year, student group, category, entity). They do not hold state:
a change writes the URL, and the page renders again from it, so the URL is the whole state.

Each selector keeps beside it the value the page shows (a Store): Dash calls write_state when a
page's selectors appear, even with prevent_initial_call, because the URL is outside the page.
Comparing with the shown value keeps that call from adding the default year to a URL without
one, which drew the whole page a second time."""
from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from dashboards.components.state import href, parse, school_year_label

# Keys that pick the same thing two ways: choosing one clears the other (the classroom data
# center compares its classrooms on one assessment or on one standard; a scorecard shows a
# school year, or the year to date as of a day).
EXCLUSIVE = {"cfa": "standard", "standard": "cfa", "year": "asof", "asof": "year"}
# Keys that name something of another: choosing the other clears them (a student is one of an
# entity's; a quarantine reason one of a file's).
DEPENDENT = {"level": ("student",), "entity": ("student",), "file": ("reason",)}


def select(key: str, label: str, options: list[dict], value, *, width: int = 220) -> html.Label:
    """A dropdown whose value goes into the URL under `key`."""
    return html.Label([
        label,
        dcc.Dropdown(id={"type": "state", "key": key}, options=options, value=value, clearable=False,
                     className="select", style={"width": f"{width}px"}),
        dcc.Store(id={"type": "shown", "key": key}, data=value),
    ])


def year_select(years: list[int], value) -> html.Label:
    options = [{"label": school_year_label(y), "value": int(y)} for y in sorted(years, reverse=True)]
    return select("year", "School year", options, None if value is None else int(value), width=140)


def as_of_select(value, first, last) -> html.Label:
    """A day (YYYY-MM-DD) whose year-to-date values the view shows: `value` the day shown (a
    school year's latest data date when the URL names none), between `first` and `last`."""
    return html.Label([
        "As of",
        dcc.DatePickerSingle(id={"type": "state-date", "key": "asof"}, date=value, min_date_allowed=first,
                             max_date_allowed=last, display_format="YYYY-MM-DD", clearable=False,
                             className="select"),
        dcc.Store(id={"type": "shown-date", "key": "asof"}, data=value),
    ])


def group_select(groups: list[str], value: str, label_of) -> html.Label:
    options = [{"label": label_of(g), "value": g} for g in groups]
    return select("group", "Student group", options, value or "all", width=260)


@callback(
    Output("url", "href", allow_duplicate=True),
    Input({"type": "state", "key": ALL}, "value"),
    State({"type": "shown", "key": ALL}, "data"),
    State("url", "pathname"),
    State("url", "search"),
    prevent_initial_call=True,
)
def write_state(_values, _shown, pathname, search):
    """A selector changed: the same page with that key set in the URL (a new history entry)."""
    if not ctx.triggered_id or not ctx.triggered:
        return no_update
    key = ctx.triggered_id["key"]
    shown = {item["id"]["key"]: item.get("value") for item in ctx.states_list[0]}
    target = changed_view(pathname, search, key, ctx.triggered[0]["value"], shown.get(key))
    return target if target is not None else no_update


@callback(
    Output("url", "href", allow_duplicate=True),
    Input({"type": "state-date", "key": ALL}, "date"),
    State({"type": "shown-date", "key": ALL}, "data"),
    State("url", "pathname"),
    State("url", "search"),
    prevent_initial_call=True,
)
def write_date(dates, shown, pathname, search):
    """A day was picked: the same page as of that day (a new history entry)."""
    if not ctx.triggered_id or not dates:
        return no_update
    target = changed_view(pathname, search, ctx.triggered_id["key"], str(dates[0])[:10], shown[0] if shown else None)
    return target if target is not None else no_update


def changed_view(pathname: str | None, search: str | None, key: str, value, shown):
    """The URL of the view with `key` set to `value`, or None when the page already shows it."""
    if value is None or str(value) == str(shown):
        return None
    state = parse(search)
    state[key] = value
    for dependent in DEPENDENT.get(key, ()):
        state.pop(dependent, None)
    if key in EXCLUSIVE:
        state.pop(EXCLUSIVE[key], None)
    return href(pathname or "/", **state)
