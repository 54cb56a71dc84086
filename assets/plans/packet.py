"""A team's meeting packet on paper: its words and its layout, as text, HTML or PDF.

The packet's content is a dict the query layer assembles for one viewer (dashboards/queries/
teams.py: the scorecard of the entity the team owns as of the meeting day beside its value at
the team's last meeting, the goals of its plans, their If/Then/And strategies and evidence, the
action steps overdue or due before the next meeting, the roadmap reviews, the last meeting's
next steps and decisions, and notes on the data). This module only turns it into words and
pages: `alignboard report team` and the dashboard's "Meeting packet (PDF)" button print the same
sections.
"""
from __future__ import annotations

import html

STATUS_WORDS = {"on_target": "on target", "near": "near target", "off": "off target", "no_data": "no data",
                "suppressed": "hidden", None: "no target"}
GOAL_WORDS = {"met": "met", "on_track": "on track", "at_risk": "at risk", "off_track": "off track",
              "no_data": "no data", "not_measurable": "not measurable", "no_metric": "no metric",
              "suppressed": "hidden"}
TIMING_WORDS = {"overdue": "overdue", "open": "open", "on_time": "done on time", "late": "done late",
                "complete_undated": "done"}
PHASE_WORDS = {"set_vision": "Set the vision", "assess_needs": "Assess needs", "create_plan": "Create the plan",
               "implement": "Implement", "monitor_adjust": "Monitor and adjust"}
HIDDEN = "hidden"
# the PDF's column widths (relative) of the tables whose cells would wrap at equal widths
WIDTHS = {"Scorecard": (3.2, 0.9, 1.1, 1.5, 0.9, 1.1, 0.6)}


def metric_label(name: str) -> str:
    """A scorecard's metric name in words: 'Percent favorable (student.self_efficacy)' ->
    'Percent favorable (student · self efficacy)'."""
    head, sep, tail = name.partition(" (")
    return head + sep + tail.replace(".", " · ").replace("_", " ") if sep else name


def show(value, unit: str | None) -> str:
    """A value as the packet prints it: 95.3%, 11.5 h, 0.96; blank for none."""
    if value is None:
        return ""
    if unit == "share":
        return f"{value * 100:.1f}%"
    if unit == "hours":
        return f"{value:.1f} h"
    return f"{value:.4g}"


def show_change(change, unit: str | None, direction: str | None) -> str:
    """A change in words, better or worse by the metric's direction: +2.1 pts (better),
    -0.5 h (worse), no change; blank when there is nothing to compare."""
    if change is None:
        return ""
    if round(change, 9) == 0:
        return "no change"
    better = (change > 0) == (direction != "lower")
    if unit == "share":
        amount = f"{change * 100:+.1f} pts"
    elif unit == "hours":
        amount = f"{change:+.1f} h"
    else:
        amount = f"{change:+.3g}"
    if amount.lstrip("+-").rstrip(" ptsh") in ("0.0", "0"):
        return "no change"  # too small to show at the unit's precision
    return f"{amount} ({'better' if better else 'worse'})"


def clause(text: str | None, word: str) -> str:
    """A strategy's clause without the word its heading says ('If we call...' -> 'we call...')."""
    text = (text or "").strip()
    return text[len(word):].lstrip() if text.lower().startswith(word + " ") else text


def percent_or_value(value) -> str:
    """A goal's number without its unit: a share as a percent, anything else as it is."""
    return "" if value is None else f"{value * 100:.1f}%" if abs(value) <= 1.5 else f"{value:.4g}"


def meeting_line(packet: dict) -> str:
    last = packet["last_meeting_date"] or "none"
    line = (f"Meeting date: {packet['meeting_date']}; values as of {packet['as_of']} (year to date, data through "
            f"{packet['data_notes']['data_date'] or 'no dated data'}); last meeting: {last}; "
            f"next meeting: {packet['next_meeting_date'] or 'not set'}")
    if packet["cadence_missed"]:
        line += f" (cadence missed: a meeting was due by {packet['next_meeting_due']})"
    return line


