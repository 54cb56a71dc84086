"""Scorecard tiles: value, target, status (colour, icon and word), change vs the prior year, a
small trend, n, and the definition, version and data date behind a click."""
from __future__ import annotations

import pandas as pd
from dash import dcc, html

from dashboards.components import formatting as fmt
from dashboards.components.state import school_year_label


def sparkline(trend, unit: str | None) -> html.Div:
    """A bar per loaded year; a year without a value is a dashed gap, never a zero-height bar."""
    points = list(trend) if trend is not None else []
    values = [p.get("value") for p in points]
    present = [v for v in values if not fmt.missing(v)]
    top = max(present) if present else 0
    bars = []
    for i, point in enumerate(points):
        value = point.get("value")
        label = f"{school_year_label(point.get('school_year'))}: {fmt.number(value, unit)}"
        if fmt.missing(value):
            bars.append(html.Span(className="gap", title=label, style={"height": "100%"}))
            continue
        height = 8 + 92 * (value / top) if top > 0 else 8
        bars.append(html.Span(className="last" if i == len(points) - 1 else "", title=label,
                              style={"height": f"{height:.0f}%"}))
    return html.Div(bars, className="spark", title="trend over the loaded years",
                    **{"aria-label": "trend: " + "; ".join(b.title for b in bars)})


def tile(row: pd.Series, link: str, n_unit: str = "") -> html.Div:
    """One metric's tile. `link` opens the metric's detail page."""
    unit = row.get("unit")
    css, icon, word = fmt.status_of(row.get("status"))
    if row.get("status") == "suppressed" or (row.get("suppressed") and fmt.missing(row.get("value"))):
        css, icon, word = fmt.status_of("suppressed")
        shown = row.get("value_range")
        value = html.Div([html.Span(shown if isinstance(shown, str) and shown else "Hidden"),
                          html.Span(f" {row.get('suppression_reason') or 'too few students'}", className="why")],
                         className="value missing")
    elif fmt.missing(row.get("value")):
        value = html.Div("No data", className="value missing")
    else:
        value = html.Div(fmt.number(row["value"], unit), className="value")
    target = "no target" if fmt.missing(row.get("target")) else f"target {fmt.number(row['target'], unit)}"
    prior = row.get("compared_with") or (school_year_label(row["school_year"] - 1)
                                         if not fmt.missing(row.get("school_year")) else "")
    n = row.get("n") if "n" in row else row.get("denominator")
    data_date = row.get("data_date")
    data_date = "unknown" if data_date is None or pd.isna(data_date) else str(pd.Timestamp(data_date).date())
    return html.Div(
        [
            dcc.Link(fmt.metric_name(row["metric_name"]), href=link, className="name", title="open the metric's detail"),
            value,
            html.Div(as_of_words(row), className="line asof"),
            html.Span(f"{icon} {word}", className=f"status {css}"),
            html.Div(f"{target} · {row.get('direction', 'higher')} is better", className="line"),
            html.Div(f"{fmt.change(row.get('change_vs_prior'), unit)} vs {prior}", className="line"),
            html.Div(f"n = {fmt.count(n)} {n_unit}".rstrip(), className="line"),
            sparkline(row.get("trend"), unit),
            html.Details([
                html.Summary("definition"),
                html.P(row.get("definition") or ""),
                html.Div(f"{row['metric_id']} version {row.get('metric_version')} · data as of {data_date}"),
            ]),
        ],
        className=f"tile {css}",
        **{"data-metric": row["metric_id"]},
    )


def as_of_words(row: pd.Series) -> str:
    """The day the tile's value is as of: a day's year to date, or the latest data of its year."""
    day = row.get("as_of")
    if day is None or (not isinstance(day, str) and pd.isna(day)):
        return "as of: no dated data"
    return f"{'year to date ' if row.get('compared_with') else ''}as of {pd.Timestamp(day):%Y-%m-%d}"


def perspective_sections(frame: pd.DataFrame, link_for, n_units: dict) -> list:
    """The tiles grouped under the five perspectives, in the catalog's order."""
    sections = []
    for perspective, rows in frame.groupby("perspective", sort=False):
        sections.append(html.Section([
            html.H2(perspective),
            html.Div([tile(row, link_for(row["metric_id"]), n_units.get(row["metric_id"].split(".")[0], ""))
                      for _, row in rows.iterrows()], className="tiles"),
        ], className="perspective"))
    return sections
