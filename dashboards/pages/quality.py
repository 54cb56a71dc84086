"""Data quality: the last load of every landing file (rows read = loaded + quarantined, by
reason), a file's quarantined rows for a viewer with student access (its line, reasons and
values, for one reason, downloadable), the failed checks, recent failed runs and how fresh the
data is. The file and reason are in the URL (`/quality?file=attendance_daily&reason=...`). On a
state warehouse: every district's files (those of the districts the viewer may open), a chart by
district, and no quarantined rows (they stay in the districts' warehouses).

Drawn once per warehouse version and viewer access (context.cached_page); what depends on the
clock is not kept: the freshness line and the failed runs (recorded beside the warehouse, not in
it) are drawn per request, and the hours since each file's good load are counted in the browser."""
from __future__ import annotations

import dash
import pandas as pd
from dash import State, html

from dashboards import queries
from dashboards.components import context, figures, grids
from dashboards.components.controls import select
from dashboards.components.state import href, parse

dash.register_page(__name__, path="/quality", name="Data quality", title="Alignboard · Data quality", order=6)

# every status in words with its icon; colour (the row's, the bar's) is never the only sign
STATUS_TEXT = {"loaded": "✓ loaded", "loaded_with_warnings": "⚠ loaded with warnings", "rejected": "✗ rejected",
               "missing": "– missing", "unchanged": "= unchanged", "not_run": "– not run"}
BAR_COLOURS = {"rejected": figures.OFF, "loaded_with_warnings": figures.NEAR}
EVERY_REASON = "all"
FILE_ROW_ID = "params.data.district + '|' + params.data.contract"  # a state warehouse's rows
STATE_QUARANTINE = [html.P(
    "A state warehouse keeps its districts' load records, not their quarantined rows: those stay in each "
    "district's warehouse (districts/ID.duckdb beside it), where the dashboard or `alignboard quarantine FILE "
    "--warehouse districts/ID.duckdb` lists them.", className="note", id="quarantine-who")]
ROWS_DRAWN = 200  # a file's quarantined rows sent with the page; more come a page at a time
# hours since the file's last good load, counted in the browser so that a drawn page can be kept
AGE_HOURS = {"function": "hoursSince(params.data.last_good_ms)"}  # static/grid_functions.js


@context.safe
def layout(file=None, reason=None, **_):
    viewer, wh = context.viewer(), context.warehouse()
    files = queries.data_quality(viewer, warehouse=wh)
    newest = files["last_good_load"].dropna()
    fresh = (f"Last good load {newest.max():%Y-%m-%d %H:%M} UTC "
             f"({files['age_hours'].min():.0f} hours ago)") if len(newest) else "No file has loaded yet."
    failures = queries.recent_failures(viewer, warehouse=wh)
    return html.Div([
        html.H1("Data quality"),
        html.P(fresh, className="subtitle", id="quality-freshness"),
        quality_page(file=file, reason=reason),
        html.H2("Recent failed runs"),
        grids.grid("quality-runs", failures, [grids.column(c, c.replace("_", " ").capitalize()) for c in failures.columns])
        if len(failures) else html.P("No failed runs recorded.", className="note"),
    ])


