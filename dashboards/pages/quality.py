"""Data quality: the last load of every landing file (rows read = loaded + quarantined, by
reason), the failed checks, recent failed runs and how fresh the data is."""
from __future__ import annotations

import dash
import pandas as pd
from dash import html

from dashboards import queries
from dashboards.components import context, figures, grids

dash.register_page(__name__, path="/quality", name="Data quality", title="Alignboard · Data quality", order=6)

# every status in words with its icon; colour (the row's, the bar's) is never the only sign
STATUS_TEXT = {"loaded": "✓ loaded", "loaded_with_warnings": "⚠ loaded with warnings", "rejected": "✗ rejected",
               "missing": "– missing", "unchanged": "= unchanged", "not_run": "– not run"}
BAR_COLOURS = {"rejected": figures.OFF, "loaded_with_warnings": figures.NEAR}


@context.safe
def layout(**_):
    viewer, wh = context.viewer(), context.warehouse()
    files = queries.data_quality(viewer, warehouse=wh)
    files = files.assign(
        reasons_text=[", ".join(f"{k} {v:,}" for k, v in sorted(r.items(), key=lambda kv: -kv[1])) or ""
                      for r in files["reasons"]],
        status_text=[STATUS_TEXT.get(s, s) for s in files["status"]],
    )
    newest = files["last_good_load"].dropna()
    fresh = (f"Last good load {newest.max():%Y-%m-%d %H:%M} UTC "
             f"({files['age_hours'].min():.0f} hours ago)") if len(newest) else "No file has loaded yet."
    by_district = files["district"].notna().any()  # a state warehouse: every district's files
    columns = [
        *([grids.column("district_name", "District", minWidth=200)] if by_district else []),
        grids.column("file", "Landing file", minWidth=200),
        grids.column("status_text", "Status", minWidth=190, maxWidth=210),
        grids.column("rows_read", "Read", "integer", minWidth=110, maxWidth=130),
        grids.column("rows_loaded", "Loaded", "integer", minWidth=120, maxWidth=140),
        grids.column("rows_quarantined", "Quarantined", "integer", minWidth=140, maxWidth=150),
        grids.column("reasons_text", "Quarantined because", minWidth=220),
        grids.column("checks_failed", "Failed checks", "integer", maxWidth=120),
        grids.column("loaded_at", "Last load", minWidth=150),
        grids.column("age_hours", "Hours since good load", "decimal", maxWidth=150),
        grids.column("message", "Message", minWidth=200),
    ]
    checks = queries.failed_checks(viewer, warehouse=wh)
    failures = queries.recent_failures(viewer, warehouse=wh)
    body = [
        html.H1("Data quality"),
        html.P(fresh, className="subtitle", id="quality-freshness"),
        html.Div(district_chart(files) if by_district else quarantine_chart(files), className="card"),
        html.H2("Every district's landing files, last load" if by_district else "Every landing file, last load"),
        grids.grid("quality-files", files, columns,  # one row per contract: a district's on one page
                   **({} if by_district else {"page_size": len(files) or 1}),
                   row_class_rules={"flagged-row": "params.data.status === 'rejected'",
                                    "warning-row": "params.data.status === 'loaded_with_warnings'"}),
        html.H2("Failed checks (latest validation)"),
        grids.grid("quality-checks", checks, [grids.column(c, c.replace("_", " ").capitalize()) for c in checks.columns])
        if len(checks) else html.P("No failed checks.", className="note"),
        html.H2("Recent failed runs"),
        grids.grid("quality-runs", failures, [grids.column(c, c.replace("_", " ").capitalize()) for c in failures.columns])
        if len(failures) else html.P("No failed runs recorded.", className="note"),
    ]
    return html.Div(body)


def district_chart(files: pd.DataFrame):
    """A state warehouse's: the share of each district's rows quarantined at its files' last
    loads (every file together), red for a district with a rejected file."""
    districts = files.groupby(["district", "district_name"], as_index=False, dropna=False).agg(
        rows_read=("rows_read", "sum"), rows_quarantined=("rows_quarantined", "sum"),
        rejected=("status", lambda s: (s == "rejected").sum()))
    districts["share"] = [q / r * 100 if r else 0.0 for q, r in zip(districts["rows_quarantined"], districts["rows_read"])]
    shown, note = figures.extremes(districts, "share")
    shown = shown.sort_values("share", ascending=True)
    bar = {"type": "bar", "orientation": "h", "y": shown["district_name"].tolist(), "x": shown["share"].tolist(),
           "marker": {"color": [figures.OFF if r else figures.BLUE for r in shown["rejected"]]},
           "customdata": [[int(q), int(r), int(j)] for q, r, j in
                          zip(shown["rows_quarantined"], shown["rows_read"], shown["rejected"])],
           "hovertemplate": "%{y}: %{x:.1f}% quarantined (%{customdata[0]:,} of %{customdata[1]:,} rows), "
                            "%{customdata[2]} files rejected<extra></extra>"}
    figure = {"data": [bar], "layout": figures.base_layout(
        f"Share of rows quarantined per district, last loads ({note or 'every district'}; "
        f"n = {int(districts['rows_read'].sum()):,} rows read)",
        x_title="% of the district's rows quarantined", height=max(300, 80 + 24 * len(shown)))}
    figure["layout"]["xaxis"].update(rangemode="tozero", ticksuffix="%")
    figure["layout"]["yaxis"]["automargin"] = True
    figure["layout"]["showlegend"] = False
    return figures.graph("quality-chart", figure)


def quarantine_chart(files: pd.DataFrame):
    """The share of each file's rows quarantined at its last load, on a linear scale from 0, so
    3% looks like 3% (amber: loaded with warnings; vermillion: rejected, every row held)."""
    files = files.assign(share=[q / r * 100 if r else 0.0 for q, r in zip(files["rows_quarantined"], files["rows_read"])])
    files = files.sort_values("share", ascending=True)
    bar = {"type": "bar", "orientation": "h", "y": files["file"].tolist(), "x": files["share"].tolist(),
           "marker": {"color": [BAR_COLOURS.get(s, figures.BLUE) for s in files["status"]]},
           "customdata": [[STATUS_TEXT.get(s, s), int(q), int(r)]
                          for s, q, r in zip(files["status"], files["rows_quarantined"], files["rows_read"])],
           "hovertemplate": "%{y}: %{x:.1f}% quarantined (%{customdata[1]:,} of %{customdata[2]:,} rows), "
                            "%{customdata[0]}<extra></extra>"}
    figure = {"data": [bar], "layout": figures.base_layout(
        f"Share of rows quarantined per landing file, last load (n = {int(files['rows_read'].sum()):,} rows read)",
        x_title="% of the file's rows quarantined", height=max(360, 80 + 20 * len(files)))}
    figure["layout"]["xaxis"].update(rangemode="tozero", ticksuffix="%")
    figure["layout"]["yaxis"]["automargin"] = True
    figure["layout"]["showlegend"] = False
    return figures.graph("quality-chart", figure)