def sections(packet: dict) -> list[tuple[str, list[list[str]]]]:
    """The packet as titled tables of text: the one layout of the text, HTML and PDF outputs.
    A table's first row is its header; a section of one-cell rows is paragraphs."""
    team = packet["team"]
    since = f"At last meeting ({packet['last_meeting_date']})" if packet["last_meeting_date"] else "At last meeting"
    out = [("", [[f"Team: {team['team_name']} ({team['team_id']}), {team['owner_level']} "
                  f"{team['owner_name'] or team['owner_id']}, meets {team['cadence']}"],
                 [meeting_line(packet)]])]
    out.append(("Scorecard", [["Metric", "Value", since, "Change", "Target", "Status", "n"]] + [
        [r["metric_label"], r["value_text"], r["last_meeting_text"], r["change_text"], r["target_text"], r["status"],
         "" if r["n"] is None else str(r["n"])] for r in packet["scorecard"]]))
    out.append(("Goal progress", [["Goal", "Metric", "Baseline", "Current", "Expected now", "Target", "Status"]] + [
        [g["title"], metric_label(g["metric_name"]) if g["metric_name"] else "", percent_or_value(g["baseline"]), percent_or_value(g["current"]),
         percent_or_value(g["expected"]), percent_or_value(g["target"]) + (f" by {g['target_date']}" if g["target_date"] else ""),
         g["status"]] for g in packet["goals"]]))
    out.append(("Strategies and evidence", [
        [f"If {clause(s['if_we'], 'if')}; then {clause(s['then_adults'], 'then')}"
         + (f"; and {clause(s['and_students'], 'and')}" if s["and_students"] else "")
         + ". Evidence: " + (", ".join(f"{metric_label(e['metric_name'])} {e['value_text']}" for e in s["evidence"])
                             or "none")]
        for s in packet["strategies"]] or [["No strategies recorded."]]))
    out.append(("Action steps overdue or due before the next meeting",
                [["Step", "Owner", "Due", "Days overdue", "Status"]] + [
                    [a["description"], a["owner"] or "", a["due_date"] or "",
                     "" if a["days_overdue"] is None else str(a["days_overdue"]), a["status"]]
                    for a in packet["action_steps"]]))
    out.append(("Roadmap reviews", [["Plan", "Phase", "Last review", "Still to do", "By when"]] + [
        [r["plan_title"], r["phase"], r["last_review_date"] or "not reviewed", r["still_to_do"] or "",
         (r["by_when"] or "") + (" (past due)" if r["follow_up_past_due"] else "")] for r in packet["roadmap"]]))
    last = packet["last_meeting"] or {}
    out.append(("Last meeting", [[f"Next steps: {last.get('next_steps') or 'none recorded'}"],
                                 [f"Decisions: {last.get('decisions') or 'none recorded'}"]]))
    notes = packet["data_notes"]
    hidden = "; ".join(f"{h['metric_id']} ({h['reason']})" for h in notes["hidden_cells"]) or "none"
    out.append(("Data notes", [[f"Data date: {notes['data_date'] or 'no dated data'}"],
                               [f"Hidden cells: {hidden}"],
                               [f"Files rejected at the last load: {', '.join(notes['rejected_files']) or 'none'}"]]))
    return out


def text_lines(packet: dict) -> list[str]:
    lines = [packet["title"]]
    for title, rows in sections(packet):
        if title:
            lines += ["", title]
        lines += ["  " + " | ".join(row) for row in rows]
        if len(rows) == 1 and len(rows[0]) > 1:
            lines.append("  none")
    return lines


def html_page(packet: dict) -> str:
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(packet['title'])}</title>"
             "<style>body{font-family:sans-serif;font-size:11pt}table{border-collapse:collapse}"
             "td,th{border:1px solid #999;padding:2px 6px;text-align:left}</style></head><body>",
             f"<h1>{html.escape(packet['title'])}</h1>"]
    for title, rows in sections(packet):
        if title:
            parts.append(f"<h2>{html.escape(title)}</h2>")
        if len(rows) == 1 and len(rows[0]) > 1:
            parts.append("<p>None.</p>")
        elif rows and len(rows[0]) > 1:
            head, *body = rows
            parts.append("<table><tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in head) + "</tr>"
                         + "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in body)
                         + "</table>")
        else:
            parts += [f"<p>{html.escape(r[0])}</p>" for r in rows]
    parts.append("</body></html>")
    return "\n".join(parts)


