"""Plotly figures with one look: the Okabe & Ito palette (static/alignboard.css), a title, the unit
on the axis and n on every bar. A missing value is a gap with a note, never a zero bar."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from dash import dcc

from dashboards.components import formatting as fmt

OK, NEAR, OFF, BLUE, SKY, PURPLE, GREY, YELLOW = (
    "#009E73", "#E69F00", "#D55E00", "#0072B2", "#56B4E9", "#CC79A7", "#6b6b6b", "#F0E442")
SERIES = [BLUE, NEAR, OK, PURPLE, SKY, OFF, YELLOW, GREY]
STATUS_COLOURS = {"on_target": OK, "near": NEAR, "off": OFF}

# The graph config of every chart: no Plotly logo, no editing toolbar clutter.
CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


def graph(graph_id: str, fig: go.Figure):
    """A chart whose box is as tall as its figure (so nothing below it is overlapped)."""
    return dcc.Graph(id=graph_id, figure=fig, config=CONFIG, style={"height": f"{fig.layout.height or 340}px"})


def layout(fig: go.Figure, title: str, *, x_title: str = "", y_title: str = "", height: int = 340) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        height=height, margin={"l": 60, "r": 20, "t": 60, "b": 50},
        font={"family": "DejaVu Sans, Arial, sans-serif", "size": 12},
        plot_bgcolor="#ffffff", paper_bgcolor="#ffffff", colorway=SERIES,
        legend={"orientation": "h", "y": -0.2},
    )
    fig.update_xaxes(title_text=x_title, gridcolor="#eeeeee")
    fig.update_yaxes(title_text=y_title, gridcolor="#eeeeee", zerolinecolor="#cccccc")
    return fig


# A chart draws at most this many bars; a longer list shows its ends and sits whole in a grid.
MAX_BARS = 20


def extremes(frame: pd.DataFrame, column: str, most: int = MAX_BARS) -> tuple[pd.DataFrame, str]:
    """The rows a bar chart draws, highest first, and a note saying what was left out: every
    row when there are at most `most`, else the most/2 highest and most/2 lowest values (rows
    without a value are left to the grid beside the chart)."""
    if len(frame) <= most:
        return frame, ""
    valued = frame[frame[column].notna()].sort_values(column, ascending=False, kind="stable")
    if len(valued) <= most:
        return valued, f"the {len(valued)} with a value of {len(frame):,}; the table lists all"
    half = most // 2
    shown = pd.concat([valued.head(half), valued.tail(half)])
    return shown, f"the {half} highest and {half} lowest of {len(frame):,}; the table lists all"


def value_axis(unit: str | None) -> str:
    return {"share": "percent (%)", "hours": "hours per person", "count": "count"}.get(unit or "", "value")


def bar_labels(values, ns, suppressed_reasons, unit) -> list[str]:
    """Text on each bar: the value and its n, or why there is no bar."""
    labels = []
    for value, n, reason in zip(values, ns, suppressed_reasons):
        if fmt.missing(value):
            labels.append(f"suppressed ({reason})" if isinstance(reason, str) and reason else "no data")
        else:
            labels.append(f"{fmt.number(value, unit)} (n={fmt.count(n)})")
    return labels


def horizontal_bars(names, values, ns, reasons, unit, *, title: str, colours=None, ids=None,
                    target=None, height: int | None = None, notes=None) -> go.Figure:
    """One bar per name (a group or a child entity); missing values keep their row with a note.
    `notes` (one per bar) are added to the bar's text, e.g. its status in words."""
    names = list(names)
    plotted = [fmt.plot_value(v, unit) for v in values]
    labels = bar_labels(values, ns, reasons, unit)
    if notes is not None:
        labels = [f"{label} {note}".strip() for label, note in zip(labels, notes)]
    fig = go.Figure(go.Bar(
        y=names, x=[0 if p is None else p for p in plotted], orientation="h",
        marker={"color": [GREY if p is None else (colours[i] if colours else BLUE) for i, p in enumerate(plotted)],
                "opacity": [0 if p is None else 1 for p in plotted]},
        # a missing or zero bar has no inside: its text goes beside it, never hidden
        text=labels, textposition=["outside" if not p else "auto" for p in plotted],
        insidetextanchor="end", cliponaxis=False,
        customdata=ids if ids is not None else names,
        hovertemplate="%{y}: %{text}<extra></extra>",
    ))
    if target is not None and not fmt.missing(target):
        fig.add_vline(x=fmt.plot_value(target, unit), line_dash="dash", line_color=GREY,
                      annotation_text=f"target {fmt.number(target, unit)}", annotation_position="top")
    fig.update_yaxes(autorange="reversed", automargin=True)
    if unit == "share":
        fig.update_xaxes(range=[0, 105])
    return layout(fig, title, x_title=value_axis(unit), height=height or max(220, 60 + 28 * len(names)))


def trend(years, values, ns, reasons, unit, *, title: str, target=None) -> go.Figure:
    """Value by school year: points joined only between years with data; target as a dashed line."""
    from dashboards.components.state import school_year_label

    labels = [school_year_label(y) for y in years]
    plotted = [fmt.plot_value(v, unit) for v in values]
    text = bar_labels(values, ns, reasons, unit)
    fig = go.Figure(go.Scatter(
        x=labels, y=plotted, mode="lines+markers+text", text=text, textposition="top center",
        line={"color": BLUE, "width": 3}, marker={"size": 9}, connectgaps=False, name="value",
        hovertemplate="%{x}: %{text}<extra></extra>",
    ))
    if target is not None and not fmt.missing(target):
        fig.add_hline(y=fmt.plot_value(target, unit), line_dash="dash", line_color=GREY,
                      annotation_text=f"target {fmt.number(target, unit)}", annotation_position="bottom right")
    if unit == "share":
        fig.update_yaxes(range=[0, 112])
    # room left and right of the first and last year for their labels
    fig.update_xaxes(type="category", range=[-0.5, len(labels) - 0.5])
    return layout(fig, title, x_title="school year", y_title=value_axis(unit), height=320)


def heatmap(graph_id: str, z, x, y, text, hover, *, title: str, colorbar: str, zmin: float, zmax: float,
            row_height: int = 26, min_height: int = 340, x_angle: int = -30):
    """A rows x columns heatmap in the diverging palette (vermillion, white, blue), each cell
    with its text and a hover line; one row per entry of `y`, top to bottom."""
    fig = go.Figure(go.Heatmap(
        z=z, x=list(x), y=list(y), text=text, texttemplate="%{text}",
        customdata=hover, hovertemplate="%{customdata}<extra></extra>", zmin=zmin, zmax=zmax, xgap=1, ygap=1,
        colorscale=[[0, OFF], [0.5, "#f7f7f7"], [1, BLUE]], colorbar={"title": {"text": colorbar}},
    ))
    fig.update_xaxes(tickangle=x_angle, automargin=True)
    fig.update_yaxes(automargin=True, autorange="reversed")
    layout(fig, title, height=max(min_height, 130 + row_height * len(y)))
    return graph(graph_id, fig)
