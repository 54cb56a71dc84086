"""Plans: the district plan on a page (goals, vital-sign metrics, status), the alignment tree
from district goals down to classroom SMART goals with its problems marked, a chosen goal's
progress against its straight-line trajectory, action steps with overdue ones highlighted, the
plan-development schedule (expected vs actual) and meeting cadence by team. Everything comes
from the query layer (dashboards/queries), scoped to the viewer; the chosen goal is in the URL (`goal`)."""
from __future__ import annotations

from datetime import date

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import html

from dashboards import queries
from dashboards.components import context, figures, grids
from dashboards.components import formatting as fmt
from dashboards.components.controls import select
from dashboards.components.goals import goal_points, history_points, supporting_goals, targets_text
from dashboards.components.labels import (
    CADENCE, STAGES, STEP_STATUS, TASK_STATUS, TIMING, code_label, goal_status, level_label, problem_label,
)
from dashboards.components.plan_tree import tree_rows
from dashboards.components.state import school_year_label

dash.register_page(__name__, path="/plans", name="Plans", title="Alignboard · Plans", order=7)

STATUS_COLOUR = {"on_target": figures.OK, "near": figures.NEAR, "off": figures.OFF}


@context.safe
def layout(goal=None, **_):
    return plans_page(goal=goal, today=date.today().isoformat())


@context.cached_page  # statuses are judged as of today: a drawn page holds for the day (and the load)
def plans_page(goal, today):
    viewer, wh, as_of = context.viewer(), context.warehouse(), date.fromisoformat(today)
    goals = queries.goal_progress(viewer, as_of, warehouse=wh, to_date=True)  # this year's value: to date
    problems = queries.plan_alignment(viewer, warehouse=wh, as_of=as_of)
    header = [html.H1("Plans: goals, alignment and execution"),
              html.P(f"As of {today} · every goal on a catalog metric is "
                     "tracked on the warehouse's own numbers, this school year's as its year to date "
                     f"through {today} · status against a straight line from baseline to target",
                     className="subtitle")]
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
        chosen = measured[measured["goal_id"] == goal].iloc[0]
        body.append(html.Div(progress_chart(chosen, units, names, goal_history(viewer, wh, chosen)), className="card"))
    body += [html.H2("Action steps"), action_grid(queries.action_steps(viewer, warehouse=wh, as_of=as_of)),
             html.H2("Plan-development schedule"), schedule(queries.plan_schedule(viewer, warehouse=wh, as_of=as_of)),
             html.H2("Meeting cadence by team"), cadence(cadence_rows())]
    return html.Div(header + body)


def unit(units: dict, metric_id) -> str | None:
    """A metric id ('ela_proficiency.grade_03') has its family's unit."""
    return units.get(str(metric_id).split(".")[0]) if isinstance(metric_id, str) else None


