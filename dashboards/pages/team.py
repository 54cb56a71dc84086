"""A team's page (/team?team=ID): what the team monitors and adjusts at its meetings, as of today.

The scorecard of the entity it owns with each value beside its value at the team's last
meeting (better or worse in words by the metric's direction), the goals it owns with their
progress, the If/Then/And strategies and their evidence, the action steps overdue or due before
the next meeting, the roadmap reviews, the last meeting's next steps and decisions, and the next
meeting by the team's cadence (flagged when it was missed). The same content as the meeting
packet (queries.team_packet), which the page's button downloads as a PDF.
"""
from __future__ import annotations

import datetime as dt

import dash
from dash import dcc, html

from assets.plans.packet import clause
from dashboards import queries
from dashboards.components import context
from dashboards.components import formatting as fmt
from dashboards.components.labels import level_label
from dashboards.components.state import href, school_year_label

dash.register_page(__name__, path="/team", name="Team", title="Alignboard · Team", order=7)

TEAM_TYPES = {"DLT": "District leadership team", "OLT": "Operational leadership team",
              "BLT": "Building leadership team", "PLC": "Professional learning community",
              "CLC": "Classroom learning community"}
GOAL_CSS = {"met": "on_target", "on_track": "on_target", "at_risk": "near", "off_track": "off",
            "suppressed": "suppressed"}


def packet_href(team_id: str) -> str:
    return href("/export/team-packet.pdf", team=team_id)


@context.safe
def layout(team=None, **_):
    viewer, wh = context.viewer(), context.warehouse()
    if not team:
        return choose_team(viewer, wh)
    team = queries.check_team_id(team)
    return team_page(team=team, today=dt.date.today().isoformat())


def choose_team(viewer, wh) -> html.Div:
    """No team in the URL: the viewer's own team, else the teams they may open."""
    own = queries.teams(viewer, warehouse=wh, own=True)
    if len(own) == 1:
        return team_page(team=own["team_id"].iloc[0], today=dt.date.today().isoformat())
    rows = queries.teams(viewer, warehouse=wh)
    if rows.empty:
        return html.Div([html.H1("Teams"), context.message("No team meets in your scope yet (teams.csv or "
                                                           "team_meetings.csv).")])
    return html.Div([
        html.H1("Teams"),
        html.P("The teams whose layer you can see; open one for its page and meeting packet.", className="subtitle"),
        html.Ul([html.Li([dcc.Link(r.team_name, href=href("/team", team=r.team_id)),
                          f" · {TEAM_TYPES.get(r.team_type, r.team_type)} · {level_label(r.owner_level)} "
                          f"{r.owner_name or r.owner_id} · meets {r.cadence}"])
                 for r in rows.itertuples()], className="team-list"),
    ])


@context.cached_page
def team_page(team, today):
    viewer, wh = context.viewer(), context.warehouse()
    packet = queries.team_packet(viewer, team, dt.date.fromisoformat(today), warehouse=wh)
    info = packet["team"]
    owner = href("/", level=info["owner_level"], entity=info["owner_id"])
    return html.Div([
        html.H1(info["team_name"]),
        html.P([f"{TEAM_TYPES.get(info['team_type'], info['team_type'])} of ",
                dcc.Link(info["owner_name"] or info["owner_id"], href=owner, title="open its scorecard"),
                f" · meets {info['cadence']}"
                + (f" · {info['members']} member{'s' if info['members'] != 1 else ''}" if info["members"] else "")
                + f" · {packet['meetings_this_year']} meeting{'' if packet['meetings_this_year'] == 1 else 's'} "
                  "this school year"], className="subtitle"),
        meetings(packet),
        html.Div([html.A("Meeting packet (PDF)", href=packet_href(info["team_id"]), className="button",
                         id="team-packet", title="the same content on paper, for the meeting")],
                 className="controls"),
        scorecard_section(packet, owner),
        goals_section(packet),
        strategies_section(packet),
        steps_section(packet),
        roadmap_section(packet),
        last_meeting_section(packet),
        notes_section(packet),
    ], className="team-page")