@context.cached_page
def quality_page(file, reason):
    """Everything of the page that a load changes: the chart, the files, the quarantined rows of
    `file` for `reason`, the failed checks."""
    viewer, wh = context.viewer(), context.warehouse()
    files = queries.data_quality(viewer, warehouse=wh)
    row, reason = chosen(files, file, reason)
    files = files.assign(
        chosen=files["contract"] == (row["contract"] if row is not None else None),
        reasons_text=[", ".join(f"{k} {v:,}" for k, v in sorted(r.items(), key=lambda kv: -kv[1])) or ""
                      for r in files["reasons"]],
        status_text=[STATUS_TEXT.get(s, s) for s in files["status"]],
        last_good_ms=[int(t.timestamp() * 1000) if pd.notna(t) else None for t in files["last_good_load"]],
    )
    by_district = files["district"].notna().any()  # a state warehouse: every district's files
    columns = [
        *([grids.column("district_name", "District", minWidth=200)] if by_district else []),
        grids.column("file", "Landing file (click: its quarantined rows below)", minWidth=200),
        grids.column("status_text", "Status", minWidth=190, maxWidth=210),
        grids.column("rows_read", "Read", "integer", minWidth=110, maxWidth=130),
        grids.column("rows_loaded", "Loaded", "integer", minWidth=120, maxWidth=140),
        grids.column("rows_quarantined", "Quarantined", "integer", minWidth=140, maxWidth=150),
        grids.column("reasons_text", "Quarantined because", minWidth=220),
        grids.column("checks_failed", "Failed checks", "integer", maxWidth=120),
        grids.column("loaded_at", "Last load", minWidth=150),
        grids.column("age_hours", "Hours since good load", "decimal", maxWidth=150, valueGetter=AGE_HOURS),
        grids.column("message", "Message", minWidth=200),
    ]
    counts = grids.grid("quality-files", files.drop(columns="age_hours"), columns,
                        # one row per contract: a district's on one page
                        **({} if by_district else {"page_size": len(files) or 1}),
                        row_id=FILE_ROW_ID if by_district else "params.data.contract", clickable=True,
                        row_class_rules={"flagged-row": "params.data.status === 'rejected'",
                                         "warning-row": "params.data.status === 'loaded_with_warnings'",
                                         "chosen-row": "params.data.chosen"})
    if row is not None:  # the file whose rows are shown below, marked and in sight
        counts.scrollTo = {"rowId": row["contract"], "rowPosition": "middle"}
    checks = queries.failed_checks(viewer, warehouse=wh)
    return html.Div([
        html.Div(district_chart(files) if by_district else quarantine_chart(files), className="card"),
        html.H2("Every district's landing files, last load" if by_district else "Every landing file, last load"),
        counts,
        html.H2("Quarantined rows", id="quarantined-rows"),
        *(STATE_QUARANTINE if by_district else quarantine_part(viewer, wh, files, row, reason)),
        html.H2("Failed checks (latest validation)"),
        grids.grid("quality-checks", checks, [grids.column(c, c.replace("_", " ").capitalize()) for c in checks.columns])
        if len(checks) else html.P("No failed checks.", className="note"),
    ])


def chosen(files: pd.DataFrame, file, reason) -> tuple[pd.Series | None, str | None]:
    """The file the URL names (by its contract name), else the one with the most quarantined
    rows (None when no file has any), and its reason (None: every reason)."""
    held = files[files["rows_quarantined"] > 0].sort_values("rows_quarantined", ascending=False, kind="stable")
    named = files[(files["contract"] == file) | (files["file"] == file)]
    row = named.iloc[0] if len(named) else held.iloc[0] if len(held) else None
    return row, None if reason in (None, "", EVERY_REASON) else reason


def command(row: pd.Series, reason: str | None) -> str:
    return f"alignboard quarantine {row['file']}" + (f" --reason {reason}" if reason else "")


def quarantine_part(viewer, wh, files: pd.DataFrame, row: pd.Series | None, reason: str | None) -> list:
    """For a viewer with student access, the quarantined rows of one file (`row` of `files`)
    for one reason (None: every reason), those of their scope, and their CSV; for anyone else,
    who can see them and how."""
    if row is None:
        return [html.P("No file has quarantined rows at its last load.", className="note")]
    if not viewer.may_see_students:
        return [html.P([
            "Quarantined rows hold student ids and values as received, so only a login with student access "
            "sees them here (the rows of its scope); the table above counts them by reason for everyone. "
            "The data coordinator lists a file's rows, with their line in the file, on the server: ",
            html.Code(command(row, reason)), "."], className="card", id="quarantine-who")]
    reasons = row["reasons"]
    options = [{"label": f"every reason ({row['rows_quarantined']:,})", "value": EVERY_REASON}] + [
        {"label": f"{code} ({n:,})", "value": code} for code, n in sorted(reasons.items(), key=lambda kv: -kv[1])]
    if reason is not None and reason not in reasons:
        options.append({"label": reason, "value": reason})
    held = files[(files["rows_quarantined"] > 0) | (files["contract"] == row["contract"])]
    controls = html.Div([
        select("file", "Landing file", [{"label": f"{f} ({n:,})", "value": c} for f, n, c in
                                        zip(held["file"], held["rows_quarantined"], held["contract"])],
               row["contract"], width=320),
        select("reason", "Reason", options, reason or EVERY_REASON, width=360),
        html.A("Download CSV", className="button", id="quarantine-export",
               href=href("/export/quarantine.csv", file=row["contract"], reason=reason)),
    ], className="controls")
    rows = queries.quarantined_rows(viewer, row["contract"], reason, warehouse=wh)
    total = row["rows_quarantined"] if reason is None else reasons.get(reason)
    counted = rows_counted(len(rows), total, row["file"], reason)
    note = html.P([counted, " Line: the line in the file as received (the header is line 1). The same list: ",
                   html.Code(command(row, reason)), "."], className="note", id="quarantine-count")
    if rows.empty:
        return [controls, note]
    return [controls, note, rows_grid(rows)]


