"""`alignboard disparity`: the significant-disproportionality rule (34 CFR 300.647) on aggregated
counts, for analysts who have only the counts their district reported to the state.

Input CSV: school_year, lea_id, category, group, count, population (rows with lea_id STATE are
the state's counts by group). Output CSV: one row per non-state input row with every measure;
see docs/disparity.md. Exit 0 ok, 1 invalid input data, 2 usage error.
"""
from __future__ import annotations

import argparse
import sys

from assets.equity import settings as disparity_settings
from data_contracts.vocabulary import CATEGORIES

HELP = "Flag over-identified student groups (34 CFR 300.647) from aggregated counts."
PROG = "alignboard disparity"


def _setting(parse):
    """An argparse type that turns a SettingsError into a usage error.

    The value is `VALUE` (every category) or `CATEGORY=VALUE` (that category only); the type
    returns (category or None, value)."""

    def convert(text: str):
        category, _, value = text.rpartition("=")
        try:
            if category and category not in CATEGORIES:
                raise disparity_settings.SettingsError(
                    f"unknown category {category!r} (see docs/disparity.md for the category codes)"
                )
            return (category or None, parse(value))
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


def _progress(text: str) -> str:
    disparity_settings.parse_threshold(text)
    return text.strip()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "Settings not given come from the disparity: section of the YAML file named by "
        "$ALIGNBOARD_CONFIG, else: threshold 3.0, min cell 10, min n 30, 3 consecutive years, "
        "total removals' minimum cell counted in children, no reasonable-progress exception. "
        "--threshold, --min-cell, --min-n and --consecutive-years take VALUE (every category) or "
        "CATEGORY=VALUE (one category) and may be repeated. See docs/disparity.md."
    )
    parser.add_argument("--counts", required=True, metavar="FILE",
                        help="CSV of school_year, lea_id, category, group, count, population "
                             "[, children] (lea_id STATE = the state's counts by group; group "
                             "unknown = students of unknown race/ethnicity, left out)")
    parser.add_argument("--threshold", type=_setting(_threshold), action="append", default=[],
                        metavar="[CATEGORY=]T", help="flag a ratio strictly above T (exact decimal)")
    parser.add_argument("--min-cell", type=_setting(_non_negative), action="append", default=[],
                        metavar="[CATEGORY=]C", help="minimum count of a group and of its comparison group")
    parser.add_argument("--min-n", type=_setting(_non_negative), action="append", default=[],
                        metavar="[CATEGORY=]N",
                        help="minimum population of a group and of its comparison group")
    parser.add_argument("--consecutive-years", type=_setting(_consecutive_years), action="append",
                        default=[], metavar="[CATEGORY=]Y",
                        help="years in a row over the threshold before a group is significant (1-3)")
    parser.add_argument("--total-removals-min-cell", choices=disparity_settings.MIN_CELL_BASES,
                        help="what the minimum cell of total removals counts (default children)")
    parser.add_argument("--reasonable-progress", type=_setting(_progress), metavar="D",
                        help="300.647(d)(2): not significant when the ratio fell by at least D in each "
                             "of the two prior years (default off)")
    parser.add_argument("--out", metavar="FILE", help="write the CSV here (default: stdout)")


def _overrides(args: argparse.Namespace) -> tuple[dict, dict[str, dict]]:
    """The options as load_settings() arguments: the defaults, and each category's values."""
    defaults: dict = {}
    categories: dict[str, dict] = {}
    for key in disparity_settings.RULE_KEYS:
        for category, value in getattr(args, key):
            if category is None:
                defaults[key] = value
            else:
                categories.setdefault(category, {})[key] = value
    if args.reasonable_progress is not None:
        category, value = args.reasonable_progress
        if category is not None:
            raise disparity_settings.SettingsError("--reasonable-progress applies to every category")
        defaults["reasonable_progress"] = value
    defaults["total_removals_min_cell"] = args.total_removals_min_cell
    return defaults, categories


def _error(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from assets.equity.aggregated import OUTPUT_COLUMNS, measure
    from assets.equity.counts_csv import CountsInputError, read_counts
    from dashboards.queries.exports import write_rows

    try:
        defaults, categories = _overrides(args)
        settings = disparity_settings.load_settings(categories, **defaults)
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
    try:
        results = measure(rows, settings)
    except CountsInputError as error:
        _error(f"{args.counts} {error}")
        return 1
    try:
        handle = open(args.out, "w", newline="", encoding="utf-8") if args.out else sys.stdout
    except OSError as error:
        _error(f"{args.out}: cannot write: {error.strerror}")
        return 2
    try:
        write_rows(OUTPUT_COLUMNS, ([result[column] for column in OUTPUT_COLUMNS] for result in results), handle)
    finally:
        if args.out:
            handle.close()
    return 0