def badge(status) -> html.Span:
    css, icon, word = goal_status(status)
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
                                    f"{fmt.number(s.current_value, unit(units, s.metric_id))} "
                                    f"({school_year_label(s.current_year) if not fmt.missing(s.current_year) else 'no year'})"
                                    f" · {targets_text(s, unit(units, s.metric_id))}",
                                    className="note")]) for s in signs.itertuples()]
        cards.append(html.Div([html.H3([f"{top.goal_id}: {top.title} ", badge(top.status)]),
                               html.P(supporting_goals(top), className="note"),
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


def alignment_tree(goals: pd.DataFrame, rows: list[dict], problems: pd.DataFrame) -> html.Div:
    """The tree as indented lines (level, goal, status, ⚑ problems), then the problems that
    concern no goal (a school without a plan, a PLC without a SMART goal, ...)."""
    by_id = goals.set_index("goal_id")
    lines = []
    for row in rows:
        goal = by_id.loc[row["goal_id"]]
        flags = [html.Span(f" ⚑ {problem_label(p)}", className="flag") for p in row["problems"]]
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
        grids.grid("plans-problems", other.assign(level_name=other["level"].map(level_label),
                                                  problem_text=other["problem"].map(problem_label)),
                   [grids.column("problem_text", "Problem", minWidth=200),
                    grids.column("level_name", "Layer", maxWidth=120),
                    grids.column("entity_id", "Entity", maxWidth=180),
                    grids.column("plan_id", "Plan", maxWidth=180),
                    grids.column("detail", "Detail", minWidth=420)],
                   height=320 if len(other) >= 15 else None)
        if len(other) else html.P("None.", className="note"),
    ], className="card")


def goal_chooser(measured: pd.DataFrame, goal) -> html.Div:
    options = [{"label": f"{g.goal_id}: {g.title}"[:110], "value": g.goal_id} for g in measured.itertuples()]
    return html.Div([select("goal", "Goal", options, goal, width=720)], className="controls")


def goal_history(viewer, wh, goal) -> list[dict]:
    """The goal metric's value for its owner and student group in every loaded school year, as
    this viewer may see it (hidden years left out); none for an owner without a scorecard."""
    try:
        trend = queries.metric_trend(viewer, goal.level, goal.entity_id, goal.metric_id, warehouse=wh,
                                     group=goal.student_group)
    except queries.DataError:
        return []
    return history_points(trend["school_year"], trend["value"], goal.as_of)


def progress_chart(goal, units: dict, names: dict, history: list[dict] = ()):
    """Baseline -> target as a straight line, the expected value at the as-of date on it, the
    metric's value of each school year at the date it is as of (the end of that school year:
    components/goals.py), the current value with its status, or a note that there is none, and
    the projection at the target date."""
    u = unit(units, goal.metric_id)
    v = lambda x: fmt.plot_value(x, u)  # noqa: E731
    at = {p["name"]: p for p in goal_points(goal)}
    css, _, word = goal_status(goal.status)
    line = [at[k] for k in ("baseline", "target") if k in at]
    fig = go.Figure(go.Scatter(
        x=[p["date"] for p in line], y=[v(p["value"]) for p in line],
        mode="lines+markers+text", line={"color": figures.GREY, "dash": "dash", "width": 2}, name="trajectory",
        text=[f"{p['name']} {fmt.number(p['value'], u)} ({p['date'].isoformat()})" for p in line],
        textposition=["top right", "top left"][:len(line)] if len(line) == 2 else "top center",
        hovertemplate="%{text}<extra></extra>"))
    if history:
        fig.add_trace(go.Scatter(
            x=[p["date"] for p in history], y=[v(p["value"]) for p in history], mode="lines+markers",
            name="value by school year", line={"color": figures.BLUE, "width": 2}, marker={"size": 7},
            text=[f"{fmt.number(p['value'], u)} ({school_year_label(p['school_year'])}, as of {p['date'].isoformat()})"
                  for p in history], hovertemplate="%{text}<extra></extra>"))
    if "expected" in at:
        p = at["expected"]
        fig.add_trace(go.Scatter(x=[p["date"]], y=[v(p["value"])], mode="markers",
                                 name=f"expected on {p['date'].isoformat()}",
                                 marker={"symbol": "diamond-open", "size": 12, "color": figures.GREY},
                                 hovertemplate=f"expected {fmt.number(p['value'], u)} on {p['date'].isoformat()}"
                                               "<extra></extra>"))
    if "current" in at:
        p = at["current"]
        text = (f"{fmt.number(p['value'], u)} ({school_year_label(goal.current_year)}, "
                f"as of {p['date'].isoformat()}): {word}")
        fig.add_trace(go.Scatter(
            x=[p["date"]], y=[v(p["value"])], mode="markers+text", name=f"current ({word})",
            marker={"size": 14, "color": STATUS_COLOUR.get(css, figures.BLUE), "line": {"color": "#000", "width": 1}},
            text=[text], textposition="bottom center", hovertemplate="%{text}<extra></extra>"))
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
             f"({level_label(goal.level)} {goal.entity_id}) · status {word}<br><sup>{targets_text(goal, u)}</sup>")
    figures.layout(fig, title, x_title="date", y_title=figures.value_axis(u), height=400)
    fig.update_layout(margin={"t": 80})
    return figures.graph("plans-progress", fig)


OVERDUE = {"plans-overdue": "params.data.timing === 'overdue'"}