def meetings(packet: dict) -> html.Div:
    last = packet["last_meeting_date"]
    parts = [html.Span(f"Last meeting: {last or 'none recorded'}")]
    if packet["cadence_missed"]:
        parts.append(html.Span(f"Next meeting: due {packet['next_meeting_due']} by the {packet['team']['cadence']} "
                               f"cadence, missed: no meeting since {last}", className="flag"))
    elif packet["next_meeting_due"]:
        parts.append(html.Span(f"Next meeting: by {packet['next_meeting_due']} ({packet['team']['cadence']})"))
    else:
        parts.append(html.Span("Next meeting: no cadence set"))
    return html.Div(parts, className="meetings", role="status")


def table(head: list[str], rows: list[list], css: str = "") -> html.Table:
    return html.Table([html.Thead(html.Tr([html.Th(h) for h in head])),
                       html.Tbody([html.Tr(r) if isinstance(r, list) else r for r in rows])],
                      className=f"plain-table {css}".strip())


def change_cell(text: str) -> html.Td:
    css = "better" if "(better)" in text else "worse" if "(worse)" in text else ""
    return html.Td(text or "–", className=f"change {css}".strip())


def status_cell(code, word: str) -> html.Td:
    css, icon, _ = fmt.status_of(code if code in fmt.STATUS else ("no_target" if code is None else code))
    return html.Td(html.Span(f"{icon} {word}", className=f"status {css}"))


def scorecard_section(packet: dict, owner: str) -> html.Section:
    last = packet["last_meeting_date"]
    rows = []
    for r in packet["scorecard"]:
        value = r["value_text"] if not r["suppressed"] else f"{r['value_text']}: {r['suppression_reason'] or 'hidden'}"
        rows.append(html.Tr([
            html.Td(fmt.metric_name(r["metric_name"]), title=r["metric_id"]),
            html.Td(value, className="num"), html.Td(r["last_meeting_text"] or "–", className="num"),
            change_cell(r["change_text"]), html.Td(r["target_text"], className="num"),
            status_cell(r["status_code"], r["status"]), html.Td("–" if r["n"] is None else f"{r['n']:,}", className="num"),
        ]))
    since = f"beside the last meeting ({last})" if last else "(no meeting yet to compare with)"
    return html.Section([
        html.H2(f"Scorecard as of {packet['as_of']}, {since}"),
        html.P(["Each metric's value this school year to date; the change is worded better or worse by the "
                "metric's direction. ", dcc.Link("Open the full scorecard", href=owner), "."], className="note"),
        table(["Metric", "Now", "At last meeting", "Change", "Target", "Status", "n"], rows)
        if rows else context.message("No scorecard for this school year yet."),
    ])


def progress_bar(goal: dict) -> html.Div:
    """How far the goal has come from its baseline towards its target (0-100%, clipped)."""
    if goal["progress"] is None:
        return html.Div("–")
    share = max(0.0, min(1.0, goal["progress"]))
    words = (f"{goal['progress'] * 100:.0f}% of the way" if goal["progress"] >= 0
             else "behind the baseline")
    return html.Div([html.Div(html.Div(style={"width": f"{share * 100:.0f}%"}), className="progress"),
                     html.Span(words, className="note")],
                    title=f"{goal['progress'] * 100:.0f}% of the way from the baseline to the target")


def goals_section(packet: dict) -> html.Section:
    goals = packet["goals"]
    if not goals:
        return html.Section([html.H2("Goals"), html.P("No goals of this team's plans.", className="note")])
    show = percent_or_value
    rows = [html.Tr([
        html.Td(g["title"]),
        html.Td(fmt.metric_name(g["metric_name"]) + ("" if g["student_group"] == "all" else
                                                     f", {queries.group_label(g['student_group'])}")
                if g["metric_id"] else "no metric", title=g["metric_id"] or ""),
        html.Td(show(g["baseline"]), className="num"),
        html.Td(show(g["current"]) + (f" ({school_year_label(g['current_year'])})" if g["current_year"] else ""),
                className="num"),
        html.Td(show(g["expected"]), className="num"),
        html.Td(show(g["target"]) + (f" by {g['target_date']}" if g["target_date"] else ""), className="num"),
        html.Td(progress_bar(g)),
        html.Td(html.Span(g["status"], className=f"status {GOAL_CSS.get(g['status_code'], 'no_data')}")),
    ]) for g in goals]
    return html.Section([
        html.H2(f"Goals ({len(goals)})"),
        html.P("Now: the goal's metric for its student group, latest school year; expected: on the straight line "
               "from the baseline to the target today.", className="note"),
        table(["Goal", "Metric", "Baseline", "Now", "Expected now", "Target", "Progress", "Status"], rows),
    ])


