"""`alignboard quality`: what the last load did with each landing file."""
import json
import sys
from pathlib import Path

HELP = "Show what the last load did with each landing file: status, rows read, loaded, quarantined (by reason)."


def add_arguments(parser) -> None:
    from assets.warehouse import default_path

    parser.add_argument("--warehouse", type=Path, default=Path(default_path()), help="DuckDB warehouse file")
    parser.add_argument("--format", choices=["table", "json"], default="table")


def latest_quality(warehouse_path: Path) -> list[dict]:
    """The last run's row for every contract's file (every run records every file); a file the
    last run did not know of (a contract added since) is reported as never loaded."""
    from data_contracts.contract import load_contracts
    from assets.warehouse import open_read_only

    from assets.equity.notes import data_notes

    with open_read_only(warehouse_path) as con:
        cursor = con.execute(
            """SELECT * FROM mart.data_quality
               WHERE run_id = (SELECT run_id FROM mart.data_quality ORDER BY loaded_at DESC LIMIT 1)"""
        )
        names = [d[0] for d in cursor.description]
        rows = {r["file"]: r for r in (dict(zip(names, row)) for row in cursor.fetchall())}
        notes = data_notes(con)
    result = []
    for file in sorted(load_contracts()):
        row = rows.get(file) or {"file": file, "status": "missing", "rows_read": 0, "rows_loaded": 0,
                                 "rows_quarantined": 0, "reasons": "{}", "message": "never loaded", "loaded_at": None}
        reasons = row["reasons"]
        result.append(
            {
                "file": display_name(row),
                "status": row["status"],
                "rows_read": row["rows_read"],
                "rows_loaded": row["rows_loaded"],
                "rows_quarantined": row["rows_quarantined"],
                "reasons": json.loads(reasons) if isinstance(reasons, str) else (reasons or {}),
                "message": row["message"],
                "loaded_at": row["loaded_at"].isoformat(timespec="seconds") if row["loaded_at"] else None,
                "source_sha256": row.get("source_sha256"),
                "notes": notes.get(file, []),
                "upstream_file": row.get("upstream_file"),
                "run_id": row.get("run_id"),
                "encoding": row.get("encoding"),
                "accepted_by": row.get("accepted_by"),
                "accept_reason": row.get("accept_reason"),
                "rows_by_year": _json(row.get("rows_by_year")),
                "new_codes": _json(row.get("new_codes")) or {},
            }
        )
    return result


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def display_name(row: dict) -> str:
    """The landing file's name as the coordinator dropped it (`students.csv`)."""
    if row.get("source_file"):
        return row["source_file"]
    return row["file"] if "." in row["file"] else f"{row['file']}.csv"


def print_notes(rows: list[dict], out=None) -> None:
    """Under the table: why a file was rejected, not run or loaded with warnings, acceptances
    applied, the codes seen for the first time, and what loaded rows leave unknown."""
    out = out or sys.stdout
    for row in rows:
        if row["status"] in ("rejected", "not_run", "loaded_with_warnings") and row["message"]:
            print(row["message"], file=out)
        if row.get("accepted_by"):
            reason = f": {row['accept_reason']}" if row.get("accept_reason") else ""
            print(f"{display_name(row)}: change accepted by {row['accepted_by']}{reason}", file=out)
        for column, codes in (_json(row.get("new_codes")) or {}).items():
            shown = ", ".join(codes[:NEW_CODES_SHOWN]) + (
                f" and {len(codes) - NEW_CODES_SHOWN:,} more" if len(codes) > NEW_CODES_SHOWN else "")
            print(f"{display_name(row)}: {column}: codes seen for the first time: {shown}", file=out)
        for note in row.get("notes", []):
            print(f"{row['file']}: {note}", file=out)


NEW_CODES_SHOWN = 20  # per column in the table's notes; --format json lists them all


def print_table(rows: list[dict], out=None) -> None:
    out = out or sys.stdout
    if not rows:
        print("(no files)", file=out)
        return
    table = [["file", "status", "encoding", "read", "loaded", "quarantined", "top reasons"]]
    for r in rows:
        reasons = r["reasons"] if isinstance(r["reasons"], dict) else json.loads(r["reasons"] or "{}")
        top = ", ".join(f"{k} {v:,}" for k, v in sorted(reasons.items(), key=lambda kv: -kv[1])[:3])
        table.append([display_name(r), r["status"], r.get("encoding") or "", f"{r['rows_read']:,}",
                      f"{r['rows_loaded']:,}", f"{r['rows_quarantined']:,}", top])
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for n, row in enumerate(table):
        cells = [c.ljust(w) if i in (0, 1, 2, 6) else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))]
        print("  ".join(cells).rstrip(), file=out)
        if n == 0:
            print("  ".join("-" * w for w in widths), file=out)


def run(args) -> int:
    from pipelines.run_failures import recent_failures

    if not args.warehouse.exists():
        print(f"alignboard quality: no warehouse at {args.warehouse}; run `alignboard load` first", file=sys.stderr)
        return 1
    from assets.warehouse import existing_tables, open_read_only

    with open_read_only(args.warehouse) as con:
        loaded = "mart.data_quality" in existing_tables(con)
    if not loaded:
        print(f"alignboard quality: {args.warehouse} holds no load yet; run `alignboard load` first", file=sys.stderr)
        return 1
    rows = latest_quality(args.warehouse)
    if args.format == "json":
        print(json.dumps(rows, indent=2, default=str))
        return 0
    if rows and rows[0]["run_id"]:
        print(f"run {rows[0]['run_id'][:8]}, {rows[0]['loaded_at']}")
    print_table(rows)
    print_notes(rows)
    for failure in recent_failures(args.warehouse):
        print(f"run {failure['run_id'][:8]} ({failure['job']}) failed at {failure['failed_at']}: {failure['message']}")
    return 0
