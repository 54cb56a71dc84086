"""`alignboard generate`: write a synthetic district's landing files."""
import argparse
import datetime as dt
import os
import sys
import tempfile

HELP = "Write a realistic synthetic district's landing files (seeded, any size) into a folder."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, metavar="DIR", help="folder to write the CSV files into")
    parser.add_argument("--students", type=int, default=5000, metavar="N", help="students per year (default 5000)")
    parser.add_argument("--seed", type=int, default=42, metavar="S", help="random seed (default 42)")
    parser.add_argument("--years", type=int, default=3, metavar="K", help="school years to generate (default 3)")
    parser.add_argument("--end-year", type=int, default=None, metavar="Y",
                        help="last school year, the calendar year it ends in (default: the school year of "
                             "today, July 1 - June 30, with data up to today)")
    parser.add_argument("--messy", action="store_true",
                        help="inject known faults and write _messy_manifest.json with their counts")


def _fail(message: str) -> int:
    print(f"alignboard generate: {message}", file=sys.stderr)
    return 2


def _check_writable(out: str) -> str | None:
    """None if out is (or can be made) a writable folder, else the reason."""
    try:
        os.makedirs(out, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".alignboard-write-test-"):
            pass
    except OSError as exc:
        return f"cannot write to {out}: {exc.strerror or exc}"
    return None


def run(args: argparse.Namespace) -> int:
    from sample_data.calendar import school_year_of

    args.end_year = args.end_year or school_year_of(dt.date.today())
    if args.students < 1:
        return _fail(f"--students must be at least 1 (got {args.students})")
    if args.years < 1:
        return _fail(f"--years must be at least 1 (got {args.years})")
    if args.seed < 0:
        return _fail(f"--seed must be 0 or more (got {args.seed})")
    if not (1990 <= args.end_year - args.years + 1 and args.end_year <= 2100):
        return _fail(f"--end-year {args.end_year} with --years {args.years} is outside 1990..2100")
    problem = _check_writable(args.out)
    if problem:
        return _fail(problem)

    from sample_data.generator import generate  # heavy: numpy, pyarrow

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    try:
        summary = generate(args.out, students=args.students, seed=args.seed, years=args.years,
                           end_year=args.end_year, messy=args.messy, log=log)
    except OSError as exc:
        print(f"alignboard generate: writing {args.out} failed: {exc.strerror or exc}", file=sys.stderr)
        return 1
    rows = sum(r for r, _ in summary.files.values())
    first, last = args.end_year - args.years + 1, args.end_year
    years = str(last) if first == last else f"{first}-{last}"
    line = (f"wrote {len(summary.files)} files, {rows:,} rows ({summary.total_bytes / 1e9:.2f} GB) to {args.out} "
            f"in {summary.seconds:.1f} s: {summary.schools} schools, {summary.staff:,} staff, "
            f"~{args.students:,} students/year, school years {years}")
    if summary.manifest is not None:
        faults = sum(c for per_file in summary.manifest.values() for f, c in per_file.items() if f != "bom")
        line += f"; messy: {faults:,} faulty rows (see {os.path.join(args.out, '_messy_manifest.json')})"
    print(line, file=sys.stderr)
    return 0
