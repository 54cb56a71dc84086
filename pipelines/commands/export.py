"""`alignboard export`: metric values and scorecards out of the warehouse, through the query layer (dashboards/queries).

  alignboard export metrics [--warehouse PATH] [--out FILE] [--level L] [--metric M] [--year Y | --as-of DATE] [--public]
  alignboard export scorecard --level L --entity ID [--year Y | --as-of DATE] [--out FILE] [--public]
  alignboard export goals [--warehouse PATH] [--as-of DATE] [--out FILE] [--public]
  alignboard export early-warning [--warehouse PATH] [--as-of DATE] [--school ID] [--out FILE]

The CLI user is a district-wide analyst who may see students; --public applies the rules of a
public release (suppressed cells blank, coded cells as their range, no student-level rows, no
classroom-level systems metrics), so the early-warning export, one row per student, refuses it.
--as-of DATE computes each metric's year to date through DATE (assets/metrics/asof.py: later rows
ignored, the school year DATE falls in), suppressed as the nightly values are and read through the
same query-layer SQL, so one set of audience rules hides both. Exit 0 ok, 1 the request cannot be
answered (no warehouse, unknown entity, metric or school), 2 usage error.
"""
from __future__ import annotations

import argparse
import math
import sys

from data_contracts.vocabulary import LEVELS, SCOPE_LEVELS, STATE
from pipelines.commands.plans import add_as_of, iso_date

HELP = "Export metric values or goal progress (CSV), or one entity's balanced scorecard."
PROG = "alignboard export"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    what = parser.add_subparsers(dest="export", required=True, metavar="WHAT")
    metrics = what.add_parser("metrics", help="mart.metric_values as CSV (every metric, level and group)",
                              description="Write metric values as CSV with the columns of mart.metric_values.")
    _common(metrics)
    metrics.add_argument("--level", choices=(STATE, *LEVELS), help="only this level (state: a state warehouse's own)")
    metrics.add_argument("--metric", metavar="M",
                         help="only this metric id, or a family (proficiency_rate = every subject)")
    metrics.add_argument("--year", type=int, metavar="Y", help="only this school year (2026 = 2025-26)")
    metrics.add_argument("--period", default="year", metavar="P",
                         help="year (default), month:YYYY-MM, ytd:YYYY-MM-DD, or all (every period)")
    _add_as_of_value(metrics)

    card = what.add_parser("scorecard", help="one entity's balanced scorecard",
                           description="Print one entity's balanced scorecard, or write it as CSV with --out.")
    _common(card)
    card.add_argument("--level", required=True, choices=SCOPE_LEVELS, help="the entity's level")
    card.add_argument("--entity", required=True, metavar="ID", help="the entity's id (school_id, plc_id ...)")
    card.add_argument("--year", type=int, metavar="Y", help="school year (default: the latest with data)")
    _add_as_of_value(card)

    goals = what.add_parser("goals", help="goal progress of every plan as CSV",
                            description="Write each goal's current, expected and projected value and status as CSV.")
    _common(goals)
    add_as_of(goals)

    ews = what.add_parser("early-warning", help="every student's early-warning indicators as of a date (CSV)",
                          description="Write one row per student of the school year, flagged or not: the "
                                      "attendance, behavior, course and assessment indicators as of the date, "
                                      "the active supports and the values behind each flag. Student-level: "
                                      "there is no public form.")
    _common(ews)
    add_as_of(ews)
    ews.add_argument("--school", metavar="ID", help="only the students whose school of the year this is")


def _add_as_of_value(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=iso_date, metavar="DATE",
                        help="year-to-date values through this day, YYYY-MM-DD (its school year; later data "
                             "ignored), computed on request; not with --year")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--warehouse", metavar="PATH",
                        help="warehouse file (default: $ALIGNBOARD_WAREHOUSE or data/warehouse.duckdb)")
    parser.add_argument("--out", metavar="FILE", help="write CSV here (default: stdout)")
    parser.add_argument("--public", action="store_true",
                        help="public release: blank suppressed cells (coded ones show their range) and "
                             "leave out student-level rows and classroom-level systems metrics")


