"""Plotly figures with one look: the Okabe & Ito palette (static/alignboard.css), a title, the unit
on the axis and n on every bar. A missing value is a gap with a note, never a zero bar.

The charts of the main pages are plain figure dicts (Plotly's JSON schema, drawn by plotly.js
as they are): building a go.Figure validates every property in Python and cost about 100 ms
per chart, more than the queries behind it. Pages with one-off charts may still build a
go.Figure and give it `layout()`."""
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


def graph(graph_id: str, fig):
    """A chart (a figure dict or a go.Figure) whose box is as tall as its figure, so nothing
    below it is overlapped."""
    height = fig["layout"].get("height") if isinstance(fig, dict) else fig.layout.height
    return dcc.Graph(id=graph_id, figure=fig, config=CONFIG, style={"height": f"{height or 340}px"})


def base_layout(title: str, *, x_title: str = "", y_title: str = "", height: int = 340) -> dict:
    """The layout every chart starts from: title, font, white background, palette, axis titles."""
    return {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        "height": height, "margin": {"l": 60, "r": 20, "t": 60, "b": 50},
        "font": {"family": "DejaVu Sans, Arial, sans-serif", "size": 12},
        "plot_bgcolor": "#ffffff", "paper_bgcolor": "#ffffff", "colorway": SERIES,
        "legend": {"orientation": "h", "y": -0.2}, "hovermode": "closest",
        "xaxis": {"title": {"text": x_title}, "gridcolor": "#eeeeee", "zerolinecolor": "#cccccc"},
        "yaxis": {"title": {"text": y_title}, "gridcolor": "#eeeeee", "zerolinecolor": "#cccccc"},
    }


def layout(fig: go.Figure, title: str, *, x_title: str = "", y_title: str = "", height: int = 340) -> go.Figure:
    """base_layout() on a go.Figure."""
    fig.update_layout(base_layout(title, x_title=x_title, y_title=y_title, height=height))
    return fig


def reference_line(figure: dict, axis: str, value: float, text: str, colour: str = GREY) -> dict:
    """A dashed line across the plot at `value` of axis 'x' (vertical) or 'y' (horizontal),
    labelled with `text`; added to a figure dict."""
    other = "y" if axis == "x" else "x"
    line = {"type": "line", "xref": "x" if axis == "x" else "paper", "yref": "y" if axis == "y" else "paper",
            f"{axis}0": value, f"{axis}1": value, f"{other}0": 0, f"{other}1": 1,
            "line": {"dash": "dash", "color": colour, "width": 2}}
    # the label above a vertical line's top end, left of it (the bars' values sit at the right);
    # below a horizontal line's right end (points and their labels sit above their line)
    note = {"text": text, "showarrow": False, "xref": line["xref"], "yref": line["yref"],
            axis: value, other: 1, "xanchor": "right", "yanchor": "bottom" if axis == "x" else "top"}
    figure["layout"].setdefault("shapes", []).append(line)
    figure["layout"].setdefault("annotations", []).append(note)
    return figure


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
                    target=None, height: int | None = None, notes=None, x_title: str | None = None) -> dict:
    """One bar per name (a group or a child entity); missing values keep their row with a note.
    `notes` (one per bar) are added to the bar's text, e.g. its status in words."""
    names = list(names)
    plotted = [fmt.plot_value(v, unit) for v in values]
    labels = bar_labels(values, ns, reasons, unit)
    if notes is not None:
        labels = [f"{label} {note}".strip() for label, note in zip(labels, notes)]
    bar = {
        "type": "bar", "orientation": "h", "y": names, "x": [0 if p is None else p for p in plotted],
        "marker": {"color": [GREY if p is None else (colours[i] if colours else BLUE) for i, p in enumerate(plotted)],
                   "opacity": [0 if p is None else 1 for p in plotted]},
        # a missing or zero bar has no inside: its text goes beside it, never hidden
        "text": labels, "textposition": ["outside" if not p else "auto" for p in plotted],
        "insidetextanchor": "end", "cliponaxis": False,
        "customdata": list(ids) if ids is not None else names,
        "hovertemplate": "%{y}: %{text}<extra></extra>",
    }
    figure = {"data": [bar], "layout": base_layout(
        title, x_title=value_axis(unit) if x_title is None else x_title,
        height=height or max(220, 60 + 28 * len(names)))}
    figure["layout"]["yaxis"].update(autorange="reversed", automargin=True)
    if unit == "share":
        figure["layout"]["xaxis"]["range"] = [0, 105]
    if target is not None and not fmt.missing(target):
        reference_line(figure, "x", fmt.plot_value(target, unit), f"target {fmt.number(target, unit)}")
    return figure


def trend(years, values, ns, reasons, unit, *, title: str, target=None) -> dict:
    """Value by school year: points joined only between years with data; target as a dashed line."""
    from dashboards.components.state import school_year_label

    labels = [school_year_label(y) for y in years]
    line = {
        "type": "scatter", "x": labels, "y": [fmt.plot_value(v, unit) for v in values],
        "mode": "lines+markers+text", "text": bar_labels(values, ns, reasons, unit), "textposition": "top center",
        "line": {"color": BLUE, "width": 3}, "marker": {"size": 9}, "connectgaps": False, "name": "value",
        "hovertemplate": "%{x}: %{text}<extra></extra>",
    }
    figure = {"data": [line], "layout": base_layout(title, x_title="school year", y_title=value_axis(unit),
                                                    height=320)}
    # room left and right of the first and last year for their labels
    figure["layout"]["xaxis"].update(type="category", range=[-0.5, len(labels) - 0.5])
    if unit == "share":
        figure["layout"]["yaxis"]["range"] = [0, 112]
    if target is not None and not fmt.missing(target):
        reference_line(figure, "y", fmt.plot_value(target, unit), f"target {fmt.number(target, unit)}")
    return figure


def heatmap(graph_id: str, z, x, y, text, hover, *, title: str, colorbar: str, zmin: float, zmax: float,
            row_height: int = 26, min_height: int = 340, x_angle: int = -30):
    """A rows x columns heatmap in the diverging palette (vermillion, white, blue), each cell
    with its text and a hover line; one row per entry of `y`, top to bottom."""
    cells = {
        "type": "heatmap", "z": [[None if v != v else v for v in row] for row in z.tolist()],
        "x": list(x), "y": list(y), "text": text, "texttemplate": "%{text}", "customdata": hover,
        "hovertemplate": "%{customdata}<extra></extra>", "zmin": zmin, "zmax": zmax, "xgap": 1, "ygap": 1,
        "colorscale": [[0, OFF], [0.5, "#f7f7f7"], [1, BLUE]], "colorbar": {"title": {"text": colorbar}},
    }
    figure = {"data": [cells], "layout": base_layout(title, height=max(min_height, 130 + row_height * len(y)))}
    figure["layout"]["xaxis"].update(tickangle=x_angle, automargin=True)
    figure["layout"]["yaxis"].update(automargin=True, autorange="reversed")
    return graph(graph_id, figure)
