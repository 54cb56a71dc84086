"""Plans: the district plan on a page (goals, vital-sign metrics, status), the alignment tree
from district goals down to classroom SMART goals with its problems marked, a chosen goal's
progress against its straight-line trajectory, action steps with overdue ones highlighted, the
plan-development schedule (expected vs actual) and meeting cadence by team. Everything comes
from the query layer (dashboards/queries), scoped to the viewer; the chosen goal is in the URL (`goal`)."""
from __future__ import annotations

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import html

from dashboards import queries
from dashboards.components import context, figures, grids
from dashboards.components import formatting as fmt
from dashboards.components.controls import select
from dashboards.components.labels import level_label
from dashboards.components.plan_tree import tree_rows
from dashboards.components.state import school_year_label

dash.register_page(__name__, path="/plans", name="Plans", title="Alignboard · Plans", order=7)

# Goal status -> (css class of the existing status badges, icon, word): never colour alone.
GOAL_STATUS = {
    "met": ("on_target", "✓", "met"), "on_track": ("on_target", "✓", "on track"),
    "at_risk": ("near", "!", "at risk"), "off_track": ("off", "✗", "off track"),
    "no_data": ("no_data", "–", "no data"), "suppressed": ("suppressed", "–", "suppressed"),
    "no_metric": ("no_target", "–", "no metric"), "not_measurable": ("no_target", "?", "not measurable"),
}
STATUS_COLOUR = {"on_target": figures.OK, "near": figures.NEAR, "off": figures.OFF}


@context.safe
def layout(goal=None, **_):
    viewer, wh = context.viewer(), context.warehouse()
    goals = queries.goal_progress(viewer, warehouse=wh)
    problems = queries.plan_alignment(viewer, warehouse=wh)
    header = [html.H1("Plans: goals, alignment and execution"),
              html.P(f"As of {pd.Timestamp.today().date().isoformat()} · every goal on a catalog metric is "
                     "tracked on the warehouse's own numbers · status against a straight line from "
                     "baseline to target", className="subtitle")]
    if goals.empty:
        return html.Div(header + [context.message("No plans are loaded for what you may see.")])
    catalog = queries.metric_definitions(warehouse=wh)
    units, names = dict(zip(catalog["metric_key"], catalog["unit"])), dict(zip(catalog["metric_key"], catalog["name"]))
    measured = goals[goals["metric_id"].notna()]
    if goal not in set(measured["goal_id"]):
        district = measured[measured["level"] == "district"]
        goal = (district if len(district) else measured)["goal_id"].iloc[0] if len(measured) else None
    body = [plan_on_a_page(goals, units, names),
            html.H2("Alignment: district goals down to classroom SMART goals"),
            alignment_tree(goals, tree_rows(goals, problems), problems),
            html.H2("A goal's progress against its trajectory"),
            goal_chooser(measured, goal)]
    if goal is not None:
        body.append(html.Div(progress_chart(measured[measured["goal_id"] == goal].iloc[0], units, names), className="card"))
    body += [html.H2("Action steps"), action_grid(queries.action_steps(viewer, warehouse=wh)),
             html.H2("Plan-development schedule"), schedule(queries.plan_schedule(viewer, warehouse=wh)),
             html.H2("Meeting cadence by team"), cadence(queries.meeting_cadence(viewer, warehouse=wh))]
    return html.Div(header + body)


def unit(units: dict, metric_id) -> str | None:
    """A metric id ('ela_proficiency.grade_03') has its family's unit."""
    return units.get(str(metric_id).split(".")[0]) if isinstance(metric_id, str) else None


def badge(status) -> html.Span:
    css, icon, word = GOAL_STATUS.get(status, ("no_target", "–", str(status)))
    return html.Span(f"{icon} {word}", className=f"status {css}")


