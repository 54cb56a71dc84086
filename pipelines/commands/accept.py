"""`alignboard accept FILE`: accept an intended change in a file's size or dates at the next load."""
import sys
import uuid
from pathlib import Path

HELP = ("Accept an intended change in a landing file (many more or fewer rows, older dates): the next "
        "load of FILE skips its row-count and freshness comparisons once and records who and why.")


def add_arguments(parser) -> None:
    from assets.warehouse import default_path

    parser.add_argument("file", help="the landing file, e.g. schools.csv")
    parser.add_argument("--reason", default=None, help="why the change is intended (kept in the quality history)")
    parser.add_argument("--warehouse", type=Path, default=Path(default_path()), help="DuckDB warehouse file")


def run(args) -> int:
    from assets import warehouse
    from assets.ingest.baseline import record_acceptance, who
    from assets.ingest.quality_report import ensure_tables
    from data_contracts.contract import load_contracts

    file = Path(args.file).name.removesuffix(".csv").removesuffix(".parquet")
    if file not in load_contracts():
        print(f"alignboard accept: {args.file} is not a landing file (see data_contracts/)", file=sys.stderr)
        return 2
    if not args.warehouse.exists():
        print(f"alignboard accept: no warehouse at {args.warehouse}; run `alignboard load` first", file=sys.stderr)
        return 1
    # written like a load (private copy, atomic rename, under the lock), so a reader never sees half
    try:
        build = warehouse.begin_build(args.warehouse, f"accept-{uuid.uuid4().hex[:8]}")
    except warehouse.LoadInProgress as exc:
        print(f"alignboard accept: {exc}; try again when it is done", file=sys.stderr)
        return 1
    published = False
    try:
        ensure_tables(build.connection)
        record_acceptance(build.connection, file, args.reason, who())
        published = True
    finally:
        warehouse.finish_build(args.warehouse, publish=published)
    print(f"{file}: the next load accepts its change (by {who()}{': ' + args.reason if args.reason else ''})")
    return 0
