"""`alignboard report team ID`: a team's meeting packet (assets/plans/packet.py).

  alignboard report team ID [--warehouse PATH] [--as-of DATE] [--out FILE.pdf|FILE.html] [--format json] [--public]

Without --out the packet is printed as text, or as JSON with --format json (the same content as
data, for tests and other tools); --out writes a PDF or an HTML page by the file's suffix. The
CLI user is a district-wide analyst; --public blanks hidden cells. Exit 0 ok, 1 the request cannot
be answered (no warehouse, unknown team), 2 usage error.
"""
from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import sys
from pathlib import Path

from pipelines.commands.plans import iso_date

HELP = "Print or write a team's meeting packet (scorecard, goals, strategies, overdue steps, next steps)."
PROG = "alignboard report"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    what = parser.add_subparsers(dest="report", required=True, metavar="WHAT")
    team = what.add_parser("team", help="one team's meeting packet", description=HELP)
    team.add_argument("team_id", metavar="ID", help="the team's id (staging.teams, e.g. BLT:01001)")
    team.add_argument("--warehouse", metavar="PATH",
                      help="warehouse file (default: $ALIGNBOARD_WAREHOUSE or data/warehouse.duckdb)")
    team.add_argument("--as-of", type=iso_date, metavar="DATE",
                      help="the meeting day, YYYY-MM-DD: values are the year to date through it (default: today)")
    team.add_argument("--out", metavar="FILE", help="write FILE.pdf or FILE.html")
    team.add_argument("--format", choices=("text", "json"), default="text", help="printed format (default: text)")
    team.add_argument("--public", action="store_true", help="blank hidden cells (public release rules)")


def run(args: argparse.Namespace) -> int:
    from pipelines.commands.export import _Unanswerable, _warehouse

    if args.out and Path(args.out).suffix.lower() not in (".pdf", ".html"):
        print(f"{PROG}: --out must end in .pdf or .html, not {args.out!r}", file=sys.stderr)
        return 2
    from assets.metrics.engine import MetricsError
    from assets.plans.packet import PacketError, team_packet

    try:
        with _warehouse(args.warehouse) as con:
            packet = team_packet(con, args.team_id, args.as_of or dt.date.today(), public=args.public)
        if args.out:
            write = write_pdf if args.out.lower().endswith(".pdf") else write_html
            write(packet, Path(args.out))
        elif args.format == "json":
            print(json.dumps(packet, indent=1, default=str))
        else:
            print("\n".join(text_lines(packet)))
    except (_Unanswerable, PacketError, MetricsError) as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"{PROG}: cannot write {error.filename}: {error.strerror}", file=sys.stderr)
        return 1
    return 0


def sections(packet: dict) -> list[tuple[str, list[list[str]]]]:
    """The packet as titled tables of text, the one layout of the text, HTML and PDF outputs."""
    team = packet["team"]
    out = [("", [[f"Team: {team['team_name']} ({team['team_id']}), {team['owner_level']} "
                  f"{team['owner_name'] or team['owner_id']}, meets {team['cadence']}"],
                 [f"Meeting date: {packet['meeting_date']}; values as of {packet['as_of']} (year to date); "
                  f"last meeting: {packet['last_meeting_date'] or 'none'}; "
                  f"next meeting: {packet['next_meeting_date'] or 'not set'}"]])]
    out.append(("Scorecard", [["Metric", "Value", "Target", "Status", "Since last meeting", "n"]] + [
        [r["metric_id"], r["value_text"], r["target_text"], r["status"], r["change_text"],
         "" if r["n"] is None else str(r["n"])] for r in packet["scorecard"]]))
    out.append(("Goal progress", [["Goal", "Metric", "Current", "Expected", "Target", "Status"]] + [
        [g["title"], g["metric_id"] or "", _share(g["current"]), _share(g["expected"]), _share(g["target"]),
         g["status"]] for g in packet["goals"]]))
    out.append(("Strategies and evidence", [
        [f"If we {s['if_we']}, then {s['then_adults']}" + (f", and {s['and_students']}" if s["and_students"] else "")
         + "; evidence: " + (", ".join(f"{e['metric_id']} {e['value_text']}" for e in s["evidence"]) or "none")]
        for s in packet["strategies"]]))
    out.append(("Overdue action steps", [["Step", "Owner", "Due", "Days overdue", "Status"]] + [
        [a["description"], a["owner"] or "", a["due_date"], str(a["days_overdue"]), a["status"]]
        for a in packet["overdue_action_steps"]]))
    last = packet["last_meeting"] or {}
    out.append(("Last meeting", [[f"Next steps: {last.get('next_steps') or 'none recorded'}"],
                                 [f"Decisions: {last.get('decisions') or 'none recorded'}"]]))
    notes = packet["data_notes"]
    hidden = "; ".join(f"{h['metric_id']} ({h['reason']})" for h in notes["hidden_cells"]) or "none"
    out.append(("Data notes", [[f"Data date: {notes['data_date'] or 'no dated data'}"],
                               [f"Hidden cells: {hidden}"],
                               [f"Files rejected at the last load: {', '.join(notes['rejected_files']) or 'none'}"]]))
    return out


def _share(value) -> str:
    return "" if value is None else f"{value * 100:.1f}%" if abs(value) <= 1.5 else f"{value:.4g}"


def text_lines(packet: dict) -> list[str]:
    lines = [packet["title"]]
    for title, rows in sections(packet):
        if title:
            lines += ["", title]
        lines += ["  " + " | ".join(row) for row in rows]
    return lines


def write_html(packet: dict, path: Path) -> None:
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(packet['title'])}</title>"
             "<style>body{font-family:sans-serif;font-size:11pt}table{border-collapse:collapse}"
             "td,th{border:1px solid #999;padding:2px 6px;text-align:left}</style></head><body>",
             f"<h1>{html.escape(packet['title'])}</h1>"]
    for title, rows in sections(packet):
        if title:
            parts.append(f"<h2>{html.escape(title)}</h2>")
        if rows and len(rows[0]) > 1:
            head, *body = rows
            parts.append("<table><tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in head) + "</tr>"
                         + "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in body)
                         + "</table>")
        else:
            parts += [f"<p>{html.escape(r[0])}</p>" for r in rows]
    parts.append("</body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")


def write_pdf(packet: dict, path: Path) -> None:
    """The packet on A4 pages (fpdf2, its core Helvetica font: text outside Latin-1 is replaced)."""
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
            with pdf.table(text_align="LEFT", line_height=4.5) as table:
                for row in rows:
                    cells = table.row()
                    for value in row:
                        cells.cell(latin(value))
        else:
            for (line,) in rows:
                pdf.multi_cell(0, 4.5, latin(line), new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