def plan_on_a_page(goals: pd.DataFrame, units: dict, names: dict) -> html.Div:
    """The district's goals, each with the vital-sign metrics of its objectives and their status."""
    district = goals[goals["level"] == "district"]
    tops = district[district["parent_goal_id"].isna()]
    if tops.empty:
        return html.Div([html.H2("District plan on a page"),
                         html.P("No district goals are visible to you.", className="note")], id="plans-district")
    top_of = dict(zip(district["goal_id"], district["parent_goal_id"]))
    cards = []
    for top in tops.itertuples():
        signs = district[[root(g, top_of) == top.goal_id for g in district["goal_id"]]]
        signs = signs[signs["metric_id"].notna()]
        items = [html.Li([badge(s.status), " ", "this goal" if s.goal_id == top.goal_id else s.title, html.Br(),
                          html.Span(f"{metric_label(s.metric_id, names)} · {queries.group_label(s.student_group)}: "
                                    f"{fmt.number(s.current_value, unit(units, s.metric_id))} now, target "
                                    f"{fmt.number(s.target_value, unit(units, s.metric_id))} by {day(s.target_date)}",
                                    className="note")]) for s in signs.itertuples()]
        cards.append(html.Div([html.H3([f"{top.goal_id}: {top.title} ", badge(top.status)]),
                               html.P(f"Supporting goals: {top.child_goals} ({top.children_met} met, "
                                      f"{top.children_on_track} on track, {top.children_at_risk} at risk, "
                                      f"{top.children_off_track} off track)", className="note"),
                               html.Ul(items or [html.Li("no vital-sign metric")])],
                              className="card"))
    return html.Div([html.H2("District plan on a page"), html.Div(cards, className="cards")], id="plans-district")


def root(goal_id: str, parent_of: dict) -> str:
    """The top district goal above `goal_id` (a cycle stops where it started)."""
    seen = {goal_id}
    while isinstance(parent_of.get(goal_id), str) and parent_of[goal_id] in parent_of and parent_of[goal_id] not in seen:
        goal_id = parent_of[goal_id]
        seen.add(goal_id)
    return goal_id


def metric_label(metric_id, names: dict) -> str:
    """'proficiency_rate.ela' -> 'Proficiency rate (ela)': the catalog name and its part."""
    if not isinstance(metric_id, str):
        return "no metric"
    family, _, part = metric_id.partition(".")
    name = names.get(family, family)
    return f"{name} ({part.replace('_', ' ')})" if part else name


def day(value) -> str:
    return "–" if fmt.missing(value) else pd.Timestamp(value).date().isoformat()


def alignment_tree(goals: pd.DataFrame, rows: list[dict], problems: pd.DataFrame) -> html.Div:
    """The tree as indented lines (level, goal, status, ⚑ problems), then the problems that
    concern no goal (a school without a plan, a PLC without a SMART goal, ...)."""
    by_id = goals.set_index("goal_id")
    lines = []
    for row in rows:
        goal = by_id.loc[row["goal_id"]]
        flags = [html.Span(f" ⚑ {p.replace('_', ' ')}", className="flag") for p in row["problems"]]
        lines.append(html.Li([html.Span(f"{level_label(goal['level'])} · {goal['entity_id']} · ", className="note"),
                              html.Strong(row["goal_id"]), f" {goal['title']} ", badge(goal["status"]), *flags],
                             style={"marginLeft": f"{row['depth'] * 22}px"},
                             className="problem" if row["problems"] else ""))
    other = problems[problems["goal_id"].isna()]
    flagged = sum(1 for r in rows if r["problems"])
    return html.Div([
        html.P(f"{len(rows)} goals, {flagged} with a problem (⚑); {len(problems)} problems in all.", className="note"),
        html.Ul(lines, className="tree", id="plans-tree"),
        html.H3(f"Problems not tied to one goal ({len(other)})"),
        grids.grid("plans-problems", other.assign(level_name=other["level"].map(level_label)),
                   [grids.column("problem", "Problem", maxWidth=240),
                                             grids.column("level_name", "Layer", maxWidth=120),
                                             grids.column("entity_id", "Entity", maxWidth=180),
                                             grids.column("plan_id", "Plan", maxWidth=180),
                                             grids.column("detail", "Detail", minWidth=420)], height=320)
        if len(other) else html.P("None.", className="note"),
    ], className="card")


