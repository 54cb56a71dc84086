"""`alignboard plans check`: every alignment problem of the loaded plans, through the query layer (dashboards/queries).

  alignboard plans check [--warehouse PATH] [--as-of DATE] [--format table|json] [--strict]

The CLI user is a district-wide analyst. Exit 0 (also with problems), 3 with --strict when there
is any problem, 1 when the warehouse cannot answer, 2 usage error.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

HELP = "Check that the plans align: parent goals, SMART goals, strategies, coverage, overdue steps."
PROG = "alignboard plans"
ID_COLUMNS = ("plan_id", "goal_id", "strategy_id", "action_id", "entity_id")


def iso_date(text: str) -> dt.date:
    """An --as-of value: YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def add_as_of(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=iso_date, metavar="DATE",
                        help="judge dates as of this day, YYYY-MM-DD (default: today), for reproducible results")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    what = parser.add_subparsers(dest="plans", required=True, metavar="WHAT")
    check = what.add_parser("check", help="list every alignment problem", description=HELP)
    check.add_argument("--warehouse", metavar="PATH",
                       help="warehouse file (default: $ALIGNBOARD_WAREHOUSE or data/warehouse.duckdb)")
    add_as_of(check)
    check.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    check.add_argument("--strict", action="store_true", help="exit 3 when there is any problem")


def run(args: argparse.Namespace) -> int:
    from dashboards import queries

    try:
        problems = queries.plan_alignment(queries.Viewer.analyst(), warehouse=args.warehouse, as_of=args.as_of)
    except queries.DataError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 1
    records = [_record(row) for row in problems.to_dict("records")]
    if args.format == "json":
        print(json.dumps(records, indent=1))
    else:
        _print_table(records)
    return 3 if args.strict and records else 0


def _record(row: dict) -> dict:
    """problem, detail and the ids that apply (no empty ones)."""
    out = {"problem": row["problem"], "detail": row["detail"]}
    out.update({k: row[k] for k in ID_COLUMNS if isinstance(row.get(k), str)})
    return out


def _print_table(records: list[dict]) -> None:
    if not records:
        print("plans: no alignment problems")
        return
    width = max(len(r["problem"]) for r in records) + 2
    for r in records:
        print(f"{r['problem']:<{width}}{r['detail']}")
    counts: dict[str, int] = {}
    for r in records:
        counts[r["problem"]] = counts.get(r["problem"], 0) + 1
    print(f"\n{len(records)} problem(s): " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
