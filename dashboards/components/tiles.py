"""Scorecard tiles: value, target, status (colour, icon and word), change vs the prior year, a
small trend, n, and the definition, version and data date behind a click."""
from __future__ import annotations

import pandas as pd
from dash import dcc, html

from dashboards.components import formatting as fmt
from dashboards.components.state import school_year_label


def spark_heights(values: list) -> tuple[list, float | None, float | None]:
    """Bar heights (percent of the sparkline's box) on the scale of the values' own range: the
    lowest value at 15%, the highest at 100%, the rest in proportion (so 94.9% and 95.3% differ);
    every bar at 60% when all values are equal; None (a year without a value) stays None.
    Returns (heights, lowest, highest), the scale the sparkline states."""
    present = [v for v in values if not fmt.missing(v)]
    if not present:
        return [None] * len(values), None, None
    low, high = min(present), max(present)
    heights = [None if fmt.missing(v) else (60.0 if high == low else 15 + 85 * (v - low) / (high - low))
               for v in values]
    return heights, low, high


def spark_scale(low, high, unit: str | None, years: int = 2) -> str:
    """The scale a sparkline states: 'bars from 94.9% (low) to 95.3% (high)'; `years`: how many
    years have a value."""
    if low is None:
        return "no values"
    if low == high:
        return f"{'one year' if years == 1 else 'every year'}: {fmt.number(low, unit)}"
    return f"bars from {fmt.number(low, unit)} (low) to {fmt.number(high, unit)} (high)"


def sparkline(trend, unit: str | None) -> html.Div:
    """A bar per loaded year on the scale of the values' range (stated under it and in its
    label); a year without a value is a dashed gap, never a zero-height bar."""
    points = list(trend) if trend is not None else []
    heights, low, high = spark_heights([p.get("value") for p in points])
    scale = spark_scale(low, high, unit, sum(h is not None for h in heights))
    bars = []
    for i, (point, height) in enumerate(zip(points, heights)):
        label = f"{school_year_label(point.get('school_year'))}: {fmt.number(point.get('value'), unit)}"
        if height is None:
            bars.append(html.Span(className="gap", title=label, style={"height": "100%"}))
            continue
        bars.append(html.Span(className="last" if i == len(points) - 1 else "", title=label,
                              style={"height": f"{height:.0f}%"}))
    return html.Div([html.Div(bars, className="spark", title=f"trend over the loaded years; {scale}",
                              **{"aria-label": "trend: " + "; ".join(b.title for b in bars) + f" ({scale})"}),
                     html.Div(scale, className="spark-scale")])


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
            change_line(row.get("change_vs_prior"), unit, row.get("direction"), prior),
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


def change_line(change, unit: str | None, direction: str | None, prior: str) -> html.Div:
    """The change since the prior year in words, coloured by whether it is better or worse for
    this metric's direction (▼ on a lower-is-better metric is good news)."""
    text, css = fmt.change_by_direction(change, unit, direction)
    if css == "same" and fmt.missing(change):
        return html.Div(text, className="line")
    return html.Div([html.Span(text, className=f"change {css}"), f" vs {prior}"], className="line")


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
