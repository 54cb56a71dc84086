"""`alignboard disparity`: the significant-disproportionality rule (34 CFR 300.647) on aggregated
counts, for analysts who have only the counts their district reported to the state.

Input CSV: school_year, lea_id, category, group, count, population (rows with lea_id STATE are
the state's counts by group). Output CSV: one row per non-state input row with every measure;
see docs/disparity.md. Exit 0 ok, 1 invalid input data, 2 usage error.
"""
from __future__ import annotations

import argparse
import csv
import sys

from assets.equity import settings as disparity_settings

HELP = "Flag over-identified student groups (34 CFR 300.647) from aggregated counts."
PROG = "alignboard disparity"


def _setting(parse):
    """An argparse type that turns a SettingsError into a usage error."""

    def convert(text: str):
        try:
            return parse(text)
        except disparity_settings.SettingsError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    convert.__name__ = parse.__name__
    return convert


def _threshold(text: str) -> str:
    disparity_settings.parse_threshold(text)
    return text.strip()


def _non_negative(text: str) -> int:
    return disparity_settings.parse_count_setting("value", text, 0)


def _consecutive_years(text: str) -> int:
    return disparity_settings.parse_count_setting(
        "value", text, 1, disparity_settings.MAX_CONSECUTIVE_YEARS
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "Settings not given come from the disparity: section of the YAML file named by "
        "$ALIGNBOARD_CONFIG, else: threshold 3.0, min cell 10, min n 30, 3 consecutive years. "
        "See docs/disparity.md."
    )
    parser.add_argument("--counts", required=True, metavar="FILE",
                        help="CSV of school_year, lea_id, category, group, count, population "
                             "(lea_id STATE = the state's counts by group)")
    parser.add_argument("--threshold", type=_setting(_threshold), metavar="T",
                        help="flag a ratio strictly above T (exact decimal)")
    parser.add_argument("--min-cell", type=_setting(_non_negative), metavar="C",
                        help="minimum count of a group and of its comparison group")
    parser.add_argument("--min-n", type=_setting(_non_negative), metavar="N",
                        help="minimum population of a group and of its comparison group")
    parser.add_argument("--consecutive-years", type=_setting(_consecutive_years), metavar="Y",
                        help="years in a row over the threshold before a group is significant (1-3)")
    parser.add_argument("--out", metavar="FILE", help="write the CSV here (default: stdout)")


def _text(value: object) -> str:
    """Numbers unrounded (shortest exact repr), booleans Y/N, undefined blank."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _error(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from assets.equity.aggregated import OUTPUT_COLUMNS, measure
    from assets.equity.counts_csv import CountsInputError, read_counts

    try:
        settings = disparity_settings.load_settings(
            threshold=args.threshold,
            min_cell=args.min_cell,
            min_n=args.min_n,
            consecutive_years=args.consecutive_years,
        )
    except disparity_settings.SettingsError as error:
        _error(str(error))
        return 2
    try:
        rows = read_counts(args.counts)
    except FileNotFoundError:
        _error(f"{args.counts}: no such file")
        return 2
    except OSError as error:
        _error(f"{args.counts}: cannot read: {error.strerror}")
        return 2
    except UnicodeDecodeError:
        _error(f"{args.counts}: not UTF-8 text")
        return 1
    except CountsInputError as error:
        _error(f"{args.counts} {error}")
        return 1

    results = measure(rows, settings)
    try:
        handle = open(args.out, "w", newline="", encoding="utf-8") if args.out else sys.stdout
    except OSError as error:
        _error(f"{args.out}: cannot write: {error.strerror}")
        return 2
    try:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(OUTPUT_COLUMNS)
        for result in results:
            writer.writerow([_text(result[column]) for column in OUTPUT_COLUMNS])
    finally:
        if args.out:
            handle.close()
    return 0
