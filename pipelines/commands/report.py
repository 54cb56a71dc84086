"""`alignboard report team ID`: a team's meeting packet (assets/plans/packet.py).

  alignboard report team ID [--warehouse PATH] [--as-of DATE] [--out FILE.pdf|FILE.html] [--format json] [--public]

Without --out the packet is printed as text, or as JSON with --format json (the same content as
data, for tests and other tools); --out writes a PDF or an HTML page by the file's suffix
(assets/plans/packet.py lays it out). The packet is read through the query layer
(dashboards/queries/teams.py) as a district-wide analyst with student access, or with --public by
the public audience's rules (hidden cells blank, with their reason). Exit 0 ok, 1 the request
cannot be answered (no warehouse, unknown team), 2 usage error.
"""
from __future__ import annotations

import argparse
import datetime as dt
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
    from assets.plans import packet as layout
    from dashboards import queries

    if args.out and Path(args.out).suffix.lower() not in (".pdf", ".html"):
        print(f"{PROG}: --out must end in .pdf or .html, not {args.out!r}", file=sys.stderr)
        return 2
    viewer = queries.Viewer.analyst(may_see_students=not args.public)
    try:
        packet = queries.team_packet(viewer, args.team_id, args.as_of or dt.date.today(), warehouse=args.warehouse,
                                     public=args.public)
        if args.out and args.out.lower().endswith(".pdf"):
            Path(args.out).write_bytes(layout.pdf_bytes(packet))
        elif args.out:
            Path(args.out).write_text(layout.html_page(packet), encoding="utf-8")
        elif args.format == "json":
            print(json.dumps(packet, indent=1, default=str))
        else:
            print("\n".join(layout.text_lines(packet)))
    except queries.DataError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        raise  # the reader stopped (`| head`): pipelines/cli.py ends the command quietly
    except OSError as error:
        print(f"{PROG}: cannot write {error.filename}: {error.strerror}", file=sys.stderr)
        return 1
    return 0
