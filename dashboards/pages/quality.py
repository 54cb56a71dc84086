"""Data quality: the last load of every landing file (rows read = loaded + quarantined, by
reason), the failed checks, recent failed runs and how fresh the data is."""
from __future__ import annotations

import dash
import pandas as pd
from dash import html

from dashboards import queries
from dashboards.components import context, figures, grids

dash.register_page(__name__, path="/quality", name="Data quality", title="Alignboard · Data quality", order=6)


@context.safe
def layout(**_):
    viewer, wh = context.viewer(), context.warehouse()
    files = queries.data_quality(viewer, warehouse=wh)
    files = files.assign(
        reasons_text=[", ".join(f"{k} {v:,}" for k, v in sorted(r.items(), key=lambda kv: -kv[1])) or ""
                      for r in files["reasons"]],
        status_text=[{"loaded": "✓ loaded", "rejected": "✗ rejected", "missing": "– missing"}.get(s, s)
                     for s in files["status"]],
    )
    newest = files["last_good_load"].dropna()
    fresh = (f"Last good load {newest.max():%Y-%m-%d %H:%M} UTC "
             f"({files['age_hours'].min():.0f} hours ago)") if len(newest) else "No file has loaded yet."
    columns = [
        grids.column("file", "Landing file", minWidth=200),
        grids.column("status_text", "Status", maxWidth=120),
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
        html.Div(quarantine_chart(files), className="card"),
        html.H2("Every landing file, last load"),
        grids.grid("quality-files", files, columns, page_size=len(files) or 1,  # one row per contract: all on one page
                   row_class_rules={"flagged-row": "params.data.status === 'rejected'"}),
        html.H2("Failed checks (latest validation)"),
        grids.grid("quality-checks", checks, [grids.column(c, c.replace("_", " ").capitalize()) for c in checks.columns])
        if len(checks) else html.P("No failed checks.", className="note"),
        html.H2("Recent failed runs"),
        grids.grid("quality-runs", failures, [grids.column(c, c.replace("_", " ").capitalize()) for c in failures.columns])
        if len(failures) else html.P("No failed runs recorded.", className="note"),
    ]
    return html.Div(body)


def quarantine_chart(files: pd.DataFrame):
    """Rows loaded and quarantined per file, side by side (log scale: files differ by orders of
    magnitude, so the bars are not stacked)."""
    files = files.sort_values("rows_read", ascending=True)
    bars = [{"type": "bar", "orientation": "h", "y": files["file"].tolist(), "x": files[column].tolist(), "name": name,
             "marker": {"color": colour}, "hovertemplate": f"%{{y}}: %{{x:,}} rows {name}<extra></extra>"}
            for column, name, colour in (("rows_loaded", "loaded", figures.BLUE),
                                         ("rows_quarantined", "quarantined", figures.OFF))]
    figure = {"data": bars, "layout": figures.base_layout(
        f"Rows per landing file, last load (n = {int(files['rows_read'].sum()):,} rows read)",
        x_title="rows (log scale)", height=max(360, 80 + 20 * len(files)))}
    figure["layout"]["barmode"] = "group"
    figure["layout"]["xaxis"]["type"] = "log"
    figure["layout"]["yaxis"]["automargin"] = True
    return figures.graph("quality-chart", figure)