def pdf_bytes(packet: dict) -> bytes:
    """The packet on A4 pages (fpdf2 and its core Helvetica font: text outside Latin-1 is replaced)."""
    from fpdf import FPDF

    def latin(text: str) -> str:
        return text.encode("latin-1", "replace").decode("latin-1")

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 8, latin(packet["title"]), new_x="LMARGIN", new_y="NEXT")
    for title, rows in sections(packet):
        if title:
            pdf.set_font("Helvetica", "B", 12)
            pdf.ln(2)
            pdf.cell(0, 7, latin(title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 8)
        if rows and len(rows[0]) > 1:
            if len(rows) == 1:
                pdf.multi_cell(0, 4.5, "None.", new_x="LMARGIN", new_y="NEXT")
                continue
            # the first column (a metric, a goal, a step) holds words: three times the others' width
            widths = WIDTHS.get(title, (3,) + (1,) * (len(rows[0]) - 1))
            with pdf.table(text_align="LEFT", line_height=4.5, col_widths=widths) as table:
                for row in rows:
                    cells = table.row()
                    for value in row:
                        cells.cell(latin(value))
        else:
            for (line,) in rows:
                pdf.multi_cell(0, 4.5, latin(line), new_x="LMARGIN", new_y="NEXT")
        if title == "Goal progress":
            trajectories(pdf, packet, latin)
    return bytes(pdf.output())


def _day_number(text: str) -> int:
    import datetime as dt

    return dt.date.fromisoformat(text).toordinal()


def trajectories(pdf, packet: dict, latin) -> None:
    """Each measured goal's trajectory, two to a row: the straight line from its baseline to its
    target (grey), where it is expected to be on the meeting day (hollow) and where it is (blue)."""
    goals = [g for g in packet["goals"] if None not in (g["baseline"], g["target"], g["baseline_date"],
                                                         g["target_date"]) and g["baseline_date"] < g["target_date"]]
    width, height, gap = 88.0, 32.0, 6.0
    day = _day_number(packet["as_of"])
    for i, goal in enumerate(goals):
        if i % 2 == 0:
            if pdf.will_page_break(height + 12):
                pdf.add_page()
            pdf.ln(2)
            top = pdf.get_y()
        left = pdf.l_margin + (i % 2) * (width + gap)
        start, end = _day_number(goal["baseline_date"]), _day_number(goal["target_date"])
        values = [v for v in (goal["baseline"], goal["target"], goal["current"], goal["expected"]) if v is not None]
        low, high = min(values), max(values)
        pad = (high - low) * 0.15 or abs(high) * 0.1 or 0.05
        low, high = low - pad, high + pad

        def x(d: int) -> float:
            return left + 8 + (width - 16) * (min(max(d, start), end) - start) / (end - start)

        def y(v: float) -> float:
            return top + 8 + (height - 14) * (high - v) / (high - low)

        pdf.set_font("Helvetica", "B", 7)
        pdf.set_xy(left, top)
        title = goal["title"] if len(goal["title"]) <= 62 else goal["title"][:60].rstrip() + "..."
        pdf.cell(width, 4, latin(title))
        pdf.set_draw_color(200, 200, 200)
        pdf.rect(left, top + 5, width, height - 5)
        pdf.set_draw_color(120, 120, 120)
        pdf.set_line_width(0.4)
        pdf.line(x(start), y(goal["baseline"]), x(end), y(goal["target"]))
        pdf.set_font("Helvetica", "", 6.5)
        pdf.set_xy(left + 1, top + height - 5)
        pdf.cell(width / 2, 4, latin(f"{goal['baseline_date']} baseline {percent_or_value(goal['baseline'])}"))
        pdf.set_xy(left + width / 2, top + height - 5)
        pdf.cell(width / 2 - 1, 4, latin(f"target {percent_or_value(goal['target'])} by {goal['target_date']}"),
                 align="R")
        if goal["expected"] is not None:
            pdf.set_draw_color(0, 0, 0)
            pdf.ellipse(x(day) - 1.2, y(goal["expected"]) - 1.2, 2.4, 2.4)
        if goal["current"] is not None:
            pdf.set_fill_color(0, 114, 178)
            pdf.ellipse(x(day) - 1.4, y(goal["current"]) - 1.4, 2.8, 2.8, style="F")
            pdf.set_xy(min(x(day) + 2, left + width - 30), y(goal["current"]) - 2)
            pdf.cell(28, 4, latin(f"now {percent_or_value(goal['current'])} ({goal['status']})"))
        pdf.set_line_width(0.2)
        pdf.set_draw_color(0, 0, 0)
        pdf.set_fill_color(255, 255, 255)
        if i % 2 == 1 or i == len(goals) - 1:
            pdf.set_xy(pdf.l_margin, top + height + 1)
    if goals:
        pdf.set_font("Helvetica", "", 6.5)
        pdf.cell(0, 4, "Grey: the straight line from baseline to target; hollow: expected on the meeting day; "
                       "blue: the value now.", new_x="LMARGIN", new_y="NEXT")