def action_grid(steps: pd.DataFrame):
    """Every action step by owner and due date; overdue ones highlighted (and said in words)."""
    steps = steps.sort_values(["owner", "due_date"], na_position="last")
    steps = steps.assign(timing_text=steps["timing"].map(lambda c: code_label(c, TIMING)),
                         status_text=steps["status"].map(lambda c: code_label(c, STEP_STATUS)))
    overdue = int((steps["timing"] == "overdue").sum())
    wrapped = {"wrapText": True, "autoHeight": True}
    columns = [grids.column("owner", "Owner", minWidth=140, **wrapped), grids.column("due_date", "Due", minWidth=118),
               grids.column("timing_text", "Timing", minWidth=105), grids.column("status_text", "Status", minWidth=105),
               grids.column("days_late", "Days late", "integer", minWidth=90, maxWidth=110),
               grids.column("description", "Action step", minWidth=240, flex=2, **wrapped),
               grids.column("plan_id", "Plan", minWidth=100), grids.column("goal_id", "Goal", minWidth=140),
               grids.column("completed_date", "Completed", minWidth=125)]
    return html.Div([html.P(f"{len(steps)} action steps, {overdue} overdue (highlighted).", className="note"),
                     grids.grid("plans-actions", steps, columns, height=420, row_class_rules=OVERDUE)])


def schedule(tasks: pd.DataFrame):
    """Each plan's development tasks: expected vs actual completion, as a dot-and-line chart of
    slippage per task and a grid."""
    if tasks.empty:
        return html.P("No plan-development schedule is loaded.", className="note")
    tasks = tasks.assign(stage_text=tasks["stage"].map(lambda c: code_label(c, STAGES)),
                         status_text=tasks["task_status"].map(lambda c: code_label(c, TASK_STATUS)))
    columns = [grids.column("plan_id", "Plan", maxWidth=170), grids.column("stage_text", "Stage", minWidth=160),
               grids.column("task", "Task", minWidth=300), grids.column("expected_date", "Expected", maxWidth=120),
               grids.column("completed_date", "Actual", maxWidth=120), grids.column("status_text", "Status", maxWidth=120),
               grids.column("slippage_days", "Slippage (days)", "integer", maxWidth=120)]
    stages = (tasks.groupby(["plan_id", "stage"], sort=False)
              .agg(mean=("slippage_days", "mean"), n=("task", "size"), overdue=("stage_tasks_overdue", "max"))
              .reset_index())
    names = [f"{r.plan_id} · {code_label(r.stage, STAGES)}" for r in stages.itertuples()]
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


CADENCE_COLUMNS = [grids.column("year", "School year", maxWidth=120), grids.column("team", "Team", minWidth=160),
                   grids.column("entity_name", "Entity", minWidth=240),
                   grids.column("periods_met", "Periods met", "integer", maxWidth=120),
                   grids.column("periods", "Periods", "integer", maxWidth=110),
                   grids.column("value", "Share met", "percent", maxWidth=120),
                   grids.column("cadence_text", "Cadence", maxWidth=110)]
# rows not yet fetched (the infinite row model) have no data
CADENCE_MISSED = {"plans-overdue": "params.data != null && params.data.cadence === 'missed'"}


@context.cached_page  # every team of the district: thousands of rows, a page at a time to the grid
def cadence_rows():
    meetings = queries.meeting_cadence(context.viewer(), warehouse=context.warehouse())
    return (meetings.sort_values("school_year", ascending=False, kind="stable")
            .assign(year=lambda m: m["school_year"].map(school_year_label),
                    cadence_text=lambda m: m["cadence"].map(lambda c: code_label(c, CADENCE))))


def cadence(meetings: pd.DataFrame):
    if meetings.empty:
        return html.P("No meeting records for the teams you may see.", className="note")
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
                     grids.server_grid("plans-cadence", CADENCE_COLUMNS, row_class_rules=CADENCE_MISSED)])


grids.serve_rows("plans-cadence", cadence_rows,
                 fields=grids.shown_fields(pd.DataFrame(columns=[c["field"] for c in CADENCE_COLUMNS]),
                                           CADENCE_COLUMNS, None, CADENCE_MISSED))