def percent_or_value(value) -> str:
    return "–" if value is None else f"{value * 100:.1f}%" if abs(value) <= 1.5 else f"{value:,.2f}"


def strategies_section(packet: dict) -> html.Section:
    items = []
    for s in packet["strategies"]:
        evidence = [html.Li(f"{fmt.metric_name(e['metric_name'])}: {e['value_text']}") for e in s["evidence"]]
        items.append(html.Div([
            html.P([html.B("If "), clause(s["if_we"], "if")]),
            html.P([html.B("Then "), clause(s["then_adults"], "then")]),
            html.P([html.B("And "), clause(s["and_students"], "and")]) if s["and_students"] else None,
            html.Div([html.Span("Evidence, latest values: ", className="note"), html.Ul(evidence)])
            if evidence else html.P("No evidence metric named.", className="note"),
        ], className="strategy"))
    return html.Section([html.H2("Strategies (If / Then / And)"),
                         *(items or [html.P("No strategies recorded for these goals.", className="note")])])


def steps_section(packet: dict) -> html.Section:
    steps = packet["action_steps"]
    rows = [html.Tr([html.Td(a["description"]), html.Td(a["owner"] or "–"), html.Td(a["due_date"] or "–"),
                     html.Td(f"{a['days_overdue']} days overdue" if a["days_overdue"] is not None else "due soon",
                             className="flag" if a["days_overdue"] is not None else "")])
            for a in steps]
    title = f"Action steps overdue or due before the next meeting ({packet['next_meeting_date'] or 'not set'})"
    return html.Section([html.H2(title), table(["Step", "Owner", "Due", "When"], rows) if rows
                         else html.P("None: no step of this team's plans is overdue or due soon.", className="note")])


def roadmap_section(packet: dict) -> html.Section:
    rows = [html.Tr([html.Td(r["plan_title"]), html.Td(r["phase"]), html.Td(r["last_review_date"] or "not reviewed"),
                     html.Td(r["done"] or "–"), html.Td(r["still_to_do"] or "–"),
                     html.Td((r["by_when"] or "–") + (" (past due)" if r["follow_up_past_due"] else ""),
                             className="flag" if r["follow_up_past_due"] else "")])
            for r in packet["roadmap"]]
    return html.Section([html.H2("Roadmap reviews"),
                         table(["Plan", "Phase", "Last review", "Done", "Still to do", "By when"], rows) if rows
                         else html.P("No roadmap review of this team's plans yet.", className="note")])


def last_meeting_section(packet: dict) -> html.Section:
    last = packet["last_meeting"]
    if last is None:
        return html.Section([html.H2("Last meeting"), html.P("No meeting recorded yet.", className="note")])
    reviewed = [fmt.metric_name(name) for name in last["metrics_reviewed_names"]]
    return html.Section([
        html.H2(f"Last meeting ({last['date']})"),
        html.P([html.B("Next steps: "), last["next_steps"] or "none recorded"]),
        html.P([html.B("Decisions: "), last["decisions"] or "none recorded"]),
        html.P([html.B("Metrics reviewed: "), ", ".join(reviewed) or "none recorded"]),
    ])


def notes_section(packet: dict) -> html.Section:
    notes = packet["data_notes"]
    hidden = len(notes["hidden_cells"])
    return html.Section([html.P(
        f"Data through {notes['data_date'] or 'no dated data'}. "
        + (f"{hidden} values are hidden from you, each saying why. " if hidden else "")
        + (f"Files rejected at the last load (their last good data is used): {', '.join(notes['rejected_files'])}."
           if notes["rejected_files"] else ""), className="note")])
