"""`alignboard load`: the nightly load, in process, for cron users and tests."""
import sys
from pathlib import Path

HELP = "Load a landing folder: check every file, quarantine bad rows, rebuild staging and marts."


def add_arguments(parser) -> None:
    from assets.warehouse import default_path

    parser.add_argument("--landing", required=True, type=Path, help="folder of landing files (CSV or Parquet)")
    parser.add_argument(
        "--warehouse", type=Path, default=Path(default_path()),
        help="DuckDB warehouse file (default: $ALIGNBOARD_WAREHOUSE or data/warehouse.duckdb)",
    )


def run(args) -> int:
    if not args.landing.is_dir():
        print(f"alignboard load: landing folder {args.landing} does not exist", file=sys.stderr)
        return 2
    from assets.ingest.district_config import ConfigError, ingest_config
    from pipelines.commands.quality import print_notes, print_table
    from pipelines.run_load import InstanceError, run_load
    from assets.warehouse import LoadInProgress

    try:
        ingest_config()  # a section no load could use: say so before any file is read
    except ConfigError as exc:
        print(f"alignboard load: {exc}", file=sys.stderr)
        return 2

    print(f"Loading {args.landing} into {args.warehouse} ...", file=sys.stderr)
    try:
        outcome = run_load(args.landing, args.warehouse)
    except LoadInProgress as exc:
        print(f"alignboard load: {exc}", file=sys.stderr)
        return 1
    except InstanceError as exc:  # a setting to fix, not the data
        print(f"alignboard load: {exc}", file=sys.stderr)
        return 2
    if outcome.quality:  # a load that failed before reading any file has nothing to list
        print_table(outcome.quality)
    print_notes([q for q in outcome.quality if q["status"] not in ("rejected", "not_run")])  # errors say why
    for error in outcome.errors:
        print(f"alignboard load: {error}", file=sys.stderr)
    return 0 if outcome.success else 1