def goal_chooser(measured: pd.DataFrame, goal) -> html.Div:
    options = [{"label": f"{g.goal_id}: {g.title}"[:110], "value": g.goal_id} for g in measured.itertuples()]
    return html.Div([select("goal", "Goal", options, goal, width=720)], className="controls")


def progress_chart(goal, units: dict, names: dict):
    """Baseline -> target as a straight line, the expected value today on it, the current value
    (or a note that there is none) and the projection at the target date."""
    u = unit(units, goal.metric_id)
    v = lambda x: fmt.plot_value(x, u)  # noqa: E731
    fig = go.Figure(go.Scatter(
        x=[goal.baseline_date, goal.target_date], y=[v(goal.baseline_value), v(goal.target_value)],
        mode="lines+markers+text", line={"color": figures.GREY, "dash": "dash", "width": 2}, name="trajectory",
        text=[f"baseline {fmt.number(goal.baseline_value, u)}", f"target {fmt.number(goal.target_value, u)}"],
        textposition="top center", hovertemplate="%{x|%Y-%m-%d}: %{text}<extra></extra>"))
    if not fmt.missing(goal.expected_value):
        fig.add_trace(go.Scatter(x=[goal.as_of], y=[v(goal.expected_value)], mode="markers", name="expected today",
                                 marker={"symbol": "diamond-open", "size": 12, "color": figures.GREY},
                                 hovertemplate=f"expected {fmt.number(goal.expected_value, u)}<extra></extra>"))
    css = GOAL_STATUS.get(goal.status, ("no_target",))[0]
    word = GOAL_STATUS.get(goal.status, ("", "", str(goal.status)))[2]
    if not fmt.missing(goal.current_value):
        fig.add_trace(go.Scatter(
            x=[goal.as_of], y=[v(goal.current_value)], mode="markers+text", name=f"current ({word})",
            marker={"size": 14, "color": STATUS_COLOUR.get(css, figures.BLUE), "line": {"color": "#000", "width": 1}},
            text=[f"{fmt.number(goal.current_value, u)} ({school_year_label(goal.current_year)}): {word}"],
            textposition="bottom center", hovertemplate="%{text}<extra></extra>"))
    else:
        fig.add_annotation(x=goal.as_of, y=v(goal.expected_value) or 0, text=f"no current value ({word})",
                           showarrow=True, arrowhead=2)
    if not fmt.missing(goal.projected_value):
        fig.add_trace(go.Scatter(x=[goal.target_date], y=[v(goal.projected_value)], mode="markers", name="projected",
                                 marker={"symbol": "x", "size": 11, "color": figures.PURPLE},
                                 hovertemplate=f"projected {fmt.number(goal.projected_value, u)}<extra></extra>"))
    if u == "share":
        fig.update_yaxes(range=[0, 105])
    title = (f"{goal.goal_id}: {metric_label(goal.metric_id, names)} for {queries.group_label(goal.student_group)} "
             f"({goal.level} {goal.entity_id}) · status {word}")
    figures.layout(fig, title, x_title="date", y_title=figures.value_axis(u), height=380)
    return figures.graph("plans-progress", fig)


OVERDUE = {"plans-overdue": "params.data.timing === 'overdue'"}


