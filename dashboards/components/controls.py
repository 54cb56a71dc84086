"""Selectors that re-cut a view (year, student group, category, entity). They do not hold state:
a change writes the URL, and the page renders again from it, so the URL is the whole state."""
from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from dashboards.components.state import href, parse, school_year_label


def select(key: str, label: str, options: list[dict], value, *, width: int = 220) -> html.Label:
    """A dropdown whose value goes into the URL under `key`."""
    return html.Label([
        label,
        dcc.Dropdown(id={"type": "state", "key": key}, options=options, value=value, clearable=False,
                     className="select", style={"width": f"{width}px"}),
    ])


def year_select(years: list[int], value) -> html.Label:
    options = [{"label": school_year_label(y), "value": int(y)} for y in sorted(years, reverse=True)]
    return select("year", "School year", options, None if value is None else int(value), width=140)


def group_select(groups: list[str], value: str, label_of) -> html.Label:
    options = [{"label": label_of(g), "value": g} for g in groups]
    return select("group", "Student group", options, value or "all", width=260)


@callback(
    Output("url", "href", allow_duplicate=True),
    Input({"type": "state", "key": ALL}, "value"),
    State("url", "pathname"),
    State("url", "search"),
    prevent_initial_call=True,
)
def write_state(_values, pathname, search):
    """A selector changed: the same page with that key set in the URL (a new history entry)."""
    changed = ctx.triggered_id
    if not changed or not ctx.triggered:
        return no_update
    state = parse(search)
    value = ctx.triggered[0]["value"]
    if value is None or str(state.get(changed["key"], "")) == str(value):
        return no_update
    state[changed["key"]] = value
    if changed["key"] in ("level", "entity"):
        state.pop("student", None)
    return href(pathname or "/", **state)