def rows_counted(shown: int, total: int | None, file: str, reason: str | None) -> str:
    """How many quarantined rows the grid holds, and why fewer than the file's count."""
    rows = f"row{'' if total == 1 else 's'} quarantined" + (f" with reason {reason}" if reason else "")
    if total is None:  # a reason typed into the URL: no count to compare with
        return f"{file}, last load: {shown:,} {rows} in your scope."
    if shown == total:
        return f"{file}, last load: {'the' if total == 1 else f'all {total:,}'} {rows}."
    return (f"{file}, last load: {shown:,} of the {total:,} {rows} {'is' if shown == 1 else 'are'} in your "
            "scope (a row is shown when every school, classroom and student it names is yours; the others are "
            "left to a district-wide viewer).")


def rows_grid(rows: pd.DataFrame):
    """The rows with their line, reasons and every column as received (raw_line only when a line
    could not be parsed); up to ROWS_DRAWN with the page, more a page at a time from the server."""
    shown = [c for c in rows.columns if c != "raw_line" or rows["raw_line"].notna().any()]
    columns = [grids.column("line", "Line", "integer", maxWidth=110), grids.column("reasons", "Reasons", minWidth=280, tooltipField="reasons")]
    columns += [grids.column(c, "Line as received" if c == "raw_line" else c, minWidth=130)
                for c in shown if c not in ("line", "reasons")]
    if len(rows) <= ROWS_DRAWN:
        return grids.grid("quality-rows", rows, columns)
    return grids.server_grid("quality-rows", columns)


def served_rows(search) -> pd.DataFrame:
    """Every quarantined row the server grid pages through: those of the file and reason the
    page shows for the URL."""
    viewer, wh, state = context.viewer(), context.warehouse(), parse(search)
    row, reason = chosen(queries.data_quality(viewer, warehouse=wh), state.get("file"), state.get("reason"))
    if row is None:
        return pd.DataFrame(columns=["line", "reasons"])
    return queries.quarantined_rows(viewer, row["contract"], reason, warehouse=wh)


grids.serve_rows("quality-rows", served_rows, State("url", "search"), fields=None)
grids.open_on_click("quality-files", lambda row_id, state: href("/quality", file=row_id.rpartition("|")[2]))


def district_chart(files: pd.DataFrame):
    """A state warehouse's: the share of each district's rows quarantined at its files' last
    loads (every file together), vermillion for a district with a rejected file."""
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
    return share_chart(bar, f"Share of rows quarantined per district, last loads ({note or 'every district'}; "
                            f"n = {int(districts['rows_read'].sum()):,} rows read)",
                       x_title="% of the district's rows quarantined", height=max(300, 80 + 24 * len(shown)))


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
    return share_chart(bar, f"Share of rows quarantined per landing file, last load "
                            f"(n = {int(files['rows_read'].sum()):,} rows read)",
                       x_title="% of the file's rows quarantined", height=max(360, 80 + 20 * len(files)))


def share_chart(bar: dict, title: str, *, x_title: str, height: int):
    """The page's chart: one horizontal bar of shares in percent, on a linear axis from 0."""
    figure = {"data": [bar], "layout": figures.base_layout(title, x_title=x_title, height=height)}
    figure["layout"]["xaxis"].update(rangemode="tozero", ticksuffix="%")
    figure["layout"]["yaxis"]["automargin"] = True
    figure["layout"]["showlegend"] = False
    return figures.graph("quality-chart", figure)
