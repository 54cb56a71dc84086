"""`alignboard quarantine FILE`: the quarantined rows of one landing file, to fix the export.

  alignboard quarantine FILE [--warehouse PATH] [--reason CODE] [--out CSV]

CSV with `line` (the line in the file as received, the header being line 1), `reasons` and the
row's original values; on stdout, or in --out. Exit 0 listed (even none), 1 no warehouse or the
file never loaded, 2 not a landing file.
"""
import sys
from pathlib import Path

HELP = "List a landing file's quarantined rows: line in the file, reasons, original values (CSV)."


def add_arguments(parser) -> None:
    from assets.warehouse import default_path

    parser.add_argument("file", help="the landing file, e.g. attendance_daily.csv")
    parser.add_argument("--warehouse", type=Path, default=Path(default_path()), help="DuckDB warehouse file")
    parser.add_argument("--reason", default=None,
                        help="only rows with this reason (unknown_code:status) or kind of reason (unknown_code)")
    parser.add_argument("--out", type=Path, default=None, help="write the CSV here instead of to stdout")


def run(args) -> int:
    from assets.ingest.quarantine_list import NotQuarantined, contract_name, quarantined_rows
    from assets.warehouse import open_read_only
    from dashboards.queries.access import DataError
    from dashboards.queries.exports import write_rows

    file = contract_name(args.file)
    if file is None:
        print(f"alignboard quarantine: {args.file} is not a landing file (see data_contracts/)", file=sys.stderr)
        return 2
    if not args.warehouse.is_file():
        print(f"alignboard quarantine: no warehouse at {args.warehouse}; run `alignboard load` first", file=sys.stderr)
        return 1
    with open_read_only(args.warehouse) as con:
        try:
            rows = quarantined_rows(con, file, args.reason)
        except NotQuarantined as exc:
            print(f"alignboard quarantine: {exc}", file=sys.stderr)
            return 1
    which = f" with reason {args.reason}" if args.reason else ""
    if args.out is None:
        write_rows(rows.columns, rows.itertuples(index=False))
        sys.stdout.flush()
    else:
        try:
            write_rows(rows.columns, rows.itertuples(index=False), args.out)
        except DataError as exc:
            print(f"alignboard quarantine: {exc}", file=sys.stderr)
            return 1
        except OSError as exc:
            print(f"alignboard quarantine: cannot write {args.out}: {exc.strerror}", file=sys.stderr)
            return 1
    print(f"{file}: {len(rows):,} quarantined rows{which}" + (f" written to {args.out}" if args.out else ""),
          file=sys.stderr)
    return 0