def run(args: argparse.Namespace) -> int:
    if args.export == "early-warning":
        return _early_warning(args)
    from dashboards import queries

    viewer = queries.Viewer.analyst(may_see_students=not args.public)
    as_of = args.as_of if args.export != "goals" else None
    if as_of is not None and args.year is not None:
        print(f"{PROG}: give --year or --as-of, not both", file=sys.stderr)
        return 2
    try:
        if args.export == "goals":
            queries.write_goal_progress_csv(viewer, args.out, as_of=args.as_of, warehouse=args.warehouse,
                                         public=args.public)
        elif args.export == "metrics":
            queries.write_metric_values_csv(viewer, args.out, warehouse=args.warehouse, level=args.level,
                                            metric=args.metric, year=args.year, public=args.public,
                                            period=None if args.period == "all" else args.period, as_of=as_of)
        else:
            if as_of is None:
                card = queries.scorecard(viewer, args.level, args.entity, warehouse=args.warehouse,
                                         year=args.year, public=args.public)
            else:
                card = queries.scorecard_as_of(viewer, args.level, args.entity, as_of, warehouse=args.warehouse,
                                               public=args.public)
            if args.out:
                _write_scorecard_csv(card, args.out)
            else:
                _print_scorecard(card, args.level, args.entity, as_of=as_of)
    except queries.DataError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        raise  # the reader stopped (`| head`): pipelines/cli.py ends the command quietly
    except OSError as error:
        print(f"{PROG}: cannot write {error.filename}: {error.strerror}", file=sys.stderr)
        return 1
    return 0


def _early_warning(args: argparse.Namespace) -> int:
    """The early-warning indicators of every student as of --as-of (default today), as CSV."""
    prog = f"{PROG} early-warning"
    if args.public:
        print(f"{prog}: --public: this export lists students, so it has no public form "
              "(`export metrics --public` has the counts)", file=sys.stderr)
        return 2
    import datetime as dt

    from dashboards import queries

    as_of = args.as_of or dt.date.today()
    try:
        rows = queries.write_early_warning_csv(queries.Viewer.analyst(), args.out, as_of=as_of, school=args.school,
                                               warehouse=args.warehouse)
    except queries.DataError as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        raise  # the reader stopped (`| head`): pipelines/cli.py ends the command quietly
    except OSError as error:
        print(f"{prog}: cannot write {error.filename}: {error.strerror}", file=sys.stderr)
        return 1
    if not rows:
        print(f"{prog}: no students in the school year of {as_of}; choose a date with --as-of", file=sys.stderr)
    return 0


def _write_scorecard_csv(card, out: str) -> None:
    """The scorecard rows as CSV, formatted like `export metrics`."""
    from dashboards.queries.exports import write_rows

    card = card.drop(columns=["definition"])
    write_rows(card.columns, card.itertuples(index=False), out)


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _show(value, unit: str) -> str:
    if _blank(value):
        return ""
    if unit == "share":
        return f"{value * 100:.1f}%"
    if unit == "hours":
        return f"{value:.1f} h"
    return f"{value:.4g}"


def _show_change(value, unit: str) -> str:
    if _blank(value):
        return ""
    if unit == "share":
        return f"{value * 100:+.1f} pts"
    return f"{value:+.4g}"


def _print_scorecard(card, level: str, entity_id: str, as_of=None) -> None:
    """A readable scorecard: one block per perspective, one line per metric."""
    if card.empty:
        print(f"{level} {entity_id}: no scorecard rows (no metric has data at this level yet)")
        return
    first = card.iloc[0]
    dated = f", year to date as of {as_of.isoformat()}" if as_of else ""
    print(f"{level.capitalize()} scorecard: {first['entity_name'] or entity_id} ({entity_id}), "
          f"school year {first['school_year'] - 1}-{str(first['school_year'])[-2:]}{dated}")
    header = ("metric", "value", "target", "status", "vs same day a year earlier" if as_of else "vs prior year")
    width = max(len(str(m)) for m in card["metric_id"]) + 2
    for perspective, rows in card.groupby("perspective", sort=False):
        print(f"\n{perspective}")
        print(f"  {header[0]:<{width}}{header[1]:>10}  {header[2]:>10}  {header[3]:<11}{header[4]}")
        for row in rows.itertuples():
            status = row.status if isinstance(row.status, str) else "-"
            value = _show(row.value, row.unit)
            if status == "suppressed":
                status = f"suppressed ({row.suppression_reason})"
                value = row.value_range if isinstance(row.value_range, str) else value
            elif status == "no_data":
                status = "no data"
            print(f"  {row.metric_id:<{width}}{value:>10}  "
                  f"{_show(row.target, row.unit):>10}  {status:<11}{_show_change(row.change_vs_prior, row.unit)}")