def action_grid(steps: pd.DataFrame):
    """Every action step by owner and due date; overdue ones highlighted (and said in words)."""
    steps = steps.sort_values(["owner", "due_date"], na_position="last")
    overdue = int((steps["timing"] == "overdue").sum())
    columns = [grids.column("owner", "Owner", minWidth=160), grids.column("due_date", "Due", maxWidth=120),
               grids.column("timing", "Timing", maxWidth=120), grids.column("days_late", "Days late", "integer",
                                                                            maxWidth=110),
               grids.column("description", "Action step", minWidth=360), grids.column("plan_id", "Plan", maxWidth=170),
               grids.column("goal_id", "Goal", maxWidth=150), grids.column("completed_date", "Completed", maxWidth=120)]
    return html.Div([html.P(f"{len(steps)} action steps, {overdue} overdue (highlighted).", className="note"),
                     grids.grid("plans-actions", steps, columns, height=420, row_class_rules=OVERDUE)])


def schedule(tasks: pd.DataFrame):
    """Each plan's development tasks: expected vs actual completion, as a dot-and-line chart of
    slippage per task and a grid."""
    if tasks.empty:
        return html.P("No plan-development schedule is loaded.", className="note")
    columns = [grids.column("plan_id", "Plan", maxWidth=170), grids.column("stage", "Stage", minWidth=160),
               grids.column("task", "Task", minWidth=300), grids.column("expected_date", "Expected", maxWidth=120),
               grids.column("completed_date", "Actual", maxWidth=120), grids.column("task_status", "Status", maxWidth=110),
               grids.column("slippage_days", "Slippage (days)", "integer", maxWidth=120)]
    stages = (tasks.groupby(["plan_id", "stage"], sort=False)
              .agg(mean=("slippage_days", "mean"), n=("task", "size"), overdue=("stage_tasks_overdue", "max"))
              .reset_index())
    names = [f"{r.plan_id} · {r.stage}" for r in stages.itertuples()]
    colours = [figures.OFF if o else (figures.NEAR if (m or 0) > 0 else figures.OK)
               for m, o in zip(stages["mean"], stages["overdue"])]
    fig = figures.horizontal_bars(
        names, stages["mean"], stages["n"], [None] * len(stages), "count", colours=colours,
        notes=[f"· {o} overdue" if o else "" for o in stages["overdue"]],
        title="Mean slippage per stage: actual minus expected completion (days; n = tasks)",
        x_title="days late (negative: early)")
    return html.Div([figures.graph("plans-schedule-chart", fig),
                     grids.grid("plans-schedule", tasks, columns, height=380,
                                row_class_rules={"plans-overdue": "params.data.task_status === 'overdue'"})])


def cadence(meetings: pd.DataFrame):
    if meetings.empty:
        return html.P("No meeting records for the teams you may see.", className="note")
    meetings = (meetings.sort_values("school_year", ascending=False, kind="stable")
                .assign(year=lambda m: m["school_year"].map(school_year_label)))
    columns = [grids.column("year", "School year", maxWidth=120), grids.column("team", "Team", minWidth=160),
               grids.column("entity_name", "Entity", minWidth=240),
               grids.column("periods_met", "Periods met", "integer", maxWidth=120),
               grids.column("periods", "Periods", "integer", maxWidth=110),
               grids.column("value", "Share met", "percent", maxWidth=120),
               grids.column("cadence", "Cadence", maxWidth=110)]
    missed = int((meetings["cadence"] == "missed").sum())
    latest = meetings[meetings["school_year"] == meetings["school_year"].max()]
    teams = (latest.groupby("team", sort=False)
             .agg(met=("cadence", lambda c: float((c == "met").mean())), n=("cadence", "size")).reset_index())
    fig = figures.horizontal_bars(
        teams["team"], teams["met"], teams["n"], [None] * len(teams), "share",
        title=f"Teams that met their meeting cadence, {school_year_label(latest['school_year'].iloc[0])} "
              "(% of teams; n = teams)")
    return html.Div([figures.graph("plans-cadence-chart", fig),
                     html.P(f"{len(meetings)} team-years, {missed} missed their cadence (highlighted).",
                            className="note"),
                     grids.grid("plans-cadence", meetings, columns, height=380,
                                row_class_rules={"plans-overdue": "params.data.cadence === 'missed'"})])
